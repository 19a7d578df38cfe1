package thrift

import (
	"errors"
	"math/rand/v2"
	"testing"
)

// node is a Thrift value tree used to build test encodings with the package's own writers.
type node struct {
	t      TType
	id     int16 // field id when a struct member
	i      int64
	f      float64
	s      string
	u      UUID
	kt, vt TType   // container element types
	kids   []*node // struct fields, list/set elements, map keys and values alternating
}

// encode writes n in protocol proto ("binary" or "compact") by appending to out.
func encode(proto string, n *node) []byte {
	b := make([]byte, 0, 64)
	return appendNode(proto, b, n, false)
}

func grow(b []byte, n int) ([]byte, []byte) {
	l := len(b)
	for cap(b)-l < n {
		b = append(b[:cap(b)], 0)[:l]
	}
	b = b[:l+n]
	return b, b[l:]
}

func appendNode(proto string, b []byte, n *node, inField bool) []byte {
	var w []byte
	bp, cp := Binary, Compact
	switch n.t {
	case BOOL:
		if proto == "compact" && inField {
			return b // value is in the field header
		}
		b, w = grow(b, 1)
		if proto == "binary" {
			bp.WriteBool(w, n.i != 0)
		} else {
			cp.WriteBool(w, n.i != 0)
		}
	case I08:
		b, w = grow(b, 1)
		bp.WriteI8(w, int8(n.i))
	case I16:
		if proto == "binary" {
			b, w = grow(b, 2)
			bp.WriteI16(w, int16(n.i))
		} else {
			b, w = grow(b, cp.I16Length(int16(n.i)))
			cp.WriteI16(w, int16(n.i))
		}
	case I32:
		if proto == "binary" {
			b, w = grow(b, 4)
			bp.WriteI32(w, int32(n.i))
		} else {
			b, w = grow(b, cp.I32Length(int32(n.i)))
			cp.WriteI32(w, int32(n.i))
		}
	case I64:
		if proto == "binary" {
			b, w = grow(b, 8)
			bp.WriteI64(w, n.i)
		} else {
			b, w = grow(b, cp.I64Length(n.i))
			cp.WriteI64(w, n.i)
		}
	case DOUBLE:
		b, w = grow(b, 8)
		if proto == "binary" {
			bp.WriteDouble(w, n.f)
		} else {
			cp.WriteDouble(w, n.f)
		}
	case TUUID:
		b, w = grow(b, 16)
		bp.WriteUUID(w, n.u)
	case STRING:
		if proto == "binary" {
			b, w = grow(b, bp.StringLength(n.s))
			bp.WriteString(w, n.s)
		} else {
			b, w = grow(b, cp.StringLength(n.s))
			cp.WriteString(w, n.s)
		}
	case STRUCT:
		var last int16
		for _, f := range n.kids {
			if proto == "binary" {
				b, w = grow(b, 3)
				bp.WriteFieldBegin(w, f.t, f.id)
			} else {
				b, w = grow(b, cp.FieldBeginLength(f.id, last))
				if f.t == BOOL {
					cp.WriteBoolField(w, f.id, last, f.i != 0)
				} else {
					cp.WriteFieldBegin(w, f.t, f.id, last)
				}
				last = f.id
			}
			b = appendNode(proto, b, f, true)
		}
		b, w = grow(b, 1)
		w[0] = 0
	case LIST, SET:
		if proto == "binary" {
			b, w = grow(b, 5)
			bp.WriteListBegin(w, n.kt, len(n.kids))
		} else {
			b, w = grow(b, cp.ListBeginLength(len(n.kids)))
			cp.WriteListBegin(w, n.kt, len(n.kids))
		}
		for _, k := range n.kids {
			b = appendNode(proto, b, k, false)
		}
	case MAP:
		size := len(n.kids) / 2
		if proto == "binary" {
			b, w = grow(b, 6)
			bp.WriteMapBegin(w, n.kt, n.vt, size)
		} else {
			b, w = grow(b, cp.MapBeginLength(size))
			cp.WriteMapBegin(w, n.kt, n.vt, size)
		}
		for _, k := range n.kids {
			b = appendNode(proto, b, k, false)
		}
	default:
		panic("appendNode: bad type " + n.t.String())
	}
	return b
}

var leafTypes = []TType{BOOL, I08, I16, I32, I64, DOUBLE, STRING, TUUID}
var allTypes = []TType{BOOL, I08, I16, I32, I64, DOUBLE, STRING, TUUID, STRUCT, LIST, SET, MAP}

