package kitex_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/thrift/lib/go/thrift"

	"github.com/kestrel-rpc/kestrel/callinfo"
	at "github.com/kestrel-rpc/kestrel/interop/internal/apache/thrifttest"
	ktsvc "github.com/kestrel-rpc/kestrel/interop/internal/kestrel/thrifttest/thrifttest"
	"github.com/kestrel-rpc/kestrel/interop/internal/testserver"
	"github.com/kestrel-rpc/kestrel/metainfo"
	"github.com/kestrel-rpc/kestrel/server"
	"github.com/kestrel-rpc/kestrel/transport"
)

// handlerView is what the Kestrel handler saw of the last call.
type handlerView struct {
	mu          sync.Mutex
	transient   map[string]string
	persistent  map[string]string
	caller      string
	callerMeth  string
	rpcTimeout  time.Duration
	kind        transport.Kind
	method      string
	transientK1 string
	persistP1   string
}

func (v *handlerView) seen(ctx context.Context, method string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.method = method
	v.transient = metainfo.GetAllValues(ctx)
	v.persistent = metainfo.GetAllPersistentValues(ctx)
	v.transientK1, _ = metainfo.GetValue(ctx, "k1")
	v.persistP1, _ = metainfo.GetPersistentValue(ctx, "p1")
	if ci := callinfo.FromContext(ctx); ci != nil {
		v.caller, v.callerMeth, v.rpcTimeout, v.kind = ci.CallerService, ci.CallerMethod, ci.RPCTimeout, ci.Kind
	}
}

func (v *handlerView) get() handlerView {
	v.mu.Lock()
	defer v.mu.Unlock()
	return handlerView{transient: v.transient, persistent: v.persistent, caller: v.caller, callerMeth: v.callerMeth,
		rpcTimeout: v.rpcTimeout, kind: v.kind, method: v.method, transientK1: v.transientK1, persistP1: v.persistP1}
}

// startKestrel serves h as ThriftTest on a loopback port until the test ends.
func startKestrel(t *testing.T, h *testserver.Kestrel) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := ktsvc.NewServer(h, server.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), hang)
		defer cancel()
		srv.Shutdown(ctx)
		<-served
	})
	return ln.Addr().String()
}

// kitexRequest is what a KiteX v0.16 client with its TTHeader meta handlers sends for one call (wire.md
// §7): int keys 1, 3, 6, 9, 20, 22 (and 12 with an RPC timeout), the string key isn, and its
// metainfo under the RPC_TRANSIT_ and RPC_PERSIST_ prefixes; the payload framed (TTHeaderFramed).
func kitexRequest(t *testing.T, method string, typ thrift.TMessageType, seq int32, args thrift.TStruct) *ttFrame {
	t.Helper()
	msg, err := writeMessage(method, typ, seq, args)
	if err != nil {
		t.Fatal(err)
	}
	msgType := "1"
	if typ == thrift.ONEWAY {
		msgType = "4"
	}
	return &ttFrame{
		seq: seq,
		strs: []strKV{
			{"isn", "ThriftTest"},
			{"RPC_TRANSIT_k1", "v1"},
			{"RPC_PERSIST_p1", "pv1"},
			{"not-metainfo", "x"},
		},
		ints: []intKV{
			{keyTransportType, "framed"},
			{keyFromService, "kitex.client"},
			{keyToService, "ThriftTest"},
			{keyToMethod, method},
			{keyFromMethod, "CallerMethod"},
			{keyMsgType, msgType},
			{keyRPCTimeout, "1500"},
		},
		payload: framedPayload(msg),
	}
}

// roundTrip sends req on c and parses the reply frame and its message into body.
func roundTrip(t *testing.T, c net.Conn, req *ttFrame, framed bool, body thrift.TStruct) (*ttFrame, string, thrift.TMessageType, int32, thrift.TApplicationException) {
	t.Helper()
	if _, err := c.Write(req.encode()); err != nil {
		t.Fatal(err)
	}
	b, err := readTTFrame(c)
	if err != nil {
		t.Fatalf("reading the reply: %v", err)
	}
	f, err := parseFrame(b)
	if err != nil {
		t.Fatalf("the reply is not a TTHeader frame as KiteX reads it: %v\n% x", err, b)
	}
	msg := f.payload
	if framed {
		if msg, err = unframe(f.payload); err != nil {
			t.Fatalf("the reply to a TTHeaderFramed request: %v", err)
		}
	}
	name, typ, seq, ae, err := readMessage(msg, body)
	if err != nil {
		t.Fatalf("the reply's message: %v\n% x", err, msg)
	}
	if f.seq != req.seq || seq != req.seq {
		t.Errorf("sequence ids: header %d, message %d; the request's is %d", f.seq, seq, req.seq)
	}
	if f.flags != 0 || f.protocol != 0 {
		t.Errorf("flags %#x, protocol id %#x; want 0 and 0 (Binary)", f.flags, f.protocol)
	}
	return f, name, typ, seq, ae
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, hang)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func strArgs(s string) *at.ThriftTestTestStringArgs {
	a := at.NewThriftTestTestStringArgs()
	a.Thing = s
	return a
}

