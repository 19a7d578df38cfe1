package thrift

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"testing"
)

// vector is one hand-written encoding from the specs: what the writer must produce, and what the reader
// must return for it.
type vector struct {
	name  string
	want  []byte                           // the exact encoding
	write func(b []byte) int               // writes the value
	read  func(b []byte) (any, int, error) // reads it back
	val   any                              // what read returns
	n     int                              // bytes read consumes; 0 means len(want)
}

func hx(parts ...any) []byte {
	var out []byte
	for _, p := range parts {
		switch p := p.(type) {
		case int:
			out = append(out, byte(p))
		case rune:
			out = append(out, byte(p))
		case string:
			out = append(out, p...)
		case []byte:
			out = append(out, p...)
		default:
			panic("hx: bad part")
		}
	}
	return out
}

func r3[T any](f func([]byte) (T, int, error)) func([]byte) (any, int, error) {
	return func(b []byte) (any, int, error) { v, n, err := f(b); return v, n, err }
}

func runVectors(t *testing.T, vs []vector) {
	t.Helper()
	for _, v := range vs {
		t.Run(v.name, func(t *testing.T) {
			if v.write != nil {
				b := make([]byte, len(v.want))
				for i := range b {
					b[i] = 0xEE // catch writers that skip bytes
				}
				if n := v.write(b); n != len(v.want) || !bytes.Equal(b, v.want) {
					t.Fatalf("write = %d % x, want %d % x", n, b, len(v.want), v.want)
				}
			}
			if v.read == nil {
				return
			}
			wantN := v.n
			if wantN == 0 {
				wantN = len(v.want)
			}
			got, n, err := v.read(v.want)
			if err != nil || n != wantN || !reflect.DeepEqual(got, v.val) {
				t.Fatalf("read = %v, %d, %v; want %v, %d", got, n, err, v.val, wantN)
			}
			// Trailing bytes change nothing (readers take their fast paths with room to spare).
			padded := append(append([]byte(nil), v.want...), 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80)
			if got, n, err := v.read(padded); err != nil || n != wantN || !reflect.DeepEqual(got, v.val) {
				t.Fatalf("read with trailing bytes = %v, %d, %v; want %v, %d", got, n, err, v.val, wantN)
			}
			// Every strict prefix must fail as truncated, never panic.
			for i := 0; i < len(v.want); i++ {
				p := append([]byte(nil), v.want[:i]...)
				if _, n, err := v.read(p); !errors.Is(err, ErrTruncated) {
					if i < wantN || err != nil {
						t.Fatalf("read of %d-byte prefix: n=%d err=%v, want ErrTruncated", i, n, err)
					}
				}
			}
		})
	}
}

type listHdr struct {
	elem TType
	size int
}

type mapHdr struct {
	k, v TType
	size int
}

type msgHdr struct {
	name string
	t    MessageType
	seq  int32
}

type fieldHdr struct {
	t  TType
	id int16
}

