package server_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kestrel-rpc/kestrel/callinfo"
	"github.com/kestrel-rpc/kestrel/client"
	"github.com/kestrel-rpc/kestrel/codec"
	"github.com/kestrel-rpc/kestrel/endpoint"
	tt "github.com/kestrel-rpc/kestrel/internal/gentest/thrifttest"
	"github.com/kestrel-rpc/kestrel/linkbuf"
	"github.com/kestrel-rpc/kestrel/metainfo"
	"github.com/kestrel-rpc/kestrel/rpcerr"
	"github.com/kestrel-rpc/kestrel/server"
	"github.com/kestrel-rpc/kestrel/thrift"
	"github.com/kestrel-rpc/kestrel/transport"
	"github.com/kestrel-rpc/kestrel/transport/ttheader"
)

// TestEchoEveryTransport calls the server over every framing and protocol with Kestrel's client: each
// is sniffed and answered in kind.
func TestEchoEveryTransport(t *testing.T) {
	checkLeaks(t)
	s := startServer(t, &handler{})
	for _, tr := range transports {
		t.Run(tr.kind.String()+"/"+tr.proto.String(), func(t *testing.T) {
			c := newClient(t, s.addr, client.WithTransport(tr.kind), client.WithProtocol(tr.proto))
			for i := range 3 {
				want := fmt.Sprintf("hello %d %s", i, strings.Repeat("x", i*5000))
				got, err := c.TestString(testContext(t), want)
				if err != nil || got != want {
					t.Fatalf("TestString: %d bytes, %v", len(got), err)
				}
			}
		})
	}
}

// TestUnknownMethod calls a method the server does not have: the answer is an UnknownMethod
// exception with the call's name and sequence id, and the connection keeps serving.
func TestUnknownMethod(t *testing.T) {
	checkLeaks(t)
	s := startServer(t, &handler{})
	for _, tr := range transports {
		t.Run(tr.kind.String()+"/"+tr.proto.String(), func(t *testing.T) {
			c := dialRaw(t, s.addr, tr.kind, tr.proto)
			c.send("noSuchMethod", thrift.CALL, 41, strArgs("x"))
			m := c.recv()
			if ae := appException(t, m); ae.Type != thrift.UnknownMethod || !strings.Contains(ae.Message, "noSuchMethod") {
				t.Fatalf("exception %v", ae)
			}
			if m.Name != "noSuchMethod" || m.SeqID != 41 {
				t.Fatalf("reply %q seq %d", m.Name, m.SeqID)
			}
			// A oneway call of an unknown method gets no answer; the next call does.
			c.send("noSuchOneway", thrift.ONEWAY, 42, strArgs("x"))
			c.send("testString", thrift.CALL, 43, strArgs("still here"))
			m = c.recv()
			if m.SeqID != 43 || stringReply(t, m) != "still here" {
				t.Fatalf("reply seq %d", m.SeqID)
			}
		})
	}
	if !strings.Contains(s.log.String(), "unknown method") {
		t.Errorf("unknown method not logged:\n%s", s.log)
	}
}

// TestHandlerPanic makes the handler panic: the caller gets InternalError, the panic is logged with
// its stack, and the server (and the same connection) keeps serving.
func TestHandlerPanic(t *testing.T) {
	checkLeaks(t)
	s := startServer(t, &handler{})
	c := dialRaw(t, s.addr, transport.Framed, transport.Binary)
	for seq := range int32(3) {
		c.send("testString", thrift.CALL, seq, strArgs("panic"))
		m := c.recv()
		if ae := appException(t, m); ae.Type != thrift.InternalError || !strings.Contains(ae.Message, "boom") {
			t.Fatalf("exception %v", ae)
		}
		c.send("testString", thrift.CALL, 100+seq, strArgs("after"))
		if m := c.recv(); m.SeqID != 100+seq || stringReply(t, m) != "after" {
			t.Fatalf("reply seq %d", m.SeqID)
		}
	}
	// An unimplemented method panics too (nil embedded interface).
	c.send("testI32", thrift.CALL, 7, &tt.ThriftTestTestI32Args{Thing: 1})
	if ae := appException(t, c.recv()); ae.Type != thrift.InternalError {
		t.Fatalf("exception %v", ae)
	}
	if log := s.log.String(); !strings.Contains(log, "handler panic") || !strings.Contains(log, "goroutine") {
		t.Errorf("panic not logged with its stack:\n%s", log)
	}

	// Through the client: an *thrift.ApplicationException, and the pooled connection stays usable.
	kc := newClient(t, s.addr)
	_, err := kc.TestString(testContext(t), "panic")
	var ae *thrift.ApplicationException
	if !errors.As(err, &ae) || ae.Type != thrift.InternalError {
		t.Fatalf("error %v, want an InternalError ApplicationException", err)
	}
	if got, err := kc.TestString(testContext(t), "ok"); err != nil || got != "ok" {
		t.Fatalf("after the panic: %q, %v", got, err)
	}
}

