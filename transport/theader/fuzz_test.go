package theader

import (
	"bytes"
	"errors"
	"slices"
	"testing"
)

// FuzzDecode decodes arbitrary bytes; whatever decodes must encode to a frame that decodes to the same
// header and payload, and Untransform must fail cleanly or stay within its limit.
func FuzzDecode(f *testing.F) {
	for _, v := range vectors {
		f.Add(v.frame)
	}
	f.Fuzz(func(t *testing.T, frame []byte) {
		var h Header
		payload, err := Decode(frame, &h)
		if err != nil {
			if !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrBadMagic) && !errors.Is(err, ErrBadHeader) {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
			return
		}
		if n, err := FrameLength(frame, MaxFrameSizeLimit); err != nil || n != len(frame) {
			t.Fatalf("Decode accepted a frame FrameLength rejects: %d, %v", n, err)
		}
		size, err := Size(&h)
		if err != nil {
			t.Fatalf("Size of a decoded header: %v", err)
		}
		out := make([]byte, size+len(payload))
		copy(out[Encode(out, &h, len(payload)):], payload)
		var h2 Header
		p2, err := Decode(out, &h2)
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		if h.Flags != h2.Flags || h.SeqID != h2.SeqID || h.Protocol != h2.Protocol ||
			!slices.Equal(h.Transforms, h2.Transforms) || !slices.Equal(h.Info, h2.Info) || !bytes.Equal(payload, p2) {
			t.Fatalf("round trip differs:\n%+v\n%+v", h, h2)
		}
		const limit = 1 << 16
		msg, err := Untransform(nil, &h, payload, limit)
		if err != nil {
			if !errors.Is(err, ErrUnsupportedTransform) && !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrBadPayload) {
				t.Fatalf("Untransform error wraps no sentinel: %v", err)
			}
			return
		}
		if len(msg) > limit {
			t.Fatalf("Untransform returned %d bytes past its limit", len(msg))
		}
	})
}
