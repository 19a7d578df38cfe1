package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/kestrel-rpc/kestrel/callinfo"
	"github.com/kestrel-rpc/kestrel/codec"
	"github.com/kestrel-rpc/kestrel/internal/unsafex"
	"github.com/kestrel-rpc/kestrel/metainfo"
	"github.com/kestrel-rpc/kestrel/netpoll"
	"github.com/kestrel-rpc/kestrel/thrift"
	"github.com/kestrel-rpc/kestrel/transport"
	"github.com/kestrel-rpc/kestrel/transport/ttheader"
)

// conn is the state of one connection: its message envelopes and its call info, reused call after
// call (calls on one connection are served one at a time).
type conn struct {
	s     *Server
	nc    netpoll.Connection
	in    codec.Message
	out   codec.Message
	ci    callinfo.Info
	ctx   context.Context // carries &ci and the conn itself
	pairs []metainfo.Pair
}

type connKey struct{}

func (s *Server) onPrepare(nc netpoll.Connection) context.Context {
	if n := s.conns.Add(1); s.o.maxConns > 0 && n > int64(s.o.maxConns) {
		s.conns.Add(-1)
		s.o.logger.Warn("kestrel server: connection refused: at the connection limit",
			slog.String("peer", nc.RemoteAddr().String()), slog.Int("max", s.o.maxConns))
		nc.Close()
		return context.Background()
	}
	c := &conn{s: s, nc: nc}
	if err := nc.AddCloseCallback(func(netpoll.Connection) error { s.conns.Add(-1); return nil }); err != nil {
		s.conns.Add(-1)
	}
	c.ctx = context.WithValue(callinfo.NewContext(context.Background(), &c.ci), connKey{}, c)
	return c.ctx
}

func (s *Server) onRequest(ctx context.Context, nc netpoll.Connection) error {
	c, ok := ctx.Value(connKey{}).(*conn)
	if !ok {
		return nc.Close()
	}
	return c.serve()
}

// serve reads one request, calls its method and writes the reply. A non-nil error closes the
// connection.
func (c *conn) serve() error {
	s := c.s
	r := c.nc.Reader()
	in := &c.in
	timed := len(s.o.mws) > 0
	var start time.Time
	if timed {
		start = time.Now()
	}
	if err := codec.Read(r, in, s.o.maxFrame); err != nil {
		r.Release()
		return c.readFailed(err)
	}
	m := s.methods[in.Name]
	if m == nil {
		return c.unknownMethod()
	}

	ci := &c.ci
	ci.Reset()
	ci.CalleeService = m.service.Name
	ci.Method = m.info.Name
	ci.PeerAddr = c.nc.RemoteAddr()
	ci.Kind, ci.Protocol = in.Kind, in.Protocol
	ci.SeqID = in.SeqID
	ci.Oneway = m.info.Oneway
	ci.ReqSize = in.Size
	ci.Start = start
	ctx := c.ctx
	if in.Kind == transport.TTHeader {
		ctx = c.fromTTHeader(ctx, ci)
	} else if in.Kind == transport.THeader {
		ctx = c.fromTHeader(ctx)
	}
	var decodeStart time.Time
	if timed {
		decodeStart = time.Now()
		ci.Read = decodeStart.Sub(start)
	}

	args := m.args.Get().(thrift.FastCodec)
	var err error
	if in.Protocol == transport.Compact {
		if cc, ok := args.(thrift.CompactCodec); ok {
			_, err = cc.CompactRead(in.Body)
		} else {
			err = fmt.Errorf("%T has no Compact codec", args)
		}
	} else {
		_, err = args.FastRead(in.Body)
	}
	seq := in.SeqID
	// No reply to a oneway method, nor to a message sent as ONEWAY (its caller reads none: an answer
	// would be taken for the reply of its next call).
	noReply := m.info.Oneway || in.Type == thrift.ONEWAY
	r.Release() // the args own their strings: the frame's bytes go back to the pool now
	if err != nil {
		put(&m.args, args)
		s.o.logger.Warn("kestrel server: undecodable request", slog.String("method", m.info.Name),
			slog.String("peer", ci.PeerAddr.String()), slog.Any("error", err))
		if noReply {
			return nil
		}
		return c.reply(m.info.Name, seq, thrift.NewApplicationException(thrift.ProtocolErrorType, err.Error()))
	}

	var result thrift.FastCodec
	var resp any
	if !m.info.Oneway {
		result = m.results.Get().(thrift.FastCodec)
		resp = result
	}
	if timed {
		ci.Decode = time.Since(decodeStart)
	}
	herr := c.invoke(ctx, m, args, resp) // with middleware, the innermost endpoint sets ci.Handler
	put(&m.args, args)
	ci.Err = herr
	if noReply {
		put(&m.results, result)
		return nil
	}
	var body thrift.FastCodec = result
	if herr != nil {
		body = applicationException(m.info.Name, herr)
	}
	err = c.reply(m.info.Name, seq, body)
	put(&m.results, result)
	return err
}

