//go:build linux && !netpollstd

// This file uses unsafe only through sys_linux.go's helpers (connData, dataConn): see the invariant
// stated there, which the table below maintains.
package netpoll

import (
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/kestrel-rpc/kestrel/internal/invariants"
)

const (
	// Every connection is registered once, edge-triggered, for input, output and peer half-close; see
	// doc.go ("Triggering") for why.
	connEvents = unix.EPOLLIN | unix.EPOLLOUT | unix.EPOLLRDHUP | unix.EPOLLET
	readEvents = unix.EPOLLIN | unix.EPOLLRDHUP | unix.EPOLLHUP | unix.EPOLLERR
	hupEvents  = unix.EPOLLRDHUP | unix.EPOLLHUP | unix.EPOLLERR
	sendEvents = unix.EPOLLOUT | unix.EPOLLHUP | unix.EPOLLERR
	maxEvents  = 256
	detachWake = 256 // removed connections that make remove wake an idle poller
)

// poller is one epoll instance and the goroutine that waits on it.
type poller struct {
	epfd   int
	wakefd int // an eventfd; its data word is 0, which no connection has
	spin   bool
	ptr    bool

	mu sync.Mutex
	// table holds every registered connection in pointer mode, so that each address the kernel holds is
	// reachable from Go memory; connection.slot is its index. Removal waits in detached until the loop
	// is between two epoll_wait calls, when no event can name the connection any more.
	table     []*connection
	detached  []*connection
	ndetached atomic.Int32
	// fds is the lookup of map mode (ExperimentalNoDataPointer).
	fds map[int]*connection
	// wakeClosed is set, under mu, when close released wakefd.
	wakeClosed bool

	// registered is bumped by add before EPOLL_CTL_ADD and loaded after each epoll_wait that returned
	// events. The kernel carries the connection's address from add to the loop, which the race
	// detector cannot see; this release/acquire pair is the happens-before edge that publishes the
	// connection's initialisation to the poller (it costs one atomic load per batch).
	registered atomic.Uint64

	closing atomic.Bool
	done    chan struct{}
	events  []unix.EpollEvent
}

func newPoller(opts PollerOptions) (*poller, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	wakefd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		unix.Close(epfd)
		return nil, err
	}
	p := &poller{
		epfd:   epfd,
		wakefd: wakefd,
		spin:   !opts.ExperimentalNoSpin,
		ptr:    !opts.ExperimentalNoDataPointer,
		done:   make(chan struct{}),
		events: make([]unix.EpollEvent, maxEvents),
	}
	if !p.ptr {
		p.fds = make(map[int]*connection)
	}
	wakeData := uint64(0)
	if !p.ptr {
		wakeData = uint64(wakefd)
	}
	if err := epollCtl(epfd, unix.EPOLL_CTL_ADD, wakefd, unix.EPOLLIN|unix.EPOLLET, wakeData); err != nil {
		unix.Close(wakefd)
		unix.Close(epfd)
		return nil, err
	}
	go p.run()
	return p, nil
}

// add registers c; events may arrive before add returns.
func (p *poller) add(c *connection) error {
	var data uint64
	p.mu.Lock()
	if p.closing.Load() {
		p.mu.Unlock()
		return ErrPollerClosed
	}
	if p.ptr {
		c.slot = len(p.table)
		p.table = append(p.table, c)
		data = connData(c)
	} else {
		p.fds[c.fd] = c
		data = uint64(c.fd)
	}
	p.mu.Unlock()
	p.registered.Add(1)
	if err := epollCtl(p.epfd, unix.EPOLL_CTL_ADD, c.fd, connEvents, data); err != nil {
		p.mu.Lock()
		if p.ptr {
			p.dropLocked(c) // the kernel never held its address
		} else {
			delete(p.fds, c.fd)
		}
		p.mu.Unlock()
		return err
	}
	return nil
}

// remove unregisters c; its descriptor must still be open.
func (p *poller) remove(c *connection) {
	if !p.closing.Load() { // once closing, the whole instance goes away
		_ = epollCtl(p.epfd, unix.EPOLL_CTL_DEL, c.fd, 0, 0)
	}
	p.detach(c)
}

// detach forgets c without touching the kernel (its descriptor was closed, which unregistered it).
func (p *poller) detach(c *connection) {
	p.mu.Lock()
	if p.ptr {
		p.detached = append(p.detached, c)
		// An idle poller would keep the closed connections until its next event: wake it now and then.
		// (Under p.mu, so that close cannot have closed wakefd.)
		if p.ndetached.Add(1)%detachWake == 0 && !p.wakeClosed {
			one := [8]byte{1}
			_, _ = unix.Write(p.wakefd, one[:])
		}
	} else if p.fds[c.fd] == c {
		delete(p.fds, c.fd)
	}
	p.mu.Unlock()
}