func TestBinaryVectors(t *testing.T) {
	p := Binary
	u := UUID{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}
	big := bytes.Repeat([]byte{'x'}, 300)
	vs := []vector{
		{name: "bool/true", want: hx(1), write: func(b []byte) int { return p.WriteBool(b, true) }, read: r3(p.ReadBool), val: true},
		{name: "bool/false", want: hx(0), write: func(b []byte) int { return p.WriteBool(b, false) }, read: r3(p.ReadBool), val: false},
		{name: "byte/-2", want: hx(0xfe), write: func(b []byte) int { return p.WriteI8(b, -2) }, read: r3(p.ReadI8), val: int8(-2)},
		{name: "i16/-2", want: hx(0xff, 0xfe), write: func(b []byte) int { return p.WriteI16(b, -2) }, read: r3(p.ReadI16), val: int16(-2)},
		{name: "i16/0x1234", want: hx(0x12, 0x34), write: func(b []byte) int { return p.WriteI16(b, 0x1234) }, read: r3(p.ReadI16), val: int16(0x1234)},
		{name: "i32/1", want: hx(0, 0, 0, 1), write: func(b []byte) int { return p.WriteI32(b, 1) }, read: r3(p.ReadI32), val: int32(1)},
		{name: "i32/min", want: hx(0x80, 0, 0, 0), write: func(b []byte) int { return p.WriteI32(b, math.MinInt32) }, read: r3(p.ReadI32), val: int32(math.MinInt32)},
		{name: "i64/0x0102030405060708", want: hx(1, 2, 3, 4, 5, 6, 7, 8), write: func(b []byte) int { return p.WriteI64(b, 0x0102030405060708) }, read: r3(p.ReadI64), val: int64(0x0102030405060708)},
		{name: "i64/-1", want: hx(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), write: func(b []byte) int { return p.WriteI64(b, -1) }, read: r3(p.ReadI64), val: int64(-1)},
		{name: "double/1.0", want: hx(0x3f, 0xf0, 0, 0, 0, 0, 0, 0), write: func(b []byte) int { return p.WriteDouble(b, 1.0) }, read: r3(p.ReadDouble), val: 1.0},
		{name: "double/-2.5", want: hx(0xc0, 0x04, 0, 0, 0, 0, 0, 0), write: func(b []byte) int { return p.WriteDouble(b, -2.5) }, read: r3(p.ReadDouble), val: -2.5},
		{name: "uuid", want: u[:], write: func(b []byte) int { return p.WriteUUID(b, u) }, read: r3(p.ReadUUID), val: u},
		{name: "string/empty", want: hx(0, 0, 0, 0), write: func(b []byte) int { return p.WriteString(b, "") }, read: r3(p.ReadString), val: ""},
		{name: "string/hi", want: hx(0, 0, 0, 2, "hi"), write: func(b []byte) int { return p.WriteString(b, "hi") }, read: r3(p.ReadString), val: "hi"},
		{name: "string/300", want: hx(0, 0, 1, 0x2c, big), write: func(b []byte) int { return p.WriteString(b, string(big)) }, read: r3(p.ReadString), val: string(big)},
		{name: "binary/3", want: hx(0, 0, 0, 3, 1, 2, 3), write: func(b []byte) int { return p.WriteBinary(b, []byte{1, 2, 3}) }, read: r3(p.ReadBinary), val: []byte{1, 2, 3}},
		{name: "binary/empty", want: hx(0, 0, 0, 0), write: func(b []byte) int { return p.WriteBinary(b, nil) }, read: r3(p.ReadBinary), val: []byte{}},
		{name: "field/i32#1", want: hx(8, 0, 1), write: func(b []byte) int { return p.WriteFieldBegin(b, I32, 1) },
			read: func(b []byte) (any, int, error) { t, id, n, err := p.ReadFieldBegin(b); return fieldHdr{t, id}, n, err }, val: fieldHdr{I32, 1}},
		{name: "field/string#-1", want: hx(11, 0xff, 0xff), write: func(b []byte) int { return p.WriteFieldBegin(b, STRING, -1) },
			read: func(b []byte) (any, int, error) { t, id, n, err := p.ReadFieldBegin(b); return fieldHdr{t, id}, n, err }, val: fieldHdr{STRING, -1}},
		{name: "field/stop", want: hx(0), write: p.WriteFieldStop,
			read: func(b []byte) (any, int, error) { t, id, n, err := p.ReadFieldBegin(b); return fieldHdr{t, id}, n, err }, val: fieldHdr{STOP, 0}},
		{name: "list/i16x2", want: hx(6, 0, 0, 0, 2, 0, 1, 0, 2),
			write: func(b []byte) int {
				n := p.WriteListBegin(b, I16, 2)
				n += p.WriteI16(b[n:], 1)
				return n + p.WriteI16(b[n:], 2)
			},
			read: func(b []byte) (any, int, error) { e, s, n, err := p.ReadListBegin(b); return listHdr{e, s}, n, err }, val: listHdr{I16, 2}, n: 5},
		{name: "set/bool", want: hx(2, 0, 0, 0, 1, 1),
			write: func(b []byte) int { n := p.WriteSetBegin(b, BOOL, 1); return n + p.WriteBool(b[n:], true) },
			read:  func(b []byte) (any, int, error) { e, s, n, err := p.ReadSetBegin(b); return listHdr{e, s}, n, err }, val: listHdr{BOOL, 1}, n: 5},
		{name: "map/string-i32", want: hx(11, 8, 0, 0, 0, 1, 0, 0, 0, 1, "a", 0, 0, 0, 7),
			write: func(b []byte) int {
				n := p.WriteMapBegin(b, STRING, I32, 1)
				n += p.WriteString(b[n:], "a")
				return n + p.WriteI32(b[n:], 7)
			},
			read: func(b []byte) (any, int, error) { k, v, s, n, err := p.ReadMapBegin(b); return mapHdr{k, v, s}, n, err }, val: mapHdr{STRING, I32, 1}, n: 6},
		{name: "map/empty", want: hx(11, 8, 0, 0, 0, 0), write: func(b []byte) int { return p.WriteMapBegin(b, STRING, I32, 0) },
			read: func(b []byte) (any, int, error) { k, v, s, n, err := p.ReadMapBegin(b); return mapHdr{k, v, s}, n, err }, val: mapHdr{STRING, I32, 0}},
		{name: "message/strict", want: hx(0x80, 0x01, 0x00, 0x01, 0, 0, 0, 3, "foo", 0, 0, 0, 7),
			write: func(b []byte) int { return p.WriteMessageBegin(b, "foo", CALL, 7) },
			read: func(b []byte) (any, int, error) {
				name, mt, seq, n, err := p.ReadMessageBegin(b)
				return msgHdr{name, mt, seq}, n, err
			}, val: msgHdr{"foo", CALL, 7}},
		{name: "message/strict-exception", want: hx(0x80, 0x01, 0x00, 0x03, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff),
			write: func(b []byte) int { return p.WriteMessageBegin(b, "", EXCEPTION, -1) },
			read: func(b []byte) (any, int, error) {
				name, mt, seq, n, err := p.ReadMessageBegin(b)
				return msgHdr{name, mt, seq}, n, err
			}, val: msgHdr{"", EXCEPTION, -1}},
		{name: "message/non-strict", want: hx(0, 0, 0, 3, "foo", 0x02, 0, 0, 1, 0),
			read: func(b []byte) (any, int, error) {
				name, mt, seq, n, err := p.ReadMessageBegin(b)
				return msgHdr{name, mt, seq}, n, err
			}, val: msgHdr{"foo", REPLY, 256}},
		{name: "i64list/2", want: hx(10, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe),
			write: func(b []byte) int { return p.WriteI64List(b, []int64{1, -2}) }, read: r3(p.ReadI64List), val: []int64{1, -2}},
		{name: "i64list/empty", want: hx(10, 0, 0, 0, 0),
			write: func(b []byte) int { return p.WriteI64List(b, nil) }, read: r3(p.ReadI64List), val: []int64{}},
		{name: "i32list/3", want: hx(8, 0, 0, 0, 3, 0, 0, 0, 1, 0x80, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff),
			write: func(b []byte) int { return p.WriteI32List(b, []int32{1, math.MinInt32, math.MaxInt32}) }, read: r3(p.ReadI32List),
			val: []int32{1, math.MinInt32, math.MaxInt32}},
	}
	runVectors(t, vs)
}

