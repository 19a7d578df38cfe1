// Package theader_test cross-checks Kestrel's transport/theader against Apache Thrift Go v0.17.0's
// THeaderTransport, in both directions: Apache writes a frame and Kestrel decodes it, Kestrel encodes
// a frame and Apache reads it. Protocols Binary and Compact, with and without zlib, with and without
// headers.
package theader_test

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"testing"

	"github.com/apache/thrift/lib/go/thrift"

	"github.com/kestrel-rpc/kestrel/transport/theader"
)

type testCase struct {
	proto   thrift.THeaderProtocolID
	zlib    bool
	headers map[string]string
}

func cases() []testCase {
	var out []testCase
	for _, proto := range []thrift.THeaderProtocolID{thrift.THeaderProtocolBinary, thrift.THeaderProtocolCompact} {
		for _, z := range []bool{false, true} {
			for _, hs := range []map[string]string{nil, {"k": "v", "client": "apache", "long": string(bytes.Repeat([]byte("x"), 300))}} {
				out = append(out, testCase{proto, z, hs})
			}
		}
	}
	return out
}

func (c testCase) String() string {
	return fmt.Sprintf("proto=%d/zlib=%v/headers=%d", c.proto, c.zlib, len(c.headers))
}

func conf(proto thrift.THeaderProtocolID) *thrift.TConfiguration {
	return &thrift.TConfiguration{THeaderProtocolID: thrift.THeaderProtocolIDPtrMust(proto)}
}

// message writes a CALL "Echo" with {1: string msg} in proto through p.
func message(ctx context.Context, t *testing.T, p thrift.TProtocol, seq int32, text string) {
	t.Helper()
	must := func(err error) {
		if err != nil {
			t.Helper()
			t.Fatal(err)
		}
	}
	must(p.WriteMessageBegin(ctx, "Echo", thrift.CALL, seq))
	must(p.WriteStructBegin(ctx, "Echo_args"))
	must(p.WriteFieldBegin(ctx, "msg", thrift.STRING, 1))
	must(p.WriteString(ctx, text))
	must(p.WriteFieldEnd(ctx))
	must(p.WriteFieldStop(ctx))
	must(p.WriteStructEnd(ctx))
	must(p.WriteMessageEnd(ctx))
	must(p.Flush(ctx))
}

// plainMessage is the same message in the bare protocol, the payload Kestrel should see.
func plainMessage(t *testing.T, proto thrift.THeaderProtocolID, seq int32, text string) []byte {
	buf := thrift.NewTMemoryBuffer()
	var p thrift.TProtocol
	if proto == thrift.THeaderProtocolCompact {
		p = thrift.NewTCompactProtocolConf(buf, &thrift.TConfiguration{})
	} else {
		p = thrift.NewTBinaryProtocolConf(buf, &thrift.TConfiguration{})
	}
	message(context.Background(), t, p, seq, text)
	return buf.Bytes()
}

