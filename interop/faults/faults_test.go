package faults_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/thrift/lib/go/thrift"

	"github.com/kestrel-rpc/kestrel/client"
	at "github.com/kestrel-rpc/kestrel/interop/internal/apache/thrifttest"
	"github.com/kestrel-rpc/kestrel/interop/internal/testserver"
	"github.com/kestrel-rpc/kestrel/rpcerr"
	"github.com/kestrel-rpc/kestrel/transport"
)

// prompt is how soon after its cause a failure must reach the caller: far below hang and the RPC
// timeouts, so a client that noticed nothing and waited for its timeout fails the test.
const prompt = 2 * time.Second

// TestServerProcessKilledMidCall: a Kestrel server runs in a child process; a call is in its handler
// when the process is killed (SIGKILL). The client's call fails promptly with rpcerr.ErrConnection
// (not at its 20 s RPC timeout), the next call fails with rpcerr.ErrConnect (nothing listens any more),
// and the client leaks nothing.
func TestServerProcessKilledMidCall(t *testing.T) {
	group := leakCheck(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=server")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe() // the child exits when this closes, should the test die first
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 4)
	go func() {
		defer close(lines)
		for sc := bufio.NewScanner(stdout); sc.Scan(); {
			lines <- sc.Text()
		}
	}()
	var reaped sync.Once
	reap := func() { // kill the child if need be and wait until it is gone
		reaped.Do(func() {
			cmd.Process.Kill()
			stdin.Close()
			for range lines { // until the child's stdout closes
			}
			cmd.Wait()
		})
	}
	defer reap()
	next := func(what string) string {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("the child server exited before %s", what)
			}
			return l
		case <-time.After(hang):
			t.Fatalf("the child server did not report %s", what)
		}
		return ""
	}
	addr, ok := strings.CutPrefix(next("its address"), "addr ")
	if !ok {
		t.Fatalf("unexpected first line from the child")
	}

	c := newClient(t, addr, group, client.WithRPCTimeout(20*time.Second))
	ctx := context.Background()
	if got, err := c.TestString(ctx, "hello"); err != nil || got != "hello" {
		t.Fatalf("before the kill: %q, %v", got, err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := c.TestString(ctx, "block")
		done <- err
	}()
	if l := next("the call in its handler"); l != "entered" {
		t.Fatalf("child said %q, want entered", l)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	select {
	case err := <-done:
		if !errors.Is(err, rpcerr.ErrConnection) {
			t.Errorf("call in flight: %v, want rpcerr.ErrConnection", err)
		}
		if d := time.Since(start); d > prompt {
			t.Errorf("the call failed %v after the kill", d)
		}
	case <-time.After(hang):
		t.Fatal("the call in flight did not end after the server process died")
	}
	reap() // nothing listens any more
	start = time.Now()
	if _, err := c.TestString(ctx, "again"); !errors.Is(err, rpcerr.ErrConnect) {
		t.Errorf("call after the kill: %v, want rpcerr.ErrConnect", err)
	} else if d := time.Since(start); d > prompt {
		t.Errorf("the call after the kill took %v", d)
	}
}

// TestServerShutdownMidCall: a Kestrel server in this process is shut down with a context that has
// already ended while a call is in its handler, so it closes the connection at once; the client's call
// fails promptly with rpcerr.ErrConnection, later calls with rpcerr.ErrConnect, and once the handler
// returns neither side leaks a goroutine or a descriptor.
func TestServerShutdownMidCall(t *testing.T) {
	group := leakCheck(t)
	for _, kind := range []transport.Kind{transport.TTHeader, transport.THeader, transport.Framed, transport.Buffered} {
		t.Run(kind.String(), func(t *testing.T) {
			entered := make(chan struct{}, 1)
			h := &blocking{Kestrel: &testserver.Kestrel{}, block: "block", entered: entered, release: make(chan struct{})}
			defer close(h.release) // lets the abandoned handler return, after the checks
			srv, addr := startKestrelServer(t, h, group, nil)
			c := newClient(t, addr, group, client.WithTransport(kind), client.WithRPCTimeout(20*time.Second))
			ctx := context.Background()
			if got, err := c.TestString(ctx, "hello"); err != nil || got != "hello" {
				t.Fatalf("before the shutdown: %q, %v", got, err)
			}
			done := make(chan error, 1)
			go func() {
				_, err := c.TestString(ctx, "block")
				done <- err
			}()
			select {
			case <-entered:
			case <-time.After(hang):
				t.Fatal("the call did not reach the handler")
			}
			ended, cancel := context.WithCancel(context.Background())
			cancel()
			start := time.Now()
			srv.Shutdown(ended)
			select {
			case err := <-done:
				if !errors.Is(err, rpcerr.ErrConnection) {
					t.Errorf("call in flight: %v, want rpcerr.ErrConnection", err)
				}
				if d := time.Since(start); d > prompt {
					t.Errorf("the call failed %v after the shutdown", d)
				}
			case <-time.After(hang):
				t.Fatal("the call in flight did not end after the server closed its connection")
			}
			if _, err := c.TestString(ctx, "again"); !errors.Is(err, rpcerr.ErrConnect) {
				t.Errorf("call after the shutdown: %v, want rpcerr.ErrConnect", err)
			}
		})
	}
}

// garbage is a reply that is not a valid reply to testString(seq).
type garbage struct {
	name  string
	kind  transport.Kind
	reply func(t *testing.T, seq int32) []byte
}

var httpReply = []byte("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nBad Request")

func garbageCases() []garbage {
	result := func(v string) thrift.TStruct {
		r := at.NewThriftTestTestStringResult()
		r.Success = &v
		return r
	}
	var cases []garbage
	for _, k := range []transport.Kind{transport.TTHeader, transport.THeader, transport.Framed, transport.Buffered} {
		cases = append(cases, garbage{"http/" + k.String(), k, func(*testing.T, int32) []byte { return httpReply }})
	}
	return append(cases,
		garbage{"wrong-seqid", transport.Framed, func(t *testing.T, seq int32) []byte {
			return frame(apacheMessage(t, "testString", thrift.REPLY, seq+1, result("x")))
		}},
		garbage{"wrong-method", transport.Framed, func(t *testing.T, seq int32) []byte {
			return frame(apacheMessage(t, "testI32", thrift.REPLY, seq, result("x")))
		}},
		garbage{"call-not-reply", transport.Framed, func(t *testing.T, seq int32) []byte {
			return frame(apacheMessage(t, "testString", thrift.CALL, seq, result("x")))
		}},
		garbage{"truncated-result", transport.Framed, func(t *testing.T, seq int32) []byte {
			msg := apacheMessage(t, "testString", thrift.REPLY, seq, result("a long enough success string"))
			return frame(msg[:len(msg)-10]) // a whole frame whose struct ends inside the string
		}},
		garbage{"bad-field-type", transport.Framed, func(t *testing.T, seq int32) []byte {
			msg := apacheMessage(t, "testString", thrift.REPLY, seq, at.NewThriftTestTestStringResult())
			msg = append(msg[:len(msg)-1], 0x7f, 0x00, 0x00, 0x00) // field type 127: no such type
			return frame(msg)
		}},
		garbage{"bad-exception", transport.Framed, func(t *testing.T, seq int32) []byte {
			msg := apacheMessage(t, "testString", thrift.EXCEPTION, seq, at.NewThriftTestTestStringResult())
			msg = append(msg[:len(msg)-1], 0x0b, 0x00, 0x01, 0x7f, 0xff, 0xff, 0xff) // a string of 2 GiB
			return frame(msg)
		}},
		garbage{"oversized-frame", transport.Framed, func(*testing.T, int32) []byte {
			return []byte{0x3f, 0xff, 0xff, 0xff, 0x80, 0x01, 0x00, 0x02} // 1 GiB announced, over the client's 16 MiB
		}},
		garbage{"negative-frame", transport.Framed, func(*testing.T, int32) []byte {
			return []byte{0xff, 0xff, 0xff, 0xf0, 0x80, 0x01, 0x00, 0x02}
		}},
	)
}

// TestGarbageReply: a server answers each call with bytes that are not a valid reply to it, and keeps
// the connection open. The call fails promptly with rpcerr.ErrProtocol; the client closes that
// connection (the server sees it closed) and the next call dials a new one.
func TestGarbageReply(t *testing.T) {
	group := leakCheck(t)
	for _, g := range garbageCases() {
		t.Run(g.name, func(t *testing.T) {
			closed := make(chan bool, 2)
			srv := startRaw(t, func(c net.Conn) {
				seq := int32(0)
				if g.kind == transport.Framed {
					msg, err := readFrame(c)
					if err != nil {
						return
					}
					if _, _, seq, _, err = parseCall(msg); err != nil {
						t.Errorf("the client's request: %v", err)
						return
					}
				} else if _, err := c.Read(make([]byte, 4096)); err != nil {
					return
				}
				if _, err := c.Write(g.reply(t, seq)); err != nil {
					return
				}
				closed <- awaitClose(c)
			})
			c := newClient(t, srv.addr(), group, client.WithTransport(g.kind), client.WithRPCTimeout(hang))
			for i := 1; i <= 2; i++ {
				start := time.Now()
				_, err := c.TestString(context.Background(), "hello")
				if !errors.Is(err, rpcerr.ErrProtocol) {
					t.Errorf("call %d: %v, want rpcerr.ErrProtocol", i, err)
				}
				if d := time.Since(start); d > prompt {
					t.Errorf("call %d took %v", i, d)
				}
				if !<-closed {
					t.Errorf("call %d: the client kept the connection open after the garbage", i)
				}
				if n := srv.accepted.Load(); n != int32(i) {
					t.Errorf("after call %d the server accepted %d connections: a connection was reused after garbage", i, n)
				}
			}
		})
	}
}

// TestServerNeverAnswers: a server reads the request and never answers. The call fails with
// rpcerr.ErrTimeout at its deadline, whether the RPC timeout or the context's deadline sets it, the
// error is also a context.DeadlineExceeded and a timeout net.Error, the client closes the connection
// (a pooled connection never holds half a call), and nothing leaks.
func TestServerNeverAnswers(t *testing.T) {
	group := leakCheck(t)
	const timeout = 200 * time.Millisecond
	for _, kind := range []transport.Kind{transport.TTHeader, transport.THeader, transport.Framed, transport.Buffered} {
		for _, by := range []string{"rpc-timeout", "ctx-deadline"} {
			t.Run(kind.String()+"/"+by, func(t *testing.T) {
				closed := make(chan bool, 2)
				srv := startRaw(t, func(c net.Conn) { closed <- awaitClose(c) })
				opts := []client.Option{client.WithTransport(kind)}
				if by == "rpc-timeout" {
					opts = append(opts, client.WithRPCTimeout(timeout))
				}
				c := newClient(t, srv.addr(), group, opts...)
				for i := 1; i <= 2; i++ {
					start := time.Now()
					ctx, cancel := context.Background(), context.CancelFunc(func() {})
					if by == "ctx-deadline" {
						ctx, cancel = context.WithTimeout(ctx, timeout)
					}
					_, err := c.TestString(ctx, "hello")
					d := time.Since(start)
					cancel()
					checkTimeout(t, err, d, timeout)
					select {
					case ok := <-closed:
						if !ok {
							t.Errorf("call %d: the client did not close the timed-out connection", i)
						}
					case <-time.After(hang):
						t.Fatalf("call %d: the timed-out connection is still open", i)
					}
					if n := srv.accepted.Load(); n != int32(i) {
						t.Errorf("after call %d the server accepted %d connections, want %d", i, n, i)
					}
				}
			})
		}
	}
}

// TestHandlerNeverReturns: the same against a Kestrel server whose handler does not return in time:
// the client times out, and when the handler finally returns, the server's reply to a closed
// connection leaks nothing either; the server goes on serving.
func TestHandlerNeverReturns(t *testing.T) {
	group := leakCheck(t)
	const timeout = 200 * time.Millisecond
	entered := make(chan struct{}, 4)
	h := &blocking{Kestrel: &testserver.Kestrel{}, block: "block", entered: entered, release: make(chan struct{})}
	_, addr := startKestrelServer(t, h, group, nil)
	released := false
	defer func() {
		if !released {
			close(h.release)
		}
	}()
	for _, kind := range []transport.Kind{transport.TTHeader, transport.Framed} {
		c := newClient(t, addr, group, client.WithTransport(kind), client.WithRPCTimeout(timeout))
		start := time.Now()
		_, err := c.TestString(context.Background(), "block")
		checkTimeout(t, err, time.Since(start), timeout)
		<-entered
	}
	close(h.release)
	released = true
	c := newClient(t, addr, group, client.WithRPCTimeout(hang))
	if got, err := c.TestString(context.Background(), "still serving"); err != nil || got != "still serving" {
		t.Errorf("after the timeouts: %q, %v", got, err)
	}
}

func checkTimeout(t *testing.T, err error, took, timeout time.Duration) {
	t.Helper()
	if !errors.Is(err, rpcerr.ErrTimeout) {
		t.Fatalf("got %v, want rpcerr.ErrTimeout", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) || !rpcerr.IsTimeout(err) {
		t.Errorf("%v: not a context.DeadlineExceeded or not a timeout net.Error", err)
	}
	if ne := net.Error(nil); !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("%v: not a net.Error with Timeout()", err)
	}
	if took < timeout || took > timeout+prompt {
		t.Errorf("the call timed out after %v, its deadline was %v", took, timeout)
	}
}

// TestOversizedFrame: a client announces a request of 1 GiB (or just over the 16 MiB default limit) in
// every framing, and sends only its first bytes. The server closes the connection at once — it neither
// waits for the rest nor allocates the announced size — logs why, and goes on serving the connections
// it had and new ones.
func TestOversizedFrame(t *testing.T) {
	group := leakCheck(t)
	var log syncBuffer
	_, addr := startKestrelServer(t, &testserver.Kestrel{}, group, &log)
	ctx := context.Background()
	before := newClient(t, addr, group, client.WithRPCTimeout(hang))
	if _, err := before.TestString(ctx, "warm"); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		bytes []byte
	}{
		{"framed-1GiB", []byte{0x3f, 0xff, 0xff, 0xff, 0x80, 0x01, 0x00, 0x01}},
		{"framed-limit+1", []byte{0x01, 0x00, 0x00, 0x01, 0x80, 0x01, 0x00, 0x01}},
		{"ttheader-1GiB", []byte{0x3f, 0xff, 0xff, 0xff, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00}},
		{"theader-1GiB", []byte{0x3f, 0xff, 0xff, 0xff, 0x0f, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00}},
		{"buffered-binary-name-1GiB", append([]byte{0x80, 0x01, 0x00, 0x01, 0x3f, 0xff, 0xff, 0xf0}, "test"...)},
		{"buffered-binary-string-1GiB", append(append([]byte{0x80, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0a}, "testString"...),
			0x00, 0x00, 0x00, 0x01, 0x0b, 0x00, 0x01, 0x3f, 0xff, 0xff, 0xf0, 'a', 'b', 'c')},
		{"buffered-compact-name-1GiB", append([]byte{0x82, 0x21, 0x01, 0xf0, 0xff, 0xff, 0xff, 0x03}, "test"...)},
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	alloc0 := ms.TotalAlloc
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.DialTimeout("tcp", addr, hang)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := conn.Write(tc.bytes); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			if !awaitClose(conn) {
				t.Fatal("the server kept the connection open, waiting for the announced bytes")
			}
			if d := time.Since(start); d > prompt {
				t.Errorf("the server closed the connection after %v", d)
			}
		})
	}
	runtime.ReadMemStats(&ms)
	if grew := ms.TotalAlloc - alloc0; grew > 8<<20 {
		t.Errorf("refusing %d oversized frames allocated %d MiB", len(cases), grew>>20)
	}
	if n := strings.Count(log.String(), "too large"); n < len(cases) {
		t.Errorf("the server logged %d refusals as too large, want %d; log:\n%s", n, len(cases), log.String())
	}
	if got, err := before.TestString(ctx, "after"); err != nil || got != "after" {
		t.Errorf("the connection made before: %q, %v", got, err)
	}
	after := newClient(t, addr, group, client.WithRPCTimeout(hang), client.WithTransport(transport.Buffered))
	if got, err := after.TestString(ctx, "new"); err != nil || got != "new" {
		t.Errorf("a new connection: %q, %v", got, err)
	}
}

