package client

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/kestrel-rpc/kestrel/callinfo"
	"github.com/kestrel-rpc/kestrel/codec"
	"github.com/kestrel-rpc/kestrel/endpoint"
	"github.com/kestrel-rpc/kestrel/internal/unsafex"
	"github.com/kestrel-rpc/kestrel/metainfo"
	"github.com/kestrel-rpc/kestrel/netpoll"
	"github.com/kestrel-rpc/kestrel/rpcerr"
	"github.com/kestrel-rpc/kestrel/thrift"
	"github.com/kestrel-rpc/kestrel/transport"
	"github.com/kestrel-rpc/kestrel/transport/theader"
	"github.com/kestrel-rpc/kestrel/transport/ttheader"
)

// ErrClosed is the cause of a call on a closed Client.
var ErrClosed = errors.New("client: closed")

// Client calls the methods of one Thrift service. Generated NewClient functions wrap it in typed
// methods. It is safe for concurrent use; each call takes a connection of its own from the pool for the
// time of the call (ping-pong).
type Client struct {
	o       options
	info    *thrift.ServiceInfo
	methods map[string]*thrift.MethodInfo
	picker  Picker
	pool    *pool
	ep      endpoint.Endpoint // the middleware chain, nil without middleware
	seq     atomic.Int32
	closed  atomic.Bool

	rpcTimeoutMS string // the RPC timeout as TTHeader carries it
}

// New returns a client of the service info describes.
func New(info *thrift.ServiceInfo, opts ...Option) (*Client, error) {
	if info == nil {
		return nil, errors.New("client: New needs a service info")
	}
	c := &Client{o: defaultOptions(), info: info, methods: make(map[string]*thrift.MethodInfo, len(info.Methods))}
	for _, opt := range opts {
		opt(&c.o)
	}
	switch c.o.kind {
	case transport.TTHeader, transport.THeader, transport.Framed, transport.Buffered:
	default:
		return nil, fmt.Errorf("client: transport %v is not a Thrift transport", c.o.kind)
	}
	if c.o.protocol != transport.Binary && c.o.protocol != transport.Compact {
		return nil, fmt.Errorf("client: protocol %v is not a Thrift protocol", c.o.protocol)
	}
	for i := range info.Methods {
		c.methods[info.Methods[i].Name] = &info.Methods[i]
	}
	c.picker = c.o.picker
	if c.picker == nil {
		c.picker = &roundRobin{addrs: c.o.hostPorts}
	}
	if c.o.destService == "" {
		c.o.destService = info.Name
	}
	if c.o.rpcTimeout > 0 {
		c.rpcTimeoutMS = strconv.FormatInt(c.o.rpcTimeout.Milliseconds(), 10)
	}
	c.pool = newPool(&c.o)
	if len(c.o.mws) > 0 {
		c.ep = endpoint.Chain(c.o.mws...)(c.endpoint)
	}
	return c, nil
}

// Close closes the idle connections and fails later calls; calls in flight finish.
func (c *Client) Close() error {
	c.closed.Store(true)
	c.pool.close()
	return nil
}

// Call calls method with args (the method's generated args struct) and decodes the reply into result
// (its result struct; nil for a oneway method, which returns once the request is sent). The call is
// bounded by the RPC timeout and ctx's deadline; canceling ctx abandons it.
//
// Errors: rpcerr.ErrTimeout, ErrCanceled, ErrConnect, ErrConnection, ErrProtocol (errors.Is), or the
// server's *thrift.ApplicationException (errors.As). A declared exception is not an error here: it
// arrives in result's field, and the generated client returns it.
func (c *Client) Call(ctx context.Context, method string, args, result thrift.FastCodec) error {
	mi := c.methods[method]
	if mi == nil {
		return fmt.Errorf("client: service %s has no method %q", c.info.Name, method)
	}
	if result == nil && !mi.Oneway {
		return fmt.Errorf("client: method %s is not oneway: Call needs its result struct", method)
	}
	if c.closed.Load() {
		return rpcerr.New(rpcerr.ErrConnect, "call", "", ErrClosed)
	}
	ci := callinfo.New()
	ci.CallerService = c.o.callerService
	ci.CalleeService = c.o.destService
	ci.Method = mi.Name
	ci.Kind, ci.Protocol = c.o.kind, c.o.protocol
	ci.Oneway = mi.Oneway
	ci.RPCTimeout = c.o.rpcTimeout
	var err error
	if c.ep == nil {
		err = c.call(ctx, ci, mi, args, result)
	} else {
		ci.Start = time.Now()
		var resp any
		if result != nil {
			resp = result
		}
		err = c.ep(callinfo.NewContext(ctx, ci), args, resp)
	}
	ci.Release()
	return err
}