// TestExceptions checks the three ways a handler fails: a declared exception travels in the result
// struct (REPLY) and reaches the caller as its own type; an ApplicationException travels as is; any
// other error becomes InternalError.
func TestExceptions(t *testing.T) {
	checkLeaks(t)
	s := startServer(t, &handler{})
	for _, tr := range transports {
		t.Run(tr.kind.String()+"/"+tr.proto.String(), func(t *testing.T) {
			c := newClient(t, s.addr, client.WithTransport(tr.kind), client.WithProtocol(tr.proto))
			ctx := testContext(t)
			err := c.TestException(ctx, "Xception")
			var x *tt.Xception
			if !errors.As(err, &x) || x.ErrorCode != 1001 || x.Message != "Xception" {
				t.Fatalf("error %v (%T), want the declared Xception", err, err)
			}
			err = c.TestException(ctx, "TException")
			var ae *thrift.ApplicationException
			if !errors.As(err, &ae) || ae.Type != thrift.UnknownApplicationException || ae.Message != "as asked" {
				t.Fatalf("error %v, want the handler's ApplicationException", err)
			}
			_, err = c.TestString(ctx, "error")
			if !errors.As(err, &ae) || ae.Type != thrift.InternalError || !strings.Contains(ae.Message, "plain failure") {
				t.Fatalf("error %v, want InternalError", err)
			}
			if err := c.TestException(ctx, "fine"); err != nil {
				t.Fatal(err)
			}
		})
	}

	// On the wire, the declared exception is a REPLY whose result holds field 1.
	c := dialRaw(t, s.addr, transport.Framed, transport.Binary)
	c.send("testException", thrift.CALL, 5, &tt.ThriftTestTestExceptionArgs{Arg: "Xception"})
	m := c.recv()
	var res tt.ThriftTestTestExceptionResult
	if _, err := res.FastRead(m.Body); err != nil || m.Type != thrift.REPLY || res.Err1 == nil {
		t.Fatalf("reply %v %+v, %v", m.Type, res, err)
	}
}

