package simd

import (
	"bytes"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unsafe"
)

func unsafePointer(b []byte) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(b)) }

// The reference functions below build big-endian bytes with shifts, one byte
// at a time, independently of encoding/binary and of both kernel sets, so a
// shared mistake in the kernels cannot hide.

func refPutInt64s(dst []byte, src []int64) {
	for i, v := range src {
		for j := range 8 {
			dst[8*i+j] = byte(uint64(v) >> (56 - 8*j))
		}
	}
}

func refInt64s(dst []int64, src []byte) {
	for i := range dst {
		var v uint64
		for j := range 8 {
			v = v<<8 | uint64(src[8*i+j])
		}
		dst[i] = int64(v)
	}
}

func refPutInt32s(dst []byte, src []int32) {
	for i, v := range src {
		for j := range 4 {
			dst[4*i+j] = byte(uint32(v) >> (24 - 8*j))
		}
	}
}

func refInt32s(dst []int32, src []byte) {
	for i := range dst {
		var v uint32
		for j := range 4 {
			v = v<<8 | uint32(src[4*i+j])
		}
		dst[i] = int32(v)
	}
}

func TestGolden(t *testing.T) { forEachKernel(t, testGolden) }

func testGolden(t *testing.T) {
	// seq256 is 32 int64s (64 int32s) whose big-endian bytes are 0, 1, ...
	// 255: long enough for every vector loop, including the zmm one.
	var seq64 []int64
	var seq32 []int32
	seq256 := make([]byte, 256)
	for k := range 32 {
		seq64 = append(seq64, 0x0001020304050607+int64(k)*0x0808080808080808)
	}
	for k := range 64 {
		seq32 = append(seq32, 0x00010203+int32(k)*0x04040404)
	}
	for i := range seq256 {
		seq256[i] = byte(i)
	}
	tests := []struct {
		name string
		i64  []int64
		i32  []int32
		want []byte
	}{
		{name: "empty", want: []byte{}},
		{
			name: "one",
			i64:  []int64{0x0102030405060708},
			i32:  []int32{0x01020304, 0x05060708},
			want: []byte{1, 2, 3, 4, 5, 6, 7, 8},
		},
		{
			name: "negative",
			i64:  []int64{-2},
			i32:  []int32{-1, -2},
			want: []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe},
		},
		{
			// 40 bytes: one 32-byte vector plus a scalar tail for i64,
			// one vector plus two tail elements for i32.
			name: "vector+tail",
			i64: []int64{
				0x0001020304050607, 0x08090a0b0c0d0e0f, 0x1011121314151617,
				0x18191a1b1c1d1e1f, 0x2021222324252627,
			},
			i32: []int32{
				0x00010203, 0x04050607, 0x08090a0b, 0x0c0d0e0f, 0x10111213,
				0x14151617, 0x18191a1b, 0x1c1d1e1f, 0x20212223, 0x24252627,
			},
			want: func() []byte {
				b := make([]byte, 40)
				for i := range b {
					b[i] = byte(i)
				}
				return b
			}(),
		},
		{name: "seq256", i64: seq64, i32: seq32, want: seq256},
		{
			name: "extremes",
			i64:  []int64{-1 << 63, 1<<63 - 1},
			i32:  []int32{-1 << 31, 0, 1<<31 - 1, -1},
			want: []byte{
				0x80, 0, 0, 0, 0, 0, 0, 0,
				0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.i64) > 0 || len(tt.want) == 0 {
				got := make([]byte, 8*len(tt.i64))
				PutInt64s(got, tt.i64)
				if !bytes.Equal(got, tt.want) {
					t.Errorf("PutInt64s(%#x) = % x, want % x", tt.i64, got, tt.want)
				}
				back := make([]int64, len(tt.i64))
				Int64s(back, tt.want)
				if !slices.Equal(back, tt.i64) {
					t.Errorf("Int64s(% x) = %#x, want %#x", tt.want, back, tt.i64)
				}
			}
			if len(tt.i32) > 0 || len(tt.want) == 0 {
				got := make([]byte, 4*len(tt.i32))
				PutInt32s(got, tt.i32)
				if !bytes.Equal(got, tt.want) {
					t.Errorf("PutInt32s(%#x) = % x, want % x", tt.i32, got, tt.want)
				}
				back := make([]int32, len(tt.i32))
				Int32s(back, tt.want)
				if !slices.Equal(back, tt.i32) {
					t.Errorf("Int32s(% x) = %#x, want %#x", tt.want, back, tt.i32)
				}
			}
		})
	}
}

