//go:build !purego

#include "textflag.h"

// AVX2 (and AVX-512BW) big-endian conversion kernels for swap_amd64.go.
//
// Converting between host (little-endian) integers and big-endian bytes is a
// byte reversal inside each element, the same operation in both directions.
// VPSHUFB does it for a whole register with a constant shuffle mask; the mask
// repeats every 16 bytes because VPSHUFB shuffles within 128-bit lanes. Loads
// and stores are unaligned (VMOVDQU, VMOVDQU64): Go gives no alignment
// guarantee for []byte, and the unaligned forms cost nothing extra on aligned
// data on AVX2-era cores.
//
// The four Go-declared entry points compute the byte count of whole 32-byte
// vectors, store the element count as the result, load the mask and jump
// (not call) to a shared loop, which returns straight to the Go caller.
// Registers: SI source, DI destination, BX bytes left, Y0/Z0 the mask.

// Runs of zmmMin to zmmMax bytes use the zmm loop when ·useAVX512 is set;
// the bounds are measurements, explained at useAVX512 in swap_amd64.go.
#define zmmMin 256
#define zmmMax 16384

// bswap64mask reverses the bytes of each 8-byte element of a ymm register.
DATA bswap64mask<>+0x00(SB)/8, $0x0001020304050607
DATA bswap64mask<>+0x08(SB)/8, $0x08090a0b0c0d0e0f
DATA bswap64mask<>+0x10(SB)/8, $0x0001020304050607
DATA bswap64mask<>+0x18(SB)/8, $0x08090a0b0c0d0e0f
GLOBL bswap64mask<>(SB), RODATA|NOPTR, $32

// bswap32mask reverses the bytes of each 4-byte element of a ymm register.
DATA bswap32mask<>+0x00(SB)/8, $0x0405060700010203
DATA bswap32mask<>+0x08(SB)/8, $0x0c0d0e0f08090a0b
DATA bswap32mask<>+0x10(SB)/8, $0x0405060700010203
DATA bswap32mask<>+0x18(SB)/8, $0x0c0d0e0f08090a0b
GLOBL bswap32mask<>(SB), RODATA|NOPTR, $32

// func archPutInt64s(dst []byte, src []int64) int
TEXT ·archPutInt64s(SB), NOSPLIT, $0-56
	MOVQ dst_base+0(FP), DI
	MOVQ src_base+24(FP), SI
	MOVQ src_len+32(FP), BX
	ANDQ $~3, BX            // whole 32-byte vectors, in elements
	MOVQ BX, ret+48(FP)
	SHLQ $3, BX             // in bytes
	JZ   none
	CMPQ BX, $zmmMin
	JB   narrow
	CMPQ BX, $zmmMax
	JA   narrow
	CMPB ·useAVX512(SB), $0
	JNE  wide

narrow:
	VMOVDQU bswap64mask<>(SB), Y0
	JMP     swapAVX2<>(SB)

wide:
	VBROADCASTI64X4 bswap64mask<>(SB), Z0
	JMP             swapAVX512<>(SB)

none:
	RET

// func archInt64s(dst []int64, src []byte) int
TEXT ·archInt64s(SB), NOSPLIT, $0-56
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), BX
	MOVQ src_base+24(FP), SI
	ANDQ $~3, BX
	MOVQ BX, ret+48(FP)
	SHLQ $3, BX
	JZ   none
	CMPQ BX, $zmmMin
	JB   narrow
	CMPQ BX, $zmmMax
	JA   narrow
	CMPB ·useAVX512(SB), $0
	JNE  wide

narrow:
	VMOVDQU bswap64mask<>(SB), Y0
	JMP     swapAVX2<>(SB)

wide:
	VBROADCASTI64X4 bswap64mask<>(SB), Z0
	JMP             swapAVX512<>(SB)

none:
	RET

// func archPutInt32s(dst []byte, src []int32) int
TEXT ·archPutInt32s(SB), NOSPLIT, $0-56
	MOVQ dst_base+0(FP), DI
	MOVQ src_base+24(FP), SI
	MOVQ src_len+32(FP), BX
	ANDQ $~7, BX
	MOVQ BX, ret+48(FP)
	SHLQ $2, BX
	JZ   none
	CMPQ BX, $zmmMin
	JB   narrow
	CMPQ BX, $zmmMax
	JA   narrow
	CMPB ·useAVX512(SB), $0
	JNE  wide

