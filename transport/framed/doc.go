// Package framed implements Framed Thrift: a 4-byte signed big-endian length followed by exactly one
// Thrift message (Apache doc/specs/thrift-rpc.md, "Framed vs. unframed transport").
//
// The server reads a frame with one Peek of the length and one Next of the whole frame (ReadFrame), so a
// message that lies in one buffer block is decoded in place, never copied. The client writes a frame with
// one Malloc of length and message (AppendFrame) and fills the message in place.
//
// # Limits
//
// A length is checked before anything is read or allocated for it: negative or zero is ErrBadLength,
// more than the maxFrame given is ErrTooLarge, so a server can refuse a hostile length without
// allocating. A maxFrame of 0 or less means DefaultMaxFrame (16 MiB, close to Apache Java's 16,384,000).
//
// # Errors
//
// Errors wrap the sentinels below or, for a reader's own failure, the reader's error (on a
// *linkbuf.Buffer, linkbuf.ErrNotEnough means "the frame is not complete yet"); test with errors.Is.
// Nothing is consumed from the reader when an error is returned.
package framed
