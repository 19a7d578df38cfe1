package thrift

import (
	"encoding/binary"
	"math"

	"github.com/kestrel-rpc/kestrel/internal/unsafex"
)

// BinaryProtocol is the Thrift Binary protocol over []byte. Use the Binary value; the type has no state.
//
// Writers do no bounds checks beyond Go's own: the caller sizes b with the Length functions and
// constants, and a short b panics like any slice index. Readers check every length against len(b) and
// the limits, and return (value, bytes consumed, error) with a *ProtocolError on bad input.
type BinaryProtocol struct{}

// Binary is the Binary protocol.
var Binary BinaryProtocol

const (
	binaryVersion1    = 0x80010000
	binaryVersionMask = 0xffff0000
	proBinary         = "binary"
)

// WriteMessageBegin writes a strict message header (0x80 0x01 0x00 type, name, seqid) and returns its
// size, MessageBeginLength(name).
func (BinaryProtocol) WriteMessageBegin(b []byte, name string, t MessageType, seq int32) int {
	_ = b[8+len(name)-1+4]
	binary.BigEndian.PutUint32(b, binaryVersion1|uint32(t))
	binary.BigEndian.PutUint32(b[4:], uint32(len(name)))
	n := 8 + copy(b[8:], name)
	binary.BigEndian.PutUint32(b[n:], uint32(seq))
	return n + 4
}

// MessageBeginLength returns the size of a strict message header for name.
func (BinaryProtocol) MessageBeginLength(name string) int { return 12 + len(name) }

// ReadMessageBegin reads a strict or non-strict message header. The name is a copy.
func (BinaryProtocol) ReadMessageBegin(b []byte) (name string, t MessageType, seq int32, n int, err error) {
	s, e, t, seq, n, err := binaryMessageBegin(b)
	if err != nil {
		return "", 0, 0, 0, err
	}
	return string(b[s:e]), t, seq, n, nil
}

// ReadMessageBeginNocopy is ReadMessageBegin with a name that aliases b instead of being copied, so a
// server can look up the method without allocating. b must not change while the name is in use.
func (BinaryProtocol) ReadMessageBeginNocopy(b []byte) (name string, t MessageType, seq int32, n int, err error) {
	s, e, t, seq, n, err := binaryMessageBegin(b)
	if err != nil {
		return "", 0, 0, 0, err
	}
	return unsafex.BytesToString(b[s:e]), t, seq, n, nil
}

// binaryMessageBegin parses a message header and returns the name's bounds in b.
func binaryMessageBegin(b []byte) (s, e int, t MessageType, seq int32, n int, err error) {
	if len(b) < 4 {
		return 0, 0, 0, 0, 0, errTruncated(proBinary, "message header", 0, 4, len(b))
	}
	v := int32(binary.BigEndian.Uint32(b))
	if v < 0 { // strict
		if uint32(v)&binaryVersionMask != binaryVersion1 {
			return 0, 0, 0, 0, 0, newError(proBinary, "message header", 0, ErrBadVersion,
				"version word 0x"+hex32(uint32(v)))
		}
		t = MessageType(v & 0xff)
		if t < CALL || t > ONEWAY {
			return 0, 0, 0, 0, 0, errMessageType(proBinary, 3, t)
		}
		if s, e, err = nameBounds(b, 4); err != nil {
			return 0, 0, 0, 0, 0, err
		}
		if len(b)-e < 4 {
			return 0, 0, 0, 0, 0, errTruncated(proBinary, "message seqid", e, 4, len(b)-e)
		}
		return s, e, t, int32(binary.BigEndian.Uint32(b[e:])), e + 4, nil
	}
	// Non-strict: name length (≥ 0), name, type byte, seqid.
	if s, e, err = nameBounds(b, 0); err != nil {
		return 0, 0, 0, 0, 0, err
	}
	if len(b)-e < 5 {
		return 0, 0, 0, 0, 0, errTruncated(proBinary, "message type and seqid", e, 5, len(b)-e)
	}
	t = MessageType(b[e])
	if t < CALL || t > ONEWAY {
		return 0, 0, 0, 0, 0, errMessageType(proBinary, e, t)
	}
	return s, e, t, int32(binary.BigEndian.Uint32(b[e+1:])), e + 5, nil
}

