package framed

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/kestrel-rpc/kestrel/linkbuf"
)

const (
	// HeaderLen is the size of the frame length.
	HeaderLen = 4
	// DefaultMaxFrame is the largest message accepted when maxFrame is 0 or less: 16 MiB.
	DefaultMaxFrame = 16 << 20
)

// Sentinel errors; test with errors.Is.
var (
	// ErrTooLarge means a frame length beyond the limit (maxFrame on read, math.MaxInt32 on write).
	ErrTooLarge = errors.New("framed: frame too large")
	// ErrBadLength means a frame length that is negative or zero: no message fits in it.
	ErrBadLength = errors.New("framed: bad frame length")
	// ErrShortHeader means FrameLength was given fewer than HeaderLen bytes.
	ErrShortHeader = errors.New("framed: short frame header")
)

// FrameLength returns the message length announced by the frame header at the start of prefix, after
// checking it: fewer than HeaderLen bytes is ErrShortHeader, a length ≤ 0 is ErrBadLength, a length
// above maxFrame (DefaultMaxFrame if maxFrame ≤ 0) is ErrTooLarge.
func FrameLength(prefix []byte, maxFrame int) (int, error) {
	if len(prefix) < HeaderLen {
		return 0, fmt.Errorf("%w: have %d bytes, need %d", ErrShortHeader, len(prefix), HeaderLen)
	}
	n := int(int32(binary.BigEndian.Uint32(prefix)))
	if maxFrame <= 0 {
		maxFrame = DefaultMaxFrame
	}
	switch {
	case n <= 0:
		return 0, fmt.Errorf("%w: %d", ErrBadLength, n)
	case n > maxFrame:
		return 0, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, n, maxFrame)
	}
	return n, nil
}

// WriteHeader writes the frame header for a message of payloadLen bytes at the start of b and returns
// HeaderLen. b must hold HeaderLen bytes and payloadLen must be in 0..math.MaxInt32.
func WriteHeader(b []byte, payloadLen int) int {
	binary.BigEndian.PutUint32(b, uint32(payloadLen))
	return HeaderLen
}

// ReadFrame reads one whole frame from r and returns its message: Peek of the header, FrameLength,
// then one Next of header and message together. The message is a view of r's memory, valid until r's
// next Release (see linkbuf.Reader); the caller must not write to it.
//
// On a connection's Reader, ReadFrame waits until the whole frame has arrived. On a *linkbuf.Buffer an
// incomplete frame gives an error wrapping linkbuf.ErrNotEnough. In both cases, and for a bad length,
// nothing is consumed.
func ReadFrame(r linkbuf.Reader, maxFrame int) ([]byte, error) {
	h, err := r.Peek(HeaderLen)
	if err != nil {
		return nil, fmt.Errorf("framed: read header: %w", err)
	}
	n, err := FrameLength(h, maxFrame)
	if err != nil {
		return nil, err
	}
	p, err := r.Next(HeaderLen + n)
	if err != nil {
		return nil, fmt.Errorf("framed: read %d-byte frame: %w", n, err)
	}
	return p[HeaderLen:], nil
}

// AppendFrame starts a frame of a size-byte message on w: it Mallocs HeaderLen+size bytes, writes the
// header and returns the size bytes for the message, which the caller fills in place before w's next
// Flush. A codec that links large strings with WriteDirect may do so inside the returned slice exactly
// as inside any Malloc'd region (the header stays in front of it); it then drops the unused end with
// w.MallocAck(before+HeaderLen+size), before being w.MallocLen() ahead of AppendFrame.
//
// A negative size is ErrBadLength, one above math.MaxInt32 ErrTooLarge; a Malloc error is returned
// wrapped. Nothing is written on error.
func AppendFrame(w linkbuf.Writer, size int) ([]byte, error) {
	switch {
	case size < 0:
		return nil, fmt.Errorf("%w: %d", ErrBadLength, size)
	case size > math.MaxInt32-HeaderLen:
		return nil, fmt.Errorf("%w: %d bytes", ErrTooLarge, size)
	}
	p, err := w.Malloc(HeaderLen + size)
	if err != nil {
		return nil, fmt.Errorf("framed: malloc %d bytes: %w", HeaderLen+size, err)
	}
	WriteHeader(p, size)
	return p[HeaderLen:], nil
}
