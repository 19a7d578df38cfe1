package server

import (
	"log/slog"
	"time"

	"github.com/kestrel-rpc/kestrel/codec"
	"github.com/kestrel-rpc/kestrel/endpoint"
	"github.com/kestrel-rpc/kestrel/netpoll"
)

// DefaultAddress is where Run listens without WithAddress.
const DefaultAddress = ":8888"

// Option configures a Server.
type Option func(*options)

type options struct {
	addr         string
	maxWorkers   int
	maxConns     int
	readTimeout  time.Duration
	writeTimeout time.Duration
	idleTimeout  time.Duration
	maxFrame     int
	mws          []endpoint.Middleware
	logger       *slog.Logger
	pollers      *netpoll.PollerGroup
}

func defaultOptions() options {
	return options{addr: DefaultAddress, maxFrame: codec.DefaultMaxFrameSize, logger: slog.Default()}
}

// WithAddress sets the TCP address Run listens on ("host:port"; DefaultAddress without it).
func WithAddress(addr string) Option { return func(o *options) { o.addr = addr } }

// WithMaxWorkers bounds the goroutines that run handlers; calls beyond it wait in a queue. Zero keeps
// netpoll's default (10 000).
func WithMaxWorkers(n int) Option { return func(o *options) { o.maxWorkers = n } }

// WithMaxConnections bounds the open connections: one accepted beyond it is closed at once, before any
// byte is read, and logged. Zero means no bound.
func WithMaxConnections(n int) Option { return func(o *options) { o.maxConns = n } }

// WithReadTimeout bounds how long the server waits for the rest of a request once its first bytes
// arrived. Zero means no bound.
func WithReadTimeout(d time.Duration) Option { return func(o *options) { o.readTimeout = d } }

// WithWriteTimeout bounds how long writing a reply may wait for a slow client. Zero means no bound.
func WithWriteTimeout(d time.Duration) Option { return func(o *options) { o.writeTimeout = d } }

// WithIdleTimeout closes a connection that carried no bytes for d. Zero means never.
func WithIdleTimeout(d time.Duration) Option { return func(o *options) { o.idleTimeout = d } }

// WithMaxFrameSize bounds a request's frame (or Buffered message): a larger length is refused before
// anything past it is read or allocated, logged, and the connection closed. The default is
// codec.DefaultMaxFrameSize (16 MiB).
func WithMaxFrameSize(n int) Option { return func(o *options) { o.maxFrame = n } }

// WithMiddleware appends mw to the server's middleware; the first added runs outermost. Each call's
// endpoint receives the method's args struct as req and its result struct as resp (nil for oneway
// methods), valid only during the call, and the call's *callinfo.Info on its context. When next
// returns, the info holds the request's side (size, read and decode times) and the handler's time and
// error; the reply is encoded and written after the chain returns, so its size and times are not known
// to middleware.
func WithMiddleware(mw endpoint.Middleware) Option {
	return func(o *options) { o.mws = append(o.mws, mw) }
}

// WithLogger sets where the server logs refused connections, malformed requests and recovered handler
// panics (slog.Default() without it).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithPollerGroup serves the connections on g instead of netpoll.Default().
func WithPollerGroup(g *netpoll.PollerGroup) Option { return func(o *options) { o.pollers = g } }
