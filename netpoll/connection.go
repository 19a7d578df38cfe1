package netpoll

import (
	"context"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kestrel-rpc/kestrel/linkbuf"
)

// Connection is a network connection served by the reactor: a net.Conn whose input and output are linked
// buffers.
//
// # Reading
//
// The reactor reads whatever arrives into the connection's input buffer. Reader().Next(n) and the other
// Reader methods block until n bytes are buffered, the read timeout or deadline passes (ErrTimeout, a
// net.Error with Timeout() true), or the connection closes: io.EOF once the peer finished sending and
// fewer than n bytes remain, ErrConnClosed after Close, or the system error (for example ECONNRESET,
// matched with errors.Is) after a failure. Bytes that arrived before a close stay readable. Read copies
// buffered bytes out and releases them; do not mix it with Next on slices still in use.
//
// # Writing
//
// Writer() fills the output buffer; Flush sends. Flush writes directly from the calling goroutine and
// leaves the rest to the reactor when the socket buffer is full; it blocks while more than the output
// bound waits to be sent (back-pressure), and returns ErrTimeout once the write timeout passes. Write
// copies and flushes. After a close every write fails with ErrConnClosed.
//
// # Concurrency
//
// One goroutine reads (on a server: the OnRequest handler) and one goroutine writes at a time; they may be
// different goroutines. Close, IsActive, the timeout setters and AddCloseCallback are safe from any
// goroutine.
type Connection interface {
	net.Conn

	// Reader returns the blocking reader of the input buffer. Slices from Next and Peek stay valid until
	// Release (or the next Read). The same Reader is returned every time.
	Reader() linkbuf.Reader
	// Writer returns the writer of the output buffer; its Flush sends. The same Writer is returned every
	// time.
	Writer() linkbuf.Writer
	// IsActive reports whether the connection is still open (neither side closed it).
	IsActive() bool
	// SetOnRequest installs the handler that the reactor calls on a worker when input is readable (see
	// OnRequest). It fails with ErrConnClosed on a closed connection.
	SetOnRequest(onRequest OnRequest) error
	// AddCloseCallback registers a callback run once after the connection closes. Callbacks run in the
	// order added. It fails with ErrConnClosed once the callbacks have run.
	AddCloseCallback(callback CloseCallback) error
	// SetReadTimeout bounds each blocking read (Next, Peek, Read, ...): zero means none. It applies to
	// reads that start after the call; SetReadDeadline's absolute deadline applies as well.
	SetReadTimeout(timeout time.Duration) error
	// SetWriteTimeout bounds how long Flush (and Write) waits for a slow reader: zero means none.
	SetWriteTimeout(timeout time.Duration) error
	// SetIdleTimeout closes the connection after this long without bytes in either direction: zero
	// means never.
	SetIdleTimeout(timeout time.Duration) error
}

// Process states of a connection (connection.processing).
const (
	procIdle    = 0 // no handler task runs or is queued
	procRunning = 1 // a handler task runs or is queued
	procRetired = 2 // closed: no task will run again and the input buffer is being freed
)

// errIdleTimeout closes a connection idle for longer than its idle timeout.
var errIdleTimeout = &closedError{msg: "netpoll: connection closed after idle timeout"}

