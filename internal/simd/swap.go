package simd

import "encoding/binary"

// Architecture contract.
//
// An architecture file (swap_amd64.go with swap_amd64.s, built without the
// purego tag) provides the kernels putInt64s, int64s, putInt32s and int32s;
// swap_generic.go provides the same names for every other build, as calls of
// the portable kernels below. A kernel converts every element of its
// arguments, whose lengths the caller has made to match exactly.
//
// The exported functions below slice the byte side to the elements' size
// (the bounds check is the length check) and make one call, to the kernel.
// That keeps them small enough to be inlined into their callers, the codec's
// list writers and readers, so that generated code converting a short list
// makes one call in all, straight into the assembly: at 8 elements the calls
// and the dispatch between them were most of the cost.
//
// The portable kernels (genericPutInt64s ...) are built on every
// architecture: they are the whole implementation where there is no arch
// kernel, and the reference the tests cross-check the arch kernels against.

// PutInt64s writes src as big-endian 8-byte values into dst[:8*len(src)].
//
// It panics (with a runtime bounds error) if len(dst) < 8*len(src). That is a
// programming error of the caller, never reachable from wire input: the codec
// sizes dst before calling.
func PutInt64s(dst []byte, src []int64) {
	putInt64s(dst[:len(dst):len(dst)][:8*len(src)], src)
}

// Int64s reads len(dst) big-endian 8-byte values from src[:8*len(dst)] into
// dst.
//
// It panics (with a runtime bounds error) if len(src) < 8*len(dst). That is a
// programming error of the caller, never reachable from wire input: the codec
// checks the list length against the available bytes before calling.
func Int64s(dst []int64, src []byte) {
	int64s(dst, src[:len(src):len(src)][:8*len(dst)])
}

// PutInt32s writes src as big-endian 4-byte values into dst[:4*len(src)].
//
// It panics (with a runtime bounds error) if len(dst) < 4*len(src). That is a
// programming error of the caller, never reachable from wire input: the codec
// sizes dst before calling.
func PutInt32s(dst []byte, src []int32) {
	putInt32s(dst[:len(dst):len(dst)][:4*len(src)], src)
}

// Int32s reads len(dst) big-endian 4-byte values from src[:4*len(dst)] into
// dst.
//
// It panics (with a runtime bounds error) if len(src) < 4*len(dst). That is a
// programming error of the caller, never reachable from wire input: the codec
// checks the list length against the available bytes before calling.
func Int32s(dst []int32, src []byte) {
	int32s(dst, src[:len(src):len(src)][:4*len(dst)])
}

// The portable kernels. Callers guarantee the lengths. The unrolled loop
// bodies compile without bounds checks (only the entry reslice and the tail
// of at most 3 elements keep one); unrolling by 4 measured 0.4-0.8x the time
// of a plain one-element loop on amd64. Each binary.BigEndian call compiles
// to a load, BSWAP and a store (MOVBE with GOAMD64=v3) on amd64, REV on arm64.

func genericPutInt64s(dst []byte, src []int64) {
	dst = dst[:8*len(src)]
	for len(src) >= 4 && len(dst) >= 32 {
		binary.BigEndian.PutUint64(dst[0:8], uint64(src[0]))
		binary.BigEndian.PutUint64(dst[8:16], uint64(src[1]))
		binary.BigEndian.PutUint64(dst[16:24], uint64(src[2]))
		binary.BigEndian.PutUint64(dst[24:32], uint64(src[3]))
		dst, src = dst[32:], src[4:]
	}
	for i, v := range src {
		binary.BigEndian.PutUint64(dst[8*i:], uint64(v))
	}
}

func genericInt64s(dst []int64, src []byte) {
	src = src[:8*len(dst)]
	for len(dst) >= 4 && len(src) >= 32 {
		dst[0] = int64(binary.BigEndian.Uint64(src[0:8]))
		dst[1] = int64(binary.BigEndian.Uint64(src[8:16]))
		dst[2] = int64(binary.BigEndian.Uint64(src[16:24]))
		dst[3] = int64(binary.BigEndian.Uint64(src[24:32]))
		dst, src = dst[4:], src[32:]
	}
	for i := range dst {
		dst[i] = int64(binary.BigEndian.Uint64(src[8*i:]))
	}
}

func genericPutInt32s(dst []byte, src []int32) {
	dst = dst[:4*len(src)]
	for len(src) >= 4 && len(dst) >= 16 {
		binary.BigEndian.PutUint32(dst[0:4], uint32(src[0]))
		binary.BigEndian.PutUint32(dst[4:8], uint32(src[1]))
		binary.BigEndian.PutUint32(dst[8:12], uint32(src[2]))
		binary.BigEndian.PutUint32(dst[12:16], uint32(src[3]))
		dst, src = dst[16:], src[4:]
	}
	for i, v := range src {
		binary.BigEndian.PutUint32(dst[4*i:], uint32(v))
	}
}

func genericInt32s(dst []int32, src []byte) {
	src = src[:4*len(dst)]
	for len(dst) >= 4 && len(src) >= 16 {
		dst[0] = int32(binary.BigEndian.Uint32(src[0:4]))
		dst[1] = int32(binary.BigEndian.Uint32(src[4:8]))
		dst[2] = int32(binary.BigEndian.Uint32(src[8:12]))
		dst[3] = int32(binary.BigEndian.Uint32(src[12:16]))
		dst, src = dst[4:], src[16:]
	}
	for i := range dst {
		dst[i] = int32(binary.BigEndian.Uint32(src[4*i:]))
	}
}