// endpoint is the innermost endpoint of the middleware chain.
func (c *Client) endpoint(ctx context.Context, req, resp any) error {
	ci := callinfo.FromContext(ctx)
	args, ok := req.(thrift.FastCodec)
	if !ok || ci == nil {
		return fmt.Errorf("client: middleware passed a %T request or lost the call info", req)
	}
	var result thrift.FastCodec
	if resp != nil {
		if result, ok = resp.(thrift.FastCodec); !ok {
			return fmt.Errorf("client: middleware passed a %T result", resp)
		}
	}
	return c.call(ctx, ci, c.methods[ci.Method], args, result)
}

// aLongTimeAgo is a deadline in the past: setting it wakes a blocked read at once.
var aLongTimeAgo = time.Unix(1, 0)

// call does one call: it picks the address, then makes the round trip on a pooled or new connection.
//
// A reused connection may have been closed by the server while it sat idle (an idle timeout, or a
// server that closes after some replies) without the client having seen the FIN yet. When the round
// trip proves the request was never processed — the connection was closed or reset when the request
// was written, or the peer reset it before a byte of reply came back (a reset answers data sent to a
// socket that is already closed; a server that read the request and then closed would have sent a
// FIN) — call sends it once more on a new connection.
func (c *Client) call(ctx context.Context, ci *callinfo.Info, mi *thrift.MethodInfo, args, result thrift.FastCodec) error {
	now := time.Now()
	var deadline time.Time
	if c.o.rpcTimeout > 0 {
		deadline = now.Add(c.o.rpcTimeout)
	}
	ctxDeadline, hasCtxDeadline := ctx.Deadline()
	if hasCtxDeadline && (deadline.IsZero() || ctxDeadline.Before(deadline)) {
		deadline = ctxDeadline
		ci.RPCTimeout = deadline.Sub(now)
	}
	if err := ctx.Err(); err != nil {
		return ctxError(ctx, "call", "")
	}
	addr, err := c.picker.Pick(ctx)
	if err != nil {
		return rpcerr.New(rpcerr.ErrConnect, "pick", "", err)
	}
	connectTimeout := c.o.connectTimeout
	if !deadline.IsZero() && (connectTimeout <= 0 || deadline.Sub(now) < connectTimeout) {
		connectTimeout = deadline.Sub(now)
	}
	rt := roundTrip{ctx: ctx, ci: ci, mi: mi, addr: addr, deadline: deadline, ctxDeadline: hasCtxDeadline, now: now}
	for fresh := false; ; fresh = true {
		cn, err := c.pool.get(ctx, addr, connectTimeout, fresh)
		if err != nil {
			if ctx.Err() != nil {
				return ctxError(ctx, "dial", addr)
			}
			if errors.Is(err, context.DeadlineExceeded) && !deadline.IsZero() && !time.Now().Before(deadline) {
				return rpcerr.New(rpcerr.ErrTimeout, "dial", addr, err)
			}
			return rpcerr.New(rpcerr.ErrConnect, "dial", addr, err)
		}
		unsent, err := c.roundTrip(&rt, cn, args, result)
		if !unsent || !cn.reused || fresh || ctx.Err() != nil {
			return err
		}
	}
}

