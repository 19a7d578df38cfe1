package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"golang.org/x/sys/unix"
)

// run uses the epoll engine on Linux.
func run(ctx context.Context, cfg *Config, req []byte) (Result, error) {
	return runEpoll(ctx, cfg, req)
}

// Connection states of the epoll engine.
const (
	stConnecting uint8 = iota
	stWriting          // a request is (partly) written
	stReading          // the request is out, the reply is awaited
	stDead
)

// pollConn is one connection of the epoll engine. Its index in engine.conns is the epoll data word.
type pollConn struct {
	fd      int
	state   uint8
	blocked bool // the current write had to wait for EPOLLOUT
	seq     int32
	wpos    int
	rlen    int
	want    int // length of the reply being read; 0 until the codec can tell
	req     []byte
	rbuf    []byte
	sent    time.Time
}

// engine is the single-threaded epoll client. Every method runs on Run's goroutine.
type engine struct {
	cfg     *Config
	epfd    int
	conns   []pollConn
	events  []unix.EpollEvent
	seqr    Sequencer
	check   func(req, reply []byte) error // replyCheck's; nil for none
	hist    *Histogram
	win     *window
	live    int // connections not dead
	errs    int64
	lastErr error
	done    bool // the window ended (Requests reached)
}

func runEpoll(ctx context.Context, cfg *Config, req []byte) (Result, error) {
	addr, err := net.ResolveTCPAddr("tcp", cfg.Addr)
	if err != nil {
		return Result{}, fmt.Errorf("loadgen: resolve %s: %w", cfg.Addr, err)
	}
	sa, domain, err := sockaddr(addr)
	if err != nil {
		return Result{}, err
	}
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return Result{}, fmt.Errorf("loadgen: epoll_create1: %w", err)
	}
	e := &engine{
		cfg:    cfg,
		epfd:   epfd,
		conns:  make([]pollConn, cfg.Conns),
		events: make([]unix.EpollEvent, min(cfg.Conns, 1024)),
		hist:   new(Histogram),
	}
	e.win = newWindow(cfg, e.hist)
	e.seqr, _ = cfg.Codec.(Sequencer)
	e.check = replyCheck(cfg)
	defer e.close()

	rcap := max(2*len(req), 4096)
	for i := range e.conns {
		c := &e.conns[i]
		c.fd = -1
		c.req = req
		if e.seqr != nil {
			c.req = append([]byte(nil), req...) // rewritten in place per request
		}
		c.rbuf = make([]byte, rcap)
	}
	if err := e.dial(ctx, sa, domain); err != nil {
		return Result{}, err
	}
	established := e.live
	now := time.Now()
	e.win.begin(now)
	for i := range e.conns {
		if c := &e.conns[i]; c.state != stDead {
			e.send(c, now)
		}
	}
	err = e.loop(ctx)
	return e.win.result(time.Now(), e.errs, established), err
}

func sockaddr(addr *net.TCPAddr) (unix.Sockaddr, int, error) {
	if ip4 := addr.IP.To4(); ip4 != nil {
		sa := &unix.SockaddrInet4{Port: addr.Port}
		copy(sa.Addr[:], ip4)
		return sa, unix.AF_INET, nil
	}
	if ip6 := addr.IP.To16(); ip6 != nil {
		sa := &unix.SockaddrInet6{Port: addr.Port}
		copy(sa.Addr[:], ip6)
		return sa, unix.AF_INET6, nil
	}
	return nil, 0, fmt.Errorf("loadgen: address %v has no IP", addr)
}

