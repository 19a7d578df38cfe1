package client

import (
	"context"
	"sync"
	"time"

	"github.com/kestrel-rpc/kestrel/codec"
	"github.com/kestrel-rpc/kestrel/metainfo"
	"github.com/kestrel-rpc/kestrel/netpoll"
)

// conn is one client connection with the envelopes of its calls, reused call after call.
type conn struct {
	nc       netpoll.Connection
	addr     string
	in, out  codec.Message
	pairs    []metainfo.Pair
	lastUsed time.Time
	reused   bool // it came from the pool rather than a fresh dial

	wake    func()   // sets a deadline in the past: the context hook of a call, made once per connection
	timeout [20]byte // the decimal RPC timeout of the call in progress (its TTHeader value aliases it)
}

// newConn wraps a dialed connection.
func newConn(nc netpoll.Connection, addr string) *conn {
	c := &conn{nc: nc, addr: addr}
	c.wake = func() { nc.SetDeadline(aLongTimeAgo) }
	return c
}

// pool keeps idle connections per address: a stack each (the most recently used is reused first, so
// the least used grow old and expire).
type pool struct {
	dialer      netpoll.Dialer
	short       bool
	maxIdle     int
	idleTimeout time.Duration

	mu     sync.Mutex
	idle   map[string][]*conn
	closed bool
}

func newPool(o *options) *pool {
	return &pool{
		dialer:      netpoll.Dialer{PollerGroup: o.pollers},
		short:       o.short,
		maxIdle:     o.maxIdle,
		idleTimeout: o.idleTimeout,
		idle:        make(map[string][]*conn),
	}
}

// get returns an idle connection to addr that is still open, or dials one within timeout; with fresh
// it always dials.
func (p *pool) get(ctx context.Context, addr string, timeout time.Duration, fresh bool) (*conn, error) {
	if !p.short && !fresh {
		now := time.Now()
		p.mu.Lock()
		stack := p.idle[addr]
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			stack[len(stack)-1] = nil
			stack = stack[:len(stack)-1]
			if c.nc.IsActive() && now.Sub(c.lastUsed) < p.idleTimeout {
				p.idle[addr] = stack
				p.mu.Unlock()
				c.reused = true
				return c, nil
			}
			c.nc.Close()
		}
		p.idle[addr] = stack
		p.mu.Unlock()
	}
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	nc, err := p.dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	return newConn(nc, addr), nil
}

// put returns c for reuse, or closes it: on a short-connection pool, when it is closed or the pool is
// full. It also closes the connections of addr that have been idle too long.
func (p *pool) put(c *conn) {
	if p.short || !c.nc.IsActive() {
		c.nc.Close()
		return
	}
	c.lastUsed = time.Now()
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		c.nc.Close()
		return
	}
	stack := p.idle[c.addr]
	// The bottom of the stack is the oldest: drop the expired ones from there.
	expired := 0
	for expired < len(stack) && c.lastUsed.Sub(stack[expired].lastUsed) >= p.idleTimeout {
		expired++
	}
	var drop []*conn
	if expired > 0 {
		drop = append(drop, stack[:expired]...)
		stack = append(stack[:0], stack[expired:]...)
	}
	if len(stack) >= p.maxIdle {
		drop = append(drop, c)
	} else {
		stack = append(stack, c)
	}
	p.idle[c.addr] = stack
	p.mu.Unlock()
	for _, d := range drop {
		d.nc.Close()
	}
}

// discard closes a connection that must not be reused (a failed or timed-out call).
func (p *pool) discard(c *conn) { c.nc.Close() }

// close closes every idle connection; connections in use are closed when returned.
func (p *pool) close() {
	p.mu.Lock()
	p.closed = true
	idle := p.idle
	p.idle = make(map[string][]*conn)
	p.mu.Unlock()
	for _, stack := range idle {
		for _, c := range stack {
			c.nc.Close()
		}
	}
}
