//go:build (linux || darwin || dragonfly || freebsd || netbsd || openbsd) && !netpollstd

package netpoll

import (
	"fmt"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"
)

// Input states of a connection (sysConn.inFill): who may touch the producer side of the input buffer.
const (
	fillIdle      = 0 // nobody; the poller or the handler's worker may take it
	fillReading   = 1 // the poller is reading into it
	fillShrinking = 2 // the worker is giving its empty blocks back (shrinkInput)
)

// Output states of a connection (sysConn.outState): who may send the output buffer.
const (
	outIdle    = 0 // nobody sends; a Flush takes the role
	outWriting = 1 // a Flush or the poller is sending
	outWaiting = 2 // the socket buffer was full: the poller sends on the next EPOLLOUT edge
)

const (
	maxIovecs   = 32      // slices per writev
	minReadBook = 4 << 10 // smallest read(2) target
	maxReadBook = 64 << 10
)

// sysConn is the descriptor-level state of a connection served by a poller.
type sysConn struct {
	fd     int
	fdGate gate // strict: no system call on fd after close begins; the last user closes it
	poller *poller
	slot   int // index in poller.table (pointer mode), guarded by poller.mu

	inFill   atomic.Int32
	outState atomic.Int32
	outReady atomic.Int32 // set by the poller on an output edge; see sendLoop
	readBook int          // poller-owned: how much input space to book before read(2)
	// listenSig is non-nil for the operator of a listening socket: readiness only signals it.
	listenSig chan struct{}
}

// sendScratch is the slice and iovec arrays of one writev. The sending role borrows one from
// scratchPool for each sendLoop instead of every connection owning 1.3 KB of them, so that an idle
// connection holds none.
type sendScratch struct {
	vecs [maxIovecs][]byte
	iov  [maxIovecs]unix.Iovec
}

var scratchPool = sync.Pool{New: func() any { return new(sendScratch) }}

// newFDConnection wraps the connected, non-blocking descriptor fd. The caller registers it.
func newFDConnection(fd int, pool *workerPool, cfg connConfig, local, remote net.Addr) *connection {
	c := newConnection(pool, cfg)
	c.fd = fd
	c.fdGate.strict = true
	c.slot = -1
	c.readBook = minReadBook
	c.local, c.remote = local, remote
	return c
}

// register hands c to one of g's pollers.
func (c *connection) register(g *PollerGroup) error {
	p := g.pick()
	c.poller = p
	return p.add(c)
}

// onReadable runs on the poller: it reads until the socket is drained into the input buffer.
//
// hup says the event also reported the peer's end of input (EPOLLRDHUP or EPOLLHUP, kqueue's EV_EOF):
// the FIN may then sit right behind the data, with no later edge to report it, so the read goes on to
// EOF instead of stopping at the first short read.
func (c *connection) onReadable(hup bool) {
	if c.listenSig != nil {
		signal(c.listenSig)
		return
	}
	if c.closed.Load() || c.inEOF.Load() {
		return
	}
	if !c.fdGate.acquire() {
		return
	}
	if !c.inGate.acquire() {
		c.releaseFD()
		return
	}
	var (
		got  int
		eof  bool
		rerr error
	)
	for !c.inFill.CompareAndSwap(fillIdle, fillReading) {
		runtime.Gosched() // a worker is freeing the empty blocks: a few hundred nanoseconds
	}
	for {
		buf := c.in.Book(c.readBook)
		n, errno := sysRead(c.fd, buf)
		if n > 0 {
			c.in.BookAck(n)
			c.inTotal.Add(int64(n))
			got += n
			if n < len(buf) && !hup {
				// A short read of a stream socket emptied its receive queue; anything arriving later
				// raises a new edge, so there is no need to read on until EAGAIN.
				c.readBook = drainedReadBook(c.readBook, got)
				break
			}
			c.readBook = filledReadBook(c.readBook)
			continue
		}
		switch errno {
		case 0:
			eof = true
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
		default:
			rerr = errno
		}
		break
	}
	c.inFill.Store(fillIdle)
	c.releaseIn()
	c.releaseFD()
	if got > 0 {
		c.touch()
		c.inputArrived()
	}
	if eof {
		c.inputEnded(nil, true)
	} else if rerr != nil {
		c.inputEnded(rerr, true)
	}
}

