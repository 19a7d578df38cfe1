//go:build !race

package codec

import "testing"

// TestKestrelWriteAllocs: BLength + FastWrite into a buffer, FastAppend into a reused one, and the no-copy write into a linked
// buffer, allocate nothing once the buffers are warm.
func TestKestrelWriteAllocs(t *testing.T) {
	for _, m := range messages(t) {
		write := kestrelWriter(t, m)
		if a := testing.AllocsPerRun(20, func() { _ = write() }); a != 0 {
			t.Errorf("%s: BLength+FastWrite: %v allocs/op, want 0", m.name, a)
		}
		appendOp := kestrelAppendWriter(t, m)
		if a := testing.AllocsPerRun(20, func() { _ = appendOp() }); a != 0 {
			t.Errorf("%s: FastAppend: %v allocs/op, want 0", m.name, a)
		}
	}
	for _, m := range messages(t) {
		if op := kestrelNocopyWriter(t, m); op != nil {
			if a := testing.AllocsPerRun(20, func() { _ = op() }); a != 0 {
				t.Errorf("%s: FastWriteNocopy into a linkbuf.Buffer: %v allocs/op, want 0", m.name, a)
			}
		}
	}
}