// refused reports whether a write failed because the connection was already closed or reset: our
// side saw the close first, or the peer's kernel refused the bytes of a socket its owner had closed.
func refused(err error) bool {
	return errors.Is(err, netpoll.ErrConnClosed) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// roundTrip holds what one call's round trips share.
type roundTrip struct {
	ctx         context.Context
	ci          *callinfo.Info
	mi          *thrift.MethodInfo
	addr        string
	deadline    time.Time
	ctxDeadline bool // the deadline comes from ctx
	now         time.Time
}

// roundTrip sends the request on cn and reads the reply, then returns cn to the pool or closes it.
// unsent reports a failure that proves the server never processed the request.
func (c *Client) roundTrip(rt *roundTrip, cn *conn, args, result thrift.FastCodec) (unsent bool, err error) {
	ctx, ci, mi, addr := rt.ctx, rt.ci, rt.mi, rt.addr
	timed := c.ep != nil
	ci.PeerAddr = cn.nc.RemoteAddr()
	nc := cn.nc
	if err := nc.SetDeadline(rt.deadline); err != nil {
		c.pool.discard(cn)
		return errors.Is(err, netpoll.ErrConnClosed), rpcerr.New(rpcerr.ErrConnection, "deadline", addr, err)
	}
	// Canceling ctx wakes the blocked read. The hook must be gone before the connection goes back to
	// the pool: finish stops it, and drops the connection if it ran (or is running), since it could set
	// its past deadline after the next call on the connection set its own.
	var stop func() bool
	if ctx.Done() != nil {
		stop = context.AfterFunc(ctx, cn.wake)
	}

	// Request.
	var t0 time.Time
	if timed {
		t0 = time.Now() // after the pick and the dial, which are no part of the encoding
	}
	seq := c.seq.Add(1)
	ci.SeqID = seq
	out := &cn.out
	out.Kind, out.Protocol, out.FramedPayload = c.o.kind, c.o.protocol, true
	out.Name, out.SeqID, out.Type = mi.Name, seq, thrift.CALL
	if mi.Oneway {
		out.Type = thrift.ONEWAY
	}
	c.fillHeader(ctx, cn, rt.ctxDeadline, rt.deadline, rt.now)
	w := nc.Writer()
	if err := codec.Write(w, out, args, !mi.Oneway); err != nil {
		c.finish(cn, stop, false)
		if errors.Is(err, netpoll.ErrConnClosed) {
			return true, c.ioError(ctx, "write", addr, err)
		}
		return false, fmt.Errorf("client: encoding the %s request: %w", mi.Name, err)
	}
	ci.ReqSize = out.Size
	var t1 time.Time
	if timed {
		t1 = time.Now()
		ci.Encode = t1.Sub(t0)
	}
	if err := w.Flush(); err != nil {
		c.finish(cn, stop, false)
		return refused(err), c.ioError(ctx, "write", addr, err)
	}
	if mi.Oneway {
		c.finish(cn, stop, true)
		return false, nil
	}
	var t2 time.Time
	if timed {
		t2 = time.Now()
		ci.Write = t2.Sub(t1)
	}

	// Reply.
	r := nc.Reader()
	in := &cn.in
	in.Kind, in.Protocol = c.o.kind, c.o.protocol
	if err := codec.Read(r, in, c.o.maxFrame); err != nil {
		nothing := r.Len() == 0
		r.Release()
		c.finish(cn, stop, false)
		if errors.Is(err, codec.ErrMalformed) {
			return false, rpcerr.New(rpcerr.ErrProtocol, "read", addr, err)
		}
		return nothing && errors.Is(err, syscall.ECONNRESET), c.ioError(ctx, "read", addr, err)
	}
	ci.RespSize = in.Size
	var t3 time.Time
	if timed {
		t3 = time.Now()
		ci.Read = t3.Sub(t2)
	}
	err = c.decodeReply(in, mi, seq, result)
	reset := in.Kind == transport.TTHeader && hasStr(&in.TTHeader, ttheader.KeyConnReset)
	if in.Kind == transport.TTHeader && len(in.TTHeader.StrInfo) > 0 {
		c.backward(ctx, &in.TTHeader)
	}
	r.Release()
	if timed {
		ci.Decode = time.Since(t3)
	}
	ci.Err = err
	// decodeReply returns a remote ApplicationException as is: the connection stays in step after it.
	_, remote := err.(*thrift.ApplicationException)
	if err != nil && !remote || reset {
		// A reply we could not trust, or the server asked to drop the connection.
		c.finish(cn, stop, false)
	} else {
		c.finish(cn, stop, true)
	}
	return false, err
}

// finish ends a call's use of cn: it stops the context hook of the call, then returns cn to the pool if
// reuse is true and the hook never ran, or else closes it.
func (c *Client) finish(cn *conn, stop func() bool, reuse bool) {
	if stop != nil && !stop() {
		reuse = false // canceled: the hook set, or is about to set, a deadline in the past
	}
	if reuse {
		c.pool.put(cn)
	} else {
		c.pool.discard(cn)
	}
}

// decodeReply checks the reply's header against the call and decodes its body.
func (c *Client) decodeReply(in *codec.Message, mi *thrift.MethodInfo, seq int32, result thrift.FastCodec) error {
	if in.SeqID != seq {
		return rpcerr.Errorf(rpcerr.ErrProtocol, "read", "", "reply sequence id %d, want %d", in.SeqID, seq)
	}
	if in.Name != mi.Name {
		return rpcerr.Errorf(rpcerr.ErrProtocol, "read", "", "reply for method %q, want %q", in.Name, mi.Name)
	}
	var body thrift.FastCodec
	switch in.Type {
	case thrift.REPLY:
		body = result
	case thrift.EXCEPTION:
		body = new(thrift.ApplicationException)
	default:
		return rpcerr.Errorf(rpcerr.ErrProtocol, "read", "", "reply of message type %v", in.Type)
	}
	var err error
	if in.Protocol == transport.Compact {
		cc, ok := body.(thrift.CompactCodec)
		if !ok {
			return fmt.Errorf("client: %T has no Compact codec (generate it with -protocol both)", body)
		}
		_, err = cc.CompactRead(in.Body)
	} else {
		_, err = body.FastRead(in.Body)
	}
	if err != nil {
		return rpcerr.New(rpcerr.ErrProtocol, "decode", "", err)
	}
	if in.Type == thrift.EXCEPTION {
		return body.(*thrift.ApplicationException)
	}
	return nil
}

// fillHeader sets the request's header: service, method, timeout and metainfo.
func (c *Client) fillHeader(ctx context.Context, cn *conn, hasCtxDeadline bool, deadline, now time.Time) {
	cn.pairs = metainfo.AppendWire(cn.pairs[:0], ctx)
	switch c.o.kind {
	case transport.TTHeader:
		h := &cn.out.TTHeader
		h.Reset()
		h.SetInt(ttheader.ToService, c.o.destService)
		h.SetInt(ttheader.ToMethod, cn.out.Name)
		if c.o.callerService != "" {
			h.SetInt(ttheader.FromService, c.o.callerService)
		}
		if hasCtxDeadline && !deadline.IsZero() {
			if ms := deadline.Sub(now).Milliseconds(); ms > 0 {
				// The header is encoded before the call returns: the string may alias cn's buffer.
				h.SetInt(ttheader.RPCTimeout, unsafex.BytesToString(strconv.AppendInt(cn.timeout[:0], ms, 10)))
			}
		} else if c.rpcTimeoutMS != "" {
			h.SetInt(ttheader.RPCTimeout, c.rpcTimeoutMS)
		}
		for _, p := range cn.pairs {
			h.StrInfo = append(h.StrInfo, ttheader.StrPair{Key: p.Key, Value: p.Value})
		}
	case transport.THeader:
		h := &cn.out.THeader
		h.Reset()
		for _, p := range cn.pairs {
			h.Info = append(h.Info, theader.Pair{Key: p.Key, Value: p.Value})
		}
	}
}

// backward hands the reply's backward metainfo to the caller's context, if it asked for it.
func (c *Client) backward(ctx context.Context, h *ttheader.Header) {
	var pairs []metainfo.Pair
	for _, p := range h.StrInfo {
		if strings.HasPrefix(p.Key, metainfo.PrefixBackward) {
			pairs = append(pairs, metainfo.Pair{Key: strings.Clone(p.Key), Value: strings.Clone(p.Value)})
		}
	}
	if len(pairs) > 0 {
		metainfo.SetBackwardFromWire(ctx, pairs)
	}
}

func hasStr(h *ttheader.Header, k string) bool {
	_, ok := h.Str(k)
	return ok
}

// ioError classifies a read or write failure: the deadline or cancellation, else a connection failure.
func (c *Client) ioError(ctx context.Context, op, addr string, err error) error {
	if ctx.Err() != nil {
		return ctxError(ctx, op, addr)
	}
	if errors.Is(err, netpoll.ErrTimeout) || rpcerr.IsTimeout(err) {
		return rpcerr.New(rpcerr.ErrTimeout, op, addr, errors.Join(context.DeadlineExceeded, err))
	}
	return rpcerr.New(rpcerr.ErrConnection, op, addr, err)
}

func ctxError(ctx context.Context, op, addr string) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return rpcerr.New(rpcerr.ErrTimeout, op, addr, ctx.Err())
	}
	return rpcerr.New(rpcerr.ErrCanceled, op, addr, ctx.Err())
}
