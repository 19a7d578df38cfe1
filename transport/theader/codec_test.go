package theader

import (
	"bytes"
	"compress/zlib"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

// frameWith builds a frame around a header area (padded by the caller) and a payload.
func frameWith(area, payload []byte) []byte {
	n := 10 + len(area) + len(payload)
	return cat(0, byte(n>>16), byte(n>>8), byte(n), 0x0F, 0xFF, 0, 0, 0, 0, 0, 7,
		byte(len(area)/4>>8), byte(len(area)/4), area, payload)
}

func TestDecodeErrors(t *testing.T) {
	patch := func(off int, b ...byte) []byte {
		f := bytes.Clone(apacheBinaryCall)
		copy(f[off:], b)
		return f
	}
	tests := []struct {
		name  string
		frame []byte
		want  error
	}{
		{"empty", nil, ErrTruncated},
		{"ttheader magic", patch(4, 0x10, 0x00), ErrBadMagic},
		{"length top bit", patch(0, 0x80), ErrBadHeader},
		{"length short of frame", patch(3, 0x1E), ErrBadHeader},
		{"length beyond frame", patch(3, 0x20), ErrTruncated},
		{"header size 0", patch(12, 0, 0), ErrBadHeader},
		{"header size beyond frame", patch(12, 0, 9), ErrTruncated},
		{"protocol varint cut", frameWith(cat(0x80, 0x80, 0x80, 0x80), nil), ErrTruncated},
		{"protocol varint over 32 bits", frameWith(cat(0x80, 0x80, 0x80, 0x80, 0x10, 0, 0, 0), nil), ErrBadHeader},
		{"protocol varint 6 bytes", frameWith(cat(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0, 0), nil), ErrBadHeader},
		{"transform count beyond area", frameWith(cat(0, 0x09, 1, 1), nil), ErrTruncated},
		{"transform id cut", frameWith(cat(0, 0x02, 0x01, 0x80), nil), ErrTruncated},
		{"kv count beyond area", frameWith(cat(0, 0, 0x01, 0x03, 0, 0, 0, 0), nil), ErrTruncated},
		{"kv count cut", frameWith(cat(0, 0, 0x01, 0xFF), nil), ErrTruncated},
		{"kv key beyond area", frameWith(cat(0, 0, 0x01, 0x01, 0x09, 0, 0, 0), nil), ErrTruncated},
		{"kv value beyond area", frameWith(cat(0, 0, 0x01, 0x01, 0x00, 0x05, 0, 0), nil), ErrTruncated},
		{"info id cut", frameWith(cat(0, 0, 0x01, 0x00, 0x01, 0x00, 0x01, 0x80), nil), ErrTruncated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h Header
			p, err := Decode(tt.frame, &h)
			if !errors.Is(err, tt.want) || p != nil {
				t.Fatalf("Decode: payload %d bytes, err %v; want %v", len(p), err, tt.want)
			}
		})
	}
	// Varints at their limits decode.
	var h Header
	if _, err := Decode(frameWith(cat(0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0, 0, 0), nil), &h); err != nil || h.Protocol != -1 {
		t.Fatalf("max varint: protocol %d, %v", h.Protocol, err)
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
		{"minimum", cat(0, 0, 0, 14, 0x0F, 0xFF, 0, 0), 0, 18, nil},
		{"below minimum", cat(0, 0, 0, 13, 0x0F, 0xFF, 0, 0), 0, 0, ErrBadHeader},
		{"default max", cat(0x00, 0xFF, 0xFF, 0xFC, 0x0F, 0xFF, 0, 0), 0, 16 << 20, nil},
		{"over default max", cat(0x00, 0xFF, 0xFF, 0xFD, 0x0F, 0xFF, 0, 0), 0, 0, ErrTooLarge},
		{"over explicit max", cat(0, 0, 0x01, 0x01, 0x0F, 0xFF, 0, 0), 260, 0, ErrTooLarge},
		{"over hard limit", cat(0x40, 0, 0, 0, 0x0F, 0xFF, 0, 0), 1 << 31, 0, ErrTooLarge},
		{"top bit", cat(0x80, 0, 0, 20, 0x0F, 0xFF, 0, 0), 0, 0, ErrBadHeader},
		{"ttheader magic", cat(0, 0, 0, 20, 0x10, 0x00, 0, 0), 0, 0, ErrBadMagic},
		{"short prefix", cat(0, 0, 0, 20, 0x0F, 0xFF, 0), 0, 0, ErrTruncated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := FrameLength(tt.prefix, tt.max)
			if n != tt.want || !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
				t.Fatalf("FrameLength = %d, %v; want %d, %v", n, err, tt.want, tt.err)
			}
		})
	}
}

func randString(r *rand.Rand, max int) string {
	b := make([]byte, r.IntN(max+1))
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	return string(b)
}

func TestRandomRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var got Header
	var dst []byte
	for i := range 1000 {
		h := &Header{Flags: uint16(r.UintN(1 << 16)), SeqID: int32(r.Uint32()), Protocol: ProtocolID(int32(r.Uint32() >> r.UintN(32)))}
		if r.IntN(3) == 0 {
			h.Transforms = append(h.Transforms, TransformZlib)
		}
		if r.IntN(4) == 0 {
			h.Transforms = append(h.Transforms, TransformNone)
		}
		for range r.IntN(6) {
			h.Info = append(h.Info, Pair{randString(r, 200), randString(r, 300)}) // lengths past one varint byte
		}
		msg := []byte(strings.Repeat(randString(r, 8), r.IntN(100)))
		payload, err := Transform(nil, h, msg)
		if err != nil {
			t.Fatal(err)
		}
		size, err := Size(h)
		if err != nil {
			t.Fatal(err)
		}
		frame := make([]byte, size+len(payload))
		copy(frame[Encode(frame, h, len(payload)):], payload)
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
		if dst, err = Untransform(dst, &got, p, 0); err != nil || !bytes.Equal(dst, msg) {
			t.Fatalf("#%d: Untransform: %v", i, err)
		}
	}
}

