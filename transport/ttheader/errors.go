package ttheader

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error returned by this package wraps exactly one of them, with detail (the
// offset and the values involved) in its message; test with errors.Is.
var (
	// ErrTruncated means the bytes end before the frame, header, block or string they announce.
	ErrTruncated = errors.New("ttheader: truncated")
	// ErrTooLarge means a frame is larger than the allowed maximum, or a header (or one of its
	// strings or counts) is too large to be encoded in TTHeader's fixed-width fields.
	ErrTooLarge = errors.New("ttheader: too large")
	// ErrBadMagic means the bytes at offset 4 are not TTHeader's magic 0x1000.
	ErrBadMagic = errors.New("ttheader: bad magic")
	// ErrBadHeader means the header is malformed: a length field that contradicts the frame, a header
	// size below the minimum, or an unknown info block id.
	ErrBadHeader = errors.New("ttheader: bad header")
	// ErrBadPayload means a Kitex-Protobuf payload's message header is malformed.
	ErrBadPayload = errors.New("ttheader: bad payload")
)

func errorf(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)
}
