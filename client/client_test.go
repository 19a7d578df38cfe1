package client_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/kestrel-rpc/kestrel/callinfo"
	"github.com/kestrel-rpc/kestrel/client"
	"github.com/kestrel-rpc/kestrel/codec"
	"github.com/kestrel-rpc/kestrel/endpoint"
	tt "github.com/kestrel-rpc/kestrel/internal/gentest/thrifttest"
	"github.com/kestrel-rpc/kestrel/rpcerr"
	"github.com/kestrel-rpc/kestrel/server"
	"github.com/kestrel-rpc/kestrel/thrift"
	"github.com/kestrel-rpc/kestrel/transport"
	"github.com/kestrel-rpc/kestrel/transport/ttheader"
)

// TestConnectionRefused calls a port nobody listens on: rpcerr.ErrConnect, with ECONNREFUSED inside.
func TestConnectionRefused(t *testing.T) {
	checkLeaks(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c := newClient(t, client.WithHostPorts(addr))
	_, err = c.TestString(testContext(t), "x")
	if !errors.Is(err, rpcerr.ErrConnect) || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("error %v, want ErrConnect and ECONNREFUSED", err)
	}
	var re *rpcerr.Error
	if !errors.As(err, &re) || re.Op != "dial" || re.Addr != addr {
		t.Fatalf("error %#v", err)
	}
}

// TestServerClosesMidCall has the server read the request and close: rpcerr.ErrConnection.
func TestServerClosesMidCall(t *testing.T) {
	checkLeaks(t)
	r := startResponder(t, func(rc *respConn, _ *codec.Message) { rc.Close() })
	for _, kind := range []transport.Kind{transport.TTHeader, transport.Framed, transport.Buffered} {
		c := newClient(t, client.WithHostPorts(r.addr), client.WithTransport(kind))
		_, err := c.TestString(testContext(t), "x")
		if !errors.Is(err, rpcerr.ErrConnection) {
			t.Fatalf("%v: error %v, want ErrConnection", kind, err)
		}
	}
}

// TestGarbageReply answers with bytes that are not a reply: rpcerr.ErrProtocol, the connection is
// closed by the client rather than pooled, and the next call works on a new one.
func TestGarbageReply(t *testing.T) {
	checkLeaks(t)
	garbage := [][]byte{
		[]byte("HTTP/1.1 400 Bad Request\r\n\r\n"),
		{0x00, 0x00, 0x00, 0x05, 0x80, 0x01, 0x00, 0x02, 0x00},                   // framed, truncated message header
		{0x7F, 0xFF, 0xFF, 0xFF, 0x10, 0x00, 0x00, 0x00, 0, 0, 0, 1, 0, 1, 0, 0}, // TTHeader over the size limit
	}
	var calls atomic.Int32
	r := startResponder(t, func(rc *respConn, req *codec.Message) {
		n := int(calls.Add(1)) - 1
		if n < len(garbage) {
			rc.Write(garbage[n])
			return
		}
		rc.echo(req)
	})
	c := newClient(t, client.WithHostPorts(r.addr), client.WithTransport(transport.Framed))
	for i := range garbage {
		_, err := c.TestString(testContext(t), "x")
		if !errors.Is(err, rpcerr.ErrProtocol) {
			t.Fatalf("garbage %d: error %v, want ErrProtocol", i, err)
		}
		select {
		case <-r.closed:
		case <-time.After(5 * time.Second):
			t.Fatalf("garbage %d: the client kept the connection", i)
		}
	}
	if got, err := c.TestString(testContext(t), "clean"); err != nil || got != "clean" {
		t.Fatalf("after garbage: %q, %v", got, err)
	}
	if n := r.accepted.Load(); n != int32(len(garbage))+1 {
		t.Fatalf("%d connections, want %d", n, len(garbage)+1)
	}
}