// invoke runs the method's endpoint, turning a panic into an InternalError exception.
func (c *conn) invoke(ctx context.Context, m *method, args thrift.FastCodec, resp any) (err error) {
	defer func() {
		if p := recover(); p != nil {
			c.s.o.logger.Error("kestrel server: handler panic", slog.String("method", m.info.Name),
				slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
			err = thrift.NewApplicationException(thrift.InternalError,
				fmt.Sprintf("internal error processing %s: panic: %v", m.info.Name, p))
		}
	}()
	return m.ep(ctx, args, resp)
}

func applicationException(method string, err error) *thrift.ApplicationException {
	var ae *thrift.ApplicationException
	if errors.As(err, &ae) {
		return ae
	}
	return thrift.NewApplicationException(thrift.InternalError, "internal error processing "+method+": "+err.Error())
}

// reply writes a reply (body is the result struct, or an *thrift.ApplicationException for an
// EXCEPTION) in the request's framing and flushes it.
func (c *conn) reply(method string, seq int32, body thrift.FastCodec) error {
	in, out := &c.in, &c.out
	out.Kind, out.Protocol, out.FramedPayload = in.Kind, in.Protocol, in.FramedPayload
	out.Name, out.SeqID, out.Type = method, seq, thrift.REPLY
	if _, ok := body.(*thrift.ApplicationException); ok {
		out.Type = thrift.EXCEPTION
	}
	switch in.Kind {
	case transport.TTHeader:
		out.TTHeader.Reset()
		out.TTHeader.SetInt(ttheader.MsgType, msgTypeString(out.Type))
		if c.s.shutting.Load() {
			out.TTHeader.SetStr(ttheader.KeyConnReset, "1")
		}
	case transport.THeader:
		out.THeader.Reset()
		out.THeader.Transforms = append(out.THeader.Transforms, in.THeader.Transforms...)
	}
	w := c.nc.Writer()
	timed := len(c.s.o.mws) > 0
	var t0 time.Time
	if timed {
		t0 = time.Now()
	}
	if err := codec.Write(w, out, body, true); err != nil {
		// The reply cannot be encoded (a required field unset, a value over the frame limit): the
		// client still gets an answer.
		c.s.o.logger.Error("kestrel server: reply not encodable", slog.String("method", method), slog.Any("error", err))
		out.Type = thrift.EXCEPTION
		if err := codec.Write(w, out, thrift.NewApplicationException(thrift.InternalError, "reply of "+method+" not encodable: "+err.Error()), false); err != nil {
			return err
		}
	}
	var t1 time.Time
	if timed {
		t1 = time.Now()
		c.ci.Encode = t1.Sub(t0)
	}
	c.ci.RespSize = out.Size
	err := w.Flush()
	if timed {
		c.ci.Write = time.Since(t1)
	}
	return err
}

func msgTypeString(t thrift.MessageType) string {
	if t == thrift.EXCEPTION {
		return "3"
	}
	return "2"
}

// fromTTHeader takes the call's RPC timeout and caller from the request's TTHeader, and its metainfo
// into ctx.
func (c *conn) fromTTHeader(ctx context.Context, ci *callinfo.Info) context.Context {
	h := &c.in.TTHeader
	// The strings kept past the frame's release share one copy.
	n := 0
	for i := range h.IntInfo {
		if k := h.IntInfo[i].Key; k == ttheader.FromService || k == ttheader.FromMethod {
			n += len(h.IntInfo[i].Value)
		}
	}
	for i := range h.StrInfo {
		if isMeta(h.StrInfo[i].Key) {
			n += len(h.StrInfo[i].Key) + len(h.StrInfo[i].Value)
		}
	}
	a := arena(make([]byte, 0, n))
	for i := range h.IntInfo {
		p := &h.IntInfo[i]
		switch p.Key {
		case ttheader.RPCTimeout:
			if ms, err := strconv.Atoi(p.Value); err == nil && ms > 0 {
				ci.RPCTimeout = time.Duration(ms) * time.Millisecond
			}
		case ttheader.FromService:
			ci.CallerService = a.copy(p.Value)
		case ttheader.FromMethod:
			ci.CallerMethod = a.copy(p.Value)
		}
	}
	c.pairs = c.pairs[:0]
	for i := range h.StrInfo {
		if p := &h.StrInfo[i]; isMeta(p.Key) {
			c.pairs = append(c.pairs, metainfo.Pair{Key: a.copy(p.Key), Value: a.copy(p.Value)})
		}
	}
	if len(c.pairs) == 0 {
		return ctx
	}
	return metainfo.FromWire(ctx, c.pairs)
}

// fromTHeader takes the metainfo of an Apache THeader request (its key-values under the same
// prefixes) into ctx.
func (c *conn) fromTHeader(ctx context.Context) context.Context {
	h := &c.in.THeader
	n := 0
	for i := range h.Info {
		if isMeta(h.Info[i].Key) {
			n += len(h.Info[i].Key) + len(h.Info[i].Value)
		}
	}
	if n == 0 {
		return ctx
	}
	a := arena(make([]byte, 0, n))
	c.pairs = c.pairs[:0]
	for i := range h.Info {
		if p := &h.Info[i]; isMeta(p.Key) {
			c.pairs = append(c.pairs, metainfo.Pair{Key: a.copy(p.Key), Value: a.copy(p.Value)})
		}
	}
	return metainfo.FromWire(ctx, c.pairs)
}

// isMeta reports whether a header key carries a metainfo value the handler receives.
func isMeta(k string) bool {
	return strings.HasPrefix(k, metainfo.PrefixTransient) || strings.HasPrefix(k, metainfo.PrefixPersistent)
}

// arena copies strings out of a frame (released before the handler runs) into one allocation, made
// with the capacity of all of them.
type arena []byte

func (a *arena) copy(s string) string {
	if s == "" {
		return ""
	}
	start := len(*a)
	*a = append(*a, s...)
	return unsafex.BytesToString((*a)[start:len(*a):len(*a)])
}

// unknownMethod answers a call of a method no service has with an UnknownMethod exception (nothing
// for a oneway call) and keeps the connection.
func (c *conn) unknownMethod() error {
	in := &c.in
	name, seq, typ := strings.Clone(in.Name), in.SeqID, in.Type
	c.nc.Reader().Release()
	c.s.o.logger.Warn("kestrel server: unknown method", slog.String("method", name),
		slog.String("peer", c.nc.RemoteAddr().String()))
	if typ == thrift.ONEWAY {
		return nil
	}
	return c.reply(name, seq, thrift.NewApplicationException(thrift.UnknownMethod, "unknown method "+name))
}

// readFailed logs why a request could not be read, unless the client just went away, and returns the
// error that closes the connection.
func (c *conn) readFailed(err error) error {
	if !errors.Is(err, io.EOF) && !errors.Is(err, netpoll.ErrConnClosed) && !errors.Is(err, syscall.ECONNRESET) {
		c.s.o.logger.Warn("kestrel server: bad request; closing the connection",
			slog.String("peer", c.nc.RemoteAddr().String()), slog.Any("error", err))
	}
	return err
}
