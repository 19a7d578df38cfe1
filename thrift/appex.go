package thrift

import "strconv"

// ApplicationException type codes (TApplicationException).
const (
	UnknownApplicationException = 0  // UnknownApplicationException is an unspecified error.
	UnknownMethod               = 1  // UnknownMethod means the server has no such method.
	InvalidMessageType          = 2  // InvalidMessageType means a message of an unexpected type.
	WrongMethodName             = 3  // WrongMethodName means a reply for another method.
	BadSequenceID               = 4  // BadSequenceID means a reply with an unexpected seqid.
	MissingResult               = 5  // MissingResult means a reply with no result set.
	InternalError               = 6  // InternalError means the server failed.
	ProtocolErrorType           = 7  // ProtocolErrorType means the peer sent undecodable data.
	InvalidTransform            = 8  // InvalidTransform means an unsupported header transform.
	InvalidProtocol             = 9  // InvalidProtocol means an unsupported protocol or version.
	UnsupportedClientType       = 10 // UnsupportedClientType means an unsupported client type.
)

// ApplicationException is TApplicationException: the body of an EXCEPTION message,
// struct {1: string message, 2: i32 type}. It is an error and encodes itself in both protocols.
type ApplicationException struct {
	Message string
	Type    int32
}

// NewApplicationException returns an ApplicationException of type typ with message msg.
func NewApplicationException(typ int32, msg string) *ApplicationException {
	return &ApplicationException{Message: msg, Type: typ}
}

var appExTypeNames = [...]string{"unknown", "unknown method", "invalid message type",
	"wrong method name", "bad sequence id", "missing result", "internal error", "protocol error",
	"invalid transform", "invalid protocol", "unsupported client type"}

// String returns e.g. "ApplicationException(unknown method): no method Foo".
func (e *ApplicationException) String() string {
	var name string
	if e.Type >= 0 && int(e.Type) < len(appExTypeNames) {
		name = appExTypeNames[e.Type]
	} else {
		name = "type " + strconv.Itoa(int(e.Type))
	}
	return "ApplicationException(" + name + "): " + e.Message
}

// Error returns the message, or the type's description when the message is empty.
func (e *ApplicationException) Error() string {
	if e.Message != "" {
		return e.Message
	}
	return e.String()
}

// TypeID returns the exception's type code.
func (e *ApplicationException) TypeID() int32 { return e.Type }

// BLength returns the Binary encoded size.
func (e *ApplicationException) BLength() int {
	return FieldBeginLength + Binary.StringLength(e.Message) + FieldBeginLength + I32Length + FieldStopLength
}

// FastWrite writes the exception as a Binary struct (field 2 first: fixed-size fields go first).
func (e *ApplicationException) FastWrite(b []byte) int {
	n := Binary.WriteFieldBegin(b, I32, 2)
	n += Binary.WriteI32(b[n:], e.Type)
	n += Binary.WriteFieldBegin(b[n:], STRING, 1)
	n += Binary.WriteString(b[n:], e.Message)
	return n + Binary.WriteFieldStop(b[n:])
}

// FastAppend appends the exception as a Binary struct to b (Appender).
func (e *ApplicationException) FastAppend(b []byte) []byte {
	off := len(b)
	b = Grow(b, off, e.BLength())
	return b[:off+e.FastWrite(b[off:])]
}

// FastRead reads a Binary struct into e, skipping unknown fields. A field of the wrong type is skipped
// like an unknown one, as Apache Thrift does.
func (e *ApplicationException) FastRead(b []byte) (int, error) {
	e.Message, e.Type = "", 0
	off := 0
	for {
		t, id, n, err := Binary.ReadFieldBegin(b[off:])
		if err != nil {
			return off, withOffset(err, off)
		}
		off += n
		if t == STOP {
			return off, nil
		}
		switch {
		case id == 1 && t == STRING:
			e.Message, n, err = Binary.ReadString(b[off:])
		case id == 2 && t == I32:
			e.Type, n, err = Binary.ReadI32(b[off:])
		default:
			n, err = Binary.Skip(b[off:], t)
		}
		if err != nil {
			return off, withOffset(err, off)
		}
		off += n
	}
}

// CompactLength returns the Compact encoded size.
func (e *ApplicationException) CompactLength() int {
	return 1 + Compact.StringLength(e.Message) + 1 + Compact.I32Length(e.Type) + 1
}

// CompactWrite writes the exception as a Compact struct, field 1 then field 2 (short field headers).
func (e *ApplicationException) CompactWrite(b []byte) int {
	n := Compact.WriteFieldBegin(b, STRING, 1, 0)
	n += Compact.WriteString(b[n:], e.Message)
	n += Compact.WriteFieldBegin(b[n:], I32, 2, 1)
	n += Compact.WriteI32(b[n:], e.Type)
	return n + Compact.WriteFieldStop(b[n:])
}

// CompactRead reads a Compact struct into e, skipping unknown fields.
func (e *ApplicationException) CompactRead(b []byte) (int, error) {
	e.Message, e.Type = "", 0
	off := 0
	var last int16
	for {
		t, id, _, n, err := Compact.ReadFieldBegin(b[off:], last)
		if err != nil {
			return off, withOffset(err, off)
		}
		off += n
		if t == STOP {
			return off, nil
		}
		last = id
		switch {
		case id == 1 && t == STRING:
			e.Message, n, err = Compact.ReadString(b[off:])
		case id == 2 && t == I32:
			e.Type, n, err = Compact.ReadI32(b[off:])
		case t == BOOL:
			n = 0 // the value was in the field header
		default:
			n, err = Compact.Skip(b[off:], t)
		}
		if err != nil {
			return off, withOffset(err, off)
		}
		off += n
	}
}

// Compile-time checks.
var (
	_ error        = (*ApplicationException)(nil)
	_ FastCodec    = (*ApplicationException)(nil)
	_ CompactCodec = (*ApplicationException)(nil)
)
