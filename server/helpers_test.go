package server_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime"
	"sync"
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
// not come back within a grace period. Register it first: cleanups run last-in first-out, so it runs
// after the servers and clients are closed.
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

// handler is a ThriftTest handler whose behaviour the test sets; the methods a test does not use panic
// (the embedded interface is nil), which the server answers as InternalError.
type handler struct {
	tt.ThriftTest
	onString func(ctx context.Context, s string) (string, error)
	oneway   chan int32
}

func (h *handler) TestString(ctx context.Context, s string) (string, error) {
	switch s {
	case "panic":
		panic("boom")
	case "error":
		return "", errors.New("plain failure")
	}
	if h.onString != nil {
		return h.onString(ctx, s)
	}
	return s, nil
}

func (h *handler) TestException(_ context.Context, arg string) error {
	switch arg {
	case "Xception":
		return &tt.Xception{ErrorCode: 1001, Message: arg}
	case "TException":
		return thrift.NewApplicationException(thrift.UnknownApplicationException, "as asked")
	}
	return nil
}

func (h *handler) TestOneway(_ context.Context, n int32) error {
	if h.oneway != nil {
		h.oneway <- n
	}
	return nil
}

func (h *handler) TestVoid(context.Context) error { return nil }

// logBuffer collects a server's log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// testServer is a running server and what its test needs to reach it.
type testServer struct {
	*server.Server
	addr string
	log  *logBuffer
	done chan error // Serve's result
}

// startServer serves h on a fresh loopback port until the test's cleanup shuts it down.
func startServer(t testing.TB, h tt.ThriftTest, opts ...server.Option) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	lb := &logBuffer{}
	opts = append([]server.Option{server.WithLogger(slog.New(slog.NewTextHandler(lb, nil)))}, opts...)
	s := &testServer{Server: thrifttest.NewServer(h, opts...), addr: ln.Addr().String(), log: lb, done: make(chan error, 1)}
	go func() { s.done <- s.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		select {
		case err := <-s.done:
			if err != nil {
				t.Errorf("Serve returned %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("Serve did not return after Shutdown")
		}
	})
	return s
}

// newClient returns a Kestrel ThriftTest client of addr, closed at cleanup.
func newClient(t testing.TB, addr string, opts ...client.Option) thrifttest.Client {
	t.Helper()
	opts = append([]client.Option{client.WithHostPorts(addr), client.WithRPCTimeout(5 * time.Second)}, opts...)
	c, err := thrifttest.NewClient("ThriftTest", opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// testContext is a context bounded by a timeout, canceled at cleanup.
func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// rawConn is a plain TCP client that writes and reads messages with package codec, to send what a
// Kestrel client would not.
type rawConn struct {
	t     testing.TB
	conn  net.Conn
	kind  transport.Kind
	proto transport.Protocol
	acc   []byte
}

func dialRaw(t testing.TB, addr string, kind transport.Kind, proto transport.Protocol) *rawConn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &rawConn{t: t, conn: conn, kind: kind, proto: proto}
}

// send writes one message.
func (c *rawConn) send(name string, typ thrift.MessageType, seq int32, body thrift.FastCodec) {
	c.t.Helper()
	m := &codec.Message{Kind: c.kind, Protocol: c.proto, FramedPayload: true, Name: name, Type: typ, SeqID: seq}
	buf := linkbuf.New()
	defer buf.Free()
	if err := codec.Write(buf, m, body, false); err != nil {
		c.t.Fatal(err)
	}
	_ = buf.Flush()
	b, _ := buf.Next(buf.Len())
	c.sendBytes(b)
}

func (c *rawConn) sendBytes(b []byte) {
	c.t.Helper()
	if _, err := c.conn.Write(b); err != nil {
		c.t.Fatal(err)
	}
}

// recv reads one message; its Body is the caller's.
func (c *rawConn) recv() *codec.Message {
	c.t.Helper()
	m, err := c.tryRecv(5 * time.Second)
	if err != nil {
		c.t.Fatalf("receiving a message: %v", err)
	}
	return m
}

func (c *rawConn) tryRecv(within time.Duration) (*codec.Message, error) {
	_ = c.conn.SetReadDeadline(time.Now().Add(within))
	tmp := make([]byte, 64<<10)
	for {
		m := &codec.Message{Kind: c.kind, Protocol: c.proto}
		err := codec.Read(linkbuf.NewFromBytes(c.acc), m, 0)
		if err == nil {
			m.Name = string([]byte(m.Name))
			m.Body = bytes.Clone(m.Body)
			m.TTHeader.CopyStrings()
			c.acc = c.acc[m.Size:]
			return m, nil
		}
		if !errors.Is(err, linkbuf.ErrNotEnough) {
			return nil, err
		}
		n, err := c.conn.Read(tmp)
		c.acc = append(c.acc, tmp[:n]...)
		if err != nil {
			return nil, err
		}
	}
}

// expectClosed checks that the server closes the connection within d (and sends nothing before).
func (c *rawConn) expectClosed(d time.Duration) {
	c.t.Helper()
	_ = c.conn.SetReadDeadline(time.Now().Add(d))
	var b [64]byte
	n, err := c.conn.Read(b[:])
	if n > 0 {
		c.t.Fatalf("got %d bytes, want the connection closed", n)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		c.t.Fatalf("the connection was not closed within %v", d)
	}
	if err == nil || !(errors.Is(err, io.EOF) || isReset(err)) {
		c.t.Fatalf("read: %v, want EOF or reset", err)
	}
}

func isReset(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe)
}

// appException decodes an EXCEPTION message's body.
func appException(t testing.TB, m *codec.Message) *thrift.ApplicationException {
	t.Helper()
	if m.Type != thrift.EXCEPTION {
		t.Fatalf("message type %v, want EXCEPTION", m.Type)
	}
	var ae thrift.ApplicationException
	var err error
	if m.Protocol == transport.Compact {
		_, err = ae.CompactRead(m.Body)
	} else {
		_, err = ae.FastRead(m.Body)
	}
	if err != nil {
		t.Fatal(err)
	}
	return &ae
}

// stringReply decodes a testString REPLY.
func stringReply(t testing.TB, m *codec.Message) string {
	t.Helper()
	if m.Type != thrift.REPLY {
		t.Fatalf("message type %v, want REPLY", m.Type)
	}
	var r tt.ThriftTestTestStringResult
	var err error
	if m.Protocol == transport.Compact {
		_, err = r.CompactRead(m.Body)
	} else {
		_, err = r.FastRead(m.Body)
	}
	if err != nil || r.Success == nil {
		t.Fatalf("testString result %+v, %v", r, err)
	}
	return *r.Success
}

func strArgs(s string) *tt.ThriftTestTestStringArgs { return &tt.ThriftTestTestStringArgs{Thing: s} }

// transports is the matrix every end-to-end test may run over.
var transports = []struct {
	kind  transport.Kind
	proto transport.Protocol
}{
	{transport.TTHeader, transport.Binary}, {transport.TTHeader, transport.Compact},
	{transport.THeader, transport.Binary}, {transport.THeader, transport.Compact},
	{transport.Framed, transport.Binary}, {transport.Framed, transport.Compact},
	{transport.Buffered, transport.Binary}, {transport.Buffered, transport.Compact},
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
