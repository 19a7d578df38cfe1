//go:build (linux || darwin || dragonfly || freebsd || netbsd || openbsd) && !netpollstd

package netpoll

import (
	"errors"
	"net"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

type sockaddr = unix.Sockaddr

// serve accepts on ln's own descriptor: it watches the descriptor with one of its pollers (edge-
// triggered) and calls accept(2) through RawConn.Control, which keeps the descriptor valid during the
// call. Listeners without a descriptor fall back on ln.Accept.
func (l *EventLoop) serve(ln net.Listener) error {
	sc, ok := ln.(syscall.Conn)
	if !ok {
		return l.serveAccept(ln)
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return l.serveAccept(ln)
	}
	op := &connection{}
	op.listenSig = make(chan struct{}, 1)
	op.slot = -1
	op.fdGate.strict = true
	var regErr error
	if err := rc.Control(func(fd uintptr) {
		op.fd = int(fd)
		regErr = op.register(l.group)
	}); err != nil {
		return err
	}
	if regErr != nil {
		return regErr
	}
	defer func() {
		// Unregister while the descriptor is still ln's; once ln is closed the kernel did it already.
		if rc.Control(func(uintptr) { op.poller.remove(op) }) != nil {
			op.poller.detach(op)
		}
	}()

	network := ln.Addr().Network()
	// A listener closed directly (not through Shutdown) raises no event: a slow tick notices it.
	tick := time.NewTimer(time.Second)
	defer tick.Stop()
	for {
		var (
			nfd  int
			sa   unix.Sockaddr
			aerr error
		)
		if err := rc.Control(func(fd uintptr) { nfd, sa, aerr = l.accept(int(fd)) }); err != nil {
			return err // ln was closed
		}
		switch {
		case aerr == nil:
			l.adopt(nfd, network, sa)
			if l.isShutdown() {
				return ErrEventLoopClosed
			}
		case errors.Is(aerr, unix.EAGAIN):
			tick.Reset(time.Second)
			select {
			case <-op.listenSig:
			case <-tick.C:
			case <-l.done:
				return ErrEventLoopClosed
			}
		case errors.Is(aerr, unix.EINTR), errors.Is(aerr, unix.ECONNABORTED):
		case isTemporaryAcceptError(aerr):
			if !l.backoff(defaultAcceptBackoff) {
				return ErrEventLoopClosed
			}
		default:
			return aerr
		}
	}
}

func isTemporaryAcceptError(err error) bool {
	return errors.Is(err, unix.EMFILE) || errors.Is(err, unix.ENFILE) || errors.Is(err, unix.ENOBUFS) ||
		errors.Is(err, unix.ENOMEM)
}

// adopt serves an accepted non-blocking descriptor.
func (l *EventLoop) adopt(fd int, network string, sa unix.Sockaddr) {
	switch sa.(type) {
	case *unix.SockaddrInet4, *unix.SockaddrInet6:
		_ = unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
	}
	var local net.Addr
	if lsa, err := unix.Getsockname(fd); err == nil {
		local = sockaddrToAddr(network, lsa)
	}
	c := newFDConnection(fd, l.pool, l.cfg, local, sockaddrToAddr(network, sa))
	l.serveConn(c)
}

// serveAccept serves a listener without a descriptor of its own whose connections have one.
func (l *EventLoop) serveAccept(ln net.Listener) error {
	for {
		nc, err := ln.Accept()
		if err != nil {
			if isTemporaryAcceptError(err) {
				if !l.backoff(defaultAcceptBackoff) {
					return ErrEventLoopClosed
				}
				continue
			}
			return err
		}
		local, remote := nc.LocalAddr(), nc.RemoteAddr()
		fd, err := adoptConn(nc)
		if err != nil {
			_ = nc.Close()
			return err
		}
		l.serveConn(newFDConnection(fd, l.pool, l.cfg, local, remote))
	}
}

// adoptClient turns a dialed net.Conn into a Connection served by g.
func adoptClient(nc net.Conn, g *PollerGroup, cfg connConfig) (*connection, error) {
	local, remote := nc.LocalAddr(), nc.RemoteAddr()
	fd, err := adoptConn(nc)
	if err != nil {
		_ = nc.Close()
		return nil, err
	}
	c := newFDConnection(fd, g.pool, cfg, local, remote)
	if err := c.register(g); err != nil {
		c.closeWith(err, false)
		c.retire()
		return nil, err
	}
	return c, nil
}
