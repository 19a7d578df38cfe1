package netpoll_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/kestrel-rpc/kestrel/netpoll"
)

// checkLeaks records the goroutine and descriptor counts and, at cleanup, fails the test if they did
// not come back (after a grace period for goroutines that are on their way out).
func checkLeaks(t testing.TB) {
	t.Helper()
	netpoll.Default() // its pollers live for the whole process
	g0, f0 := runtime.NumGoroutine(), countFDs()
	t.Cleanup(func() {
		deadline := time.Now().Add(5 * time.Second)
		for {
			g, f := runtime.NumGoroutine(), countFDs()
			if g <= g0 && f <= f0 {
				return
			}
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				buf = buf[:runtime.Stack(buf, true)]
				t.Errorf("leak: goroutines %d -> %d, descriptors %d -> %d\n%s", g0, g, f0, f, buf)
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

func countFDs() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return 0 // not Linux: descriptors are not checked
	}
	return len(ents)
}

// listen returns a listener of the given kind ("tcp" or "unix") on a fresh address.
func listen(t testing.TB, network string) net.Listener {
	t.Helper()
	var (
		ln  net.Listener
		err error
	)
	switch network {
	case "tcp":
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	case "unix":
		ln, err = net.Listen("unix", filepath.Join(t.TempDir(), "s"))
	default:
		t.Fatalf("unknown network %q", network)
	}
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// serve starts l on ln and shuts it down at cleanup (registered after checkLeaks, so it runs first).
func serve(t testing.TB, l *netpoll.EventLoop, ln net.Listener) {
	t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- l.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := l.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-errc; err != netpoll.ErrEventLoopClosed {
			t.Errorf("Serve returned %v, want ErrEventLoopClosed", err)
		}
	})
}

// echoHandler echoes whatever arrives.
func echoHandler(_ context.Context, conn netpoll.Connection) error {
	r, w := conn.Reader(), conn.Writer()
	b, err := r.Next(r.Len())
	if err != nil {
		return err
	}
	if _, err := w.WriteBinary(b); err != nil {
		return err
	}
	if err := r.Release(); err != nil {
		return err
	}
	return w.Flush()
}

// framedEchoHandler echoes frames of a 4-byte big-endian length and a payload.
func framedEchoHandler(_ context.Context, conn netpoll.Connection) error {
	r, w := conn.Reader(), conn.Writer()
	hdr, err := r.Next(4)
	if err != nil {
		return err
	}
	n := int(binary.BigEndian.Uint32(hdr))
	payload, err := r.Next(n)
	if err != nil {
		return err
	}
	buf, err := w.Malloc(4 + n)
	if err != nil {
		return err
	}
	binary.BigEndian.PutUint32(buf, uint32(n))
	copy(buf[4:], payload)
	if err := r.Release(); err != nil {
		return err
	}
	return w.Flush()
}

// startServer starts an EventLoop with handler on a fresh listener and returns its address.
func startServer(t testing.TB, network string, handler netpoll.OnRequest, opts netpoll.Options) (string, *netpoll.EventLoop) {
	t.Helper()
	l, err := netpoll.NewEventLoopWithOptions(handler, opts)
	if err != nil {
		t.Fatal(err)
	}
	ln := listen(t, network)
	serve(t, l, ln)
	return ln.Addr().String(), l
}

func dial(t testing.TB, network, addr string) netpoll.Connection {
	t.Helper()
	c, err := netpoll.DialConnection(network, addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// roundTrip sends one frame of payload on c and checks the echo.
func roundTrip(c netpoll.Connection, payload []byte) error {
	w, r := c.Writer(), c.Reader()
	buf, err := w.Malloc(4 + len(payload))
	if err != nil {
		return err
	}
	binary.BigEndian.PutUint32(buf, uint32(len(payload)))
	copy(buf[4:], payload)
	if err := w.Flush(); err != nil {
		return err
	}
	hdr, err := r.Next(4)
	if err != nil {
		return fmt.Errorf("read header: %w", err)
	}
	if n := binary.BigEndian.Uint32(hdr); int(n) != len(payload) {
		return fmt.Errorf("echo length %d, want %d", n, len(payload))
	}
	got, err := r.Next(len(payload))
	if err != nil {
		return fmt.Errorf("read payload: %w", err)
	}
	if string(got) != string(payload) {
		return fmt.Errorf("echo differs from what was sent")
	}
	return r.Release()
}

func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = seed + byte(i*7)
	}
	return b
}

var networks = []string{"tcp", "unix"}

func sizeName(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%dMB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%dKB", n>>10)
	}
	return fmt.Sprintf("%dB", n)
}

func isClosedOrEOF(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "EOF") || strings.Contains(err.Error(), "closed") ||
		strings.Contains(err.Error(), "reset"))
}
