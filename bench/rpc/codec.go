package rpc

import (
	"encoding/binary"
	"fmt"

	"github.com/kestrel-rpc/kestrel/internal/loadgen"
)

// FramedEcho is a loadgen.Codec that sends a whole EchoService.Echo call in Thrift's Framed transport
// and strict Binary protocol, and checks each reply is that call's answer: message type REPLY, the same
// method name and sequence number, and a result whose success field (id 0) holds the request's message,
// byte for byte. It is what a minimal framed-Thrift client puts on the wire, at no per-call cost beyond
// the comparison, so the server's side of the call is what a run measures.
//
// A request of n payload bytes is 32+n bytes, and so is its reply:
//
//	frame length (4) | 0x80010001 (CALL) | name length 4 | "Echo" | seqid (4)
//	| args: 0x0C 0x0001 (field 1 req: struct) | 0x0B 0x0001 (field 1 msg: string) | n (4) | payload | STOP | STOP
//
// The reply differs in the message type (0x80010002, REPLY) and in the outer field's id (0: success).
type FramedEcho struct{}

// Offsets in a FramedEcho message.
const (
	feType    = 4  // the 4-byte version and message type
	feName    = 8  // name length, then the name
	feSeq     = 16 // sequence number
	feField   = 20 // outer field header: type byte and id
	feMsg     = 23 // inner field header, length, payload, two STOPs
	feFixed   = 32 // bytes besides the payload
	feVersion = 0x80010000
)

// AppendRequest implements loadgen.Codec: a call carrying size bytes of a repeating pattern.
func (FramedEcho) AppendRequest(dst []byte, size int) ([]byte, error) {
	if size < 0 || size > loadgen.MaxMessage-feFixed {
		return dst, fmt.Errorf("%w: echo payload size %d out of range", loadgen.ErrConfig, size)
	}
	dst = binary.BigEndian.AppendUint32(dst, uint32(feFixed-4+size))
	dst = binary.BigEndian.AppendUint32(dst, feVersion|1) // CALL
	dst = binary.BigEndian.AppendUint32(dst, 4)
	dst = append(dst, "Echo"...)
	dst = binary.BigEndian.AppendUint32(dst, 0) // seqid
	dst = append(dst, 0x0C, 0, 1, 0x0B, 0, 1)   // args.req (struct, 1), req.msg (string, 1)
	dst = binary.BigEndian.AppendUint32(dst, uint32(size))
	for i := range size {
		dst = append(dst, byte('a'+i%26))
	}
	return append(dst, 0, 0), nil // STOP of EchoRequest, STOP of the args
}

// ReplyLen implements loadgen.Codec: a Framed length prefix.
func (FramedEcho) ReplyLen(prefix []byte) (int, error) {
	if len(prefix) < 4 {
		return 0, nil
	}
	n := binary.BigEndian.Uint32(prefix)
	if n > loadgen.MaxMessage-4 {
		return 0, fmt.Errorf("%w: frame length %d", loadgen.ErrBadReply, n)
	}
	return 4 + int(n), nil
}

// SetSequence implements loadgen.Sequencer.
func (FramedEcho) SetSequence(req []byte, seq int32) {
	binary.BigEndian.PutUint32(req[feSeq:], uint32(seq))
}

// CheckReply implements loadgen.ReplyChecker.
func (FramedEcho) CheckReply(req, reply []byte) error {
	switch {
	case len(reply) != len(req):
		return fmt.Errorf("%w: a %d-byte reply to a %d-byte call", loadgen.ErrBadReply, len(reply), len(req))
	case binary.BigEndian.Uint32(reply[feType:]) != feVersion|2:
		return fmt.Errorf("%w: message type word %#x, want REPLY", loadgen.ErrBadReply, binary.BigEndian.Uint32(reply[feType:]))
	case string(reply[feName:feField]) != string(req[feName:feField]):
		return fmt.Errorf("%w: name or sequence number %x, want %x", loadgen.ErrBadReply, reply[feName:feField], req[feName:feField])
	case reply[feField] != 0x0C || reply[feField+1] != 0 || reply[feField+2] != 0:
		return fmt.Errorf("%w: result field %x, want success (struct, 0)", loadgen.ErrBadReply, reply[feField:feMsg])
	case string(reply[feMsg:]) != string(req[feMsg:]):
		return fmt.Errorf("%w: the echoed message differs from the one sent", loadgen.ErrBadReply)
	}
	return nil
}
