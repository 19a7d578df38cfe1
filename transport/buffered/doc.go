// Package buffered implements Buffered (unframed) Thrift: a bare stream of Thrift messages, where the
// end of a message is found only by parsing it (Apache doc/specs/thrift-rpc.md, "Framed vs. unframed
// transport").
//
// MessageLength measures a message with the Thrift runtime's allocation-free SkipMessage. ReadMessage
// reads one whole message from a linkbuf.Reader: it peeks growing prefixes until one holds the whole
// message, then takes it with a single Next, so the message is decoded in place like a Framed one.
//
// # Peeking strategy
//
// A prefix is measured first at InitialPeek bytes, then at twice the previous size each time the
// message turned out longer, but never beyond what the reader already holds (Len) nor beyond maxMessage.
// Only when every byte held has been examined does ReadMessage ask for one byte more than it has seen.
// On a connection's Reader that Peek waits until more bytes arrive; on a *linkbuf.Buffer, which never
// blocks, it fails with linkbuf.ErrNotEnough and the caller tries again once more bytes have arrived.
// Asking a blocking reader for twice the bytes instead would deadlock on the common case of a client
// that sends one short message and waits for its reply.
//
// Each attempt parses from the start of the message, so a message that arrives in many small pieces
// costs more than one pass; the doubling keeps that to a logarithmic number of passes when the bytes
// are there.
//
// # Limits and errors
//
// A message longer than maxMessage (DefaultMaxMessage if maxMessage ≤ 0) is ErrTooLarge: ReadMessage
// never peeks more than maxMessage bytes. Malformed input is an error wrapping the Thrift runtime's
// sentinel (thrift.ErrBadVersion, thrift.ErrBadType, ...) and ErrBadMessage. A reader's own errors are
// returned wrapped. Test with errors.Is. Nothing is consumed when an error is returned.
package buffered