// TestOneway sends oneway calls: the handler runs, nothing is answered, and a following call's reply
// is the next thing on the connection.
func TestOneway(t *testing.T) {
	checkLeaks(t)
	h := &handler{oneway: make(chan int32, 4)}
	s := startServer(t, h)
	for _, tr := range transports {
		t.Run(tr.kind.String()+"/"+tr.proto.String(), func(t *testing.T) {
			c := dialRaw(t, s.addr, tr.kind, tr.proto)
			c.send("testOneway", thrift.ONEWAY, 1, &tt.ThriftTestTestOnewayArgs{SecondsToSleep: 7})
			select {
			case n := <-h.oneway:
				if n != 7 {
					t.Fatalf("handler got %d", n)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("the oneway handler did not run")
			}
			c.send("testString", thrift.CALL, 2, strArgs("next"))
			if m := c.recv(); m.SeqID != 2 || stringReply(t, m) != "next" {
				t.Fatalf("first message after the oneway call: %v seq %d", m.Type, m.SeqID)
			}
			// A two-way method called as ONEWAY (a caller whose IDL says oneway) is served unanswered too.
			c.send("testString", thrift.ONEWAY, 3, strArgs("unanswered"))
			c.send("testString", thrift.CALL, 4, strArgs("answered"))
			if m := c.recv(); m.SeqID != 4 || stringReply(t, m) != "answered" {
				t.Fatalf("first message after a ONEWAY call of a two-way method: %v seq %d", m.Type, m.SeqID)
			}

			// With the Kestrel client: TestOneway returns once sent.
			kc := newClient(t, s.addr, client.WithTransport(tr.kind), client.WithProtocol(tr.proto))
			if err := kc.TestOneway(testContext(t), 9); err != nil {
				t.Fatal(err)
			}
			if n := <-h.oneway; n != 9 {
				t.Fatalf("handler got %d", n)
			}
		})
	}
}

// TestUndecodableArgs sends arguments that do not decode: the answer is a ProtocolErrorType exception,
// and the connection keeps serving.
func TestUndecodableArgs(t *testing.T) {
	checkLeaks(t)
	s := startServer(t, &handler{})
	for _, tr := range []struct {
		kind  transport.Kind
		proto transport.Protocol
		body  rawBody
	}{
		// field 1 STRING with a length past the struct's end, then STOP
		{transport.Framed, transport.Binary, rawBody{0x0B, 0x00, 0x01, 0x00, 0x00, 0x10, 0x00, 'a', 0x00}},
		{transport.TTHeader, transport.Binary, rawBody{0x0B, 0x00, 0x01, 0x00, 0x00, 0x10, 0x00, 'a', 0x00}},
		// field 1 of an unknown type 0x0F nibble... a STRING with a varint length past the end
		{transport.Framed, transport.Compact, rawBody{0x18, 0xFF, 0x7F, 'a', 0x00}},
	} {
		t.Run(tr.kind.String()+"/"+tr.proto.String(), func(t *testing.T) {
			c := dialRaw(t, s.addr, tr.kind, tr.proto)
			c.send("testString", thrift.CALL, 9, tr.body)
			m := c.recv()
			if ae := appException(t, m); ae.Type != thrift.ProtocolErrorType || m.SeqID != 9 {
				t.Fatalf("exception %v seq %d", ae, m.SeqID)
			}
			c.send("testString", thrift.CALL, 10, strArgs("fine"))
			if m := c.recv(); stringReply(t, m) != "fine" {
				t.Fatal("connection not serving after undecodable args")
			}
		})
	}
}

// rawBody is an encoded struct written as is in either protocol.
type rawBody []byte

func (b rawBody) BLength() int                      { return len(b) }
func (b rawBody) FastWrite(p []byte) int            { return copy(p, b) }
func (b rawBody) FastRead(p []byte) (int, error)    { return len(p), nil }
func (b rawBody) CompactLength() int                { return len(b) }
func (b rawBody) CompactWrite(p []byte) int         { return copy(p, b) }
func (b rawBody) CompactRead(p []byte) (int, error) { return len(p), nil }

// TestMaxFrameSize announces frames over the limit: the server closes the connection without reading
// or allocating the announced size (its heap does not grow by it), logs why, and keeps serving others.
func TestMaxFrameSize(t *testing.T) {
	checkLeaks(t)
	const limit = 64 << 10
	s := startServer(t, &handler{}, server.WithMaxFrameSize(limit))
	dflt := startServer(t, &handler{})

	ttHeaderPrefix := func(length uint32) []byte {
		b := make([]byte, 16)
		binary.BigEndian.PutUint32(b, length)
		binary.BigEndian.PutUint16(b[4:], 0x1000)
		binary.BigEndian.PutUint16(b[12:], 1)
		return b
	}
	framedPrefix := func(length uint32) []byte {
		b := binary.BigEndian.AppendUint32(nil, length)
		return append(b, 0x80, 0x01, 0x00, 0x01, 0, 0, 0, 10)
	}
	cases := []struct {
		name   string
		srv    *testServer
		prefix []byte
	}{
		{"default limit/ttheader 1GiB", dflt, ttHeaderPrefix(0x3FFFFFF0)},
		{"default limit/framed 1GiB", dflt, framedPrefix(0x3FFFFFF0)},
		{"default limit/framed 17MiB", dflt, framedPrefix(17 << 20)},
		{"64KiB limit/ttheader 1MiB", s, ttHeaderPrefix(1 << 20)},
		{"64KiB limit/framed 65KiB", s, framedPrefix(limit + 1<<10)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			conn := dialRaw(t, c.srv.addr, transport.Framed, transport.Binary)
			conn.sendBytes(c.prefix)
			conn.expectClosed(5 * time.Second)
			runtime.ReadMemStats(&after)
			if d := after.TotalAlloc - before.TotalAlloc; d > 4<<20 {
				t.Fatalf("the process allocated %d bytes while refusing the frame", d)
			}
		})
	}
	if !strings.Contains(dflt.log.String(), "too large") {
		t.Errorf("refusal not logged:\n%s", dflt.log)
	}
	// A frame just under the limit is served.
	c := newClient(t, s.addr, client.WithTransport(transport.Framed))
	msg := strings.Repeat("m", limit-200)
	if got, err := c.TestString(testContext(t), msg); err != nil || got != msg {
		t.Fatalf("a frame under the limit: %v", err)
	}
}