// dial opens every connection at once (non-blocking connect) and waits until each is connected or
// failed, or DialTimeout passes.
func (e *engine) dial(ctx context.Context, sa unix.Sockaddr, domain int) error {
	pending := 0
	for i := range e.conns {
		c := &e.conns[i]
		fd, err := unix.Socket(domain, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("loadgen: socket: %w (raise RLIMIT_NOFILE for many connections)", err)
		}
		c.fd = fd
		_ = unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
		ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLOUT | unix.EPOLLRDHUP | unix.EPOLLET, Fd: int32(i)}
		if err := unix.EpollCtl(e.epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
			return fmt.Errorf("loadgen: epoll_ctl: %w", err)
		}
		e.live++
		switch err := unix.Connect(fd, sa); {
		case err == nil:
			c.state = stReading // connected; send() sets the real state
		case errors.Is(err, unix.EINPROGRESS) || errors.Is(err, unix.EINTR):
			c.state = stConnecting
			pending++
		default:
			e.fail(c, fmt.Errorf("connect %s: %w", e.cfg.Addr, err))
		}
	}
	deadline := time.Now().Add(e.cfg.DialTimeout)
	for pending > 0 {
		now := time.Now()
		if !now.Before(deadline) {
			break
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := unix.EpollWait(e.epfd, e.events, msec(min(deadline.Sub(now), pollTick)))
		if err != nil && !errors.Is(err, unix.EINTR) {
			return fmt.Errorf("loadgen: epoll_wait: %w", err)
		}
		for _, ev := range e.events[:max(n, 0)] {
			c := &e.conns[ev.Fd]
			if c.state != stConnecting {
				continue
			}
			pending--
			soerr, err := unix.GetsockoptInt(c.fd, unix.SOL_SOCKET, unix.SO_ERROR)
			switch {
			case err != nil:
				e.fail(c, fmt.Errorf("connect %s: %w", e.cfg.Addr, err))
			case soerr != 0:
				e.fail(c, fmt.Errorf("connect %s: %w", e.cfg.Addr, unix.Errno(soerr)))
			default:
				c.state = stReading
			}
		}
	}
	for i := range e.conns {
		if c := &e.conns[i]; c.state == stConnecting {
			e.fail(c, fmt.Errorf("connect %s: timed out after %v", e.cfg.Addr, e.cfg.DialTimeout))
		}
	}
	if e.live == 0 {
		return fmt.Errorf("%w: %w", ErrAllFailed, e.lastErr)
	}
	return nil
}

// msec converts a wait to epoll_wait's milliseconds, rounding up so a wait never ends early.
func msec(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	return int((d + time.Millisecond - 1) / time.Millisecond)
}

// loop serves events until the window ends, ctx is done or every connection has failed.
func (e *engine) loop(ctx context.Context) error {
	done := ctx.Done()
	for {
		select {
		case <-done:
			return ctx.Err()
		default:
		}
		if e.live == 0 {
			return fmt.Errorf("%w: %w", ErrAllFailed, e.lastErr)
		}
		now := time.Now()
		if e.win.tick(now) {
			return nil
		}
		n, err := unix.EpollWait(e.epfd, e.events, msec(e.win.wait(now, pollTick)))
		if err != nil && !errors.Is(err, unix.EINTR) {
			return fmt.Errorf("loadgen: epoll_wait: %w", err)
		}
		if n > 0 && e.win.tick(time.Now()) {
			return nil // replies that arrived after the end are not recorded
		}
		for _, ev := range e.events[:max(n, 0)] {
			e.handle(&e.conns[ev.Fd], ev.Events)
			if e.done {
				return nil
			}
		}
	}
}

func (e *engine) handle(c *pollConn, events uint32) {
	switch c.state {
	case stWriting:
		if events&(unix.EPOLLOUT|unix.EPOLLERR|unix.EPOLLHUP) != 0 {
			e.flush(c)
		}
	case stReading:
		if events&(unix.EPOLLIN|unix.EPOLLRDHUP|unix.EPOLLERR|unix.EPOLLHUP) != 0 {
			e.read(c)
		}
	}
}

