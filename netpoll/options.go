package netpoll

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"
)

// PollerOptions configures a PollerGroup. The zero value works: it is what Default uses.
type PollerOptions struct {
	// Pollers is the number of poller goroutines, each with its own epoll (kqueue) instance.
	// Zero means one per 20 CPUs (runtime.NumCPU), at least one. Negative is invalid.
	Pollers int

	// MaxWorkers bounds the goroutines that run handlers of client connections (SetOnRequest on a
	// dialed connection) and close callbacks. Zero means 10 000. Negative is invalid.
	MaxWorkers int

	// # Experimental
	//
	// The two fields below switch off the reactor's two signature techniques, so that a benchmark can
	// measure what each one buys. They exist for that purpose only and may be removed; production code
	// should leave them false.

	// ExperimentalNoSpin makes every epoll_wait block (timeout -1). By default a poller calls
	// epoll_wait with timeout 0 while the previous call returned events (yielding with
	// runtime.Gosched after each batch that woke handlers), and yields and then blocks only once a
	// call returned none.
	ExperimentalNoSpin bool

	// ExperimentalNoDataPointer makes the poller find a connection from its file descriptor through a
	// mutex-guarded map. By default the connection's address travels in the 8-byte epoll_event.data
	// word, so the hot path has no lookup at all. On kqueue systems the poller always indexes a slice
	// by descriptor, and this field has no effect.
	ExperimentalNoDataPointer bool
}

const (
	defaultMaxWorkers    = 10000
	defaultWorkerIdle    = 10 * time.Second
	defaultMaxOutput     = 4 << 20
	defaultAcceptBackoff = 10 * time.Millisecond
)

// Validate reports whether the options are usable. Constructors call it.
func (o PollerOptions) Validate() error {
	if o.Pollers < 0 {
		return fmt.Errorf("netpoll: PollerOptions.Pollers is %d, want >= 0", o.Pollers)
	}
	if o.MaxWorkers < 0 {
		return fmt.Errorf("netpoll: PollerOptions.MaxWorkers is %d, want >= 0", o.MaxWorkers)
	}
	return nil
}

func (o PollerOptions) withDefaults() PollerOptions {
	if o.Pollers == 0 {
		o.Pollers = (runtime.NumCPU() + 19) / 20
	}
	if o.MaxWorkers == 0 {
		o.MaxWorkers = defaultMaxWorkers
	}
	return o
}

var (
	defaultGroupOnce sync.Once
	defaultGroup     *PollerGroup
)

// Default returns the process's shared PollerGroup, built from zero PollerOptions on first use. It is a
// value like http.DefaultClient, not configuration: to configure pollers, build a group with
// NewPollerGroup and pass it in Options.PollerGroup or Dialer.PollerGroup. Closing the default group is an
// error.
func Default() *PollerGroup {
	defaultGroupOnce.Do(func() {
		g, err := newPollerGroup(PollerOptions{})
		if err != nil {
			// Creating an epoll instance fails only when the process is out of file descriptors or
			// memory at start-up; there is nothing sensible to serve with.
			panic(err)
		}
		g.isDefault = true
		defaultGroup = g
	})
	return defaultGroup
}

// NewPollerGroup starts a group of pollers. Close it when done (after the EventLoops and connections
// using it are closed).
func NewPollerGroup(opts PollerOptions) (*PollerGroup, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	return newPollerGroup(opts)
}

var errCloseDefault = errors.New("netpoll: the Default poller group cannot be closed")

// Options configures an EventLoop. The zero value works.
type Options struct {
	// PollerGroup is the poller group that serves the loop's connections. Nil means Default().
	PollerGroup *PollerGroup

	// OnPrepare, if set, runs on the accepting goroutine for each new connection before the reactor
	// watches it. The context it returns is passed to OnConnect and OnRequest. Nil means
	// context.Background().
	OnPrepare OnPrepare

	// OnConnect, if set, runs on a worker once per connection, before any OnRequest of that
	// connection and never concurrently with one. The context it returns replaces the one from
	// OnPrepare.
	OnConnect OnConnect

	// MaxWorkers bounds the goroutines that run OnConnect, OnRequest and close callbacks. Zero means
	// 10 000. Handlers beyond it wait in a queue. Negative is invalid.
	MaxWorkers int

	// ReadTimeout is the initial read timeout of every accepted connection (see
	// Connection.SetReadTimeout). Zero means none. Negative is invalid.
	ReadTimeout time.Duration

	// WriteTimeout is the initial write timeout of every accepted connection (see
	// Connection.SetWriteTimeout). Zero means none. Negative is invalid.
	WriteTimeout time.Duration

	// IdleTimeout closes a connection that has neither received nor sent bytes for this long. Zero
	// means never. Negative is invalid.
	IdleTimeout time.Duration

	// MaxOutputBuffer bounds the flushed but unsent bytes of a connection: Flush blocks (or fails with
	// ErrTimeout after the write timeout) while more than this many bytes wait for a slow reader.
	// One message larger than the bound is accepted whole. Zero means 4 MiB. Negative is invalid.
	MaxOutputBuffer int
}

// Validate reports whether the options are usable. NewEventLoopWithOptions calls it.
func (o Options) Validate() error {
	switch {
	case o.MaxWorkers < 0:
		return fmt.Errorf("netpoll: Options.MaxWorkers is %d, want >= 0", o.MaxWorkers)
	case o.ReadTimeout < 0:
		return fmt.Errorf("netpoll: Options.ReadTimeout is %v, want >= 0", o.ReadTimeout)
	case o.WriteTimeout < 0:
		return fmt.Errorf("netpoll: Options.WriteTimeout is %v, want >= 0", o.WriteTimeout)
	case o.IdleTimeout < 0:
		return fmt.Errorf("netpoll: Options.IdleTimeout is %v, want >= 0", o.IdleTimeout)
	case o.MaxOutputBuffer < 0:
		return fmt.Errorf("netpoll: Options.MaxOutputBuffer is %d, want >= 0", o.MaxOutputBuffer)
	}
	return nil
}

// connConfig is what a connection needs from its creator's options.
type connConfig struct {
	readTimeout, writeTimeout, idleTimeout time.Duration
	maxOutput                              int
}

func (o Options) connConfig() connConfig {
	c := connConfig{o.ReadTimeout, o.WriteTimeout, o.IdleTimeout, o.MaxOutputBuffer}
	if c.maxOutput == 0 {
		c.maxOutput = defaultMaxOutput
	}
	return c
}

// OnRequest handles input on a connection. It is called on a worker when input is readable and no
// OnRequest runs for that connection, and called again as long as it consumed input and input remains
// (cloudwego/netpoll semantics). A call that consumes nothing (for example, only Peeks at a partial
// frame) waits for more bytes before the next call. Reads inside it block until their bytes arrive. A
// non-nil error closes the connection. Never two calls run at once on one connection.
type OnRequest func(ctx context.Context, conn Connection) error

// OnPrepare runs for each accepted connection before the reactor watches it; see Options.OnPrepare.
type OnPrepare func(conn Connection) context.Context

// OnConnect runs once per accepted connection before any OnRequest; see Options.OnConnect.
type OnConnect func(ctx context.Context, conn Connection) context.Context

// CloseCallback runs once when a connection closes, whoever closed it. Its error is ignored.
type CloseCallback func(conn Connection) error
