package ttheader

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

// frameWith builds a frame around a header-info area (padded by the caller) and a payload.
func frameWith(area, payload []byte) []byte {
	n := 10 + len(area) + len(payload)
	return cat(0, byte(n>>16), byte(n>>8), byte(n), 0x10, 0x00, 0, 0, 0, 0, 0, 7,
		byte(len(area)/4>>8), byte(len(area)/4), area, payload)
}

func TestDecodeErrors(t *testing.T) {
	valid := kitexEmptyRequest
	patch := func(off int, b ...byte) []byte {
		f := bytes.Clone(valid)
		copy(f[off:], b)
		return f
	}
	tests := []struct {
		name  string
		frame []byte
		want  error
	}{
		{"empty", nil, ErrTruncated},
		{"bad magic", patch(4, 0x0F, 0xFF), ErrBadMagic},
		{"length top bit", patch(0, 0x80, 0, 0, 0x23), ErrBadHeader},
		{"length short of frame", patch(0, 0, 0, 0, 0x22), ErrBadHeader},
		{"length beyond frame", patch(0, 0, 0, 0, 0x24), ErrTruncated},
		{"header size 0", patch(12, 0, 0), ErrBadHeader},
		{"header size beyond frame", patch(12, 0, 9), ErrTruncated},
		{"header size max", patch(12, 0xFF, 0xFF), ErrTruncated},
		{"transforms beyond area", frameWith(cat(0, 3, 1, 1), nil), ErrTruncated},
		{"unknown info id", frameWith(cat(0, 0, 0x02, 0), nil), ErrBadHeader},
		{"unknown info id after padding", frameWith(cat(0, 0, 0, 0, 0, 0, 0, 0x12), nil), ErrBadHeader},
		{"kv count cut", frameWith(cat(0, 0, 0, 0x01), nil), ErrTruncated},
		{"kv count beyond area", frameWith(cat(0, 0, 0x01, 0x00, 0x09, 0, 0, 0), nil), ErrTruncated},
		{"kv key beyond area", frameWith(cat(0, 0, 0x01, 0x00, 0x01, 0x00, 0x09, 0, 0, 0, 0, 0), nil), ErrTruncated},
		{"kv value beyond area", frameWith(cat(0, 0, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x05, 0, 0, 0), nil), ErrTruncated},
		{"int count beyond area", frameWith(cat(0, 0, 0x10, 0xFF, 0xFF, 0, 0, 0), nil), ErrTruncated},
		{"int value beyond area", frameWith(cat(0, 0, 0x10, 0x00, 0x01, 0x00, 0x01, 0x00, 0x04, 0, 0, 0), nil), ErrTruncated},
		{"acl beyond area", frameWith(cat(0, 0, 0x11, 0x00, 0x05, 'x', 0, 0), nil), ErrTruncated},
		{"acl length cut", frameWith(cat(0, 0, 0, 0x11), nil), ErrTruncated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h Header
			p, err := Decode(tt.frame, &h)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Decode: payload %d bytes, err %v; want %v", len(p), err, tt.want)
			}
			if p != nil {
				t.Fatal("payload returned with an error")
			}
		})
	}
}

func TestFrameLength(t *testing.T) {
	tests := []struct {
		name   string
		prefix []byte
		max    int
		want   int
		err    error
	}{
		{"minimum", cat(0, 0, 0, 14, 0x10, 0, 0, 0), 0, 18, nil},
		{"below minimum", cat(0, 0, 0, 13, 0x10, 0, 0, 0), 0, 0, ErrBadHeader},
		{"default max", cat(0x00, 0xFF, 0xFF, 0xFC, 0x10, 0, 0, 0), 0, 16 << 20, nil},
		{"over default max", cat(0x00, 0xFF, 0xFF, 0xFD, 0x10, 0, 0, 0), 0, 0, ErrTooLarge},
		{"explicit max", cat(0, 0, 0x01, 0x00, 0x10, 0, 0, 0), 260, 260, nil},
		{"over explicit max", cat(0, 0, 0x01, 0x01, 0x10, 0, 0, 0), 260, 0, ErrTooLarge},
		{"over hard limit", cat(0x40, 0, 0, 0, 0x10, 0, 0, 0), 1 << 31, 0, ErrTooLarge},
		{"top bit", cat(0x80, 0, 0, 20, 0x10, 0, 0, 0), 0, 0, ErrBadHeader},
		{"bad magic", cat(0, 0, 0, 20, 0x0F, 0xFF, 0, 0), 0, 0, ErrBadMagic},
		{"short prefix", cat(0, 0, 0, 20, 0x10, 0, 0), 0, 0, ErrTruncated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := FrameLength(tt.prefix, tt.max)
			if n != tt.want || !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
				t.Fatalf("FrameLength = %d, %v; want %d, %v", n, err, tt.want, tt.err)
			}
		})
	}
	if IsTTHeader(cat(0, 0, 0, 20, 0x10, 0, 0)) || IsTTHeader(cat(0, 0, 0, 20, 0x0F, 0xFF, 0, 0)) {
		t.Fatal("IsTTHeader accepted a short prefix or THeader's magic")
	}
}