// crossLengths are the element counts the cross-check covers: every count up
// to 1024 (all vector/unroll boundaries and tails) and a few large ones
// around the kernels' size thresholds.
func crossLengths() []int {
	var ns []int
	for n := 0; n <= 1024; n++ {
		ns = append(ns, n)
	}
	// 2048 int64s and 4096 int32s are 16 KiB, the largest run the amd64
	// kernels give to the zmm loop.
	ns = append(ns, 2047, 2048, 2049, 4095, 4096, 4097, 131072)
	if testing.Short() {
		ns = append(ns[:130:130], 1024, 2048, 4097)
	}
	return ns
}

const sentinel = 0xa5

// checkGuard fails if any byte of guard differs from sentinel: a kernel wrote
// outside the destination it was given.
func checkGuard(t *testing.T, what string, guard []byte) {
	t.Helper()
	for i, b := range guard {
		if b != sentinel {
			t.Fatalf("%s wrote outside dst at guard byte %d: %#x", what, i, b)
		}
	}
}

// forEachKernel runs f once per kernel variant this machine can run (on amd64:
// the BSWAP loop, AVX2, and the AVX-512 variant where the CPU has it; just the
// portable kernels elsewhere) and restores the default selection afterwards.
func forEachKernel(t *testing.T, f func(t *testing.T)) {
	saved2, saved512 := useAVX2, useAVX512
	t.Cleanup(func() { useAVX2, useAVX512 = saved2, saved512 })
	useAVX2, useAVX512 = false, false
	t.Run("kernel="+archName(), f)
	if saved2 {
		useAVX2 = true
		t.Run("kernel="+archName(), f)
		if haveAVX512 {
			useAVX512 = true
			t.Run("kernel="+archName(), f)
		}
	}
}

// TestCrossCheck compares the API (one kernel call for the whole run), the
// portable kernels alone and the byte-at-a-time reference, on random data at every length and at byte
// offsets 0..7 of both dst and src. It also checks that nothing outside dst
// is written and that src is not modified.
func TestCrossCheck(t *testing.T) { forEachKernel(t, testCrossCheck) }

func testCrossCheck(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const pad = 64
	for _, n := range crossLengths() {
		raw := make([]byte, 8*n+pad)
		for i := range raw {
			raw[i] = byte(rng.Uint32())
		}
		i64 := make([]int64, n+4)
		i32 := make([]int32, n+8)
		for i := range i64 {
			i64[i] = int64(rng.Uint64())
		}
		for i := range i32 {
			i32[i] = int32(rng.Uint32())
		}
		offsets := []int{0, 1, 2, 3, 4, 5, 6, 7}
		if n > 1024 {
			offsets = []int{0, 1, 7}
		}
		for _, off := range offsets {
			// Element-slice offsets shift the 32-byte vector alignment.
			e64, e32 := i64[off%4:][:n], i32[off:][:n]
			src := raw[off:][:8*n]

			// PutInt64s
			want := make([]byte, 8*n)
			refPutInt64s(want, e64)
			buf := bytes.Repeat([]byte{sentinel}, 8*n+2*pad)
			dst := buf[pad-off : pad-off+8*n]
			PutInt64s(dst, e64)
			if !bytes.Equal(dst, want) {
				t.Fatalf("PutInt64s n=%d off=%d: got % x, want % x", n, off, dst, want)
			}
			checkGuard(t, "PutInt64s", buf[:pad-off])
			checkGuard(t, "PutInt64s", buf[pad-off+8*n:])
			clear(dst)
			genericPutInt64s(dst, e64)
			if !bytes.Equal(dst, want) {
				t.Fatalf("genericPutInt64s n=%d off=%d differs from reference", n, off)
			}

			// PutInt32s
			want = want[:4*n]
			refPutInt32s(want, e32)
			dst = buf[pad-off : pad-off+4*n]
			PutInt32s(dst, e32)
			if !bytes.Equal(dst, want) {
				t.Fatalf("PutInt32s n=%d off=%d: got % x, want % x", n, off, dst, want)
			}
			checkGuard(t, "PutInt32s", buf[:pad-off])
			checkGuard(t, "PutInt32s", buf[pad-off+8*n:]) // tail left from PutInt64s is checked above
			clear(dst)
			genericPutInt32s(dst, e32)
			if !bytes.Equal(dst, want) {
				t.Fatalf("genericPutInt32s n=%d off=%d differs from reference", n, off)
			}

			// Int64s
			orig := bytes.Clone(src)
			w64 := make([]int64, n)
			refInt64s(w64, src)
			g64 := make([]int64, n+2)
			g64[n], g64[n+1] = 0x5a5a, 0x5a5a
			got64 := g64[:n:n]
			Int64s(got64, src)
			for i := range w64 {
				if got64[i] != w64[i] {
					t.Fatalf("Int64s n=%d off=%d: [%d] = %#x, want %#x", n, off, i, got64[i], w64[i])
				}
			}
			if g64[n] != 0x5a5a || g64[n+1] != 0x5a5a {
				t.Fatalf("Int64s n=%d off=%d wrote past dst", n, off)
			}
			clear(got64)
			genericInt64s(got64, src)
			for i := range w64 {
				if got64[i] != w64[i] {
					t.Fatalf("genericInt64s n=%d off=%d: [%d] = %#x, want %#x", n, off, i, got64[i], w64[i])
				}
			}

			// Int32s, from the first 4n bytes of the same source.
			w32 := make([]int32, n)
			refInt32s(w32, src)
			g32 := make([]int32, n+2)
			g32[n], g32[n+1] = 0x5a5a, 0x5a5a
			got32 := g32[:n:n]
			Int32s(got32, src)
			for i := range w32 {
				if got32[i] != w32[i] {
					t.Fatalf("Int32s n=%d off=%d: [%d] = %#x, want %#x", n, off, i, got32[i], w32[i])
				}
			}
			if g32[n] != 0x5a5a || g32[n+1] != 0x5a5a {
				t.Fatalf("Int32s n=%d off=%d wrote past dst", n, off)
			}
			clear(got32)
			genericInt32s(got32, src)
			for i := range w32 {
				if got32[i] != w32[i] {
					t.Fatalf("genericInt32s n=%d off=%d: [%d] = %#x, want %#x", n, off, i, got32[i], w32[i])
				}
			}
			if !bytes.Equal(src, orig) {
				t.Fatalf("n=%d off=%d: a decoder modified its source", n, off)
			}
		}
	}
}

