package thrift

import (
	"encoding/binary"
	"math"
	"math/bits"

	"github.com/kestrel-rpc/kestrel/internal/unsafex"
)

// CompactProtocol is the Thrift Compact protocol over []byte. Use the Compact value; the type has no
// state. Field ids are delta-encoded, so the field-header functions take the previous field id of the
// struct (0 at the start of a struct).
//
// Writers do no bounds checks beyond Go's own: the caller sizes b with the Length functions. Readers
// check every length and varint against len(b) and the limits, and return (value, bytes consumed, error)
// with a *ProtocolError on bad input. Varints longer than their type allows (5 bytes for 32 bits, 10 for
// 64) or carrying bits beyond it are rejected with ErrBadVarint.
type CompactProtocol struct{}

// Compact is the Compact protocol.
var Compact CompactProtocol

const (
	compactProtocolID = 0x82
	compactVersion    = 1
	compactVersionMsk = 0x1f
	proCompact        = "compact"
)

// Compact type ids.
const (
	ctStop        = 0
	ctBoolTrue    = 1
	ctBoolFalse   = 2
	ctByte        = 3
	ctI16         = 4
	ctI32         = 5
	ctI64         = 6
	ctDouble      = 7
	ctBinary      = 8
	ctList        = 9
	ctSet         = 10
	ctMap         = 11
	ctStruct      = 12
	ctUUID        = 13
	ctListLongLen = 0x0f
)

// toCompact maps a TType to its Compact id (BOOL to "true", the id container headers use).
var toCompact = [256]byte{BOOL: ctBoolTrue, I08: ctByte, I16: ctI16, I32: ctI32, I64: ctI64,
	DOUBLE: ctDouble, STRING: ctBinary, LIST: ctList, SET: ctSet, MAP: ctMap, STRUCT: ctStruct,
	TUUID: ctUUID}

// fromCompact maps a Compact id to its TType; 0 (STOP) marks ids that are not data types.
var fromCompact = [16]TType{ctBoolTrue: BOOL, ctBoolFalse: BOOL, ctByte: I08, ctI16: I16, ctI32: I32,
	ctI64: I64, ctDouble: DOUBLE, ctBinary: STRING, ctList: LIST, ctSet: SET, ctMap: MAP,
	ctStruct: STRUCT, ctUUID: TUUID}

func zigzag32(v int32) uint32   { return uint32(v<<1) ^ uint32(v>>31) }
func zigzag64(v int64) uint64   { return uint64(v<<1) ^ uint64(v>>63) }
func unzigzag32(u uint32) int32 { return int32(u>>1) ^ -int32(u&1) }
func unzigzag64(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

// uvarintLen returns the size of v as a ULEB128 varint.
func uvarintLen(v uint64) int { return (bits.Len64(v|1) + 6) / 7 }

func putUvarint(b []byte, v uint64) int {
	i := 0
	for v >= 0x80 {
		b[i] = byte(v) | 0x80
		v >>= 7
		i++
	}
	b[i] = byte(v)
	return i + 1
}

// uvarint32 reads a varint of at most 5 bytes whose value fits in 32 bits from b[off:].
func uvarint32(b []byte, off int, what string) (uint32, int, error) {
	if off < len(b) && len(b)-off >= 5 {
		p := b[off : off+5 : off+5]
		var v uint32
		for i, c := range p {
			v |= uint32(c&0x7f) << (7 * i)
			if c < 0x80 {
				if i == 4 && c > 0x0f {
					break
				}
				return v, i + 1, nil
			}
		}
		return 0, 0, errVarint(proCompact, what, off, 32)
	}
	return uvarint32Short(b, off, what)
}

// uvarint32Short is uvarint32 near the end of the input, where every byte is checked.
func uvarint32Short(b []byte, off int, what string) (uint32, int, error) {
	var v uint32
	for i := 0; i < 5; i++ {
		if off+i >= len(b) {
			return 0, 0, errTruncated(proCompact, what, off, i+1, i)
		}
		c := b[off+i]
		v |= uint32(c&0x7f) << (7 * i)
		if c < 0x80 {
			return v, i + 1, nil // i < 4 here: the input has fewer than 5 bytes left
		}
	}
	panic("unreachable")
}

// uvarint64 reads a varint of at most 10 bytes whose value fits in 64 bits from b[off:].
func uvarint64(b []byte, off int, what string) (uint64, int, error) {
	if off < len(b) && len(b)-off >= 10 {
		p := b[off : off+10 : off+10]
		var v uint64
		for i, c := range p {
			v |= uint64(c&0x7f) << (7 * i)
			if c < 0x80 {
				if i == 9 && c > 0x01 {
					break
				}
				return v, i + 1, nil
			}
		}
		return 0, 0, errVarint(proCompact, what, off, 64)
	}
	return uvarint64Short(b, off, what)
}

// uvarint64Short is uvarint64 near the end of the input, where every byte is checked.
func uvarint64Short(b []byte, off int, what string) (uint64, int, error) {
	var v uint64
	for i := 0; i < 10; i++ {
		if off+i >= len(b) {
			return 0, 0, errTruncated(proCompact, what, off, i+1, i)
		}
		c := b[off+i]
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			return v, i + 1, nil // i < 9 here: the input has fewer than 10 bytes left
		}
	}
	panic("unreachable")
}

