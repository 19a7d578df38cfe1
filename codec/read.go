package codec

import (
	"errors"

	"github.com/kestrel-rpc/kestrel/linkbuf"
	"github.com/kestrel-rpc/kestrel/thrift"
	"github.com/kestrel-rpc/kestrel/transport"
	"github.com/kestrel-rpc/kestrel/transport/buffered"
	"github.com/kestrel-rpc/kestrel/transport/framed"
	"github.com/kestrel-rpc/kestrel/transport/theader"
	"github.com/kestrel-rpc/kestrel/transport/ttheader"
)

// Read reads one whole message from r into m: its framing (sniffed first when m.Kind is
// transport.Unknown), header and message header, leaving the encoded struct in m.Body. It consumes the
// message's bytes with one Next; m.Name and m.Body are views valid until r's next Release. maxFrame
// bounds the frame (or Buffered message) size; ≤ 0 means DefaultMaxFrameSize. A frame over it is
// refused before anything is read past its length field.
//
// On a malformed message the bytes may have been consumed, and the stream cannot be trusted after it:
// close the connection.
func Read(r linkbuf.Reader, m *Message, maxFrame int) error {
	if maxFrame <= 0 {
		maxFrame = DefaultMaxFrameSize
	}
	if m.Kind == transport.Unknown {
		kind, proto, err := transport.Sniff(r)
		if err != nil {
			return classify(err, !errors.Is(err, transport.ErrUnknownProtocol))
		}
		if kind == transport.HTTP2 || proto == transport.Protobuf {
			return malformedUnsupported(kind, proto)
		}
		m.Kind, m.Protocol = kind, proto
	}
	m.Name, m.Type, m.SeqID, m.Body, m.Size = "", 0, 0, nil, 0

	var msg []byte
	var err error
	switch m.Kind {
	case transport.TTHeader:
		msg, err = m.readTTHeader(r, maxFrame)
	case transport.THeader:
		msg, err = m.readTHeader(r, maxFrame)
	case transport.Framed:
		msg, err = readFramed(r, m, maxFrame)
	case transport.Buffered:
		msg, err = buffered.ReadMessage(r, skipper(m.Protocol), maxFrame)
		if err != nil {
			return classify(err, !errors.Is(err, buffered.ErrTooLarge) && !errors.Is(err, buffered.ErrBadMessage))
		}
		m.Size = len(msg)
	default:
		return malformed("unknown framing %v", m.Kind)
	}
	if err != nil {
		return err
	}
	return m.parseMessage(msg)
}

func malformedUnsupported(kind transport.Kind, proto transport.Protocol) error {
	return malformed("%w: %v with %v payload", ErrUnsupported, kind, proto)
}

// next reads one frame of the size its prefix announces.
func next(r linkbuf.Reader, prefixSize int, frameLength func([]byte, int) (int, error), maxFrame int) ([]byte, error) {
	prefix, err := r.Peek(prefixSize)
	if err != nil {
		return nil, classify(err, true)
	}
	n, err := frameLength(prefix, maxFrame)
	if err != nil {
		return nil, classify(err, false)
	}
	frame, err := r.Next(n)
	if err != nil {
		return nil, classify(err, true)
	}
	return frame, nil
}

// framedLength is framed.FrameLength counting the length field, like the header transports' FrameLength.
func framedLength(prefix []byte, maxFrame int) (int, error) {
	n, err := framed.FrameLength(prefix, maxFrame)
	return framed.HeaderLen + n, err
}

func readFramed(r linkbuf.Reader, m *Message, maxFrame int) ([]byte, error) {
	frame, err := next(r, framed.HeaderLen, framedLength, maxFrame)
	if err != nil {
		return nil, err
	}
	m.Size = len(frame)
	return frame[framed.HeaderLen:], nil
}

func (m *Message) readTTHeader(r linkbuf.Reader, maxFrame int) ([]byte, error) {
	frame, err := next(r, ttheader.PrefixSize, ttheader.FrameLength, maxFrame)
	if err != nil {
		return nil, err
	}
	m.Size = len(frame)
	payload, err := ttheader.Decode(frame, &m.TTHeader)
	if err != nil {
		return nil, classify(err, false)
	}
	switch m.TTHeader.Protocol {
	case ttheader.ProtocolBinary:
		m.Protocol = transport.Binary
	case ttheader.ProtocolCompact, ttheader.ProtocolCompactV2:
		m.Protocol = transport.Compact
	default:
		return nil, malformedUnsupported(m.Kind, transport.Protobuf)
	}
	msg, isFramed := ttheader.Message(payload)
	m.FramedPayload = isFramed
	return msg, nil
}

func (m *Message) readTHeader(r linkbuf.Reader, maxFrame int) ([]byte, error) {
	frame, err := next(r, theader.PrefixSize, theader.FrameLength, maxFrame)
	if err != nil {
		return nil, err
	}
	m.Size = len(frame)
	payload, err := theader.Decode(frame, &m.THeader)
	if err != nil {
		return nil, classify(err, false)
	}
	switch m.THeader.Protocol {
	case theader.ProtocolBinary:
		m.Protocol = transport.Binary
	case theader.ProtocolCompact:
		m.Protocol = transport.Compact
	default:
		return nil, malformed("%w: THeader protocol id %d", ErrUnsupported, m.THeader.Protocol)
	}
	msg, err := theader.Untransform(m.scratch[:0], &m.THeader, payload, maxFrame)
	if err != nil {
		return nil, classify(err, false)
	}
	if inflated(&m.THeader) {
		// Keep the inflated message's memory for the next one. Only then: with no zlib transform (none
		// at all, or only TransformNone) msg is the frame's own bytes, which the reader reuses after
		// Release, and inflating a later message into them would corrupt another connection's data.
		m.scratch = msg[:0]
	}
	return msg, nil
}

// inflated reports whether Untransform inflated h's payload into memory of its own.
func inflated(h *theader.Header) bool {
	for _, t := range h.Transforms {
		if t == theader.TransformZlib {
			return true
		}
	}
	return false
}

// parseMessage reads the message header of msg and leaves the body in m.Body.
func (m *Message) parseMessage(msg []byte) error {
	var (
		name string
		typ  thrift.MessageType
		seq  int32
		n    int
		err  error
	)
	if m.Protocol == transport.Compact {
		name, typ, seq, n, err = thrift.Compact.ReadMessageBeginNocopy(msg)
	} else {
		name, typ, seq, n, err = thrift.Binary.ReadMessageBeginNocopy(msg)
	}
	if err != nil {
		return classify(err, false)
	}
	if typ < thrift.CALL || typ > thrift.ONEWAY {
		return malformed("message type %d", typ)
	}
	m.Name, m.Type, m.SeqID, m.Body = name, typ, seq, msg[n:]
	return nil
}