// filledReadBook is the read size after a read(2) that filled its buffer: twice as much, up to
// maxReadBook.
func filledReadBook(book int) int {
	if book < maxReadBook {
		return book * 2
	}
	return book
}

// drainedReadBook is the read size after the socket was drained with got bytes in all. It adapts to
// what one edge brings, not to the last read: a 16 KiB frame read as 16 KiB then 4 bytes raises the size
// so that the next frame takes one read(2), where a rule on the last read alone would lower it again
// and pay two reads per frame for ever. The size halves once an edge brings under a quarter of it.
func drainedReadBook(book, got int) int {
	if got < book/4 && book > minReadBook {
		return book / 2
	}
	return book
}

// shrinkInput runs on the handler's worker when the handler consumed and released every input byte: it
// gives the input blocks back to the pools, so that an idle connection holds no input memory. The
// poller, the producer, may be reading at that moment; the inFill state excludes the two, and a worker
// that finds the poller reading leaves the blocks (they are being filled anyway).
func (c *connection) shrinkInput() {
	if c.inHeld || c.inAvail() != 0 || !c.inFill.CompareAndSwap(fillIdle, fillShrinking) {
		return
	}
	if c.inGate.acquire() {
		c.in.Shrink() // does nothing if a byte arrived after the check above
		c.releaseIn()
	}
	c.inFill.Store(fillIdle)
}

// onWritable runs on the poller at an output edge: if a Flush left bytes behind, it sends them.
func (c *connection) onWritable() {
	c.outReady.Store(1)
	if !c.outState.CompareAndSwap(outWaiting, outWriting) {
		return
	}
	if !c.outGate.acquire() {
		c.outState.Store(outIdle)
		return
	}
	err := c.sendLoop()
	c.releaseOut()
	if err != nil {
		c.closeWith(err, true)
	}
}

// sysFlush sends the flushed output from the caller's goroutine unless someone else holds the sending
// role; the caller holds outGate.
func (c *connection) sysFlush() error {
	if !c.outState.CompareAndSwap(outIdle, outWriting) {
		return nil // the poller (or an earlier Flush) is sending and sees the new bytes
	}
	if err := c.sendLoop(); err != nil {
		c.closeWith(err, false)
		return err
	}
	// Everything went out. This goroutine is the only producer, and while the role is idle no one else
	// consumes, so it may give the output blocks back: an idle connection then holds no output memory.
	if c.outState.CompareAndSwap(outIdle, outWriting) {
		c.out.Shrink()
		c.outState.Store(outIdle)
	}
	return nil
}

// sendLoop writes the output buffer with writev until it is empty (role back to idle) or the socket is
// full (role to the poller). The caller holds the sending role and outGate.
//
// The hand-over to the poller cannot lose an edge: the poller sets outReady before it tries to take a
// waiting role, and this loop clears outReady before each writev and checks it after publishing the
// waiting state, so an edge between the failed writev and the publication is seen by one of the two.
func (c *connection) sendLoop() error {
	if !c.fdGate.acquire() {
		c.outState.Store(outIdle)
		return ErrConnClosed
	}
	defer c.releaseFD()
	sc := scratchPool.Get().(*sendScratch)
	defer scratchPool.Put(sc)
	for {
		c.outReady.Store(0)
		vecs := c.out.Vectors(sc.vecs[:0], maxIovecs)
		if len(vecs) == 0 {
			c.outState.Store(outIdle)
			if c.outPending() == 0 || !c.outState.CompareAndSwap(outIdle, outWriting) {
				return nil
			}
			continue
		}
		n, errno := sysWritev(c.fd, vecs, sc.iov[:])
		clear(vecs)
		if n > 0 {
			if err := c.out.Skip(n); err != nil {
				c.outState.Store(outIdle)
				return err
			}
			_ = c.out.Release()
			c.outSent.Add(int64(n))
			c.outputSent()
		}
		switch errno {
		case 0, syscall.EINTR:
		case syscall.EAGAIN:
			c.outState.Store(outWaiting)
			if c.outReady.Load() == 0 || !c.outState.CompareAndSwap(outWaiting, outWriting) {
				return nil
			}
		default:
			c.outState.Store(outIdle)
			return fmt.Errorf("netpoll: write: %w", errno)
		}
	}
}

