//go:build !purego

package simd

import "golang.org/x/sys/cpu"

// useAVX2 makes the kernels in swap_amd64.s use AVX2 (VPSHUFB and VMOVDQU on
// 256-bit ymm registers). It is set when the CPU and OS support it (x/sys/cpu
// also checks that the OS saves the ymm state); without it the kernels fall
// back to a BSWAP loop, one element at a time. The kernels read it on every
// call; tests flip it to cross-check both paths.
var useAVX2 = cpu.X86.HasAVX2

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
var haveAVX512 = useAVX2 && cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW

// archName names the kernel set in use, for benchmarks and test logs.
func archName() string {
	switch {
	case !useAVX2:
		return "amd64-bswap"
	case useAVX512:
		return "avx2+avx512bw"
	}
	return "avx2"
}

// Non-temporal stores (VMOVNTDQ, which the runtime's memmove uses from 1 MiB
// on) were tried for runs of 1 MiB and more and are not used: measured on the
// development machine with a source that holds real data, 1 MiB of int64s,
// median of 5, they took 28.4 µs against 22.1 µs for ordinary stores (and
// copy, which switches to them, 29.4 µs). They only won, 15.4 µs against
// 21.4 µs, when the source was never-written memory, which the kernel maps
// to a single zero page that stays in the cache. A zmm loop (24.3 µs),
// prefetching (25.7 µs) and a 256-byte unrolled loop (24.8 µs) did not beat
// the AVX2 loop (24.1 µs) at that size either: it runs at the speed of the
// L3 cache, which holds the 2 MiB of source and destination.

// The kernels below are implemented in swap_amd64.s: with AVX2 (VPSHUFB with
// a per-lane byte-reversal mask, VMOVDQU unaligned loads and stores, 4×32
// bytes per iteration, then 32 bytes at a time, and the run's last 32 bytes
// as one overlapping vector; VZEROUPPER on exit), with the AVX-512 variant
// when useAVX512 is set, and with a BSWAP loop when useAVX2 is not. Runs
// shorter than 64 bytes take straight-line code. Each converts every element
// of src (of dst for the decoders); none checks lengths: the caller (swap.go)
// has sliced the byte side to exactly the elements' size. dst and src must not
// overlap; Go slices of different element types cannot overlap without
// package unsafe.

// putInt64s converts src to big-endian bytes in dst (swap_amd64.s).
//
//go:noescape
func putInt64s(dst []byte, src []int64)

// int64s converts big-endian bytes in src to dst (swap_amd64.s).
//
//go:noescape
func int64s(dst []int64, src []byte)

// putInt32s converts src to big-endian bytes in dst (swap_amd64.s).
//
//go:noescape
func putInt32s(dst []byte, src []int32)

// int32s converts big-endian bytes in src to dst (swap_amd64.s).
//
//go:noescape
func int32s(dst []int32, src []byte)