//go:noinline
func errVarint(proto, what string, off, bits int) error {
	return newError(proto, what, off, ErrBadVarint, "longer than "+itoa(int64((bits+6)/7))+
		" bytes or more than "+itoa(int64(bits))+" bits")
}

// WriteMessageBegin writes a message header (0x82, type and version, varint seqid, varint name length,
// name) and returns its size, MessageBeginLength(name, seq).
func (CompactProtocol) WriteMessageBegin(b []byte, name string, t MessageType, seq int32) int {
	_ = b[1]
	b[0] = compactProtocolID
	b[1] = byte(t)<<5 | compactVersion
	n := 2 + putUvarint(b[2:], uint64(uint32(seq)))
	n += putUvarint(b[n:], uint64(len(name)))
	return n + copy(b[n:], name)
}

// MessageBeginLength returns the size of a message header.
func (CompactProtocol) MessageBeginLength(name string, seq int32) int {
	return 2 + uvarintLen(uint64(uint32(seq))) + uvarintLen(uint64(len(name))) + len(name)
}

// ReadMessageBegin reads a message header. The name is a copy.
func (CompactProtocol) ReadMessageBegin(b []byte) (name string, t MessageType, seq int32, n int, err error) {
	s, t, seq, n, err := compactMessageBegin(b)
	if err != nil {
		return "", 0, 0, 0, err
	}
	return string(b[s:n]), t, seq, n, nil
}

// ReadMessageBeginNocopy is ReadMessageBegin with a name that aliases b instead of being copied (see
// BinaryProtocol.ReadMessageBeginNocopy).
func (CompactProtocol) ReadMessageBeginNocopy(b []byte) (name string, t MessageType, seq int32, n int, err error) {
	s, t, seq, n, err := compactMessageBegin(b)
	if err != nil {
		return "", 0, 0, 0, err
	}
	return unsafex.BytesToString(b[s:n]), t, seq, n, nil
}

