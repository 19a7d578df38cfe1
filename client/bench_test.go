package client_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/kestrel-rpc/kestrel/client"
	bench "github.com/kestrel-rpc/kestrel/internal/gentest/bench"
	"github.com/kestrel-rpc/kestrel/internal/gentest/bench/echoservice"
)

type benchEcho struct{}

func (benchEcho) Echo(_ context.Context, req *bench.Echo) (*bench.Echo, error) { return req, nil }

// BenchmarkEchoLoopback calls an in-process Kestrel echo server over loopback TCP, one caller
// (ping-pong) and parallel callers. allocs/op counts both sides: 2 for the client and 2 for the
// server (see TestClientAllocs and server's TestServerAllocs).
func BenchmarkEchoLoopback(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := echoservice.NewServer(benchEcho{})
	go srv.Serve(ln)
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}()
	cli, err := echoservice.NewClient("EchoService", client.WithHostPorts(ln.Addr().String()))
	if err != nil {
		b.Fatal(err)
	}
	defer cli.Close()
	for _, size := range []int{128, 1 << 10, 16 << 10} {
		req := &bench.Echo{Msg: strings.Repeat("b", size)}
		b.Run("size="+sizeName(size), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(2 * size))
			for b.Loop() {
				if _, err := cli.Echo(context.Background(), req); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("size="+sizeName(size)+"/parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(2 * size))
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := cli.Echo(context.Background(), req); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
