package thrift

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

type cfieldHdr struct {
	t       TType
	id      int16
	boolVal bool
}

func TestCompactVectors(t *testing.T) {
	p := Compact
	u := UUID{15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0}
	readField := func(last int16) func([]byte) (any, int, error) {
		return func(b []byte) (any, int, error) {
			ft, id, bv, n, err := p.ReadFieldBegin(b, last)
			return cfieldHdr{ft, id, bv}, n, err
		}
	}
	readList := func(b []byte) (any, int, error) { e, s, n, err := p.ReadListBegin(b); return listHdr{e, s}, n, err }
	readMap := func(b []byte) (any, int, error) { k, v, s, n, err := p.ReadMapBegin(b); return mapHdr{k, v, s}, n, err }
	readMsg := func(b []byte) (any, int, error) {
		name, mt, seq, n, err := p.ReadMessageBegin(b)
		return msgHdr{name, mt, seq}, n, err
	}
	fifteen := bytes.Repeat([]byte{7}, 15)
	vs := []vector{
		// Zigzag varints (thrift-compact-protocol.md): 0→0, -1→1, 1→2, -2→3, 150→300 = 0xAC 0x02.
		{name: "i32/0", want: hx(0x00), write: func(b []byte) int { return p.WriteI32(b, 0) }, read: r3(p.ReadI32), val: int32(0)},
		{name: "i32/-1", want: hx(0x01), write: func(b []byte) int { return p.WriteI32(b, -1) }, read: r3(p.ReadI32), val: int32(-1)},
		{name: "i32/1", want: hx(0x02), write: func(b []byte) int { return p.WriteI32(b, 1) }, read: r3(p.ReadI32), val: int32(1)},
		{name: "i32/-2", want: hx(0x03), write: func(b []byte) int { return p.WriteI32(b, -2) }, read: r3(p.ReadI32), val: int32(-2)},
		{name: "i32/150", want: hx(0xac, 0x02), write: func(b []byte) int { return p.WriteI32(b, 150) }, read: r3(p.ReadI32), val: int32(150)},
		{name: "i32/max", want: hx(0xfe, 0xff, 0xff, 0xff, 0x0f), write: func(b []byte) int { return p.WriteI32(b, math.MaxInt32) }, read: r3(p.ReadI32), val: int32(math.MaxInt32)},
		{name: "i32/min", want: hx(0xff, 0xff, 0xff, 0xff, 0x0f), write: func(b []byte) int { return p.WriteI32(b, math.MinInt32) }, read: r3(p.ReadI32), val: int32(math.MinInt32)},
		{name: "i16/-2", want: hx(0x03), write: func(b []byte) int { return p.WriteI16(b, -2) }, read: r3(p.ReadI16), val: int16(-2)},
		{name: "i16/min", want: hx(0xff, 0xff, 0x03), write: func(b []byte) int { return p.WriteI16(b, math.MinInt16) }, read: r3(p.ReadI16), val: int16(math.MinInt16)},
		{name: "i64/150", want: hx(0xac, 0x02), write: func(b []byte) int { return p.WriteI64(b, 150) }, read: r3(p.ReadI64), val: int64(150)},
		{name: "i64/-1", want: hx(0x01), write: func(b []byte) int { return p.WriteI64(b, -1) }, read: r3(p.ReadI64), val: int64(-1)},
		{name: "i64/max", want: hx(0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), write: func(b []byte) int { return p.WriteI64(b, math.MaxInt64) }, read: r3(p.ReadI64), val: int64(math.MaxInt64)},
		{name: "i64/min", want: hx(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), write: func(b []byte) int { return p.WriteI64(b, math.MinInt64) }, read: r3(p.ReadI64), val: int64(math.MinInt64)},
		{name: "byte/-1", want: hx(0xff), write: func(b []byte) int { return p.WriteI8(b, -1) }, read: r3(p.ReadI8), val: int8(-1)},
		{name: "bool/true", want: hx(0x01), write: func(b []byte) int { return p.WriteBool(b, true) }, read: r3(p.ReadBool), val: true},
		{name: "bool/false", want: hx(0x02), write: func(b []byte) int { return p.WriteBool(b, false) }, read: r3(p.ReadBool), val: false},
		// Doubles are little-endian.
		{name: "double/1.0", want: hx(0, 0, 0, 0, 0, 0, 0xf0, 0x3f), write: func(b []byte) int { return p.WriteDouble(b, 1.0) }, read: r3(p.ReadDouble), val: 1.0},
		{name: "uuid", want: u[:], write: func(b []byte) int { return p.WriteUUID(b, u) }, read: r3(p.ReadUUID), val: u},
		{name: "string/hi", want: hx(0x02, "hi"), write: func(b []byte) int { return p.WriteString(b, "hi") }, read: r3(p.ReadString), val: "hi"},
		{name: "string/empty", want: hx(0x00), write: func(b []byte) int { return p.WriteString(b, "") }, read: r3(p.ReadString), val: ""},
		{name: "string/200", want: hx(0xc8, 0x01, bytes.Repeat([]byte{'s'}, 200)), write: func(b []byte) int { return p.WriteString(b, string(bytes.Repeat([]byte{'s'}, 200))) },
			read: r3(p.ReadString), val: string(bytes.Repeat([]byte{'s'}, 200))},
		{name: "binary/2", want: hx(0x02, 9, 8), write: func(b []byte) int { return p.WriteBinary(b, []byte{9, 8}) }, read: r3(p.ReadBinary), val: []byte{9, 8}},
		// Field headers: delta short form ddddtttt, long form type byte + zigzag i16.
		{name: "field/i32 1 after 0", want: hx(0x15), write: func(b []byte) int { return p.WriteFieldBegin(b, I32, 1, 0) }, read: readField(0), val: cfieldHdr{I32, 1, false}},
		{name: "field/string 16 after 1", want: hx(0xf8), write: func(b []byte) int { return p.WriteFieldBegin(b, STRING, 16, 1) }, read: readField(1), val: cfieldHdr{STRING, 16, false}},
		{name: "field/struct 20 after 1 (long)", want: hx(0x0c, 0x28), write: func(b []byte) int { return p.WriteFieldBegin(b, STRUCT, 20, 1) }, read: readField(1), val: cfieldHdr{STRUCT, 20, false}},
		{name: "field/i64 3 after 5 (long)", want: hx(0x06, 0x06), write: func(b []byte) int { return p.WriteFieldBegin(b, I64, 3, 5) }, read: readField(5), val: cfieldHdr{I64, 3, false}},
		{name: "field/list -1 (long)", want: hx(0x09, 0x01), write: func(b []byte) int { return p.WriteFieldBegin(b, LIST, -1, 0) }, read: readField(0), val: cfieldHdr{LIST, -1, false}},
		{name: "field/double 1000 (long)", want: hx(0x07, 0xd0, 0x0f), write: func(b []byte) int { return p.WriteFieldBegin(b, DOUBLE, 1000, 0) }, read: readField(0), val: cfieldHdr{DOUBLE, 1000, false}},
		{name: "field/map same id (long)", want: hx(0x0b, 0x04), write: func(b []byte) int { return p.WriteFieldBegin(b, MAP, 2, 2) }, read: readField(2), val: cfieldHdr{MAP, 2, false}},
		{name: "field/set uuid byte i16", want: hx(0x1a), write: func(b []byte) int { return p.WriteFieldBegin(b, SET, 4, 3) }, read: readField(3), val: cfieldHdr{SET, 4, false}},
		{name: "field/uuid", want: hx(0x1d), write: func(b []byte) int { return p.WriteFieldBegin(b, TUUID, 1, 0) }, read: readField(0), val: cfieldHdr{TUUID, 1, false}},
		{name: "field/byte", want: hx(0x13), write: func(b []byte) int { return p.WriteFieldBegin(b, I08, 1, 0) }, read: readField(0), val: cfieldHdr{I08, 1, false}},
		{name: "field/i16", want: hx(0x14), write: func(b []byte) int { return p.WriteFieldBegin(b, I16, 1, 0) }, read: readField(0), val: cfieldHdr{I16, 1, false}},
		{name: "field/bool true", want: hx(0x11), write: func(b []byte) int { return p.WriteBoolField(b, 1, 0, true) }, read: readField(0), val: cfieldHdr{BOOL, 1, true}},
		{name: "field/bool false", want: hx(0x22), write: func(b []byte) int { return p.WriteBoolField(b, 3, 1, false) }, read: readField(1), val: cfieldHdr{BOOL, 3, false}},
		{name: "field/bool true long", want: hx(0x01, 0x40), write: func(b []byte) int { return p.WriteBoolField(b, 32, 0, true) }, read: readField(0), val: cfieldHdr{BOOL, 32, true}},
		{name: "field/stop", want: hx(0x00), write: p.WriteFieldStop, read: readField(7), val: cfieldHdr{STOP, 0, false}},
		// Lists: sssstttt, long form 1111tttt + varint size.
		{name: "list/i32x3", want: hx(0x35, 2, 4, 6), write: func(b []byte) int {
			n := p.WriteListBegin(b, I32, 3)
			for _, v := range []int32{1, 2, 3} {
				n += p.WriteI32(b[n:], v)
			}
			return n
		}, read: readList, val: listHdr{I32, 3}, n: 1},
		{name: "list/empty string", want: hx(0x08), write: func(b []byte) int { return p.WriteListBegin(b, STRING, 0) }, read: readList, val: listHdr{STRING, 0}},
		{name: "list/bool x1", want: hx(0x11, 0x01), write: func(b []byte) int { n := p.WriteListBegin(b, BOOL, 1); return n + p.WriteBool(b[n:], true) }, read: readList, val: listHdr{BOOL, 1}, n: 1},
		{name: "list/byte x15 (long)", want: hx(0xf3, 0x0f, fifteen), write: func(b []byte) int { n := p.WriteListBegin(b, I08, 15); return n + copy(b[n:], fifteen) },
			read: readList, val: listHdr{I08, 15}, n: 2},
		{name: "set/i64 x14", want: hx(0xe6, bytes.Repeat([]byte{2}, 14)), write: func(b []byte) int {
			n := p.WriteSetBegin(b, I64, 14)
			for range 14 {
				n += p.WriteI64(b[n:], 1)
			}
			return n
		}, read: func(b []byte) (any, int, error) { e, s, n, err := p.ReadSetBegin(b); return listHdr{e, s}, n, err }, val: listHdr{I64, 14}, n: 1},
		// Maps: varint size + kkkkvvvv; empty map is a single 0x00.
		{name: "map/empty", want: hx(0x00), write: func(b []byte) int { return p.WriteMapBegin(b, STRING, I32, 0) }, read: readMap, val: mapHdr{STOP, STOP, 0}},
		{name: "map/string-i32 x1", want: hx(0x01, 0x85, 0x01, "a", 0x0e), write: func(b []byte) int {
			n := p.WriteMapBegin(b, STRING, I32, 1)
			n += p.WriteString(b[n:], "a")
			return n + p.WriteI32(b[n:], 7)
		}, read: readMap, val: mapHdr{STRING, I32, 1}, n: 2},
		// Messages: 0x82, mmmvvvvv, varint seqid, varint name length, name.
		{name: "message/call", want: hx(0x82, 0x21, 0x01, 0x03, "foo"), write: func(b []byte) int { return p.WriteMessageBegin(b, "foo", CALL, 1) }, read: readMsg, val: msgHdr{"foo", CALL, 1}},
		{name: "message/reply", want: hx(0x82, 0x41, 0xac, 0x02, 0x01, "x"), write: func(b []byte) int { return p.WriteMessageBegin(b, "x", REPLY, 300) }, read: readMsg, val: msgHdr{"x", REPLY, 300}},
		{name: "message/oneway seq -1", want: hx(0x82, 0x81, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00), write: func(b []byte) int { return p.WriteMessageBegin(b, "", ONEWAY, -1) },
			read: readMsg, val: msgHdr{"", ONEWAY, -1}},
		{name: "message/exception", want: hx(0x82, 0x61, 0x00, 0x02, "ab"), write: func(b []byte) int { return p.WriteMessageBegin(b, "ab", EXCEPTION, 0) }, read: readMsg, val: msgHdr{"ab", EXCEPTION, 0}},
	}
	runVectors(t, vs)
}

