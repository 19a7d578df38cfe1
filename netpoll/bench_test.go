package netpoll_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/kestrel-rpc/kestrel/netpoll"
)

// BenchmarkEcho measures one framed echo round trip over loopback TCP (one connection, ping-pong),
// server and client in this process, for each payload size and each setting of the two experimental
// reactor techniques: spin (epoll_wait with timeout 0 while events come) and ptr (the connection's
// address in epoll_event.data instead of an fd map).
func BenchmarkEcho(b *testing.B) {
	for _, spin := range []bool{true, false} {
		for _, ptr := range []bool{true, false} {
			b.Run(matrixName(spin, ptr), func(b *testing.B) {
				g, err := netpoll.NewPollerGroup(netpoll.PollerOptions{
					ExperimentalNoSpin: !spin, ExperimentalNoDataPointer: !ptr})
				if err != nil {
					b.Fatal(err)
				}
				defer g.Close()
				for _, size := range []int{128, 1 << 10, 16 << 10} {
					b.Run("size="+sizeName(size), func(b *testing.B) {
						addr, _ := startServer(b, "tcp", framedEchoHandler, netpoll.Options{PollerGroup: g})
						c, err := (&netpoll.Dialer{PollerGroup: g}).DialConnection("tcp", addr, time.Second)
						if err != nil {
							b.Fatal(err)
						}
						defer c.Close()
						payload := pattern(size, 1)
						if err := roundTrip(c, payload); err != nil {
							b.Fatal(err)
						}
						b.ReportAllocs()
						b.SetBytes(int64(2 * (4 + size)))
						b.ResetTimer()
						for b.Loop() {
							if err := roundTrip(c, payload); err != nil {
								b.Fatal(err)
							}
						}
					})
				}
			})
		}
	}
}

// BenchmarkEchoParallel runs ping-pong echoes on several connections at once (one per goroutine of
// RunParallel, GOMAXPROCS*4 in all) with the default techniques, to show throughput beyond one
// connection's round-trip latency.
func BenchmarkEchoParallel(b *testing.B) {
	for _, size := range []int{128, 1 << 10, 16 << 10} {
		b.Run("size="+sizeName(size), func(b *testing.B) {
			addr, _ := startServer(b, "tcp", framedEchoHandler, netpoll.Options{})
			payload := pattern(size, 1)
			b.ReportAllocs()
			b.SetBytes(int64(2 * (4 + size)))
			b.SetParallelism(4)
			b.RunParallel(func(pb *testing.PB) {
				c, err := netpoll.DialConnection("tcp", addr, time.Second)
				if err != nil {
					b.Error(err)
					return
				}
				defer c.Close()
				for pb.Next() {
					if err := roundTrip(c, payload); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkIdleConnMemory reports the heap held per idle connection pair (the server's side and the
// client's, both in this process) after one 128-byte echo on each of 1000 connections: the figure
// behind "memory per idle connection". The timed loop is empty; the metric is what matters.
func BenchmarkIdleConnMemory(b *testing.B) {
	const n = 1000
	addr, _ := startServer(b, "tcp", framedEchoHandler, netpoll.Options{})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	conns := make([]netpoll.Connection, n)
	for i := range conns {
		c, err := netpoll.DialConnection("tcp", addr, time.Second)
		if err != nil {
			b.Fatal(err)
		}
		conns[i] = c
		if err := roundTrip(c, pattern(128, byte(i))); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	for b.Loop() {
	}
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/n, "heapB/connpair")
	for _, c := range conns {
		c.Close()
	}
}