// randNode builds a random value of type t, nesting at most depth more levels.
func randNode(rng *rand.Rand, t TType, depth int) *node {
	n := &node{t: t}
	pick := func() TType {
		if depth <= 1 {
			return leafTypes[rng.IntN(len(leafTypes))]
		}
		return allTypes[rng.IntN(len(allTypes))]
	}
	switch t {
	case BOOL:
		n.i = int64(rng.IntN(2))
	case I08, I16, I32, I64:
		n.i = rng.Int64() >> rng.IntN(64)
	case DOUBLE:
		n.f = rng.NormFloat64()
	case STRING:
		n.s = string(make([]byte, rng.IntN(40)))
	case TUUID:
		n.u[3] = byte(rng.IntN(256))
	case STRUCT:
		id := int16(rng.IntN(5)) - 2
		for range rng.IntN(6) {
			id += int16(rng.IntN(30)) - 3
			f := randNode(rng, pick(), depth-1)
			f.id = id
			n.kids = append(n.kids, f)
		}
	case LIST, SET:
		n.kt = pick()
		for range rng.IntN(20) {
			n.kids = append(n.kids, randNode(rng, n.kt, depth-1))
		}
	case MAP:
		n.kt, n.vt = pick(), pick()
		for range rng.IntN(6) {
			n.kids = append(n.kids, randNode(rng, n.kt, depth-1), randNode(rng, n.vt, depth-1))
		}
	}
	return n
}

type skipper struct {
	name string
	skip func([]byte, TType) (int, error)
}

var skippers = []skipper{{"binary", Binary.Skip}, {"compact", Compact.Skip}}

// TestSkipRandom: Skip measures random nested values exactly, and every strict prefix is ErrTruncated.
func TestSkipRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	for _, sk := range skippers {
		for i := range 300 {
			n := randNode(rng, STRUCT, 5)
			enc := encode(sk.name, n)
			got, err := sk.skip(append(enc, 0xAA, 0xBB), STRUCT)
			if err != nil || got != len(enc) {
				t.Fatalf("%s #%d: Skip = %d, %v; want %d", sk.name, i, got, err, len(enc))
			}
			if i%10 != 0 {
				continue
			}
			for j := 0; j < len(enc); j++ {
				if _, err := sk.skip(enc[:j:j], STRUCT); !errors.Is(err, ErrTruncated) {
					t.Fatalf("%s #%d: Skip of %d-byte prefix: %v, want ErrTruncated", sk.name, i, j, err)
				}
			}
		}
	}
}

func TestSkipEachType(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, sk := range skippers {
		for _, typ := range allTypes {
			if sk.name == "compact" && typ == BOOL {
				continue // see TestCompactSkipBoolField
			}
			n := randNode(rng, typ, 3)
			enc := encode(sk.name, n)
			if got, err := sk.skip(enc, typ); err != nil || got != len(enc) {
				t.Errorf("%s %v: Skip = %d, %v; want %d", sk.name, typ, got, err, len(enc))
			}
		}
		for _, bad := range []TType{STOP, VOID, 5, 7, 9, 17, 255} {
			if _, err := sk.skip([]byte{0, 0, 0, 0, 0, 0, 0, 0}, bad); !errors.Is(err, ErrBadType) {
				t.Errorf("%s: Skip of type %v: %v, want ErrBadType", sk.name, bad, err)
			}
		}
	}
}

func TestCompactSkipBoolField(t *testing.T) {
	if n, err := Compact.Skip([]byte{0x01}, BOOL); n != 0 || err != nil {
		t.Fatalf("Compact.Skip(BOOL) = %d, %v; want 0, nil", n, err)
	}
	// Inside a struct, bool fields take no value bytes; in a list each takes one.
	s := &node{t: STRUCT, kids: []*node{
		{t: BOOL, id: 1, i: 1}, {t: BOOL, id: 40, i: 0},
		{t: LIST, id: 41, kt: BOOL, kids: []*node{{t: BOOL, i: 1}, {t: BOOL}}},
	}}
	enc := encode("compact", s)
	want := []byte{0x11, 0x02, 0x50, 0x19, 0x21, 0x01, 0x02, 0x00}
	if string(enc) != string(want) {
		t.Fatalf("encoding % x, want % x", enc, want)
	}
	if n, err := Compact.Skip(enc, STRUCT); n != len(enc) || err != nil {
		t.Fatalf("Skip = %d, %v", n, err)
	}
}

// nest returns a value of depth levels of list<...> around an i32 list, in both protocols.
func nest(proto string, depth int) []byte {
	n := &node{t: LIST, kt: I32, kids: []*node{{t: I32, i: 1}}}
	for range depth - 1 {
		n = &node{t: LIST, kt: LIST, kids: []*node{n}}
	}
	return encode(proto, n)
}

func nestStructs(proto string, depth int) []byte {
	n := &node{t: STRUCT}
	for range depth - 1 {
		n = &node{t: STRUCT, kids: []*node{{t: STRUCT, id: 1, kids: n.kids}}}
	}
	return encode(proto, n)
}

