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
// Each kernel converts every element, so that a call from Go is the whole
// conversion (one call, no Go loop for a tail): the four Go-declared entry
// points load the pointers and the byte count and jump (not call) to a shared
// routine, which returns straight to the Go caller. Short runs, where the call
// is most of the cost, take straight-line code: one or two scalar BSWAPs
// below 16 bytes, two overlapping xmm vectors for 16 to 31 bytes, two
// overlapping ymm vectors for 32 to 64 bytes. Longer runs convert whole
// vectors from the start and finish with the run's last 32 bytes as one
// vector, which may overlap the one before it (the overlap is rewritten with
// the same bytes), so there is no element-by-element tail either.
//
// Without AVX2 (useAVX2 false) runs of 16 bytes or more take a BSWAP loop,
// one element at a time.
//
// Registers: SI source, DI destination, BX bytes left, AX the mask's address,
// Y0/Z0 the mask, Y5 the last vector (converted up front) and R8 where it
// goes.

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

// func putInt64s(dst []byte, src []int64)
TEXT ·putInt64s(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ src_base+24(FP), SI
	MOVQ src_len+32(FP), BX
	SHLQ $3, BX
	JMP  swap64<>(SB)

// func int64s(dst []int64, src []byte)
TEXT ·int64s(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), BX
	MOVQ src_base+24(FP), SI
	SHLQ $3, BX
	JMP  swap64<>(SB)

// func putInt32s(dst []byte, src []int32)
TEXT ·putInt32s(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ src_base+24(FP), SI
	MOVQ src_len+32(FP), BX
	SHLQ $2, BX
	JMP  swap32<>(SB)

// func int32s(dst []int32, src []byte)
TEXT ·int32s(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), BX
	MOVQ src_base+24(FP), SI
	SHLQ $2, BX
	JMP  swap32<>(SB)

// swap64 converts BX bytes (a multiple of 8) of 8-byte elements from SI to DI.
TEXT swap64<>(SB), NOSPLIT, $0-0
	CMPQ BX, $16
	JB   scalar
	CMPB ·useAVX2(SB), $0
	JEQ  loop
	LEAQ bswap64mask<>(SB), AX
	JMP  swapVec<>(SB)

loop:
	// Without AVX2: one element at a time (BX >= 16).
	MOVQ   (SI), DX
	BSWAPQ DX
	MOVQ   DX, (DI)
	ADDQ   $8, SI
	ADDQ   $8, DI
	SUBQ   $8, BX
	JNZ    loop
	RET

scalar:
	// No element, or one.
	TESTQ  BX, BX
	JZ     none
	MOVQ   (SI), DX
	BSWAPQ DX
	MOVQ   DX, (DI)

none:
	RET

// swap32 converts BX bytes (a multiple of 4) of 4-byte elements from SI to DI.
TEXT swap32<>(SB), NOSPLIT, $0-0
	CMPQ BX, $16
	JB   scalar
	CMPB ·useAVX2(SB), $0
	JEQ  loop
	LEAQ bswap32mask<>(SB), AX
	JMP  swapVec<>(SB)

loop:
	// Without AVX2: one element at a time (BX >= 16).
	MOVL   (SI), DX
	BSWAPL DX
	MOVL   DX, (DI)
	ADDQ   $4, SI
	ADDQ   $4, DI
	SUBQ   $4, BX
	JNZ    loop
	RET

scalar:
	CMPQ BX, $8
	JB   one

	// Two or three elements: the first and the last 8 bytes (which overlap
	// for three), each a pair of elements: BSWAPQ reverses the pair's bytes,
	// which also swaps the two elements, and RORQ $32 puts them back.
	MOVQ   (SI), DX
	MOVQ   -8(SI)(BX*1), R8
	BSWAPQ DX
	BSWAPQ R8
	RORQ   $32, DX
	RORQ   $32, R8
	MOVQ   DX, (DI)
	MOVQ   R8, -8(DI)(BX*1)
	RET

one:
	// No element, or one.
	TESTQ  BX, BX
	JZ     none
	MOVL   (SI), DX
	BSWAPL DX
	MOVL   DX, (DI)

none:
	RET

// swapVec converts BX >= 16 bytes from SI to DI with the VPSHUFB mask at AX.
// The callers jump here with their own
// frame still in place, so RET returns to the Go caller.
TEXT swapVec<>(SB), NOSPLIT, $0-0
	CMPQ BX, $32
	JAE  ymm

	// 16 to 31 bytes: the first and the last 16 bytes as two xmm vectors.
	// The 128-bit VEX forms leave the upper halves of the ymm registers
	// clean, so no VZEROUPPER is needed.
	VMOVDQU (AX), X0
	VMOVDQU (SI), X1
	VMOVDQU -16(SI)(BX*1), X2
	VPSHUFB X0, X1, X1
	VPSHUFB X0, X2, X2
	VMOVDQU X1, (DI)
	VMOVDQU X2, -16(DI)(BX*1)
	RET

ymm:
	// The last 32 bytes, converted now and stored at the very end.
	VMOVDQU (AX), Y0
	VMOVDQU -32(SI)(BX*1), Y5
	VPSHUFB Y0, Y5, Y5
	LEAQ    -32(DI)(BX*1), R8
	CMPQ    BX, $64
	JA      long

	// 32 to 64 bytes: the first 32 bytes, then the last 32.
	VMOVDQU (SI), Y1
	VPSHUFB Y0, Y1, Y1
	VMOVDQU Y1, (DI)
	JMP     done

long:
	CMPQ BX, $zmmMin
	JB   narrow
	CMPQ BX, $zmmMax
	JA   narrow
	CMPB ·useAVX512(SB), $0
	JNE  wide

narrow:
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

loop32:
	// Whole vectors while at least 32 bytes are left; the last vector (Y5)
	// covers what remains.
	CMPQ    BX, $32
	JB      done
	VMOVDQU (SI), Y1
	VPSHUFB Y0, Y1, Y1
	VMOVDQU Y1, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $32, BX
	JMP     loop32

done:
	VMOVDQU Y5, (R8)
	VZEROUPPER
	RET

wide:
	// zmm variant (AVX512F + AVX512BW): 4×64 bytes per iteration, then 64
	// bytes at a time, then loop32. BX >= zmmMin here. The mask is in all
	// of Z0, so Y0 still holds it for loop32.
	VBROADCASTI64X4 (AX), Z0

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
	JB        loop32
	VMOVDQU64 (SI), Z1
	VPSHUFB   Z0, Z1, Z1
	VMOVDQU64 Z1, (DI)
	ADDQ      $64, SI
	ADDQ      $64, DI
	SUBQ      $64, BX
	JMP       loop64
