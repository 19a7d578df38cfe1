package netpoll_test

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/kestrel-rpc/kestrel/netpoll"
)

// frameServer starts a framed echo server whose handler reports read errors on errc and whose
// connections count their close callbacks in closes.
func frameServer(t *testing.T, network string, opts netpoll.Options) (addr string, errc chan error, closes *atomic.Int32) {
	t.Helper()
	errc = make(chan error, 16)
	closes = new(atomic.Int32)
	opts.OnConnect = func(ctx context.Context, conn netpoll.Connection) context.Context {
		_ = conn.AddCloseCallback(func(netpoll.Connection) error {
			closes.Add(1)
			return nil
		})
		return ctx
	}
	handler := func(ctx context.Context, conn netpoll.Connection) error {
		err := framedEchoHandler(ctx, conn)
		if err != nil {
			errc <- err
		}
		return err
	}
	addr, _ = startServer(t, network, handler, opts)
	return addr, errc, closes
}

func waitCount(t *testing.T, n *atomic.Int32, want int32) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for n.Load() != want {
		if time.Now().After(deadline) {
			t.Fatalf("count is %d, want %d", n.Load(), want)
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // a second, wrong run would show up here
	if got := n.Load(); got != want {
		t.Fatalf("count is %d, want exactly %d", got, want)
	}
}

func recvErr(t *testing.T, errc chan error) error {
	t.Helper()
	select {
	case err := <-errc:
		return err
	case <-time.After(5 * time.Second):
		t.Fatal("handler reported no error")
		return nil
	}
}

func TestPeerFailsMidFrame(t *testing.T) {
	tests := []struct {
		name    string
		network string
		finish  func(net.Conn) error
		want    func(error) bool
	}{
		{"half-close/tcp", "tcp", func(c net.Conn) error { return c.(*net.TCPConn).CloseWrite() },
			func(err error) bool { return errors.Is(err, io.EOF) }},
		{"half-close/unix", "unix", func(c net.Conn) error { return c.(*net.UnixConn).CloseWrite() },
			func(err error) bool { return errors.Is(err, io.EOF) }},
		{"reset/tcp", "tcp", func(c net.Conn) error {
			if err := c.(*net.TCPConn).SetLinger(0); err != nil {
				return err
			}
			return c.Close()
		}, func(err error) bool { return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) }},
		{"close/unix", "unix", func(c net.Conn) error { return c.Close() },
			func(err error) bool { return errors.Is(err, io.EOF) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLeaks(t)
			addr, errc, closes := frameServer(t, tt.network, netpoll.Options{})
			c, err := net.Dial(tt.network, addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			var frame [4 + 10]byte
			binary.BigEndian.PutUint32(frame[:], 100) // announce 100 bytes, send 10
			if _, err := c.Write(frame[:]); err != nil {
				t.Fatal(err)
			}
			time.Sleep(20 * time.Millisecond) // let the handler block in Next(100)
			if err := tt.finish(c); err != nil {
				t.Fatal(err)
			}
			if err := recvErr(t, errc); !tt.want(err) {
				t.Fatalf("handler got %v", err)
			}
			waitCount(t, closes, 1)
		})
	}
}

func TestServerCloseGivesClientEOF(t *testing.T) {
	checkLeaks(t)
	handler := func(_ context.Context, conn netpoll.Connection) error {
		_, _ = conn.Reader().Next(conn.Reader().Len())
		return conn.Close()
	}
	addr, _ := startServer(t, "tcp", handler, netpoll.Options{})
	c := dial(t, "tcp", addr)
	var closes atomic.Int32
	if err := c.AddCloseCallback(func(netpoll.Connection) error { closes.Add(1); return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Write([]byte("bye")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Reader().Next(1); !errors.Is(err, io.EOF) {
		t.Fatalf("Next after the server closed: %v, want io.EOF", err)
	}
	waitCount(t, &closes, 1)
	if c.IsActive() {
		t.Fatal("connection still active after EOF")
	}
	if err := c.AddCloseCallback(func(netpoll.Connection) error { return nil }); !errors.Is(err, netpoll.ErrConnClosed) {
		t.Fatalf("AddCloseCallback after close: %v", err)
	}
}

func TestReadTimeout(t *testing.T) {
	checkLeaks(t)
	addr, _ := startServer(t, "tcp", echoHandler, netpoll.Options{})
	c := dial(t, "tcp", addr)
	if err := c.SetReadTimeout(50 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err := c.Reader().Next(1)
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Next: %v, want a timeout", err)
	}
	if d := time.Since(start); d < 40*time.Millisecond || d > 10*time.Second {
		t.Fatalf("timed out after %v, want about 50ms", d)
	}
	// The connection survives a timeout.
	if _, err := c.Write([]byte("ok")); err != nil {
		t.Fatal(err)
	}
	if b, err := c.Reader().Next(2); err != nil || string(b) != "ok" {
		t.Fatalf("Next after timeout: %q, %v", b, err)
	}
	// A deadline in the past fails at once; a zero deadline removes it.
	_ = c.SetReadTimeout(0)
	_ = c.SetReadDeadline(time.Now().Add(-time.Second))
	if _, err := c.Reader().Peek(1); !errors.Is(err, netpoll.ErrTimeout) {
		t.Fatalf("Peek past deadline: %v", err)
	}
	_ = c.SetReadDeadline(time.Time{})
}

func TestIdleTimeout(t *testing.T) {
	checkLeaks(t)
	// The idle window is wide because CI machines are small and busy: a round trip plus the pause
	// between them must stay well under it even when the test is descheduled for a while.
	const idle = 1500 * time.Millisecond
	addr, _, closes := frameServer(t, "tcp", netpoll.Options{IdleTimeout: idle})
	c := dial(t, "tcp", addr)
	// Activity keeps it open past the idle timeout.
	for start := time.Now(); time.Since(start) < 2*idle; {
		if err := roundTrip(c, []byte("ping")); err != nil {
			t.Fatal(err)
		}
		time.Sleep(idle / 30)
	}
	start := time.Now()
	if _, err := c.Reader().Next(1); !errors.Is(err, io.EOF) {
		t.Fatalf("Next on an idle connection: %v, want io.EOF", err)
	}
	if d := time.Since(start); d > 4*idle {
		t.Fatalf("idle close took %v", d)
	}
	waitCount(t, closes, 1)
}

func TestWriteAfterClose(t *testing.T) {
	checkLeaks(t)
	addr, _ := startServer(t, "tcp", echoHandler, netpoll.Options{})
	c := dial(t, "tcp", addr)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	w := c.Writer()
	if _, err := w.Malloc(8); !errors.Is(err, netpoll.ErrConnClosed) {
		t.Fatalf("Malloc: %v", err)
	}
	if err := w.Flush(); !errors.Is(err, netpoll.ErrConnClosed) || !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Flush: %v", err)
	}
	if _, err := c.Write([]byte("x")); !errors.Is(err, netpoll.ErrConnClosed) {
		t.Fatalf("Write: %v", err)
	}
	if _, err := c.Reader().Next(1); !errors.Is(err, netpoll.ErrConnClosed) {
		t.Fatalf("Next: %v", err)
	}
	if err := c.SetOnRequest(echoHandler); !errors.Is(err, netpoll.ErrConnClosed) {
		t.Fatalf("SetOnRequest: %v", err)
	}
}

func TestCloseUnblocksReader(t *testing.T) {
	checkLeaks(t)
	addr, _ := startServer(t, "tcp", echoHandler, netpoll.Options{})
	c := dial(t, "tcp", addr)
	errc := make(chan error, 1)
	go func() {
		_, err := c.Reader().Next(10)
		errc <- err
	}()
	time.Sleep(20 * time.Millisecond)
	c.Close()
	select {
	case err := <-errc:
		if !errors.Is(err, netpoll.ErrConnClosed) {
			t.Fatalf("Next: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not unblock Next")
	}
}

// TestSlowReaderBackPressure writes to a peer that does not read: Flush must stop at the bound
// (ErrTimeout after the write timeout) instead of buffering without limit, and everything queued must
// arrive once the peer reads.
func TestSlowReaderBackPressure(t *testing.T) {
	checkLeaks(t)
	ln := listen(t, "tcp")
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		s, err := ln.Accept()
		if err == nil {
			accepted <- s
		}
		close(accepted)
	}()
	const bound = 256 << 10
	d := netpoll.Dialer{MaxOutputBuffer: bound, WriteTimeout: 100 * time.Millisecond}
	c, err := d.DialConnection("tcp", ln.Addr().String(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	peer := <-accepted
	if peer == nil {
		t.Fatal("accept failed")
	}
	defer peer.Close()

	chunk := pattern(64<<10, 3)
	sent := 0
	var ferr error
	for sent < 256<<20 {
		if _, err := c.Writer().WriteBinary(chunk); err != nil {
			t.Fatal(err)
		}
		sent += len(chunk)
		if ferr = c.Writer().Flush(); ferr != nil {
			break
		}
	}
	if !errors.Is(ferr, netpoll.ErrTimeout) {
		t.Fatalf("after %d bytes to a peer that does not read, Flush returned %v, want ErrTimeout", sent, ferr)
	}
	if p := netpoll.OutputPending(c); p > bound+int64(len(chunk)) {
		t.Fatalf("%d bytes buffered, bound is %d", p, bound)
	}
	if sent > 64<<20 {
		t.Fatalf("accepted %d bytes before pushing back", sent)
	}

	// Once the peer reads, a Flush without a timeout blocks until the backlog drains, and every byte
	// arrives in order.
	_ = c.SetWriteTimeout(0)
	done := make(chan error, 1)
	go func() {
		buf := make([]byte, 1<<20)
		got := 0
		for got < sent+len(chunk) {
			n, err := peer.Read(buf)
			for i := 0; i < n; i++ {
				if buf[i] != chunk[(got+i)%len(chunk)] {
					done <- errors.New("byte out of order")
					return
				}
			}
			got += n
			if err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	if _, err := c.Writer().WriteBinary(chunk); err != nil {
		t.Fatal(err)
	}
	if err := c.Writer().Flush(); err != nil {
		t.Fatalf("Flush while the peer reads: %v", err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("peer did not receive everything")
	}
}

// A request followed at once by the client's FIN usually reaches the server in one edge. The reactor
// must read on to the EOF then: no later edge would report it, and the connection would stay open for
// ever (one descriptor leaked per such client without an idle timeout).
func TestFINWithLastData(t *testing.T) {
	checkLeaks(t)
	addr, errc, closes := frameServer(t, "tcp", netpoll.Options{})
	const clients = 20
	for i := range clients {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		var frame [4 + 10]byte
		binary.BigEndian.PutUint32(frame[:], 10)
		if _, err := c.Write(frame[:]); err != nil {
			t.Fatal(err)
		}
		if err := c.(*net.TCPConn).CloseWrite(); err != nil {
			t.Fatal(err)
		}
		// The echo comes back, then the server closes its side.
		reply, err := io.ReadAll(c)
		c.Close()
		if err != nil || len(reply) != len(frame) {
			t.Fatalf("client %d: reply of %d bytes, %v", i, len(reply), err)
		}
		waitCount(t, closes, int32(i+1))
	}
	select {
	case err := <-errc:
		if !errors.Is(err, io.EOF) {
			t.Fatalf("handler error %v", err)
		}
	default:
	}
}
