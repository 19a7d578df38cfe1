//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package netpoll_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/kestrel-rpc/kestrel/netpoll"
)

// TestTenThousandConnections holds 10 000 loopback connections open at once, echoes one message on
// each and closes them all. When the process may not have the 20 000 descriptors both ends need, the
// client side runs in a child process (this test binary, running TestTenThousandClient).
func TestTenThousandConnections(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: dials 10 000 connections")
	}
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	if lim.Cur < tenK+500 {
		raised := unix.Rlimit{Cur: tenK + 500, Max: max(lim.Max, tenK+500)}
		if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &raised); err != nil {
			t.Skipf("need %d descriptors, have %d and cannot raise: %v", tenK+500, lim.Cur, err)
		}
		t.Cleanup(func() { _ = unix.Setrlimit(unix.RLIMIT_NOFILE, &lim) })
	}
	inProcess := lim.Cur >= 2*tenK+500 || unix.Setrlimit(unix.RLIMIT_NOFILE,
		&unix.Rlimit{Cur: 2*tenK + 500, Max: max(lim.Max, 2*tenK+500)}) == nil
	checkLeaks(t)
	var open, peak, total atomic.Int32
	opts := netpoll.Options{OnConnect: func(ctx context.Context, conn netpoll.Connection) context.Context {
		total.Add(1)
		n := open.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		_ = conn.AddCloseCallback(func(netpoll.Connection) error { open.Add(-1); return nil })
		return ctx
	}}
	addr, _ := startServer(t, "tcp", framedEchoHandler, opts)
	if inProcess {
		if err := tenKClient(addr); err != nil {
			t.Fatal(err)
		}
	} else {
		cmd := exec.Command(os.Args[0], "-test.run=^TestTenThousandClient$", "-test.count=1")
		cmd.Env = append(os.Environ(), "NETPOLL_TENK_ADDR="+addr)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("client process: %v\n%s", err, out)
		}
	}
	if total.Load() != tenK || peak.Load() != tenK {
		t.Fatalf("server saw %d connections, %d at once; want %d", total.Load(), peak.Load(), tenK)
	}
	deadline := time.Now().Add(10 * time.Second)
	for open.Load() != 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := open.Load(); n != 0 {
		t.Fatalf("%d server connections still open after the clients closed", n)
	}
}

const tenK = 10000

// TestTenThousandClient is the client side of TestTenThousandConnections in a child process.
func TestTenThousandClient(t *testing.T) {
	addr := os.Getenv("NETPOLL_TENK_ADDR")
	if addr == "" {
		t.Skip("run by TestTenThousandConnections")
	}
	if err := tenKClient(addr); err != nil {
		t.Fatal(err)
	}
}

// tenKClient dials tenK connections, keeps them all open while it echoes one message on each, then
// closes them.
func tenKClient(addr string) error {
	conns := make([]netpoll.Connection, tenK)
	defer func() {
		for _, c := range conns {
			if c != nil {
				c.Close()
			}
		}
	}()
	const workers = 32
	run := func(f func(i int) error) error {
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < tenK; i += workers {
					if err := f(i); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		return <-errs
	}
	if err := run(func(i int) (err error) {
		conns[i], err = netpoll.DialConnection("tcp", addr, 10*time.Second)
		return err
	}); err != nil {
		return fmt.Errorf("dial: %w", err)
	}
	if err := run(func(i int) error { return roundTrip(conns[i], pattern(64, byte(i))) }); err != nil {
		return fmt.Errorf("echo: %w", err)
	}
	return nil
}