// TestServerStallsMidReply: a server sends the first half of a valid reply and then nothing. The call
// fails with rpcerr.ErrTimeout at its deadline — the client neither hangs on the missing half nor
// decodes the half it has — and the connection is closed, not pooled.
func TestServerStallsMidReply(t *testing.T) {
	group := leakCheck(t)
	const timeout = 200 * time.Millisecond
	closed := make(chan bool, 1)
	srv := startRaw(t, func(c net.Conn) {
		msg, err := readFrame(c)
		if err != nil {
			return
		}
		_, _, seq, args, err := parseCall(msg)
		if err != nil {
			t.Errorf("the client's request: %v", err)
			return
		}
		res := at.NewThriftTestTestStringResult()
		res.Success = &args.Thing
		reply := frame(apacheMessage(t, "testString", thrift.REPLY, seq, res))
		if _, err := c.Write(reply[:len(reply)/2]); err != nil {
			return
		}
		closed <- awaitClose(c)
	})
	c := newClient(t, srv.addr(), group, client.WithTransport(transport.Framed), client.WithRPCTimeout(timeout))
	start := time.Now()
	_, err := c.TestString(context.Background(), "a reply long enough to cut in half")
	checkTimeout(t, err, time.Since(start), timeout)
	if !<-closed {
		t.Error("the client kept the connection with half a reply in it")
	}
}

