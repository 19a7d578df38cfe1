package codec_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/kestrel-rpc/kestrel/codec"
	bench "github.com/kestrel-rpc/kestrel/internal/gentest/bench"
	"github.com/kestrel-rpc/kestrel/internal/unsafex"
	"github.com/kestrel-rpc/kestrel/linkbuf"
	"github.com/kestrel-rpc/kestrel/thrift"
	"github.com/kestrel-rpc/kestrel/transport"
	"github.com/kestrel-rpc/kestrel/transport/theader"
	"github.com/kestrel-rpc/kestrel/transport/ttheader"
)

// framing is one row of the Kind x Protocol matrix (with TTHeader's two payload forms and THeader's
// zlib transform as rows of their own).
type framing struct {
	name   string
	kind   transport.Kind
	proto  transport.Protocol
	framed bool // TTHeader: inner length
	zlib   bool // THeader: zlib transform
}

func framings() []framing {
	var out []framing
	for _, p := range []transport.Protocol{transport.Binary, transport.Compact} {
		out = append(out,
			framing{name: "ttheader-framed", kind: transport.TTHeader, proto: p, framed: true},
			framing{name: "ttheader", kind: transport.TTHeader, proto: p},
			framing{name: "theader", kind: transport.THeader, proto: p},
			framing{name: "theader-zlib", kind: transport.THeader, proto: p, zlib: true},
			framing{name: "framed", kind: transport.Framed, proto: p},
			framing{name: "buffered", kind: transport.Buffered, proto: p},
		)
	}
	for i := range out {
		out[i].name += "/" + out[i].proto.String()
	}
	return out
}

// envelope returns a message of framing f with header info set where the framing has headers.
func envelope(f framing, name string, typ thrift.MessageType, seq int32) *codec.Message {
	m := &codec.Message{Kind: f.kind, Protocol: f.proto, FramedPayload: f.framed, Name: name, Type: typ, SeqID: seq}
	switch f.kind {
	case transport.TTHeader:
		m.TTHeader.SetInt(ttheader.ToService, "EchoService")
		m.TTHeader.SetInt(ttheader.ToMethod, name)
		m.TTHeader.SetInt(ttheader.RPCTimeout, "250")
		m.TTHeader.SetStr(ttheader.PrefixTransient+"tenant", "t1")
		m.TTHeader.SetStr(ttheader.PrefixPersistent+"trace", "abc")
	case transport.THeader:
		m.THeader.Set(ttheader.PrefixTransient+"tenant", "t1")
		m.THeader.Set("plain", "v")
		if f.zlib {
			m.THeader.Transforms = append(m.THeader.Transforms, theader.TransformZlib)
		}
	}
	return m
}

func echoArgs(msg string) *bench.EchoServiceEchoArgs {
	return &bench.EchoServiceEchoArgs{Req: &bench.Echo{Msg: msg}}
}

// encode writes one message of framing f and returns its wire bytes.
func encode(t testing.TB, f framing, name string, typ thrift.MessageType, seq int32, body thrift.FastCodec, nocopy bool) []byte {
	t.Helper()
	buf := linkbuf.New()
	m := envelope(f, name, typ, seq)
	if err := codec.Write(buf, m, body, nocopy); err != nil {
		t.Fatalf("%s: Write: %v", f.name, err)
	}
	if err := buf.Flush(); err != nil {
		t.Fatal(err)
	}
	if buf.Len() != m.Size {
		t.Fatalf("%s: Write set Size %d, wrote %d bytes", f.name, m.Size, buf.Len())
	}
	b, err := buf.ReadBinary(buf.Len())
	if err != nil {
		t.Fatal(err)
	}
	buf.Free()
	return b
}

func decodeEcho(t testing.TB, m *codec.Message) *bench.EchoServiceEchoArgs {
	t.Helper()
	var args bench.EchoServiceEchoArgs
	var err error
	if m.Protocol == transport.Compact {
		_, err = args.CompactRead(m.Body)
	} else {
		_, err = args.FastRead(m.Body)
	}
	if err != nil {
		t.Fatalf("decoding the body: %v", err)
	}
	return &args
}