func TestBinaryLengths(t *testing.T) {
	p := Binary
	if got := p.MessageBeginLength("foo"); got != 15 {
		t.Errorf("MessageBeginLength = %d", got)
	}
	if p.StringLength("abc") != 7 || p.BinaryLength(make([]byte, 10)) != 14 {
		t.Error("StringLength/BinaryLength")
	}
	// The size constants must agree with the writers.
	b := make([]byte, 32)
	for _, c := range []struct {
		name string
		n    int
		want int
	}{
		{"bool", p.WriteBool(b, true), BoolLength}, {"byte", p.WriteI8(b, 1), ByteLength},
		{"i16", p.WriteI16(b, 1), I16Length}, {"i32", p.WriteI32(b, 1), I32Length},
		{"i64", p.WriteI64(b, 1), I64Length}, {"double", p.WriteDouble(b, 1), DoubleLength},
		{"uuid", p.WriteUUID(b, UUID{}), UUIDLength}, {"field", p.WriteFieldBegin(b, I32, 1), FieldBeginLength},
		{"stop", p.WriteFieldStop(b), FieldStopLength}, {"list", p.WriteListBegin(b, I32, 1), ListBeginLength},
		{"set", p.WriteSetBegin(b, I32, 1), SetBeginLength}, {"map", p.WriteMapBegin(b, I32, I32, 1), MapBeginLength},
	} {
		if c.n != c.want {
			t.Errorf("%s: wrote %d, constant %d", c.name, c.n, c.want)
		}
	}
}

