// Package codec reads and writes one Thrift RPC message on linked buffers, in every framing Kestrel
// speaks: KiteX's TTHeader (with or without the inner length of TTHeaderFramed), Apache's THeader
// (zlib included), Framed and Buffered, each with the Binary or Compact protocol. The client and the
// server share it, so a call and its reply are framed by the same code.
//
// A Message holds the envelope of one message: framing (Kind, Protocol, the header of a header
// transport), method name, message type and sequence id. Read fills it from a linkbuf.Reader, sniffing
// the framing on the first message of a connection; Write encodes an envelope and a body (a generated
// args or result struct, or a *thrift.ApplicationException) into a linkbuf.Writer with one Malloc of the
// exact size, the body's large strings and binaries linked rather than copied when asked.
//
// A Message is reused for every message of a connection: its header slices keep their capacity, so
// steady-state reads and writes do not allocate.
//
// Errors: bytes that are not a valid message (bad magic, bad length, unknown protocol, a truncated or
// malformed header) wrap ErrMalformed, a frame over the size limit wraps ErrTooLarge as well; errors of
// the reader itself (timeout, EOF, reset) are returned wrapped but unchanged, so errors.Is finds them.
package codec
