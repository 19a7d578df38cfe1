package netpoll

import (
	"errors"
	"net"
	"os"
)

// Errors returned by Connection, EventLoop and Dialer. They are sentinels: compare with errors.Is.
var (
	// ErrConnClosed means the connection was closed, by this side (Close) or by the reactor after a peer
	// reset, an idle timeout or a failed write. It wraps net.ErrClosed, so errors.Is(err, net.ErrClosed)
	// holds too.
	ErrConnClosed = &closedError{msg: "netpoll: connection closed"}
	// ErrEventLoopClosed is returned by Serve after Shutdown, and by Serve on an EventLoop already shut
	// down.
	ErrEventLoopClosed = errors.New("netpoll: event loop closed")
	// ErrPollerClosed is returned when a connection is registered with a PollerGroup that was closed.
	ErrPollerClosed = errors.New("netpoll: poller group closed")
	// ErrUnsupportedConn is returned when a listener or connection does not expose a file descriptor
	// (it does not implement syscall.Conn), so the reactor cannot serve it.
	ErrUnsupportedConn = errors.New("netpoll: listener or connection has no file descriptor")
	// ErrTimeout is the error of a read or write that ran past its timeout or deadline. It implements
	// net.Error with Timeout() true, and errors.Is(err, os.ErrDeadlineExceeded) holds.
	ErrTimeout net.Error = &timeoutError{}
)

type closedError struct{ msg string }

func (e *closedError) Error() string { return e.msg }

// Unwrap makes errors.Is(err, net.ErrClosed) hold.
func (e *closedError) Unwrap() error { return net.ErrClosed }

// Is makes every close error (after an idle timeout, too) match ErrConnClosed.
func (e *closedError) Is(target error) bool { return target == ErrConnClosed }

type timeoutError struct{}

func (*timeoutError) Error() string   { return "netpoll: i/o timeout" }
func (*timeoutError) Timeout() bool   { return true }
func (*timeoutError) Temporary() bool { return true }

// Is makes errors.Is(err, os.ErrDeadlineExceeded) hold, so code written for net.Conn works unchanged.
func (*timeoutError) Is(target error) bool { return target == os.ErrDeadlineExceeded }