// nameBounds reads the message name's i32 length at b[off:] and returns the name's bounds.
func nameBounds(b []byte, off int) (int, int, error) {
	if len(b)-off < 4 {
		return 0, 0, errTruncated(proBinary, "message name length", off, 4, len(b)-off)
	}
	l := int32(binary.BigEndian.Uint32(b[off:]))
	rest := len(b) - off - 4
	if l < 0 || int(l) > rest || l > MaxStringLen {
		return 0, 0, errSize(proBinary, "message name length", off, int64(l), rest, true)
	}
	return off + 4, off + 4 + int(l), nil
}

// WriteFieldBegin writes a field header (type, id): 3 bytes.
func (BinaryProtocol) WriteFieldBegin(b []byte, t TType, id int16) int {
	_ = b[2]
	b[0] = byte(t)
	binary.BigEndian.PutUint16(b[1:], uint16(id))
	return 3
}

// WriteFieldStop writes the STOP byte that ends a struct: 1 byte.
func (BinaryProtocol) WriteFieldStop(b []byte) int {
	b[0] = byte(STOP)
	return 1
}

// WriteBool writes v as one byte, 1 or 0.
func (BinaryProtocol) WriteBool(b []byte, v bool) int {
	if v {
		b[0] = 1
	} else {
		b[0] = 0
	}
	return 1
}

// WriteI8 writes v (Thrift's i8, also called byte): 1 byte. It is not called WriteByte because go vet
// expects io.ByteWriter's signature from a method of that name.
func (BinaryProtocol) WriteI8(b []byte, v int8) int {
	b[0] = byte(v)
	return 1
}

// WriteI16 writes v big-endian: 2 bytes.
func (BinaryProtocol) WriteI16(b []byte, v int16) int {
	binary.BigEndian.PutUint16(b, uint16(v))
	return 2
}

// WriteI32 writes v big-endian: 4 bytes.
func (BinaryProtocol) WriteI32(b []byte, v int32) int {
	binary.BigEndian.PutUint32(b, uint32(v))
	return 4
}

// WriteI64 writes v big-endian: 8 bytes.
func (BinaryProtocol) WriteI64(b []byte, v int64) int {
	binary.BigEndian.PutUint64(b, uint64(v))
	return 8
}

// WriteDouble writes v's IEEE 754 bits big-endian: 8 bytes.
func (BinaryProtocol) WriteDouble(b []byte, v float64) int {
	binary.BigEndian.PutUint64(b, math.Float64bits(v))
	return 8
}

// WriteUUID writes v's 16 bytes.
func (BinaryProtocol) WriteUUID(b []byte, v UUID) int {
	_ = b[15]
	copy(b, v[:])
	return 16
}

// WriteString writes v's length (i32) and bytes: StringLength(v) bytes.
func (BinaryProtocol) WriteString(b []byte, v string) int {
	binary.BigEndian.PutUint32(b, uint32(len(v)))
	return 4 + copy(b[4:], v)
}

// WriteBinary writes v's length (i32) and bytes: BinaryLength(v) bytes.
func (BinaryProtocol) WriteBinary(b []byte, v []byte) int {
	binary.BigEndian.PutUint32(b, uint32(len(v)))
	return 4 + copy(b[4:], v)
}

// WriteStringNocopy writes v like WriteString, except that when w != nil and len(v) ≥ NocopyThreshold
// it writes only the length prefix and links v's bytes with w.WriteDirect(v, len(b)-4), returning 4.
// v must then stay unchanged until the stream has been written out. b needs StringLengthNocopy(v)
// bytes. If WriteDirect fails, v is copied when b has room for it (it was sized with StringLength),
// else left out (see NocopyCodec for how the caller learns of it); 4 is returned then too.
func (p BinaryProtocol) WriteStringNocopy(b []byte, w NocopyWriter, v string) int {
	if w == nil || len(v) < NocopyThreshold {
		return p.WriteString(b, v)
	}
	return p.WriteBinaryNocopy(b, w, unsafex.StringToBytes(v))
}

// WriteBinaryNocopy is WriteStringNocopy for a []byte. v must stay unchanged until written out.
func (BinaryProtocol) WriteBinaryNocopy(b []byte, w NocopyWriter, v []byte) int {
	binary.BigEndian.PutUint32(b, uint32(len(v)))
	if w != nil && len(v) >= NocopyThreshold {
		if w.WriteDirect(v, len(b)-4) == nil || len(b)-4 < len(v) {
			return 4
		}
	}
	return 4 + copy(b[4:], v)
}