// TestBinaryBadInput checks that malformed input gives the right sentinel, never a panic.
func TestBinaryBadInput(t *testing.T) {
	p := Binary
	be32 := func(v int32) []byte { return []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)} }
	tests := []struct {
		name string
		in   []byte
		read func([]byte) error
		want error
	}{
		{"string/negative", hx(be32(-1), "abc"), func(b []byte) error { _, _, err := p.ReadString(b); return err }, ErrNegativeSize},
		{"string/beyond input", hx(be32(4), "abc"), func(b []byte) error { _, _, err := p.ReadString(b); return err }, ErrTruncated},
		{"string/beyond limit", hx(be32(MaxStringLen+1), "abc"), func(b []byte) error { _, _, err := p.ReadString(b); return err }, ErrTooLarge},
		{"binary/negative", hx(be32(math.MinInt32)), func(b []byte) error { _, _, err := p.ReadBinary(b); return err }, ErrNegativeSize},
		{"binary/huge", hx(be32(math.MaxInt32)), func(b []byte) error { _, _, err := p.ReadBinary(b); return err }, ErrTooLarge},
		{"list/negative", hx(8, be32(-1)), func(b []byte) error { _, _, _, err := p.ReadListBegin(b); return err }, ErrNegativeSize},
		{"list/beyond input", hx(8, be32(2), 0), func(b []byte) error { _, _, _, err := p.ReadListBegin(b); return err }, ErrTruncated},
		{"list/bad type", hx(5, be32(1), 0), func(b []byte) error { _, _, _, err := p.ReadListBegin(b); return err }, ErrBadType},
		{"list/stop type", hx(0, be32(1), 0), func(b []byte) error { _, _, _, err := p.ReadListBegin(b); return err }, ErrBadType},
		{"set/beyond input", hx(8, be32(1)), func(b []byte) error { _, _, _, err := p.ReadSetBegin(b); return err }, ErrTruncated},
		{"map/negative", hx(8, 8, be32(-5)), func(b []byte) error { _, _, _, _, err := p.ReadMapBegin(b); return err }, ErrNegativeSize},
		{"map/beyond input", hx(8, 8, be32(1), 0), func(b []byte) error { _, _, _, _, err := p.ReadMapBegin(b); return err }, ErrTruncated},
		{"map/bad key type", hx(1, 8, be32(1), 0, 0), func(b []byte) error { _, _, _, _, err := p.ReadMapBegin(b); return err }, ErrBadType},
		{"map/bad value type", hx(8, 99, be32(1), 0, 0), func(b []byte) error { _, _, _, _, err := p.ReadMapBegin(b); return err }, ErrBadType},
		{"message/bad version", hx(0x80, 0x02, 0, 1, be32(0), be32(0)), func(b []byte) error { _, _, _, _, err := p.ReadMessageBegin(b); return err }, ErrBadVersion},
		{"message/bad type", hx(0x80, 0x01, 0, 5, be32(0), be32(0)), func(b []byte) error { _, _, _, _, err := p.ReadMessageBegin(b); return err }, ErrBadValue},
		{"message/type 0", hx(0x80, 0x01, 0, 0, be32(0), be32(0)), func(b []byte) error { _, _, _, _, err := p.ReadMessageBegin(b); return err }, ErrBadValue},
		{"message/non-strict bad type", hx(be32(1), "f", 9, be32(0)), func(b []byte) error { _, _, _, _, err := p.ReadMessageBegin(b); return err }, ErrBadValue},
		{"message/name beyond input", hx(0x80, 0x01, 0, 1, be32(100), be32(0)), func(b []byte) error { _, _, _, _, err := p.ReadMessageBegin(b); return err }, ErrTruncated},
		{"message/name negative", hx(0x80, 0x01, 0, 1, be32(-100), be32(0)), func(b []byte) error { _, _, _, _, err := p.ReadMessageBegin(b); return err }, ErrNegativeSize},
		{"i64list/wrong type", hx(8, be32(1), 0, 0, 0, 0, 0, 0, 0, 0), func(b []byte) error { _, _, err := p.ReadI64List(b); return err }, ErrBadType},
		{"i64list/short", hx(10, be32(2), make([]byte, 15)), func(b []byte) error { _, _, err := p.ReadI64List(b); return err }, ErrTruncated},
		{"i64list/negative", hx(10, be32(-2)), func(b []byte) error { _, _, err := p.ReadI64List(b); return err }, ErrNegativeSize},
		{"i32list/wrong type", hx(10, be32(1), 0, 0, 0, 0), func(b []byte) error { _, _, err := p.ReadI32List(b); return err }, ErrBadType},
		{"i32list/short", hx(8, be32(2), make([]byte, 7)), func(b []byte) error { _, _, err := p.ReadI32List(b); return err }, ErrTruncated},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.read(tc.in)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			var pe *ProtocolError
			if !errors.As(err, &pe) || pe.Proto != "binary" {
				t.Fatalf("err %v is not a binary *ProtocolError", err)
			}
		})
	}
}

