package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"github.com/kestrel-rpc/kestrel/bench/internal/benchproc"
	"github.com/kestrel-rpc/kestrel/internal/loadgen"
)

// harness starts the processes of each run.
type harness struct {
	server, self string
	pin          bool
	o            *options
	log          io.Writer
	runs         int // ping-pong runs started, numbering the profile files
}

// command builds a command pinned to cpu when pinning is on.
func (h *harness) command(ctx context.Context, cpu string, name string, args ...string) *exec.Cmd {
	return benchproc.Command(ctx, h.pin, cpu, name, args...)
}

// startServer starts a server; with -cpuprofile or -trace, name (when not empty) names its profile files.
func (h *harness) startServer(ctx context.Context, impl, name string) (*benchproc.Server, error) {
	args := []string{"-impl", impl}
	profiled := false
	if name != "" && h.o.cpuProfileDir != "" {
		args = append(args, "-cpuprofile", filepath.Join(h.o.cpuProfileDir, name+".pprof"))
		profiled = true
	}
	if name != "" && h.o.traceDir != "" {
		args = append(args, "-trace", filepath.Join(h.o.traceDir, name+".trace"))
		profiled = true
	}
	if name != "" && h.o.schedLat {
		args = append(args, "-schedlat")
		profiled = true
	}
	cmd := h.command(ctx, "0", h.server, args...)
	cmd.Stderr = h.log
	s, err := benchproc.StartServer(cmd, profiled)
	if err != nil {
		return nil, fmt.Errorf("server %s: %w", impl, err)
	}
	return s, nil
}

// pingPong runs one cell of the matrix against a fresh server.
func (h *harness) pingPong(ctx context.Context, impl string, p point) (benchproc.Sample, error) {
	h.runs++
	srv, err := h.startServer(ctx, impl, fmt.Sprintf("%s-conns%d-size%d-run%d", impl, p.Conns, p.Size, h.runs))
	if err != nil {
		return benchproc.Sample{}, err
	}
	defer srv.Kill()
	timeout := h.o.warmup + h.o.duration + 30*time.Second
	lctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ld := h.command(lctx, "1", h.self, "-loader", "-addr", srv.Addr, "-conns", strconv.Itoa(p.Conns),
		"-size", strconv.Itoa(p.Size), "-duration", h.o.duration.String(), "-warmup", h.o.warmup.String())
	ld.Stderr = h.log
	s, err := benchproc.RunWindow(srv, ld)
	s.Impl, s.Point = impl, p
	return s, err
}

// idleRun measures the server's memory per idle connection.
func (h *harness) idleRun(ctx context.Context, impl string, n int) (idleSample, error) {
	s := idleSample{impl: impl, idleConns: n}
	srv, err := h.startServer(ctx, impl, "")
	if err != nil {
		return s, err
	}
	defer srv.Kill()
	m0, err := srv.Stats(true)
	if err != nil {
		return s, err
	}
	if s.idleRSS0, err = srv.RSS(); err != nil {
		return s, err
	}
	ictx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	idler := h.command(ictx, "1", h.self, "-idler", "-addr", srv.Addr, "-n", strconv.Itoa(n))
	idler.Stderr = h.log
	in, err := idler.StdinPipe()
	if err != nil {
		return s, err
	}
	stdout, err := idler.StdoutPipe()
	if err != nil {
		return s, err
	}
	if err := idler.Start(); err != nil {
		return s, err
	}
	defer func() { _ = in.Close(); _ = idler.Wait() }()
	sc := bufio.NewScanner(stdout)
	if !sc.Scan() || sc.Text() != "ready" {
		return s, fmt.Errorf("idler: %q %v", sc.Text(), sc.Err())
	}
	time.Sleep(500 * time.Millisecond) // let handler goroutines park or exit
	m1, err := srv.Stats(true)
	if err != nil {
		return s, err
	}
	if s.idleRSS1, err = srv.RSS(); err != nil {
		return s, err
	}
	s.idleHeap0, s.idleHeap1 = m0.Heap, m1.Heap
	s.idleGorout0, s.idleGorout1 = m0.Goroutines, m1.Goroutines
	return s, nil
}

// loaderMain is the load process: one loadgen.Run, "window" when the window opens, then a JSON line.
func loaderMain(args []string) int {
	fs := flag.NewFlagSet("loader", flag.ContinueOnError)
	addr := fs.String("addr", "", "server address")
	conns := fs.Int("conns", 100, "connections")
	size := fs.Int("size", 1024, "payload bytes")
	duration := fs.Duration("duration", 4*time.Second, "window")
	warmup := fs.Duration("warmup", time.Second, "warm-up")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	runtime.GOMAXPROCS(1)
	benchproc.RaiseNoFile()
	r, err := loadgen.Run(context.Background(), loadgen.Config{
		Addr: *addr, Conns: *conns, Size: *size, Duration: *duration, Warmup: *warmup,
		OnMeasure: func() { _, _ = os.Stdout.WriteString(benchproc.WindowLine + "\n") },
	})
	res := benchproc.LoadResult{Requests: r.Requests, Errors: r.Errors, Duration: r.Duration, Mean: r.Mean, P50: r.P50,
		P99: r.P99, P999: r.P999, CPU: r.CPU, QPS: r.QPS}
	if err != nil {
		res.Err = err.Error()
	}
	if err := benchproc.WriteLoadResult(os.Stdout, res); err != nil {
		return 1
	}
	return 0
}

// idlerMain opens n connections, echoes one 128-byte frame on each, says "ready" and holds them until
// stdin closes; then it resets them (no TIME_WAIT left behind).
func idlerMain(args []string) int {
	fs := flag.NewFlagSet("idler", flag.ContinueOnError)
	addr := fs.String("addr", "", "server address")
	n := fs.Int("n", 10000, "connections")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	benchproc.RaiseNoFile()
	req, _ := loadgen.Framed{}.AppendRequest(nil, 128)
	reply := make([]byte, len(req))
	conns := make([]*net.TCPConn, 0, *n)
	defer func() {
		for _, c := range conns {
			_ = c.SetLinger(0)
			_ = c.Close()
		}
	}()
	for range *n {
		c, err := net.DialTimeout("tcp", *addr, 5*time.Second)
		if err != nil {
			fmt.Fprintf(os.Stderr, "idler: after %d connections: %v\n", len(conns), err)
			return 1
		}
		tc := c.(*net.TCPConn)
		conns = append(conns, tc)
		_ = tc.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := tc.Write(req); err != nil {
			fmt.Fprintln(os.Stderr, "idler:", err)
			return 1
		}
		if _, err := io.ReadFull(tc, reply); err != nil {
			fmt.Fprintln(os.Stderr, "idler:", err)
			return 1
		}
	}
	fmt.Println("ready")
	_, _ = io.Copy(io.Discard, os.Stdin)
	return 0
}