func zlibOf(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestTransforms(t *testing.T) {
	zh := &Header{Transforms: []TransformID{TransformZlib}}
	// Our compressor output is a valid zlib stream any reader takes.
	msg := bytes.Repeat([]byte("kestrel "), 1000)
	p, err := Transform([]byte("prefix"), zh, msg)
	if err != nil || !bytes.HasPrefix(p, []byte("prefix")) || len(p) > len(msg)/4 {
		t.Fatalf("Transform: %d bytes, %v", len(p), err)
	}
	r, err := zlib.NewReader(bytes.NewReader(p[6:]))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := out.ReadFrom(r); err != nil || !bytes.Equal(out.Bytes(), msg) {
		t.Fatalf("compress/zlib read back %d bytes, %v", out.Len(), err)
	}

	// A bomb: 8 MB of zeros compress to a few KB; the limit stops it at the limit, not after.
	bomb := zlibOf(t, make([]byte, 8<<20))
	if _, err := Untransform(nil, zh, bomb, 1<<20); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("bomb: %v", err)
	}
	if got, err := Untransform(nil, zh, bomb, 8<<20); err != nil || len(got) != 8<<20 {
		t.Fatalf("exactly at the limit: %d, %v", len(got), err)
	}
	if _, err := Untransform(nil, zh, bomb, 8<<20-1); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("one byte over the limit: %v", err)
	}

	// Corrupt checksum and garbage.
	bad := bytes.Clone(zlibEchoCall)
	bad[len(bad)-1] ^= 1
	if _, err := Untransform(nil, zh, bad, 0); !errors.Is(err, ErrBadPayload) {
		t.Fatalf("bad checksum: %v", err)
	}
	if _, err := Untransform(nil, zh, []byte("not zlib at all"), 0); !errors.Is(err, ErrBadPayload) {
		t.Fatalf("garbage: %v", err)
	}

	// Unsupported transforms, both ways.
	for _, id := range []TransformID{TransformHMAC, TransformSnappy, TransformZstd, -1} {
		h := &Header{Transforms: []TransformID{TransformZlib, id}}
		if _, err := Untransform(nil, h, zlibEchoCall, 0); !errors.Is(err, ErrUnsupportedTransform) {
			t.Fatalf("Untransform %d: %v", id, err)
		}
		if _, err := Transform(nil, h, echoCall); !errors.Is(err, ErrUnsupportedTransform) {
			t.Fatalf("Transform %d: %v", id, err)
		}
	}

	// Twice zlib, and none: round trips; no transform returns the payload itself.
	h2 := &Header{Transforms: []TransformID{TransformZlib, TransformNone, TransformZlib}}
	p2, err := Transform(nil, h2, msg)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := Untransform(nil, h2, p2, 0); err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("double zlib: %v", err)
	}
	none := &Header{Transforms: []TransformID{TransformNone}}
	if got, err := Untransform(nil, none, echoCall, 0); err != nil || &got[0] != &echoCall[0] {
		t.Fatalf("none copied or failed: %v", err)
	}
}

func TestSizeLimits(t *testing.T) {
	big := strings.Repeat("x", MaxHeaderInfoSize)
	for _, h := range []*Header{
		{Info: []Pair{{big, ""}}},
		{Info: []Pair{{"", big + "x"}}},
		{Transforms: make([]TransformID, MaxHeaderInfoSize)},
	} {
		if _, err := Size(h); !errors.Is(err, ErrTooLarge) {
			t.Fatalf("Size: %v, want ErrTooLarge", err)
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Fatal("Encode did not panic")
				}
			}()
			Encode(make([]byte, 1<<19), h, 0)
		}()
	}
	// Exactly the largest area: 2 (protocol, transforms) + 1 (id) + 1 (count) + 1 (key len) +
	// 3 (value len varint) + value.
	h := &Header{Info: []Pair{{"", big[:MaxHeaderInfoSize-8]}}}
	if n, err := Size(h); err != nil || n != FixedSize+MaxHeaderInfoSize {
		t.Fatalf("Size = %d, %v", n, err)
	}
	h.Info[0].Key = "k"
	if _, err := Size(h); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("one byte over: %v", err)
	}
}

func TestAccessorsAndClone(t *testing.T) {
	var h Header
	h.Set("a", "1")
	h.Set("b", "2")
	h.Set("a", "3")
	if v, ok := h.Get("a"); !ok || v != "3" || len(h.Info) != 2 {
		t.Fatalf("Get(a) = %q, %v, %d entries", v, ok, len(h.Info))
	}
	if _, ok := h.Get("c"); ok {
		t.Fatal("Get found a missing key")
	}
	frame := bytes.Clone(compactWithHeaders)
	if _, err := Decode(frame, &h); err != nil {
		t.Fatal(err)
	}
	c := h.Clone()
	h.CopyStrings()
	clear(frame)
	for _, x := range []*Header{&h, c} {
		if v, _ := x.Get("hello"); v != "world" {
			t.Fatalf("detached header lost its value: %q", v)
		}
	}
	capInfo := cap(h.Info)
	h.Reset()
	if len(h.Info) != 0 || cap(h.Info) != capInfo || h.Protocol != 0 {
		t.Fatal("Reset")
	}
	if !ProtocolBinary.Known() || !ProtocolCompact.Known() || ProtocolID(1).Known() {
		t.Fatal("Known")
	}
}
