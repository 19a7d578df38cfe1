//go:build !amd64 || purego

package simd

// No accelerated kernels on this architecture (or with the purego tag): the
// portable kernels in swap.go do all the work.

// useAVX2, useAVX512 and haveAVX512 exist so that tests can name them on
// every architecture; no kernel reads them here.
var (
	useAVX2   = false
	useAVX512 = false
)

const haveAVX512 = false

// archName names the kernel set in use, for benchmarks and test logs.
func archName() string { return "generic" }

func putInt64s(dst []byte, src []int64) { genericPutInt64s(dst, src) }
func int64s(dst []int64, src []byte)    { genericInt64s(dst, src) }
func putInt32s(dst []byte, src []int32) { genericPutInt32s(dst, src) }
func int32s(dst []int32, src []byte)    { genericInt32s(dst, src) }
