package buffered

import (
	"errors"
	"fmt"

	"github.com/kestrel-rpc/kestrel/linkbuf"
	"github.com/kestrel-rpc/kestrel/thrift"
)

const (
	// DefaultMaxMessage is the largest message accepted when maxMessage is 0 or less: 16 MiB, the
	// same as framed.DefaultMaxFrame.
	DefaultMaxMessage = 16 << 20
	// InitialPeek is the size of the first prefix ReadMessage measures (if that many bytes are held).
	// Most RPC messages are smaller, so they are measured in one pass; each further pass costs the
	// runtime's truncation error (a few small allocations) plus a re-parse.
	InitialPeek = 4 << 10
)

// Sentinel errors; test with errors.Is.
var (
	// ErrTooLarge means a message longer than the maxMessage limit.
	ErrTooLarge = errors.New("buffered: message too large")
	// ErrBadMessage means bytes that are not a Thrift message; the error also wraps the Thrift
	// runtime's sentinel that says why.
	ErrBadMessage = errors.New("buffered: bad message")
)

// Skipper measures one whole Thrift message. thrift.Binary and thrift.Compact implement it.
type Skipper interface {
	// SkipMessage returns the size of the message at the start of b; an error wrapping
	// thrift.ErrTruncated means b holds only part of it.
	SkipMessage(b []byte) (int, error)
}

// MessageLength returns the size of the message at the start of b in protocol proto (thrift.Binary or
// thrift.Compact). An error wrapping thrift.ErrTruncated means b holds only a prefix of the message:
// read more and call again. Any other error wraps ErrBadMessage and the Thrift sentinel. MessageLength
// does not allocate unless it returns an error.
func MessageLength(b []byte, proto Skipper) (int, error) {
	n, err := skipMessage(b, proto)
	if err != nil {
		if errors.Is(err, thrift.ErrTruncated) {
			return 0, err
		}
		return 0, fmt.Errorf("%w: %w", ErrBadMessage, err)
	}
	return n, nil
}

// ReadMessage reads one whole message in protocol proto (thrift.Binary or thrift.Compact) from r, with
// growing Peeks as the package comment describes and then one Next. The message is a view of r's
// memory, valid until r's next Release; the caller must not write to it.
//
// A message longer than maxMessage (DefaultMaxMessage if maxMessage ≤ 0) is ErrTooLarge; malformed
// bytes are ErrBadMessage; on a *linkbuf.Buffer an incomplete message is an error wrapping
// linkbuf.ErrNotEnough. Nothing is consumed on error.
func ReadMessage(r linkbuf.Reader, proto Skipper, maxMessage int) ([]byte, error) {
	if maxMessage <= 0 {
		maxMessage = DefaultMaxMessage
	}
	seen := 0 // bytes already examined without finding the message's end
	for {
		ask := min(max(2*seen, InitialPeek), maxMessage)
		if avail := r.Len(); ask > avail {
			ask = max(avail, seen+1) // seen+1 waits (connection) or fails (Buffer) for more bytes
		}
		p, err := r.Peek(ask)
		if err != nil {
			return nil, fmt.Errorf("buffered: peek %d bytes: %w", ask, err)
		}
		n, err := skipMessage(p, proto)
		if err == nil {
			if p, err = r.Next(n); err != nil {
				return nil, fmt.Errorf("buffered: read %d-byte message: %w", n, err)
			}
			return p, nil
		}
		if !errors.Is(err, thrift.ErrTruncated) {
			return nil, fmt.Errorf("%w: %w", ErrBadMessage, err)
		}
		if ask >= maxMessage {
			return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, maxMessage)
		}
		seen = ask
	}
}

// skipMessage is proto.SkipMessage(b) without its allocation: the runtime's SkipMessage copies the
// method name into a string it then drops, so for the runtime's own protocols the header is read with
// ReadMessageBeginNocopy and the body measured with Skip. Error offsets of the body are then relative
// to the body's start.
func skipMessage(b []byte, proto Skipper) (int, error) {
	var (
		n   int
		err error
	)
	switch p := proto.(type) {
	case thrift.BinaryProtocol:
		if _, _, _, n, err = p.ReadMessageBeginNocopy(b); err == nil {
			var m int
			m, err = p.Skip(b[n:], thrift.STRUCT)
			n += m
		}
	case thrift.CompactProtocol:
		if _, _, _, n, err = p.ReadMessageBeginNocopy(b); err == nil {
			var m int
			m, err = p.Skip(b[n:], thrift.STRUCT)
			n += m
		}
	default:
		return proto.SkipMessage(b)
	}
	if err != nil {
		return 0, err
	}
	return n, nil
}
