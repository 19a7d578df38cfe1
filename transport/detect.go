package transport

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/kestrel-rpc/kestrel/linkbuf"
)

// Kind is the framing of a connection's messages.
type Kind uint8

// Framings. The zero value is Unknown.
const (
	Unknown  Kind = iota // Unknown: not (yet) recognised.
	TTHeader             // TTHeader is KiteX's header transport (magic 0x1000).
	THeader              // THeader is Apache/fbthrift's header transport (magic 0x0FFF).
	Framed               // Framed is a 4-byte big-endian length followed by one Thrift message.
	Buffered             // Buffered is a bare stream of Thrift messages (unframed).
	HTTP2                // HTTP2 is HTTP/2 (gRPC), recognised by the client connection preface.
)

var kindNames = [...]string{"unknown", "ttheader", "theader", "framed", "buffered", "http2"}

// String returns the framing's lower-case name, e.g. "framed", or "Kind(n)".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Protocol is the payload protocol: for Framed and Buffered the Thrift protocol of the message, for
// TTHeader and THeader the protocol of the payload the header announces.
type Protocol uint8

// Payload protocols. The zero value is NoProtocol (unknown, or HTTP/2 where the payload is decided per
// stream by its content-type).
const (
	NoProtocol Protocol = iota // NoProtocol: unknown or not applicable.
	Binary                     // Binary is the Thrift Binary protocol (strict or old non-strict).
	Compact                    // Compact is the Thrift Compact protocol.
	Protobuf                   // Protobuf is Kitex-Protobuf inside TTHeader (PROTOCOL ID 0x04 or 0x11).
)

var protocolNames = [...]string{"none", "binary", "compact", "protobuf"}

// String returns the protocol's lower-case name, e.g. "binary", or "Protocol(n)".
func (p Protocol) String() string {
	if int(p) < len(protocolNames) {
		return protocolNames[p]
	}
	return fmt.Sprintf("Protocol(%d)", uint8(p))
}

// ErrUnknownProtocol means the first bytes of a stream match none of the framings Kestrel speaks. Every
// error from Detect and Sniff's own checks wraps it.
var ErrUnknownProtocol = errors.New("transport: unknown protocol")

// HTTP2Preface is the client connection preface that opens every HTTP/2 connection (RFC 9113 §3.4).
const HTTP2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

const (
	// MaxNonStrictName is the longest method name Detect accepts in an old non-strict Binary header.
	MaxNonStrictName = 255
	// MaxDetect is the most bytes Detect ever asks for (a frame length, then a non-strict header with
	// the longest name and its type byte). Sniff never peeks further.
	MaxDetect = 4 + 4 + MaxNonStrictName + 1

	maxLength       = 0x3FFFFFFF // largest length word Detect treats as a length (TTHeader's max frame)
	headerProtoOff  = 14         // TTHeader/THeader PROTOCOL ID offset
	minBinaryStrict = 13         // 0x80 0x01 0x00 type, name length 0, seqid, STOP
	minCompact      = 5          // 0x82, type|version, seqid varint, name length varint 0, STOP
	minNonStrict    = 11         // name length 1, name, type, seqid, STOP
	compactVersion  = 1
	compactVerMask  = 0x1f
)

// Detect tells the framing and payload protocol of a stream from its first bytes, prefix. It decides
// from as few bytes as possible: when prefix is too short to decide, it returns need > len(prefix), the
// number of bytes to call it again with, and Unknown, NoProtocol, nil. Otherwise need is 0 and either
// kind is known or err wraps ErrUnknownProtocol. Detect does not allocate unless it returns an error.
// The package comment lists the rules.
func Detect(prefix []byte) (kind Kind, proto Protocol, need int, err error) {
	if len(prefix) == 0 {
		return Unknown, NoProtocol, 1, nil
	}
	switch b0 := prefix[0]; {
	case b0 == 0x80:
		if len(prefix) < 2 {
			return Unknown, NoProtocol, 2, nil
		}
		if prefix[1] != 0x01 {
			return unknown(prefix, 2, "Binary version byte")
		}
		return Buffered, Binary, 0, nil
	case b0 == 0x82:
		if len(prefix) < 2 {
			return Unknown, NoProtocol, 2, nil
		}
		if !compactTypeVersion(prefix[1]) {
			return unknown(prefix, 2, "Compact type/version byte")
		}
		return Buffered, Compact, 0, nil
	case b0 == HTTP2Preface[0]:
		n := min(len(prefix), len(HTTP2Preface))
		for i := 1; i < n; i++ {
			if prefix[i] != HTTP2Preface[i] {
				return unknown(prefix, i+1, "HTTP/2 preface")
			}
		}
		if n < len(HTTP2Preface) {
			return Unknown, NoProtocol, len(HTTP2Preface), nil
		}
		return HTTP2, NoProtocol, 0, nil
	case b0 <= maxLength>>24:
		return detectLength(prefix)
	}
	return unknown(prefix, 1, "first byte")
}