// TestLongRuns covers runs beyond every size threshold of the kernels at
// destinations that are 32-byte aligned, aligned to the element size only,
// and not even that, with the last vector overlapping the one before or not,
// and checks that nothing outside dst is written.
func TestLongRuns(t *testing.T) { forEachKernel(t, testLongRuns) }

func testLongRuns(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const kib = 1 << 10
	for _, nbytes := range []int{64 * kib, 64*kib + 8, 64*kib + 8*13} {
		raw := make([]byte, nbytes+64)
		for i := range raw {
			raw[i] = byte(rng.Uint32())
		}
		for _, off := range []int{0, 1, 4, 8, 16, 24, 27} {
			src := raw[off:][:nbytes]
			n64, n32 := nbytes/8, nbytes/4

			// Decoders: dst shifted by whole elements, so 8- and 4-aligned.
			w64 := make([]int64, n64)
			refInt64s(w64, src)
			g64 := make([]int64, n64+4)
			got64 := g64[off/8%4:][:n64:n64]
			Int64s(got64, src)
			if !slices.Equal(got64, w64) {
				t.Fatalf("Int64s %d bytes, dst offset %d elements, src offset %d: wrong values", nbytes, off/8%4, off)
			}
			w32 := make([]int32, n32)
			refInt32s(w32, src)
			g32 := make([]int32, n32+8)
			got32 := g32[off/4%8:][:n32:n32]
			Int32s(got32, src)
			if !slices.Equal(got32, w32) {
				t.Fatalf("Int32s %d bytes, dst offset %d elements: wrong values", nbytes, off/4%8)
			}

			// Encoders: dst at byte offset off of a 32-byte aligned block.
			buf := make([]byte, nbytes+128)
			base := 32 - int(uintptr(unsafePointer(buf))&31)
			dst := buf[base+off : base+off+nbytes]
			guard := buf[:base+off]
			for i := range guard {
				guard[i] = sentinel
			}
			after := buf[base+off+nbytes:]
			for i := range after {
				after[i] = sentinel
			}
			PutInt64s(dst, w64)
			if !bytes.Equal(dst, src) {
				t.Fatalf("PutInt64s %d bytes at offset %d: wrong bytes", nbytes, off)
			}
			checkGuard(t, "PutInt64s", guard)
			checkGuard(t, "PutInt64s", after)
			clear(dst)
			PutInt32s(dst, w32)
			if !bytes.Equal(dst, src) {
				t.Fatalf("PutInt32s %d bytes at offset %d: wrong bytes", nbytes, off)
			}
			checkGuard(t, "PutInt32s", guard)
			checkGuard(t, "PutInt32s", after)
		}
	}
}

