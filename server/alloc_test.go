//go:build !race

package server_test

import (
	"context"
	"encoding/binary"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/kestrel-rpc/kestrel/codec"
	"github.com/kestrel-rpc/kestrel/endpoint"
	bench "github.com/kestrel-rpc/kestrel/internal/gentest/bench"
	"github.com/kestrel-rpc/kestrel/internal/gentest/bench/echoservice"
	"github.com/kestrel-rpc/kestrel/linkbuf"
	"github.com/kestrel-rpc/kestrel/server"
	"github.com/kestrel-rpc/kestrel/thrift"
	"github.com/kestrel-rpc/kestrel/transport"
	"github.com/kestrel-rpc/kestrel/transport/ttheader"
)

type echoHandler struct{}

func (echoHandler) Echo(_ context.Context, req *bench.Echo) (*bench.Echo, error) { return req, nil }

// TestServerAllocs measures the server's steady-state allocations per call of the echo service, driven
// by a raw writer on a plain net.Conn that sends a pre-encoded request (as Kestrel's client encodes it)
// and reads the reply into a fixed buffer, allocating nothing itself. The budget is 2, both in decoding
// the request: the *bench.Echo the args point to, and the one string arena all its strings share
// (thrift.StructArena). The args and result structs, the connection's envelopes and call info, and
// the buffers are reused.
func TestServerAllocs(t *testing.T) {
	for _, v := range []struct {
		name   string
		size   int
		opts   []server.Option
		header func(h *ttheader.Header)
		budget float64
	}{
		{name: "128B", size: 128, budget: 2},
		{name: "1KiB", size: 1 << 10, budget: 2},
		{name: "16KiB", size: 16 << 10, budget: 2},
		// A middleware chain: the stage timings are taken, nothing more is allocated.
		{name: "1KiB/middleware", size: 1 << 10, budget: 2,
			opts: []server.Option{server.WithMiddleware(func(next endpoint.Endpoint) endpoint.Endpoint { return next })}},
		// A caller and one metainfo value: the caller's name and the value's key and value are copied
		// out of the frame into one string (1), and the handler's context carries the value (1).
		{name: "1KiB/metainfo", size: 1 << 10, budget: 4, header: func(h *ttheader.Header) {
			h.SetInt(ttheader.FromService, "caller")
			h.SetStr(ttheader.PrefixPersistent+"trace", "abc")
		}},
	} {
		t.Run(v.name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			s := echoservice.NewServer(echoHandler{}, append(v.opts, server.WithLogger(slog.New(slog.DiscardHandler)))...)
			done := make(chan error, 1)
			go func() { done <- s.Serve(ln) }()
			defer func() {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				if err := s.Shutdown(ctx); err != nil {
					t.Error(err)
				}
				<-done
			}()

			req := echoRequest(t, strings.Repeat("r", v.size), v.header)
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			reply := make([]byte, 1<<20)
			call := func() {
				if _, err := conn.Write(req); err != nil {
					t.Fatal(err)
				}
				if _, err := io.ReadFull(conn, reply[:4]); err != nil {
					t.Fatal(err)
				}
				n := int(binary.BigEndian.Uint32(reply))
				if _, err := io.ReadFull(conn, reply[4:4+n]); err != nil {
					t.Fatal(err)
				}
				if n < v.size {
					t.Fatalf("a %d-byte reply", n)
				}
			}
			for range 100 {
				call()
			}
			got := testing.AllocsPerRun(2000, call)
			t.Logf("server allocations per call, %s: %v", v.name, got)
			if got > v.budget {
				t.Fatalf("%v allocations per call, budget %v", got, v.budget)
			}
		})
	}
}

// echoRequest encodes an echo call the way Kestrel's client does (TTHeader with its inner length,
// the callee's service and method as integer keys).
func echoRequest(t *testing.T, msg string, header func(*ttheader.Header)) []byte {
	m := &codec.Message{Kind: transport.TTHeader, Protocol: transport.Binary, FramedPayload: true,
		Name: "echo", Type: thrift.CALL, SeqID: 1}
	m.TTHeader.SetInt(ttheader.ToService, "EchoService")
	m.TTHeader.SetInt(ttheader.ToMethod, "echo")
	if header != nil {
		header(&m.TTHeader)
	}
	buf := linkbuf.New()
	defer buf.Free()
	if err := codec.Write(buf, m, &bench.EchoServiceEchoArgs{Req: &bench.Echo{Msg: msg}}, false); err != nil {
		t.Fatal(err)
	}
	_ = buf.Flush()
	b, _ := buf.ReadBinary(buf.Len())
	return b
}
