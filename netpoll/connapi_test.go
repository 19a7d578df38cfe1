package netpoll_test

import (
	"context"
	"errors"
	"io"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kestrel-rpc/kestrel/linkbuf"
	"github.com/kestrel-rpc/kestrel/netpoll"
)

// TestReaderMethods checks every blocking Reader method against bytes that arrive later than asked for.
func TestReaderMethods(t *testing.T) {
	tests := []struct {
		name string
		read func(r linkbuf.Reader) (string, error) // reads "hello" from "hello world"
		rest int                                    // bytes left after the read
	}{
		{"Next", func(r linkbuf.Reader) (string, error) { b, err := r.Next(5); return string(b), err }, 6},
		{"Peek", func(r linkbuf.Reader) (string, error) { b, err := r.Peek(5); return string(b), err }, 11},
		{"ReadString", func(r linkbuf.Reader) (string, error) { return r.ReadString(5) }, 6},
		{"ReadBinary", func(r linkbuf.Reader) (string, error) { b, err := r.ReadBinary(5); return string(b), err }, 6},
		{"Slice", func(r linkbuf.Reader) (string, error) {
			s, err := r.Slice(5)
			if err != nil {
				return "", err
			}
			b, err := s.Next(5)
			return string(b), err
		}, 6},
		{"Skip", func(r linkbuf.Reader) (string, error) {
			if err := r.Skip(6); err != nil {
				return "", err
			}
			b, err := r.Next(5)
			return string(b), err
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLeaks(t)
			addr, _ := startServer(t, "tcp", echoHandler, netpoll.Options{})
			c := dial(t, "tcp", addr)
			go func() {
				_, _ = c.Write([]byte("hel"))
				time.Sleep(20 * time.Millisecond) // the read below blocks in between
				_, _ = c.Write([]byte("lo world"))
			}()
			got, err := tt.read(c.Reader())
			if err != nil {
				t.Fatal(err)
			}
			want := "hello"
			if tt.name == "Skip" {
				want = "world"
			}
			if got != want {
				t.Fatalf("read %q, want %q", got, want)
			}
			deadline := time.Now().Add(5 * time.Second)
			for c.Reader().Len() != tt.rest && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			if n := c.Reader().Len(); n != tt.rest {
				t.Fatalf("Len after the read is %d, want %d", n, tt.rest)
			}
			if err := c.Reader().Release(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestNetConnMethods(t *testing.T) {
	checkLeaks(t)
	addr, _ := startServer(t, "tcp", echoHandler, netpoll.Options{})
	c := dial(t, "tcp", addr)
	if c.RemoteAddr().String() != addr {
		t.Fatalf("RemoteAddr %v, want %s", c.RemoteAddr(), addr)
	}
	if c.LocalAddr() == nil || c.LocalAddr().Network() != "tcp" {
		t.Fatalf("LocalAddr %v", c.LocalAddr())
	}
	if _, err := c.Write([]byte("abcdef")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4)
	got := ""
	for len(got) < 6 {
		n, err := c.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		got += string(buf[:n])
	}
	if got != "abcdef" {
		t.Fatalf("Read %q", got)
	}
	if n, err := c.Read(nil); n != 0 || err != nil {
		t.Fatalf("Read(nil) = %d, %v", n, err)
	}
	_ = c.SetDeadline(time.Now().Add(30 * time.Millisecond))
	if _, err := c.Read(buf); !errors.Is(err, netpoll.ErrTimeout) {
		t.Fatalf("Read past deadline: %v", err)
	}
	_ = c.SetDeadline(time.Time{})
}

func TestWriterMethods(t *testing.T) {
	checkLeaks(t)
	addr, _ := startServer(t, "tcp", echoHandler, netpoll.Options{})
	c := dial(t, "tcp", addr)
	w := c.Writer()
	// Malloc room for "<big>", link "big" into its middle, drop unused bytes, append another buffer.
	buf, err := w.Malloc(5 + 10)
	if err != nil {
		t.Fatal(err)
	}
	copy(buf, "<")
	if err := w.WriteDirect([]byte("big"), 14); err != nil {
		t.Fatal(err)
	}
	copy(buf[1:], ">")
	if n := w.MallocLen(); n != 18 {
		t.Fatalf("MallocLen %d, want 18", n)
	}
	if err := w.MallocAck(5); err != nil {
		t.Fatal(err)
	}
	other := linkbuf.New()
	_, _ = other.WriteString("+tail")
	if err := w.Append(other); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	got, err := c.Reader().Next(10)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "<big>+tail" {
		t.Fatalf("echo %q, want %q", got, "<big>+tail")
	}
	c.Reader().Release()
}

// TestClientHandler installs OnRequest on a dialed connection: replies are processed by the handler,
// not by a blocking reader.
func TestClientHandler(t *testing.T) {
	checkLeaks(t)
	g, err := netpoll.NewPollerGroup(netpoll.PollerOptions{Pollers: 1, MaxWorkers: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	addr, _ := startServer(t, "tcp", echoHandler, netpoll.Options{})
	c, err := (&netpoll.Dialer{PollerGroup: g}).DialConnection("tcp", addr, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var got atomic.Int64
	done := make(chan struct{})
	err = c.SetOnRequest(func(_ context.Context, conn netpoll.Connection) error {
		r := conn.Reader()
		b, err := r.Next(r.Len())
		if got.Add(int64(len(b))) == 1000 {
			close(done)
		}
		r.Release()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for range 10 {
		if _, err := c.Write(pattern(100, 1)); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatalf("handler saw %d bytes, want 1000", got.Load())
	}
}

// plainListener hides the descriptor of a listener, so that Serve takes its ln.Accept path.
type plainListener struct{ net.Listener }

func TestServeListenerWithoutDescriptor(t *testing.T) {
	checkLeaks(t)
	l, err := netpoll.NewEventLoop(framedEchoHandler)
	if err != nil {
		t.Fatal(err)
	}
	ln := listen(t, "tcp")
	serve(t, l, plainListener{ln})
	c := dial(t, "tcp", ln.Addr().String())
	if err := roundTrip(c, []byte("through Accept")); err != nil {
		t.Fatal(err)
	}
}

func TestHandlerPanicClosesConnection(t *testing.T) {
	checkLeaks(t)
	addr, _ := startServer(t, "tcp", func(context.Context, netpoll.Connection) error { panic("boom") },
		netpoll.Options{})
	c := dial(t, "tcp", addr)
	if _, err := c.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Reader().Next(1); !errors.Is(err, io.EOF) {
		t.Fatalf("Next: %v, want io.EOF after the handler panicked", err)
	}
}