// TestMaxConnections opens one connection more than the limit: it is closed at once, the others keep
// serving, and closing one makes room again.
func TestMaxConnections(t *testing.T) {
	checkLeaks(t)
	s := startServer(t, &handler{}, server.WithMaxConnections(2))
	a := dialRaw(t, s.addr, transport.Framed, transport.Binary)
	b := dialRaw(t, s.addr, transport.Framed, transport.Binary)
	for _, c := range []*rawConn{a, b} {
		c.send("testString", thrift.CALL, 1, strArgs("in"))
		stringReply(t, c.recv())
	}
	over := dialRaw(t, s.addr, transport.Framed, transport.Binary)
	over.expectClosed(5 * time.Second)
	if !strings.Contains(s.log.String(), "connection limit") {
		t.Errorf("refusal not logged:\n%s", s.log)
	}
	a.send("testString", thrift.CALL, 2, strArgs("still"))
	stringReply(t, a.recv())

	a.conn.Close()
	eventually(t, 5*time.Second, "room for a new connection", func() bool {
		c := dialRaw(t, s.addr, transport.Framed, transport.Binary)
		defer c.conn.Close()
		c.send("testString", thrift.CALL, 3, strArgs("room"))
		m, err := c.tryRecv(time.Second)
		return err == nil && stringReply(t, m) == "room"
	})
}

// TestShutdownGraceful shuts the server down with a call in flight: new connections are refused at
// once, the call completes with its reply, then Shutdown and Serve return nil.
func TestShutdownGraceful(t *testing.T) {
	checkLeaks(t)
	started, release := make(chan struct{}, 2), make(chan struct{})
	h := &handler{onString: func(_ context.Context, s string) (string, error) {
		if s == "block" {
			started <- struct{}{}
			<-release
		}
		return s, nil
	}}
	s := startServer(t, h)
	c := newClient(t, s.addr)
	idle := dialRaw(t, s.addr, transport.Framed, transport.Binary) // an idle connection is closed at once
	idle.send("testString", thrift.CALL, 1, strArgs("warm"))
	stringReply(t, idle.recv())

	callErr := make(chan error, 1)
	go func() {
		got, err := c.TestString(testContext(t), "block")
		if err == nil && got != "block" {
			err = fmt.Errorf("reply %q", got)
		}
		callErr <- err
	}()
	raw := dialRaw(t, s.addr, transport.TTHeader, transport.Binary) // a second call in flight, read raw
	raw.send("testString", thrift.CALL, 77, strArgs("block"))
	<-started
	<-started
	shutErr := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		shutErr <- s.Shutdown(ctx)
	}()
	eventually(t, 5*time.Second, "new connections to be refused", func() bool {
		conn, err := net.DialTimeout("tcp", s.addr, time.Second)
		if err != nil {
			return true
		}
		conn.Close()
		return false
	})
	idle.expectClosed(5 * time.Second)
	select {
	case err := <-shutErr:
		t.Fatalf("Shutdown returned %v with a call in flight", err)
	case err := <-callErr:
		t.Fatalf("the call in flight ended early: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if err := <-callErr; err != nil {
		t.Fatalf("the call in flight: %v", err)
	}
	// The raw call got its reply, which tells a TTHeader client to drop the connection, and then the
	// connection closed.
	m := raw.recv()
	if stringReply(t, m) != "block" || m.SeqID != 77 {
		t.Fatalf("in-flight reply seq %d", m.SeqID)
	}
	if _, ok := m.TTHeader.Str(ttheader.KeyConnReset); !ok {
		t.Fatalf("the reply of a call finished during Shutdown has no %q key", ttheader.KeyConnReset)
	}
	raw.expectClosed(5 * time.Second)
	if err := <-shutErr; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
		s.done <- nil // for the cleanup
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return")
	}
	// The server is gone: a call fails to connect.
	_, err := c.TestString(testContext(t), "late")
	if !errors.Is(err, rpcerr.ErrConnect) {
		t.Fatalf("call after Shutdown: %v, want ErrConnect", err)
	}
	if err := s.Serve(mustListen(t)); !errors.Is(err, server.ErrServerClosed) {
		t.Fatalf("Serve after Shutdown: %v", err)
	}
}

