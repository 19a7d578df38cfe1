package interop

import (
	"bytes"
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/apache/thrift/lib/go/thrift"

	kthrift "github.com/kestrel-rpc/kestrel/thrift"
)

// headerProto is a message-header dialect: how Apache writes and reads it, and Kestrel's twin.
type headerProto struct {
	name   string
	apache func(thrift.TTransport) thrift.TProtocol
	// kWrite is nil for a dialect Kestrel reads but does not write (old non-strict Binary).
	kWrite func(b []byte, name string, t kthrift.MessageType, seq int32) int
	kLen   func(name string, seq int32) int
	kRead  func(b []byte) (string, kthrift.MessageType, int32, int, error)
}

var headerProtos = []headerProto{
	{
		name:   "binary-strict",
		apache: func(t thrift.TTransport) thrift.TProtocol { return thrift.NewTBinaryProtocolConf(t, strictConf(true)) },
		kWrite: kthrift.Binary.WriteMessageBegin,
		kLen:   func(name string, _ int32) int { return kthrift.Binary.MessageBeginLength(name) },
		kRead:  kthrift.Binary.ReadMessageBegin,
	},
	{
		name:   "binary-non-strict",
		apache: func(t thrift.TTransport) thrift.TProtocol { return thrift.NewTBinaryProtocolConf(t, strictConf(false)) },
		kRead:  kthrift.Binary.ReadMessageBegin,
	},
	{
		name:   "compact",
		apache: func(t thrift.TTransport) thrift.TProtocol { return thrift.NewTCompactProtocolConf(t, nil) },
		kWrite: kthrift.Compact.WriteMessageBegin,
		kLen:   kthrift.Compact.MessageBeginLength,
		kRead:  kthrift.Compact.ReadMessageBegin,
	},
}

// strictConf makes Apache write strict or old non-strict Binary headers, and read only strict ones
// when strict (so a Kestrel header that Apache reads back is proven strict).
func strictConf(strict bool) *thrift.TConfiguration {
	return &thrift.TConfiguration{TBinaryStrictWrite: thrift.BoolPtr(strict), TBinaryStrictRead: thrift.BoolPtr(strict)}
}

type header struct {
	name string
	typ  thrift.TMessageType
	seq  int32
}

var headers = []header{
	{"", thrift.CALL, 0},
	{"testString", thrift.CALL, 1},
	{"testVoid", thrift.REPLY, -1},
	{"testException", thrift.EXCEPTION, math.MaxInt32},
	{"testOneway", thrift.ONEWAY, math.MinInt32},
	{"テスト☃", thrift.CALL, 127},
	{strings.Repeat("m", 300), thrift.REPLY, 128},
}

func TestMessageHeaders(t *testing.T) {
	ctx := context.Background()
	for _, p := range headerProtos {
		for _, h := range headers {
			t.Run(p.name+"/"+kthrift.MessageType(h.typ).String()+"/"+h.name[:min(len(h.name), 12)], func(t *testing.T) {
				// Apache → Kestrel.
				mem := thrift.NewTMemoryBuffer()
				ap := p.apache(mem)
				if err := ap.WriteMessageBegin(ctx, h.name, h.typ, h.seq); err != nil {
					t.Fatal(err)
				}
				if err := ap.WriteMessageEnd(ctx); err != nil {
					t.Fatal(err)
				}
				wire := bytes.Clone(mem.Bytes())
				name, typ, seq, n, err := p.kRead(wire)
				if err != nil {
					t.Fatalf("kestrel read of apache header % x: %v", wire, err)
				}
				if name != h.name || thrift.TMessageType(typ) != h.typ || seq != h.seq || n != len(wire) {
					t.Fatalf("kestrel read (%q, %v, %d, %d bytes), apache wrote (%q, %v, %d, %d bytes)",
						name, typ, seq, n, h.name, h.typ, h.seq, len(wire))
				}
				for i := range len(wire) {
					if _, _, _, _, err := p.kRead(wire[:i]); err == nil {
						t.Fatalf("kestrel read of the first %d of %d header bytes succeeded", i, len(wire))
					}
				}
				if p.kWrite == nil {
					return
				}
				// Kestrel → Apache, and the bytes are the same: the header format leaves no choice.
				kw := make([]byte, p.kLen(h.name, h.seq))
				if n := p.kWrite(kw, h.name, kthrift.MessageType(h.typ), h.seq); n != len(kw) {
					t.Fatalf("kestrel wrote %d header bytes, its length function says %d", n, len(kw))
				}
				if !bytes.Equal(kw, wire) {
					t.Fatalf("kestrel header % x, apache header % x", kw, wire)
				}
				mem = thrift.NewTMemoryBuffer()
				mem.Write(kw)
				name2, typ2, seq2, err := p.apache(mem).ReadMessageBegin(ctx)
				if err != nil || name2 != h.name || typ2 != h.typ || seq2 != h.seq {
					t.Fatalf("apache read (%q, %v, %d, %v)", name2, typ2, seq2, err)
				}
			})
		}
	}
}

