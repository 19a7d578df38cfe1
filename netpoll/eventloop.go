package netpoll

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"
)

// EventLoop serves the connections accepted from one or more listeners: the reactor reads their input,
// and a bounded pool of reused goroutines runs OnConnect and OnRequest. An idle connection costs no
// goroutine. It is safe for concurrent use.
type EventLoop struct {
	onRequest OnRequest
	opts      Options
	group     *PollerGroup
	pool      *workerPool
	cfg       connConfig

	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	conns     map[*connection]struct{}
	shutdown  bool
	done      chan struct{} // closed by Shutdown
	serving   sync.WaitGroup

	// accept is the accept(2) of the raw path; tests replace it to inject EMFILE.
	accept func(fd int) (int, sockaddr, error)
}

// NewEventLoop returns an EventLoop that calls onRequest for readable connections, with zero Options.
func NewEventLoop(onRequest OnRequest) (*EventLoop, error) {
	return NewEventLoopWithOptions(onRequest, Options{})
}

// NewEventLoopWithOptions returns an EventLoop configured by opts (validated with Options.Validate).
// onRequest may be nil when OnConnect installs handlers per connection (Connection.SetOnRequest).
func NewEventLoopWithOptions(onRequest OnRequest, opts Options) (*EventLoop, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	g := opts.PollerGroup
	if g == nil {
		g = Default()
	}
	maxWorkers := opts.MaxWorkers
	if maxWorkers == 0 {
		maxWorkers = defaultMaxWorkers
	}
	return &EventLoop{
		onRequest: onRequest,
		opts:      opts,
		group:     g,
		pool:      newWorkerPool(maxWorkers, defaultWorkerIdle),
		cfg:       opts.connConfig(),
		listeners: make(map[net.Listener]struct{}),
		conns:     make(map[*connection]struct{}),
		done:      make(chan struct{}),
		accept:    sysAccept,
	}, nil
}

// Serve accepts connections from ln and serves them until ln fails or Shutdown is called; it then
// returns ErrEventLoopClosed after Shutdown, or the accept error. ln may be a TCP or unix listener (or
// any listener whose connections implement syscall.Conn). Serve may be called for several listeners
// concurrently. Accept failures from exhausted descriptors (EMFILE, ENFILE) or memory are retried after
// a short sleep, so the loop keeps serving.
func (l *EventLoop) Serve(ln net.Listener) error {
	l.mu.Lock()
	if l.shutdown {
		l.mu.Unlock()
		return ErrEventLoopClosed
	}
	l.listeners[ln] = struct{}{}
	l.serving.Add(1)
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		delete(l.listeners, ln)
		l.mu.Unlock()
		l.serving.Done()
	}()
	err := l.serve(ln)
	if l.isShutdown() {
		return ErrEventLoopClosed
	}
	return err
}

func (l *EventLoop) isShutdown() bool {
	select {
	case <-l.done:
		return true
	default:
		return false
	}
}

// backoff sleeps d or until Shutdown; it reports false on Shutdown.
func (l *EventLoop) backoff(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-l.done:
		return false
	}
}

// serveConn sets up a freshly accepted connection and hands it to the reactor.
func (l *EventLoop) serveConn(c *connection) {
	c.onClosed = l.forget
	l.mu.Lock()
	if l.shutdown {
		l.mu.Unlock()
		c.closeWith(ErrEventLoopClosed, false)
		c.retire()
		return
	}
	l.conns[c] = struct{}{}
	l.mu.Unlock()
	if l.opts.OnPrepare != nil {
		if ctx := l.opts.OnPrepare(c); ctx != nil {
			c.ctx = ctx
		}
	}
	if l.onRequest != nil {
		h := l.onRequest
		c.handler.Store(&h)
	}
	c.onConnect = l.opts.OnConnect
	if c.onConnect != nil {
		c.processing.Store(procRunning) // no OnRequest before OnConnect returned
	}
	if err := c.register(l.group); err != nil {
		c.closeWith(err, false)
		c.retire()
		return
	}
	if c.onConnect != nil {
		c.pool.submit(c.processFn)
	}
}

