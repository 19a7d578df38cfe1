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
//	impl=perelem   binary.BigEndian per element at a running offset, one
//	               bounds check per element: the shape of the code generated
//	               for a list without the bulk path (package thrift's
//	               BenchmarkList measures that generated path itself)
//
// SetBytes is the size of the big-endian array, so MB/s compares directly.
// Each loop body calls the code under test directly (no closure per
// iteration), so small sizes are not dominated by benchmark overhead.
//
// Every source is written before it is read: memory that was never written
// reads from the kernel's shared zero page, which stays in the cache and
// makes a 1 MiB run look far cheaper than real data (measured: a copy of 1
// MiB took 16.5 µs from never-written memory and 29.4 µs from real data).

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

func fillBytes(p []byte) {
	for i := range p {
		p[i] = byte(i * 7)
	}
}

func fillInt64s(p []int64) {
	for i := range p {
		p[i] = int64(uint64(i) * 0x9e3779b97f4a7c15)
	}
}

func fillInt32s(p []int32) {
	for i := range p {
		p[i] = int32(i) * -0x61c88647
	}
}

func benchCopy(b *testing.B, width int) {
	benchMatrix(b, "copy", width, func(b *testing.B, buf []byte, _ int) {
		other := make([]byte, len(buf))
		fillBytes(other)
		for b.Loop() {
			copy(buf, other)
		}
	})
}

func BenchmarkPutInt64s(b *testing.B) {
	benchMatrix(b, "simd", 8, func(b *testing.B, buf []byte, n int) {
		src := make([]int64, n)
		fillInt64s(src)
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
		fillInt64s(src)
		for b.Loop() {
			genericPutInt64s(buf, src)
		}
	})
	benchCopy(b, 8)
	benchMatrix(b, "perelem", 8, func(b *testing.B, buf []byte, n int) {
		src := make([]int64, n)
		fillInt64s(src)
		for b.Loop() {
			off := 0
			for _, v := range src {
				binary.BigEndian.PutUint64(buf[off:], uint64(v))
				off += 8
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
			off := 0
			for i := range dst {
				dst[i] = int64(binary.BigEndian.Uint64(buf[off:]))
				off += 8
			}
		}
	})
}

func BenchmarkPutInt32s(b *testing.B) {
	benchMatrix(b, "simd", 4, func(b *testing.B, buf []byte, n int) {
		src := make([]int32, n)
		fillInt32s(src)
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
		fillInt32s(src)
		for b.Loop() {
			genericPutInt32s(buf, src)
		}
	})
	benchCopy(b, 4)
	benchMatrix(b, "perelem", 4, func(b *testing.B, buf []byte, n int) {
		src := make([]int32, n)
		fillInt32s(src)
		for b.Loop() {
			off := 0
			for _, v := range src {
				binary.BigEndian.PutUint32(buf[off:], uint32(v))
				off += 4
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
			off := 0
			for i := range dst {
				dst[i] = int32(binary.BigEndian.Uint32(buf[off:]))
				off += 4
			}
		}
	})
}
