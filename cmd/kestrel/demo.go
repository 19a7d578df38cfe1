package main

import (
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/kestrel-rpc/kestrel/internal/loadgen"
	"github.com/kestrel-rpc/kestrel/netpoll"
)

// demoMaxFrame bounds the payload the demo server accepts.
const demoMaxFrame = 64 << 20

var errDemoFrame = fmt.Errorf("demo: frame longer than %d bytes", demoMaxFrame)

// runDemo starts a framed echo server in-process on 127.0.0.1:0 (Kestrel's netpoll by default), loads
// it with internal/loadgen for -duration over -conns connections with -size-byte payloads, and prints
// QPS, p50, p99, p999 and errors.
func runDemo(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	duration := fs.Duration("duration", 3*time.Second, "how long to measure")
	conns := fs.Int("conns", 100, "connections, each in ping-pong")
	size := fs.Int("size", 1024, "payload bytes per request")
	server := fs.String("server", "netpoll", "echo server: netpoll (Kestrel's reactor) or net (goroutine per connection)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	switch {
	case *duration <= 0:
		return errors.New("-duration must be positive")
	case *conns < 1 || *conns > loadgen.MaxConns:
		return fmt.Errorf("-conns must be in [1, %d]", loadgen.MaxConns)
	case *size < 0 || *size > demoMaxFrame:
		return fmt.Errorf("-size must be in [0, %d]", demoMaxFrame)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	var stop func() error
	switch *server {
	case "netpoll":
		stop, err = serveDemoNetpoll(ln)
	case "net":
		stop = serveDemoNet(ln)
	default:
		err = fmt.Errorf("unknown -server %q: want netpoll or net", *server)
	}
	if err != nil {
		_ = ln.Close()
		return err
	}
	defer func() { _ = stop() }()

	warmup := min(*duration/10, 500*time.Millisecond)
	fmt.Fprintf(stdout, "kestrel demo: framed echo, %s server on %s, %d connections, %d-byte payloads, %v (after %v warm-up)\n\n",
		*server, ln.Addr(), *conns, *size, *duration, warmup)
	ctx, cancel := context.WithTimeout(context.Background(), *duration+warmup+30*time.Second)
	defer cancel()
	// Size 0 would mean loadgen's default; an empty payload is a legal frame, so pass it through a codec.
	var codec loadgen.Codec = loadgen.Framed{}
	if *size == 0 {
		codec = emptyFramed{}
	}
	r, err := loadgen.Run(ctx, loadgen.Config{
		Addr: ln.Addr().String(), Conns: *conns, Size: *size, Duration: *duration, Warmup: warmup, Codec: codec,
	})
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "QPS\tp50\tp99\tp999\terrors\t")
	fmt.Fprintf(tw, "%.0f\t%v\t%v\t%v\t%d\t\n", r.QPS, roundLatency(r.P50), roundLatency(r.P99), roundLatency(r.P999), r.Errors)
	if err := tw.Flush(); err != nil {
		return err
	}
	if r.Requests == 0 {
		return fmt.Errorf("no reply within %v: the %s server did not answer", *duration, *server)
	}
	return nil
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

// emptyFramed sends frames with no payload whatever the size.
type emptyFramed struct{ loadgen.Framed }

func (f emptyFramed) AppendRequest(dst []byte, _ int) ([]byte, error) {
	return f.Framed.AppendRequest(dst, 0)
}

// serveDemoNetpoll serves the framed echo with Kestrel's netpoll EventLoop.
func serveDemoNetpoll(ln net.Listener) (func() error, error) {
	evl, err := netpoll.NewEventLoop(func(_ context.Context, conn netpoll.Connection) error {
		r, w := conn.Reader(), conn.Writer()
		hdr, err := r.Next(4)
		if err != nil {
			return err
		}
		n := int(binary.BigEndian.Uint32(hdr))
		if n > demoMaxFrame {
			return errDemoFrame
		}
		payload, err := r.Next(n)
		if err != nil {
			return err
		}
		out, err := w.Malloc(4 + n)
		if err != nil {
			return err
		}
		binary.BigEndian.PutUint32(out, uint32(n))
		copy(out[4:], payload)
		if err := r.Release(); err != nil {
			return err
		}
		return w.Flush()
	})
	if err != nil {
		return nil, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = evl.Serve(ln)
	}()
	return func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err := evl.Shutdown(ctx)
		<-done
		return err
	}, nil
}

// serveDemoNet serves the framed echo on the standard net package, a goroutine per connection.
func serveDemoNet(ln net.Listener) func() error {
	var wg sync.WaitGroup
	var mu sync.Mutex
	conns := make(map[net.Conn]struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns[c] = struct{}{}
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() {
					mu.Lock()
					delete(conns, c)
					mu.Unlock()
					_ = c.Close()
				}()
				var buf []byte
				for {
					var hdr [4]byte
					if _, err := io.ReadFull(c, hdr[:]); err != nil {
						return
					}
					n := int(binary.BigEndian.Uint32(hdr[:]))
					if n > demoMaxFrame {
						return
					}
					if len(buf) < 4+n {
						buf = make([]byte, 4+n)
					}
					copy(buf, hdr[:])
					if _, err := io.ReadFull(c, buf[4:4+n]); err != nil {
						return
					}
					if _, err := c.Write(buf[:4+n]); err != nil {
						return
					}
				}
			}()
		}
	}()
	return func() error {
		err := ln.Close()
		mu.Lock()
		for c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
		wg.Wait()
		return err
	}
}
