package codec

import (
	"errors"
	"fmt"

	"github.com/kestrel-rpc/kestrel/thrift"
	"github.com/kestrel-rpc/kestrel/transport"
	"github.com/kestrel-rpc/kestrel/transport/buffered"
	"github.com/kestrel-rpc/kestrel/transport/framed"
	"github.com/kestrel-rpc/kestrel/transport/theader"
	"github.com/kestrel-rpc/kestrel/transport/ttheader"
)

// DefaultMaxFrameSize is the largest frame (or Buffered message) Read accepts when given no limit.
const DefaultMaxFrameSize = 16 << 20

var (
	// ErrMalformed is wrapped by every error about bytes that are not a valid message.
	ErrMalformed = errors.New("codec: malformed message")
	// ErrTooLarge is wrapped (next to ErrMalformed) when a frame announces more than the size limit.
	ErrTooLarge = errors.New("codec: frame too large")
	// ErrUnsupported is wrapped when the peer uses a framing or payload Kestrel's Thrift path does not
	// serve (HTTP/2, Kitex-Protobuf), or a body has no codec for the protocol asked.
	ErrUnsupported = errors.New("codec: unsupported")
)

// Message is the envelope of one Thrift RPC message. The zero value is ready for Read (which sniffs the
// framing); set Kind and Protocol before Write.
type Message struct {
	// Kind and Protocol are the framing and the payload protocol. Read sets them from the first
	// message if Kind is transport.Unknown and then expects every message to use the same Kind.
	Kind     transport.Kind
	Protocol transport.Protocol
	// FramedPayload is, for TTHeader, whether the payload starts with the inner 4-byte length
	// (TTHeaderFramed, KiteX's default). Read sets it; Write honours it.
	FramedPayload bool
	// TTHeader and THeader are the header of a TTHeader or THeader frame. Read decodes into the one
	// Kind names (its strings alias the frame's bytes: see ttheader.Header); Write encodes it, after
	// setting its SeqID and protocol id from the message.
	TTHeader ttheader.Header
	THeader  theader.Header

	// Name, Type and SeqID are the message header. After Read, Name aliases the frame's bytes.
	Name  string
	Type  thrift.MessageType
	SeqID int32
	// Body is, after Read, the encoded struct that follows the message header: a view of the reader's
	// memory, valid until its next Release.
	Body []byte
	// Size is the wire size of the last message read or written, framing included.
	Size int

	scratch []byte // THeader transforms: the plain message on write, the untransformed one on read
	wire    []byte // THeader transforms on write: the transformed payload
}

// ResetHeaders clears the envelope's headers (keeping their capacity) and the message fields, but not
// Kind, Protocol and FramedPayload: a connection's framing survives from message to message.
func (m *Message) ResetHeaders() {
	m.TTHeader.Reset()
	m.THeader.Reset()
	m.Name, m.Type, m.SeqID, m.Body, m.Size = "", 0, 0, nil, 0
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrMalformed}, args...)...)
}

// classify turns a transport package's error into a codec error: an error of the reader (I/O) passes
// through; anything else is malformed input.
func classify(err error, readerErr bool) error {
	if readerErr {
		return fmt.Errorf("codec: read: %w", err)
	}
	if errors.Is(err, framed.ErrTooLarge) || errors.Is(err, buffered.ErrTooLarge) ||
		errors.Is(err, ttheader.ErrTooLarge) || errors.Is(err, theader.ErrTooLarge) {
		return fmt.Errorf("%w: %w: %w", ErrMalformed, ErrTooLarge, err)
	}
	return fmt.Errorf("%w: %w", ErrMalformed, err)
}

// skipper returns the Thrift protocol that measures a Buffered message.
func skipper(p transport.Protocol) buffered.Skipper {
	if p == transport.Compact {
		return thrift.Compact
	}
	return thrift.Binary
}