// send starts the next request on c at now.
func (e *engine) send(c *pollConn, now time.Time) {
	if e.seqr != nil && c.seq > 0 {
		e.seqr.SetSequence(c.req, c.seq) // request k carries k; the first keeps the codec's bytes
	}
	c.seq++
	c.state, c.wpos, c.blocked, c.sent = stWriting, 0, false, now
	e.flush(c)
}

// flush writes what is left of c's request; once it is out, c waits for the reply.
func (e *engine) flush(c *pollConn) {
	for c.wpos < len(c.req) {
		n, err := unix.Write(c.fd, c.req[c.wpos:])
		switch {
		case err == unix.EAGAIN:
			c.blocked = true
			return // EPOLLOUT resumes
		case err == unix.EINTR:
			continue
		case err != nil:
			e.fail(c, fmt.Errorf("write: %w", err))
			return
		}
		c.wpos += n
	}
	c.state = stReading
	if c.blocked {
		// An EPOLLIN edge may have come while the write waited; do not wait for another one.
		e.read(c)
	}
}

// read consumes what has arrived of c's reply; a complete reply is recorded and the next request sent.
func (e *engine) read(c *pollConn) {
	for {
		if c.rlen == len(c.rbuf) && !e.grow(c) {
			return
		}
		n, err := unix.Read(c.fd, c.rbuf[c.rlen:])
		switch {
		case err == unix.EAGAIN:
			return // the next EPOLLIN edge resumes
		case err == unix.EINTR:
			continue
		case err != nil:
			e.fail(c, fmt.Errorf("read: %w", err))
			return
		case n == 0:
			e.fail(c, fmt.Errorf("read: server closed the connection: %w", io.ErrUnexpectedEOF))
			return
		}
		c.rlen += n
		if c.want == 0 {
			want, err := e.cfg.Codec.ReplyLen(c.rbuf[:c.rlen])
			if err != nil {
				e.fail(c, err)
				return
			}
			if want < 0 || want > MaxMessage {
				e.fail(c, fmt.Errorf("%w: reply length %d out of range", ErrBadReply, want))
				return
			}
			c.want = want
		}
		if c.want == 0 || c.rlen < c.want {
			continue
		}
		if c.rlen > c.want {
			e.fail(c, fmt.Errorf("%w: %d bytes after a %d-byte reply", ErrBadReply, c.rlen-c.want, c.want))
			return
		}
		if e.check != nil {
			if err := e.check(c.req, c.rbuf[:c.want]); err != nil {
				e.fail(c, err)
				return
			}
		}
		now := time.Now()
		if e.win.started {
			e.hist.Record(now.Sub(c.sent))
			if e.cfg.Requests > 0 && e.hist.Count() >= e.cfg.Requests {
				e.done = true
				return
			}
		}
		c.rlen, c.want = 0, 0
		e.send(c, now)
		return
	}
}

// grow makes room in c's read buffer for a reply longer than its capacity (a codec's replies can be
// larger than its requests). It happens once per connection at most per size doubling.
func (e *engine) grow(c *pollConn) bool {
	size := 2 * len(c.rbuf)
	if c.want > len(c.rbuf) {
		size = c.want
	}
	if size > MaxMessage || c.want != 0 && c.want <= len(c.rbuf) {
		e.fail(c, fmt.Errorf("%w: reply longer than %d bytes", ErrBadReply, MaxMessage))
		return false
	}
	b := make([]byte, size)
	copy(b, c.rbuf[:c.rlen])
	c.rbuf = b
	return true
}

// fail closes c and counts the error.
func (e *engine) fail(c *pollConn, err error) {
	if c.state == stDead {
		return
	}
	if c.fd >= 0 {
		_ = unix.Close(c.fd)
		c.fd = -1
	}
	c.state = stDead
	e.live--
	e.errs++
	e.lastErr = err
}

func (e *engine) close() {
	for i := range e.conns {
		if c := &e.conns[i]; c.fd >= 0 {
			_ = unix.Close(c.fd)
			c.fd = -1
		}
	}
	_ = unix.Close(e.epfd)
}
