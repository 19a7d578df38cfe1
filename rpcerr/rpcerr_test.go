package rpcerr

import (
	"context"
	"errors"
	"os"
	"syscall"
	"testing"
)

func TestErrorMatchesSentinelAndCause(t *testing.T) {
	err := error(New(ErrConnect, "dial", "127.0.0.1:1", os.NewSyscallError("connect", syscall.ECONNREFUSED)))
	if !errors.Is(err, ErrConnect) || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("%v: want ErrConnect and ECONNREFUSED", err)
	}
	if errors.Is(err, ErrTimeout) || IsTimeout(err) {
		t.Fatalf("%v: not a timeout", err)
	}
	if got, want := err.Error(), "connect failed: dial 127.0.0.1:1: connect: connection refused"; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
	to := New(ErrTimeout, "read", "", context.DeadlineExceeded)
	if !IsTimeout(to) || !errors.Is(to, context.DeadlineExceeded) {
		t.Fatalf("%v: want a timeout that is also DeadlineExceeded", to)
	}
	var se *os.SyscallError
	if !errors.As(err, &se) {
		t.Fatal("errors.As does not reach the cause")
	}
	if got := New(ErrProtocol, "", "", nil).Error(); got != "protocol error" {
		t.Fatalf("bare error = %q", got)
	}
}