// TestRoundTrip writes a message in every framing and protocol into a linkbuf.Buffer and reads it back
// with a zero Message (so the framing is sniffed): envelope, header info and body survive, and Read
// consumes exactly the message.
func TestRoundTrip(t *testing.T) {
	for _, f := range framings() {
		for _, typ := range []thrift.MessageType{thrift.CALL, thrift.REPLY, thrift.EXCEPTION, thrift.ONEWAY} {
			t.Run(fmt.Sprintf("%s/%v", f.name, typ), func(t *testing.T) {
				buf := linkbuf.New()
				defer buf.Free()
				var body thrift.FastCodec = echoArgs("hello, kestrel")
				if typ == thrift.EXCEPTION {
					body = thrift.NewApplicationException(thrift.InternalError, "boom")
				}
				out := envelope(f, "echo", typ, -7)
				if err := codec.Write(buf, out, body, true); err != nil {
					t.Fatal(err)
				}
				// A second message behind the first: Read must stop at the first one's end.
				out2 := envelope(f, "echo2", thrift.CALL, 8)
				if err := codec.Write(buf, out2, echoArgs("second"), false); err != nil {
					t.Fatal(err)
				}
				if err := buf.Flush(); err != nil {
					t.Fatal(err)
				}
				total := buf.Len()

				var in codec.Message
				if err := codec.Read(buf, &in, 0); err != nil {
					t.Fatal(err)
				}
				if in.Kind != f.kind || in.Protocol != f.proto || in.Name != "echo" || in.Type != typ || in.SeqID != -7 {
					t.Fatalf("read %v/%v %q %v seq %d", in.Kind, in.Protocol, in.Name, in.Type, in.SeqID)
				}
				if in.Size != out.Size || total-buf.Len() != out.Size {
					t.Fatalf("Size %d, consumed %d, written %d", in.Size, total-buf.Len(), out.Size)
				}
				checkHeader(t, f, &in, -7)
				if typ == thrift.EXCEPTION {
					var ae thrift.ApplicationException
					var err error
					if f.proto == transport.Compact {
						_, err = ae.CompactRead(in.Body)
					} else {
						_, err = ae.FastRead(in.Body)
					}
					if err != nil || ae.Type != thrift.InternalError || ae.Message != "boom" {
						t.Fatalf("exception %+v, %v", ae, err)
					}
				} else if got := decodeEcho(t, &in).Req.GetMsg(); got != "hello, kestrel" {
					t.Fatalf("body %q", got)
				}

				// The same Message reads the next message of the connection.
				in.ResetHeaders()
				if err := codec.Read(buf, &in, 0); err != nil {
					t.Fatal(err)
				}
				if in.Name != "echo2" || in.SeqID != 8 || decodeEcho(t, &in).Req.GetMsg() != "second" {
					t.Fatalf("second message %q seq %d", in.Name, in.SeqID)
				}
				if buf.Len() != 0 {
					t.Fatalf("%d bytes left", buf.Len())
				}
				if err := buf.Release(); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

func checkHeader(t *testing.T, f framing, in *codec.Message, seq int32) {
	t.Helper()
	switch f.kind {
	case transport.TTHeader:
		h := &in.TTHeader
		if in.FramedPayload != f.framed {
			t.Errorf("FramedPayload %v, want %v", in.FramedPayload, f.framed)
		}
		if h.SeqID != seq {
			t.Errorf("header seq id %d", h.SeqID)
		}
		wantProto := ttheader.ProtocolBinary
		if f.proto == transport.Compact {
			wantProto = ttheader.ProtocolCompact
		}
		if h.Protocol != wantProto {
			t.Errorf("header protocol %d", h.Protocol)
		}
		for k, want := range map[ttheader.IntKey]string{ttheader.ToService: "EchoService", ttheader.ToMethod: "echo", ttheader.RPCTimeout: "250"} {
			if v, _ := h.Int(k); v != want {
				t.Errorf("int key %d = %q, want %q", k, v, want)
			}
		}
		for k, want := range map[string]string{ttheader.PrefixTransient + "tenant": "t1", ttheader.PrefixPersistent + "trace": "abc"} {
			if v, _ := h.Str(k); v != want {
				t.Errorf("string key %s = %q, want %q", k, v, want)
			}
		}
	case transport.THeader:
		h := &in.THeader
		if h.SeqID != seq {
			t.Errorf("header seq id %d", h.SeqID)
		}
		if v, _ := h.Get("plain"); v != "v" {
			t.Errorf("info plain = %q", v)
		}
		if v, _ := h.Get(ttheader.PrefixTransient + "tenant"); v != "t1" {
			t.Errorf("info tenant = %q", v)
		}
		if got := len(h.Transforms) == 1 && h.Transforms[0] == theader.TransformZlib; got != f.zlib {
			t.Errorf("transforms %v", h.Transforms)
		}
	}
}

// TestNocopy writes a body with a string above thrift.NocopyThreshold: the nocopy path links the
// caller's bytes into the buffer (no copy of them in its blocks) and the wire bytes are identical to the
// copying path's.
func TestNocopy(t *testing.T) {
	big := strings.Repeat("0123456789abcdef", 1024) // 16 KiB
	for _, f := range framings() {
		if f.proto != transport.Binary || f.zlib {
			continue // nocopy is a Binary path; a transform copies anyway
		}
		t.Run(f.name, func(t *testing.T) {
			want := encode(t, f, "echo", thrift.CALL, 1, echoArgs(big), false)
			got := encode(t, f, "echo", thrift.CALL, 1, echoArgs(big), true)
			if !bytes.Equal(got, want) {
				t.Fatalf("nocopy bytes differ from the copying path's (%d vs %d bytes)", len(got), len(want))
			}

			// The linked string is the caller's memory: two blocks hold the message's framing and tail,
			// the string sits between them in place.
			buf := linkbuf.New()
			defer buf.Free()
			m := envelope(f, "echo", thrift.CALL, 1)
			src := []byte(big)
			args := &bench.EchoServiceEchoArgs{Req: &bench.Echo{Msg: unsafex.BytesToString(src)}}
			if err := codec.Write(buf, m, args, true); err != nil {
				t.Fatal(err)
			}
			if err := buf.Flush(); err != nil {
				t.Fatal(err)
			}
			vecs := buf.Vectors(nil, 16)
			linked := false
			for _, v := range vecs {
				if len(v) == len(src) && &v[0] == &src[0] {
					linked = true
				}
			}
			if !linked {
				t.Fatalf("the %d-byte string was copied, not linked (%d vectors)", len(src), len(vecs))
			}
			var in codec.Message
			if err := codec.Read(buf, &in, 0); err != nil {
				t.Fatal(err)
			}
			if decodeEcho(t, &in).Req.GetMsg() != big {
				t.Fatal("linked body decodes differently")
			}
		})
	}
}

// TestNocopySmallIsCopied checks that a body under the threshold never links: nothing of the caller's
// memory is kept by the buffer.
func TestNocopySmallIsCopied(t *testing.T) {
	f := framing{name: "framed", kind: transport.Framed, proto: transport.Binary}
	buf := linkbuf.New()
	defer buf.Free()
	src := []byte("small")
	if err := codec.Write(buf, envelope(f, "echo", thrift.CALL, 1), &bench.EchoServiceEchoArgs{Req: &bench.Echo{Msg: unsafex.BytesToString(src)}}, true); err != nil {
		t.Fatal(err)
	}
	if err := buf.Flush(); err != nil {
		t.Fatal(err)
	}
	if vecs := buf.Vectors(nil, 16); len(vecs) != 1 {
		t.Fatalf("%d vectors for a small message", len(vecs))
	}
}

// TestTruncated reads every proper prefix of a valid message of each framing, with the framing sniffed
// and with it known: each is an error (the reader's ErrNotEnough, or ErrMalformed), never a panic.
func TestTruncated(t *testing.T) {
	for _, f := range framings() {
		t.Run(f.name, func(t *testing.T) {
			full := encode(t, f, "echo", thrift.CALL, 3, echoArgs("truncate me"), false)
			for i := range len(full) {
				for _, known := range []bool{false, true} {
					var m codec.Message
					if known {
						m.Kind, m.Protocol = f.kind, f.proto
					}
					buf := linkbuf.NewFromBytes(full[:i])
					err := codec.Read(buf, &m, 0)
					if err == nil {
						t.Fatalf("a %d-byte prefix of a %d-byte message read as a message", i, len(full))
					}
					if !errors.Is(err, linkbuf.ErrNotEnough) && !errors.Is(err, codec.ErrMalformed) {
						t.Fatalf("prefix %d: error %v is neither ErrNotEnough nor ErrMalformed", i, err)
					}
				}
			}
		})
	}
}

// TestTooLarge announces a frame far over the limit: Read refuses it with ErrTooLarge (and
// ErrMalformed) from the length field alone, without allocating the announced size.
func TestTooLarge(t *testing.T) {
	const huge = 0x3FFFFFF0      // ~1 GiB, under every header transport's hard limit
	ttPrefix := make([]byte, 16) // LENGTH, MAGIC, FLAGS, SEQ, HEADER SIZE, PROTOCOL ID: what sniffing needs
	binary.BigEndian.PutUint32(ttPrefix, huge)
	binary.BigEndian.PutUint16(ttPrefix[4:], 0x1000)
	thPrefix := bytes.Clone(ttPrefix)
	binary.BigEndian.PutUint16(thPrefix[4:], 0x0FFF)
	frPrefix := []byte{0x3F, 0xFF, 0xFF, 0xF0, 0x80, 0x01, 0x00, 0x01, 0, 0, 0, 4, 'e', 'c', 'h', 'o'}

	bigBuffered := encode(t, framing{name: "buffered", kind: transport.Buffered, proto: transport.Binary},
		"echo", thrift.CALL, 1, echoArgs(strings.Repeat("x", 1000)), false)

	// 64 KiB of one byte deflates to a few hundred: the frame is small, its message is not.
	bomb := encode(t, framing{name: "theader-zlib", kind: transport.THeader, proto: transport.Binary, zlib: true},
		"echo", thrift.CALL, 1, echoArgs(strings.Repeat("z", 64<<10)), false)
	if len(bomb) > 4<<10 {
		t.Fatalf("the zlib frame is %d bytes", len(bomb))
	}

	cases := []struct {
		name     string
		in       []byte
		maxFrame int
	}{
		{"theader/zlib inflates past the limit", bomb, 4 << 10},
		{"ttheader", ttPrefix, 0},
		{"theader", thPrefix, 0},
		{"framed", frPrefix, 0},
		{"ttheader/limit", ttPrefix, 1 << 10},
		{"buffered/limit", bigBuffered, 512},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			read := func() error {
				var m codec.Message
				return codec.Read(linkbuf.NewFromBytes(c.in), &m, c.maxFrame)
			}
			err := read()
			if !errors.Is(err, codec.ErrTooLarge) || !errors.Is(err, codec.ErrMalformed) {
				t.Fatalf("error %v, want ErrTooLarge and ErrMalformed", err)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for range 10 {
				_ = read()
			}
			runtime.ReadMemStats(&after)
			if d := after.TotalAlloc - before.TotalAlloc; d > 1<<20 {
				t.Fatalf("refusing an oversized frame allocated %d bytes", d)
			}
		})
	}
}

// TestWriteTooLarge checks that Write refuses a message over the header transports' hard limit before
// asking the buffer for it.
func TestWriteTooLarge(t *testing.T) {
	for _, kind := range []transport.Kind{transport.TTHeader, transport.THeader, transport.Framed, transport.Buffered} {
		buf := linkbuf.New()
		m := &codec.Message{Kind: kind, Protocol: transport.Binary, Name: "x", Type: thrift.CALL}
		if err := codec.Write(buf, m, hugeBody{}, true); !errors.Is(err, codec.ErrTooLarge) {
			t.Fatalf("%v: error %v, want ErrTooLarge", kind, err)
		}
		if buf.MallocLen() != 0 {
			t.Fatalf("%v: %d bytes written", kind, buf.MallocLen())
		}
	}
}

// hugeBody claims an encoded size over ttheader.MaxFrameSizeLimit; it must never be written.
type hugeBody struct{}

func (hugeBody) BLength() int                   { return ttheader.MaxFrameSizeLimit }
func (hugeBody) FastWrite(b []byte) int         { panic("FastWrite of a body over the frame limit") }
func (hugeBody) FastRead(b []byte) (int, error) { return 0, nil }

// TestMalformed feeds bytes that are not a message of the expected framing: each is ErrMalformed.
func TestMalformed(t *testing.T) {
	enc := func(kind transport.Kind) []byte {
		return encode(t, framing{name: kind.String(), kind: kind, proto: transport.Binary}, "echo", thrift.CALL, 1, echoArgs("x"), false)
	}
	tt, th, fr := enc(transport.TTHeader), enc(transport.THeader), enc(transport.Framed)
	cases := []struct {
		name string
		kind transport.Kind // expected framing (Unknown: sniffed)
		in   []byte
	}{
		{"http1", transport.Unknown, []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")},
		{"zero length frame", transport.Unknown, []byte{0, 0, 0, 0, 0x80, 0x01, 0, 1}},
		{"tls hello", transport.Unknown, []byte{0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03}},
		{"http2", transport.Unknown, []byte(transport.HTTP2Preface + "\x00\x00\x00\x04\x00\x00\x00\x00\x00")},
		{"binary bad version", transport.Unknown, []byte{0x80, 0x02, 0, 1, 0, 0, 0, 1, 'x', 0, 0, 0, 1, 0}},
		{"bad message type", transport.Unknown, []byte{0, 0, 0, 14, 0x80, 0x01, 0, 9, 0, 0, 0, 1, 'x', 0, 0, 0, 1, 0}},
		{"ttheader expected, framed sent", transport.TTHeader, fr},
		{"ttheader expected, theader sent", transport.TTHeader, th},
		{"theader expected, ttheader sent", transport.THeader, tt},
		{"theader expected, framed sent", transport.THeader, fr},
		{"framed expected, ttheader sent", transport.Framed, tt},
		{"framed expected, theader sent", transport.Framed, th},
		{"buffered expected, bad version", transport.Buffered, []byte{0x80, 0x7F, 0, 1, 0, 0, 0, 1, 'x', 0, 0, 0, 1, 0}},
		{"buffered expected, negative name length", transport.Buffered, []byte{0x80, 0x01, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 1, 0}},
		{"ttheader protobuf payload", transport.Unknown, ttheaderWithProtocol(t, ttheader.ProtocolKitexProtobuf)},
		{"ttheader corrupt header size", transport.Unknown, corrupt(tt, 12, 0xFF)},
		{"theader corrupt zlib", transport.Unknown, corruptZlib(t)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := codec.Message{Kind: c.kind, Protocol: transport.Binary}
			err := codec.Read(linkbuf.NewFromBytes(c.in), &m, 0)
			if !errors.Is(err, codec.ErrMalformed) {
				t.Fatalf("error %v, want ErrMalformed", err)
			}
		})
	}
}

func corrupt(b []byte, at int, v byte) []byte {
	b = bytes.Clone(b)
	b[at] = v
	return b
}

func ttheaderWithProtocol(t *testing.T, p ttheader.ProtocolID) []byte {
	t.Helper()
	msg := []byte{0x90, 0x01, 0, 1, 0, 0, 0, 1, 'x', 0, 0, 0, 1}
	h := ttheader.Header{Protocol: p}
	size, err := ttheader.Size(&h)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, size+len(msg))
	copy(b[ttheader.Encode(b, &h, len(msg)):], msg)
	return b
}

func corruptZlib(t *testing.T) []byte {
	f := framing{name: "theader-zlib", kind: transport.THeader, proto: transport.Binary, zlib: true}
	b := encode(t, f, "echo", thrift.CALL, 1, echoArgs(strings.Repeat("z", 100)), false)
	b[len(b)-6] ^= 0xFF // inside the deflate stream or its checksum
	return b
}

// TestTHeaderNoneTransformThenZlib reads a THeader frame whose only transform is "none" and then a zlib
// frame with the same Message: the zlib message must be inflated into memory of the Message's own, never
// into the first frame's bytes (which the reader has released and may have reused).
func TestTHeaderNoneTransformThenZlib(t *testing.T) {
	none := framing{name: "theader", kind: transport.THeader, proto: transport.Binary}
	m := envelope(none, "echo", thrift.CALL, 1)
	m.THeader.Transforms = append(m.THeader.Transforms, theader.TransformNone)
	buf := linkbuf.New()
	if err := codec.Write(buf, m, echoArgs(strings.Repeat("n", 2000)), false); err != nil {
		t.Fatal(err)
	}
	_ = buf.Flush()
	first, _ := buf.ReadBinary(buf.Len())
	pristine := bytes.Clone(first)

	second := encode(t, framing{name: "theader-zlib", kind: transport.THeader, proto: transport.Binary, zlib: true},
		"echo", thrift.CALL, 2, echoArgs(strings.Repeat("z", 1500)), false)

	var in codec.Message
	if err := codec.Read(linkbuf.NewFromBytes(first), &in, 0); err != nil {
		t.Fatal(err)
	}
	if err := codec.Read(linkbuf.NewFromBytes(second), &in, 0); err != nil {
		t.Fatal(err)
	}
	if decodeEcho(t, &in).Req.GetMsg() != strings.Repeat("z", 1500) {
		t.Fatal("zlib message decodes wrongly")
	}
	if !bytes.Equal(first, pristine) {
		t.Fatal("inflating the second frame wrote into the first frame's bytes")
	}
}

// TestNonStrictBinary reads an old non-strict Binary message in a Framed frame.
func TestNonStrictBinary(t *testing.T) {
	body := echoArgs("old")
	msg := []byte{0, 0, 0, 4, 'e', 'c', 'h', 'o', byte(thrift.CALL), 0, 0, 0, 9}
	b := make([]byte, body.BLength())
	body.FastWrite(b)
	msg = append(msg, b...)
	frame := binary.BigEndian.AppendUint32(nil, uint32(len(msg)))
	frame = append(frame, msg...)
	var in codec.Message
	if err := codec.Read(linkbuf.NewFromBytes(frame), &in, 0); err != nil {
		t.Fatal(err)
	}
	if in.Kind != transport.Framed || in.Name != "echo" || in.SeqID != 9 || decodeEcho(t, &in).Req.GetMsg() != "old" {
		t.Fatalf("read %v %q %d", in.Kind, in.Name, in.SeqID)
	}
}

// TestWriteCompactNeedsCodec checks that Compact with a body lacking a Compact codec is ErrUnsupported
// and writes nothing.
func TestWriteCompactNeedsCodec(t *testing.T) {
	buf := linkbuf.New()
	defer buf.Free()
	m := &codec.Message{Kind: transport.Framed, Protocol: transport.Compact, Name: "x", Type: thrift.CALL}
	if err := codec.Write(buf, m, binaryOnly{}, false); !errors.Is(err, codec.ErrUnsupported) {
		t.Fatalf("error %v, want ErrUnsupported", err)
	}
	if buf.MallocLen() != 0 {
		t.Fatalf("%d bytes written", buf.MallocLen())
	}
}

type binaryOnly struct{}

func (binaryOnly) BLength() int                   { return 1 }
func (binaryOnly) FastWrite(b []byte) int         { b[0] = 0; return 1 }
func (binaryOnly) FastRead(b []byte) (int, error) { return 1, nil }
