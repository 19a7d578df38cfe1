package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/kestrel-rpc/kestrel/client"
	"github.com/kestrel-rpc/kestrel/cmd/kestrel/internal/demoecho/echo"
	"github.com/kestrel-rpc/kestrel/cmd/kestrel/internal/demoecho/echo/echoservice"
	"github.com/kestrel-rpc/kestrel/internal/loadgen"
	"github.com/kestrel-rpc/kestrel/transport"
)

// demoMaxSize bounds the demo's payload.
const demoMaxSize = 8 << 20

// echoHandler implements the demo's EchoService.
type echoHandler struct{}

func (echoHandler) Echo(_ context.Context, req *echo.EchoRequest) (*echo.EchoResponse, error) {
	return &echo.EchoResponse{Msg: req.Msg}, nil
}

// runDemo is the main job of README's `make demo`: it serves the echo service generated from
// cmd/kestrel/internal/demoecho/echo.thrift on 127.0.0.1:0, calls it once with Kestrel's generated
// client, then loads it with -conns concurrent callers sharing one client for -duration and prints QPS
// and latency percentiles.
func runDemo(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	duration := fs.Duration("duration", 3*time.Second, "how long to measure")
	conns := fs.Int("conns", 100, "concurrent callers (each in ping-pong on a pooled connection)")
	size := fs.Int("size", 1024, "message bytes per request")
	trans := fs.String("transport", "ttheader", "ttheader, theader, framed or buffered")
	proto := fs.String("protocol", "binary", "binary or compact")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	kind, ok := map[string]transport.Kind{"ttheader": transport.TTHeader, "theader": transport.THeader,
		"framed": transport.Framed, "buffered": transport.Buffered}[*trans]
	if !ok {
		return fmt.Errorf("unknown -transport %q: want ttheader, theader, framed or buffered", *trans)
	}
	protocol, ok := map[string]transport.Protocol{"binary": transport.Binary, "compact": transport.Compact}[*proto]
	if !ok {
		return fmt.Errorf("unknown -protocol %q: want binary or compact", *proto)
	}
	switch {
	case *duration <= 0:
		return errors.New("-duration must be positive")
	case *conns < 1 || *conns > 10000:
		return errors.New("-conns must be in [1, 10000]")
	case *size < 0 || *size > demoMaxSize:
		return fmt.Errorf("-size must be in [0, %d]", demoMaxSize)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := echoservice.NewServer(echoHandler{})
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-served
	}()

	cli, err := echoservice.NewClient("echo", client.WithHostPorts(ln.Addr().String()),
		client.WithTransport(kind), client.WithProtocol(protocol), client.WithRPCTimeout(5*time.Second),
		client.WithLongConnection(*conns, 0))
	if err != nil {
		return err
	}
	defer cli.Close()

	fmt.Fprintf(stdout, "kestrel demo: EchoService (generated from cmd/kestrel/internal/demoecho/echo.thrift) on %s\n", ln.Addr())
	resp, err := cli.Echo(context.Background(), &echo.EchoRequest{Msg: "hello, kestrel"})
	if err != nil {
		return fmt.Errorf("first call: %w", err)
	}
	fmt.Fprintf(stdout, "call:  Echo(%q) = %q\n", "hello, kestrel", resp.Msg)

	warmup := min(*duration/10, 500*time.Millisecond)
	fmt.Fprintf(stdout, "load:  %d callers sharing one client, %d-byte messages, %v + %v, measured %v after %v warm-up\n\n",
		*conns, *size, kind, protocol, *duration, warmup)
	r := loadEcho(cli, *conns, *size, warmup, *duration)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "QPS\tavg\tp50\tp99\tp999\terrors\t")
	fmt.Fprintf(tw, "%.0f\t%v\t%v\t%v\t%v\t%d\t\n", r.qps, roundLatency(r.h.Mean()), roundLatency(r.h.Quantile(0.5)),
		roundLatency(r.h.Quantile(0.99)), roundLatency(r.h.Quantile(0.999)), r.errors)
	if err := tw.Flush(); err != nil {
		return err
	}
	if r.firstErr != nil {
		fmt.Fprintf(stdout, "\nfirst error: %v\n", r.firstErr)
	}
	if r.h.Count() == 0 {
		return fmt.Errorf("no call completed within %v", *duration)
	}
	return nil
}

type loadResult struct {
	qps      float64
	h        loadgen.Histogram
	errors   int
	firstErr error
}

// loadEcho runs conns goroutines that call Echo back to back until warm-up plus duration has passed,
// recording the latencies of the calls that start in the measured window.
func loadEcho(cli echoservice.Client, conns, size int, warmup, duration time.Duration) *loadResult {
	msg := strings.Repeat("k", size)
	start := time.Now()
	measureFrom, end := start.Add(warmup), start.Add(warmup+duration)
	res := &loadResult{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var h loadgen.Histogram
			errs := 0
			var firstErr error
			req := &echo.EchoRequest{Msg: msg}
			for {
				t0 := time.Now()
				if !t0.Before(end) {
					break
				}
				resp, err := cli.Echo(context.Background(), req)
				if t0.Before(measureFrom) {
					continue
				}
				if err == nil && len(resp.Msg) != size {
					err = fmt.Errorf("reply of %d bytes, want %d", len(resp.Msg), size)
				}
				if err != nil {
					errs++
					if firstErr == nil {
						firstErr = err
					}
					continue
				}
				h.Record(time.Since(t0))
			}
			mu.Lock()
			res.h.Merge(&h)
			res.errors += errs
			if res.firstErr == nil {
				res.firstErr = firstErr
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.qps = float64(res.h.Count()) / duration.Seconds()
	return res
}

// roundLatency keeps three significant digits or so.
func roundLatency(d time.Duration) time.Duration {
	switch {
	case d >= 100*time.Millisecond:
		return d.Round(time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	default:
		return d.Round(time.Microsecond)
	}
}
