package rpcerr

import (
	"errors"
	"fmt"
	"net"
)

// The sentinels. A call's error wraps exactly one of them.
var (
	// ErrTimeout: the call's deadline (RPC timeout or the context's deadline) passed before the reply
	// arrived. The connection it used has been closed, never returned to a pool half-read.
	ErrTimeout = errors.New("rpc timeout")
	// ErrCanceled: the caller's context was canceled before the reply arrived.
	ErrCanceled = errors.New("rpc canceled")
	// ErrConnect: no connection could be made (refused, unreachable, dial timeout, no address).
	ErrConnect = errors.New("connect failed")
	// ErrConnection: the connection failed during the call (reset, closed by the peer, write error).
	ErrConnection = errors.New("connection failed")
	// ErrProtocol: the peer's reply is not a valid reply to the call (malformed frame or payload, wrong
	// sequence id or method, oversized frame).
	ErrProtocol = errors.New("protocol error")
	// ErrOverloaded: the server refused the call because it is at a limit (connections, shutdown).
	ErrOverloaded = errors.New("server overloaded")
)

// Error is a call's failure: which sentinel (Kind), what was being done (Op, e.g. "dial", "write",
// "read"), to which address, and the cause.
type Error struct {
	Kind  error
	Op    string
	Addr  string
	Cause error
}

// New returns an *Error of the given sentinel kind.
func New(kind error, op, addr string, cause error) *Error {
	return &Error{Kind: kind, Op: op, Addr: addr, Cause: cause}
}

// Error formats the error as "kind: op addr: cause".
func (e *Error) Error() string {
	s := e.Kind.Error()
	if e.Op != "" {
		s += ": " + e.Op
	}
	if e.Addr != "" {
		s += " " + e.Addr
	}
	if e.Cause != nil {
		s += ": " + e.Cause.Error()
	}
	return s
}

// Unwrap returns the sentinel and the cause, so errors.Is and errors.As see both.
func (e *Error) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Cause}
}

// Timeout reports whether the error is a timeout, so an *Error also satisfies net.Error's test.
func (e *Error) Timeout() bool { return e.Kind == ErrTimeout }

// IsTimeout reports whether err is a call timeout or any error that says it is one (a net.Error with
// Timeout() true).
func IsTimeout(err error) bool {
	if errors.Is(err, ErrTimeout) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// Errorf is New with a formatted cause.
func Errorf(kind error, op, addr, format string, args ...any) *Error {
	return New(kind, op, addr, fmt.Errorf(format, args...))
}
