package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kestrel-rpc/kestrel/callinfo"
	"github.com/kestrel-rpc/kestrel/endpoint"
	"github.com/kestrel-rpc/kestrel/netpoll"
	"github.com/kestrel-rpc/kestrel/thrift"
)

// ErrServerClosed is returned by Run and Serve called after Shutdown.
var ErrServerClosed = errors.New("server: closed")

// Server serves the Thrift services registered on it over netpoll. Create it with New, register
// services (generated NewServer functions do both), then Run or Serve; Shutdown stops it gracefully.
type Server struct {
	o options

	mu       sync.Mutex
	services []*thrift.ServiceInfo
	methods  map[string]*method
	loop     *netpoll.EventLoop
	addr     net.Addr
	closed   bool
	conns    atomic.Int64
	shutting atomic.Bool
}

// New returns a Server configured by opts.
func New(opts ...Option) *Server {
	s := &Server{o: defaultOptions(), methods: make(map[string]*method)}
	for _, opt := range opts {
		opt(&s.o)
	}
	return s
}

// RegisterService adds a service: calls of each method of info go to handler, which must implement the
// service's generated handler interface. Method names must be unique across the services of a server.
// Register before Run or Serve.
func (s *Server) RegisterService(info *thrift.ServiceInfo, handler any) error {
	if info == nil || handler == nil {
		return errors.New("server: RegisterService needs a service info and a handler")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.loop != nil || s.closed {
		return errors.New("server: RegisterService after Serve")
	}
	for i := range info.Methods {
		mi := &info.Methods[i]
		if mi.Handler == nil || mi.NewArgs == nil || (!mi.Oneway && mi.NewResult == nil) {
			return fmt.Errorf("server: method %s.%s has no handler or codec (regenerate the code)", info.Name, mi.Name)
		}
		if prev, dup := s.methods[mi.Name]; dup {
			return fmt.Errorf("server: method %s of service %s is already served by service %s", mi.Name, info.Name, prev.service.Name)
		}
	}
	for i := range info.Methods {
		s.methods[info.Methods[i].Name] = newMethod(info, &info.Methods[i], handler)
	}
	s.services = append(s.services, info)
	return nil
}

// Run listens on the WithAddress address and serves until Shutdown, then returns nil.
func (s *Server) Run() error {
	ln, err := net.Listen("tcp", s.o.addr)
	if err != nil {
		return fmt.Errorf("server: %w", err)
	}
	return s.Serve(ln)
}

// Serve serves the connections ln accepts until Shutdown, then returns nil; it closes ln. It may be
// called for several listeners.
func (s *Server) Serve(ln net.Listener) error {
	loop, err := s.start(ln)
	if err != nil {
		ln.Close()
		return err
	}
	err = loop.Serve(ln)
	if errors.Is(err, netpoll.ErrEventLoopClosed) {
		// Shutdown came first, maybe before the loop took ln: it may still be open.
		ln.Close()
		return nil
	}
	return err
}

func (s *Server) start(ln net.Listener) (*netpoll.EventLoop, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrServerClosed
	}
	if len(s.methods) == 0 {
		return nil, errors.New("server: no service registered")
	}
	if s.loop == nil {
		for _, m := range s.methods {
			m.buildEndpoint(s.o.mws)
		}
		loop, err := netpoll.NewEventLoopWithOptions(s.onRequest, netpoll.Options{
			PollerGroup:  s.o.pollers,
			OnPrepare:    s.onPrepare,
			MaxWorkers:   s.o.maxWorkers,
			ReadTimeout:  s.o.readTimeout,
			WriteTimeout: s.o.writeTimeout,
			IdleTimeout:  s.o.idleTimeout,
		})
		if err != nil {
			return nil, fmt.Errorf("server: %w", err)
		}
		s.loop = loop
	}
	if s.addr == nil {
		s.addr = ln.Addr()
	}
	return s.loop, nil
}

// Addr returns the address of the first listener served, or nil before Run or Serve.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// Shutdown stops the server gracefully: it stops accepting, closes idle connections, lets the calls in
// flight finish and answer (their replies ask TTHeader clients to drop the connection), then closes
// every connection. If ctx ends first the remaining connections are closed at once and ctx's error is
// returned. Run and Serve then return nil.
func (s *Server) Shutdown(ctx context.Context) error {
	s.shutting.Store(true)
	s.mu.Lock()
	s.closed = true
	loop := s.loop
	s.mu.Unlock()
	if loop == nil {
		return nil
	}
	return loop.Shutdown(ctx)
}

// method is one served method: its info, the handler, the middleware chain ending in the handler, and
// pools of its args and result structs.
type method struct {
	service *thrift.ServiceInfo
	info    *thrift.MethodInfo
	handler any
	ep      endpoint.Endpoint
	args    sync.Pool
	results sync.Pool
}

// resetter is implemented by generated args and result structs: Reset zeroes them for reuse.
type resetter interface{ Reset() }

func newMethod(svc *thrift.ServiceInfo, mi *thrift.MethodInfo, handler any) *method {
	m := &method{service: svc, info: mi, handler: handler}
	m.args.New = func() any { return mi.NewArgs() }
	if mi.NewResult != nil {
		m.results.New = func() any { return mi.NewResult() }
	}
	return m
}

func (m *method) buildEndpoint(mws []endpoint.Middleware) {
	if len(mws) == 0 {
		m.ep = func(ctx context.Context, req, resp any) error {
			return m.info.Handler(ctx, m.handler, req.(thrift.FastCodec), resultOf(resp))
		}
		return
	}
	// With middleware, the innermost endpoint times the handler and records its error, so that
	// middleware sees them once next returns.
	call := func(ctx context.Context, req, resp any) error {
		start := time.Now()
		err := m.info.Handler(ctx, m.handler, req.(thrift.FastCodec), resultOf(resp))
		if ci := callinfo.FromContext(ctx); ci != nil {
			ci.Handler = time.Since(start)
			ci.Err = err
		}
		return err
	}
	m.ep = endpoint.Chain(mws...)(call)
}

// resultOf is the endpoint's resp as the handler takes it: a result struct, or nil for oneway.
func resultOf(resp any) thrift.FastCodec {
	if resp == nil {
		return nil
	}
	return resp.(thrift.FastCodec)
}

// put resets v and returns it to pool, if its type can be reset; otherwise it is left to the GC.
func put(pool *sync.Pool, v thrift.FastCodec) {
	if r, ok := v.(resetter); ok {
		r.Reset()
		pool.Put(v)
	}
}
