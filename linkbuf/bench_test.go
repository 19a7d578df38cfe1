package linkbuf_test

import (
	"strconv"
	"testing"

	"github.com/kestrel-rpc/kestrel/linkbuf"
)

func sizeName(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.Itoa(n>>20) + "MB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.Itoa(n>>10) + "KB"
	}
	return strconv.Itoa(n) + "B"
}

// BenchmarkWriteRead is the codec's cycle: one Malloc of the message, Flush, one Next, Release.
func BenchmarkWriteRead(b *testing.B) {
	for _, size := range []int{128, 1 << 10, 16 << 10, 1 << 20} {
		b.Run("size="+sizeName(size), func(b *testing.B) {
			buf := linkbuf.New()
			defer buf.Free()
			defer linkbuf.NoBlockCounting()()
			b.ReportAllocs()
			b.SetBytes(int64(size))
			for b.Loop() {
				p, _ := buf.Malloc(size)
				p[0] = 1
				_ = buf.Flush()
				q, _ := buf.Next(size)
				_ = q[0]
				_ = buf.Release()
			}
		})
	}
}

// BenchmarkWriteReadBatch writes 16 messages before reading them, as a pipelining connection does.
func BenchmarkWriteReadBatch(b *testing.B) {
	for _, size := range []int{128, 1 << 10} {
		b.Run("size="+sizeName(size), func(b *testing.B) {
			buf := linkbuf.New()
			defer buf.Free()
			defer linkbuf.NoBlockCounting()()
			b.ReportAllocs()
			b.SetBytes(int64(16 * size))
			for b.Loop() {
				for range 16 {
					_, _ = buf.Malloc(size)
					_ = buf.Flush()
				}
				for range 16 {
					_, _ = buf.Next(size)
				}
				_ = buf.Release()
			}
		})
	}
}

// BenchmarkWriteDirect links a caller slice into a message between a header and a trailer: its cost must
// not depend on the slice's size.
func BenchmarkWriteDirect(b *testing.B) {
	for _, size := range []int{6, 6 << 20} {
		b.Run("size="+sizeName(size), func(b *testing.B) {
			str := make([]byte, size)
			buf := linkbuf.New()
			defer buf.Free()
			defer linkbuf.NoBlockCounting()()
			b.ReportAllocs()
			b.SetBytes(int64(size))
			for b.Loop() {
				p, _ := buf.Malloc(64)
				p[0] = 1
				if err := buf.WriteDirect(str, 16); err != nil {
					b.Fatal(err)
				}
				_ = buf.Flush()
				_ = buf.Skip(buf.Len())
				_ = buf.Release()
			}
		})
	}
}

// BenchmarkNextAcrossBlocks reads messages that straddle two blocks, so each Next copies once.
func BenchmarkNextAcrossBlocks(b *testing.B) {
	for _, size := range []int{1 << 10, 16 << 10} {
		b.Run("size="+sizeName(size), func(b *testing.B) {
			buf := linkbuf.New()
			defer buf.Free()
			const first = linkbuf.MinBlockSize - 64
			defer linkbuf.NoBlockCounting()()
			b.ReportAllocs()
			b.SetBytes(int64(size))
			for b.Loop() {
				_, _ = buf.Malloc(first) // nearly a whole block: the next Malloc needs a new one
				_, _ = buf.Malloc(size)
				_ = buf.Flush()
				_ = buf.Skip(first - 64)
				q, err := buf.Next(size) // the last 64 bytes of one block and the rest of the next
				if err != nil {
					b.Fatal(err)
				}
				_ = q[0]
				_ = buf.Skip(64)
				_ = buf.Release()
			}
		})
	}
}

// BenchmarkBookVectors is the reactor's side: read(2) into Book, then writev from Vectors.
func BenchmarkBookVectors(b *testing.B) {
	buf := linkbuf.New()
	defer buf.Free()
	vecs := make([][]byte, 0, 16)
	defer linkbuf.NoBlockCounting()()
	b.ReportAllocs()
	b.SetBytes(512)
	for b.Loop() {
		p := buf.Book(512)
		buf.BookAck(min(len(p), 512))
		vecs = buf.Vectors(vecs[:0], cap(vecs))
		_ = buf.Skip(buf.Len())
		_ = buf.Release()
	}
}
