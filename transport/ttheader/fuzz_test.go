package ttheader

import (
	"bytes"
	"errors"
	"slices"
	"testing"
)

// FuzzDecode decodes arbitrary bytes; whatever decodes must encode to a frame that decodes to the same
// header and payload. Seeds are in testdata/fuzz/FuzzDecode (the hand-built vectors) and added below.
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
		if size > len(frame)-len(payload) {
			t.Fatalf("re-encoded header (%d bytes) larger than the decoded one (%d)", size, len(frame)-len(payload))
		}
		out := make([]byte, size+len(payload))
		copy(out[Encode(out, &h, len(payload)):], payload)
		var h2 Header
		p2, err := Decode(out, &h2)
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		if h.Flags != h2.Flags || h.SeqID != h2.SeqID || h.Protocol != h2.Protocol || h.ACLToken != h2.ACLToken ||
			!bytes.Equal(h.Transforms, h2.Transforms) || !slices.Equal(h.IntInfo, h2.IntInfo) ||
			!slices.Equal(h.StrInfo, h2.StrInfo) || !bytes.Equal(payload, p2) {
			t.Fatalf("round trip differs:\n%+v\n%+v", h, h2)
		}
		// The payload helpers must not panic either.
		PayloadIsFramed(payload)
		if PayloadKind(payload) == KindProtobuf {
			if _, _, err := DecodeProtobuf(payload); err != nil && !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrBadPayload) {
				t.Fatal(err)
			}
		}
	})
}

// FuzzDecodeProtobuf checks DecodeProtobuf against EncodeProtobuf on arbitrary bytes.
func FuzzDecodeProtobuf(f *testing.F) {
	f.Add(protobufPayload(f, "Echo", []byte{0x0A, 0x02, 'h', 'i'}))
	f.Add([]byte{0, 0, 0, 12, 0x90, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, payload []byte) {
		ph, body, err := DecodeProtobuf(payload)
		if err != nil {
			if !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrBadPayload) {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
			return
		}
		out := make([]byte, ProtobufPayloadSize(ph.Method, len(body)))
		copy(out[EncodeProtobuf(out, &ph, len(body)):], body)
		if !bytes.Equal(out, payload) {
			t.Fatalf("re-encoded\n% x\nwant\n% x", out, payload)
		}
	})
}
