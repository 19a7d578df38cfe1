package linkbuf_test

import (
	"testing"

	"github.com/kestrel-rpc/kestrel/linkbuf"
)

// cycle10MB writes a 10 MB message with one Malloc, flushes, reads it with one Next and releases.
func cycle10MB(t testing.TB, b *linkbuf.Buffer) {
	const size = 10 << 20
	p, err := b.Malloc(size)
	if err != nil {
		t.Fatal(err)
	}
	p[0], p[size-1] = 1, 2
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	q, err := b.Next(size)
	if err != nil || &q[0] != &p[0] || q[size-1] != 2 {
		t.Fatalf("Next(10 MB): %v", err)
	}
	if err := b.Release(); err != nil {
		t.Fatal(err)
	}
}

func TestLargeMessageReturnsToPool(t *testing.T) {
	b := linkbuf.New()
	defer b.Free()
	_, _ = b.WriteString("small message first") // the buffer already holds a block
	_ = b.Flush()
	_, _ = b.Next(b.Len())
	out0, in0 := linkbuf.PoolStats()
	cycle10MB(t, b)
	out1, in1 := linkbuf.PoolStats()
	if out1-out0 != 1 {
		t.Fatalf("a 10 MB message took %d blocks, want 1", out1-out0)
	}
	// Release alone (no Free, no Shrink) gives back the 16 MiB block: it is sealed at Flush, and the
	// small block before it was flushed past.
	if in1-in0 != 2 {
		t.Fatalf("Release gave back %d blocks, want 2 (the 16 MiB one and the drained small one)", in1-in0)
	}
	// The buffer goes on working.
	_, _ = b.WriteString("after")
	_ = b.Flush()
	if s, _ := b.ReadString(5); s != "after" {
		t.Fatalf("after a large message: %q", s)
	}
}

func TestHugeMessageIsNotPooled(t *testing.T) {
	const size = linkbuf.MaxPooledSize + 1
	b := linkbuf.New()
	out0, in0 := linkbuf.PoolStats()
	p, err := b.Malloc(size)
	if err != nil || len(p) != size {
		t.Fatalf("Malloc(64 MiB + 1) = %d, %v", len(p), err)
	}
	_ = b.Flush()
	if _, err := b.Next(size); err != nil {
		t.Fatal(err)
	}
	_ = b.Release()
	b.Free()
	if out1, in1 := linkbuf.PoolStats(); out1-out0 != 1 || in1-in0 != 1 {
		t.Fatalf("huge block: %d out, %d back; want 1 and 1", out1-out0, in1-in0)
	}
}
