//go:build (linux || darwin || dragonfly || freebsd || netbsd || openbsd) && !netpollstd

package netpoll_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/kestrel-rpc/kestrel/netpoll"
)

// TestIdleConnectionMemory checks that a server connection that echoed a frame and went idle holds
// no buffer block: its handler's worker gives the input blocks back once it consumed and released
// everything, Flush gives the output blocks back, and the writev arrays are borrowed per send. The
// heap growth per idle connection (server side plus a plain net.Conn client) must stay under one
// 4 KiB input block, which the server connection kept before.
func TestIdleConnectionMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("opens 300 connections")
	}
	const conns = 300
	addr, _ := startServer(t, "tcp", framedEchoHandler, netpoll.Options{})
	frame := make([]byte, 4+128)
	binary.BigEndian.PutUint32(frame, 128)
	reply := make([]byte, len(frame))
	clients := make([]net.Conn, 0, conns)
	t.Cleanup(func() {
		for _, c := range clients {
			_ = c.Close()
		}
	})
	heap := func() uint64 {
		runtime.GC()
		debug.FreeOSMemory() // a second collection: sync.Pool victims go too
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapInuse
	}
	echo := func(c net.Conn) {
		if err := c.SetDeadline(time.Now().Add(5 * time.Second)); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Write(frame); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(c, reply); err != nil {
			t.Fatal(err)
		}
	}
	// Warm up: one connection brings up the worker pool, timers and pools.
	warm, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	clients = append(clients, warm)
	echo(warm)
	time.Sleep(50 * time.Millisecond)
	before := heap()
	for range conns {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
		echo(c)
	}
	time.Sleep(100 * time.Millisecond) // let the last handler return and shrink
	after := heap()
	per := (int64(after) - int64(before)) / conns
	t.Logf("heap growth: %d B per idle connection", per)
	if per >= 4<<10 {
		t.Fatalf("heap grows by %d B per idle connection, want under 4096 (no input block kept)", per)
	}
}

// TestHeldInputSurvivesIdle checks that going idle does not free input a handler still holds: this
// handler keeps the payload slice from Next across calls without Release, and checks it on the next
// call before releasing. If the worker gave the blocks back while the slice was live, the next frame,
// read into a recycled block, would overwrite it.
func TestHeldInputSurvivesIdle(t *testing.T) {
	var (
		held     []byte
		heldFill byte
		bad      = make(chan string, 1)
	)
	handler := func(_ context.Context, conn netpoll.Connection) error {
		r, w := conn.Reader(), conn.Writer()
		if held != nil {
			for _, b := range held {
				if b != heldFill {
					select {
					case bad <- fmt.Sprintf("held payload of 0x%02x changed to 0x%02x", heldFill, b):
					default:
					}
					break
				}
			}
			if err := r.Release(); err != nil {
				return err
			}
		}
		hdr, err := r.Next(4)
		if err != nil {
			return err
		}
		n := int(binary.BigEndian.Uint32(hdr))
		payload, err := r.Next(n)
		if err != nil {
			return err
		}
		held, heldFill = payload, payload[0]
		out, err := w.Malloc(4 + n)
		if err != nil {
			return err
		}
		binary.BigEndian.PutUint32(out, uint32(n))
		copy(out[4:], payload)
		return w.Flush() // no Release: held stays live until the next call
	}
	for _, size := range []int{100, 3000, 20000} {
		t.Run("size="+sizeName(size), func(t *testing.T) {
			held = nil
			addr, _ := startServer(t, "tcp", handler, netpoll.Options{})
			c := dial(t, "tcp", addr)
			for i := range 50 {
				if err := roundTrip(c, bytes.Repeat([]byte{byte(i + 1)}, size)); err != nil {
					t.Fatal(err)
				}
				time.Sleep(time.Millisecond) // let the handler's worker go idle between frames
			}
			select {
			case msg := <-bad:
				t.Fatal(msg)
			default:
			}
		})
	}
}