// TestBadReplyEnvelope answers with a well-formed reply of the wrong sequence id, method or type:
// rpcerr.ErrProtocol and the connection is dropped.
func TestBadReplyEnvelope(t *testing.T) {
	checkLeaks(t)
	for _, tc := range []struct {
		name string
		send func(rc *respConn, req *codec.Message)
	}{
		{"seqid", func(rc *respConn, req *codec.Message) {
			s := "x"
			rc.reply(req, thrift.REPLY, req.SeqID+1, &tt.ThriftTestTestStringResult{Success: &s})
		}},
		{"method", func(rc *respConn, req *codec.Message) {
			s := "x"
			req.Name = "other"
			rc.reply(req, thrift.REPLY, req.SeqID, &tt.ThriftTestTestStringResult{Success: &s})
		}},
		{"type", func(rc *respConn, req *codec.Message) {
			s := "x"
			rc.reply(req, thrift.CALL, req.SeqID, &tt.ThriftTestTestStringResult{Success: &s})
		}},
		{"body", func(rc *respConn, req *codec.Message) {
			rc.reply(req, thrift.REPLY, req.SeqID, rawBody{0x0B, 0x00, 0x00, 0x7F, 0xFF, 0xFF, 0xFF})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := startResponder(t, tc.send)
			c := newClient(t, client.WithHostPorts(r.addr))
			_, err := c.TestString(testContext(t), "x")
			if !errors.Is(err, rpcerr.ErrProtocol) {
				t.Fatalf("error %v, want ErrProtocol", err)
			}
			select {
			case <-r.closed:
			case <-time.After(5 * time.Second):
				t.Fatal("the client kept the connection")
			}
		})
	}
}

type rawBody []byte

func (b rawBody) BLength() int                   { return len(b) }
func (b rawBody) FastWrite(p []byte) int         { return copy(p, b) }
func (b rawBody) FastRead(p []byte) (int, error) { return len(p), nil }

// TestNoReply has the server never answer (or answer only half): the RPC timeout and a context
// deadline give rpcerr.ErrTimeout, a cancel gives rpcerr.ErrCanceled, each promptly; nothing leaks; and
// the next call on the same client gets its own reply, never the rest of an old one.
func TestNoReply(t *testing.T) {
	checkLeaks(t)
	var mode atomic.Int32 // 0 silent, 1 half a reply, 2 late full reply, 3 echo
	release := make(chan struct{})
	defer close(release)
	r := startResponder(t, func(rc *respConn, req *codec.Message) {
		switch mode.Load() {
		case 0:
		case 1:
			s := "stale"
			b := encodeMessage(t, &codec.Message{Kind: req.Kind, Protocol: req.Protocol, FramedPayload: req.FramedPayload,
				Name: req.Name, Type: thrift.REPLY, SeqID: req.SeqID}, &tt.ThriftTestTestStringResult{Success: &s})
			rc.Write(b[:len(b)/2])
		case 2:
			go func() {
				select {
				case <-time.After(300 * time.Millisecond):
					s := "stale"
					rc.reply(req, thrift.REPLY, req.SeqID, &tt.ThriftTestTestStringResult{Success: &s})
				case <-release:
				}
			}()
		case 3:
			rc.echo(req)
		}
	})
	c := newClient(t, client.WithHostPorts(r.addr), client.WithRPCTimeout(100*time.Millisecond))
	cancelAfter := func(d time.Duration) context.Context {
		ctx, cancel := context.WithCancel(testContext(t))
		time.AfterFunc(d, cancel)
		return ctx
	}
	deadline := func(d time.Duration) context.Context {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		t.Cleanup(cancel)
		return ctx
	}
	noRPCTimeout := newClient(t, client.WithHostPorts(r.addr))
	cases := []struct {
		name string
		c    interface {
			TestString(context.Context, string) (string, error)
		}
		ctx  func() context.Context
		want error
	}{
		{"rpc timeout", c, func() context.Context { return testContext(t) }, rpcerr.ErrTimeout},
		{"context deadline", noRPCTimeout, func() context.Context { return deadline(100 * time.Millisecond) }, rpcerr.ErrTimeout},
		{"context deadline sooner than rpc timeout", c, func() context.Context { return deadline(30 * time.Millisecond) }, rpcerr.ErrTimeout},
		{"cancel", noRPCTimeout, func() context.Context { return cancelAfter(50 * time.Millisecond) }, rpcerr.ErrCanceled},
	}
	for _, m := range []int32{0, 1, 2} {
		for _, tc := range cases {
			t.Run(fmt.Sprintf("mode%d/%s", m, tc.name), func(t *testing.T) {
				mode.Store(m)
				t0 := time.Now()
				_, err := tc.c.TestString(tc.ctx(), "lost")
				if !errors.Is(err, tc.want) {
					t.Fatalf("error %v, want %v", err, tc.want)
				}
				if tc.want == rpcerr.ErrTimeout && (!rpcerr.IsTimeout(err) || !errors.Is(err, context.DeadlineExceeded)) {
					t.Fatalf("a timeout that is not a net-style timeout and DeadlineExceeded: %v", err)
				}
				if tc.want == rpcerr.ErrCanceled && !errors.Is(err, context.Canceled) {
					t.Fatalf("a cancel that is not context.Canceled: %v", err)
				}
				if d := time.Since(t0); d > 2*time.Second {
					t.Fatalf("took %v", d)
				}
				// The next call on the same client gets its own reply.
				mode.Store(3)
				if got, err := tc.c.TestString(testContext(t), "fresh"); err != nil || got != "fresh" {
					t.Fatalf("next call: %q, %v", got, err)
				}
			})
		}
	}
}