// compactMessageBegin parses a message header; the name is b[s:n].
func compactMessageBegin(b []byte) (s int, t MessageType, seq int32, n int, err error) {
	if len(b) < 2 {
		return 0, 0, 0, 0, errTruncated(proCompact, "message header", 0, 2, len(b))
	}
	if b[0] != compactProtocolID {
		return 0, 0, 0, 0, newError(proCompact, "message header", 0, ErrBadVersion,
			"protocol id 0x"+hex32(uint32(b[0]))[6:])
	}
	if b[1]&compactVersionMsk != compactVersion {
		return 0, 0, 0, 0, newError(proCompact, "message header", 1, ErrBadVersion,
			"version "+itoa(int64(b[1]&compactVersionMsk)))
	}
	t = MessageType(b[1] >> 5)
	if t < CALL || t > ONEWAY {
		return 0, 0, 0, 0, errMessageType(proCompact, 1, t)
	}
	u, m, err := uvarint32(b, 2, "message seqid")
	if err != nil {
		return 0, 0, 0, 0, err
	}
	n = 2 + m
	l, m, err := uvarint32(b, n, "message name length")
	if err != nil {
		return 0, 0, 0, 0, err
	}
	if uint64(l) > uint64(len(b)-n-m) || l > MaxStringLen {
		return 0, 0, 0, 0, errSize(proCompact, "message name length", n, int64(l), len(b)-n-m, true)
	}
	s = n + m
	return s, t, int32(u), s + int(l), nil
}

// WriteFieldBegin writes a field header for type t (not BOOL: use WriteBoolField) and id, given the
// previous field id lastID: one byte when 0 < id-lastID ≤ 15, else a type byte and a zigzag varint id.
func (CompactProtocol) WriteFieldBegin(b []byte, t TType, id, lastID int16) int {
	return writeFieldHeader(b, toCompact[t], id, lastID)
}

func writeFieldHeader(b []byte, ct byte, id, lastID int16) int {
	if d := int(id) - int(lastID); d > 0 && d <= 15 {
		b[0] = byte(d)<<4 | ct
		return 1
	}
	b[0] = ct
	return 1 + putUvarint(b[1:], uint64(zigzag32(int32(id))))
}

// FieldBeginLength returns the size of a field header for id after lastID (bool fields included).
func (CompactProtocol) FieldBeginLength(id, lastID int16) int {
	if d := int(id) - int(lastID); d > 0 && d <= 15 {
		return 1
	}
	return 1 + uvarintLen(uint64(zigzag32(int32(id))))
}

// WriteBoolField writes a bool field: its value lives in the header's type nibble.
func (CompactProtocol) WriteBoolField(b []byte, id, lastID int16, v bool) int {
	ct := byte(ctBoolFalse)
	if v {
		ct = ctBoolTrue
	}
	return writeFieldHeader(b, ct, id, lastID)
}

// WriteFieldStop writes the STOP byte that ends a struct: 1 byte.
func (CompactProtocol) WriteFieldStop(b []byte) int {
	b[0] = ctStop
	return 1
}

// WriteBool writes a bool container element: one byte, 1 (true) or 2 (false).
func (CompactProtocol) WriteBool(b []byte, v bool) int {
	if v {
		b[0] = ctBoolTrue
	} else {
		b[0] = ctBoolFalse
	}
	return 1
}

// WriteI8 writes v (Thrift's i8, also called byte): 1 byte.
func (CompactProtocol) WriteI8(b []byte, v int8) int {
	b[0] = byte(v)
	return 1
}

// WriteI16 writes v as a zigzag varint: I16Length(v) bytes.
func (CompactProtocol) WriteI16(b []byte, v int16) int {
	return putUvarint(b, uint64(zigzag32(int32(v))))
}

// WriteI32 writes v as a zigzag varint: I32Length(v) bytes.
func (CompactProtocol) WriteI32(b []byte, v int32) int {
	return putUvarint(b, uint64(zigzag32(v)))
}

// WriteI64 writes v as a zigzag varint: I64Length(v) bytes.
func (CompactProtocol) WriteI64(b []byte, v int64) int {
	return putUvarint(b, zigzag64(v))
}

// WriteDouble writes v's IEEE 754 bits little-endian: 8 bytes.
func (CompactProtocol) WriteDouble(b []byte, v float64) int {
	binary.LittleEndian.PutUint64(b, math.Float64bits(v))
	return 8
}

// WriteUUID writes v's 16 bytes.
func (CompactProtocol) WriteUUID(b []byte, v UUID) int {
	_ = b[15]
	copy(b, v[:])
	return 16
}