func TestCompactLengths(t *testing.T) {
	p := Compact
	rng := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, 16)
	i64s := []int64{0, 1, -1, 63, -64, 64, -65, 8191, 8192, math.MaxInt32, math.MinInt32, math.MaxInt64, math.MinInt64}
	for range 2000 {
		i64s = append(i64s, rng.Int64()>>rng.IntN(64))
	}
	for _, v := range i64s {
		if n := p.WriteI64(b, v); n != p.I64Length(v) {
			t.Fatalf("I64Length(%d) = %d, wrote %d", v, p.I64Length(v), n)
		}
		if got, n, err := p.ReadI64(b); got != v || n != p.I64Length(v) || err != nil {
			t.Fatalf("ReadI64 of %d = %d %d %v", v, got, n, err)
		}
		v32 := int32(v)
		if n := p.WriteI32(b, v32); n != p.I32Length(v32) {
			t.Fatalf("I32Length(%d) = %d, wrote %d", v32, p.I32Length(v32), n)
		}
		if got, n, err := p.ReadI32(b); got != v32 || n != p.I32Length(v32) || err != nil {
			t.Fatalf("ReadI32 of %d = %d %d %v", v32, got, n, err)
		}
		v16 := int16(v)
		if n := p.WriteI16(b, v16); n != p.I16Length(v16) {
			t.Fatalf("I16Length(%d) = %d, wrote %d", v16, p.I16Length(v16), n)
		}
		if got, _, err := p.ReadI16(b); got != v16 || err != nil {
			t.Fatalf("ReadI16 of %d = %d %v", v16, got, err)
		}
	}
	for _, size := range []int{0, 1, 14, 15, 127, 128, 16383, 16384, 1 << 30} {
		if n := p.WriteListBegin(b, I32, size); n != p.ListBeginLength(size) {
			t.Errorf("ListBeginLength(%d) = %d, wrote %d", size, p.ListBeginLength(size), n)
		}
		if n := p.WriteMapBegin(b, I32, I32, size); n != p.MapBeginLength(size) {
			t.Errorf("MapBeginLength(%d) = %d, wrote %d", size, p.MapBeginLength(size), n)
		}
	}
	for _, c := range []struct{ id, last int16 }{{1, 0}, {15, 0}, {16, 0}, {0, 0}, {-1, 0}, {1, 2}, {math.MaxInt16, 0}, {math.MinInt16, 0}, {20, 5}} {
		if n := p.WriteFieldBegin(b, I32, c.id, c.last); n != p.FieldBeginLength(c.id, c.last) {
			t.Errorf("FieldBeginLength(%d, %d) = %d, wrote %d", c.id, c.last, p.FieldBeginLength(c.id, c.last), n)
		}
		_, id, _, _, err := p.ReadFieldBegin(b, c.last)
		if err != nil || id != c.id {
			t.Errorf("field %d after %d read back as %d, %v", c.id, c.last, id, err)
		}
		if n := p.WriteBoolField(b, c.id, c.last, true); n != p.FieldBeginLength(c.id, c.last) {
			t.Errorf("bool field (%d, %d): wrote %d", c.id, c.last, n)
		}
	}
	for _, s := range []string{"", "a", string(make([]byte, 127)), string(make([]byte, 128)), string(make([]byte, 20000))} {
		if p.StringLength(s) != p.BinaryLength([]byte(s)) || p.StringLength(s) != p.WriteString(make([]byte, len(s)+5), s) {
			t.Errorf("StringLength(len %d) = %d", len(s), p.StringLength(s))
		}
	}
	for _, c := range []struct {
		name string
		seq  int32
	}{{"", 0}, {"foo", 1}, {"x", -1}, {string(make([]byte, 300)), 1 << 20}} {
		if n := p.WriteMessageBegin(make([]byte, 400), c.name, CALL, c.seq); n != p.MessageBeginLength(c.name, c.seq) {
			t.Errorf("MessageBeginLength(len %d, %d) = %d, wrote %d", len(c.name), c.seq, p.MessageBeginLength(c.name, c.seq), n)
		}
	}
}