func TestSkipDepth(t *testing.T) {
	for _, sk := range skippers {
		for _, mk := range []func(string, int) []byte{nest, nestStructs} {
			ok := mk(sk.name, MaxDepth)
			if n, err := sk.skip(ok, ok2type(mk)); err != nil || n != len(ok) {
				t.Errorf("%s: depth %d: %d, %v", sk.name, MaxDepth, n, err)
			}
			deep := mk(sk.name, MaxDepth+1)
			if _, err := sk.skip(deep, ok2type(mk)); !errors.Is(err, ErrDepth) {
				t.Errorf("%s: depth %d: %v, want ErrDepth", sk.name, MaxDepth+1, err)
			}
		}
	}
}

func ok2type(mk func(string, int) []byte) TType {
	if len(mk("binary", 1)) == 1 { // an empty struct is one STOP byte
		return STRUCT
	}
	return LIST
}

func TestSkipHostile(t *testing.T) {
	// Claimed sizes far beyond the input fail fast without allocating.
	for _, tc := range []struct {
		name string
		sk   func([]byte, TType) (int, error)
		in   []byte
		t    TType
		want error
	}{
		{"binary list of 2^31-1 structs", Binary.Skip, hx(12, 0x7f, 0xff, 0xff, 0xff, 0), LIST, ErrTruncated},
		{"binary map of i64", Binary.Skip, hx(10, 10, 0, 0, 0, 2, make([]byte, 31)), MAP, ErrTruncated},
		{"binary list of i32", Binary.Skip, hx(8, 0, 0, 0, 3, make([]byte, 11)), LIST, ErrTruncated},
		{"binary field of bad type", Binary.Skip, hx(7, 0, 1, 0), STRUCT, ErrBadType},
		{"binary string negative", Binary.Skip, hx(0xff, 0xff, 0xff, 0xff), STRING, ErrNegativeSize},
		{"compact list of huge size", Compact.Skip, hx(0xfc, 0xff, 0xff, 0xff, 0x07, 0), LIST, ErrTruncated},
		{"compact map of doubles", Compact.Skip, hx(0x02, 0x77, make([]byte, 31)), MAP, ErrTruncated},
		{"compact field of bad type", Compact.Skip, hx(0x1e, 0), STRUCT, ErrBadType},
		{"compact bad varint in struct", Compact.Skip, hx(0x15, 0xff, 0xff, 0xff, 0xff, 0xff, 0), STRUCT, ErrBadVarint},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.sk(tc.in, tc.t); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestSkipMessage(t *testing.T) {
	body := &node{t: STRUCT, kids: []*node{{t: STRING, id: 1, s: "hello"}, {t: I64, id: 2, i: 99}}}
	for _, proto := range []string{"binary", "compact"} {
		var msg []byte
		if proto == "binary" {
			msg = make([]byte, Binary.MessageBeginLength("echo"))
			Binary.WriteMessageBegin(msg, "echo", CALL, 5)
		} else {
			msg = make([]byte, Compact.MessageBeginLength("echo", 5))
			Compact.WriteMessageBegin(msg, "echo", CALL, 5)
		}
		msg = append(msg, encode(proto, body)...)
		two := append(append([]byte(nil), msg...), msg...)
		skip := Binary.SkipMessage
		if proto == "compact" {
			skip = Compact.SkipMessage
		}
		if n, err := skip(two); n != len(msg) || err != nil {
			t.Fatalf("%s: SkipMessage = %d, %v; want %d", proto, n, err, len(msg))
		}
		for i := range len(msg) {
			if _, err := skip(msg[:i]); !errors.Is(err, ErrTruncated) {
				t.Fatalf("%s: prefix %d: %v", proto, i, err)
			}
		}
	}
}

func TestErrorOffsets(t *testing.T) {
	// A bad field type deep in a struct is reported at its own offset.
	in := hx(8, 0, 1, 0, 0, 0, 7, 12, 0, 2, 99, 0, 3)
	_, err := Binary.Skip(in, STRUCT)
	var pe *ProtocolError
	if !errors.As(err, &pe) || pe.Offset != 10 || !errors.Is(err, ErrBadType) {
		t.Fatalf("err = %v, want bad type at offset 10", err)
	}
	want := "thrift binary: field type at offset 10: type id 99: thrift: bad type"
	if err.Error() != want {
		t.Fatalf("Error() = %q, want %q", err.Error(), want)
	}
	if pe.TypeID() != ProtocolErrorType || pe.ProtocolExceptionType() != 1 {
		t.Fatalf("TypeID %d, ProtocolExceptionType %d", pe.TypeID(), pe.ProtocolExceptionType())
	}
	_, _, _, _, err = Binary.ReadMessageBegin(hx(0x80, 0x02, 0, 1))
	if !errors.As(err, &pe) || pe.TypeID() != InvalidProtocol || pe.ProtocolExceptionType() != 4 {
		t.Fatalf("bad version: %v", err)
	}
	_, _, _, _, err = Binary.ReadMessageBegin(hx(0x80, 0x01, 0, 9))
	if !errors.As(err, &pe) || pe.TypeID() != InvalidMessageType {
		t.Fatalf("bad message type: %v", err)
	}
}