// connection implements Connection on every platform; sysConn (conn_unix.go, conn_std.go) holds the
// platform's I/O state.
type connection struct {
	sysConn

	in, out *linkbuf.Buffer
	// inGate guards in against being freed under a reader or the poller; outGate guards out the same
	// way against the writer and the goroutine sending it.
	inGate, outGate gate

	closed     atomic.Bool
	inEOF      atomic.Bool // the peer finished sending
	userClosed atomic.Bool
	closeErr   atomic.Pointer[error]

	// A blocked reader stores the byte count it waits for in readWait and sleeps on readSig; whoever
	// makes that many bytes readable (or closes) clears readWait and signals. writeWait/writeSig do the
	// same for a Flush held by back-pressure.
	readWait  atomic.Int64
	readSig   chan struct{}
	writeWait atomic.Int32
	writeSig  chan struct{}
	readTimer *time.Timer // owned by the reading goroutine
	wrTimer   *time.Timer // owned by the writing goroutine

	readTimeout, writeTimeout   atomic.Int64 // time.Duration
	readDeadline, writeDeadline atomic.Int64 // Unix nanoseconds; 0 means none
	idleTimeout                 atomic.Int64 // time.Duration
	lastActive                  atomic.Int64 // Unix nanoseconds, kept only while idleTimeout > 0
	maxOutput                   int

	handler    atomic.Pointer[OnRequest]
	onConnect  OnConnect       // run once by the first handler task, then nil
	ctx        context.Context // written by OnPrepare/OnConnect, read by handler tasks
	processing atomic.Int32
	// inTotal counts bytes the reactor put into in, consumed the bytes read from it: their difference is
	// the input backlog as seen from any goroutine (in.Len may be called by the reading side only).
	// outFlushed and outSent do the same for out, whose Len belongs to the sending side.
	inTotal    atomic.Int64
	consumed   atomic.Int64
	outFlushed atomic.Int64
	outSent    atomic.Int64
	processFn  func() // c.process, bound once so that scheduling allocates nothing
	// inHeld is set by the reader while slices it took with Next, Peek or Slice may still point into
	// in, and cleared by Release: only then may the input blocks go back to the pools (shrinkInput).
	// The reading goroutine owns it.
	inHeld bool
	pool   *workerPool

	mu           sync.Mutex
	callbacks    []CloseCallback
	callbacksRun bool
	idleTimer    *time.Timer
	local        net.Addr
	remote       net.Addr
	onClosed     func(*connection) // the owner's bookkeeping (EventLoop), run before the callbacks
}

func newConnection(pool *workerPool, cfg connConfig) *connection {
	c := &connection{
		in:       linkbuf.New(),
		out:      linkbuf.New(),
		readSig:  make(chan struct{}, 1),
		writeSig: make(chan struct{}, 1),
		pool:     pool,
		ctx:      context.Background(),
	}
	c.inGate.strict = false
	c.outGate.strict = false
	c.maxOutput = cfg.maxOutput
	if c.maxOutput <= 0 {
		c.maxOutput = defaultMaxOutput
	}
	c.readTimeout.Store(int64(cfg.readTimeout))
	c.writeTimeout.Store(int64(cfg.writeTimeout))
	c.processFn = c.process
	if cfg.idleTimeout > 0 {
		_ = c.SetIdleTimeout(cfg.idleTimeout)
	}
	return c
}

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// ---- net.Conn ----

// Read copies buffered input into p, waiting for at least one byte. It releases what it read.
func (c *connection) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if !c.inGate.acquire() {
		return 0, c.readErr()
	}
	n, err := c.read(p)
	c.releaseIn()
	return n, err
}

func (c *connection) read(p []byte) (int, error) {
	if err := c.waitReadable(1); err != nil {
		return 0, err
	}
	n := min(len(p), c.in.Len())
	b, err := c.in.Next(n)
	if err != nil {
		return 0, err
	}
	copy(p, b)
	c.consumed.Add(int64(n))
	if err := c.in.Release(); err != nil {
		return n, err
	}
	c.inHeld = false
	return n, nil
}

// Write copies p into the output buffer and flushes it.
func (c *connection) Write(p []byte) (int, error) {
	if !c.outGate.acquire() {
		return 0, ErrConnClosed
	}
	n, err := c.write(p)
	c.releaseOut()
	return n, err
}

func (c *connection) write(p []byte) (int, error) {
	if c.closed.Load() {
		return 0, ErrConnClosed
	}
	n, err := c.out.WriteBinary(p)
	if err != nil {
		return 0, err
	}
	return n, c.flush()
}

// Close closes the connection. Blocked reads and writes return ErrConnClosed; close callbacks run once.
// It is safe to call more than once and from any goroutine.
func (c *connection) Close() error {
	c.userClosed.Store(true)
	c.closeWith(ErrConnClosed, false)
	c.retire()
	return nil
}

// LocalAddr returns the local address.
func (c *connection) LocalAddr() net.Addr { return c.local }

// RemoteAddr returns the peer address.
func (c *connection) RemoteAddr() net.Addr { return c.remote }

// SetDeadline sets the read and write deadlines (see net.Conn); the zero time removes them.
func (c *connection) SetDeadline(t time.Time) error {
	_ = c.SetReadDeadline(t)
	return c.SetWriteDeadline(t)
}

// SetReadDeadline sets an absolute deadline for blocking reads, pending ones included.
func (c *connection) SetReadDeadline(t time.Time) error {
	c.readDeadline.Store(unixNano(t))
	signal(c.readSig) // a blocked read re-evaluates its timer
	return nil
}