// StringLengthNocopy returns the bytes WriteStringNocopy writes into its buffer, given a writer: 4 for
// a string it links (len(v) ≥ NocopyThreshold), else StringLength(v).
func (BinaryProtocol) StringLengthNocopy(v string) int {
	if len(v) >= NocopyThreshold {
		return 4
	}
	return 4 + len(v)
}

// BinaryLengthNocopy is StringLengthNocopy for a []byte.
func (BinaryProtocol) BinaryLengthNocopy(v []byte) int {
	if len(v) >= NocopyThreshold {
		return 4
	}
	return 4 + len(v)
}

// WriteListBegin writes a list header (element type, i32 size): 5 bytes.
func (BinaryProtocol) WriteListBegin(b []byte, elem TType, size int) int {
	_ = b[4]
	b[0] = byte(elem)
	binary.BigEndian.PutUint32(b[1:], uint32(size))
	return 5
}

// WriteSetBegin writes a set header, the same as a list header: 5 bytes.
func (p BinaryProtocol) WriteSetBegin(b []byte, elem TType, size int) int {
	return p.WriteListBegin(b, elem, size)
}

// WriteMapBegin writes a map header (key type, value type, i32 size): 6 bytes.
func (BinaryProtocol) WriteMapBegin(b []byte, k, v TType, size int) int {
	_ = b[5]
	b[0] = byte(k)
	b[1] = byte(v)
	binary.BigEndian.PutUint32(b[2:], uint32(size))
	return 6
}

// StringLength returns the encoded size of v: 4 + len(v).
func (BinaryProtocol) StringLength(v string) int { return 4 + len(v) }

// BinaryLength returns the encoded size of v: 4 + len(v).
func (BinaryProtocol) BinaryLength(v []byte) int { return 4 + len(v) }

// ReadFieldBegin reads a field header. For STOP it returns t == STOP, id 0 and n == 1. The type is not
// validated here: generated code skips fields it does not know with Skip, which rejects bad types.
func (BinaryProtocol) ReadFieldBegin(b []byte) (t TType, id int16, n int, err error) {
	if len(b) >= 3 && b[0] != byte(STOP) {
		return TType(b[0]), int16(binary.BigEndian.Uint16(b[1:])), 3, nil
	}
	if len(b) > 0 && b[0] == byte(STOP) {
		return STOP, 0, 1, nil
	}
	return 0, 0, 0, errBinaryFieldHeader
}

// Prebuilt errors for the readers that must stay small enough to inline (a call to an error
// constructor alone would exceed the inlining budget). They are never modified; withOffset copies.
var (
	errBinaryFieldHeader = &ProtocolError{Proto: proBinary, What: "field header", Detail: "input ends inside it", Err: ErrTruncated}
	errBinaryDouble      = &ProtocolError{Proto: proBinary, What: "double", Detail: "need 8 bytes", Err: ErrTruncated}
	errBinaryUUID        = &ProtocolError{Proto: proBinary, What: "uuid", Detail: "need 16 bytes", Err: ErrTruncated}
)

// ReadBool reads one byte: nonzero is true.
func (BinaryProtocol) ReadBool(b []byte) (bool, int, error) {
	if len(b) < 1 {
		return false, 0, errTruncated(proBinary, "bool", 0, 1, 0)
	}
	return b[0] != 0, 1, nil
}

// ReadI8 reads Thrift's i8 (byte).
func (BinaryProtocol) ReadI8(b []byte) (int8, int, error) {
	if len(b) < 1 {
		return 0, 0, errTruncated(proBinary, "byte", 0, 1, 0)
	}
	return int8(b[0]), 1, nil
}

// ReadI16 reads a big-endian i16.
func (BinaryProtocol) ReadI16(b []byte) (int16, int, error) {
	if len(b) < 2 {
		return 0, 0, errTruncated(proBinary, "i16", 0, 2, len(b))
	}
	return int16(binary.BigEndian.Uint16(b)), 2, nil
}

// ReadI32 reads a big-endian i32.
func (BinaryProtocol) ReadI32(b []byte) (int32, int, error) {
	if len(b) < 4 {
		return 0, 0, errTruncated(proBinary, "i32", 0, 4, len(b))
	}
	return int32(binary.BigEndian.Uint32(b)), 4, nil
}

// ReadI64 reads a big-endian i64.
func (BinaryProtocol) ReadI64(b []byte) (int64, int, error) {
	if len(b) < 8 {
		return 0, 0, errTruncated(proBinary, "i64", 0, 8, len(b))
	}
	return int64(binary.BigEndian.Uint64(b)), 8, nil
}