// TestBadMessageHeaders: what Apache rejects, Kestrel rejects too, with an error, not a panic.
func TestBadMessageHeaders(t *testing.T) {
	tests := []struct {
		name  string
		read  func([]byte) (string, kthrift.MessageType, int32, int, error)
		bytes []byte
	}{
		{"binary bad version", kthrift.Binary.ReadMessageBegin, []byte{0x80, 0x02, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}},
		{"binary type 0", kthrift.Binary.ReadMessageBegin, []byte{0x80, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
		{"binary type 5", kthrift.Binary.ReadMessageBegin, []byte{0x80, 0x01, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0}},
		{"binary name longer than the input", kthrift.Binary.ReadMessageBegin, []byte{0x80, 0x01, 0, 1, 0, 0, 0, 9, 'a', 0, 0, 0, 0}},
		{"binary non-strict name length huge", kthrift.Binary.ReadMessageBegin, []byte{0x7f, 0xff, 0xff, 0xff, 'a'}},
		{"compact bad protocol id", kthrift.Compact.ReadMessageBegin, []byte{0x83, 0x21, 0, 0}},
		{"compact bad version", kthrift.Compact.ReadMessageBegin, []byte{0x82, 0x22, 0, 0}},
		{"compact name longer than the input", kthrift.Compact.ReadMessageBegin, []byte{0x82, 0x21, 0, 5, 'a'}},
		{"compact endless varint", kthrift.Compact.ReadMessageBegin, []byte{0x82, 0x21, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, _, err := tt.read(tt.bytes)
			if err == nil {
				t.Fatalf("% x read without an error", tt.bytes)
			}
		})
	}
}

var appExceptions = []struct {
	typ int32
	msg string
}{
	{thrift.UNKNOWN_APPLICATION_EXCEPTION, ""},
	{thrift.UNKNOWN_METHOD, "unknown method testFoo"},
	{thrift.INVALID_MESSAGE_TYPE_EXCEPTION, "bad type"},
	{thrift.WRONG_METHOD_NAME, "wrong name"},
	{thrift.BAD_SEQUENCE_ID, "bad seqid"},
	{thrift.MISSING_RESULT, "testI32 failed: unknown result"},
	{thrift.INTERNAL_ERROR, "panic: テスト☃"},
	{thrift.PROTOCOL_ERROR, strings.Repeat("x", 200)},
	{thrift.INVALID_TRANSFORM, "zlib"},
	{thrift.INVALID_PROTOCOL, "json"},
	{thrift.UNSUPPORTED_CLIENT_TYPE, "http"},
	{20, "unknown service , method testFoo"}, // KiteX's own code for an unknown method
}

// TestApplicationException: an EXCEPTION message written by Apache (header, then
// TApplicationException) reads in Kestrel as a thrift.ApplicationException, and back.
func TestApplicationException(t *testing.T) {
	ctx := context.Background()
	for _, p := range protos {
		hp := headerProtos[0]
		if p.name == "compact" {
			hp = headerProtos[2]
		}
		for _, ae := range appExceptions {
			t.Run(p.name+"/"+ae.msg[:min(len(ae.msg), 16)], func(t *testing.T) {
				mem := thrift.NewTMemoryBuffer()
				ap := p.apache(mem)
				if err := ap.WriteMessageBegin(ctx, "testFoo", thrift.EXCEPTION, 9); err != nil {
					t.Fatal(err)
				}
				if err := thrift.NewTApplicationException(ae.typ, ae.msg).Write(ctx, ap); err != nil {
					t.Fatal(err)
				}
				if err := ap.WriteMessageEnd(ctx); err != nil {
					t.Fatal(err)
				}
				wire := bytes.Clone(mem.Bytes())

				name, typ, seq, n, err := hp.kRead(wire)
				if err != nil || name != "testFoo" || typ != kthrift.EXCEPTION || seq != 9 {
					t.Fatalf("header: (%q, %v, %d, %v)", name, typ, seq, err)
				}
				body := wire[n:]
				var ke kthrift.ApplicationException
				if err := kRead(p, body, appEx{&ke}); err != nil {
					t.Fatalf("kestrel read of % x: %v", body, err)
				}
				// Apache writes Error() as the message: for an empty one, a description of the type.
				if ke.Type != ae.typ || ke.Message != apacheMessage(ae.typ, ae.msg) {
					t.Fatalf("kestrel read {%q, %d}, apache wrote {%q, %d}", ke.Message, ke.Type, apacheMessage(ae.typ, ae.msg), ae.typ)
				}
				var kerr error = &ke
				var coded interface{ TypeID() int32 }
				if !errors.As(kerr, &coded) || coded.TypeID() != ae.typ {
					t.Fatalf("ApplicationException is not an error with TypeID %d", ae.typ)
				}
				for i := range len(body) {
					if err := kRead(p, body[:i], appEx{new(kthrift.ApplicationException)}); err == nil {
						t.Fatalf("kestrel read of the first %d of %d bytes succeeded", i, len(body))
					}
				}

				// Kestrel → Apache.
				kw, err := kWrite(p, appEx{kthrift.NewApplicationException(ae.typ, ae.msg)})
				if err != nil {
					t.Fatal(err)
				}
				mem = thrift.NewTMemoryBuffer()
				mem.Write(kw)
				back := thrift.NewTApplicationException(0, "")
				if err := back.Read(ctx, p.apache(mem)); err != nil {
					t.Fatalf("apache read of % x: %v", kw, err)
				}
				if back.TypeId() != ae.typ || back.Error() != apacheMessage(ae.typ, ae.msg) || mem.Len() != 0 {
					t.Fatalf("apache read {%q, %d} (%d bytes left), kestrel wrote {%q, %d}", back.Error(), back.TypeId(), mem.Len(), ae.msg, ae.typ)
				}
			})
		}
	}
}

// apacheMessage is what Apache's TApplicationException.Error returns, and what its Write puts on the
// wire as the message: the message, or for an empty one a description of the type.
func apacheMessage(typ int32, msg string) string {
	if msg != "" {
		return msg
	}
	return thrift.NewTApplicationException(typ, "").Error()
}

// appEx adapts thrift.ApplicationException to kcodec.
type appEx struct{ *kthrift.ApplicationException }