// SetWriteDeadline sets an absolute deadline for Flush waiting on back-pressure.
func (c *connection) SetWriteDeadline(t time.Time) error {
	c.writeDeadline.Store(unixNano(t))
	signal(c.writeSig)
	return nil
}

func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// ---- Connection ----

// Reader implements Connection.
func (c *connection) Reader() linkbuf.Reader { return (*connReader)(c) }

// Writer implements Connection.
func (c *connection) Writer() linkbuf.Writer { return (*connWriter)(c) }

// IsActive implements Connection.
func (c *connection) IsActive() bool { return !c.closed.Load() }

// SetOnRequest implements Connection; a nil handler removes it.
func (c *connection) SetOnRequest(h OnRequest) error {
	if c.closed.Load() {
		return ErrConnClosed
	}
	if h == nil {
		c.handler.Store(nil)
		return nil
	}
	c.handler.Store(&h)
	if c.inAvail() > 0 || c.inEOF.Load() {
		c.schedule()
	}
	return nil
}

// AddCloseCallback implements Connection.
func (c *connection) AddCloseCallback(cb CloseCallback) error {
	if cb == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.callbacksRun {
		return ErrConnClosed
	}
	c.callbacks = append(c.callbacks, cb)
	return nil
}

// SetReadTimeout implements Connection.
func (c *connection) SetReadTimeout(d time.Duration) error {
	c.readTimeout.Store(int64(max(d, 0)))
	return nil
}

// SetWriteTimeout implements Connection.
func (c *connection) SetWriteTimeout(d time.Duration) error {
	c.writeTimeout.Store(int64(max(d, 0)))
	return nil
}

// SetIdleTimeout implements Connection.
func (c *connection) SetIdleTimeout(d time.Duration) error {
	d = max(d, 0)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed.Load() {
		return ErrConnClosed
	}
	c.idleTimeout.Store(int64(d))
	if d == 0 {
		if c.idleTimer != nil {
			c.idleTimer.Stop()
		}
		return nil
	}
	c.touch()
	if c.idleTimer == nil {
		c.idleTimer = time.AfterFunc(d, c.idleCheck)
	} else {
		c.idleTimer.Reset(d)
	}
	return nil
}

// touch records activity for the idle timeout.
func (c *connection) touch() {
	if c.idleTimeout.Load() > 0 {
		c.lastActive.Store(time.Now().UnixNano())
	}
}

func (c *connection) idleCheck() {
	d := time.Duration(c.idleTimeout.Load())
	if d <= 0 || c.closed.Load() {
		return
	}
	idle := time.Duration(time.Now().UnixNano() - c.lastActive.Load())
	if idle >= d {
		c.closeWith(errIdleTimeout, false)
		c.retire()
		return
	}
	c.mu.Lock()
	if !c.closed.Load() && c.idleTimer != nil {
		c.idleTimer.Reset(d - idle)
	}
	c.mu.Unlock()
}

// ---- closing ----

// closeWith closes the connection once, recording err as what blocked readers get. It reports whether
// this call closed it. fromPoller says the caller is a poller goroutine, which must not run user code.
func (c *connection) closeWith(err error, fromPoller bool) bool {
	c.closeErr.CompareAndSwap(nil, &err)
	if !c.closed.CompareAndSwap(false, true) {
		return false
	}
	c.sysClose()
	c.mu.Lock()
	if c.idleTimer != nil {
		c.idleTimer.Stop()
	}
	c.mu.Unlock()
	c.readWait.Store(0)
	signal(c.readSig)
	c.writeWait.Store(0)
	signal(c.writeSig)
	if c.outGate.shut() {
		c.out.Free()
	}
	if c.handler.Load() != nil {
		c.retire()
	}
	if fromPoller {
		go c.finishClose() // user code never runs on a poller; a short-lived goroutine keeps no worker warm
	} else {
		c.finishClose()
	}
	return true
}

// retire frees the input buffer once no handler task runs; the last reader frees it if one is still
// reading. A client connection without a handler is retired by Close only, so that a reader still
// holding slices from Next keeps valid memory after the peer closed.
func (c *connection) retire() {
	if !c.closed.Load() {
		return
	}
	if c.processing.CompareAndSwap(procIdle, procRetired) {
		if c.inGate.shut() {
			c.in.Free()
		}
	}
}

