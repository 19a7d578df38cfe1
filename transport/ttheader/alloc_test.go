//go:build !race

package ttheader

import "testing"

func TestDecodeZeroAlloc(t *testing.T) {
	var h Header
	for _, v := range vectors {
		if _, err := Decode(v.frame, &h); err != nil { // grow h's slices once
			t.Fatal(err)
		}
	}
	for _, v := range vectors {
		allocs := testing.AllocsPerRun(100, func() {
			if _, err := Decode(v.frame, &h); err != nil {
				t.Fatal(err)
			}
			_, _ = h.Int(ToMethod)
			_, _ = h.Str(KeyIDLServiceName)
		})
		if allocs != 0 {
			t.Errorf("%s: Decode allocates %.1f times per frame", v.name, allocs)
		}
	}
}

func TestEncodeZeroAlloc(t *testing.T) {
	buf := make([]byte, 512)
	pb := protobufPayload(t, "Echo", nil)
	for _, v := range vectors {
		allocs := testing.AllocsPerRun(100, func() {
			size, err := Size(v.want)
			if err != nil {
				t.Fatal(err)
			}
			n := Encode(buf, v.want, len(v.payload))
			PutPayloadLength(buf[n:], 17)
			_ = size
		})
		if allocs != 0 {
			t.Errorf("%s: Size+Encode allocate %.1f times", v.name, allocs)
		}
	}
	allocs := testing.AllocsPerRun(100, func() {
		ph, _, err := DecodeProtobuf(pb)
		if err != nil {
			t.Fatal(err)
		}
		EncodeProtobuf(buf, &ph, 0)
		_ = PayloadKind(pb)
	})
	if allocs != 0 {
		t.Errorf("protobuf header: %.1f allocations", allocs)
	}
}
