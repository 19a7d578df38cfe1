package transport_test

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/kestrel-rpc/kestrel/linkbuf"
	"github.com/kestrel-rpc/kestrel/thrift"
	"github.com/kestrel-rpc/kestrel/transport"
)

// binaryMsg is a strict Binary CALL "echo" seq 7 with an empty args struct.
func binaryMsg() []byte {
	b := make([]byte, thrift.Binary.MessageBeginLength("echo")+1)
	n := thrift.Binary.WriteMessageBegin(b, "echo", thrift.CALL, 7)
	thrift.Binary.WriteFieldStop(b[n:])
	return b
}

// compactMsg is a Compact CALL "echo" seq 7 with an empty args struct.
func compactMsg() []byte {
	b := make([]byte, thrift.Compact.MessageBeginLength("echo", 7)+1)
	n := thrift.Compact.WriteMessageBegin(b, "echo", thrift.CALL, 7)
	b[n] = 0 // STOP
	return b
}

// nonStrictMsg is an old non-strict Binary CALL "echo" seq 7 with an empty args struct.
func nonStrictMsg() []byte {
	b := []byte{0, 0, 0, 4, 'e', 'c', 'h', 'o', 1, 0, 0, 0, 7, 0}
	return b
}

// frame prefixes msg with its big-endian length.
func frame(msg []byte) []byte {
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(msg))), msg...)
}

// header builds a TTHeader (magic 0x1000) or THeader (0x0FFF) packet prefix with the given protocol id.
func header(magic uint16, protoID byte) []byte {
	b := make([]byte, 0, 32)
	b = binary.BigEndian.AppendUint32(b, 18) // length: rest of this packet
	b = binary.BigEndian.AppendUint16(b, magic)
	b = binary.BigEndian.AppendUint16(b, 0) // flags
	b = binary.BigEndian.AppendUint32(b, 1) // seq
	b = binary.BigEndian.AppendUint16(b, 1) // header size / 4
	b = append(b, protoID, 0, 0, 0)         // protocol, transforms, padding
	b = append(b, 0x80, 0x01, 0x00, 0x01)   // start of a payload
	return b
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name  string
		in    []byte
		kind  transport.Kind
		proto transport.Protocol
		// decide is the length of the shortest prefix that decides; every shorter prefix must ask for
		// more (and never past decide).
		decide int
	}{
		{"buffered binary", binaryMsg(), transport.Buffered, transport.Binary, 2},
		{"buffered compact", compactMsg(), transport.Buffered, transport.Compact, 2},
		{"buffered non-strict", nonStrictMsg(), transport.Buffered, transport.Binary, 9},
		{"framed binary", frame(binaryMsg()), transport.Framed, transport.Binary, 6},
		{"framed compact", frame(compactMsg()), transport.Framed, transport.Compact, 6},
		{"framed non-strict", frame(nonStrictMsg()), transport.Framed, transport.Binary, 13},
		{"ttheader binary", header(0x1000, 0x00), transport.TTHeader, transport.Binary, 15},
		{"ttheader compact", header(0x1000, 0x02), transport.TTHeader, transport.Compact, 15},
		{"ttheader compactv2", header(0x1000, 0x03), transport.TTHeader, transport.Compact, 15},
		{"ttheader protobuf", header(0x1000, 0x04), transport.TTHeader, transport.Protobuf, 15},
		{"ttheader streaming struct", header(0x1000, 0x10), transport.TTHeader, transport.Binary, 15},
		{"ttheader streaming protobuf", header(0x1000, 0x11), transport.TTHeader, transport.Protobuf, 15},
		{"theader binary", header(0x0FFF, 0x00), transport.THeader, transport.Binary, 15},
		{"theader compact", header(0x0FFF, 0x02), transport.THeader, transport.Compact, 15},
		{"http2", []byte(transport.HTTP2Preface + "\x00\x00\x00\x04"), transport.HTTP2, transport.NoProtocol, 24},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for n := 0; n < tt.decide; n++ {
				k, p, need, err := transport.Detect(tt.in[:n])
				if err != nil || k != transport.Unknown || p != transport.NoProtocol || need <= n || need > tt.decide {
					t.Fatalf("Detect(%d bytes) = %v, %v, need %d, %v; want more bytes, at most %d",
						n, k, p, need, err, tt.decide)
				}
			}
			for n := tt.decide; n <= len(tt.in); n++ {
				k, p, need, err := transport.Detect(tt.in[:n])
				if err != nil || k != tt.kind || p != tt.proto || need != 0 {
					t.Fatalf("Detect(%d bytes) = %v, %v, need %d, %v; want %v, %v", n, k, p, need, err, tt.kind, tt.proto)
				}
			}
		})
	}
}

