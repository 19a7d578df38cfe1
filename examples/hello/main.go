// Command hello is Kestrel's hello world: it serves the Greeter service of hello.thrift, calls it with
// the generated client, and shows a declared exception travelling back. Run it with
//
//	go run ./examples/hello
//
// The code in hello/ comes from `kestrel gen` (see the go:generate line below); edit hello.thrift
// and run `go generate ./examples/hello` to regenerate it.
package main

//go:generate go run github.com/kestrel-rpc/kestrel/cmd/kestrel gen -out . -module github.com/kestrel-rpc/kestrel/examples/hello hello.thrift

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"time"

	"github.com/kestrel-rpc/kestrel/client"
	"github.com/kestrel-rpc/kestrel/examples/hello/hello"
	"github.com/kestrel-rpc/kestrel/examples/hello/hello/greeter"
)

// greeterHandler implements hello.Greeter, the handler interface kestrel gen made of the service.
type greeterHandler struct{}

func (greeterHandler) SayHello(ctx context.Context, req *hello.HelloRequest) (*hello.HelloReply, error) {
	if req.Name == "" {
		return nil, &hello.NoName{Reason: "tell me your name"}
	}
	return &hello.HelloReply{Message: "Hello, " + req.Name + "!"}, nil
}

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	// The server: listen anywhere on loopback; a real service would use server.WithAddress and Run.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := greeter.NewServer(greeterHandler{})
	go srv.Serve(ln)
	defer srv.Shutdown(context.Background())

	// The client: TTHeader + Binary by default, long connections, a 1 s bound on every call.
	cli, err := greeter.NewClient("greeter", client.WithHostPorts(ln.Addr().String()),
		client.WithRPCTimeout(time.Second))
	if err != nil {
		return err
	}
	defer cli.Close()

	reply, err := cli.SayHello(context.Background(), &hello.HelloRequest{Name: "Kestrel"})
	if err != nil {
		return err
	}
	fmt.Println(reply.Message)

	_, err = cli.SayHello(context.Background(), &hello.HelloRequest{})
	var noName *hello.NoName
	if !errors.As(err, &noName) {
		return fmt.Errorf("want the declared exception, got %v", err)
	}
	fmt.Println("declared exception:", noName.Reason)
	return nil
}
