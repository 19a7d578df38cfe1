package thrift

import (
	"errors"
	"testing"
)

func TestApplicationExceptionWire(t *testing.T) {
	e := NewApplicationException(UnknownMethod, "no such method: Foo")
	// Binary: field 2 (i32) first, then field 1 (string), then STOP.
	wantBinary := hx(8, 0, 2, 0, 0, 0, 1, 11, 0, 1, 0, 0, 0, 19, "no such method: Foo", 0)
	b := make([]byte, e.BLength())
	if n := e.FastWrite(b); n != len(wantBinary) || string(b) != string(wantBinary) {
		t.Fatalf("FastWrite = % x, want % x", b[:n], wantBinary)
	}
	if a := e.FastAppend([]byte{9}); string(a) != "\x09"+string(wantBinary) {
		t.Fatalf("FastAppend = % x, want 09 % x", a, wantBinary)
	}
	// Compact: field 1 (0x18), string, field 2 (0x15), zigzag 1 = 0x02, STOP.
	wantCompact := hx(0x18, 19, "no such method: Foo", 0x15, 0x02, 0)
	c := make([]byte, e.CompactLength())
	if n := e.CompactWrite(c); n != len(wantCompact) || string(c) != string(wantCompact) {
		t.Fatalf("CompactWrite = % x, want % x", c[:n], wantCompact)
	}
	var got ApplicationException
	if n, err := got.FastRead(wantBinary); err != nil || n != len(wantBinary) || got != *e {
		t.Fatalf("FastRead = %+v %d %v", got, n, err)
	}
	got = ApplicationException{Message: "stale", Type: 99}
	if n, err := got.CompactRead(wantCompact); err != nil || n != len(wantCompact) || got != *e {
		t.Fatalf("CompactRead = %+v %d %v", got, n, err)
	}
	// Field order does not matter on read, and unknown or mistyped fields are skipped. This is what
	// KiteX sends for an unknown method: {1: "unknown service , method x", 2: 20}.
	kitex := hx(11, 0, 1, 0, 0, 0, 1, "m", 8, 0, 2, 0, 0, 0, 20, 10, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 8, 0, 1, 0, 0, 0, 0, 0)
	if _, err := got.FastRead(kitex); err != nil || got.Message != "m" || got.Type != 20 {
		t.Fatalf("FastRead(kitex) = %+v %v", got, err)
	}
	compactExtra := hx(0x11, 0x17, 0, 0, 0, 0, 0, 0, 0, 0, 0x0c, 0x10, 0x15, 0x28, 0x00, 0x08, 0x02, 0x01, "m", 0)
	if _, err := got.CompactRead(compactExtra); err != nil || got.Message != "m" || got.Type != 0 {
		t.Fatalf("CompactRead(extra) = %+v %v", got, err)
	}
	// Truncations are errors.
	for i := range len(wantBinary) {
		if _, err := got.FastRead(wantBinary[:i]); !errors.Is(err, ErrTruncated) {
			t.Fatalf("FastRead prefix %d: %v", i, err)
		}
	}
	for i := range len(wantCompact) {
		if _, err := got.CompactRead(wantCompact[:i]); !errors.Is(err, ErrTruncated) {
			t.Fatalf("CompactRead prefix %d: %v", i, err)
		}
	}
}

func TestApplicationExceptionStrings(t *testing.T) {
	tests := []struct {
		e         *ApplicationException
		str, err_ string
	}{
		{NewApplicationException(UnknownMethod, "no Foo"), "ApplicationException(unknown method): no Foo", "no Foo"},
		{NewApplicationException(InternalError, ""), "ApplicationException(internal error): ", "ApplicationException(internal error): "},
		{NewApplicationException(20, "kitex"), "ApplicationException(type 20): kitex", "kitex"},
		{NewApplicationException(-1, ""), "ApplicationException(type -1): ", "ApplicationException(type -1): "},
	}
	for _, tc := range tests {
		if tc.e.String() != tc.str || tc.e.Error() != tc.err_ {
			t.Errorf("String %q Error %q; want %q %q", tc.e.String(), tc.e.Error(), tc.str, tc.err_)
		}
	}
	if NewApplicationException(BadSequenceID, "x").TypeID() != 4 {
		t.Error("TypeID")
	}
}

func TestFieldErrors(t *testing.T) {
	err := NewRequiredFieldError("User", "ID")
	if err.Error() != "thrift: required field User.ID is not set" || !errors.Is(err, ErrMissingRequired) {
		t.Fatalf("%v", err)
	}
	err = NewUnionError("Shape", 2)
	if err.Error() != "thrift: union Shape has 2 fields set, want exactly one" || !errors.Is(err, ErrBadUnion) {
		t.Fatalf("%v", err)
	}
	var coded interface{ TypeID() int32 }
	if !errors.As(err, &coded) || coded.TypeID() != ProtocolErrorType {
		t.Fatal("union error has no TypeID")
	}
}

func TestTypeNames(t *testing.T) {
	if TUUID.String() != "UUID" || I08.String() != "I08" || TType(99).String() != "TType(99)" || TType(5).String() != "TType(5)" {
		t.Errorf("TType names: %v %v %v %v", TUUID, I08, TType(99), TType(5))
	}
	if CALL.String() != "CALL" || MessageType(9).String() != "MessageType(9)" {
		t.Error("MessageType names")
	}
}

func TestServiceInfoMethod(t *testing.T) {
	s := &ServiceInfo{Name: "Echo", Methods: []MethodInfo{{Name: "a"}, {Name: "b", Oneway: true}}}
	if m := s.Method("b"); m == nil || !m.Oneway {
		t.Fatal("Method(b)")
	}
	if s.Method("c") != nil {
		t.Fatal("Method(c)")
	}
}

func TestNocopyNameAndI8(t *testing.T) {
	b := make([]byte, Binary.MessageBeginLength("Echo"))
	Binary.WriteMessageBegin(b, "Echo", ONEWAY, 3)
	name, typ, seq, n, err := Binary.ReadMessageBeginNocopy(b)
	if name != "Echo" || typ != ONEWAY || seq != 3 || n != len(b) || err != nil {
		t.Fatalf("binary nocopy: %q %v %d %d %v", name, typ, seq, n, err)
	}
	b[8] = 'e' // the name aliases b
	if name != "echo" {
		t.Fatalf("binary nocopy name %q does not alias the input", name)
	}
	c := make([]byte, Compact.MessageBeginLength("Echo", 3))
	Compact.WriteMessageBegin(c, "Echo", REPLY, 3)
	name, typ, seq, n, err = Compact.ReadMessageBeginNocopy(c)
	if name != "Echo" || typ != REPLY || seq != 3 || n != len(c) || err != nil {
		t.Fatalf("compact nocopy: %q %v %d %d %v", name, typ, seq, n, err)
	}
	for _, p := range []struct {
		w func([]byte, int8) int
		r func([]byte) (int8, int, error)
	}{{Binary.WriteI8, Binary.ReadI8}, {Compact.WriteI8, Compact.ReadI8}} {
		buf := make([]byte, 1)
		if p.w(buf, -7) != 1 || buf[0] != 0xf9 {
			t.Fatalf("WriteI8 wrote % x", buf)
		}
		if v, n, err := p.r(buf); v != -7 || n != 1 || err != nil {
			t.Fatalf("ReadI8 = %d %d %v", v, n, err)
		}
	}
}