func randString(r *rand.Rand, max int) string {
	b := make([]byte, r.IntN(max+1))
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	return string(b)
}

func randHeader(r *rand.Rand) *Header {
	h := &Header{
		Flags:    uint16(r.UintN(1 << 16)),
		SeqID:    int32(r.Uint32()),
		Protocol: ProtocolID(r.UintN(256)),
	}
	for range r.IntN(3) {
		h.Transforms = append(h.Transforms, uint8(r.UintN(256)))
	}
	if r.IntN(2) == 0 {
		h.ACLToken = randString(r, 20)
	}
	for range r.IntN(6) {
		h.StrInfo = append(h.StrInfo, StrPair{randString(r, 12), randString(r, 40)})
	}
	for range r.IntN(6) {
		h.IntInfo = append(h.IntInfo, IntPair{IntKey(r.UintN(1 << 16)), randString(r, 40)})
	}
	return h
}

func TestRandomRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var got Header
	for i := range 2000 {
		h := randHeader(r)
		payload := []byte(randString(r, 64))
		size, err := Size(h)
		if err != nil {
			t.Fatal(err)
		}
		frame := make([]byte, size+len(payload))
		copy(frame[Encode(frame, h, len(payload)):], payload)
		if (size-FixedSize)%4 != 0 {
			t.Fatalf("#%d: header area %d not padded to 4", i, size-FixedSize)
		}
		if n, err := FrameLength(frame, 0); err != nil || n != len(frame) {
			t.Fatalf("#%d: FrameLength = %d, %v", i, n, err)
		}
		p, err := Decode(frame, &got)
		if err != nil {
			t.Fatalf("#%d: %v", i, err)
		}
		if err := sameHeader(&got, h); err != nil {
			t.Fatalf("#%d: %v", i, err)
		}
		if !bytes.Equal(p, payload) {
			t.Fatalf("#%d: payload differs", i)
		}
	}
}

func TestSizeLimits(t *testing.T) {
	big := strings.Repeat("x", 0x10000)
	tests := []struct {
		name string
		h    Header
	}{
		{"acl token", Header{ACLToken: big}},
		{"string key", Header{StrInfo: []StrPair{{big, ""}}}},
		{"string value", Header{StrInfo: []StrPair{{"k", big}}}},
		{"int value", Header{IntInfo: []IntPair{{ToMethod, big}}}},
		{"transforms", Header{Transforms: make([]uint8, 256)}},
		{"string entries", Header{StrInfo: make([]StrPair, 0x10000)}},
		{"int entries", Header{IntInfo: make([]IntPair, 0x10000)}},
		{"area", Header{StrInfo: []StrPair{{big[:0xFFFF], big[:0xFFFF]}, {big[:0xFFFF], big[:0xFFFF]}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Size(&tt.h); !errors.Is(err, ErrTooLarge) {
				t.Fatalf("Size: %v, want ErrTooLarge", err)
			}
			defer func() {
				if recover() == nil {
					t.Fatal("Encode did not panic")
				}
			}()
			Encode(make([]byte, 1<<19), &tt.h, 0)
		})
	}
	// The largest encodable area is accepted, one byte more is not.
	v := big[:0xFFFF]
	h := Header{StrInfo: []StrPair{{"", v}, {"", v}, {"", v}, {"", big[:MaxHeaderInfoSize-2-3-3*(4+0xFFFF)-4]}}}
	if n, err := Size(&h); err != nil || n != FixedSize+MaxHeaderInfoSize {
		t.Fatalf("Size = %d, %v; want %d", n, err, FixedSize+MaxHeaderInfoSize)
	}
	h.StrInfo[3].Key = "k"
	if _, err := Size(&h); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("one byte over: %v", err)
	}
}

