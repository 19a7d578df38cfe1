package thrift

import (
	"errors"
	"strconv"
)

// Sentinel errors. Every decoding error is a *ProtocolError that wraps one of these; test with errors.Is.
var (
	// ErrTruncated means the input ended before the value did. It also covers a length or container
	// size larger than the input that remains: the complete encoding would need more bytes, which is
	// what a reader framing a byte stream must know.
	ErrTruncated = errors.New("thrift: truncated input")
	// ErrTooLarge means a string, binary or name length beyond MaxStringLen.
	ErrTooLarge = errors.New("thrift: size too large")
	// ErrNegativeSize means a length or container size is negative.
	ErrNegativeSize = errors.New("thrift: negative size")
	// ErrBadType means an unknown or unexpected type id.
	ErrBadType = errors.New("thrift: bad type")
	// ErrBadVersion means a message header with an unknown protocol id or version.
	ErrBadVersion = errors.New("thrift: bad protocol version")
	// ErrBadVarint means a Compact varint that is longer than its type allows or overflows it.
	ErrBadVarint = errors.New("thrift: bad varint")
	// ErrBadValue means a value outside its domain: a message type other than 1..4, a Compact bool
	// byte other than 0, 1 or 2.
	ErrBadValue = errors.New("thrift: bad value")
	// ErrDepth means structs and containers nest deeper than MaxDepth.
	ErrDepth = errors.New("thrift: nesting too deep")
	// ErrMissingRequired means a required field was not set (see NewRequiredFieldError).
	ErrMissingRequired = errors.New("thrift: required field not set")
	// ErrBadUnion means a union with other than exactly one field set (see NewUnionError).
	ErrBadUnion = errors.New("thrift: union must have exactly one field set")
)

// ProtocolError is the error every reader returns: what was wrong, where (an offset relative to the
// slice the reader was given), and the sentinel it wraps.
type ProtocolError struct {
	// Proto is "binary" or "compact".
	Proto string
	// What names the item being read, e.g. "string length" or "list size".
	What string
	// Offset is where the item starts, relative to the slice passed to the reader.
	Offset int
	// Detail adds the offending value(s), e.g. "-5" or "need 8 bytes, have 3"; may be empty.
	Detail string
	// Err is the sentinel (ErrTruncated, ErrTooLarge, ...).
	Err error

	typeID int32 // ApplicationException code when it is not ProtocolErrorType; 0 means the default
}

// Error returns e.g. "thrift binary: string length at offset 4: -5: thrift: negative size".
func (e *ProtocolError) Error() string {
	s := "thrift " + e.Proto + ": " + e.What + " at offset " + strconv.Itoa(e.Offset)
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the sentinel.
func (e *ProtocolError) Unwrap() error { return e.Err }

// TypeID returns the ApplicationException type code that a server answers this error with:
// InvalidProtocol for a bad version, InvalidMessageType for a bad message type, else ProtocolErrorType.
func (e *ProtocolError) TypeID() int32 {
	switch {
	case e.typeID != 0:
		return e.typeID
	case e.Err == ErrBadVersion:
		return InvalidProtocol
	}
	return ProtocolErrorType
}

// Apache TProtocolException type codes, for peers that carry them.
const (
	protoExUnknown     = 0
	protoExInvalidData = 1
	protoExNegative    = 2
	protoExSizeLimit   = 3
	protoExBadVersion  = 4
	protoExDepthLimit  = 6
)

// ProtocolExceptionType returns the Apache TProtocolException type code for this error (UNKNOWN 0,
// INVALID_DATA 1, NEGATIVE_SIZE 2, SIZE_LIMIT 3, BAD_VERSION 4, DEPTH_LIMIT 6).
func (e *ProtocolError) ProtocolExceptionType() int32 {
	switch e.Err {
	case ErrNegativeSize:
		return protoExNegative
	case ErrTooLarge:
		return protoExSizeLimit
	case ErrBadVersion:
		return protoExBadVersion
	case ErrDepth:
		return protoExDepthLimit
	case ErrBadType, ErrBadVarint, ErrBadValue, ErrTruncated:
		return protoExInvalidData
	}
	return protoExUnknown
}

// The constructors below are kept out of line so the readers that call them on their cold paths stay
// small enough to inline.

//go:noinline
func newError(proto, what string, off int, sentinel error, detail string) error {
	return &ProtocolError{Proto: proto, What: what, Offset: off, Detail: detail, Err: sentinel}
}

//go:noinline
func errMessageType(proto string, off int, t MessageType) error {
	return &ProtocolError{Proto: proto, What: "message type", Offset: off, Err: ErrBadValue,
		Detail: strconv.Itoa(int(t)) + " is not CALL, REPLY, EXCEPTION or ONEWAY", typeID: InvalidMessageType}
}

//go:noinline
func errTruncated(proto, what string, off, need, have int) error {
	return &ProtocolError{Proto: proto, What: what, Offset: off, Err: ErrTruncated,
		Detail: "need " + strconv.Itoa(need) + " bytes, have " + strconv.Itoa(have)}
}

// errSize explains why a length or container size read at off is not acceptable: negative
// (ErrNegativeSize), beyond MaxStringLen for a string (ErrTooLarge), or beyond the avail bytes left
// (ErrTruncated: the complete encoding would need more input).
//
//go:noinline
func errSize(proto, what string, off int, size int64, avail int, isString bool) error {
	if size < 0 {
		return &ProtocolError{Proto: proto, What: what, Offset: off, Err: ErrNegativeSize,
			Detail: strconv.FormatInt(size, 10)}
	}
	if isString && size > MaxStringLen {
		return &ProtocolError{Proto: proto, What: what, Offset: off, Err: ErrTooLarge,
			Detail: strconv.FormatInt(size, 10) + " exceeds the limit of " + strconv.Itoa(MaxStringLen)}
	}
	return &ProtocolError{Proto: proto, What: what, Offset: off, Err: ErrTruncated,
		Detail: strconv.FormatInt(size, 10) + " exceeds the " + strconv.Itoa(avail) + " remaining bytes"}
}

//go:noinline
func errType(proto, what string, off int, t byte) error {
	return &ProtocolError{Proto: proto, What: what, Offset: off, Err: ErrBadType,
		Detail: "type id " + strconv.Itoa(int(t))}
}

// withOffset returns err with its offset moved by base, for readers that call other readers on a
// sub-slice. Errors that are not *ProtocolError pass through.
func withOffset(err error, base int) error {
	if pe, ok := err.(*ProtocolError); ok && base != 0 {
		c := *pe
		c.Offset += base
		return &c
	}
	return err
}

// NewRequiredFieldError returns the error generated code gives when required field structName.fieldName
// is missing on read or unset on write: "thrift: required field X.Y is not set", wrapping
// ErrMissingRequired.
func NewRequiredFieldError(structName, fieldName string) error {
	return &fieldError{msg: "thrift: required field " + structName + "." + fieldName + " is not set",
		err: ErrMissingRequired}
}

// NewUnionError returns the error generated code gives when union structName has set fields set instead
// of exactly one, wrapping ErrBadUnion.
func NewUnionError(structName string, set int) error {
	return &fieldError{msg: "thrift: union " + structName + " has " + strconv.Itoa(set) +
		" fields set, want exactly one", err: ErrBadUnion}
}

type fieldError struct {
	msg string
	err error
}

func (e *fieldError) Error() string { return e.msg }
func (e *fieldError) Unwrap() error { return e.err }

// TypeID returns ProtocolErrorType: a missing required field or a bad union is invalid data.
func (e *fieldError) TypeID() int32 { return ProtocolErrorType }
