package codec_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kestrel-rpc/kestrel/codec"
	"github.com/kestrel-rpc/kestrel/linkbuf"
	"github.com/kestrel-rpc/kestrel/thrift"
	"github.com/kestrel-rpc/kestrel/transport"
)

// fuzzKinds maps the fuzzer's kind byte to the framing the reader expects (Unknown: sniffed).
var fuzzKinds = []transport.Kind{transport.Unknown, transport.TTHeader, transport.THeader, transport.Framed, transport.Buffered}

// seedMessages are valid messages of every framing and protocol, the seeds of FuzzRead.
type seed struct {
	kind transport.Kind
	msg  []byte
}

func seedMessages(t testing.TB) map[string]seed {
	out := make(map[string]seed)
	for _, f := range framings() {
		name := strings.ReplaceAll(f.name, "/", "_")
		out[name+"_call"] = seed{f.kind, encode(t, f, "echo", thrift.CALL, 1, echoArgs("hello"), false)}
		out[name+"_exception"] = seed{f.kind, encode(t, f, "echo", thrift.EXCEPTION, -1, thrift.NewApplicationException(thrift.UnknownMethod, "no"), false)}
	}
	return out
}

// FuzzRead reads arbitrary bytes as a message, with the framing sniffed or given. Read must not panic;
// it fails with ErrMalformed or an error of the reader; and a message it accepts must write back
// (header, envelope and body as they are) into bytes that read to the same message.
func FuzzRead(f *testing.F) {
	for _, s := range seedMessages(f) {
		f.Add(uint8(0), s.msg)
	}
	f.Fuzz(func(t *testing.T, kind uint8, data []byte) {
		var m codec.Message
		m.Kind = fuzzKinds[int(kind)%len(fuzzKinds)]
		if m.Kind != transport.Unknown {
			m.Protocol = transport.Binary
		}
		r := linkbuf.NewFromBytes(data)
		err := codec.Read(r, &m, 1<<20)
		if err != nil {
			if !errors.Is(err, codec.ErrMalformed) && !errors.Is(err, linkbuf.ErrNotEnough) {
				t.Fatalf("error wraps neither ErrMalformed nor a reader error: %v", err)
			}
			return
		}
		if m.Size <= 0 || m.Size > len(data) || len(data)-r.Len() != m.Size {
			t.Fatalf("Size %d, consumed %d of %d", m.Size, len(data)-r.Len(), len(data))
		}
		if m.Type < thrift.CALL || m.Type > thrift.ONEWAY {
			t.Fatalf("accepted message type %d", m.Type)
		}

		// Write it back as read, with the body as opaque bytes, and read that.
		out := codec.Message{Kind: m.Kind, Protocol: m.Protocol, FramedPayload: m.FramedPayload,
			Name: m.Name, Type: m.Type, SeqID: m.SeqID}
		out.TTHeader = m.TTHeader
		out.THeader = m.THeader
		buf := linkbuf.New()
		defer buf.Free()
		if err := codec.Write(buf, &out, rawBody(m.Body), false); err != nil {
			return // e.g. a header Kestrel reads but will not write (too many entries); not a crash
		}
		if err := buf.Flush(); err != nil {
			t.Fatal(err)
		}
		// Read it as a connection whose framing is known: sniffing asks more of a message than Read
		// does (a body of at least a STOP byte), and the body is opaque here.
		back := codec.Message{Kind: m.Kind, Protocol: m.Protocol}
		if err := codec.Read(buf, &back, 0); err != nil {
			t.Fatalf("re-read of a written message: %v", err)
		}
		if back.Kind != m.Kind || back.Protocol != m.Protocol || back.Name != m.Name || back.Type != m.Type ||
			back.SeqID != m.SeqID || string(back.Body) != string(m.Body) || back.FramedPayload != m.FramedPayload {
			t.Fatalf("round trip differs:\n%+v\n%+v", m, back)
		}
	})
}

// rawBody is an already encoded struct, written as is in either protocol.
type rawBody []byte

func (b rawBody) BLength() int                   { return len(b) }
func (b rawBody) FastWrite(p []byte) int         { return copy(p, b) }
func (b rawBody) FastRead(p []byte) (int, error) { return len(p), nil }
func (b rawBody) CompactLength() int             { return len(b) }
func (b rawBody) CompactWrite(p []byte) int      { return copy(p, b) }
func (b rawBody) CompactRead(p []byte) (int, error) {
	return len(p), nil
}

// TestWriteSeeds regenerates testdata/fuzz/FuzzRead from valid messages when KESTREL_WRITE_SEEDS=1.
func TestWriteSeeds(t *testing.T) {
	if os.Getenv("KESTREL_WRITE_SEEDS") != "1" {
		t.Skip("set KESTREL_WRITE_SEEDS=1 to regenerate the fuzz seed corpus")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzRead")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, s := range seedMessages(t) {
		for k, kind := range fuzzKinds {
			if kind != transport.Unknown && kind != s.kind {
				continue
			}
			body := fmt.Sprintf("go test fuzz v1\nbyte(%q)\n[]byte(%q)\n", byte(k), s.msg)
			file := filepath.Join(dir, name+"_expect_"+kind.String())
			if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