// finishClose runs the owner's hook and the close callbacks, once.
func (c *connection) finishClose() {
	c.mu.Lock()
	if c.callbacksRun {
		c.mu.Unlock()
		return
	}
	c.callbacksRun = true
	cbs := c.callbacks
	c.callbacks = nil
	hook := c.onClosed
	c.mu.Unlock()
	if hook != nil {
		hook(c)
	}
	for _, cb := range cbs {
		_ = cb(c)
	}
}

func (c *connection) releaseIn() {
	if c.inGate.release() {
		c.in.Free()
	}
}

func (c *connection) releaseOut() {
	if c.outGate.release() {
		c.out.Free()
	}
}

// readErr is what a read gets once no more bytes will come.
func (c *connection) readErr() error {
	if c.inEOF.Load() && !c.userClosed.Load() {
		return io.EOF
	}
	if e := c.closeErr.Load(); e != nil {
		return *e
	}
	return ErrConnClosed
}

// ---- input ----

// inputArrived runs on the goroutine that filled the input buffer: it wakes a blocked reader whose bytes
// are all there and schedules the handler.
func (c *connection) inputArrived() {
	if w := c.readWait.Load(); w > 0 && c.inAvail() >= w && c.readWait.CompareAndSwap(w, 0) {
		signal(c.readSig)
	}
	if c.handler.Load() != nil {
		c.schedule()
	}
}

// inputEnded records that the peer finished sending (err == nil) or that reading failed, and closes the
// connection unless a handler still has buffered input to process first.
func (c *connection) inputEnded(err error, fromPoller bool) {
	if err != nil {
		c.closeWith(fmt.Errorf("netpoll: read: %w", err), fromPoller)
		return
	}
	c.inEOF.Store(true)
	c.readWait.Store(0)
	signal(c.readSig)
	if c.handler.Load() != nil {
		// A task serves the input left, if any, and closes the connection when it stops. A task that
		// is running may have consumed every byte and still be writing its reply (a request followed
		// at once by the peer's half-close): closing here would lose that reply. It sees inEOF, stored
		// above, once it has set processing back to idle.
		if c.processing.CompareAndSwap(procIdle, procRunning) {
			c.pool.submit(c.processFn)
		}
		return
	}
	c.closeWith(io.EOF, fromPoller)
}

// schedule queues a handler task unless one runs.
func (c *connection) schedule() {
	if c.processing.CompareAndSwap(procIdle, procRunning) {
		c.pool.submit(c.processFn)
	}
}

// process is the handler task: OnConnect once, then OnRequest while it makes progress and input remains.
func (c *connection) process() {
	defer func() {
		if r := recover(); r != nil {
			c.processing.Store(procIdle)
			c.closeWith(fmt.Errorf("netpoll: handler panicked: %v", r), false)
			c.retire()
		}
	}()
	if oc := c.onConnect; oc != nil {
		c.onConnect = nil
		if ctx := oc(c.ctx, c); ctx != nil {
			c.ctx = ctx
		}
	}
	for {
		stalledAt := -1
		if h := c.handler.Load(); h != nil {
			for !c.closed.Load() {
				avail := c.in.Len()
				if avail == 0 {
					break
				}
				before := c.consumed.Load()
				if err := (*h)(c.ctx, c); err != nil {
					c.closeWith(err, false)
					break
				}
				if c.consumed.Load() == before {
					stalledAt = avail // it waits for more bytes than there are
					break
				}
			}
		}
		if stalledAt < 0 && !c.closed.Load() {
			c.shrinkInput() // an idle connection holds no input block
		}
		c.processing.Store(procIdle)
		if c.closed.Load() {
			c.retire()
			return
		}
		n := int(c.inAvail())
		if c.inEOF.Load() && (n == 0 || n <= stalledAt) {
			c.closeWith(io.EOF, false)
			c.retire()
			return
		}
		if n == 0 || n <= stalledAt || c.handler.Load() == nil {
			return
		}
		if !c.processing.CompareAndSwap(procIdle, procRunning) {
			return // the poller scheduled a new task meanwhile
		}
	}
}

// waitReadable blocks until n bytes are buffered, the read timeout passes or no more bytes will come.
func (c *connection) waitReadable(n int) error {
	if n <= 0 || c.in.Len() >= n {
		return nil
	}
	return c.waitReadableSlow(n)
}

