package rpc

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/kestrel-rpc/kestrel/client"
	"github.com/kestrel-rpc/kestrel/transport"

	"github.com/kestrel-rpc/kestrel/bench/rpc/kestrelgen/echo"
	"github.com/kestrel-rpc/kestrel/bench/rpc/kestrelgen/echo/echoservice"
)

// This file measures the allocations of one Kestrel call on each side separately, in one process over
// loopback (issue 4: "at most 2 on the server side and 2 on the client side"). An allocation count is
// process-wide, so each side is paired with a raw peer that allocates nothing per call:
//
//   - side=client: Kestrel's generated client calls a raw server that answers every frame with a reply
//     recorded from Kestrel's server, its sequence numbers set to the request's;
//   - side=server: a raw client sends a request recorded from Kestrel's client, byte for byte, to
//     Kestrel's server and reads the whole reply;
//   - side=both: Kestrel's client calls Kestrel's server;
//   - side=none: the raw client calls the raw server, the control: what the harness itself allocates
//     (0 once warm), so client and server are each measured alone.
//
// Each call is sequential (one caller, one connection): allocs/op is per call.

// sideNames are the benchmark's sides.
var sideNames = []string{"both", "client", "server", "none"}

// kinds are the transports measured: Kestrel's default and what Apache's client speaks.
var kinds = []transport.Kind{transport.TTHeader, transport.Framed}

// readFrame reads one length-prefixed frame (TTHeader and Framed both start with a 4-byte length) into
// *buf, growing it when needed, and returns it.
func readFrame(r io.Reader, buf *[]byte) ([]byte, error) {
	b := *buf
	if len(b) < 4 {
		b = make([]byte, 4096)
	}
	if _, err := io.ReadFull(r, b[:4]); err != nil {
		return nil, err
	}
	n := 4 + int(binary.BigEndian.Uint32(b))
	if n > 64<<20 {
		return nil, fmt.Errorf("frame of %d bytes", n)
	}
	if n > len(b) {
		nb := make([]byte, n)
		copy(nb, b[:4])
		b = nb
	}
	*buf = b
	if _, err := io.ReadFull(r, b[4:n]); err != nil {
		return nil, err
	}
	return b[:n], nil
}

// Errors of seqOffsets.
var (
	errShortFrame = errors.New("frame too short for its sequence number")
	errNotBinary  = errors.New("not a strict Binary message")
)

// seqOffsets returns the offsets of frame's sequence numbers, without allocating: for TTHeader the
// header's and the Binary message's (after the optional inner length), for Framed the message's.
func seqOffsets(frame []byte) (offs [2]int, n int, err error) {
	if len(frame) < 14 {
		return offs, 0, errShortFrame
	}
	// Framed: the message follows the length. TTHeader (magic 0x1000): the header's sequence number,
	// then the message after the header-info area.
	msg := 4
	if binary.BigEndian.Uint16(frame[4:]) == 0x1000 {
		offs[n], n = 8, n+1
		msg = 14 + 4*int(binary.BigEndian.Uint16(frame[12:]))
		if len(frame) < msg+4 {
			return offs, 0, errShortFrame
		}
		if frame[msg] != 0x80 { // TTHeaderFramed: an inner length first
			msg += 4
		}
	}
	if len(frame) < msg+8 || frame[msg] != 0x80 || frame[msg+1] != 0x01 {
		return offs, 0, errNotBinary
	}
	seq := msg + 8 + int(binary.BigEndian.Uint32(frame[msg+4:]))
	if len(frame) < seq+4 {
		return offs, 0, errShortFrame
	}
	offs[n], n = seq, n+1
	return offs, n, nil
}

// listen opens a loopback listener closed when the test ends.
func listen(tb testing.TB) net.Listener {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = ln.Close() })
	return ln
}

// newTestClient returns Kestrel's generated client of addr over kind, closed when the test ends.
func newTestClient(tb testing.TB, addr string, kind transport.Kind) echoservice.Client {
	tb.Helper()
	c, err := echoservice.NewClient("EchoService", client.WithHostPorts(addr), client.WithTransport(kind),
		client.WithRPCTimeout(10*time.Second))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = c.Close() })
	return c
}

// capture records one Echo call of msg from Kestrel's client to Kestrel's server over kind, through a
// relay: the request frame and the reply frame.
func capture(tb testing.TB, kind transport.Kind, msg string) (req, reply []byte) {
	tb.Helper()
	srv := startServer(tb, "kestrel")
	ln := listen(tb)
	relayed := make(chan error, 1)
	go func() {
		relayed <- func() error {
			c, err := ln.Accept()
			if err != nil {
				return err
			}
			defer c.Close()
			s, err := net.Dial("tcp", srv)
			if err != nil {
				return err
			}
			defer s.Close()
			var buf []byte
			f, err := readFrame(c, &buf)
			if err != nil {
				return err
			}
			req = append([]byte(nil), f...)
			if _, err := s.Write(req); err != nil {
				return err
			}
			if f, err = readFrame(s, &buf); err != nil {
				return err
			}
			reply = append([]byte(nil), f...)
			_, err = c.Write(reply)
			return err
		}()
	}()
	c := newTestClient(tb, ln.Addr().String(), kind)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := c.Echo(ctx, &echo.EchoRequest{Msg: msg})
	if err := errors.Join(err, <-relayed); err != nil {
		tb.Fatalf("capturing a %v call: %v", kind, err)
	}
	if resp.Msg != msg {
		tb.Fatalf("captured call echoed %d bytes, sent %d", len(resp.Msg), len(msg))
	}
	return req, reply
}