narrow:
	VMOVDQU bswap32mask<>(SB), Y0
	JMP     swapAVX2<>(SB)

wide:
	VBROADCASTI64X4 bswap32mask<>(SB), Z0
	JMP             swapAVX512<>(SB)

none:
	RET

// func archInt32s(dst []int32, src []byte) int
TEXT ·archInt32s(SB), NOSPLIT, $0-56
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), BX
	MOVQ src_base+24(FP), SI
	ANDQ $~7, BX
	MOVQ BX, ret+48(FP)
	SHLQ $2, BX
	JZ   none
	CMPQ BX, $zmmMin
	JB   narrow
	CMPQ BX, $zmmMax
	JA   narrow
	CMPB ·useAVX512(SB), $0
	JNE  wide

narrow:
	VMOVDQU bswap32mask<>(SB), Y0
	JMP     swapAVX2<>(SB)

wide:
	VBROADCASTI64X4 bswap32mask<>(SB), Z0
	JMP             swapAVX512<>(SB)

none:
	RET

// swapAVX2 shuffles BX bytes from SI to DI with the VPSHUFB mask in Y0.
// BX is a nonzero multiple of 32. The callers jump here with their own frame
// still in place, so RET returns to the Go caller.
TEXT swapAVX2<>(SB), NOSPLIT, $0-0
	CMPQ BX, $128
	JB   loop32

loop128:
	VMOVDQU 0(SI), Y1
	VMOVDQU 32(SI), Y2
	VMOVDQU 64(SI), Y3
	VMOVDQU 96(SI), Y4
	VPSHUFB Y0, Y1, Y1
	VPSHUFB Y0, Y2, Y2
	VPSHUFB Y0, Y3, Y3
	VPSHUFB Y0, Y4, Y4
	VMOVDQU Y1, 0(DI)
	VMOVDQU Y2, 32(DI)
	VMOVDQU Y3, 64(DI)
	VMOVDQU Y4, 96(DI)
	ADDQ    $128, SI
	ADDQ    $128, DI
	SUBQ    $128, BX
	CMPQ    BX, $128
	JAE     loop128
	TESTQ   BX, BX
	JZ      done

loop32:
	VMOVDQU (SI), Y1
	VPSHUFB Y0, Y1, Y1
	VMOVDQU Y1, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $32, BX
	JNZ     loop32

done:
	VZEROUPPER
	RET

// swapAVX512 is swapAVX2 on zmm registers (AVX512F + AVX512BW): 4×64 bytes
// per iteration, then 64 bytes, then one ymm step for a final 32 bytes. The
// mask is in Z0 (its low half, Y0, serves the ymm step). BX is a nonzero
// multiple of 32; the callers use it only for runs of zmmMin to zmmMax
// bytes, where it measured faster than swapAVX2 (see swap_amd64.go).
TEXT swapAVX512<>(SB), NOSPLIT, $0-0
	CMPQ BX, $256
	JB   loop64

loop256:
	VMOVDQU64 0(SI), Z1
	VMOVDQU64 64(SI), Z2
	VMOVDQU64 128(SI), Z3
	VMOVDQU64 192(SI), Z4
	VPSHUFB   Z0, Z1, Z1
	VPSHUFB   Z0, Z2, Z2
	VPSHUFB   Z0, Z3, Z3
	VPSHUFB   Z0, Z4, Z4
	VMOVDQU64 Z1, 0(DI)
	VMOVDQU64 Z2, 64(DI)
	VMOVDQU64 Z3, 128(DI)
	VMOVDQU64 Z4, 192(DI)
	ADDQ      $256, SI
	ADDQ      $256, DI
	SUBQ      $256, BX
	CMPQ      BX, $256
	JAE       loop256

loop64:
	CMPQ      BX, $64
	JB        last32
	VMOVDQU64 (SI), Z1
	VPSHUFB   Z0, Z1, Z1
	VMOVDQU64 Z1, (DI)
	ADDQ      $64, SI
	ADDQ      $64, DI
	SUBQ      $64, BX
	JMP       loop64

last32:
	TESTQ   BX, BX
	JZ      done
	VMOVDQU (SI), Y1
	VPSHUFB Y0, Y1, Y1
	VMOVDQU Y1, (DI)

done:
	VZEROUPPER
	RET