// dropLocked removes c from the table; p.mu must be held.
func (p *poller) dropLocked(c *connection) {
	i := c.slot
	if i < 0 || i >= len(p.table) || p.table[i] != c {
		return
	}
	last := len(p.table) - 1
	p.table[i] = p.table[last]
	p.table[i].slot = i
	p.table[last] = nil
	p.table = p.table[:last]
	c.slot = -1
}

// dropDetached forgets the connections removed since the last call. The loop calls it between
// processing one batch of events and the next epoll_wait: every removal it sees completed its
// EPOLL_CTL_DEL before, so no later epoll_wait can return the connection's address.
func (p *poller) dropDetached() {
	p.mu.Lock()
	for i, c := range p.detached {
		p.dropLocked(c)
		p.detached[i] = nil
	}
	p.detached = p.detached[:0]
	p.ndetached.Store(0)
	p.mu.Unlock()
}

// run is the poller loop. See doc.go ("Waiting") for the timeout policy.
func (p *poller) run() {
	defer close(p.done)
	msec := -1
	for {
		if p.ndetached.Load() != 0 {
			p.dropDetached()
		}
		n, errno := epollWait(p.epfd, p.events, msec)
		if errno != 0 {
			if errno == syscall.EINTR {
				continue
			}
			// EBADF or EINVAL: the instance is gone; nothing more can be served.
			return
		}
		if n == 0 {
			if msec == 0 {
				msec = -1
				runtime.Gosched()
			}
			continue
		}
		if p.spin {
			msec = 0
		}
		p.registered.Load()
		woke := false
		for i := range n {
			ev := &p.events[i]
			d := eventData(ev)
			var c *connection
			if p.ptr {
				if d == 0 {
					if p.wake() {
						return
					}
					continue
				}
				c = dataConn(d)
				if invariants.Enabled {
					p.checkRegistered(c)
				}
			} else {
				fd := int(int32(d))
				if fd == p.wakefd {
					if p.wake() {
						return
					}
					continue
				}
				p.mu.Lock()
				c = p.fds[fd]
				p.mu.Unlock()
				if c == nil {
					continue
				}
			}
			e := ev.Events
			if e&readEvents != 0 {
				c.onReadable(e&hupEvents != 0)
				woke = true
			}
			if e&sendEvents != 0 {
				c.onWritable()
			}
		}
		if woke && p.spin {
			// The raw epoll_wait(0) never gives up the P: without this yield the handlers just woken
			// would wait for the spin to find an empty poll or for preemption. See doc.go ("Waiting").
			runtime.Gosched()
		}
	}
}

// checkRegistered panics if c, named by an event's data word, is not in the table: the kernel would
// then hold an address the garbage collector does not see. Only built with -tags invariants.
func (p *poller) checkRegistered(c *connection) {
	p.mu.Lock()
	ok := c.slot >= 0 && c.slot < len(p.table) && p.table[c.slot] == c
	p.mu.Unlock()
	if !ok {
		panic("netpoll: epoll event for a connection missing from its poller's table")
	}
}

// wake drains the wake-up eventfd and reports whether the poller must exit.
func (p *poller) wake() bool {
	var buf [8]byte
	_, _ = unix.Read(p.wakefd, buf[:])
	return p.closing.Load()
}

// close stops the loop, closes every connection still registered and releases the epoll instance.
func (p *poller) close() {
	p.mu.Lock()
	if p.closing.Swap(true) {
		p.mu.Unlock()
		<-p.done
		return
	}
	p.mu.Unlock()
	one := [8]byte{1}
	_, _ = unix.Write(p.wakefd, one[:])
	<-p.done
	p.dropDetached()
	p.mu.Lock()
	var conns []*connection
	conns = append(conns, p.table...)
	for _, c := range p.fds {
		conns = append(conns, c)
	}
	p.mu.Unlock()
	for _, c := range conns {
		if c.listenSig == nil { // a listener's operator belongs to its Serve
			c.closeWith(ErrPollerClosed, false)
		}
	}
	p.dropDetached()
	p.mu.Lock()
	clear(p.table)
	p.table = nil
	p.wakeClosed = true
	unix.Close(p.wakefd)
	p.mu.Unlock()
	unix.Close(p.epfd)
}
