//go:build !purego

package simd

import "golang.org/x/sys/cpu"

// archAvailable reports whether the CPU and OS support AVX2, which the
// kernels in swap_amd64.s need (VPSHUFB and VMOVDQU on 256-bit ymm registers).
// x/sys/cpu also checks that the OS saves the ymm state.
var archAvailable = cpu.X86.HasAVX2

// useAVX512 makes the kernels in swap_amd64.s run the zmm variant
// (AVX512F + AVX512BW: VMOVDQU64, VPSHUFB on zmm) for runs of 256 bytes to
// 16 KiB, and the AVX2 loop otherwise. The kernels read it on every call;
// tests flip it to cross-check both variants.
//
// The bounds are measurements on the development machine (an AMD EPYC
// "Turin"-class VM, 48 KB L1D), best of 40 interleaved runs, zmm time over
// AVX2 time for PutInt64s and Int32s:
//
//	64 B (8 int64s)      1.14-1.17  zmm setup costs more than it saves
//	512 B to 24 KiB      0.62-0.84  source and destination fit in L1
//	32 KiB to 64 KiB     0.93-1.14  L2-bound: no gain, sometimes a loss
//	256 KiB to 1 MiB     0.89-0.99  memory-bound: within noise
//
// 16 KiB rather than 24 KiB as the upper bound keeps source plus
// destination inside a 32 KB L1D as well (Zen 4, Skylake-X).
var useAVX512 = haveAVX512

// haveAVX512 reports whether the CPU and OS support the AVX-512 variant:
// AVX512F for zmm loads and stores, AVX512BW for VPSHUFB on zmm.
var haveAVX512 = archAvailable && cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW

// archName names the kernel set in use, for benchmarks and test logs.
func archName() string {
	switch {
	case useAVX512:
		return "avx2+avx512bw"
	case archAvailable:
		return "avx2"
	}
	return "generic"
}

// The kernels below are implemented in swap_amd64.s with AVX2 (VPSHUFB with a
// per-lane byte-reversal mask, VMOVDQU unaligned loads and stores, 4×32 bytes
// per iteration, then 32 bytes at a time, VZEROUPPER on exit), or with the
// AVX-512 variant when useAVX512 is set. Each converts the longest prefix
// that is a whole number of 32-byte vectors (4 int64s or 8 int32s) and
// returns the number of elements converted. They do not check lengths: the
// caller (swap.go) has checked that the destination holds the source, and
// calls them only when archAvailable is true. dst and src must not partially
// overlap (exactly equal is fine); Go slices of different element types
// cannot overlap without package unsafe.

// archPutInt64s converts src to big-endian bytes in dst (swap_amd64.s, AVX2).
//
//go:noescape
func archPutInt64s(dst []byte, src []int64) int

// archInt64s converts big-endian bytes in src to dst (swap_amd64.s, AVX2).
//
//go:noescape
func archInt64s(dst []int64, src []byte) int

// archPutInt32s converts src to big-endian bytes in dst (swap_amd64.s, AVX2).
//
//go:noescape
func archPutInt32s(dst []byte, src []int32) int

// archInt32s converts big-endian bytes in src to dst (swap_amd64.s, AVX2).
//
//go:noescape
func archInt32s(dst []int32, src []byte) int