// TestRoundTrip checks that longer-than-needed arguments are fine and
// that encode then decode is the identity.
func TestRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 4, 8, 9, 63, 64, 65, 1000} {
		i64 := make([]int64, n)
		i32 := make([]int32, n)
		for i := range i64 {
			i64[i] = int64(rng.Uint64())
			i32[i] = int32(rng.Uint32())
		}
		buf := make([]byte, 8*n+5) // longer than needed
		PutInt64s(buf, i64)
		back64 := make([]int64, n)
		Int64s(back64, buf)
		PutInt32s(buf, i32)
		back32 := make([]int32, n)
		Int32s(back32, buf)
		for i := range n {
			if back64[i] != i64[i] || back32[i] != i32[i] {
				t.Fatalf("n=%d: round trip [%d] = %#x/%#x, want %#x/%#x", n, i, back64[i], back32[i], i64[i], i32[i])
			}
		}
	}
}

// TestShortPanics checks that a byte side too short for the elements panics
// (with the runtime's bounds error) instead of converting part of them or
// writing past the slice's length into its capacity.
func TestShortPanics(t *testing.T) {
	tests := []struct {
		name string
		f    func()
	}{
		{"PutInt64s", func() { PutInt64s(make([]byte, 15), make([]int64, 2)) }},
		{"Int64s", func() { Int64s(make([]int64, 2), make([]byte, 15)) }},
		{"PutInt32s", func() { PutInt32s(make([]byte, 7), make([]int32, 2)) }},
		{"Int32s", func() { Int32s(make([]int32, 2), make([]byte, 7)) }},
		{"PutInt64s/large", func() { PutInt64s(make([]byte, 8*64-1), make([]int64, 64)) }},
		{"Int32s/large", func() { Int32s(make([]int32, 64), make([]byte, 4*64-1)) }},
		{"PutInt64s/nil", func() { PutInt64s(nil, make([]int64, 1)) }},
		{"PutInt64s/capacity", func() { PutInt64s(make([]byte, 8, 16), make([]int64, 2)) }},
		{"Int32s/capacity", func() { Int32s(make([]int32, 2), make([]byte, 4, 8)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if err, ok := r.(runtime.Error); !ok || !strings.Contains(err.Error(), "out of range") {
					t.Errorf("recovered %v, want a bounds panic", r)
				}
			}()
			tt.f()
		})
	}
}

// FuzzSwap decodes arbitrary bytes (at an arbitrary offset) with the
// dispatching API and the portable kernels, compares them and the reference,
// and checks that encoding the result gives back the input bytes.
func FuzzSwap(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8}, uint8(0))
	f.Add(bytes.Repeat([]byte{0x80, 0, 0xff, 1}, 33), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, off uint8) {
		if int(off) > len(data) {
			off = uint8(len(data))
		}
		src := data[off:]
		n64, n32 := len(src)/8, len(src)/4

		a64, g64, r64 := make([]int64, n64), make([]int64, n64), make([]int64, n64)
		Int64s(a64, src)
		genericInt64s(g64, src)
		refInt64s(r64, src)
		a32, g32, r32 := make([]int32, n32), make([]int32, n32), make([]int32, n32)
		Int32s(a32, src)
		genericInt32s(g32, src)
		refInt32s(r32, src)
		for i := range n64 {
			if a64[i] != g64[i] || a64[i] != r64[i] {
				t.Fatalf("Int64s [%d]: api %#x, generic %#x, reference %#x", i, a64[i], g64[i], r64[i])
			}
		}
		for i := range n32 {
			if a32[i] != g32[i] || a32[i] != r32[i] {
				t.Fatalf("Int32s [%d]: api %#x, generic %#x, reference %#x", i, a32[i], g32[i], r32[i])
			}
		}

		out := make([]byte, len(src))
		PutInt64s(out, a64)
		if !bytes.Equal(out[:8*n64], src[:8*n64]) {
			t.Fatalf("PutInt64s(Int64s(x)) != x")
		}
		genericPutInt64s(out, g64)
		if !bytes.Equal(out[:8*n64], src[:8*n64]) {
			t.Fatalf("genericPutInt64s(Int64s(x)) != x")
		}
		if n32 > 0 {
			PutInt32s(out[1:], a32[:n32-1]) // unaligned destination
			if !bytes.Equal(out[1:4*n32-3], src[:4*n32-4]) {
				t.Fatalf("PutInt32s(Int32s(x)) != x")
			}
		}
		genericPutInt32s(out, g32)
		if !bytes.Equal(out[:4*n32], src[:4*n32]) {
			t.Fatalf("genericPutInt32s(Int32s(x)) != x")
		}
	})
}