func TestAccessors(t *testing.T) {
	var h Header
	if _, ok := h.Int(ToMethod); ok {
		t.Fatal("Int on empty header")
	}
	h.SetInt(ToMethod, "A")
	h.SetInt(MsgType, "1")
	h.SetInt(ToMethod, "B")
	h.SetStr(KeyIDLServiceName, "S")
	h.SetStr(KeyIDLServiceName, "T")
	if v, ok := h.Int(ToMethod); !ok || v != "B" || len(h.IntInfo) != 2 {
		t.Fatalf("Int(ToMethod) = %q, %v (%d entries)", v, ok, len(h.IntInfo))
	}
	if v, ok := h.Str(KeyIDLServiceName); !ok || v != "T" || len(h.StrInfo) != 1 {
		t.Fatalf("Str(isn) = %q, %v", v, ok)
	}
	if _, ok := h.Str("nope"); ok {
		t.Fatal("Str found a missing key")
	}
	// Repeated keys on the wire: the last one wins, as in KiteX's map.
	frame := frameWith(cat(0, 0, 0x10, 0, 2, 0, 9, 0, 1, 'a', 0, 9, 0, 1, 'b', 0, 0, 0), nil)
	if _, err := Decode(frame, &h); err != nil {
		t.Fatal(err)
	}
	if v, _ := h.Int(ToMethod); v != "b" {
		t.Fatalf("repeated key: %q, want the last value", v)
	}
	ci, cs := cap(h.IntInfo), cap(h.StrInfo)
	h.Reset()
	if len(h.IntInfo) != 0 || len(h.StrInfo) != 0 || cap(h.IntInfo) != ci || cap(h.StrInfo) != cs || h.SeqID != 0 {
		t.Fatal("Reset did not empty the header or dropped capacity")
	}
}

func TestCopyStringsAndClone(t *testing.T) {
	frame := bytes.Clone(kitexMetaRequest)
	var h Header
	if _, err := Decode(frame, &h); err != nil {
		t.Fatal(err)
	}
	c := h.Clone()
	h.CopyStrings()
	clear(frame) // the frame goes back to its pool
	for _, x := range []*Header{&h, c} {
		if err := sameHeader(x, &kitexMetaHeader); err != nil {
			t.Fatal(err)
		}
	}
	h.IntInfo[0].Value = "changed"
	if c.IntInfo[0].Value == "changed" {
		t.Fatal("Clone shares its slices")
	}
}

func TestPayloadForms(t *testing.T) {
	pb := protobufPayload(t, "Echo", []byte{0x0A, 0x02, 'h', 'i'})
	tests := []struct {
		name   string
		p      []byte
		framed bool
		kind   Kind
	}{
		{"framed binary", framed(echoCall), true, KindThriftBinary},
		{"unframed binary", echoCall, false, KindThriftBinary},
		{"framed compact", framed([]byte{0x82, 0x21, 0x01, 0x04, 'E', 'c', 'h', 'o', 0}), true, KindThriftCompact},
		{"unframed compact", []byte{0x82, 0x21, 0x01, 0x04, 'E', 'c', 'h', 'o', 0}, false, KindThriftCompact},
		{"kitex protobuf", pb, true, KindProtobuf},
		{"old non-strict binary", []byte{0, 0, 0, 4, 'E', 'c', 'h', 'o', 1, 0, 0, 0, 1, 0}, false, KindThriftBinary},
		{"wrong inner length", cat(0, 0, 0, 0x12, echoCall), false, KindThriftBinary},
		{"framed unknown", cat(0, 0, 0, 2, 0x55, 0x55), false, KindThriftBinary},
		{"empty", nil, false, KindUnknown},
		{"garbage", []byte{0x7F, 0x01, 0x02}, false, KindUnknown},
		{"protobuf magic unframed", []byte{0x90, 0x01, 0, 1}, false, KindUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PayloadIsFramed(tt.p); got != tt.framed {
				t.Fatalf("PayloadIsFramed = %v", got)
			}
			if got := PayloadKind(tt.p); got != tt.kind {
				t.Fatalf("PayloadKind = %v, want %v", got, tt.kind)
			}
			msg, fr := Message(tt.p)
			if fr != tt.framed || (fr && !bytes.Equal(msg, tt.p[4:])) || (!fr && !bytes.Equal(msg, tt.p)) {
				t.Fatalf("Message = % x, %v", msg, fr)
			}
		})
	}
	// Writing both forms.
	for _, fr := range []bool{true, false} {
		n := PayloadSize(len(echoCall), fr)
		h := Header{SeqID: 1}
		size, _ := Size(&h)
		b := make([]byte, size+n)
		off := Encode(b, &h, n)
		if fr {
			off += PutPayloadLength(b[off:], len(echoCall))
		}
		copy(b[off:], echoCall)
		if fr && !bytes.Equal(b, kitexEmptyRequest) {
			t.Fatalf("framed form\n% x\nwant\n% x", b, kitexEmptyRequest)
		}
		var got Header
		p, err := Decode(b, &got)
		if err != nil || PayloadIsFramed(p) != fr {
			t.Fatalf("framed=%v: %v, PayloadIsFramed=%v", fr, err, PayloadIsFramed(p))
		}
	}
}