// WriteString writes v's length (varint) and bytes: StringLength(v) bytes.
func (CompactProtocol) WriteString(b []byte, v string) int {
	n := putUvarint(b, uint64(len(v)))
	return n + copy(b[n:], v)
}

// WriteBinary writes v's length (varint) and bytes: BinaryLength(v) bytes.
func (CompactProtocol) WriteBinary(b []byte, v []byte) int {
	n := putUvarint(b, uint64(len(v)))
	return n + copy(b[n:], v)
}

// I16Length returns the encoded size of v.
func (CompactProtocol) I16Length(v int16) int { return uvarintLen(uint64(zigzag32(int32(v)))) }

// I32Length returns the encoded size of v.
func (CompactProtocol) I32Length(v int32) int { return uvarintLen(uint64(zigzag32(v))) }

// I64Length returns the encoded size of v.
func (CompactProtocol) I64Length(v int64) int { return uvarintLen(zigzag64(v)) }

// StringLength returns the encoded size of v.
func (CompactProtocol) StringLength(v string) int { return uvarintLen(uint64(len(v))) + len(v) }

// BinaryLength returns the encoded size of v.
func (CompactProtocol) BinaryLength(v []byte) int { return uvarintLen(uint64(len(v))) + len(v) }

// WriteListBegin writes a list header: `sssstttt` for sizes below 15, else `1111tttt` and a varint size.
func (CompactProtocol) WriteListBegin(b []byte, elem TType, size int) int {
	ct := toCompact[elem]
	if size < ctListLongLen {
		b[0] = byte(size)<<4 | ct
		return 1
	}
	b[0] = ctListLongLen<<4 | ct
	return 1 + putUvarint(b[1:], uint64(uint32(size)))
}

// WriteSetBegin writes a set header, the same as a list header.
func (p CompactProtocol) WriteSetBegin(b []byte, elem TType, size int) int {
	return p.WriteListBegin(b, elem, size)
}

// ListBeginLength returns the size of a list or set header.
func (CompactProtocol) ListBeginLength(size int) int {
	if size < ctListLongLen {
		return 1
	}
	return 1 + uvarintLen(uint64(uint32(size)))
}

// WriteMapBegin writes a map header: a varint size, then `kkkkvvvv`; an empty map is the single byte 0.
func (CompactProtocol) WriteMapBegin(b []byte, k, v TType, size int) int {
	if size == 0 {
		b[0] = 0
		return 1
	}
	n := putUvarint(b, uint64(uint32(size)))
	b[n] = toCompact[k]<<4 | toCompact[v]
	return n + 1
}

// MapBeginLength returns the size of a map header.
func (CompactProtocol) MapBeginLength(size int) int {
	if size == 0 {
		return 1
	}
	return uvarintLen(uint64(uint32(size))) + 1
}

// ReadFieldBegin reads a field header given the previous field id. For STOP it returns t == STOP, id 0,
// n == 1. For a BOOL field boolVal holds the value and there is nothing more to read.
func (CompactProtocol) ReadFieldBegin(b []byte, lastID int16) (t TType, id int16, boolVal bool, n int, err error) {
	if len(b) > 0 && b[0] > 0x0f { // short form
		if t := fromCompact[b[0]&0x0f]; t != STOP {
			return t, lastID + int16(b[0]>>4), b[0]&0x0f == ctBoolTrue, 1, nil
		}
	}
	return readFieldBeginSlow(b, lastID)
}

// readFieldBeginSlow is ReadFieldBegin for STOP, the long form and bad input, out of line so that
// ReadFieldBegin stays small.
func readFieldBeginSlow(b []byte, lastID int16) (t TType, id int16, boolVal bool, n int, err error) {
	if len(b) == 0 {
		return 0, 0, false, 0, errTruncated(proCompact, "field header", 0, 1, 0)
	}
	h := b[0]
	if h == ctStop {
		return STOP, 0, false, 1, nil
	}
	t = fromCompact[h&0x0f]
	if t == STOP {
		return 0, 0, false, 0, errType(proCompact, "field type", 0, h&0x0f)
	}
	boolVal = h&0x0f == ctBoolTrue
	if d := h >> 4; d != 0 {
		return t, lastID + int16(d), boolVal, 1, nil
	}
	u, m, err := uvarint32(b, 1, "field id")
	if err != nil {
		return 0, 0, false, 0, err
	}
	v := unzigzag32(u)
	if v != int32(int16(v)) {
		return 0, 0, false, 0, newError(proCompact, "field id", 1, ErrBadVarint, itoa(int64(v))+" overflows i16")
	}
	return t, int16(v), boolVal, 1 + m, nil
}

