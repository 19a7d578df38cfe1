package netpoll_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kestrel-rpc/kestrel/netpoll"
)

func TestOptionsValidate(t *testing.T) {
	tests := []struct {
		name string
		opts netpoll.Options
		want string // substring of the error; empty means valid
	}{
		{"zero", netpoll.Options{}, ""},
		{"all set", netpoll.Options{MaxWorkers: 4, ReadTimeout: time.Second, WriteTimeout: time.Second,
			IdleTimeout: time.Minute, MaxOutputBuffer: 1 << 20}, ""},
		{"workers", netpoll.Options{MaxWorkers: -1}, "MaxWorkers"},
		{"read timeout", netpoll.Options{ReadTimeout: -1}, "ReadTimeout"},
		{"write timeout", netpoll.Options{WriteTimeout: -1}, "WriteTimeout"},
		{"idle timeout", netpoll.Options{IdleTimeout: -1}, "IdleTimeout"},
		{"output bound", netpoll.Options{MaxOutputBuffer: -1}, "MaxOutputBuffer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.opts.Validate()
			if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("Validate() = %v, want error containing %q", err, tt.want)
			}
			l, err2 := netpoll.NewEventLoopWithOptions(echoHandler, tt.opts)
			if (err2 == nil) != (err == nil) {
				t.Fatalf("constructor error %v disagrees with Validate %v", err2, err)
			}
			if l != nil {
				_ = l.Shutdown(context.Background())
			}
		})
	}
	for _, po := range []netpoll.PollerOptions{{Pollers: -1}, {MaxWorkers: -1}} {
		if _, err := netpoll.NewPollerGroup(po); err == nil {
			t.Errorf("NewPollerGroup(%+v) accepted invalid options", po)
		}
	}
	if err := netpoll.Default().Close(); err == nil {
		t.Error("closing the default poller group succeeded")
	}
}

// TestTechniqueMatrix runs the framed echo with each combination of the two experimental switches.
func TestTechniqueMatrix(t *testing.T) {
	for _, spin := range []bool{true, false} {
		for _, ptr := range []bool{true, false} {
			t.Run(matrixName(spin, ptr), func(t *testing.T) {
				checkLeaks(t)
				g, err := netpoll.NewPollerGroup(netpoll.PollerOptions{Pollers: 2,
					ExperimentalNoSpin: !spin, ExperimentalNoDataPointer: !ptr})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { g.Close() })
				addr, _ := startServer(t, "tcp", framedEchoHandler, netpoll.Options{PollerGroup: g})
				d := netpoll.Dialer{PollerGroup: g}
				var wg sync.WaitGroup
				for i := range 8 {
					c, err := d.DialConnection("tcp", addr, time.Second)
					if err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { c.Close() })
					wg.Add(1)
					go func() {
						defer wg.Done()
						for j := range 30 {
							if err := roundTrip(c, pattern(1+i*1000+j*97, byte(j))); err != nil {
								t.Error(err)
								return
							}
						}
					}()
				}
				wg.Wait()
			})
		}
	}
}

func matrixName(spin, ptr bool) string {
	onOff := map[bool]string{true: "on", false: "off"}
	return "spin=" + onOff[spin] + "/ptr=" + onOff[ptr]
}

func TestPollerGroupCloseClosesConnections(t *testing.T) {
	checkLeaks(t)
	g, err := netpoll.NewPollerGroup(netpoll.PollerOptions{Pollers: 1})
	if err != nil {
		t.Fatal(err)
	}
	addr, _ := startServer(t, "tcp", echoHandler, netpoll.Options{})
	c, err := (&netpoll.Dialer{PollerGroup: g}).DialConnection("tcp", addr, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	if c.IsActive() {
		t.Fatal("connection active after its poller group closed")
	}
	if _, err := c.Reader().Next(1); !errors.Is(err, netpoll.ErrPollerClosed) {
		t.Fatalf("Next: %v", err)
	}
	if _, err := (&netpoll.Dialer{PollerGroup: g}).DialConnection("tcp", addr, time.Second); !errors.Is(err, netpoll.ErrPollerClosed) {
		t.Fatalf("dial on a closed group: %v", err)
	}
	c.Close()
}

func TestCallbacksOrder(t *testing.T) {
	checkLeaks(t)
	var (
		mu     sync.Mutex
		events []string
	)
	record := func(s string) { mu.Lock(); events = append(events, s); mu.Unlock() }
	type key struct{}
	opts := netpoll.Options{
		OnPrepare: func(conn netpoll.Connection) context.Context {
			record("prepare")
			return context.WithValue(context.Background(), key{}, "v")
		},
		OnConnect: func(ctx context.Context, conn netpoll.Connection) context.Context {
			time.Sleep(20 * time.Millisecond) // input that arrives meanwhile must wait
			record("connect:" + ctx.Value(key{}).(string))
			return ctx
		},
	}
	handler := func(ctx context.Context, conn netpoll.Connection) error {
		record("request:" + ctx.Value(key{}).(string))
		return framedEchoHandler(ctx, conn)
	}
	addr, _ := startServer(t, "tcp", handler, opts)
	c := dial(t, "tcp", addr)
	if err := roundTrip(c, []byte("x")); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"prepare", "connect:v", "request:v"}
	if strings.Join(events, ",") != strings.Join(want, ",") {
		t.Fatalf("events %v, want %v", events, want)
	}
}