func TestApacheToKestrel(t *testing.T) {
	ctx := context.Background()
	for _, c := range cases() {
		t.Run(c.String(), func(t *testing.T) {
			buf := thrift.NewTMemoryBuffer()
			trans := thrift.NewTHeaderTransportConf(buf, conf(c.proto))
			p := thrift.NewTHeaderProtocolConf(trans, conf(c.proto))
			for k, v := range c.headers {
				p.SetWriteHeader(k, v)
			}
			if c.zlib {
				if err := p.AddTransform(thrift.TransformZlib); err != nil {
					t.Fatal(err)
				}
			}
			text := string(bytes.Repeat([]byte("hello "), 50))
			message(ctx, t, p, 42, text)
			frame := buf.Bytes()

			n, err := theader.FrameLength(frame, 0)
			if err != nil || n != len(frame) {
				t.Fatalf("FrameLength = %d, %v; Apache wrote %d bytes", n, err, len(frame))
			}
			var h theader.Header
			payload, err := theader.Decode(frame, &h)
			if err != nil {
				t.Fatal(err)
			}
			if h.SeqID != 42 || h.Protocol != theader.ProtocolID(c.proto) {
				t.Fatalf("seq %d protocol %d", h.SeqID, h.Protocol)
			}
			if c.zlib != (len(h.Transforms) == 1 && h.Transforms[0] == theader.TransformZlib) {
				t.Fatalf("transforms %v", h.Transforms)
			}
			got := map[string]string{}
			for _, kv := range h.Info {
				got[kv.Key] = kv.Value
			}
			if !maps.Equal(got, c.headers) && len(c.headers)+len(got) > 0 {
				t.Fatalf("headers %v, want %v", got, c.headers)
			}
			msg, err := theader.Untransform(nil, &h, payload, 0)
			if err != nil {
				t.Fatal(err)
			}
			if want := plainMessage(t, c.proto, 42, text); !bytes.Equal(msg, want) {
				t.Fatalf("message\n% x\nwant\n% x", msg, want)
			}

			// Byte for byte: re-encoding the decoded header (and re-compressing the message: both use
			// compress/zlib's default level) gives Apache's frame. With several headers Apache's map
			// order decides the bytes, so compare them only without.
			if len(c.headers) == 0 {
				again, err := theader.Transform(nil, &h, msg)
				if err != nil {
					t.Fatal(err)
				}
				size, _ := theader.Size(&h)
				out := make([]byte, size+len(again))
				copy(out[theader.Encode(out, &h, len(again)):], again)
				if !bytes.Equal(out, frame) {
					t.Fatalf("Kestrel's encoding\n% x\nApache's\n% x", out, frame)
				}
			}
		})
	}
}

func TestKestrelToApache(t *testing.T) {
	ctx := context.Background()
	for _, c := range cases() {
		t.Run(c.String(), func(t *testing.T) {
			text := string(bytes.Repeat([]byte("kestrel "), 40))
			msg := plainMessage(t, c.proto, -7, text)
			h := theader.Header{SeqID: -7, Protocol: theader.ProtocolID(c.proto)}
			for k, v := range c.headers {
				h.Set(k, v)
			}
			if c.zlib {
				h.Transforms = append(h.Transforms, theader.TransformZlib)
			}
			payload, err := theader.Transform(nil, &h, msg)
			if err != nil {
				t.Fatal(err)
			}
			size, err := theader.Size(&h)
			if err != nil {
				t.Fatal(err)
			}
			frame := make([]byte, size+len(payload))
			copy(frame[theader.Encode(frame, &h, len(payload)):], payload)

			buf := thrift.NewTMemoryBuffer()
			if _, err := buf.Write(frame); err != nil {
				t.Fatal(err)
			}
			trans := thrift.NewTHeaderTransportConf(buf, conf(thrift.THeaderProtocolDefault))
			p := thrift.NewTHeaderProtocolConf(trans, conf(thrift.THeaderProtocolDefault))
			name, typ, seq, err := p.ReadMessageBegin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if name != "Echo" || typ != thrift.CALL || seq != -7 || trans.SequenceID != -7 || trans.Protocol() != c.proto {
				t.Fatalf("Apache read %q %v seq %d/%d protocol %d", name, typ, seq, trans.SequenceID, trans.Protocol())
			}
			got := p.GetReadHeaders()
			if len(got)+len(c.headers) > 0 && !maps.Equal(map[string]string(got), c.headers) {
				t.Fatalf("Apache read headers %v, want %v", got, c.headers)
			}
			if _, err := p.ReadStructBegin(ctx); err != nil {
				t.Fatal(err)
			}
			if _, typ, id, err := p.ReadFieldBegin(ctx); err != nil || typ != thrift.STRING || id != 1 {
				t.Fatalf("field %v %d %v", typ, id, err)
			}
			if s, err := p.ReadString(ctx); err != nil || s != text {
				t.Fatalf("Apache read %q, %v", s, err)
			}
		})
	}
}
