//go:build netpollstd || !(linux || darwin || dragonfly || freebsd || netbsd || openbsd)

package netpoll

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// This is the portable fallback for systems without epoll or kqueue: the same API over the standard net
// package. The netpollstd build tag selects it on every system, so that its tests run on Linux too. Each connection has one goroutine that reads into its input buffer (so an idle connection
// costs a goroutine here), and Flush writes from the caller's goroutine with blocking writes.

type sockaddr = any

// sysConn is the net.Conn behind a connection of the fallback build.
type sysConn struct {
	nc    net.Conn
	group *PollerGroup
}

// PollerGroup is a set of pollers that serve connections. In this fallback build it holds only the
// worker pool of client handlers; connections are read by a goroutine each. It is safe for concurrent
// use.
type PollerGroup struct {
	pool      *workerPool
	isDefault bool
	closed    atomic.Bool

	mu    sync.Mutex
	conns map[*connection]struct{}
}

func newPollerGroup(opts PollerOptions) (*PollerGroup, error) {
	opts = opts.withDefaults()
	return &PollerGroup{pool: newWorkerPool(opts.MaxWorkers, defaultWorkerIdle),
		conns: make(map[*connection]struct{})}, nil
}

// Close stops the group's workers. It fails for Default().
func (g *PollerGroup) Close() error {
	if g.isDefault {
		return errCloseDefault
	}
	g.mu.Lock()
	if g.closed.Swap(true) {
		g.mu.Unlock()
		return nil
	}
	conns := make([]*connection, 0, len(g.conns))
	for c := range g.conns {
		conns = append(conns, c)
	}
	g.mu.Unlock()
	for _, c := range conns {
		c.closeWith(ErrPollerClosed, false)
	}
	g.pool.stop()
	g.pool.wait()
	return nil
}

// Len returns the number of pollers: zero in the fallback build.
func (g *PollerGroup) Len() int { return 0 }

func newStdConnection(nc net.Conn, pool *workerPool, cfg connConfig) *connection {
	c := newConnection(pool, cfg)
	c.nc = nc
	c.local, c.remote = nc.LocalAddr(), nc.RemoteAddr()
	return c
}

// register starts the connection's reading goroutine.
func (c *connection) register(g *PollerGroup) error {
	g.mu.Lock()
	if g.closed.Load() {
		g.mu.Unlock()
		return ErrPollerClosed
	}
	g.conns[c] = struct{}{}
	c.group = g
	g.mu.Unlock()
	go c.readLoop()
	return nil
}

// shrinkInput does nothing in the fallback build: the reading goroutine keeps a block booked while it
// blocks in Read.
func (c *connection) shrinkInput() {}

func (c *connection) readLoop() {
	book := 4 << 10
	for {
		if !c.inGate.acquire() {
			return
		}
		buf := c.in.Book(book)
		n, err := c.nc.Read(buf)
		if n > 0 {
			c.in.BookAck(n)
			c.inTotal.Add(int64(n))
		}
		c.releaseIn()
		if n > 0 {
			c.touch()
			c.inputArrived()
		}
		if err != nil {
			if c.closed.Load() {
				return
			}
			if errors.Is(err, io.EOF) {
				err = nil
			}
			c.inputEnded(err, false)
			return
		}
	}
}

// sysFlush writes the flushed output with blocking writes; the caller holds outGate and is the only
// writer.
func (c *connection) sysFlush() error {
	var vecs [16][]byte
	for {
		vs := c.out.Vectors(vecs[:0], len(vecs))
		if len(vs) == 0 {
			return nil
		}
		d, limited := timeLeft(c.writeTimeout.Load(), c.writeDeadline.Load())
		if limited {
			_ = c.nc.SetWriteDeadline(time.Now().Add(d))
		} else {
			_ = c.nc.SetWriteDeadline(time.Time{})
		}
		for _, v := range vs {
			n, err := c.nc.Write(v)
			if n > 0 {
				_ = c.out.Skip(n)
				c.outSent.Add(int64(n))
			}
			if err != nil {
				clear(vecs[:])
				if errors.Is(err, os.ErrDeadlineExceeded) {
					return ErrTimeout
				}
				c.closeWith(err, false)
				return err
			}
		}
		clear(vecs[:])
		_ = c.out.Release()
	}
}

func (c *connection) sysClose() {
	if g := c.group; g != nil {
		g.mu.Lock()
		delete(g.conns, c)
		g.mu.Unlock()
	}
	_ = c.nc.Close()
}

func (l *EventLoop) serve(ln net.Listener) error {
	for {
		nc, err := ln.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			if l.isShutdown() {
				return ErrEventLoopClosed
			}
			if isTemporaryAcceptError(err) {
				if !l.backoff(defaultAcceptBackoff) {
					return ErrEventLoopClosed
				}
				continue
			}
			return err
		}
		l.serveConn(newStdConnection(nc, l.pool, l.cfg))
	}
}

func isTemporaryAcceptError(err error) bool {
	var ne interface{ Temporary() bool }
	return errors.As(err, &ne) && ne.Temporary()
}

func sysAccept(int) (int, sockaddr, error) { return -1, nil, ErrUnsupportedConn }

func adoptClient(nc net.Conn, g *PollerGroup, cfg connConfig) (*connection, error) {
	c := newStdConnection(nc, g.pool, cfg)
	if err := c.register(g); err != nil {
		_ = nc.Close()
		return nil, err
	}
	return c, nil
}
