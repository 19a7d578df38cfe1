package rpc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"

	"github.com/apache/thrift/lib/go/thrift"
	"google.golang.org/grpc"

	"github.com/kestrel-rpc/kestrel/bench/echo"
	"github.com/kestrel-rpc/kestrel/bench/rpc/apacheecho"
	"github.com/kestrel-rpc/kestrel/bench/rpc/pbecho"
)

// ErrUnknown is returned for a server, client or implementation name this package does not know.
var ErrUnknown = errors.New("rpc: unknown name")

// Servers lists the servers Serve knows:
//
//   - grpc: grpc-go's server with the protobuf EchoService of echo.proto;
//   - apache: Apache Thrift Go 0.17's TSimpleServer (a goroutine per connection), Framed transport and
//     Binary protocol, with its generated processor;
//   - kestrel: Kestrel's server with the stubs `kestrel gen` writes for echo.thrift; it detects the
//     transport and protocol of each connection and answers in kind;
//   - framed-echo: not an RPC server: bench/echo's bare framed echo on Kestrel's netpoll (what
//     bench/cmd/echobench calls kestrel), the floor that a Kestrel RPC call's server CPU is compared to.
var Servers = []string{"grpc", "apache", "kestrel", "framed-echo"}

// Serve starts the server name on ln and returns at once; the returned Closer stops it, closing ln and
// every connection.
func Serve(name string, ln net.Listener) (io.Closer, error) {
	switch name {
	case "grpc":
		return serveGRPC(ln), nil
	case "apache":
		return serveApache(ln), nil
	case "kestrel":
		return serveKestrel(ln)
	case "framed-echo":
		return echo.Serve("kestrel", ln)
	}
	return nil, fmt.Errorf("%w: server %q (have %v)", ErrUnknown, name, Servers)
}

// grpcEcho is the grpc-go handler.
type grpcEcho struct {
	pbecho.UnimplementedEchoServiceServer
}

func (grpcEcho) Echo(_ context.Context, req *pbecho.EchoRequest) (*pbecho.EchoResponse, error) {
	return &pbecho.EchoResponse{Msg: req.Msg}, nil
}

type grpcServer struct {
	s    *grpc.Server
	done chan struct{}
}

func serveGRPC(ln net.Listener) *grpcServer {
	s := &grpcServer{s: grpc.NewServer(), done: make(chan struct{})}
	pbecho.RegisterEchoServiceServer(s.s, grpcEcho{})
	go func() {
		defer close(s.done)
		_ = s.s.Serve(ln)
	}()
	return s
}

// Close stops the server at once (closing ln and every connection).
func (s *grpcServer) Close() error {
	s.s.Stop()
	<-s.done
	return nil
}

// apacheEcho is the Apache Thrift handler.
type apacheEcho struct{}

func (apacheEcho) Echo(_ context.Context, req *apacheecho.EchoRequest) (*apacheecho.EchoResponse, error) {
	return &apacheecho.EchoResponse{Msg: req.Msg}, nil
}

// apacheConfig is the configuration of both of Apache's sides: its defaults (frame size up to 16 MB).
var apacheConfig = &thrift.TConfiguration{}

type apacheServer struct {
	s    *thrift.TSimpleServer
	ln   *listenerTransport
	done chan struct{}
}

func serveApache(ln net.Listener) *apacheServer {
	lt := &listenerTransport{ln: ln, conns: make(map[net.Conn]struct{})}
	s := thrift.NewTSimpleServer4(apacheecho.NewEchoServiceProcessor(apacheEcho{}), lt,
		thrift.NewTFramedTransportFactoryConf(thrift.NewTTransportFactory(), apacheConfig),
		thrift.NewTBinaryProtocolFactoryConf(apacheConfig))
	s.SetLogger(thrift.NopLogger) // connections that the load closes at the end of a run are not news
	srv := &apacheServer{s: s, ln: lt, done: make(chan struct{})}
	go func() {
		defer close(srv.done)
		_ = s.Serve()
	}()
	return srv
}

// Close closes the listener and every connection, then waits for the server's goroutines.
func (s *apacheServer) Close() error {
	s.ln.closeAll()
	err := s.s.Stop()
	<-s.done
	return err
}

// listenerTransport is Apache's TServerTransport over a net.Listener that is already listening, so that
// every server of this package starts the same way (cmd/rpcserver hands each a listener on port 0). It
// keeps the accepted connections so that Close can end them (TSimpleServer.Stop waits for them).
type listenerTransport struct {
	ln     net.Listener
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
}

func (l *listenerTransport) Listen() error { return nil }

func (l *listenerTransport) Accept() (thrift.TTransport, error) {
	c, err := l.ln.Accept()
	if err != nil {
		return nil, thrift.NewTTransportExceptionFromError(err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		_ = c.Close()
		return nil, thrift.NewTTransportException(thrift.NOT_OPEN, "listener closed")
	}
	l.conns[c] = struct{}{}
	return &trackedSocket{TSocket: thrift.NewTSocketFromConnConf(c, apacheConfig), l: l, c: c}, nil
}

func (l *listenerTransport) Close() error     { return l.ln.Close() }
func (l *listenerTransport) Interrupt() error { return l.ln.Close() }

// closeAll closes the listener and every connection it accepted.
func (l *listenerTransport) closeAll() {
	_ = l.ln.Close()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	for c := range l.conns {
		_ = c.Close()
	}
}

// trackedSocket forgets its connection when the server closes it.
type trackedSocket struct {
	*thrift.TSocket
	l *listenerTransport
	c net.Conn
}

func (t *trackedSocket) Close() error {
	t.l.mu.Lock()
	delete(t.l.conns, t.c)
	t.l.mu.Unlock()
	return t.TSocket.Close()
}