// ReadBool reads a bool container element: 1 is true, 2 (or 0, which some writers use) is false.
func (CompactProtocol) ReadBool(b []byte) (bool, int, error) {
	if len(b) > 0 && b[0] <= ctBoolFalse {
		return b[0] == ctBoolTrue, 1, nil
	}
	return false, 0, errCompactBool[min(len(b), 1)]
}

// errCompactBool holds ReadBool's errors, by min(len(b), 1): prebuilt so that ReadBool inlines.
var errCompactBool = [2]error{
	&ProtocolError{Proto: proCompact, What: "bool", Detail: "need 1 byte", Err: ErrTruncated},
	&ProtocolError{Proto: proCompact, What: "bool", Detail: "byte is not 0, 1 or 2", Err: ErrBadValue},
}

// ReadI8 reads Thrift's i8 (byte).
func (CompactProtocol) ReadI8(b []byte) (int8, int, error) {
	if len(b) < 1 {
		return 0, 0, errTruncated(proCompact, "byte", 0, 1, 0)
	}
	return int8(b[0]), 1, nil
}

// ReadI16 reads a zigzag varint that must fit in an i16.
func (CompactProtocol) ReadI16(b []byte) (int16, int, error) {
	u, n, err := uvarint32(b, 0, "i16")
	if err != nil {
		return 0, 0, err
	}
	v := unzigzag32(u)
	if v != int32(int16(v)) {
		return 0, 0, newError(proCompact, "i16", 0, ErrBadVarint, itoa(int64(v))+" overflows i16")
	}
	return int16(v), n, nil
}

// ReadI32 reads a zigzag varint of at most 5 bytes.
func (CompactProtocol) ReadI32(b []byte) (int32, int, error) {
	if len(b) > 0 && b[0] < 0x80 {
		return int32(b[0]>>1) ^ -int32(b[0]&1), 1, nil
	}
	return readI32Slow(b)
}

func readI32Slow(b []byte) (int32, int, error) {
	u, n, err := uvarint32(b, 0, "i32")
	return unzigzag32(u), n, err
}

// ReadI64 reads a zigzag varint of at most 10 bytes.
func (CompactProtocol) ReadI64(b []byte) (int64, int, error) {
	if len(b) > 0 && b[0] < 0x80 {
		return int64(b[0]>>1) ^ -int64(b[0]&1), 1, nil
	}
	return readI64Slow(b)
}

func readI64Slow(b []byte) (int64, int, error) {
	u, n, err := uvarint64(b, 0, "i64")
	return unzigzag64(u), n, err
}

// ReadDouble reads a little-endian IEEE 754 double.
func (CompactProtocol) ReadDouble(b []byte) (float64, int, error) {
	if len(b) < 8 {
		return 0, 0, errCompactDouble
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(b)), 8, nil
}

// ReadUUID reads 16 bytes.
func (CompactProtocol) ReadUUID(b []byte) (UUID, int, error) {
	var u UUID
	if len(b) < 16 {
		return u, 0, errCompactUUID
	}
	copy(u[:], b)
	return u, 16, nil
}

// compactLen reads a varint length and checks it against the input left and MaxStringLen.
func compactLen(b []byte, what string) (int, int, error) {
	l, m, err := uvarint32(b, 0, what)
	if err != nil {
		return 0, 0, err
	}
	if uint64(l) > uint64(len(b)-m) || l > MaxStringLen {
		return 0, 0, errSize(proCompact, what, 0, int64(l), len(b)-m, true)
	}
	return int(l), m, nil
}