// TestEmptyListAnyType: as in Apache Thrift, an empty list's element type is not checked.
func TestEmptyListAnyType(t *testing.T) {
	if _, size, _, err := Binary.ReadListBegin(hx(0, 0, 0, 0, 0)); size != 0 || err != nil {
		t.Errorf("binary: %v", err)
	}
	if v, _, err := Binary.ReadI64List(hx(8, 0, 0, 0, 0)); len(v) != 0 || v == nil || err != nil {
		t.Errorf("binary i64 list: %v %v", v, err)
	}
	if _, size, _, err := Compact.ReadListBegin(hx(0x0e)); size != 0 || err != nil {
		t.Errorf("compact: %v", err)
	}
	if n, err := Compact.Skip(hx(0x00), LIST); n != 1 || err != nil {
		t.Errorf("compact skip: %d %v", n, err)
	}
	if n, err := Binary.Skip(hx(99, 0, 0, 0, 0), SET); n != 5 || err != nil {
		t.Errorf("binary skip: %d %v", n, err)
	}
}

func TestBinaryI64ListInto(t *testing.T) {
	in := []int64{5, -6, 7}
	b := make([]byte, 5+8*len(in))
	Binary.WriteI64List(b, in)
	dst := make([]int64, 0, 10)
	got, n, err := Binary.ReadI64ListInto(dst, b)
	if err != nil || n != len(b) || !reflect.DeepEqual(got, in) {
		t.Fatalf("got %v %d %v", got, n, err)
	}
	if &got[0] != &dst[:1][0] {
		t.Fatal("ReadI64ListInto did not reuse dst")
	}
	// A set<i64> header reads too.
	b[0] = byte(I64)
	if _, _, err := Binary.ReadI64List(b); err != nil {
		t.Fatal(err)
	}
	// Many lengths around the SIMD vector widths agree with per-element reads.
	for size := 0; size < 70; size++ {
		v := make([]int64, size)
		w := make([]int32, size)
		for i := range v {
			v[i] = int64(i)*0x0102030405060708 - 99
			w[i] = int32(v[i])
		}
		b := make([]byte, 5+8*size)
		Binary.WriteI64List(b, v)
		for i := range v {
			if x, _, _ := Binary.ReadI64(b[5+8*i:]); x != v[i] {
				t.Fatalf("size %d: element %d = %d, want %d", size, i, x, v[i])
			}
		}
		got, _, err := Binary.ReadI64List(b)
		if err != nil || !reflect.DeepEqual(got, v) {
			t.Fatalf("size %d: %v %v", size, got, err)
		}
		b32 := make([]byte, 5+4*size)
		Binary.WriteI32List(b32, w)
		for i := range w {
			if x, _, _ := Binary.ReadI32(b32[5+4*i:]); x != w[i] {
				t.Fatalf("size %d: i32 element %d = %d, want %d", size, i, x, w[i])
			}
		}
		got32, _, err := Binary.ReadI32List(b32)
		if err != nil || !reflect.DeepEqual(got32, w) {
			t.Fatalf("size %d: %v %v", size, got32, err)
		}
	}
}

