package client_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/kestrel-rpc/kestrel/callinfo"
	"github.com/kestrel-rpc/kestrel/client"
	"github.com/kestrel-rpc/kestrel/endpoint"
	bench "github.com/kestrel-rpc/kestrel/internal/gentest/bench"
	"github.com/kestrel-rpc/kestrel/internal/gentest/bench/echoservice"
	"github.com/kestrel-rpc/kestrel/metainfo"
	"github.com/kestrel-rpc/kestrel/rpcerr"
	"github.com/kestrel-rpc/kestrel/transport"
)

// echoImpl implements bench.EchoService, the handler interface `kestrel gen` wrote for
//
//	service EchoService { Echo echo(1: Echo req) }
//
// It also echoes the caller's metainfo value "tenant", if any.
type echoImpl struct{}

func (echoImpl) Echo(ctx context.Context, req *bench.Echo) (*bench.Echo, error) {
	msg := req.Msg
	if tenant, ok := metainfo.GetValue(ctx, "tenant"); ok {
		msg += " (tenant " + tenant + ")"
	}
	return &bench.Echo{Msg: msg}, nil
}

// serveEcho starts an echo server on loopback and returns its address and a stop function.
func serveEcho() (string, func()) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	srv := echoservice.NewServer(echoImpl{})
	go srv.Serve(ln)
	return ln.Addr().String(), func() { srv.Shutdown(context.Background()) }
}

// A generated client calls with typed methods. Options choose the addresses, the transport and
// protocol (TTHeader and Binary by default), timeouts and the connection pool.
func Example() {
	addr, stop := serveEcho()
	defer stop()

	cli, err := echoservice.NewClient("EchoService",
		client.WithHostPorts(addr),
		client.WithTransport(transport.Framed), client.WithProtocol(transport.Compact),
		client.WithRPCTimeout(time.Second),
		client.WithLongConnection(8, time.Minute))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cli.Close()

	resp, err := cli.Echo(context.Background(), &bench.Echo{Msg: "hello"})
	fmt.Println(resp.GetMsg(), err)
	// Output: hello <nil>
}

// Errors wrap the sentinels of package rpcerr, so a caller can branch on what went wrong and still
// reach the cause.
func Example_errors() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	addr := ln.Addr().String()
	ln.Close() // nobody listens there now

	cli, err := echoservice.NewClient("EchoService", client.WithHostPorts(addr))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cli.Close()
	_, err = cli.Echo(context.Background(), &bench.Echo{Msg: "anyone?"})
	switch {
	case errors.Is(err, rpcerr.ErrTimeout):
		fmt.Println("timed out")
	case errors.Is(err, rpcerr.ErrConnect):
		fmt.Println("could not connect")
	case err != nil:
		fmt.Println("failed:", err)
	}
	// Output: could not connect
}

// Values set with package metainfo travel with the call: a transient value to the next server only.
func Example_metainfo() {
	addr, stop := serveEcho()
	defer stop()
	cli, err := echoservice.NewClient("EchoService", client.WithHostPorts(addr))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cli.Close()

	ctx := metainfo.WithValue(context.Background(), "tenant", "acme")
	resp, err := cli.Echo(ctx, &bench.Echo{Msg: "hello"})
	fmt.Println(resp.GetMsg(), err)
	// Output: hello (tenant acme) <nil>
}

// Middleware wraps every call; after next returns, the call's *callinfo.Info holds its sizes and
// timings.
func ExampleWithMiddleware() {
	addr, stop := serveEcho()
	defer stop()

	measure := func(next endpoint.Endpoint) endpoint.Endpoint {
		return func(ctx context.Context, req, resp any) error {
			err := next(ctx, req, resp)
			ci := callinfo.FromContext(ctx)
			fmt.Printf("%s.%s: sent %d bytes, got %d bytes, peer %s\n", ci.CalleeService, ci.Method,
				ci.ReqSize, ci.RespSize, ci.PeerAddr.Network())
			return err
		}
	}
	cli, err := echoservice.NewClient("EchoService", client.WithHostPorts(addr), client.WithMiddleware(measure))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cli.Close()
	if _, err := cli.Echo(context.Background(), &bench.Echo{Msg: "hello"}); err != nil {
		fmt.Println(err)
	}
	// Output: EchoService.echo: sent 79 bytes, got 63 bytes, peer tcp
}