// TestKiteXClientToKestrelServer: hand-built KiteX requests reach a Kestrel server over TCP. Each reply
// parses by the TTHeader layout with the request's sequence id, MsgType (int key 22) 2 for a reply and
// 3 for an exception, and a payload in the request's form (framed or not); the handler sees the
// request's metainfo, caller and RPC timeout.
func TestKiteXClientToKestrelServer(t *testing.T) {
	view := &handlerView{}
	oneway := make(chan int32, 1)
	addr := startKestrel(t, &testserver.Kestrel{Seen: view.seen, Oneway: oneway})

	t.Run("framed", func(t *testing.T) {
		c := dial(t, addr)
		for i, arg := range []string{"hello", "", strings.Repeat("kitex", 20000)} {
			seq := int32(100 + i)
			res := at.NewThriftTestTestStringResult()
			f, name, typ, _, _ := roundTrip(t, c, kitexRequest(t, "testString", thrift.CALL, seq, strArgs(arg)), true, res)
			if name != "testString" || typ != thrift.REPLY || res.Success == nil || *res.Success != arg {
				t.Errorf("call %d: %s %v %v, want a REPLY of testString with %.20q", i, name, typ, res, arg)
			}
			if mt, _ := f.int(keyMsgType); mt != "2" {
				t.Errorf("call %d: reply MsgType (int key 22) %q, want \"2\"; int keys %v", i, mt, f.ints)
			}
		}
		v := view.get()
		if v.method != "testString" || v.kind != transport.TTHeader {
			t.Errorf("the handler saw %s over %v", v.method, v.kind)
		}
		if v.transientK1 != "v1" || v.persistP1 != "pv1" || len(v.transient) != 1 || len(v.persistent) != 1 {
			t.Errorf("the handler's metainfo: transient %v, persistent %v; want k1=v1 and p1=pv1 only", v.transient, v.persistent)
		}
		if v.caller != "kitex.client" || v.callerMeth != "CallerMethod" || v.rpcTimeout != 1500*time.Millisecond {
			t.Errorf("the handler's call info: caller %q.%q, RPC timeout %v; want kitex.client.CallerMethod, 1.5s", v.caller, v.callerMeth, v.rpcTimeout)
		}
	})

	t.Run("unframed", func(t *testing.T) {
		// TTHeader with the message right after the header (KiteX when Buffered is chosen first).
		c := dial(t, addr)
		req := kitexRequest(t, "testString", thrift.CALL, 7, strArgs("unframed"))
		req.payload = req.payload[4:]
		res := at.NewThriftTestTestStringResult()
		f, _, typ, _, _ := roundTrip(t, c, req, false, res)
		if typ != thrift.REPLY || res.Success == nil || *res.Success != "unframed" {
			t.Errorf("got %v %v", typ, res)
		}
		if len(f.payload) > 0 && f.payload[0] != 0x80 {
			t.Errorf("the reply to an unframed request starts % x, want the message (0x80 0x01)", f.payload[:4])
		}
	})

	t.Run("minimal-header", func(t *testing.T) {
		// A KiteX client with default settings and no metainfo writes an empty header: 00 00 00 00.
		c := dial(t, addr)
		msg, err := writeMessage("testI32", thrift.CALL, 9, &at.ThriftTestTestI32Args{Thing: -42})
		if err != nil {
			t.Fatal(err)
		}
		res := at.NewThriftTestTestI32Result()
		_, _, typ, _, _ := roundTrip(t, c, &ttFrame{seq: 9, payload: framedPayload(msg)}, true, res)
		if typ != thrift.REPLY || res.Success == nil || *res.Success != -42 {
			t.Errorf("got %v %v", typ, res)
		}
	})

	t.Run("any-block-order", func(t *testing.T) {
		// KiteX fills the blocks from Go maps: entries come in any order. An ACL token block, the int
		// block before the string block and a padding byte between them are all valid too.
		c := dial(t, addr)
		req := kitexRequest(t, "testString", thrift.CALL, 11, strArgs("order"))
		for i, j := 0, len(req.strs)-1; i < j; i, j = i+1, j-1 {
			req.strs[i], req.strs[j] = req.strs[j], req.strs[i]
		}
		for i, j := 0, len(req.ints)-1; i < j; i, j = i+1, j-1 {
			req.ints[i], req.ints[j] = req.ints[j], req.ints[i]
		}
		req.intFirst, req.padMid, req.acl = true, true, "token"
		res := at.NewThriftTestTestStringResult()
		_, _, typ, _, _ := roundTrip(t, c, req, true, res)
		if typ != thrift.REPLY || res.Success == nil || *res.Success != "order" {
			t.Errorf("got %v %v", typ, res)
		}
		if v := view.get(); v.transientK1 != "v1" || v.persistP1 != "pv1" {
			t.Errorf("the handler's metainfo: transient %v, persistent %v", v.transient, v.persistent)
		}
	})

	t.Run("exceptions", func(t *testing.T) {
		c := dial(t, addr)
		// A declared exception is a REPLY with the exception's field set.
		res := at.NewThriftTestTestExceptionResult()
		f, _, typ, _, _ := roundTrip(t, c, kitexRequest(t, "testException", thrift.CALL, 21, &at.ThriftTestTestExceptionArgs{Arg: "Xception"}), true, res)
		if typ != thrift.REPLY || res.Err1 == nil || res.Err1.ErrorCode != 1001 || res.Err1.Message != "Xception" {
			t.Errorf("testException(Xception): %v %+v", typ, res)
		}
		if mt, _ := f.int(keyMsgType); mt != "2" {
			t.Errorf("declared exception: MsgType %q, want \"2\"", mt)
		}
		// An undeclared error is an EXCEPTION message with a TApplicationException.
		f, _, typ, _, ae := roundTrip(t, c, kitexRequest(t, "testException", thrift.CALL, 22, &at.ThriftTestTestExceptionArgs{Arg: "TException"}), true, at.NewThriftTestTestExceptionResult())
		if typ != thrift.EXCEPTION || ae == nil || ae.TypeId() != thrift.INTERNAL_ERROR {
			t.Errorf("testException(TException): %v %v, want EXCEPTION INTERNAL_ERROR", typ, ae)
		}
		if mt, _ := f.int(keyMsgType); mt != "3" {
			t.Errorf("exception: MsgType %q, want \"3\"", mt)
		}
		// So is an unknown method, and the connection goes on.
		f, name, typ, _, ae := roundTrip(t, c, kitexRequest(t, "noSuchMethod", thrift.CALL, 23, at.NewThriftTestTestVoidArgs()), true, at.NewThriftTestTestVoidResult())
		if typ != thrift.EXCEPTION || name != "noSuchMethod" || ae == nil || ae.TypeId() != thrift.UNKNOWN_METHOD {
			t.Errorf("noSuchMethod: %s %v %v, want EXCEPTION UNKNOWN_METHOD", name, typ, ae)
		}
		if mt, _ := f.int(keyMsgType); mt != "3" {
			t.Errorf("unknown method: MsgType %q, want \"3\"", mt)
		}
		res2 := at.NewThriftTestTestStringResult()
		if _, _, typ, _, _ := roundTrip(t, c, kitexRequest(t, "testString", thrift.CALL, 24, strArgs("still")), true, res2); typ != thrift.REPLY || res2.GetSuccess() != "still" {
			t.Errorf("after the exceptions: %v %v", typ, res2)
		}
	})

	t.Run("oneway", func(t *testing.T) {
		c := dial(t, addr)
		req := kitexRequest(t, "testOneway", thrift.ONEWAY, 31, &at.ThriftTestTestOnewayArgs{SecondsToSleep: 3})
		if _, err := c.Write(req.encode()); err != nil {
			t.Fatal(err)
		}
		select {
		case got := <-oneway:
			if got != 3 {
				t.Errorf("testOneway: the handler got %d, want 3", got)
			}
		case <-time.After(hang):
			t.Fatal("the oneway call never reached the handler")
		}
		// No reply was written for it: the next reply read is the next call's.
		res := at.NewThriftTestTestStringResult()
		if _, _, typ, _, _ := roundTrip(t, c, kitexRequest(t, "testString", thrift.CALL, 32, strArgs("after")), true, res); typ != thrift.REPLY || res.GetSuccess() != "after" {
			t.Errorf("after oneway: %v %v", typ, res)
		}
	})
}
