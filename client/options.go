package client

import (
	"time"

	"github.com/kestrel-rpc/kestrel/codec"
	"github.com/kestrel-rpc/kestrel/endpoint"
	"github.com/kestrel-rpc/kestrel/netpoll"
	"github.com/kestrel-rpc/kestrel/transport"
)

// Defaults of the long-connection pool.
const (
	DefaultMaxIdlePerAddress = 512
	DefaultIdleTimeout       = 30 * time.Second
	DefaultConnectTimeout    = time.Second
)

// Option configures a Client.
type Option func(*options)

type options struct {
	destService    string
	callerService  string
	picker         Picker
	hostPorts      []string
	kind           transport.Kind
	protocol       transport.Protocol
	connectTimeout time.Duration
	rpcTimeout     time.Duration
	short          bool
	maxIdle        int
	idleTimeout    time.Duration
	maxFrame       int
	mws            []endpoint.Middleware
	pollers        *netpoll.PollerGroup
}

func defaultOptions() options {
	return options{
		kind:           transport.TTHeader,
		protocol:       transport.Binary,
		connectTimeout: DefaultConnectTimeout,
		maxIdle:        DefaultMaxIdlePerAddress,
		idleTimeout:    DefaultIdleTimeout,
		maxFrame:       codec.DefaultMaxFrameSize,
	}
}

// WithDestService names the service called: it travels in TTHeader (ToService) and callinfo.
func WithDestService(name string) Option { return func(o *options) { o.destService = name } }

// WithCallerService names the calling service: it travels in TTHeader (FromService).
func WithCallerService(name string) Option { return func(o *options) { o.callerService = name } }

// WithHostPorts sets the server addresses ("host:port"), used in turn (round robin). It replaces a
// Picker set before.
func WithHostPorts(addrs ...string) Option {
	return func(o *options) { o.hostPorts, o.picker = append([]string(nil), addrs...), nil }
}

// WithPicker sets where each call goes. It replaces host ports set before.
func WithPicker(p Picker) Option { return func(o *options) { o.picker, o.hostPorts = p, nil } }

// WithTransport sets the framing: transport.TTHeader (the default, with KiteX's inner length),
// transport.THeader, transport.Framed or transport.Buffered.
func WithTransport(k transport.Kind) Option { return func(o *options) { o.kind = k } }

// WithProtocol sets the payload protocol: transport.Binary (the default) or transport.Compact.
func WithProtocol(p transport.Protocol) Option { return func(o *options) { o.protocol = p } }

// WithConnectTimeout bounds dialing a connection (DefaultConnectTimeout without it); the call's
// deadline bounds it too.
func WithConnectTimeout(d time.Duration) Option { return func(o *options) { o.connectTimeout = d } }

// WithRPCTimeout bounds every call, from Call to the reply's decoding. A context deadline that comes
// sooner wins. Zero means no bound but the context's.
func WithRPCTimeout(d time.Duration) Option { return func(o *options) { o.rpcTimeout = d } }

// WithLongConnection keeps connections for reuse (the default): at most maxIdlePerAddress idle ones per
// address, each closed once idle for idleTimeout. Zero values keep the defaults.
func WithLongConnection(maxIdlePerAddress int, idleTimeout time.Duration) Option {
	return func(o *options) {
		o.short = false
		if maxIdlePerAddress > 0 {
			o.maxIdle = maxIdlePerAddress
		}
		if idleTimeout > 0 {
			o.idleTimeout = idleTimeout
		}
	}
}

// WithShortConnection makes every call dial its own connection and close it after the reply.
func WithShortConnection() Option { return func(o *options) { o.short = true } }

// WithMaxFrameSize bounds a reply's frame; a larger one fails the call with rpcerr.ErrProtocol and
// closes the connection (codec.DefaultMaxFrameSize without it).
func WithMaxFrameSize(n int) Option { return func(o *options) { o.maxFrame = n } }

// WithMiddleware appends mw to the client's middleware; the first added runs outermost. The endpoint
// receives the method's args struct as req and its result struct as resp (nil for oneway methods),
// valid only during the call, and the call's *callinfo.Info on its context.
func WithMiddleware(mw endpoint.Middleware) Option {
	return func(o *options) { o.mws = append(o.mws, mw) }
}

// WithPollerGroup serves the client's connections on g instead of netpoll.Default().
func WithPollerGroup(g *netpoll.PollerGroup) Option { return func(o *options) { o.pollers = g } }