func protobufPayload(t testing.TB, method string, body []byte) []byte {
	ph := ProtobufHeader{Type: Call, Method: method, SeqID: 7}
	b := make([]byte, ProtobufPayloadSize(method, len(body)))
	n := EncodeProtobuf(b, &ph, len(body))
	copy(b[n:], body)
	return b
}

func TestProtobuf(t *testing.T) {
	body := []byte{0x0A, 0x02, 'h', 'i'}
	want := cat(
		0x00, 0x00, 0x00, 0x14, // inner length 20 = magic 2 + type 2 + name 4+4 + seqID 4 + body 4
		0x90, 0x01, // magic
		0x00, 0x01, // CALL
		0x00, 0x00, 0x00, 0x04, "Echo",
		0x00, 0x00, 0x00, 0x07, // seqID
		body,
	)
	got := protobufPayload(t, "Echo", body)
	if !bytes.Equal(got, want) {
		t.Fatalf("EncodeProtobuf\n% x\nwant\n% x", got, want)
	}
	ph, b, err := DecodeProtobuf(want)
	if err != nil || ph.Type != Call || ph.Method != "Echo" || ph.SeqID != 7 || !bytes.Equal(b, body) {
		t.Fatalf("DecodeProtobuf = %+v, % x, %v", ph, b, err)
	}
	for n := range len(want) {
		if _, _, err := DecodeProtobuf(want[:n]); err == nil {
			t.Fatalf("prefix %d decoded", n)
		}
	}
	bad := bytes.Clone(want)
	bad[5] = 0x02
	if _, _, err := DecodeProtobuf(bad); !errors.Is(err, ErrBadPayload) {
		t.Fatalf("bad magic: %v", err)
	}
	bad = bytes.Clone(want)
	bad[11] = 0x40 // name longer than the payload
	if _, _, err := DecodeProtobuf(bad); !errors.Is(err, ErrTruncated) {
		t.Fatalf("long name: %v", err)
	}
	// Inside a TTHeader frame with protocol id 0x00, 0x03 or 0x04: told apart by the payload.
	for _, proto := range []ProtocolID{ProtocolBinary, ProtocolCompactV2, ProtocolKitexProtobuf} {
		h := Header{Protocol: proto}
		size, _ := Size(&h)
		frame := make([]byte, size+len(want))
		copy(frame[Encode(frame, &h, len(want)):], want)
		var got Header
		p, err := Decode(frame, &got)
		if err != nil || got.Protocol != proto || PayloadKind(p) != KindProtobuf {
			t.Fatalf("protocol %#x: %v, kind %v", proto, err, PayloadKind(p))
		}
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{KindUnknown: "unknown", KindThriftBinary: "thrift-binary",
		KindThriftCompact: "thrift-compact", KindProtobuf: "kitex-protobuf", Kind(99): "unknown"} {
		if k.String() != want {
			t.Errorf("%d: %q", k, k.String())
		}
	}
}
