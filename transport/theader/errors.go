package theader

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error returned by this package wraps exactly one of them, with detail (the
// offset and the values involved) in its message; test with errors.Is.
var (
	// ErrTruncated means the bytes end before the frame, header, varint or string they announce.
	ErrTruncated = errors.New("theader: truncated")
	// ErrTooLarge means a frame is larger than the allowed maximum, a payload inflates past it, or a
	// header is too large for the HEADER SIZE field.
	ErrTooLarge = errors.New("theader: too large")
	// ErrBadMagic means the bytes at offset 4 are not THeader's magic 0x0FFF.
	ErrBadMagic = errors.New("theader: bad magic")
	// ErrBadHeader means the header is malformed: a length field that contradicts the frame, a header
	// size below the minimum, or a varint longer than 5 bytes or beyond 32 bits.
	ErrBadHeader = errors.New("theader: bad header")
	// ErrUnsupportedTransform means the frame asks for a transform other than none and zlib. A server
	// answers it with a TApplicationException of type INVALID_TRANSFORM (8).
	ErrUnsupportedTransform = errors.New("theader: unsupported transform")
	// ErrBadPayload means a transformed payload is corrupt (for zlib: a bad stream or checksum).
	ErrBadPayload = errors.New("theader: bad payload")
)

func errorf(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)
}