func TestDetectErrors(t *testing.T) {
	long := frame(nonStrictMsg())
	tests := []struct {
		name string
		in   []byte
	}{
		{"garbage first byte", []byte{0xff, 0, 0, 0}},
		{"text", []byte("GET / HTTP/1.1\r\n")},
		{"binary bad version", []byte{0x80, 0x02, 0, 1}},
		{"compact bad version", []byte{0x82, 0x22}},
		{"compact bad type", []byte{0x82, 0xa1}},
		{"http2 mismatch", []byte("PRI * HTTP/1.1\r\n")},
		{"http2 early mismatch", []byte("PX")},
		{"framed binary bad version", []byte{0, 0, 0, 20, 0x80, 0x02}},
		{"framed binary too short", []byte{0, 0, 0, 12, 0x80, 0x01}},
		{"framed compact bad version", []byte{0, 0, 0, 20, 0x82, 0x02}},
		{"framed compact too short", []byte{0, 0, 0, 4, 0x82, 0x21}},
		{"unknown magic", []byte{0, 0, 0, 20, 0x12, 0x34}},
		{"ttheader bad protocol", header(0x1000, 0x07)},
		{"ttheader short length", []byte{0, 0, 0, 10, 0x10, 0x00, 0, 0}},
		{"theader json", header(0x0FFF, 0x01)},
		{"non-strict zero name", []byte{0, 0, 0, 0, 'a', 'b'}},
		{"non-strict long name", []byte{0, 0, 1, 0, 'a', 'b'}},
		{"non-strict control byte", []byte{0, 0, 0, 4, 'e', '\n', 'h', 'o', 1}},
		{"non-strict bad type", []byte{0, 0, 0, 4, 'e', 'c', 'h', 'o', 5}},
		{"framed non-strict bad name", append(long[:9:9], 0x01)},
		{"framed non-strict too short", []byte{0, 0, 0, 10, 0, 0, 0, 1, 'x', 1}},
		{"zero length", []byte{0, 0, 0, 0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, p, need, err := transport.Detect(tt.in)
			if !errors.Is(err, transport.ErrUnknownProtocol) || k != transport.Unknown || p != transport.NoProtocol || need != 0 {
				t.Fatalf("Detect(% x) = %v, %v, need %d, %v; want ErrUnknownProtocol", tt.in, k, p, need, err)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	for _, in := range [][]byte{compactMsg(), frame(binaryMsg()), header(0x1000, 0), []byte(transport.HTTP2Preface)} {
		want, wantP, _, _ := transport.Detect(in)
		buf := linkbuf.NewFromBytes(in)
		k, p, err := transport.Sniff(buf)
		if err != nil || k != want || p != wantP {
			t.Fatalf("Sniff(% x) = %v, %v, %v; want %v, %v", in, k, p, err, want, wantP)
		}
		if buf.Len() != len(in) {
			t.Fatalf("Sniff consumed bytes: Len %d, want %d", buf.Len(), len(in))
		}
	}
	// Too few bytes on a non-blocking buffer: ErrNotEnough, nothing consumed.
	buf := linkbuf.NewFromBytes(frame(binaryMsg())[:5])
	if _, _, err := transport.Sniff(buf); !errors.Is(err, linkbuf.ErrNotEnough) {
		t.Fatalf("Sniff(short) error = %v, want ErrNotEnough", err)
	}
	buf = linkbuf.NewFromBytes([]byte{0xff})
	if _, _, err := transport.Sniff(buf); !errors.Is(err, transport.ErrUnknownProtocol) {
		t.Fatalf("Sniff(garbage) error = %v, want ErrUnknownProtocol", err)
	}
}

func TestStrings(t *testing.T) {
	if s := transport.TTHeader.String(); s != "ttheader" {
		t.Errorf("TTHeader.String() = %q", s)
	}
	if s := transport.Kind(99).String(); s != "Kind(99)" {
		t.Errorf("Kind(99).String() = %q", s)
	}
	if s := transport.Compact.String(); s != "compact" {
		t.Errorf("Compact.String() = %q", s)
	}
	if s := transport.Protocol(9).String(); s != "Protocol(9)" {
		t.Errorf("Protocol(9).String() = %q", s)
	}
}

func FuzzDetect(f *testing.F) {
	for _, s := range [][]byte{binaryMsg(), compactMsg(), nonStrictMsg(), frame(binaryMsg()), frame(compactMsg()),
		frame(nonStrictMsg()), header(0x1000, 0), header(0x0FFF, 2), []byte(transport.HTTP2Preface), {0xff}} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		k, p, need, err := transport.Detect(in)
		switch {
		case err != nil:
			if !errors.Is(err, transport.ErrUnknownProtocol) || k != transport.Unknown || need != 0 {
				t.Fatalf("error result %v, %v, %d, %v", k, p, need, err)
			}
		case need != 0:
			if need <= len(in) || need > transport.MaxDetect || k != transport.Unknown {
				t.Fatalf("need %d for %d bytes (kind %v)", need, len(in), k)
			}
		default:
			if k == transport.Unknown {
				t.Fatal("no kind, no need, no error")
			}
			// A decision is stable: more bytes never change it.
			k2, p2, _, err2 := transport.Detect(append(in[:len(in):len(in)], 0xAA, 0x55))
			if k2 != k || p2 != p || err2 != nil {
				t.Fatalf("decision changed with more bytes: %v/%v -> %v/%v %v", k, p, k2, p2, err2)
			}
		}
	})
}