// startRawServer answers every frame with reply, its sequence numbers set to the request's. It
// allocates nothing per call once its buffer has grown.
func startRawServer(tb testing.TB, reply []byte) string {
	tb.Helper()
	replyOffs, nOffs, err := seqOffsets(reply)
	if err != nil {
		tb.Fatal(err)
	}
	var wg sync.WaitGroup
	tb.Cleanup(wg.Wait) // after the listener and the connections are closed (cleanups run last first)
	ln := listen(tb)
	var mu sync.Mutex
	var conns []net.Conn
	tb.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				out := append([]byte(nil), reply...)
				var buf []byte
				for {
					f, err := readFrame(c, &buf)
					if err != nil {
						return
					}
					offs, n, err := seqOffsets(f)
					if err != nil || n != nOffs {
						return
					}
					for i, o := range replyOffs[:n] {
						copy(out[o:o+4], f[offs[i]:offs[i]+4])
					}
					if _, err := c.Write(out); err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// rawCaller sends req and reads one reply frame per call on one connection.
type rawCaller struct {
	c   net.Conn
	req []byte
	buf []byte
}

func newRawCaller(tb testing.TB, addr string, req []byte) *rawCaller {
	tb.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = c.Close() })
	return &rawCaller{c: c, req: req}
}

func (r *rawCaller) call() ([]byte, error) {
	if _, err := r.c.Write(r.req); err != nil {
		return nil, err
	}
	return readFrame(r.c, &r.buf)
}

// setupSide returns one call of side over kind with a size-byte message; it checks each answer.
func setupSide(tb testing.TB, side string, kind transport.Kind, size int) func() error {
	tb.Helper()
	msg := Payload(size)
	req, reply := capture(tb, kind, msg)
	kestrelCall := func(addr string) func() error {
		c := newTestClient(tb, addr, kind)
		er := &echo.EchoRequest{Msg: msg}
		ctx := context.Background()
		return func() error {
			resp, err := c.Echo(ctx, er)
			if err == nil && resp.Msg != msg {
				err = errMismatch
			}
			return err
		}
	}
	rawCall := func(addr string) func() error {
		r := newRawCaller(tb, addr, req)
		return func() error {
			f, err := r.call()
			if err == nil && len(f) != len(reply) {
				err = fmt.Errorf("a %d-byte reply, want %d", len(f), len(reply))
			}
			return err
		}
	}
	switch side {
	case "both":
		return kestrelCall(startServer(tb, "kestrel"))
	case "client":
		return kestrelCall(startRawServer(tb, reply))
	case "server":
		return rawCall(startServer(tb, "kestrel"))
	case "none":
		return rawCall(startRawServer(tb, reply))
	}
	tb.Fatalf("unknown side %q", side)
	return nil
}

// BenchmarkKestrelCall: ns/op and allocs/op of one sequential Kestrel Echo call, per side (see above).
//
//	cd bench && go test -run '^$' -bench KestrelCall -benchmem -count 5 ./rpc
func BenchmarkKestrelCall(b *testing.B) {
	for _, kind := range kinds {
		for _, size := range []int{128, 1024, 16384} {
			for _, side := range sideNames {
				b.Run(fmt.Sprintf("transport=%v/size=%s/side=%s", kind, sizeName(size), side), func(b *testing.B) {
					call := setupSide(b, side, kind, size)
					for range 100 { // warm pools, buffers and connections
						if err := call(); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportAllocs()
					b.SetBytes(int64(2 * size))
					b.ResetTimer()
					for b.Loop() {
						if err := call(); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}

// TestRawPeers: the raw peers of the allocation benchmark speak well enough to Kestrel's client and
// server, on both transports, that every side's calls succeed.
func TestRawPeers(t *testing.T) {
	for _, kind := range kinds {
		for _, side := range sideNames {
			t.Run(fmt.Sprintf("transport=%v/side=%s", kind, side), func(t *testing.T) {
				call := setupSide(t, side, kind, 1024)
				for i := range 20 {
					if err := call(); err != nil {
						t.Fatalf("call %d: %v", i, err)
					}
				}
			})
		}
	}
}

func TestSeqOffsets(t *testing.T) {
	for _, kind := range kinds {
		req, reply := capture(t, kind, "hi")
		for _, f := range [][]byte{req, reply} {
			offs, n, err := seqOffsets(f)
			if err != nil {
				t.Fatalf("%v: %v", kind, err)
			}
			want := 1
			if kind == transport.TTHeader {
				want = 2
			}
			if n != want {
				t.Fatalf("%v: %d sequence numbers, want %d", kind, n, want)
			}
			// Every sequence number of a frame is the call's.
			for _, o := range offs[:n] {
				if string(f[o:o+4]) != string(f[offs[0]:offs[0]+4]) {
					t.Errorf("%v: sequence numbers differ in %x", kind, f)
				}
			}
		}
	}
	if _, _, err := seqOffsets([]byte{0, 0, 0, 10, 0x10, 0, 0, 0, 0, 0, 0, 1, 0, 9}); err == nil {
		t.Errorf("a header size past the frame was accepted")
	}
}

func sizeName(n int) string {
	if n >= 1<<10 && n%(1<<10) == 0 {
		return fmt.Sprintf("%dKB", n>>10)
	}
	return fmt.Sprintf("%dB", n)
}
