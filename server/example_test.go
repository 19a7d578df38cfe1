package server_test

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/kestrel-rpc/kestrel/callinfo"
	"github.com/kestrel-rpc/kestrel/client"
	"github.com/kestrel-rpc/kestrel/endpoint"
	bench "github.com/kestrel-rpc/kestrel/internal/gentest/bench"
	"github.com/kestrel-rpc/kestrel/internal/gentest/bench/echoservice"
	"github.com/kestrel-rpc/kestrel/server"
)

// echoImpl implements bench.EchoService, the handler interface `kestrel gen` wrote for
//
//	service EchoService { Echo echo(1: Echo req) }
type echoImpl struct{}

func (echoImpl) Echo(_ context.Context, req *bench.Echo) (*bench.Echo, error) {
	return &bench.Echo{Msg: "echo: " + req.Msg}, nil
}

// A server serves a generated service on a listener until Shutdown. The generated sub-package's
// NewServer is server.New plus RegisterService.
func Example() {
	ln, err := net.Listen("tcp", "127.0.0.1:0") // a real service: server.WithAddress and Run
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := echoservice.NewServer(echoImpl{}, server.WithMaxConnections(10000), server.WithIdleTimeout(time.Minute))
	go srv.Serve(ln)
	defer srv.Shutdown(context.Background())

	cli, err := echoservice.NewClient("EchoService", client.WithHostPorts(ln.Addr().String()))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cli.Close()
	resp, err := cli.Echo(context.Background(), &bench.Echo{Msg: "hi"})
	fmt.Println(resp.GetMsg(), err)
	// Output: echo: hi <nil>
}

// Middleware wraps every call; the call's *callinfo.Info on its context says what is being called,
// from where and over which transport.
func ExampleWithMiddleware() {
	logCalls := func(next endpoint.Endpoint) endpoint.Endpoint {
		return func(ctx context.Context, req, resp any) error {
			err := next(ctx, req, resp)
			ci := callinfo.FromContext(ctx)
			fmt.Printf("%s.%s over %v/%v: err=%v\n", ci.CalleeService, ci.Method, ci.Kind, ci.Protocol, err)
			return err
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := echoservice.NewServer(echoImpl{}, server.WithMiddleware(logCalls))
	go srv.Serve(ln)
	defer srv.Shutdown(context.Background())

	cli, err := echoservice.NewClient("EchoService", client.WithHostPorts(ln.Addr().String()))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cli.Close()
	if _, err := cli.Echo(context.Background(), &bench.Echo{Msg: "hi"}); err != nil {
		fmt.Println(err)
	}
	// Output: EchoService.echo over ttheader/binary: err=<nil>
}

// Shutdown stops accepting, lets calls in flight finish and closes the connections; its context bounds
// the wait. Serve then returns nil, and the server cannot serve again.
func ExampleServer_Shutdown() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := echoservice.NewServer(echoImpl{})
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	cli, err := echoservice.NewClient("EchoService", client.WithHostPorts(ln.Addr().String()))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cli.Close()
	if _, err := cli.Echo(context.Background(), &bench.Echo{Msg: "before"}); err != nil {
		fmt.Println(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	fmt.Println("shutdown:", srv.Shutdown(ctx))
	fmt.Println("serve:", <-served)
	_, err = cli.Echo(context.Background(), &bench.Echo{Msg: "after"})
	fmt.Println("call after shutdown fails:", err != nil)
	// Output:
	// shutdown: <nil>
	// serve: <nil>
	// call after shutdown fails: true
}
