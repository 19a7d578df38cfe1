package rpc

import (
	"context"
	"errors"
	"net"
	"time"

	"github.com/kestrel-rpc/kestrel/client"
	"github.com/kestrel-rpc/kestrel/server"

	"github.com/kestrel-rpc/kestrel/bench/rpc/kestrelgen/echo"
	"github.com/kestrel-rpc/kestrel/bench/rpc/kestrelgen/echo/echoservice"
)

// kestrelEcho is Kestrel's handler.
type kestrelEcho struct{}

func (kestrelEcho) Echo(_ context.Context, req *echo.EchoRequest) (*echo.EchoResponse, error) {
	return &echo.EchoResponse{Msg: req.Msg}, nil
}

type kestrelServer struct {
	s    *server.Server
	done chan error
}

// serveKestrel starts Kestrel's generated server, with its defaults, on ln.
func serveKestrel(ln net.Listener) (*kestrelServer, error) {
	s := &kestrelServer{s: echoservice.NewServer(kestrelEcho{}), done: make(chan error, 1)}
	go func() { s.done <- s.s.Serve(ln) }()
	return s, nil
}

// Close shuts the server down, giving in-flight calls a second.
func (s *kestrelServer) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := s.s.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = nil // calls still in flight: the load process was killed mid-call
	}
	return errors.Join(err, <-s.done)
}

// kestrelClient is one generated client shared by every caller: TTHeader + Binary (the defaults), its
// long-connection pool holding an idle connection per caller, each call bounded by WithRPCTimeout.
type kestrelClient struct {
	c echoservice.Client
}

func newKestrelClient(addr string, callers int, timeout time.Duration) (*kestrelClient, error) {
	c, err := echoservice.NewClient("EchoService", client.WithHostPorts(addr),
		client.WithLongConnection(callers, time.Minute), client.WithRPCTimeout(timeout))
	if err != nil {
		return nil, err
	}
	return &kestrelClient{c: c}, nil
}

func (k *kestrelClient) caller(msg string) (func(context.Context) error, error) {
	req := &echo.EchoRequest{Msg: msg}
	return func(ctx context.Context) error {
		resp, err := k.c.Echo(ctx, req)
		if err != nil {
			return err
		}
		if resp.Msg != msg {
			return errMismatch
		}
		return nil
	}, nil
}

func (k *kestrelClient) Close() error { return k.c.Close() }
