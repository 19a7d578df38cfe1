package thrift

import "strconv"

// SupportPackageIsVersion1 is referenced by generated code (`const _ = thrift.SupportPackageIsVersion1`) so
// that code generated for an incompatible runtime fails to compile instead of misbehaving.
const SupportPackageIsVersion1 = true

// TType is a Thrift wire type as the Binary protocol writes it. The Compact protocol maps it to its own
// 4-bit ids on the wire; its API still takes and returns TType.
type TType byte

// Thrift wire types.
const (
	STOP   TType = 0  // STOP ends a struct.
	VOID   TType = 1  // VOID is never on the wire; it exists for completeness.
	BOOL   TType = 2  // BOOL is a boolean.
	I08    TType = 3  // I08 is a signed byte.
	BYTE   TType = 3  // BYTE is an alias of I08.
	DOUBLE TType = 4  // DOUBLE is an IEEE 754 binary64.
	I16    TType = 6  // I16 is a 16-bit signed integer.
	I32    TType = 8  // I32 is a 32-bit signed integer.
	I64    TType = 10 // I64 is a 64-bit signed integer.
	STRING TType = 11 // STRING is a string or binary: a length, then bytes.
	STRUCT TType = 12 // STRUCT is a struct, exception or union: fields, then STOP.
	MAP    TType = 13 // MAP is a map.
	SET    TType = 14 // SET is a set (on the wire, like a list).
	LIST   TType = 15 // LIST is a list.
	// TUUID is 16 raw bytes. (The name UUID belongs to the UUID value type, so the type id is TUUID,
	// also spelled UUIDType.)
	TUUID    TType = 16
	UUIDType TType = TUUID // UUIDType is an alias of TUUID.
)

var ttypeNames = [...]string{
	STOP: "STOP", VOID: "VOID", BOOL: "BOOL", I08: "I08", DOUBLE: "DOUBLE", I16: "I16", I32: "I32",
	I64: "I64", STRING: "STRING", STRUCT: "STRUCT", MAP: "MAP", SET: "SET", LIST: "LIST", TUUID: "UUID",
}

// String returns the type's name, or "TType(n)" for an unknown type.
func (t TType) String() string {
	if int(t) < len(ttypeNames) && ttypeNames[t] != "" {
		return ttypeNames[t]
	}
	return "TType(" + itoa(int64(t)) + ")"
}

// validData reports whether t may appear as a value type on the wire (everything but STOP and VOID).
var validData = [256]bool{BOOL: true, I08: true, DOUBLE: true, I16: true, I32: true, I64: true,
	STRING: true, STRUCT: true, MAP: true, SET: true, LIST: true, TUUID: true}

// MessageType is the type of a Thrift message.
type MessageType byte

// Thrift message types.
const (
	CALL      MessageType = 1 // CALL is a request that expects a reply.
	REPLY     MessageType = 2 // REPLY is a normal reply (its result struct may hold a declared exception).
	EXCEPTION MessageType = 3 // EXCEPTION is a reply carrying an ApplicationException.
	ONEWAY    MessageType = 4 // ONEWAY is a request without a reply.
)

// String returns the message type's name, or "MessageType(n)" for an unknown type.
func (t MessageType) String() string {
	switch t {
	case CALL:
		return "CALL"
	case REPLY:
		return "REPLY"
	case EXCEPTION:
		return "EXCEPTION"
	case ONEWAY:
		return "ONEWAY"
	}
	return "MessageType(" + itoa(int64(t)) + ")"
}

// UUID is a Thrift uuid: 16 bytes, written as they are in both protocols.
type UUID [16]byte

// FastCodec is what generated structs implement for the Binary protocol. BLength returns the exact
// encoded size; FastWrite writes into b (len(b) ≥ BLength()) and returns the bytes written; FastRead
// decodes from b and returns the bytes consumed.
type FastCodec interface {
	BLength() int
	FastWrite(b []byte) int
	FastRead(b []byte) (int, error)
}

// NocopyWriter is the part of linkbuf.Writer the no-copy codec path needs: WriteDirect links p into the
// stream after the caller's current position in its most recent Malloc'd region, remainCap bytes before
// that region's end. See linkbuf.Writer.WriteDirect.
type NocopyWriter interface {
	WriteDirect(p []byte, remainCap int) error
}

// NocopyCodec is implemented by generated structs next to FastCodec. FastWriteNocopy writes like
// FastWrite into b, but strings and binaries of at least NocopyThreshold bytes are linked with
// w.WriteDirect(v, len(b)-off), where off is the offset in b right after the value's 4-byte length
// prefix, instead of being copied; writing then continues at that same offset. b must therefore be the
// rest of w's most recent Malloc region, from where the struct starts to the region's end. It returns
// BLength(), the struct's wire size with the linked bytes included. With w == nil it is FastWrite.
//
// BLengthNocopy returns the bytes FastWriteNocopy writes into b itself: BLength() minus the linked
// values. A caller sizes its Malloc with it, so that a large payload never has to fit in the buffer's
// blocks: Malloc(BLength()) would take a block big enough for the payload only to leave that part of
// it unused. The sequence, for a message of h header bytes:
//
//	before := w.MallocLen()
//	b, err := w.Malloc(h + v.BLengthNocopy())
//	// write the header into b[:h]
//	v.FastWriteNocopy(b[h:], w)
//	err = w.MallocAck(before + h + v.BLength()) // MallocLen counts linked bytes too
//
// A b of BLength() bytes works as well (the region then ends with unused bytes, as many as were linked,
// which that MallocAck drops). If a WriteDirect fails (a writer that was closed meanwhile, or a b that is
// not the end of w's last Malloc region), the value is copied into b instead when b has room for it, as
// a b of BLength() bytes always has; otherwise it is left out, the writer then holds fewer bytes than
// the message's size, and the MallocAck above fails: the caller must then drop the message
// (MallocAck(before)) rather than flush it.
type NocopyCodec interface {
	BLengthNocopy() int
	FastWriteNocopy(b []byte, w NocopyWriter) int
}

// NocopyThreshold is the smallest string or binary that the no-copy writers link instead of copying.
const NocopyThreshold = 4096

// CompactCodec is what generated structs implement for the Compact protocol (when generated).
type CompactCodec interface {
	CompactLength() int
	CompactWrite(b []byte) int
	CompactRead(b []byte) (int, error)
}

// Limits. They are constants: there is no package-level mutable configuration.
const (
	// DefaultMaxStringLen is the longest string, binary or message name a reader accepts.
	DefaultMaxStringLen = 64 << 20
	// DefaultMaxDepth is the deepest nesting of structs and containers Skip accepts.
	DefaultMaxDepth = 64
	// MaxStringLen is the limit the readers apply (DefaultMaxStringLen).
	MaxStringLen = DefaultMaxStringLen
	// MaxDepth is the limit Skip applies (DefaultMaxDepth).
	MaxDepth = DefaultMaxDepth
)

// Encoded sizes of the fixed-size Binary protocol items.
const (
	BoolLength       = 1
	ByteLength       = 1
	I16Length        = 2
	I32Length        = 4
	I64Length        = 8
	DoubleLength     = 8
	UUIDLength       = 16
	FieldBeginLength = 3
	FieldStopLength  = 1
	ListBeginLength  = 5
	SetBeginLength   = 5
	MapBeginLength   = 6
)

// itoa formats v in decimal.
func itoa(v int64) string { return strconv.FormatInt(v, 10) }
