package features_test

import (
	"testing"

	"github.com/kestrel-rpc/kestrel/internal/gentest/features"
)

// FuzzFastRead decodes arbitrary bytes as an Everything (every type, union and container kind). A
// decode must never panic; when it succeeds, the value must encode (FastWrite, and FastAppend) to
// BLength bytes that decode again to a value of the same size. Seeds are in testdata/fuzz/FuzzFastRead.
func FuzzFastRead(f *testing.F) {
	f.Add([]byte{0})
	f.Fuzz(func(t *testing.T, data []byte) {
		v := new(features.Everything)
		n, err := v.FastRead(data)
		if err != nil {
			return
		}
		if n > len(data) {
			t.Fatalf("consumed %d of %d bytes", n, len(data))
		}
		b := make([]byte, v.BLength())
		if w := v.FastWrite(b); w != len(b) {
			t.Fatalf("FastWrite wrote %d, BLength %d", w, len(b))
		}
		again := new(features.Everything)
		if m, err := again.FastRead(b); err != nil || m != len(b) {
			t.Fatalf("re-decode: %d, %v", m, err)
		}
		if again.BLength() != len(b) {
			t.Fatalf("re-decoded BLength %d, want %d", again.BLength(), len(b))
		}
		a := v.FastAppend([]byte{1, 2, 3})
		if len(a) != 3+len(b) || a[0] != 1 || a[1] != 2 || a[2] != 3 {
			t.Fatalf("FastAppend: %d bytes after a 3-byte prefix, BLength %d", len(a)-3, len(b))
		}
		fromAppend := new(features.Everything)
		if m, err := fromAppend.FastRead(a[3:]); err != nil || m != len(b) || fromAppend.BLength() != len(b) {
			t.Fatalf("decode of FastAppend's bytes: %d, %v", m, err)
		}
	})
}

// FuzzCompactRead is FuzzFastRead for the Compact protocol.
func FuzzCompactRead(f *testing.F) {
	f.Add([]byte{0})
	f.Fuzz(func(t *testing.T, data []byte) {
		v := new(features.Everything)
		n, err := v.CompactRead(data)
		if err != nil {
			return
		}
		if n > len(data) {
			t.Fatalf("consumed %d of %d bytes", n, len(data))
		}
		b := make([]byte, v.CompactLength())
		if w := v.CompactWrite(b); w != len(b) {
			t.Fatalf("CompactWrite wrote %d, CompactLength %d", w, len(b))
		}
		again := new(features.Everything)
		if m, err := again.CompactRead(b); err != nil || m != len(b) {
			t.Fatalf("re-decode: %d, %v", m, err)
		}
		if again.CompactLength() != len(b) {
			t.Fatalf("re-decoded CompactLength %d, want %d", again.CompactLength(), len(b))
		}
	})
}
