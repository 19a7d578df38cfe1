//go:build invariants

package linkbuf

import (
	"strings"
	"testing"
)

func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Fatalf("no panic, want one containing %q", want)
		}
		if s, _ := r.(string); !strings.Contains(s, want) {
			t.Fatalf("panic %v, want one containing %q", r, want)
		}
	}()
	f()
}

func TestInvariantsDoubleRelease(t *testing.T) {
	blk := getBlock(100)
	blk.unref()
	mustPanic(t, "released more times", blk.unref)
	blk2 := getBlock(100)
	blk2.refs.Store(0)
	putBlock(blk2)
	mustPanic(t, "double release", func() { putBlock(blk2) })
}

func TestInvariantsPoisonAndUseAfterRelease(t *testing.T) {
	// A read spanning two blocks is copied into a pooled block; after Release that block is poisoned,
	// and a write through the dead slice is caught when the block is taken from the pool again.
	b := New()
	_, _ = b.Malloc(minBlockSize - 8)
	_, _ = b.Malloc(16)
	_ = b.Flush()
	_ = b.Skip(minBlockSize - 16)
	p, err := b.Next(16)
	if err != nil {
		t.Fatal(err)
	}
	_ = b.Release()
	for i, v := range p {
		if v != poisonByte {
			t.Fatalf("released copy block not poisoned at %d: %#x", i, v)
		}
	}
	p[3] = 1 // use after release
	mustPanic(t, "written to after its release", func() {
		for range 64 { // sync.Pool hands back the block just put on this P, but be generous
			getBlock(16)
		}
	})
	b.Free()
}

func TestInvariantsNodeDoubleRelease(t *testing.T) {
	n := getNode()
	putNode(n)
	mustPanic(t, "double release of a node", func() { putNode(n) })
}
