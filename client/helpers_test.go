package client_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kestrel-rpc/kestrel/client"
	"github.com/kestrel-rpc/kestrel/codec"
	tt "github.com/kestrel-rpc/kestrel/internal/gentest/thrifttest"
	"github.com/kestrel-rpc/kestrel/internal/gentest/thrifttest/thrifttest"
	"github.com/kestrel-rpc/kestrel/linkbuf"
	"github.com/kestrel-rpc/kestrel/netpoll"
	"github.com/kestrel-rpc/kestrel/server"
	"github.com/kestrel-rpc/kestrel/thrift"
	"github.com/kestrel-rpc/kestrel/transport"
)

// checkLeaks records the goroutine and descriptor counts and, at cleanup, fails the test if they did
// not come back within a grace period. Call it first in a test: cleanups run last-in first-out.
func checkLeaks(t testing.TB) {
	t.Helper()
	netpoll.Default() // its pollers live for the whole process
	g0, f0 := runtime.NumGoroutine(), countFDs()
	t.Cleanup(func() {
		deadline := time.Now().Add(5 * time.Second)
		for {
			g, f := runtime.NumGoroutine(), countFDs()
			if g <= g0 && f <= f0 {
				return
			}
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				buf = buf[:runtime.Stack(buf, true)]
				t.Errorf("leak: goroutines %d -> %d, descriptors %d -> %d\n%s", g0, g, f0, f, buf)
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

func countFDs() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return 0 // not Linux: descriptors are not checked
	}
	return len(ents)
}

// testContext is a context bounded by a timeout, canceled at cleanup.
func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// echoHandler answers testString with its argument; other methods panic (nil embedded interface).
type echoHandler struct {
	tt.ThriftTest
	onString func(ctx context.Context, s string) (string, error)
}

func (h *echoHandler) TestString(ctx context.Context, s string) (string, error) {
	if h.onString != nil {
		return h.onString(ctx, s)
	}
	return s, nil
}

func (h *echoHandler) TestOneway(context.Context, int32) error { return nil }

// startServer serves h on a fresh loopback port (Kestrel's server) until cleanup.
func startServer(t testing.TB, h tt.ThriftTest, opts ...server.Option) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	opts = append([]server.Option{server.WithLogger(slog.New(slog.DiscardHandler))}, opts...)
	s := thrifttest.NewServer(h, opts...)
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return ln.Addr().String()
}

// newClient returns a ThriftTest client, closed at cleanup.
func newClient(t testing.TB, opts ...client.Option) thrifttest.Client {
	t.Helper()
	c, err := thrifttest.NewClient("ThriftTest", opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// responder is a hand-rolled Thrift server on plain net.Conns: it reads each request with package
// codec and lets the test decide what to send back, so faults a real server never commits can be
// staged. It counts connections.
type responder struct {
	t        testing.TB
	ln       net.Listener
	addr     string
	respond  func(rc *respConn, req *codec.Message) // nil: echo testString
	accepted atomic.Int32
	open     atomic.Int32
	closed   chan struct{} // receives once per connection the client closed

	mu    sync.Mutex
	conns []net.Conn
	wg    sync.WaitGroup
}

// respConn is one accepted connection of a responder.
type respConn struct {
	net.Conn
	r   *responder
	acc []byte
}

func startResponder(t testing.TB, respond func(rc *respConn, req *codec.Message)) *responder {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &responder{t: t, ln: ln, addr: ln.Addr().String(), respond: respond, closed: make(chan struct{}, 1000)}
	r.wg.Add(1)
	go r.acceptLoop()
	t.Cleanup(func() {
		ln.Close()
		r.mu.Lock()
		for _, c := range r.conns {
			c.Close()
		}
		r.mu.Unlock()
		r.wg.Wait()
	})
	return r
}

func (r *responder) acceptLoop() {
	defer r.wg.Done()
	for {
		c, err := r.ln.Accept()
		if err != nil {
			return
		}
		r.accepted.Add(1)
		r.open.Add(1)
		r.mu.Lock()
		r.conns = append(r.conns, c)
		r.mu.Unlock()
		r.wg.Add(1)
		go r.serve(&respConn{Conn: c, r: r})
	}
}

func (r *responder) serve(rc *respConn) {
	defer r.wg.Done()
	defer func() {
		rc.Close()
		r.open.Add(-1)
	}()
	tmp := make([]byte, 64<<10)
	for {
		var m codec.Message
		err := codec.Read(linkbuf.NewFromBytes(rc.acc), &m, 0)
		if err == nil {
			m.Name = string([]byte(m.Name))
			m.Body = bytes.Clone(m.Body)
			m.TTHeader.CopyStrings()
			m.THeader.CopyStrings()
			rc.acc = rc.acc[m.Size:]
			if r.respond == nil {
				rc.echo(&m)
			} else {
				r.respond(rc, &m)
			}
			continue
		}
		if !errors.Is(err, linkbuf.ErrNotEnough) {
			return
		}
		n, err := rc.Read(tmp)
		rc.acc = append(rc.acc, tmp[:n]...)
		if err != nil {
			r.closed <- struct{}{}
			return
		}
	}
}

// reply writes body as the reply to req, in req's framing.
func (rc *respConn) reply(req *codec.Message, typ thrift.MessageType, seq int32, body thrift.FastCodec) {
	m := &codec.Message{Kind: req.Kind, Protocol: req.Protocol, FramedPayload: req.FramedPayload,
		Name: req.Name, Type: typ, SeqID: seq}
	rc.Write(encodeMessage(rc.r.t, m, body))
}

// echo answers a testString call with its argument.
func (rc *respConn) echo(req *codec.Message) {
	var args tt.ThriftTestTestStringArgs
	if err := decode(req, &args); err != nil {
		rc.r.t.Errorf("responder: %v", err)
		return
	}
	rc.reply(req, thrift.REPLY, req.SeqID, &tt.ThriftTestTestStringResult{Success: &args.Thing})
}

func decode(m *codec.Message, body thrift.FastCodec) error {
	if m.Protocol == transport.Compact {
		_, err := body.(thrift.CompactCodec).CompactRead(m.Body)
		return err
	}
	_, err := body.FastRead(m.Body)
	return err
}

func encodeMessage(t testing.TB, m *codec.Message, body thrift.FastCodec) []byte {
	buf := linkbuf.New()
	defer buf.Free()
	if err := codec.Write(buf, m, body, false); err != nil {
		t.Errorf("encoding: %v", err)
		return nil
	}
	_ = buf.Flush()
	b, _ := buf.ReadBinary(buf.Len())
	return b
}

// eventually polls cond every 10ms for up to d.
func eventually(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func sizeName(n int) string {
	if n >= 1<<10 {
		return strconv.Itoa(n>>10) + "KiB"
	}
	return strconv.Itoa(n) + "B"
}
