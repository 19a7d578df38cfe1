package codec

import (
	"fmt"

	"github.com/kestrel-rpc/kestrel/linkbuf"
	"github.com/kestrel-rpc/kestrel/thrift"
	"github.com/kestrel-rpc/kestrel/transport"
	"github.com/kestrel-rpc/kestrel/transport/framed"
	"github.com/kestrel-rpc/kestrel/transport/theader"
	"github.com/kestrel-rpc/kestrel/transport/ttheader"
)

// maxFrame is the largest frame Write produces: the header transports' hard limit, which also keeps a
// Framed length a positive int32.
const maxFrame = ttheader.MaxFrameSizeLimit

// Write encodes one message into w without flushing: m's framing (Kind, Protocol, FramedPayload, and
// for a header transport m.TTHeader or m.THeader, whose SeqID and protocol id it sets), the message
// header (m.Name, m.Type, m.SeqID) and body, a generated struct or a *thrift.ApplicationException. The
// whole message takes one Malloc of its exact size (two steps for a THeader transform), and m.Size is
// set to it.
//
// With nocopy, a Binary body that implements thrift.NocopyCodec links its large strings and binaries
// into w instead of copying them (see thrift.NocopyCodec): the caller must then leave those bytes
// unchanged until they have been sent.
func Write(w linkbuf.Writer, m *Message, body thrift.FastCodec, nocopy bool) error {
	var (
		bodyLen int
		cc      thrift.CompactCodec
	)
	if m.Protocol == transport.Compact {
		var ok bool
		if cc, ok = body.(thrift.CompactCodec); !ok {
			return fmt.Errorf("%w: %T has no Compact codec (generate it with -protocol both)", ErrUnsupported, body)
		}
		bodyLen = cc.CompactLength()
	} else {
		bodyLen = body.BLength()
	}
	msgLen := m.messageBeginLength() + bodyLen

	var pre int // framing bytes before the message
	switch m.Kind {
	case transport.Buffered:
	case transport.Framed:
		pre = framed.HeaderLen
	case transport.TTHeader:
		h := &m.TTHeader
		h.SeqID = m.SeqID
		h.Protocol = ttheader.ProtocolBinary
		if cc != nil {
			h.Protocol = ttheader.ProtocolCompact
		}
		hs, err := ttheader.Size(h)
		if err != nil {
			return err
		}
		pre = hs + ttheader.PayloadSize(msgLen, m.FramedPayload) - msgLen
	case transport.THeader:
		h := &m.THeader
		h.SeqID = m.SeqID
		h.Protocol = theader.ProtocolBinary
		if cc != nil {
			h.Protocol = theader.ProtocolCompact
		}
		if len(h.Transforms) > 0 {
			return m.writeTransformed(w, body, cc, msgLen)
		}
		hs, err := theader.Size(h)
		if err != nil {
			return err
		}
		pre = hs
	default:
		return fmt.Errorf("%w: framing %v", ErrUnsupported, m.Kind)
	}
	total := pre + msgLen
	if total > maxFrame {
		return fmt.Errorf("%w: a %d-byte message", ErrTooLarge, total)
	}

	nc, linked := body.(thrift.NocopyCodec)
	linked = linked && nocopy && cc == nil && bodyLen >= thrift.NocopyThreshold
	before := w.MallocLen()
	size := total
	if linked {
		// The linked values need no room in the buffer: a large payload then never takes a block
		// of its own size.
		size = total - bodyLen + nc.BLengthNocopy()
	}
	b, err := w.Malloc(size)
	if err != nil {
		return err
	}
	m.putFraming(b, msgLen)
	off := pre + m.putMessageBegin(b[pre:])
	switch {
	case cc != nil:
		cc.CompactWrite(b[off:])
	case linked:
		nc.FastWriteNocopy(b[off:], w)
		if err := w.MallocAck(before + total); err != nil {
			// A value could not be linked (see thrift.NocopyCodec): drop the half-written message.
			_ = w.MallocAck(before)
			return err
		}
	default:
		body.FastWrite(b[off:])
	}
	m.Size = total
	return nil
}

func (m *Message) messageBeginLength() int {
	if m.Protocol == transport.Compact {
		return thrift.Compact.MessageBeginLength(m.Name, m.SeqID)
	}
	return thrift.Binary.MessageBeginLength(m.Name)
}

func (m *Message) putMessageBegin(b []byte) int {
	if m.Protocol == transport.Compact {
		return thrift.Compact.WriteMessageBegin(b, m.Name, m.Type, m.SeqID)
	}
	return thrift.Binary.WriteMessageBegin(b, m.Name, m.Type, m.SeqID)
}

// putFraming writes the framing in front of a msgLen-byte message at the start of b.
func (m *Message) putFraming(b []byte, msgLen int) {
	switch m.Kind {
	case transport.Framed:
		framed.WriteHeader(b, msgLen)
	case transport.TTHeader:
		n := ttheader.Encode(b, &m.TTHeader, ttheader.PayloadSize(msgLen, m.FramedPayload))
		if m.FramedPayload {
			ttheader.PutPayloadLength(b[n:], msgLen)
		}
	case transport.THeader:
		theader.Encode(b, &m.THeader, msgLen)
	}
}

// writeTransformed writes a THeader message with transforms: the plain message into m.scratch, the
// transformed payload after the header.
func (m *Message) writeTransformed(w linkbuf.Writer, body thrift.FastCodec, cc thrift.CompactCodec, msgLen int) error {
	if cap(m.scratch) < msgLen {
		m.scratch = make([]byte, msgLen)
	}
	msg := m.scratch[:msgLen]
	off := m.putMessageBegin(msg)
	if cc != nil {
		cc.CompactWrite(msg[off:])
	} else {
		body.FastWrite(msg[off:])
	}
	payload, err := theader.Transform(m.wire[:0], &m.THeader, msg)
	if err != nil {
		return err
	}
	m.wire = payload[:0]
	hs, err := theader.Size(&m.THeader)
	if err != nil {
		return err
	}
	total := hs + len(payload)
	if total > maxFrame {
		return fmt.Errorf("%w: a %d-byte message", ErrTooLarge, total)
	}
	b, err := w.Malloc(total)
	if err != nil {
		return err
	}
	theader.Encode(b, &m.THeader, len(payload))
	copy(b[hs:], payload)
	m.Size = total
	return nil
}
