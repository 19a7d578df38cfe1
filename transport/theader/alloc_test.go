//go:build !race

package theader

import "testing"

func TestDecodeZeroAlloc(t *testing.T) {
	var h Header
	for _, v := range vectors {
		if _, err := Decode(v.frame, &h); err != nil {
			t.Fatal(err)
		}
	}
	for _, v := range vectors {
		allocs := testing.AllocsPerRun(100, func() {
			if _, err := Decode(v.frame, &h); err != nil {
				t.Fatal(err)
			}
			_, _ = h.Get("hello")
		})
		if allocs != 0 {
			t.Errorf("%s: Decode allocates %.1f times per frame", v.name, allocs)
		}
	}
}

func TestEncodeZeroAlloc(t *testing.T) {
	buf := make([]byte, 256)
	for _, v := range vectors {
		allocs := testing.AllocsPerRun(100, func() {
			if _, err := Size(v.want); err != nil {
				t.Fatal(err)
			}
			Encode(buf, v.want, len(v.payload))
		})
		if allocs != 0 {
			t.Errorf("%s: Size+Encode allocate %.1f times", v.name, allocs)
		}
	}
}

// TestUntransformAllocs: with a reused destination, inflating allocates nothing once the pooled zlib
// reader exists (compress/zlib's Reset keeps its tables).
func TestUntransformAllocs(t *testing.T) {
	h := Header{Transforms: []TransformID{TransformZlib}}
	dst := make([]byte, 0, 64)
	allocs := testing.AllocsPerRun(100, func() {
		out, err := Untransform(dst, &h, zlibEchoCall, 0)
		if err != nil || len(out) != len(echoCall) {
			t.Fatal(err)
		}
	})
	if allocs > 1 {
		t.Errorf("Untransform allocates %.1f times", allocs)
	}
}
