package netpoll_test

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/kestrel-rpc/kestrel/netpoll"
)

// An echo server: the handler runs on a worker whenever input is readable, writes back what arrived and
// flushes. The client reads the reply with Reader().Next, which blocks until the bytes are there.
func Example() {
	echo := func(ctx context.Context, conn netpoll.Connection) error {
		r, w := conn.Reader(), conn.Writer()
		msg, err := r.Next(r.Len())
		if err != nil {
			return err
		}
		if _, err := w.WriteBinary(msg); err != nil {
			return err
		}
		if err := r.Release(); err != nil {
			return err
		}
		return w.Flush()
	}
	loop, err := netpoll.NewEventLoop(echo)
	if err != nil {
		panic(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go loop.Serve(ln)

	conn, err := netpoll.DialConnection("tcp", ln.Addr().String(), time.Second)
	if err != nil {
		panic(err)
	}
	if _, err := conn.Writer().WriteString("hello, kestrel"); err != nil {
		panic(err)
	}
	if err := conn.Writer().Flush(); err != nil {
		panic(err)
	}
	reply, err := conn.Reader().Next(len("hello, kestrel"))
	if err != nil {
		panic(err)
	}
	fmt.Println(string(reply))
	conn.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	fmt.Println(loop.Shutdown(ctx))
	// Output:
	// hello, kestrel
	// <nil>
}

// A poller group with the experimental techniques switched off, as a benchmark comparing them would
// build it. Production code uses netpoll.Default() (a nil Options.PollerGroup).
func ExampleNewPollerGroup() {
	g, err := netpoll.NewPollerGroup(netpoll.PollerOptions{
		Pollers:                   2,
		ExperimentalNoSpin:        true,
		ExperimentalNoDataPointer: true,
	})
	if err != nil {
		panic(err)
	}
	defer g.Close()
	loop, err := netpoll.NewEventLoopWithOptions(nil, netpoll.Options{PollerGroup: g, MaxWorkers: 64})
	if err != nil {
		panic(err)
	}
	fmt.Println(loop.Shutdown(context.Background()))
	// Output: <nil>
}