// ReadString reads a varint length and that many bytes, copied into a new string.
func (CompactProtocol) ReadString(b []byte) (string, int, error) {
	l, m, err := compactLen(b, "string length")
	if err != nil {
		return "", 0, err
	}
	return string(b[m : m+l]), m + l, nil
}

// ReadBinary reads a varint length and that many bytes into a new slice (it never aliases b).
func (CompactProtocol) ReadBinary(b []byte) ([]byte, int, error) {
	l, m, err := compactLen(b, "binary length")
	if err != nil {
		return nil, 0, err
	}
	src := b[m : m+l]
	v := make([]byte, len(src)) // make+copy of len(src): one pass, no zeroing first
	copy(v, src)
	return v, m + l, nil
}

// ReadListBegin reads a list header. The size must not exceed the bytes that follow (every element
// takes at least one byte); a non-empty list must have a known element type (an empty list's type is
// not checked, as in Apache Thrift; an unknown one reads as STOP).
func (CompactProtocol) ReadListBegin(b []byte) (elem TType, size int, n int, err error) {
	return compactListHeader(b, "list")
}

// ReadSetBegin reads a set header, like ReadListBegin.
func (CompactProtocol) ReadSetBegin(b []byte) (elem TType, size int, n int, err error) {
	return compactListHeader(b, "set")
}

func compactListHeader(b []byte, what string) (TType, int, int, error) {
	if len(b) == 0 {
		return 0, 0, 0, errTruncated(proCompact, what+" header", 0, 1, 0)
	}
	h := b[0]
	elem := fromCompact[h&0x0f]
	size, n := int(h>>4), 1
	if size == ctListLongLen {
		u, m, err := uvarint32(b, 1, what+" size")
		if err != nil {
			return 0, 0, 0, err
		}
		if uint64(u) > uint64(len(b)-1-m) {
			return 0, 0, 0, errSize(proCompact, what+" size", 1, int64(int32(u)), len(b)-1-m, false)
		}
		size, n = int(u), 1+m
	} else if size > len(b)-1 {
		return 0, 0, 0, errSize(proCompact, what+" size", 0, int64(size), len(b)-1, false)
	}
	if elem == STOP && size > 0 {
		return 0, 0, 0, errType(proCompact, what+" element type", 0, h&0x0f)
	}
	return elem, size, n, nil
}

// ReadMapBegin reads a map header. An empty map is the single byte 0 and returns k == v == STOP. The size
// must not exceed half the bytes that follow (every entry takes at least two).
func (CompactProtocol) ReadMapBegin(b []byte) (k, v TType, size int, n int, err error) {
	u, m, err := uvarint32(b, 0, "map size")
	if err != nil {
		return 0, 0, 0, 0, err
	}
	if u == 0 {
		return STOP, STOP, 0, m, nil
	}
	if len(b)-m-1 < 0 || uint64(u) > uint64(len(b)-m-1)/2 {
		return 0, 0, 0, 0, errSize(proCompact, "map size", 0, int64(int32(u)), len(b)-m-1, false)
	}
	h := b[m]
	k, v = fromCompact[h>>4], fromCompact[h&0x0f]
	if k == STOP {
		return 0, 0, 0, 0, errType(proCompact, "map key type", m, h>>4)
	}
	if v == STOP {
		return 0, 0, 0, 0, errType(proCompact, "map value type", m, h&0x0f)
	}
	return k, v, int(u), m + 1, nil
}

// Prebuilt errors for readers that must stay small enough to inline (see errBinaryFieldHeader).
var (
	errCompactDouble = &ProtocolError{Proto: proCompact, What: "double", Detail: "need 8 bytes", Err: ErrTruncated}
	errCompactUUID   = &ProtocolError{Proto: proCompact, What: "uuid", Detail: "need 16 bytes", Err: ErrTruncated}
)