func mustListen(t *testing.T) net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// TestShutdownDeadline shuts down with a handler that does not finish: Shutdown returns the context's
// error at its deadline, having closed the connection, so the caller fails instead of waiting.
func TestShutdownDeadline(t *testing.T) {
	checkLeaks(t)
	started, release := make(chan struct{}), make(chan struct{})
	h := &handler{onString: func(_ context.Context, s string) (string, error) {
		close(started)
		<-release
		return s, nil
	}}
	s := startServer(t, h)
	t.Cleanup(func() { close(release) }) // before the leak check, after Shutdown's cleanup
	c := newClient(t, s.addr)
	callErr := make(chan error, 1)
	go func() {
		_, err := c.TestString(testContext(t), "stuck")
		callErr <- err
	}()
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	t0 := time.Now()
	if err := s.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown: %v, want DeadlineExceeded", err)
	}
	if d := time.Since(t0); d < 150*time.Millisecond || d > 3*time.Second {
		t.Fatalf("Shutdown returned after %v", d)
	}
	select {
	case err := <-callErr:
		if !errors.Is(err, rpcerr.ErrConnection) {
			t.Fatalf("the cut call: %v, want ErrConnection", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the call on a connection closed by Shutdown did not fail")
	}
}

// TestIdleTimeout leaves a connection idle past the idle timeout: the server closes it; a busy one
// stays.
func TestIdleTimeout(t *testing.T) {
	checkLeaks(t)
	const idle = 400 * time.Millisecond
	s := startServer(t, &handler{}, server.WithIdleTimeout(idle))
	c := dialRaw(t, s.addr, transport.TTHeader, transport.Binary)
	c.send("testString", thrift.CALL, 1, strArgs("once"))
	stringReply(t, c.recv())
	busy := dialRaw(t, s.addr, transport.TTHeader, transport.Binary)
	t0 := time.Now()
	for i := range int32(12) {
		busy.send("testString", thrift.CALL, i, strArgs("busy"))
		stringReply(t, busy.recv())
		time.Sleep(50 * time.Millisecond)
	}
	c.expectClosed(5 * time.Second)
	if d := time.Since(t0); d < idle*3/4 {
		t.Fatalf("closed after %v", d)
	}
	busy.send("testString", thrift.CALL, 9, strArgs("still busy"))
	stringReply(t, busy.recv())
}

// TestMiddlewareAndCallInfo checks that middleware runs in the order added, around the handler, with
// the call's info filled in: service, method, peer, framing, protocol, request size, caller, timeout and
// the read and decode timings.
func TestMiddlewareAndCallInfo(t *testing.T) {
	checkLeaks(t)
	var (
		mu    sync.Mutex
		trace []string
		seen  []callinfo.Info
	)
	mw := func(name string) endpoint.Middleware {
		return func(next endpoint.Endpoint) endpoint.Endpoint {
			return func(ctx context.Context, req, resp any) error {
				mu.Lock()
				trace = append(trace, name+">")
				mu.Unlock()
				err := next(ctx, req, resp)
				mu.Lock()
				trace = append(trace, "<"+name)
				if name == "outer" {
					seen = append(seen, *callinfo.FromContext(ctx))
				}
				mu.Unlock()
				return err
			}
		}
	}
	h := &handler{onString: func(ctx context.Context, s string) (string, error) {
		mu.Lock()
		trace = append(trace, "handler")
		mu.Unlock()
		if ci := callinfo.FromContext(ctx); ci == nil || ci.Method != "testString" {
			return "", errors.New("no call info in the handler's context")
		}
		time.Sleep(5 * time.Millisecond)
		return s, nil
	}}
	s := startServer(t, h, server.WithMiddleware(mw("outer")), server.WithMiddleware(mw("inner")))
	for _, tr := range transports {
		mu.Lock()
		trace, seen = nil, nil
		mu.Unlock()
		c := newClient(t, s.addr, client.WithTransport(tr.kind), client.WithProtocol(tr.proto),
			client.WithCallerService("caller-svc"), client.WithRPCTimeout(3*time.Second))
		if _, err := c.TestString(testContext(t), "mw"); err != nil {
			t.Fatal(err)
		}
		c.Close()
		mu.Lock()
		if got := strings.Join(trace, " "); got != "outer> inner> handler <inner <outer" {
			t.Fatalf("%v/%v: order %q", tr.kind, tr.proto, got)
		}
		ci := seen[0]
		mu.Unlock()
		if ci.CalleeService != "ThriftTest" || ci.Method != "testString" || ci.Kind != tr.kind || ci.Protocol != tr.proto {
			t.Fatalf("%v/%v: call info %+v", tr.kind, tr.proto, ci)
		}
		if ta, ok := ci.PeerAddr.(*net.TCPAddr); !ok || !ta.IP.IsLoopback() || ta.String() == s.addr {
			t.Fatalf("peer %v", ci.PeerAddr)
		}
		if ci.ReqSize < 15 || ci.Start.IsZero() || ci.Read < 0 || ci.Decode <= 0 || ci.Handler < 5*time.Millisecond || ci.Err != nil {
			t.Fatalf("%v/%v: sizes and timings %+v", tr.kind, tr.proto, ci)
		}
		if tr.kind == transport.TTHeader {
			if ci.CallerService != "caller-svc" || ci.RPCTimeout != 3*time.Second {
				t.Fatalf("TTHeader caller %q timeout %v", ci.CallerService, ci.RPCTimeout)
			}
		}
	}
}

// TestMetainfoTwoHops calls server A, whose handler calls server B with its own context: A sees the
// client's transient and persistent values, B only the persistent one.
func TestMetainfoTwoHops(t *testing.T) {
	checkLeaks(t)
	for _, kind := range []transport.Kind{transport.TTHeader, transport.THeader} {
		t.Run(kind.String(), func(t *testing.T) {
			type got struct{ transient, persistent string }
			atA, atB := make(chan got, 1), make(chan got, 1)
			record := func(ch chan got) func(ctx context.Context) {
				return func(ctx context.Context) {
					tv, _ := metainfo.GetValue(ctx, "tenant")
					pv, _ := metainfo.GetPersistentValue(ctx, "trace")
					ch <- got{tv, pv}
				}
			}
			recB := record(atB)
			b := startServer(t, &handler{onString: func(ctx context.Context, s string) (string, error) {
				recB(ctx)
				return "B:" + s, nil
			}})
			toB := newClient(t, b.addr, client.WithTransport(kind))
			recA := record(atA)
			a := startServer(t, &handler{onString: func(ctx context.Context, s string) (string, error) {
				recA(ctx)
				return toB.TestString(ctx, "A:"+s)
			}})
			c := newClient(t, a.addr, client.WithTransport(kind))
			ctx := metainfo.WithValue(testContext(t), "tenant", "t-1")
			ctx = metainfo.WithPersistentValue(ctx, "trace", "tr-9")
			if r, err := c.TestString(ctx, "x"); err != nil || r != "B:A:x" {
				t.Fatalf("%q, %v", r, err)
			}
			if g := <-atA; g != (got{"t-1", "tr-9"}) {
				t.Fatalf("at A: %+v", g)
			}
			if g := <-atB; g != (got{"", "tr-9"}) {
				t.Fatalf("at B: %+v (transient values go one hop)", g)
			}
		})
	}
}

// TestConcurrentCalls serves many clients at once on few workers.
func TestConcurrentCalls(t *testing.T) {
	checkLeaks(t)
	s := startServer(t, &handler{}, server.WithMaxWorkers(4))
	c := newClient(t, s.addr)
	var wg sync.WaitGroup
	var failed atomic.Int32
	for g := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				want := fmt.Sprintf("%d/%d", g, i)
				if got, err := c.TestString(testContext(t), want); err != nil || got != want {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if n := failed.Load(); n > 0 {
		t.Fatalf("%d calls failed", n)
	}
}

// TestRegisterService checks RegisterService's refusals.
func TestRegisterService(t *testing.T) {
	s := server.New()
	if err := s.RegisterService(nil, &handler{}); err == nil {
		t.Fatal("nil info accepted")
	}
	if err := s.RegisterService(tt.ThriftTestServiceInfo, &handler{}); err != nil {
		t.Fatal(err)
	}
	if err := s.RegisterService(tt.ThriftTestServiceInfo, &handler{}); err == nil {
		t.Fatal("a method registered twice")
	}
	if err := server.New().Serve(mustListen(t)); err == nil {
		t.Fatal("Serve without a service")
	}
}

// TestServeShutdownRace starts Serve and Shutdown together: however they interleave, Serve returns
// (nil, or ErrServerClosed when Shutdown came first) and the listener is closed.
func TestServeShutdownRace(t *testing.T) {
	checkLeaks(t)
	for range 50 {
		ln := mustListen(t)
		s := server.New()
		if err := s.RegisterService(tt.ThriftTestServiceInfo, &handler{}); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- s.Serve(ln) }()
		if err := s.Shutdown(testContext(t)); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			if err != nil && !errors.Is(err, server.ErrServerClosed) {
				t.Fatalf("Serve: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("Serve did not return")
		}
		_ = ln.(*net.TCPListener).SetDeadline(time.Now().Add(time.Second))
		if _, err := ln.Accept(); !errors.Is(err, net.ErrClosed) {
			t.Fatalf("the listener is still open: Accept returned %v", err)
		}
	}
}

// TestPipelined sends several requests in one write, and one request in pieces: each is answered, in
// order.
func TestPipelined(t *testing.T) {
	checkLeaks(t)
	s := startServer(t, &handler{})
	for _, tr := range transports {
		t.Run(tr.kind.String()+"/"+tr.proto.String(), func(t *testing.T) {
			c := dialRaw(t, s.addr, tr.kind, tr.proto)
			var batch []byte
			for seq := range int32(3) {
				batch = append(batch, encodeRequest(t, tr.kind, tr.proto, seq, fmt.Sprint("p", seq))...)
			}
			c.sendBytes(batch)
			for seq := range int32(3) {
				if m := c.recv(); m.SeqID != seq || stringReply(t, m) != fmt.Sprint("p", seq) {
					t.Fatalf("reply %d: seq %d", seq, m.SeqID)
				}
			}
			one := encodeRequest(t, tr.kind, tr.proto, 9, strings.Repeat("s", 3000))
			for i := 0; i < len(one); i += 700 {
				c.sendBytes(one[i:min(i+700, len(one))])
				time.Sleep(2 * time.Millisecond)
			}
			if m := c.recv(); m.SeqID != 9 || len(stringReply(t, m)) != 3000 {
				t.Fatalf("split request: seq %d", m.SeqID)
			}
		})
	}
}

func encodeRequest(t *testing.T, kind transport.Kind, proto transport.Protocol, seq int32, s string) []byte {
	m := &codec.Message{Kind: kind, Protocol: proto, FramedPayload: true, Name: "testString", Type: thrift.CALL, SeqID: seq}
	buf := linkbuf.New()
	defer buf.Free()
	if err := codec.Write(buf, m, strArgs(s), false); err != nil {
		t.Fatal(err)
	}
	_ = buf.Flush()
	b, _ := buf.ReadBinary(buf.Len())
	return b
}

// TestReadTimeout starts a request and stalls: past the read timeout the server closes the connection.
func TestReadTimeout(t *testing.T) {
	checkLeaks(t)
	s := startServer(t, &handler{}, server.WithReadTimeout(150*time.Millisecond))
	c := dialRaw(t, s.addr, transport.Framed, transport.Binary)
	req := encodeRequest(t, transport.Framed, transport.Binary, 1, "half")
	c.sendBytes(req[:len(req)/2])
	t0 := time.Now()
	c.expectClosed(5 * time.Second)
	if d := time.Since(t0); d < 100*time.Millisecond {
		t.Fatalf("closed after %v", d)
	}
}
