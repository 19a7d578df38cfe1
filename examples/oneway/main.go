// Command oneway shows oneway calls: the client sends Record events without waiting for a reply (the
// call returns once the request is written), then makes an ordinary call, Total, on the same
// connection. Requests on one connection are served in order, so Total sees every event sent before it.
//
//	go run ./examples/oneway
package main

//go:generate go run github.com/kestrel-rpc/kestrel/cmd/kestrel gen -out . -module github.com/kestrel-rpc/kestrel/examples/oneway oneway.thrift

import (
	"context"
	"fmt"
	"log"
	"net"
	"sync"
	"time"

	"github.com/kestrel-rpc/kestrel/client"
	"github.com/kestrel-rpc/kestrel/examples/oneway/events"
	"github.com/kestrel-rpc/kestrel/examples/oneway/events/collector"
)

// tally implements events.Collector.
type tally struct {
	mu     sync.Mutex
	totals map[string]int64
}

func (t *tally) Record(ctx context.Context, e *events.Event) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.totals[e.Kind] += e.Value
	return nil
}

func (t *tally) Total(ctx context.Context, kind string) (int64, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.totals[kind], nil
}

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := collector.NewServer(&tally{totals: map[string]int64{}})
	go srv.Serve(ln)
	defer srv.Shutdown(context.Background())

	// One pooled connection, so the oneway requests and the Total call travel in order on it.
	cli, err := collector.NewClient("collector", client.WithHostPorts(ln.Addr().String()),
		client.WithLongConnection(1, time.Minute), client.WithRPCTimeout(time.Second))
	if err != nil {
		return err
	}
	defer cli.Close()

	ctx := context.Background()
	for i := int64(1); i <= 100; i++ {
		if err := cli.Record(ctx, &events.Event{Kind: "clicks", Value: i}); err != nil {
			return err
		}
	}
	total, err := cli.Total(ctx, "clicks")
	if err != nil {
		return err
	}
	fmt.Println("sent 100 oneway events; total of clicks:", total)
	return nil
}
