//go:build (linux || darwin || dragonfly || freebsd || netbsd || openbsd) && !netpollstd

package netpoll_test

import (
	"context"
	"errors"
	"net"
	"sync/atomic"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/kestrel-rpc/kestrel/netpoll"
)

// TestAcceptEMFILE injects descriptor exhaustion into accept: the loop backs off and keeps serving.
func TestAcceptEMFILE(t *testing.T) {
	checkLeaks(t)
	l, err := netpoll.NewEventLoop(framedEchoHandler)
	if err != nil {
		t.Fatal(err)
	}
	var failures atomic.Int32
	netpoll.SetAcceptFunc(l, func(fd int) (int, unix.Sockaddr, error) {
		if failures.Load() < 3 {
			failures.Add(1)
			return -1, nil, unix.EMFILE
		}
		return netpoll.SysAccept(fd)
	})
	ln := listen(t, "tcp")
	serve(t, l, ln)
	c := dial(t, "tcp", ln.Addr().String())
	if err := roundTrip(c, []byte("still serving")); err != nil {
		t.Fatal(err)
	}
	if n := failures.Load(); n != 3 {
		t.Fatalf("accept failed %d times, want 3", n)
	}
	// A fatal accept error ends Serve with that error.
	l2, _ := netpoll.NewEventLoop(framedEchoHandler)
	netpoll.SetAcceptFunc(l2, func(int) (int, unix.Sockaddr, error) { return -1, nil, unix.EINVAL })
	ln2 := listen(t, "tcp")
	defer ln2.Close()
	errc := make(chan error, 1)
	go func() { errc <- l2.Serve(ln2) }()
	c2, err := net.Dial("tcp", ln2.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if err := <-errc; !errors.Is(err, unix.EINVAL) {
		t.Fatalf("Serve: %v, want EINVAL", err)
	}
	_ = l2.Shutdown(context.Background())
}