// ReadDouble reads a big-endian IEEE 754 double.
func (BinaryProtocol) ReadDouble(b []byte) (float64, int, error) {
	if len(b) < 8 {
		return 0, 0, errBinaryDouble
	}
	return math.Float64frombits(binary.BigEndian.Uint64(b)), 8, nil
}

// ReadUUID reads 16 bytes.
func (BinaryProtocol) ReadUUID(b []byte) (UUID, int, error) {
	var u UUID
	if len(b) < 16 {
		return u, 0, errBinaryUUID
	}
	copy(u[:], b)
	return u, 16, nil
}

// ReadString reads an i32 length and that many bytes, copied into a new string. The length must be
// within 0..MaxStringLen and the remaining input.
func (BinaryProtocol) ReadString(b []byte) (string, int, error) {
	if len(b) >= 4 {
		if l := binary.BigEndian.Uint32(b); l <= uint32(len(b)-4) && l <= MaxStringLen {
			return string(b[4 : 4+l]), 4 + int(l), nil
		}
	}
	return "", 0, errLength(b, "string length")
}

// ReadBinary reads an i32 length and that many bytes into a new slice (it never aliases b). An empty
// binary reads as a non-nil empty slice.
func (BinaryProtocol) ReadBinary(b []byte) ([]byte, int, error) {
	if len(b) >= 4 {
		if l := binary.BigEndian.Uint32(b); l <= uint32(len(b)-4) && l <= MaxStringLen {
			src := b[4 : 4+l]
			v := make([]byte, len(src)) // make+copy of len(src): one pass, no zeroing first
			copy(v, src)
			return v, 4 + int(l), nil
		}
	}
	return nil, 0, errLength(b, "binary length")
}

// errLength explains why the i32 length prefix at the start of b was refused.
//
//go:noinline
func errLength(b []byte, what string) error {
	if len(b) < 4 {
		return errTruncated(proBinary, what, 0, 4, len(b))
	}
	return errSize(proBinary, what, 0, int64(int32(binary.BigEndian.Uint32(b))), len(b)-4, true)
}

// ReadListBegin reads a list header. The size must be within 0..len(b)-5 (every element takes at least
// one byte) and, for a non-empty list, the element type a data type (an empty list's type is not
// checked, as in Apache Thrift).
func (BinaryProtocol) ReadListBegin(b []byte) (elem TType, size int, n int, err error) {
	return readListHeader(b, "list")
}

// ReadSetBegin reads a set header, like ReadListBegin.
func (BinaryProtocol) ReadSetBegin(b []byte) (elem TType, size int, n int, err error) {
	return readListHeader(b, "set")
}

func readListHeader(b []byte, what string) (TType, int, int, error) {
	if len(b) < 5 {
		return 0, 0, 0, errTruncated(proBinary, what+" header", 0, 5, len(b))
	}
	size := int32(binary.BigEndian.Uint32(b[1:]))
	if size < 0 || int(size) > len(b)-5 {
		return 0, 0, 0, errSize(proBinary, what+" size", 1, int64(size), len(b)-5, false)
	}
	if size > 0 && !validData[b[0]] {
		return 0, 0, 0, errType(proBinary, what+" element type", 0, b[0])
	}
	return TType(b[0]), int(size), 5, nil
}

// ReadMapBegin reads a map header. Key and value types must be data types (for an empty map they may be
// anything: some writers leave them 0), and the size within 0..(len(b)-6)/2.
func (BinaryProtocol) ReadMapBegin(b []byte) (k, v TType, size int, n int, err error) {
	if len(b) < 6 {
		return 0, 0, 0, 0, errTruncated(proBinary, "map header", 0, 6, len(b))
	}
	s := int32(binary.BigEndian.Uint32(b[2:]))
	if s < 0 || int(s) > (len(b)-6)/2 {
		return 0, 0, 0, 0, errSize(proBinary, "map size", 2, int64(s), len(b)-6, false)
	}
	if s > 0 {
		if !validData[b[0]] {
			return 0, 0, 0, 0, errType(proBinary, "map key type", 0, b[0])
		}
		if !validData[b[1]] {
			return 0, 0, 0, 0, errType(proBinary, "map value type", 1, b[1])
		}
	}
	return TType(b[0]), TType(b[1]), int(s), 6, nil
}

func hex32(v uint32) string {
	const digits = "0123456789abcdef"
	var buf [8]byte
	for i := 7; i >= 0; i-- {
		buf[i] = digits[v&0xf]
		v >>= 4
	}
	return string(buf[:])
}