func TestReadBinaryDoesNotAlias(t *testing.T) {
	b := hx(0, 0, 0, 2, 'a', 'b')
	v, _, _ := Binary.ReadBinary(b)
	b[4] = 'z'
	if string(v) != "ab" {
		t.Fatal("Binary.ReadBinary aliases its input")
	}
	c := hx(2, 'a', 'b')
	w, _, _ := Compact.ReadBinary(c)
	c[1] = 'z'
	if string(w) != "ab" {
		t.Fatal("Compact.ReadBinary aliases its input")
	}
}

// recWriter records WriteDirect calls like linkbuf.Writer would link them.
type recWriter struct {
	calls []recCall
	fail  bool
}

type recCall struct {
	p         []byte
	remainCap int
}

func (w *recWriter) WriteDirect(p []byte, remainCap int) error {
	if w.fail {
		return errors.New("no")
	}
	w.calls = append(w.calls, recCall{p, remainCap})
	return nil
}

func TestWriteNocopy(t *testing.T) {
	small := "small"
	large := string(bytes.Repeat([]byte{'L'}, NocopyThreshold))
	// Small strings and nil writers copy.
	b := make([]byte, 64)
	w := &recWriter{}
	if n := Binary.WriteStringNocopy(b, w, small); n != 9 || string(b[4:9]) != small || len(w.calls) != 0 {
		t.Fatalf("small: n=%d calls=%d", n, len(w.calls))
	}
	b = make([]byte, 4+len(large)+10)
	if n := Binary.WriteStringNocopy(b, nil, large); n != 4+len(large) || string(b[4:n]) != large {
		t.Fatalf("nil writer: n=%d", n)
	}
	// Large ones link: 4 bytes consumed, remainCap counts from after the prefix.
	b = make([]byte, 4+len(large)+10)
	if n := Binary.WriteStringNocopy(b, w, large); n != 4 {
		t.Fatalf("large: n=%d", n)
	}
	if len(w.calls) != 1 || string(w.calls[0].p) != large || w.calls[0].remainCap != len(b)-4 {
		t.Fatalf("large: calls %+v", len(w.calls))
	}
	if got := int32(b[0])<<24 | int32(b[1])<<16 | int32(b[2])<<8 | int32(b[3]); got != int32(len(large)) {
		t.Fatalf("length prefix %d", got)
	}
	// Binary values too, and a failing WriteDirect falls back to copying.
	w = &recWriter{fail: true}
	if n := Binary.WriteBinaryNocopy(b, w, []byte(large)); n != 4+len(large) || string(b[4:n]) != large {
		t.Fatalf("fallback: n=%d", n)
	}
	// Sized for the linked write only (StringLengthNocopy), a failing WriteDirect leaves the value out:
	// 4 bytes, the prefix, and nothing written past b (NocopyCodec says how the caller learns of it).
	short := make([]byte, Binary.StringLengthNocopy(large)+1)
	if n := Binary.WriteStringNocopy(short[:len(short)-1], w, large); n != 4 || short[4] != 0 {
		t.Fatalf("left out: n=%d", n)
	}
}

func TestLengthNocopy(t *testing.T) {
	for _, n := range []int{0, 1, NocopyThreshold - 1, NocopyThreshold, NocopyThreshold + 1} {
		v := make([]byte, n)
		want := 4 + n
		if n >= NocopyThreshold {
			want = 4
		}
		if got := Binary.StringLengthNocopy(string(v)); got != want {
			t.Errorf("StringLengthNocopy(%d bytes) = %d, want %d", n, got, want)
		}
		if got := Binary.BinaryLengthNocopy(v); got != want {
			t.Errorf("BinaryLengthNocopy(%d bytes) = %d, want %d", n, got, want)
		}
		// What WriteStringNocopy writes into its buffer, given a writer that links.
		b := make([]byte, want)
		if got := Binary.WriteStringNocopy(b, &recWriter{}, string(v)); got != want {
			t.Errorf("WriteStringNocopy(%d bytes) wrote %d, StringLengthNocopy says %d", n, got, want)
		}
	}
}