// TestDuplicateReply: a server answers one call twice. The second copy is never taken for the answer to
// the next call: that call either fails with rpcerr.ErrProtocol (its sequence id does not match) or
// gets its own answer, and the client recovers on a new connection.
func TestDuplicateReply(t *testing.T) {
	group := leakCheck(t)
	srv := startRaw(t, func(c net.Conn) {
		for {
			msg, err := readFrame(c)
			if err != nil {
				return
			}
			_, _, seq, args, err := parseCall(msg)
			if err != nil {
				t.Errorf("the client's request: %v", err)
				return
			}
			res := at.NewThriftTestTestStringResult()
			res.Success = &args.Thing
			reply := frame(apacheMessage(t, "testString", thrift.REPLY, seq, res))
			if args.Thing == "twice" {
				reply = append(reply, reply...)
			}
			if _, err := c.Write(reply); err != nil {
				return
			}
		}
	})
	c := newClient(t, srv.addr(), group, client.WithTransport(transport.Framed), client.WithRPCTimeout(hang))
	ctx := context.Background()
	if got, err := c.TestString(ctx, "twice"); err != nil || got != "twice" {
		t.Fatalf("first call: %q, %v", got, err)
	}
	got, err := c.TestString(ctx, "next")
	if err == nil && got != "next" {
		t.Fatalf("the next call got %q, the stale second reply to the previous call", got)
	}
	if err != nil && !errors.Is(err, rpcerr.ErrProtocol) {
		t.Errorf("the next call: %v, want rpcerr.ErrProtocol or its own answer", err)
	}
	if got, err := c.TestString(ctx, "third"); err != nil || got != "third" {
		t.Errorf("third call: %q, %v", got, err)
	}
}

