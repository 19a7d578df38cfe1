package ttheader

import (
	"encoding/binary"

	"github.com/kestrel-rpc/kestrel/internal/unsafex"
)

// PayloadLengthSize is the size of the inner length that starts a TTHeaderFramed payload.
const PayloadLengthSize = 4

// ProtobufMagic is the 16-bit magic that starts a Kitex-Protobuf message (after its 4-byte length).
const ProtobufMagic = 0x9001

// PayloadIsFramed reports whether payload (what Decode returned) is in the TTHeaderFramed form: a
// 4-byte length equal to len(payload)-4, followed by a strict Binary (0x80 0x01), Compact (0x82) or
// Kitex-Protobuf (0x90 0x01) message. A payload without the inner length starts with 0x80 or 0x82,
// which no valid inner length can, so the two forms are never confused.
func PayloadIsFramed(payload []byte) bool {
	if len(payload) < PayloadLengthSize+2 {
		return false
	}
	if int64(binary.BigEndian.Uint32(payload)) != int64(len(payload)-PayloadLengthSize) {
		return false
	}
	m := payload[PayloadLengthSize:]
	return m[0] == 0x80 && m[1] == 0x01 || m[0] == 0x82 || m[0] == ProtobufMagic>>8 && m[1] == ProtobufMagic&0xFF
}

// Message returns the message inside payload, dropping the inner length of the TTHeaderFramed form if
// PayloadIsFramed says it is there; framed reports which form it was, so a server can answer in kind.
func Message(payload []byte) (msg []byte, framed bool) {
	if PayloadIsFramed(payload) {
		return payload[PayloadLengthSize:], true
	}
	return payload, false
}

// PayloadSize returns the payload length to pass to Encode for a message of msgLen bytes, in the
// framed (inner length, KiteX's default) or unframed form.
func PayloadSize(msgLen int, framed bool) int {
	if framed {
		return PayloadLengthSize + msgLen
	}
	return msgLen
}

// PutPayloadLength writes the inner length of a TTHeaderFramed payload holding a msgLen-byte message
// into b[:4] and returns 4; the message follows at b[4:].
func PutPayloadLength(b []byte, msgLen int) int {
	binary.BigEndian.PutUint32(b, uint32(msgLen))
	return PayloadLengthSize
}

// Kind is the encoding of a payload's message, as told by its first bytes.
type Kind uint8

// Payload kinds.
const (
	KindUnknown       Kind = iota // empty or unrecognised
	KindThriftBinary              // strict (0x80 0x01) or old non-strict (0x00) Binary message header
	KindThriftCompact             // Compact message header (0x82)
	KindProtobuf                  // Kitex-Protobuf message (magic 0x9001, framed)
)

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case KindThriftBinary:
		return "thrift-binary"
	case KindThriftCompact:
		return "thrift-compact"
	case KindProtobuf:
		return "kitex-protobuf"
	}
	return "unknown"
}

// PayloadKind tells how the message in payload is encoded, from its first bytes and regardless of the
// header's PROTOCOL ID (KiteX writes 0x00 for protobuf, old KiteX 0x03): a Kitex-Protobuf payload is
// recognised by its 0x9001 magic after the inner length. Streaming payloads (ProtocolThriftStruct,
// ProtocolProtobufStruct) carry no message header; use Header.Protocol for them.
func PayloadKind(payload []byte) Kind {
	if len(payload) >= PayloadLengthSize+2 && int64(binary.BigEndian.Uint32(payload)) == int64(len(payload)-PayloadLengthSize) &&
		payload[4] == ProtobufMagic>>8 && payload[5] == ProtobufMagic&0xFF {
		return KindProtobuf
	}
	msg, _ := Message(payload)
	if len(msg) < 2 {
		return KindUnknown
	}
	switch {
	case msg[0] == 0x80 && msg[1] == 0x01:
		return KindThriftBinary
	case msg[0] == 0x82 && msg[1]&0x1F == 0x01:
		return KindThriftCompact
	case msg[0] == 0x00:
		return KindThriftBinary
	}
	return KindUnknown
}