// sysClose stops watching the descriptor and closes it once no system call uses it.
func (c *connection) sysClose() {
	if c.poller != nil {
		c.poller.remove(c)
	}
	if c.fdGate.shut() {
		_ = unix.Close(c.fd)
	}
}

func (c *connection) releaseFD() {
	if c.fdGate.release() {
		_ = unix.Close(c.fd)
	}
}

// PollerGroup is a set of pollers that serve connections; each connection is watched by one of them,
// chosen round-robin. See Default and NewPollerGroup. It is safe for concurrent use.
type PollerGroup struct {
	pollers   []*poller
	next      atomic.Uint32
	pool      *workerPool
	isDefault bool
	closed    atomic.Bool
}

func newPollerGroup(opts PollerOptions) (*PollerGroup, error) {
	opts = opts.withDefaults()
	g := &PollerGroup{pool: newWorkerPool(opts.MaxWorkers, defaultWorkerIdle)}
	for range opts.Pollers {
		p, err := newPoller(opts)
		if err != nil {
			for _, q := range g.pollers {
				q.close()
			}
			return nil, fmt.Errorf("netpoll: start poller: %w", err)
		}
		g.pollers = append(g.pollers, p)
	}
	return g, nil
}

// Close stops the pollers and closes every connection they still serve. It fails for Default().
func (g *PollerGroup) Close() error {
	if g.isDefault {
		return errCloseDefault
	}
	if g.closed.Swap(true) {
		return nil
	}
	for _, p := range g.pollers {
		p.close()
	}
	g.pool.stop()
	g.pool.wait()
	return nil
}

// Len returns the number of pollers.
func (g *PollerGroup) Len() int { return len(g.pollers) }

func (g *PollerGroup) pick() *poller {
	if len(g.pollers) == 1 {
		return g.pollers[0]
	}
	return g.pollers[g.next.Add(1)%uint32(len(g.pollers))]
}

// adoptConn takes the descriptor out of a net.Conn: it duplicates it (the duplicate shares the socket
// and its non-blocking mode) and closes the net.Conn, which unregisters it from the runtime's poller.
func adoptConn(nc net.Conn) (int, error) {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return -1, ErrUnsupportedConn
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return -1, err
	}
	fd := -1
	var derr error
	if err := rc.Control(func(s uintptr) {
		fd, derr = unix.FcntlInt(s, unix.F_DUPFD_CLOEXEC, 0)
	}); err != nil {
		return -1, err
	}
	if derr != nil {
		return -1, fmt.Errorf("netpoll: dup: %w", derr)
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		_ = unix.Close(fd)
		return -1, err
	}
	_ = nc.Close()
	return fd, nil
}

// sockaddrToAddr converts an accepted peer address for the listener's network.
func sockaddrToAddr(network string, sa unix.Sockaddr) net.Addr {
	switch a := sa.(type) {
	case *unix.SockaddrInet4:
		return &net.TCPAddr{IP: net.IP(append([]byte(nil), a.Addr[:]...)), Port: a.Port}
	case *unix.SockaddrInet6:
		addr := &net.TCPAddr{IP: net.IP(append([]byte(nil), a.Addr[:]...)), Port: a.Port}
		if a.ZoneId != 0 {
			if ifi, err := net.InterfaceByIndex(int(a.ZoneId)); err == nil {
				addr.Zone = ifi.Name
			}
		}
		return addr
	case *unix.SockaddrUnix:
		return &net.UnixAddr{Name: a.Name, Net: network}
	}
	return nil
}