// TestOneHandlerAtATime pipelines many frames and checks that no two OnRequest calls of one connection
// overlap and that every frame is answered in order.
func TestOneHandlerAtATime(t *testing.T) {
	checkLeaks(t)
	var running, overlaps atomic.Int32
	handler := func(ctx context.Context, conn netpoll.Connection) error {
		if running.Add(1) > 1 {
			overlaps.Add(1)
		}
		defer running.Add(-1)
		return framedEchoHandler(ctx, conn)
	}
	addr, _ := startServer(t, "tcp", handler, netpoll.Options{})
	c := dial(t, "tcp", addr)
	w := c.Writer()
	const frames = 500
	for i := range frames {
		buf, _ := w.Malloc(8)
		buf[0], buf[1], buf[2], buf[3] = 0, 0, 0, 4
		buf[4], buf[5], buf[6], buf[7] = byte(i>>8), byte(i), 0, 0
		if i%50 == 49 {
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
		}
	}
	r := c.Reader()
	for i := range frames {
		b, err := r.Next(8)
		if err != nil {
			t.Fatal(err)
		}
		if got := int(b[4])<<8 | int(b[5]); got != i {
			t.Fatalf("frame %d answered as %d", i, got)
		}
	}
	r.Release()
	if n := overlaps.Load(); n != 0 {
		t.Fatalf("%d overlapping OnRequest calls", n)
	}
}

func TestShutdownWaitsForHandlers(t *testing.T) {
	checkLeaks(t)
	started, release := make(chan struct{}), make(chan struct{})
	var finished atomic.Bool
	handler := func(ctx context.Context, conn netpoll.Connection) error {
		close(started)
		<-release
		finished.Store(true)
		return framedEchoHandler(ctx, conn)
	}
	l, err := netpoll.NewEventLoop(handler)
	if err != nil {
		t.Fatal(err)
	}
	ln := listen(t, "tcp")
	errc := make(chan error, 1)
	go func() { errc <- l.Serve(ln) }()
	c := dial(t, "tcp", ln.Addr().String())
	idle := dial(t, "tcp", ln.Addr().String())
	if _, err := c.Write([]byte{0, 0, 0, 1, 'x'}); err != nil {
		t.Fatal(err)
	}
	<-started
	done := make(chan error, 1)
	go func() { done <- l.Shutdown(context.Background()) }()
	// The idle connection closes at once; the busy one waits for its handler.
	if _, err := idle.Reader().Next(1); err == nil {
		t.Fatal("idle connection still open during Shutdown")
	}
	select {
	case err := <-done:
		t.Fatalf("Shutdown returned %v before the handler finished", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if !finished.Load() {
		t.Fatal("handler did not finish")
	}
	if b, err := c.Reader().Next(5); err != nil || string(b) != "\x00\x00\x00\x01x" {
		t.Fatalf("reply of the in-flight request: %q, %v", b, err)
	}
	if err := <-errc; !errors.Is(err, netpoll.ErrEventLoopClosed) {
		t.Fatalf("Serve: %v", err)
	}
	if err := l.Serve(ln); !errors.Is(err, netpoll.ErrEventLoopClosed) {
		t.Fatalf("Serve after Shutdown: %v", err)
	}
}

func TestShutdownDeadline(t *testing.T) {
	checkLeaks(t)
	release := make(chan struct{})
	started := make(chan struct{})
	handler := func(ctx context.Context, conn netpoll.Connection) error {
		close(started)
		<-release
		return nil
	}
	l, err := netpoll.NewEventLoop(handler)
	if err != nil {
		t.Fatal(err)
	}
	ln := listen(t, "unix")
	errc := make(chan error, 1)
	go func() { errc <- l.Serve(ln) }()
	c := dial(t, "unix", ln.Addr().String())
	if _, err := c.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := l.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown: %v, want context.DeadlineExceeded", err)
	}
	if _, err := c.Reader().Next(1); err == nil {
		t.Fatal("connection still open after a forced shutdown")
	}
	close(release) // the stuck handler returns; its worker then exits
	<-errc
}

// TestServeStopsWhenListenerClosed closes the listener directly, not through Shutdown: Serve notices
// and returns an error other than ErrEventLoopClosed, and the connections it accepted keep working.
func TestServeStopsWhenListenerClosed(t *testing.T) {
	checkLeaks(t)
	l, err := netpoll.NewEventLoop(framedEchoHandler)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Shutdown(context.Background())
	ln := listen(t, "tcp")
	errc := make(chan error, 1)
	go func() { errc <- l.Serve(ln) }()
	c := dial(t, "tcp", ln.Addr().String())
	if err := roundTrip(c, []byte("before")); err != nil {
		t.Fatal(err)
	}
	ln.Close()
	select {
	case err := <-errc:
		if err == nil || errors.Is(err, netpoll.ErrEventLoopClosed) {
			t.Fatalf("Serve returned %v, want the listener's error", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after its listener was closed")
	}
	if err := roundTrip(c, []byte("after")); err != nil {
		t.Fatalf("accepted connection after the listener closed: %v", err)
	}
}