func (l *EventLoop) forget(c *connection) {
	l.mu.Lock()
	delete(l.conns, c)
	l.mu.Unlock()
}

// Shutdown stops the loop gracefully: it closes the listeners, closes idle connections at once, lets
// running handlers finish (and then closes their connections), and waits for the workers to exit. If
// ctx ends first, it closes every connection and returns ctx.Err(). Serve calls return
// ErrEventLoopClosed. Shutdown may be called more than once.
func (l *EventLoop) Shutdown(ctx context.Context) error {
	l.mu.Lock()
	if !l.shutdown {
		l.shutdown = true
		close(l.done)
	}
	lns := make([]net.Listener, 0, len(l.listeners))
	for ln := range l.listeners {
		lns = append(lns, ln)
	}
	l.mu.Unlock()
	var errs []error
	for _, ln := range lns {
		if err := ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	l.serving.Wait()

	wait := time.Millisecond
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		busy := 0
		for _, c := range l.snapshot() {
			if c.processing.Load() == procIdle {
				c.closeWith(ErrConnClosed, false)
				c.retire()
			} else {
				busy++
			}
		}
		if busy == 0 {
			break
		}
		select {
		case <-ctx.Done():
			for _, c := range l.snapshot() {
				c.closeWith(ErrConnClosed, false)
				c.retire()
			}
			l.pool.stop()
			return ctx.Err()
		case <-timer.C:
			wait = min(2*wait, 50*time.Millisecond)
			timer.Reset(wait)
		}
	}
	l.pool.stop()
	l.pool.wait()
	return errors.Join(errs...)
}

func (l *EventLoop) snapshot() []*connection {
	l.mu.Lock()
	defer l.mu.Unlock()
	cs := make([]*connection, 0, len(l.conns))
	for c := range l.conns {
		cs = append(cs, c)
	}
	return cs
}

// Dialer dials client connections served by the reactor. The zero value works.
type Dialer struct {
	// PollerGroup serves the dialed connections. Nil means Default().
	PollerGroup *PollerGroup
	// ReadTimeout, WriteTimeout and IdleTimeout are the initial timeouts of each connection (see
	// Connection); zero means none.
	ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// MaxOutputBuffer bounds each connection's unsent output (see Options.MaxOutputBuffer). Zero means
	// 4 MiB.
	MaxOutputBuffer int
	// LocalAddr, if set, is the local address to dial from.
	LocalAddr net.Addr
}

// DialConnection dials address on network ("tcp", "tcp4", "tcp6", "unix") with the default Dialer.
// timeout bounds the connect; zero means none (the system's limit).
func DialConnection(network, address string, timeout time.Duration) (Connection, error) {
	var d Dialer
	return d.DialConnection(network, address, timeout)
}

// DialConnection dials address on network; timeout bounds the connect (zero: none).
func (d *Dialer) DialConnection(network, address string, timeout time.Duration) (Connection, error) {
	ctx := context.Background()
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	return d.DialContext(ctx, network, address)
}

// DialContext dials address on network; ctx bounds the connect.
func (d *Dialer) DialContext(ctx context.Context, network, address string) (Connection, error) {
	nd := net.Dialer{LocalAddr: d.LocalAddr}
	nc, err := nd.DialContext(ctx, network, address)
	if err != nil {
		return nil, err
	}
	g := d.PollerGroup
	if g == nil {
		g = Default()
	}
	cfg := connConfig{d.ReadTimeout, d.WriteTimeout, d.IdleTimeout, d.MaxOutputBuffer}
	if cfg.maxOutput <= 0 {
		cfg.maxOutput = defaultMaxOutput
	}
	c, err := adoptClient(nc, g, cfg)
	if err != nil {
		return nil, err
	}
	return c, nil
}
