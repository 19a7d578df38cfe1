//go:build (darwin || dragonfly || freebsd || netbsd || openbsd) && !netpollstd

// This file imports no unsafe itself; it is the kqueue twin of poll_linux.go.
package netpoll

import (
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"
)

const maxEvents = 256

// poller is one kqueue and the goroutine that waits on it. Connections are registered once with
// EV_CLEAR (edge-triggered) for read and write, like on Linux. They are found through a slice indexed by
// descriptor: kevent's udata word has a different type on each BSD, so the pointer technique of the
// Linux poller is not used here and ExperimentalNoDataPointer has no effect.
type poller struct {
	kq        int
	wakeRead  int
	wakeWrite int
	spin      bool

	mu  sync.Mutex
	fds []*connection

	closing atomic.Bool
	done    chan struct{}
	events  []unix.Kevent_t
}

func newPoller(opts PollerOptions) (*poller, error) {
	kq, err := unix.Kqueue()
	if err != nil {
		return nil, err
	}
	unix.CloseOnExec(kq)
	var pfd [2]int
	if err := unix.Pipe(pfd[:]); err != nil {
		unix.Close(kq)
		return nil, err
	}
	for _, fd := range pfd {
		unix.CloseOnExec(fd)
		_ = unix.SetNonblock(fd, true)
	}
	p := &poller{kq: kq, wakeRead: pfd[0], wakeWrite: pfd[1], spin: !opts.ExperimentalNoSpin,
		done: make(chan struct{}), events: make([]unix.Kevent_t, maxEvents)}
	var ch [1]unix.Kevent_t
	unix.SetKevent(&ch[0], p.wakeRead, unix.EVFILT_READ, unix.EV_ADD|unix.EV_CLEAR)
	if _, err := unix.Kevent(kq, ch[:], nil, nil); err != nil {
		p.closeFDs()
		return nil, err
	}
	go p.run()
	return p, nil
}

func (p *poller) closeFDs() {
	unix.Close(p.wakeRead)
	unix.Close(p.wakeWrite)
	unix.Close(p.kq)
}

func (p *poller) add(c *connection) error {
	p.mu.Lock()
	if p.closing.Load() {
		p.mu.Unlock()
		return ErrPollerClosed
	}
	for len(p.fds) <= c.fd {
		p.fds = append(p.fds, nil)
	}
	p.fds[c.fd] = c
	p.mu.Unlock()
	var ch [2]unix.Kevent_t
	unix.SetKevent(&ch[0], c.fd, unix.EVFILT_READ, unix.EV_ADD|unix.EV_CLEAR)
	unix.SetKevent(&ch[1], c.fd, unix.EVFILT_WRITE, unix.EV_ADD|unix.EV_CLEAR)
	if _, err := unix.Kevent(p.kq, ch[:], nil, nil); err != nil {
		p.forget(c)
		return err
	}
	return nil
}

func (p *poller) remove(c *connection) {
	var ch [2]unix.Kevent_t
	unix.SetKevent(&ch[0], c.fd, unix.EVFILT_READ, unix.EV_DELETE)
	unix.SetKevent(&ch[1], c.fd, unix.EVFILT_WRITE, unix.EV_DELETE)
	_, _ = unix.Kevent(p.kq, ch[:], nil, nil)
	p.forget(c)
}

// detach forgets c without touching the kernel (its descriptor was closed, which unregistered it).
func (p *poller) detach(c *connection) { p.forget(c) }

func (p *poller) forget(c *connection) {
	p.mu.Lock()
	if c.fd < len(p.fds) && p.fds[c.fd] == c {
		p.fds[c.fd] = nil
	}
	p.mu.Unlock()
}

func (p *poller) run() {
	defer close(p.done)
	zero := unix.Timespec{}
	spinning := false
	for {
		var ts *unix.Timespec
		if spinning {
			ts = &zero
		}
		n, err := unix.Kevent(p.kq, nil, p.events, ts)
		if err != nil {
			if err == syscall.EINTR {
				continue
			}
			return
		}
		if n == 0 {
			if spinning {
				spinning = false
				runtime.Gosched()
			}
			continue
		}
		spinning = p.spin
		woke := false
		for i := range n {
			ev := &p.events[i]
			fd := int(ev.Ident)
			if fd == p.wakeRead {
				var buf [64]byte
				_, _ = unix.Read(p.wakeRead, buf[:])
				if p.closing.Load() {
					return
				}
				continue
			}
			p.mu.Lock()
			var c *connection
			if fd < len(p.fds) {
				c = p.fds[fd]
			}
			p.mu.Unlock()
			if c == nil {
				continue
			}
			switch {
			case ev.Filter == unix.EVFILT_READ:
				c.onReadable(ev.Flags&unix.EV_EOF != 0)
				woke = true
			case ev.Filter == unix.EVFILT_WRITE:
				c.onWritable()
			}
		}
		if woke && spinning {
			runtime.Gosched() // let the woken handlers run before the next poll; see doc.go ("Waiting")
		}
	}
}

func (p *poller) close() {
	if p.closing.Swap(true) {
		<-p.done
		return
	}
	_, _ = unix.Write(p.wakeWrite, []byte{1})
	<-p.done
	p.mu.Lock()
	var conns []*connection
	for _, c := range p.fds {
		if c != nil && c.listenSig == nil { // a listener's operator belongs to its Serve
			conns = append(conns, c)
		}
	}
	p.mu.Unlock()
	for _, c := range conns {
		c.closeWith(ErrPollerClosed, false)
	}
	p.closeFDs()
}
