//go:build !amd64 || purego

package simd

// No accelerated kernels on this architecture (or with the purego tag): the
// portable kernels in swap.go do all the work. The arch functions satisfy the
// contract in swap.go by converting nothing.

const archAvailable = false

// useAVX512 and haveAVX512 exist so that tests can name them on every
// architecture; no kernel reads them here.
var useAVX512 = false

const haveAVX512 = false

// archName names the kernel set in use, for benchmarks and test logs.
func archName() string { return "generic" }

func archPutInt64s(dst []byte, src []int64) int { return 0 }
func archInt64s(dst []int64, src []byte) int    { return 0 }
func archPutInt32s(dst []byte, src []int32) int { return 0 }
func archInt32s(dst []int32, src []byte) int    { return 0 }