// TestClientFINWithRequest: a client sends a request and at once shuts down its sending side (the
// request's bytes and the FIN reach the server together, as they do from a short-lived client). The
// server still answers, and then — the peer being done — closes the connection rather than keep it
// open for ever. Several tries, since the FIN does not always share the request's read edge.
//
// This fails today: netpoll's poller stops reading after a short read (connection.onReadable in
// netpoll/conn_unix.go: "a short read ... emptied its receive queue; anything arriving later raises a
// new edge"), but a FIN that came with the data raised no later edge (EPOLLRDHUP was already in the
// event that delivered the data), so the connection never sees its EOF.
func TestClientFINWithRequest(t *testing.T) {
	group := leakCheck(t)
	_, addr := startKestrelServer(t, &testserver.Kestrel{}, group, nil)
	const tries = 20
	for i := range tries {
		conn, err := net.DialTimeout("tcp", addr, hang)
		if err != nil {
			t.Fatal(err)
		}
		req := frame(apacheMessage(t, "testString", thrift.CALL, int32(i), &at.ThriftTestTestStringArgs{Thing: "bye"}))
		if _, err := conn.Write(req); err != nil {
			t.Fatal(err)
		}
		if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
			t.Fatal(err)
		}
		msg, err := readFrame(conn)
		if err != nil {
			conn.Close()
			t.Fatalf("try %d: no reply after the client's FIN: %v", i, err)
		}
		if name, typ, seq, _, err := parseCall(msg); err != nil || name != "testString" || typ != thrift.REPLY || seq != int32(i) {
			t.Errorf("try %d: reply %s %v seq %d, %v", i, name, typ, seq, err)
		}
		conn.SetReadDeadline(time.Now().Add(prompt))
		_, err = io.Copy(io.Discard, conn)
		conn.Close()
		if ne := net.Error(nil); errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("try %d of %d: the server kept the connection open %v after the client's FIN and its reply", i+1, tries, prompt)
		}
	}
}