// TestPoolReuse makes sequential calls: they share one connection.
func TestPoolReuse(t *testing.T) {
	checkLeaks(t)
	r := startResponder(t, nil)
	for _, kind := range []transport.Kind{transport.TTHeader, transport.THeader, transport.Framed, transport.Buffered} {
		r.accepted.Store(0)
		c := newClient(t, client.WithHostPorts(r.addr), client.WithTransport(kind))
		for i := range 50 {
			want := fmt.Sprint(i)
			if got, err := c.TestString(testContext(t), want); err != nil || got != want {
				t.Fatalf("%v call %d: %q, %v", kind, i, got, err)
			}
		}
		if n := r.accepted.Load(); n != 1 {
			t.Fatalf("%v: %d connections for sequential calls, want 1", kind, n)
		}
	}
}

// TestMaxIdlePerAddress makes five concurrent calls with room for two idle connections: five
// connections are open during the calls, and the client closes three when they come back.
func TestMaxIdlePerAddress(t *testing.T) {
	checkLeaks(t)
	const n = 5
	var arrived sync.WaitGroup
	arrived.Add(n)
	gate := make(chan struct{})
	var first atomic.Int32
	r := startResponder(t, func(rc *respConn, req *codec.Message) {
		if first.Add(1) <= n {
			arrived.Done()
			<-gate
		}
		rc.echo(req)
	})
	c := newClient(t, client.WithHostPorts(r.addr), client.WithLongConnection(2, time.Minute))
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.TestString(testContext(t), fmt.Sprint(i)); err != nil {
				t.Error(err)
			}
		}()
	}
	arrived.Wait()
	if got := r.open.Load(); got != n {
		t.Fatalf("%d connections open during %d concurrent calls", got, n)
	}
	close(gate)
	wg.Wait()
	eventually(t, 5*time.Second, "the client to keep 2 idle connections", func() bool { return r.open.Load() == 2 })
	for range 10 {
		if _, err := c.TestString(testContext(t), "again"); err != nil {
			t.Fatal(err)
		}
	}
	if got := r.accepted.Load(); got != n {
		t.Fatalf("%d connections in all, want %d (the idle ones reused)", got, n)
	}
}

// TestIdleExpiry leaves a pooled connection idle past the idle timeout: the next call dials a new one
// and the old one is closed.
func TestIdleExpiry(t *testing.T) {
	checkLeaks(t)
	r := startResponder(t, nil)
	c := newClient(t, client.WithHostPorts(r.addr), client.WithLongConnection(10, 300*time.Millisecond))
	if _, err := c.TestString(testContext(t), "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.TestString(testContext(t), "b"); err != nil {
		t.Fatal(err)
	}
	if n := r.accepted.Load(); n != 1 {
		t.Fatalf("%d connections before expiry", n)
	}
	time.Sleep(500 * time.Millisecond)
	if _, err := c.TestString(testContext(t), "c"); err != nil {
		t.Fatal(err)
	}
	if n := r.accepted.Load(); n != 2 {
		t.Fatalf("%d connections after expiry, want 2", n)
	}
	select {
	case <-r.closed:
	case <-time.After(5 * time.Second):
		t.Fatal("the expired connection was not closed")
	}
	if n := r.open.Load(); n != 1 {
		t.Fatalf("%d connections open", n)
	}
}

