//go:build !race

package thrift

import "testing"

// TestZeroAllocs asserts that every writer and the fixed-size readers allocate nothing.
func TestZeroAllocs(t *testing.T) {
	b := make([]byte, 1<<14)
	u := UUID{1, 2, 3}
	s := "hello, kestrel"
	bin := []byte(s)
	large := string(make([]byte, NocopyThreshold))
	i64s := make([]int64, 256)
	i32s := make([]int32, 256)
	dst := make([]int64, 256)
	w := &recWriter{calls: make([]recCall, 0, 1024)}
	bp, cp := Binary, Compact
	// Encodings to read from.
	bin64 := make([]byte, 5+8*len(i64s))
	bp.WriteI64List(bin64, i64s)
	binMsg := make([]byte, bp.MessageBeginLength("method"))
	bp.WriteMessageBegin(binMsg, "method", CALL, 9)
	cMsg := make([]byte, cp.MessageBeginLength("method", 9))
	cp.WriteMessageBegin(cMsg, "method", CALL, 9)
	cFields := []byte{0x15, 0x0c, 0x28, 0x00, 0x00} // {1: i32 6, 3: ""}
	tests := []struct {
		name string
		fn   func()
	}{
		{"binary writers", func() {
			n := bp.WriteMessageBegin(b, "method", CALL, 1)
			n += bp.WriteFieldBegin(b[n:], I64, 1)
			n += bp.WriteBool(b[n:], true)
			n += bp.WriteI8(b[n:], 1)
			n += bp.WriteI16(b[n:], 1)
			n += bp.WriteI32(b[n:], 1)
			n += bp.WriteI64(b[n:], 1)
			n += bp.WriteDouble(b[n:], 1)
			n += bp.WriteUUID(b[n:], u)
			n += bp.WriteString(b[n:], s)
			n += bp.WriteBinary(b[n:], bin)
			n += bp.WriteStringNocopy(b[n:], nil, s)
			n += bp.WriteListBegin(b[n:], I32, 3)
			n += bp.WriteSetBegin(b[n:], I32, 3)
			n += bp.WriteMapBegin(b[n:], I32, I32, 3)
			n += bp.WriteI64List(b[n:], i64s)
			n += bp.WriteI32List(b[n:], i32s)
			bp.WriteFieldStop(b[n:])
		}},
		{"binary nocopy", func() {
			w.calls = w.calls[:0]
			bp.WriteStringNocopy(b, w, large)
		}},
		{"compact writers", func() {
			n := cp.WriteMessageBegin(b, "method", CALL, 1)
			n += cp.WriteFieldBegin(b[n:], I64, 1, 0)
			n += cp.WriteBoolField(b[n:], 2, 1, true)
			n += cp.WriteBool(b[n:], true)
			n += cp.WriteI8(b[n:], 1)
			n += cp.WriteI16(b[n:], -300)
			n += cp.WriteI32(b[n:], 1<<30)
			n += cp.WriteI64(b[n:], -1<<60)
			n += cp.WriteDouble(b[n:], 1)
			n += cp.WriteUUID(b[n:], u)
			n += cp.WriteString(b[n:], s)
			n += cp.WriteBinary(b[n:], bin)
			n += cp.WriteListBegin(b[n:], I32, 300)
			n += cp.WriteSetBegin(b[n:], I32, 3)
			n += cp.WriteMapBegin(b[n:], I32, I32, 3)
			cp.WriteFieldStop(b[n:])
		}},
		{"binary fixed readers", func() {
			_, _, _, _ = bp.ReadFieldBegin(bin64)
			_, _, _ = bp.ReadBool(bin64)
			_, _, _ = bp.ReadI8(bin64)
			_, _, _ = bp.ReadI16(bin64)
			_, _, _ = bp.ReadI32(bin64)
			_, _, _ = bp.ReadI64(bin64)
			_, _, _ = bp.ReadDouble(bin64)
			_, _, _ = bp.ReadUUID(bin64)
			_, _, _, _ = bp.ReadListBegin(bin64)
			_, _, _, _ = bp.ReadSetBegin(bin64)
			_, _, _, _, _ = bp.ReadMapBegin([]byte{8, 8, 0, 0, 0, 0})
			_, _, _ = bp.ReadI64ListInto(dst, bin64)
			_, _ = bp.Skip(bin64, LIST)
		}},
		{"compact fixed readers", func() {
			_, _, _, _, _ = cp.ReadFieldBegin(cFields, 0)
			_, _, _ = cp.ReadBool(cFields[3:])
			_, _, _ = cp.ReadI8(cFields)
			_, _, _ = cp.ReadI16(cFields)
			_, _, _ = cp.ReadI32(cFields)
			_, _, _ = cp.ReadI64(cFields)
			_, _, _ = cp.ReadDouble(bin64)
			_, _, _ = cp.ReadUUID(bin64)
			_, _, _, _ = cp.ReadListBegin([]byte{0x15, 0})
			_, _, _, _, _ = cp.ReadMapBegin([]byte{0x01, 0x55, 0, 0})
			_, _ = cp.Skip(cFields, STRUCT)
		}},
		{"message headers without copying the name", func() {
			_, _, _, _, _ = bp.ReadMessageBeginNocopy(binMsg)
			_, _, _, _, _ = cp.ReadMessageBeginNocopy(cMsg)
		}},
		{"exception writers", func() {
			e := ApplicationException{Message: s, Type: 1}
			e.FastWrite(b)
			e.CompactWrite(b)
		}},
	}
	for _, tc := range tests {
		if a := testing.AllocsPerRun(100, tc.fn); a != 0 {
			t.Errorf("%s: %v allocs per run, want 0", tc.name, a)
		}
	}
}