// detectLength handles a stream that starts with a plausible length word.
func detectLength(prefix []byte) (Kind, Protocol, int, error) {
	if len(prefix) < 6 {
		// Bytes 4..5 decide. Every valid stream that starts with a length word is longer than that.
		return Unknown, NoProtocol, 6, nil
	}
	length := int(binary.BigEndian.Uint32(prefix))
	b4, b5 := prefix[4], prefix[5]
	switch {
	case b4 == 0x10 && b5 == 0x00, b4 == 0x0F && b5 == 0xFF:
		kind := TTHeader
		if b4 == 0x0F {
			kind = THeader
		}
		if length < headerProtoOff+1-4 {
			return unknown(prefix, 6, kind.String()+" length")
		}
		if len(prefix) < headerProtoOff+1 {
			return Unknown, NoProtocol, headerProtoOff + 1, nil
		}
		proto := headerProtocol(kind, prefix[headerProtoOff])
		if proto == NoProtocol {
			return unknown(prefix, headerProtoOff+1, kind.String()+" protocol id")
		}
		return kind, proto, 0, nil
	case b4 == 0x80:
		if b5 != 0x01 {
			return unknown(prefix, 6, "Framed Binary version byte")
		}
		if length < minBinaryStrict {
			return unknown(prefix, 6, "Framed length")
		}
		return Framed, Binary, 0, nil
	case b4 == 0x82:
		if !compactTypeVersion(b5) {
			return unknown(prefix, 6, "Framed Compact type/version byte")
		}
		if length < minCompact {
			return unknown(prefix, 6, "Framed length")
		}
		return Framed, Compact, 0, nil
	case b4 == 0x00:
		// Framed non-strict Binary: bytes 4..7 are the message's name length.
		if length < minNonStrict {
			return unknown(prefix, 6, "Framed length")
		}
		need, ok := nonStrict(prefix, 4)
		if !ok {
			return unknown(prefix, min(len(prefix), 4+need), "Framed non-strict Binary header")
		}
		if need > len(prefix) {
			return Unknown, NoProtocol, need, nil
		}
		return Framed, Binary, 0, nil
	case printable(b4):
		need, ok := nonStrict(prefix, 0)
		if !ok {
			return unknown(prefix, min(len(prefix), need), "non-strict Binary header")
		}
		if need > len(prefix) {
			return Unknown, NoProtocol, need, nil
		}
		return Buffered, Binary, 0, nil
	}
	return unknown(prefix, 6, "bytes 4..5")
}

// nonStrict checks an old non-strict Binary header at b[off:] as far as b goes. It returns the number
// of bytes (from the start of b) needed to finish the check and whether what is there is plausible. When
// ok is false, need is the length of the prefix that proved it wrong.
func nonStrict(b []byte, off int) (need int, ok bool) {
	if len(b) < off+4 {
		return off + 4, true
	}
	l := int(binary.BigEndian.Uint32(b[off:]))
	if l < 1 || l > MaxNonStrictName {
		return off + 4, false
	}
	end := off + 4 + l // type byte
	for i := off + 4; i < min(end, len(b)); i++ {
		if !printable(b[i]) {
			return i + 1, false
		}
	}
	if len(b) <= end {
		return end + 1, true
	}
	if t := b[end]; t < 1 || t > 4 {
		return end + 1, false
	}
	return end + 1, true
}

// printable reports whether c may appear in a method name: printable ASCII other than space.
func printable(c byte) bool { return c >= 0x21 && c <= 0x7E }

// compactTypeVersion reports whether c is a Compact message's type/version byte.
func compactTypeVersion(c byte) bool {
	t := c >> 5
	return c&compactVerMask == compactVersion && t >= 1 && t <= 4
}

// headerProtocol maps a TTHeader or THeader PROTOCOL ID byte to a Protocol (NoProtocol if unknown).
func headerProtocol(kind Kind, id byte) Protocol {
	if kind == THeader { // varint; every id Apache defines is < 0x80
		switch id {
		case 0x00:
			return Binary
		case 0x02:
			return Compact
		}
		return NoProtocol
	}
	switch id {
	case 0x00, 0x10: // Binary message; 0x10 a bare struct (TTHeader Streaming)
		return Binary
	case 0x02, 0x03: // Compact, CompactV2
		return Compact
	case 0x04, 0x11:
		return Protobuf
	}
	return NoProtocol
}

// unknown builds Detect's error, quoting at most the first n bytes of b (and at most 16).
func unknown(b []byte, n int, what string) (Kind, Protocol, int, error) {
	n = min(n, len(b), 16)
	return Unknown, NoProtocol, 0, fmt.Errorf("%w: bad %s in first bytes % x", ErrUnknownProtocol, what, b[:n])
}

// Sniff detects the framing of the stream r reads, peeking (never consuming) as many bytes as Detect
// asks for, at most MaxDetect. On a connection's Reader each Peek waits for its bytes, so Sniff returns
// as soon as the client has sent enough to decide, and a client that sends a short message (a 5-byte
// Compact oneway) is not kept waiting for bytes that will never come. On a *linkbuf.Buffer, which never
// blocks, an error wrapping linkbuf.ErrNotEnough means "call again when more bytes have arrived".
// Errors from Peek are returned wrapped; the others wrap ErrUnknownProtocol.
func Sniff(r linkbuf.Reader) (Kind, Protocol, error) {
	need := 1
	for {
		p, err := r.Peek(need)
		if err != nil {
			return Unknown, NoProtocol, fmt.Errorf("transport: sniff: peek %d bytes: %w", need, err)
		}
		kind, proto, more, err := Detect(p)
		if err != nil || more == 0 {
			return kind, proto, err
		}
		need = more
	}
}
