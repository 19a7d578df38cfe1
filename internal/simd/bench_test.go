package simd

import (
	"encoding/binary"
	"fmt"
	"testing"
)

// Each benchmark converts size elements, with the byte side of the conversion
// starting at byte offset align of an allocation, in four ways:
//
//	impl=simd      the package API (arch kernel for the bulk, Go for the tail)
//	impl=avx2      the same with the AVX-512 variant switched off (only on
//	               CPUs where it is on by default)
//	impl=generic   the portable kernels alone: the tight scalar loop
//	impl=copy      copy of the same number of bytes: the ceiling
//	impl=perelem   binary.BigEndian per element through a function value,
//	               what a per-element codec path pays
//
// SetBytes is the size of the big-endian array, so MB/s compares directly.
// Each loop body calls the code under test directly (no closure per
// iteration), so small sizes are not dominated by benchmark overhead.

var (
	putUint64 = binary.BigEndian.PutUint64
	getUint64 = binary.BigEndian.Uint64
	putUint32 = binary.BigEndian.PutUint32
	getUint32 = binary.BigEndian.Uint32
)

// noAVX512 switches the AVX-512 variant off until the returned func runs.
func noAVX512() (restore func()) {
	saved := useAVX512
	useAVX512 = false
	return func() { useAVX512 = saved }
}

var benchSizes = []int{8, 64, 1024, 131072}

// benchMatrix runs f for every size and alignment under impl=name/size=/align=.
// buf is the byte side (width*size bytes at offset align of its allocation),
// filled with a pattern; SetBytes and ReportAllocs are set before f runs its
// b.Loop.
func benchMatrix(b *testing.B, name string, width int, f func(b *testing.B, buf []byte, n int)) {
	for _, size := range benchSizes {
		for _, align := range []int{0, 1} {
			b.Run(fmt.Sprintf("impl=%s/size=%d/align=%d", name, size, align), func(b *testing.B) {
				buf := make([]byte, width*size+align)[align:]
				for i := range buf {
					buf[i] = byte(i)
				}
				b.SetBytes(int64(width * size))
				b.ReportAllocs()
				f(b, buf, size)
			})
		}
	}
}

func benchCopy(b *testing.B, width int) {
	benchMatrix(b, "copy", width, func(b *testing.B, buf []byte, _ int) {
		other := make([]byte, len(buf))
		for b.Loop() {
			copy(buf, other)
		}
	})
}

func BenchmarkPutInt64s(b *testing.B) {
	benchMatrix(b, "simd", 8, func(b *testing.B, buf []byte, n int) {
		src := make([]int64, n)
		for b.Loop() {
			PutInt64s(buf, src)
		}
	})
	if haveAVX512 {
		benchMatrix(b, "avx2", 8, func(b *testing.B, buf []byte, n int) {
			src := make([]int64, n)
			defer noAVX512()()
			for b.Loop() {
				PutInt64s(buf, src)
			}
		})
	}
	benchMatrix(b, "generic", 8, func(b *testing.B, buf []byte, n int) {
		src := make([]int64, n)
		for b.Loop() {
			genericPutInt64s(buf, src)
		}
	})
	benchCopy(b, 8)
	benchMatrix(b, "perelem", 8, func(b *testing.B, buf []byte, n int) {
		src := make([]int64, n)
		for b.Loop() {
			for i, v := range src {
				putUint64(buf[8*i:], uint64(v))
			}
		}
	})
}

func BenchmarkInt64s(b *testing.B) {
	benchMatrix(b, "simd", 8, func(b *testing.B, buf []byte, n int) {
		dst := make([]int64, n)
		for b.Loop() {
			Int64s(dst, buf)
		}
	})
	if haveAVX512 {
		benchMatrix(b, "avx2", 8, func(b *testing.B, buf []byte, n int) {
			dst := make([]int64, n)
			defer noAVX512()()
			for b.Loop() {
				Int64s(dst, buf)
			}
		})
	}
	benchMatrix(b, "generic", 8, func(b *testing.B, buf []byte, n int) {
		dst := make([]int64, n)
		for b.Loop() {
			genericInt64s(dst, buf)
		}
	})
	benchCopy(b, 8)
	benchMatrix(b, "perelem", 8, func(b *testing.B, buf []byte, n int) {
		dst := make([]int64, n)
		for b.Loop() {
			for i := range dst {
				dst[i] = int64(getUint64(buf[8*i:]))
			}
		}
	})
}

func BenchmarkPutInt32s(b *testing.B) {
	benchMatrix(b, "simd", 4, func(b *testing.B, buf []byte, n int) {
		src := make([]int32, n)
		for b.Loop() {
			PutInt32s(buf, src)
		}
	})
	if haveAVX512 {
		benchMatrix(b, "avx2", 4, func(b *testing.B, buf []byte, n int) {
			src := make([]int32, n)
			defer noAVX512()()
			for b.Loop() {
				PutInt32s(buf, src)
			}
		})
	}
	benchMatrix(b, "generic", 4, func(b *testing.B, buf []byte, n int) {
		src := make([]int32, n)
		for b.Loop() {
			genericPutInt32s(buf, src)
		}
	})
	benchCopy(b, 4)
	benchMatrix(b, "perelem", 4, func(b *testing.B, buf []byte, n int) {
		src := make([]int32, n)
		for b.Loop() {
			for i, v := range src {
				putUint32(buf[4*i:], uint32(v))
			}
		}
	})
}

func BenchmarkInt32s(b *testing.B) {
	benchMatrix(b, "simd", 4, func(b *testing.B, buf []byte, n int) {
		dst := make([]int32, n)
		for b.Loop() {
			Int32s(dst, buf)
		}
	})
	if haveAVX512 {
		benchMatrix(b, "avx2", 4, func(b *testing.B, buf []byte, n int) {
			dst := make([]int32, n)
			defer noAVX512()()
			for b.Loop() {
				Int32s(dst, buf)
			}
		})
	}
	benchMatrix(b, "generic", 4, func(b *testing.B, buf []byte, n int) {
		dst := make([]int32, n)
		for b.Loop() {
			genericInt32s(dst, buf)
		}
	})
	benchCopy(b, 4)
	benchMatrix(b, "perelem", 4, func(b *testing.B, buf []byte, n int) {
		dst := make([]int32, n)
		for b.Loop() {
			for i := range dst {
				dst[i] = int32(getUint32(buf[4*i:]))
			}
		}
	})
}