// TestShortConnection dials a connection per call and closes it after the reply.
func TestShortConnection(t *testing.T) {
	checkLeaks(t)
	r := startResponder(t, nil)
	c := newClient(t, client.WithHostPorts(r.addr), client.WithShortConnection())
	for i := range 5 {
		if _, err := c.TestString(testContext(t), fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	if n := r.accepted.Load(); n != 5 {
		t.Fatalf("%d connections for 5 short calls", n)
	}
	eventually(t, 5*time.Second, "every short connection to close", func() bool { return r.open.Load() == 0 })
}

// TestHostPortsRoundRobin spreads calls over three servers in turn.
func TestHostPortsRoundRobin(t *testing.T) {
	checkLeaks(t)
	var counts [3]atomic.Int32
	var addrs []string
	for i := range counts {
		addrs = append(addrs, startServer(t, &echoHandler{onString: func(_ context.Context, s string) (string, error) {
			counts[i].Add(1)
			return s, nil
		}}))
	}
	c := newClient(t, client.WithHostPorts(addrs...))
	for i := range 30 {
		if _, err := c.TestString(testContext(t), fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	for i := range counts {
		if n := counts[i].Load(); n != 10 {
			t.Fatalf("server %d got %d of 30 calls", i, n)
		}
	}
	// No address at all.
	none := newClient(t)
	if _, err := none.TestString(testContext(t), "x"); !errors.Is(err, rpcerr.ErrConnect) || !errors.Is(err, client.ErrNoAddress) {
		t.Fatalf("no address: %v", err)
	}
}

// TestConcurrentCalls runs 100 goroutines of calls on one client (meant for -race), over each
// transport, and checks every reply is the caller's own.
func TestConcurrentCalls(t *testing.T) {
	checkLeaks(t)
	addr := startServer(t, &echoHandler{})
	for _, kind := range []transport.Kind{transport.TTHeader, transport.THeader, transport.Framed, transport.Buffered} {
		c := newClient(t, client.WithHostPorts(addr), client.WithTransport(kind), client.WithRPCTimeout(10*time.Second))
		var wg sync.WaitGroup
		var failed atomic.Int32
		for g := range 100 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 10 {
					want := fmt.Sprintf("%d/%d/%s", g, i, strings.Repeat("p", g*50))
					if got, err := c.TestString(testContext(t), want); err != nil || got != want {
						failed.Add(1)
					}
				}
			}()
		}
		wg.Wait()
		if n := failed.Load(); n > 0 {
			t.Fatalf("%v: %d calls failed", kind, n)
		}
	}
}

// TestMiddlewareAndCallInfo checks the client's middleware order and the call info it sees after the
// call: service, method, peer, framing, sizes, stage timings; and that it travels to the server.
func TestMiddlewareAndCallInfo(t *testing.T) {
	checkLeaks(t)
	// The race detector does not see the order a socket gives: hand the server's info over a channel.
	serverInfo := make(chan callinfo.Info, 1)
	addr := startServer(t, &echoHandler{onString: func(ctx context.Context, s string) (string, error) {
		serverInfo <- *callinfo.FromContext(ctx)
		return s, nil
	}})
	var trace []string
	var seen callinfo.Info
	mw := func(name string) endpoint.Middleware {
		return func(next endpoint.Endpoint) endpoint.Endpoint {
			return func(ctx context.Context, req, resp any) error {
				trace = append(trace, name+">")
				err := next(ctx, req, resp)
				trace = append(trace, "<"+name)
				if name == "outer" {
					seen = *callinfo.FromContext(ctx)
				}
				return err
			}
		}
	}
	c := newClient(t, client.WithHostPorts(addr), client.WithMiddleware(mw("outer")), client.WithMiddleware(mw("inner")),
		client.WithCallerService("me"), client.WithRPCTimeout(2*time.Second), client.WithDestService("ThriftTest"))
	if _, err := c.TestString(testContext(t), "hello"); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(trace, " "); got != "outer> inner> <inner <outer" {
		t.Fatalf("order %q", got)
	}
	if seen.CalleeService != "ThriftTest" || seen.CallerService != "me" || seen.Method != "testString" ||
		seen.Kind != transport.TTHeader || seen.Protocol != transport.Binary || seen.PeerAddr.String() != addr ||
		seen.SeqID == 0 || seen.Err != nil {
		t.Fatalf("call info %+v", seen)
	}
	if seen.ReqSize < 20 || seen.RespSize < 20 || seen.Start.IsZero() || seen.Encode <= 0 || seen.Write <= 0 ||
		seen.Read <= 0 || seen.Decode <= 0 || seen.RPCTimeout <= 0 || seen.RPCTimeout > 10*time.Second {
		t.Fatalf("sizes and timings %+v", seen)
	}
	serverSaw := <-serverInfo
	if serverSaw.CallerService != "me" || serverSaw.RPCTimeout <= 0 || serverSaw.RPCTimeout > 10*time.Second ||
		serverSaw.ReqSize != seen.ReqSize || serverSaw.SeqID != seen.SeqID {
		t.Fatalf("server's call info %+v", serverSaw)
	}
}

// TestRPCTimeoutHeader checks the TTHeader RPC timeout: the client's, or the context's when sooner.
func TestRPCTimeoutHeader(t *testing.T) {
	checkLeaks(t)
	got := make(chan string, 1)
	r := startResponder(t, func(rc *respConn, req *codec.Message) {
		v, _ := req.TTHeader.Int(ttheader.RPCTimeout)
		got <- v
		rc.echo(req)
	})
	c := newClient(t, client.WithHostPorts(r.addr), client.WithRPCTimeout(1500*time.Millisecond))
	if _, err := c.TestString(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
	if v := <-got; v != "1500" {
		t.Fatalf("RPCTimeout header %q", v)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	defer cancel()
	if _, err := c.TestString(ctx, "x"); err != nil {
		t.Fatal(err)
	}
	if v := <-got; v == "" || v > "700" || v < "500" {
		t.Fatalf("RPCTimeout header %q with a 700ms context", v)
	}
}

// TestClosedClient fails calls after Close with ErrConnect wrapping client.ErrClosed.
func TestClosedClient(t *testing.T) {
	checkLeaks(t)
	r := startResponder(t, nil)
	c := newClient(t, client.WithHostPorts(r.addr))
	if _, err := c.TestString(testContext(t), "x"); err != nil {
		t.Fatal(err)
	}
	c.Close()
	select {
	case <-r.closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close left the idle connection open")
	}
	if _, err := c.TestString(testContext(t), "x"); !errors.Is(err, rpcerr.ErrConnect) || !errors.Is(err, client.ErrClosed) {
		t.Fatalf("call after Close: %v", err)
	}
}

// TestOptionsValidation rejects a transport or protocol that is not Thrift's.
func TestOptionsValidation(t *testing.T) {
	if _, err := client.New(tt.ThriftTestServiceInfo, client.WithTransport(transport.HTTP2)); err == nil {
		t.Fatal("HTTP/2 accepted as a Thrift transport")
	}
	if _, err := client.New(tt.ThriftTestServiceInfo, client.WithProtocol(transport.Protobuf)); err == nil {
		t.Fatal("protobuf accepted as a Thrift protocol")
	}
	if _, err := client.New(nil); err == nil {
		t.Fatal("nil service info accepted")
	}
	c, err := client.New(tt.ThriftTestServiceInfo, client.WithHostPorts("127.0.0.1:1"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Call(context.Background(), "noSuchMethod", rawBody{0}, nil); err == nil || !strings.Contains(err.Error(), "noSuchMethod") {
		t.Fatalf("unknown method: %v", err)
	}
	if err := c.Call(context.Background(), "testString", &tt.ThriftTestTestStringArgs{}, nil); err == nil {
		t.Fatal("a two-way call without a result struct accepted")
	}
}

// TestServerException checks that the server's ApplicationException reaches the caller as such and
// keeps the connection.
func TestServerException(t *testing.T) {
	checkLeaks(t)
	r := startResponder(t, func(rc *respConn, req *codec.Message) {
		if req.Name == "testString" {
			rc.reply(req, thrift.EXCEPTION, req.SeqID, thrift.NewApplicationException(thrift.UnknownMethod, "nope"))
			return
		}
		rc.echo(req)
	})
	c := newClient(t, client.WithHostPorts(r.addr))
	for range 3 {
		_, err := c.TestString(testContext(t), "x")
		var ae *thrift.ApplicationException
		if !errors.As(err, &ae) || ae.Type != thrift.UnknownMethod || ae.Message != "nope" {
			t.Fatalf("error %v", err)
		}
	}
	if n := r.accepted.Load(); n != 1 {
		t.Fatalf("%d connections: an application exception must not drop the connection", n)
	}
}

// TestServerConnReset checks that a TTHeader reply carrying the server's "close this connection" key
// makes the client drop the connection after the call.
func TestServerConnReset(t *testing.T) {
	checkLeaks(t)
	r := startResponder(t, func(rc *respConn, req *codec.Message) {
		var args tt.ThriftTestTestStringArgs
		_ = decode(req, &args)
		m := &codec.Message{Kind: req.Kind, Protocol: req.Protocol, FramedPayload: req.FramedPayload,
			Name: req.Name, Type: thrift.REPLY, SeqID: req.SeqID}
		m.TTHeader.SetStr(ttheader.KeyConnReset, "1")
		rc.Write(encodeMessage(t, m, &tt.ThriftTestTestStringResult{Success: &args.Thing}))
	})
	c := newClient(t, client.WithHostPorts(r.addr))
	for range 3 {
		if _, err := c.TestString(testContext(t), "x"); err != nil {
			t.Fatal(err)
		}
	}
	if n := r.accepted.Load(); n != 3 {
		t.Fatalf("%d connections, want one per call", n)
	}
}

// TestCancelRace mixes callers whose contexts are canceled at random moments, some right as their
// call completes, with callers that are never canceled, on one pool: a cancellation must never reach
// another call through a reused connection (the uncanceled calls all succeed).
func TestCancelRace(t *testing.T) {
	checkLeaks(t)
	addr := startServer(t, &echoHandler{})
	c := newClient(t, client.WithHostPorts(addr), client.WithLongConnection(4, time.Minute))
	var wg sync.WaitGroup
	var failed atomic.Int32
	stopAt := time.Now().Add(500 * time.Millisecond)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(stopAt); i++ {
				if g%2 == 0 {
					ctx, cancel := context.WithCancel(context.Background())
					go func() {
						time.Sleep(time.Duration(i%50) * time.Microsecond)
						cancel()
					}()
					_, _ = c.TestString(ctx, "maybe")
					cancel()
					continue
				}
				if got, err := c.TestString(context.Background(), "sure"); err != nil || got != "sure" {
					t.Errorf("an uncanceled call: %q, %v", got, err)
					failed.Add(1)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestServerClosedIdleConnection lets the server close a pooled connection (its idle timeout is
// shorter than the pool's): the next call notices and dials a new connection instead of failing.
func TestServerClosedIdleConnection(t *testing.T) {
	checkLeaks(t)
	addr := startServer(t, &echoHandler{}, server.WithIdleTimeout(100*time.Millisecond))
	c := newClient(t, client.WithHostPorts(addr))
	for i := range 3 {
		if _, err := c.TestString(testContext(t), "x"); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// A server that closes each connection right after its reply, by a reset (SO_LINGER 0), races the
// pool: the next call may take the connection before the reset is seen. The request then fails before
// a byte of it left, or is answered by the peer's kernel with a reset before any reply byte: either
// way the server never processed it, and the client sends it again on a new connection. (A FIN is
// different: the server may have read the request, so a call that meets one fails; see
// TestServerClosesMidCall.)
func TestServerResetsAfterReply(t *testing.T) {
	checkLeaks(t)
	r := startResponder(t, func(rc *respConn, req *codec.Message) {
		rc.echo(req)
		rc.Conn.(*net.TCPConn).SetLinger(0)
		rc.Close()
	})
	c := newClient(t, client.WithHostPorts(r.addr))
	for i := range 200 {
		if got, err := c.TestString(testContext(t), "x"); err != nil || got != "x" {
			t.Fatalf("call %d: %q, %v", i, got, err)
		}
	}
}
