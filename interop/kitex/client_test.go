package kitex_test

import (
	"context"
	"errors"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/thrift/lib/go/thrift"

	"github.com/kestrel-rpc/kestrel/client"
	at "github.com/kestrel-rpc/kestrel/interop/internal/apache/thrifttest"
	ktsvc "github.com/kestrel-rpc/kestrel/interop/internal/kestrel/thrifttest/thrifttest"
	"github.com/kestrel-rpc/kestrel/metainfo"
	kthrift "github.com/kestrel-rpc/kestrel/thrift"
)

// request is one testString request a fake KiteX server received, parsed by the TTHeader layout.
type request struct {
	frame  *ttFrame
	framed bool // the payload had the inner length of TTHeaderFramed
	name   string
	typ    thrift.TMessageType
	seq    int32
	args   *at.ThriftTestTestStringArgs
	err    error // what in the request broke the layout, if anything
}

// kitexServer plays a KiteX server over loopback TCP: it parses each request frame and writes the bytes
// answer returns for it.
type kitexServer struct {
	ln       net.Listener
	accepted atomic.Int32
	closed   chan struct{} // a connection ended (the client closed it)
	wg       sync.WaitGroup
	mu       sync.Mutex
	conns    []net.Conn
}

func startKitex(t *testing.T, answer func(t *testing.T, r *request) []byte) *kitexServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &kitexServer{ln: ln, closed: make(chan struct{}, 16)}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.accepted.Add(1)
			s.mu.Lock()
			s.conns = append(s.conns, c)
			s.mu.Unlock()
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer func() {
					select {
					case s.closed <- struct{}{}:
					default: // nobody counts closes beyond the buffer
					}
				}()
				for {
					b, err := readTTFrame(c)
					if err != nil {
						return
					}
					r := parseRequest(b)
					if r.err != nil {
						t.Errorf("the client's request breaks the TTHeader layout: %v\n% x", r.err, b)
						return
					}
					if _, err := c.Write(answer(t, r)); err != nil {
						return
					}
				}
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		s.mu.Lock()
		for _, c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return s
}

func parseRequest(b []byte) *request {
	r := &request{args: at.NewThriftTestTestStringArgs()}
	if r.frame, r.err = parseFrame(b); r.err != nil {
		return r
	}
	msg := r.frame.payload
	if len(msg) > 0 && msg[0] != 0x80 {
		r.framed = true
		if msg, r.err = unframe(msg); r.err != nil {
			return r
		}
	}
	r.name, r.typ, r.seq, _, r.err = readMessage(msg, r.args)
	return r
}

// reply builds a KiteX server's reply to r: string keys first, then the int keys with MsgType 22,
// zero padding, and the message (framed when asked).
func reply(t *testing.T, r *request, typ thrift.TMessageType, body thrift.TStruct, framed bool, strs []strKV) *ttFrame {
	t.Helper()
	msg, err := writeMessage(r.name, typ, r.seq, body)
	if err != nil {
		t.Fatal(err)
	}
	mt := "2"
	if typ == thrift.EXCEPTION {
		mt = "3"
	}
	f := &ttFrame{seq: r.seq, strs: strs, ints: []intKV{{keyMsgType, mt}}, payload: msg}
	if framed {
		f.payload = framedPayload(msg)
	}
	return f
}

func echo(r *request) *at.ThriftTestTestStringResult {
	res := at.NewThriftTestTestStringResult()
	s := "echo:" + r.args.Thing
	res.Success = &s
	return res
}