// MessageType is the type of a Kitex-Protobuf message, numbered as Thrift's.
type MessageType uint16

// Kitex-Protobuf message types.
const (
	Call      MessageType = 1
	Reply     MessageType = 2
	Exception MessageType = 3
	Oneway    MessageType = 4
)

// ProtobufHeader is the message header of a Kitex-Protobuf payload.
type ProtobufHeader struct {
	Type   MessageType
	Method string // aliases the payload when decoded
	SeqID  int32
}

// protobufFixed is the size of a Kitex-Protobuf message header with an empty method name, inner
// length included: length(4) magic(2) type(2) name length(4) seqID(4).
const protobufFixed = 16

// DecodeProtobuf parses the Kitex-Protobuf message header at the start of payload (in its framed
// form: inner length, magic 0x9001, type, method name, seqID) and returns it with the protobuf body
// that follows. Method aliases payload. On an Exception, body is an ErrorProto{1: int32 TypeID,
// 2: string Message}. Errors wrap ErrTruncated or ErrBadPayload; DecodeProtobuf never allocates.
func DecodeProtobuf(payload []byte) (ph ProtobufHeader, body []byte, err error) {
	if len(payload) < protobufFixed {
		return ph, nil, errorf(ErrTruncated, "Kitex-Protobuf payload of %d bytes, need at least %d", len(payload), protobufFixed)
	}
	if n := binary.BigEndian.Uint32(payload); int64(n) != int64(len(payload)-PayloadLengthSize) {
		return ph, nil, errorf(ErrBadPayload, "Kitex-Protobuf inner length %d, payload holds %d", n, len(payload)-PayloadLengthSize)
	}
	if m := binary.BigEndian.Uint16(payload[4:]); m != ProtobufMagic {
		return ph, nil, errorf(ErrBadPayload, "Kitex-Protobuf magic %#04x, want %#04x", m, ProtobufMagic)
	}
	ph.Type = MessageType(binary.BigEndian.Uint16(payload[6:]))
	nameLen := binary.BigEndian.Uint32(payload[8:])
	if int64(nameLen) > int64(len(payload)-protobufFixed) {
		return ph, nil, errorf(ErrTruncated, "Kitex-Protobuf method name of %d bytes exceeds the payload", nameLen)
	}
	end := 12 + int(nameLen)
	ph.Method = unsafex.BytesToString(payload[12:end])
	ph.SeqID = int32(binary.BigEndian.Uint32(payload[end:]))
	return ph, payload[end+4:], nil
}

// ProtobufPayloadSize returns the size of a Kitex-Protobuf payload (inner length included) whose
// method name is method and whose protobuf body is bodyLen bytes.
func ProtobufPayloadSize(method string, bodyLen int) int {
	return protobufFixed + len(method) + bodyLen
}

// EncodeProtobuf writes the inner length and the message header of a Kitex-Protobuf payload whose
// body is bodyLen bytes and returns the number of bytes written; the caller writes the body at
// b[n:n+bodyLen]. b must hold ProtobufPayloadSize(ph.Method, bodyLen) bytes.
func EncodeProtobuf(b []byte, ph *ProtobufHeader, bodyLen int) (n int) {
	end := 12 + len(ph.Method)
	b = b[:end+4]
	binary.BigEndian.PutUint32(b, uint32(protobufFixed-PayloadLengthSize+len(ph.Method)+bodyLen))
	binary.BigEndian.PutUint16(b[4:], ProtobufMagic)
	binary.BigEndian.PutUint16(b[6:], uint16(ph.Type))
	binary.BigEndian.PutUint32(b[8:], uint32(len(ph.Method)))
	copy(b[12:], ph.Method)
	binary.BigEndian.PutUint32(b[end:], uint32(ph.SeqID))
	return end + 4
}
