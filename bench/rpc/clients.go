package rpc

import (
	"context"
	"sync"
	"time"

	"github.com/apache/thrift/lib/go/thrift"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/kestrel-rpc/kestrel/bench/rpc/apacheecho"
	"github.com/kestrel-rpc/kestrel/bench/rpc/pbecho"
)

// grpcClient shares one ClientConn between the callers, or gives each its own (perCaller); each call
// carries a context deadline, grpc-go's way to bound a call.
type grpcClient struct {
	addr      string
	timeout   time.Duration
	perCaller bool
	shared    *grpc.ClientConn
	mu        sync.Mutex
	conns     []*grpc.ClientConn
}

func newGRPCClient(addr string, timeout time.Duration, perCaller bool) (*grpcClient, error) {
	g := &grpcClient{addr: addr, timeout: timeout, perCaller: perCaller}
	if !perCaller {
		cc, err := g.dial()
		if err != nil {
			return nil, err
		}
		g.shared = cc
	}
	return g, nil
}

func (g *grpcClient) dial() (*grpc.ClientConn, error) {
	cc, err := grpc.NewClient(g.addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	g.conns = append(g.conns, cc)
	g.mu.Unlock()
	return cc, nil
}

func (g *grpcClient) caller(msg string) (func(context.Context) error, error) {
	cc := g.shared
	if g.perCaller {
		var err error
		if cc, err = g.dial(); err != nil {
			return nil, err
		}
	}
	c := pbecho.NewEchoServiceClient(cc)
	req := &pbecho.EchoRequest{Msg: msg}
	return func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, g.timeout)
		defer cancel()
		resp, err := c.Echo(ctx, req)
		if err != nil {
			return err
		}
		if resp.Msg != msg {
			return errMismatch
		}
		return nil
	}, nil
}

func (g *grpcClient) Close() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, cc := range g.conns {
		_ = cc.Close()
	}
	return nil
}

// apacheClient gives each caller a client and connection of its own; its socket timeout bounds each
// read and write (Apache's client does not heed a context's deadline).
type apacheClient struct {
	addr  string
	cfg   *thrift.TConfiguration
	mu    sync.Mutex
	socks []thrift.TTransport
}

func newApacheClient(addr string, timeout time.Duration) (*apacheClient, error) {
	return &apacheClient{addr: addr, cfg: &thrift.TConfiguration{ConnectTimeout: timeout, SocketTimeout: timeout}}, nil
}

func (a *apacheClient) caller(msg string) (func(context.Context) error, error) {
	sock := thrift.NewTSocketConf(a.addr, a.cfg)
	if err := sock.Open(); err != nil {
		return nil, err
	}
	trans := thrift.NewTFramedTransportConf(sock, a.cfg)
	a.mu.Lock()
	a.socks = append(a.socks, trans)
	a.mu.Unlock()
	proto := thrift.NewTBinaryProtocolConf(trans, a.cfg)
	c := apacheecho.NewEchoServiceClient(thrift.NewTStandardClient(proto, proto))
	req := &apacheecho.EchoRequest{Msg: msg}
	return func(ctx context.Context) error {
		resp, err := c.Echo(ctx, req)
		if err != nil {
			return err
		}
		if resp.Msg != msg {
			return errMismatch
		}
		return nil
	}, nil
}

func (a *apacheClient) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, s := range a.socks {
		_ = s.Close()
	}
	return nil
}