func TestCompactBadInput(t *testing.T) {
	p := Compact
	i32 := func(b []byte) error { _, _, err := p.ReadI32(b); return err }
	i64 := func(b []byte) error { _, _, err := p.ReadI64(b); return err }
	i16 := func(b []byte) error { _, _, err := p.ReadI16(b); return err }
	str := func(b []byte) error { _, _, err := p.ReadString(b); return err }
	list := func(b []byte) error { _, _, _, err := p.ReadListBegin(b); return err }
	mp := func(b []byte) error { _, _, _, _, err := p.ReadMapBegin(b); return err }
	msg := func(b []byte) error { _, _, _, _, err := p.ReadMessageBegin(b); return err }
	field := func(b []byte) error { _, _, _, _, err := p.ReadFieldBegin(b, 0); return err }
	tests := []struct {
		name string
		in   []byte
		read func([]byte) error
		want error
	}{
		{"i32/6 bytes", hx(0x80, 0x80, 0x80, 0x80, 0x80, 0x00), i32, ErrBadVarint},
		{"i32/overflow 5th byte", hx(0xff, 0xff, 0xff, 0xff, 0x10), i32, ErrBadVarint},
		{"i32/truncated", hx(0x80, 0x80), i32, ErrTruncated},
		{"i64/11 bytes", hx(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00), i64, ErrBadVarint},
		{"i64/overflow 10th byte", hx(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02), i64, ErrBadVarint},
		{"i16/overflow", hx(0x80, 0x80, 0x04), i16, ErrBadVarint},
		{"string/beyond input", hx(0x05, "abc"), str, ErrTruncated},
		{"string/beyond limit", hx(0x81, 0x80, 0x80, 0x20), str, ErrTooLarge},
		{"string/bad varint", hx(0xff, 0xff, 0xff, 0xff, 0xff, 0x01), str, ErrBadVarint},
		{"list/beyond input", hx(0x25, 0x02), list, ErrTruncated},
		{"list/long beyond input", hx(0xf5, 0x80, 0x01, 0x02), list, ErrTruncated},
		{"list/long huge", hx(0xf5, 0xff, 0xff, 0xff, 0xff, 0x0f), list, ErrNegativeSize},
		{"list/bad type 14", hx(0x1e, 0), list, ErrBadType},
		{"list/type 0", hx(0x10, 0x00), list, ErrBadType},
		{"map/beyond input", hx(0x02, 0x55, 0x02, 0x02), mp, ErrTruncated},
		{"map/missing type byte", hx(0x01), mp, ErrTruncated},
		{"map/bad key type", hx(0x01, 0xe5, 0, 0), mp, ErrBadType},
		{"map/bad value type", hx(0x01, 0x5f, 0, 0), mp, ErrBadType},
		{"bool/bad byte", hx(0x03), func(b []byte) error { _, _, err := p.ReadBool(b); return err }, ErrBadValue},
		{"message/bad protocol id", hx(0x80, 0x21, 0, 0), msg, ErrBadVersion},
		{"message/bad version", hx(0x82, 0x22, 0, 0), msg, ErrBadVersion},
		{"message/bad type", hx(0x82, 0xa1, 0, 0), msg, ErrBadValue},
		{"message/name beyond input", hx(0x82, 0x21, 0, 0x05, "ab"), msg, ErrTruncated},
		{"message/seqid overflow", hx(0x82, 0x21, 0xff, 0xff, 0xff, 0xff, 0xff, 0), msg, ErrBadVarint},
		{"field/bad type", hx(0x1e), field, ErrBadType},
		{"field/type 0 with delta", hx(0x10), field, ErrBadType},
		{"field/long id overflow", hx(0x05, 0x80, 0x80, 0x04), field, ErrBadVarint},
		{"field/long id truncated", hx(0x05, 0x80), field, ErrTruncated},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.read(tc.in)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			var pe *ProtocolError
			if !errors.As(err, &pe) || pe.Proto != "compact" {
				t.Fatalf("err %v is not a compact *ProtocolError", err)
			}
		})
	}
}

func TestCompactBoolReadsZeroAsFalse(t *testing.T) {
	v, n, err := Compact.ReadBool([]byte{0})
	if v || n != 1 || err != nil {
		t.Fatalf("ReadBool(0) = %v %d %v", v, n, err)
	}
}