func newClient(t *testing.T, addr string, opts ...client.Option) ktsvc.Client {
	t.Helper()
	c, err := ktsvc.NewClient("ThriftTest", append([]client.Option{client.WithHostPorts(addr)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestKestrelClientToKiteXServer: a Kestrel client's TTHeader requests parse by the layout a KiteX server
// reads (framed payload, sequence ids that match, the callee service and method, caller, RPC timeout
// and metainfo in their keys), and hand-built KiteX replies decode: framed or not, with backward
// metainfo, as a TApplicationException with KiteX's own code, and with crrst, after which the client
// drops the connection.
func TestKestrelClientToKiteXServer(t *testing.T) {
	t.Run("request-and-reply", func(t *testing.T) {
		reqs := make(chan *request, 4)
		srv := startKitex(t, func(t *testing.T, r *request) []byte {
			reqs <- r
			return reply(t, r, thrift.REPLY, echo(r), true, []strKV{{"RPC_BACKWARD_b1", "bv1"}}).encode()
		})
		c := newClient(t, srv.ln.Addr().String(), client.WithCallerService("kestrel.caller"), client.WithRPCTimeout(5*time.Second))
		ctx := metainfo.WithBackwardValues(metainfo.WithPersistentValue(metainfo.WithValue(context.Background(), "k1", "v1"), "p1", "pv1"))
		got, err := c.TestString(ctx, "hi")
		if err != nil || got != "echo:hi" {
			t.Fatalf("testString(hi) = %q, %v; want echo:hi", got, err)
		}
		if v, _ := metainfo.RecvBackwardValue(ctx, "b1"); v != "bv1" {
			t.Errorf("backward value b1 = %q, want bv1 (from the reply's RPC_BACKWARD_b1)", v)
		}
		r := <-reqs
		f := r.frame
		if f.flags != 0 || f.protocol != 0 {
			t.Errorf("flags %#x, protocol id %#x; want 0, 0 (Binary)", f.flags, f.protocol)
		}
		if !r.framed {
			t.Errorf("the payload is not TTHeaderFramed, KiteX's default since v0.13")
		}
		if r.name != "testString" || r.typ != thrift.CALL || r.seq != f.seq || r.args.Thing != "hi" {
			t.Errorf("message %s %v seq %d (header seq %d) args %+v", r.name, r.typ, r.seq, f.seq, r.args)
		}
		for k, want := range map[uint16]string{keyToService: "ThriftTest", keyToMethod: "testString", keyFromService: "kestrel.caller"} {
			if v, _ := f.int(k); v != want {
				t.Errorf("int key %d = %q, want %q (int keys %v)", k, v, want, f.ints)
			}
		}
		if v, _ := f.int(keyRPCTimeout); v == "" {
			t.Errorf("no RPC timeout (int key 12) in %v", f.ints)
		} else if ms, err := strconv.Atoi(v); err != nil || ms <= 0 || ms > 5000 {
			t.Errorf("RPC timeout %q, want the milliseconds left of 5000", v)
		}
		for k, want := range map[string]string{"RPC_TRANSIT_k1": "v1", "RPC_PERSIST_p1": "pv1"} {
			if v, _ := f.str(k); v != want {
				t.Errorf("string key %s = %q, want %q (string keys %v)", k, v, want, f.strs)
			}
		}
		// Sequence ids advance call by call, in the header and the message alike.
		if _, err := c.TestString(ctx, "again"); err != nil {
			t.Fatal(err)
		}
		if r2 := <-reqs; r2.seq == r.seq || r2.frame.seq != r2.seq {
			t.Errorf("second call: message seq %d, header seq %d; the first was %d", r2.seq, r2.frame.seq, r.seq)
		}
	})

	t.Run("unframed-reply-any-order", func(t *testing.T) {
		// A KiteX server answers unframed requests unframed; its header blocks come in any order.
		srv := startKitex(t, func(t *testing.T, r *request) []byte {
			f := reply(t, r, thrift.REPLY, echo(r), false, []strKV{{"K_ProcessAtTime", "1"}, {"x", "y"}})
			f.intFirst, f.padMid = true, true
			return f.encode()
		})
		c := newClient(t, srv.ln.Addr().String(), client.WithRPCTimeout(hang))
		if got, err := c.TestString(context.Background(), "u"); err != nil || got != "echo:u" {
			t.Fatalf("testString(u) = %q, %v", got, err)
		}
	})

	t.Run("kitex-exception", func(t *testing.T) {
		// KiteX's unknown-method answer: an EXCEPTION with its own type code 20.
		srv := startKitex(t, func(t *testing.T, r *request) []byte {
			if r.args.Thing == "ok" {
				return reply(t, r, thrift.REPLY, echo(r), true, nil).encode()
			}
			ae := thrift.NewTApplicationException(20, "unknown service , method testString")
			return reply(t, r, thrift.EXCEPTION, ae, true, nil).encode()
		})
		c := newClient(t, srv.ln.Addr().String(), client.WithRPCTimeout(hang))
		_, err := c.TestString(context.Background(), "x")
		var ae *kthrift.ApplicationException
		if !errors.As(err, &ae) || ae.Type != 20 || ae.Message != "unknown service , method testString" {
			t.Fatalf("got %T %v, want ApplicationException 20", err, err)
		}
		if got, err := c.TestString(context.Background(), "ok"); err != nil || got != "echo:ok" {
			t.Errorf("after the exception: %q, %v", got, err)
		}
		if n := srv.accepted.Load(); n != 1 {
			t.Errorf("%d connections: an application exception should leave the connection in use", n)
		}
	})

	t.Run("crrst", func(t *testing.T) {
		// A shutting-down KiteX server asks the client to drop the connection.
		srv := startKitex(t, func(t *testing.T, r *request) []byte {
			return reply(t, r, thrift.REPLY, echo(r), true, []strKV{{"crrst", "1"}}).encode()
		})
		c := newClient(t, srv.ln.Addr().String(), client.WithRPCTimeout(hang))
		for i := 1; i <= 2; i++ {
			if got, err := c.TestString(context.Background(), "r"); err != nil || got != "echo:r" {
				t.Fatalf("call %d: %q, %v", i, got, err)
			}
			select {
			case <-srv.closed:
			case <-time.After(hang):
				t.Fatalf("call %d: the client kept the connection the server asked it to drop", i)
			}
			if n := srv.accepted.Load(); n != int32(i) {
				t.Errorf("after call %d: %d connections, want %d", i, n, i)
			}
		}
	})
}
