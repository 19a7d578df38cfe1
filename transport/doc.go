// Package transport names the framings and payload protocols Kestrel speaks and tells them apart from
// the first bytes of a connection.
//
// A server does not know in advance how a client frames its messages: a KiteX client sends TTHeader (in
// v0.13+ with a Framed message inside), an Apache Thrift client Framed or Buffered Binary, an fbthrift
// client THeader, a gRPC client HTTP/2. Detect decides from a prefix of the stream, asking for more bytes
// only while the prefix is ambiguous; Sniff drives it over a linkbuf.Reader.
//
// # Use
//
// A server sniffs once per connection, before reading its first message, and then reads every message
// of the connection with the matching package: Framed with framed.ReadFrame, Buffered with
// buffered.ReadMessage (passing thrift.Binary or thrift.Compact for Binary or Compact), TTHeader and
// THeader with their packages, HTTP2 with the gRPC transport. The Kind and Protocol found are recorded
// in the call's callinfo.Info.
//
// # What Detect accepts
//
// Byte 0 decides the family:
//
//   - 0x80: Buffered strict Binary; byte 1 must be 0x01 (version 1).
//   - 0x82: Buffered Compact; byte 1 must carry version 1 in its low 5 bits and a message type 1..4.
//   - 'P': HTTP/2; all 24 bytes of the client preface "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" must match.
//     A mismatch is reported at the first differing byte.
//   - 0x00..0x3F: a big-endian length word (at most 0x3FFFFFFF, the largest TTHeader frame); bytes
//     4..5 decide, as below.
//   - anything else: Unknown, with an error wrapping ErrUnknownProtocol.
//
// After a length word, bytes 4..5 are:
//
//   - 0x10 0x00: TTHeader; the payload protocol is its PROTOCOL ID at byte 14 (0x00 and 0x10 Binary,
//     0x02 and 0x03 Compact, 0x04 and 0x11 Protobuf).
//   - 0x0F 0xFF: Apache THeader; the payload protocol is its varint PROTOCOL ID at byte 14 (0 Binary, 2
//     Compact; JSON is not supported).
//   - 0x80 0x01 or 0x82 and a Compact type/version byte: Framed Binary or Compact. The length must
//     hold at least a minimal message.
//   - 0x00 at byte 4: Framed old non-strict Binary (see below).
//   - a printable byte at byte 4: Buffered old non-strict Binary (see below).
//
// # Old non-strict Binary
//
// Clients that write the old Binary header (TBinaryProtocol with strictWrite off) start a message
// with the i32 name length, the name, a type byte and the seqid. Detect accepts it, Buffered or inside a
// Framed frame, when the name length is 1..MaxNonStrictName, every name byte is printable ASCII other
// than space (0x21..0x7E: identifiers, and "Service:method" for multiplexed services) and the type byte
// is 1..4. Those rules cannot collide with the other framings: a name byte is never 0x00, 0x0F, 0x10,
// 0x80 or 0x82. The cost is that Detect needs the whole name and the type byte (at most
// MaxDetect bytes) before it answers, because a prefix of printable bytes alone proves
// little.
//
// # Errors
//
// Errors wrap ErrUnknownProtocol (test with errors.Is) and name the offending bytes.
package transport
