package echo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/kestrel-rpc/kestrel/internal/loadgen"
)

func start(t *testing.T, impl string) string { t.Helper(); return startB(t, impl) }

// startB serves impl on 127.0.0.1:0 until the test or benchmark ends.
func startB(t testing.TB, impl string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := Serve(impl, ln)
	if err != nil {
		_ = ln.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			t.Errorf("Close: %v", err)
		}
	})
	return ln.Addr().String()
}

// TestEchoSmoke starts each server in-process and echoes a few frames of each benchmark size over
// several connections, checking every reply byte for byte.
func TestEchoSmoke(t *testing.T) {
	for _, impl := range Impls {
		for _, size := range []int{128, 1 << 10, 16 << 10} {
			t.Run(fmt.Sprintf("impl=%s/size=%d", impl, size), func(t *testing.T) {
				addr := start(t, impl)
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				r, err := loadgen.Run(ctx, loadgen.Config{Addr: addr, Conns: 3, Size: size, Requests: 30, Verify: true})
				if err != nil {
					t.Fatal(err)
				}
				if r.Requests != 30 || r.Errors != 0 {
					t.Errorf("Requests %d Errors %d, want 30 and 0", r.Requests, r.Errors)
				}
			})
		}
	}
}

// TestEchoRejectsHugeFrame: a length prefix over MaxFrame closes the connection instead of allocating.
func TestEchoRejectsHugeFrame(t *testing.T) {
	for _, impl := range Impls {
		t.Run("impl="+impl, func(t *testing.T) {
			c, err := net.Dial("tcp", start(t, impl))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := c.Write([]byte{0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3}); err != nil {
				t.Fatal(err)
			}
			_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
			var b [1]byte
			if n, err := c.Read(b[:]); n != 0 || !errors.Is(err, io.EOF) && !strings.Contains(fmt.Sprint(err), "reset") {
				t.Errorf("Read = %d, %v; want the connection closed", n, err)
			}
		})
	}
}

func TestServeUnknown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if _, err := Serve("nope", ln); !errors.Is(err, ErrUnknownImpl) {
		t.Errorf("Serve(nope) = %v, want ErrUnknownImpl", err)
	}
}