func (c *connection) waitReadableSlow(n int) error {
	var timerC <-chan time.Time
	armed, armedDeadline := false, int64(0)
	defer func() {
		if armed {
			c.readTimer.Stop()
		}
	}()
	for {
		if c.in.Len() >= n {
			return nil
		}
		if c.inEOF.Load() || c.closed.Load() {
			if c.in.Len() >= n {
				return nil
			}
			return c.readErr()
		}
		c.readWait.Store(int64(n))
		if c.in.Len() >= n || c.inEOF.Load() || c.closed.Load() {
			c.readWait.Store(0)
			continue
		}
		if armed && c.readDeadline.Load() != armedDeadline {
			c.readTimer.Stop() // SetReadDeadline moved the deadline: arm again
			timerC, armed = nil, false
		}
		if !armed {
			armedDeadline = c.readDeadline.Load()
			d, limited := timeLeft(c.readTimeout.Load(), armedDeadline)
			if limited {
				if d <= 0 {
					c.readWait.Store(0)
					return ErrTimeout
				}
				if c.readTimer == nil {
					c.readTimer = time.NewTimer(d)
				} else {
					c.readTimer.Reset(d)
				}
				timerC, armed = c.readTimer.C, true
			}
		}
		select {
		case <-c.readSig:
		case <-timerC:
			c.readWait.Store(0)
			if c.in.Len() >= n {
				return nil
			}
			return ErrTimeout
		}
	}
}

// timeLeft combines a relative timeout and an absolute deadline (0 means none of either); limited is
// false when neither is set.
func timeLeft(timeout, deadline int64) (d time.Duration, limited bool) {
	if timeout > 0 {
		d, limited = time.Duration(timeout), true
	}
	if deadline != 0 {
		if until := time.Duration(deadline - time.Now().UnixNano()); !limited || until < d {
			d, limited = until, true
		}
	}
	return d, limited
}

// ---- output ----

// flush makes the written bytes readable for the sender and sends them; the caller holds outGate.
func (c *connection) flush() error {
	if c.closed.Load() {
		return ErrConnClosed
	}
	n := c.out.MallocLen()
	if err := c.out.Flush(); err != nil {
		return err
	}
	c.outFlushed.Add(int64(n))
	c.touch()
	if err := c.sysFlush(); err != nil {
		return err
	}
	if c.outPending() > int64(c.maxOutput) {
		return c.waitOutput()
	}
	return nil
}

// waitOutput blocks while more than maxOutput bytes wait to be sent (back-pressure).
func (c *connection) waitOutput() error {
	var timerC <-chan time.Time
	armed, armedDeadline := false, int64(0)
	defer func() {
		if armed {
			c.wrTimer.Stop()
		}
	}()
	for c.outPending() > int64(c.maxOutput) {
		if c.closed.Load() {
			return ErrConnClosed
		}
		c.writeWait.Store(1)
		if c.outPending() <= int64(c.maxOutput) || c.closed.Load() {
			c.writeWait.Store(0)
			continue
		}
		if armed && c.writeDeadline.Load() != armedDeadline {
			c.wrTimer.Stop() // SetWriteDeadline moved the deadline: arm again
			timerC, armed = nil, false
		}
		if !armed {
			armedDeadline = c.writeDeadline.Load()
			d, limited := timeLeft(c.writeTimeout.Load(), armedDeadline)
			if limited {
				if d <= 0 {
					c.writeWait.Store(0)
					return ErrTimeout
				}
				if c.wrTimer == nil {
					c.wrTimer = time.NewTimer(d)
				} else {
					c.wrTimer.Reset(d)
				}
				timerC, armed = c.wrTimer.C, true
			}
		}
		select {
		case <-c.writeSig:
		case <-timerC:
			c.writeWait.Store(0)
			if c.outPending() <= int64(c.maxOutput) {
				return nil
			}
			return ErrTimeout
		}
	}
	if c.closed.Load() {
		return ErrConnClosed
	}
	return nil
}

// outputSent runs on the sending goroutine after bytes left the output buffer: it releases a Flush held
// by back-pressure once the backlog is under the bound.
func (c *connection) outputSent() {
	if c.writeWait.Load() != 0 && c.outPending() <= int64(c.maxOutput) && c.writeWait.CompareAndSwap(1, 0) {
		signal(c.writeSig)
	}
}

// inAvail is the input backlog, safe to call from any goroutine.
func (c *connection) inAvail() int64 { return c.inTotal.Load() - c.consumed.Load() }

// outPending is the flushed output not yet sent, safe to call from any goroutine.
func (c *connection) outPending() int64 { return c.outFlushed.Load() - c.outSent.Load() }
