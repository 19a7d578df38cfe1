//go:build !race

// The race detector's sync.Pool drops a quarter of what is put back, so these tests need a normal build.

package linkbuf_test

import (
	"runtime"
	"testing"

	"github.com/kestrel-rpc/kestrel/linkbuf"
)

func assertNoAllocs(t *testing.T, name string, f func()) {
	t.Helper()
	for range 3 { // fill the pools first
		f()
	}
	if n := testing.AllocsPerRun(200, f); n != 0 {
		t.Errorf("%s: %v allocs per run, want 0", name, n)
	}
}

func TestZeroAllocSteadyState(t *testing.T) {
	for _, size := range []int{128, 1 << 10, 16 << 10} {
		b := linkbuf.New()
		assertNoAllocs(t, "Malloc/Flush/Next/Release "+sizeName(size), func() {
			p, _ := b.Malloc(size)
			p[0] = 1
			_ = b.Flush()
			if q, err := b.Next(size); err != nil || q[0] != 1 {
				t.Fatal("bad read")
			}
			_ = b.Release()
		})
		b.Free()
	}
}

func TestZeroAllocSpanningRead(t *testing.T) {
	// Each cycle writes two Mallocs that cannot share a block and reads both with one Next: the read is
	// copied into a pooled block, which Release gives back.
	b := linkbuf.New()
	defer b.Free()
	assertNoAllocs(t, "Next across blocks", func() {
		_, _ = b.Malloc(linkbuf.MinBlockSize - 64)
		_, _ = b.Malloc(1024)
		_ = b.Flush()
		if _, err := b.Next(linkbuf.MinBlockSize - 64 + 1024); err != nil {
			t.Fatal(err)
		}
		_ = b.Release()
	})
}

func TestZeroAllocWriteDirect(t *testing.T) {
	big := make([]byte, 6<<20)
	b := linkbuf.New()
	defer b.Free()
	assertNoAllocs(t, "WriteDirect", func() {
		buf, _ := b.Malloc(64)
		_ = b.WriteDirect(big, len(buf)-8)
		_ = b.MallocAck(b.MallocLen())
		_ = b.Flush()
		_ = b.Skip(b.Len())
		_ = b.Release()
	})
}

func TestZeroAllocLinkedMessage(t *testing.T) {
	// The codec's no-copy write of a large binary: header, link, one trailing byte. Each message makes
	// two nodes and releases two; once the buffer recycles its own nodes, none is allocated.
	big := make([]byte, 6<<20)
	b := linkbuf.New()
	defer b.Free()
	for range 4 * linkbuf.CacheAfter { // let the buffer start recycling and fill its lists
		writeLinked(t, b, []byte("header!"), big, []byte{0})
		_ = b.Skip(b.Len())
		_ = b.Release()
	}
	assertNoAllocs(t, "linked message", func() {
		buf, _ := b.Malloc(8)
		copy(buf, "header!")
		_ = b.WriteDirect(big, 1)
		buf[7] = 0
		_ = b.Flush()
		_ = b.Skip(b.Len())
		_ = b.Release()
	})
}

func TestZeroAllocBookVectors(t *testing.T) {
	b := linkbuf.New()
	defer b.Free()
	vecs := make([][]byte, 0, 8)
	assertNoAllocs(t, "Book/BookAck/Vectors/Skip", func() {
		p := b.Book(512)
		b.BookAck(copy(p, "request bytes from a socket"))
		vecs = b.Vectors(vecs[:0], cap(vecs))
		_ = b.Skip(b.Len())
		_ = b.Release()
	})
}

// TestLargeMessagesReuseMemory runs many 10 MB cycles. With the 16 MiB block reused from the pool the
// process allocates about one block; without reuse it would allocate 16 MiB per cycle.
func TestLargeMessagesReuseMemory(t *testing.T) {
	b := linkbuf.New()
	defer b.Free()
	cycle10MB(t, b) // warm the pool
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const cycles = 40
	for range cycles {
		cycle10MB(t, b)
	}
	runtime.ReadMemStats(&after)
	grown := after.TotalAlloc - before.TotalAlloc
	// A GC may empty the pool now and then (a 2-cycle victim cache), so allow a few refills; anything
	// near cycles×16 MiB means the blocks are not reused.
	if limit := uint64(4 * 16 << 20); grown > limit {
		t.Fatalf("%d cycles of 10 MB allocated %d MB, want < %d MB", cycles, grown>>20, limit>>20)
	}
	runtime.GC()
	var end runtime.MemStats
	runtime.ReadMemStats(&end)
	if end.HeapAlloc > before.HeapAlloc+(32<<20) {
		t.Fatalf("heap grew from %d MB to %d MB", before.HeapAlloc>>20, end.HeapAlloc>>20)
	}
}
