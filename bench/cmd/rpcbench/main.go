// Command rpcbench is the side-by-side RPC echo benchmark of DESIGN.md §6 and issue 4: it builds
// bench/cmd/rpcserver, starts each implementation's server pinned to CPU 0 (taskset -c 0), drives it
// from a load process pinned to CPU 1 (taskset -c 1, GOMAXPROCS=1) running that implementation's
// client, and prints a readable table and Go benchmark-format lines for benchstat. Run it from the bench
// module:
//
//	cd bench && go run ./cmd/rpcbench -o /tmp/rpc.txt      # the whole matrix, about 9 minutes
//	cd bench && go run ./cmd/rpcbench -count 1 -duration 1s -extra ''              # a quick look
//	cd bench && go run ./cmd/rpcbench -impls kestrel-loadgen -sizes 1024 -extra '' -cpuprofile /tmp/prof
//	benchstat -col /impl /tmp/rpc.txt
//
// The implementations (package bench/rpc, Impls), each a server and the client that loads it:
//
//	grpc             grpc-go server, grpc-go client (protobuf; one ClientConn shared by the callers)
//	apache           Apache Thrift Go 0.17 TSimpleServer, Framed + Binary, its generated client (one per caller)
//	kestrel          Kestrel server, Kestrel's generated client (TTHeader + Binary; one client, pooled connections)
//	kestrel-apache   Kestrel server, Apache Thrift's client (Framed + Binary)
//	kestrel-loadgen  Kestrel server, internal/loadgen sending Framed Binary Echo calls (bench/rpc.FramedEcho)
//	apache-loadgen   Apache's server under the same lean load, for comparison with kestrel-loadgen
//	framed-echo      bench/echo's bare framed echo on Kestrel's netpoll under internal/loadgen: the floor
//	grpc-conns       (only when named in -impls) grpc-go with a ClientConn, so a connection, per caller
//
// The matrix: every implementation × payloads 128 B, 1 KB, 16 KB at 100 concurrent callers, plus 1 and
// 1000 callers at 1 KB, each run -count times with the implementations interleaved within a
// repetition. A run during which other processes used more than -max-other of a CPU (a shared
// machine) is run again, up to -retries times, and the quietest attempt is kept. -cpuprofile DIR and -trace DIR make every server write a pprof CPU profile or an execution
// trace named <impl>-callers<n>-size<n>-run<n>; -schedlat makes each print its goroutines' scheduling
// latency quantiles on stderr. The same binary serves as the load process (-loader, internal).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/kestrel-rpc/kestrel/bench/internal/benchproc"
	"github.com/kestrel-rpc/kestrel/bench/rpc"
)

type options struct {
	count     int
	duration  time.Duration
	warmup    time.Duration
	impls     []rpc.Impl
	sizes     []int
	callers   int
	extra     []int
	extraSize int
	server    string
	pin       bool
	out       string
	// cpuProfileDir and traceDir, when set, receive a CPU profile and an execution trace of every
	// run's server (whole process life, warm-up included).
	cpuProfileDir string
	traceDir      string
	schedLat      bool
	// maxOther and retries: a run during which the rest of the machine used more than maxOther of a CPU
	// is run again, up to retries times, and the quietest attempt is kept.
	maxOther float64
	retries  int
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "-loader" {
		os.Exit(loaderMain(os.Args[2:]))
	}
	var o options
	var impls, sizes, extra string
	names := make([]string, len(rpc.Impls))
	for i, im := range rpc.Impls {
		names[i] = im.Name
	}
	flag.IntVar(&o.count, "count", 3, "repetitions of every run")
	flag.DurationVar(&o.duration, "duration", 3*time.Second, "measured window of each run")
	flag.DurationVar(&o.warmup, "warmup", time.Second, "warm-up before each window")
	flag.StringVar(&impls, "impls", strings.Join(names, ","), "implementations, comma-separated")
	flag.StringVar(&sizes, "sizes", "128,1024,16384", "payload sizes at -callers concurrent callers")
	flag.IntVar(&o.callers, "callers", 100, "concurrent callers of the main matrix")
	flag.StringVar(&extra, "extra", "1,1000", "caller counts of the smaller matrix at -extra-size ('' for none)")
	flag.IntVar(&o.extraSize, "extra-size", 1024, "payload size of the smaller matrix")
	flag.StringVar(&o.server, "server", "", "prebuilt rpcserver binary (default: go build it)")
	flag.BoolVar(&o.pin, "pin", true, "pin the server to CPU 0 and the load to CPU 1 with taskset")
	flag.StringVar(&o.out, "o", "", "also write the benchmark-format lines to this file")
	flag.StringVar(&o.cpuProfileDir, "cpuprofile", "", "write each server's CPU profile into this directory")
	flag.StringVar(&o.traceDir, "trace", "", "write each server's execution trace into this directory")
	flag.BoolVar(&o.schedLat, "schedlat", false, "each server prints its scheduling latency quantiles (runtime/metrics)")
	flag.Float64Var(&o.maxOther, "max-other", 0.1, "retry a run during which other processes used more than this fraction of a CPU (0: never)")
	flag.IntVar(&o.retries, "retries", 3, "retries of a run that -max-other finds noisy; the quietest attempt is kept")
	flag.Parse()
	var err error
	for _, name := range benchproc.SplitList(impls) {
		im, lerr := rpc.LookupImpl(name)
		err = errors.Join(err, lerr)
		o.impls = append(o.impls, im)
	}
	if err == nil {
		if o.sizes, err = benchproc.SplitInts(sizes); err == nil {
			o.extra, err = benchproc.SplitInts(extra)
		}
	}
	if err == nil && (o.count < 1 || o.duration <= 0 || o.warmup < 0 || o.callers < 1) {
		err = errors.New("-count and -callers must be ≥ 1, -duration > 0, -warmup ≥ 0")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "rpcbench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := drive(ctx, &o, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "rpcbench:", err)
		os.Exit(1)
	}
}

func drive(ctx context.Context, o *options, stdout, stderr io.Writer) error {
	benchproc.RaiseNoFile()
	pin := o.pin
	if pin && !benchproc.CanPin() {
		fmt.Fprintln(stderr, "rpcbench: taskset not found: running unpinned")
		pin = false
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	server := o.server
	if server == "" {
		dir, err := os.MkdirTemp("", "rpcbench")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		server = filepath.Join(dir, "rpcserver")
		build := exec.CommandContext(ctx, "go", "build", "-o", server, "github.com/kestrel-rpc/kestrel/bench/cmd/rpcserver")
		build.Stdout, build.Stderr = stderr, stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("building rpcserver (run from the bench module): %w", err)
		}
	}
	var points []benchproc.Point
	for _, size := range o.sizes {
		points = append(points, benchproc.Point{Conns: o.callers, Size: size})
	}
	for _, c := range o.extra {
		points = append(points, benchproc.Point{Conns: c, Size: o.extraSize})
	}
	runs := o.count * len(points) * len(o.impls)
	perRun := o.warmup + o.duration + time.Second // plus starting both processes and dialing
	fmt.Fprintf(stdout, "# rpcbench %s: %d runs of %v + %v warm-up; about %v\n",
		time.Now().UTC().Format(time.RFC3339), runs, o.duration, o.warmup, (time.Duration(runs) * perRun).Round(time.Second))
	fmt.Fprintf(stdout, "# %s, %d CPUs, %s, server pinned: %v\n", benchproc.CPUModel(), runtime.NumCPU(), runtime.Version(), pin)

	log := stderr
	if _, ok := stderr.(*os.File); !ok {
		log = &benchproc.LockedWriter{W: stderr}
	}
	h := &harness{server: server, self: self, pin: pin, o: o, log: log}
	var samples []benchproc.Sample
	var failures []string
	start := time.Now()
	for rep := range o.count {
		for _, p := range points {
			for _, im := range o.impls {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				t0 := time.Now()
				s, err := h.quietRun(ctx, im, p)
				if err != nil {
					failures = append(failures, fmt.Sprintf("%s callers=%d size=%d: %v", im.Name, p.Conns, p.Size, err))
					fmt.Fprintf(log, "run %s callers=%d size=%d rep %d: FAILED: %v\n", im.Name, p.Conns, p.Size, rep+1, err)
					continue
				}
				fmt.Fprintf(log, "run %-15s callers=%-4d size=%-5d rep %d: %9.0f qps %7.2f us/req-cpu p99 %-12v load-cpu %3.0f%% srv-rq-wait %3.0f%% other-cpu %3.0f%% (%v)\n",
					im.Name, p.Conns, p.Size, rep+1, s.QPS, s.UsPerReq(), s.P99, 100*s.LoaderUtil(), 100*s.RQWait(), 100*s.OtherUtil(),
					time.Since(t0).Round(100*time.Millisecond))
				samples = append(samples, s)
			}
		}
	}
	fmt.Fprintf(stdout, "# finished in %v\n\n", time.Since(start).Round(time.Second))
	names := make([]string, len(o.impls))
	for i, im := range o.impls {
		names[i] = im.Name
	}
	benchproc.PrintTable(stdout, "callers", names, points, samples)
	lines := benchproc.BenchLines("github.com/kestrel-rpc/kestrel/bench/rpc", "RPCEcho", "callers", samples)
	fmt.Fprintln(stdout)
	fmt.Fprint(stdout, lines)
	if o.out != "" {
		if err := os.WriteFile(o.out, []byte(lines), 0o644); err != nil {
			return err
		}
	}
	if len(failures) > 0 {
		return fmt.Errorf("%d runs failed:\n  %s", len(failures), strings.Join(failures, "\n  "))
	}
	return nil
}

// harness starts the processes of each run.
type harness struct {
	server, self string
	pin          bool
	o            *options
	log          io.Writer
	runs         int // runs started, numbering the profile files
}

// quietRun is run, repeated while other processes used more than -max-other of a CPU during the
// window (at most -retries times); it returns the quietest attempt.
func (h *harness) quietRun(ctx context.Context, im rpc.Impl, p benchproc.Point) (benchproc.Sample, error) {
	best, err := h.run(ctx, im, p)
	for try := 0; err == nil && h.o.maxOther > 0 && best.OtherUtil() > h.o.maxOther && try < h.o.retries; try++ {
		fmt.Fprintf(h.log, "run %s callers=%d size=%d: other processes used %.0f%% of a CPU, running it again\n",
			im.Name, p.Conns, p.Size, 100*best.OtherUtil())
		s, rerr := h.run(ctx, im, p)
		if rerr != nil {
			return s, rerr
		}
		if s.OtherUtil() < best.OtherUtil() {
			best = s
		}
	}
	return best, err
}

// run measures one implementation at one point against a fresh server.
func (h *harness) run(ctx context.Context, im rpc.Impl, p benchproc.Point) (benchproc.Sample, error) {
	h.runs++
	name := fmt.Sprintf("%s-callers%d-size%d-run%d", im.Name, p.Conns, p.Size, h.runs)
	args := []string{"-server", im.Server}
	profiled := false
	if h.o.cpuProfileDir != "" {
		args = append(args, "-cpuprofile", filepath.Join(h.o.cpuProfileDir, name+".pprof"))
		profiled = true
	}
	if h.o.traceDir != "" {
		args = append(args, "-trace", filepath.Join(h.o.traceDir, name+".trace"))
		profiled = true
	}
	if h.o.schedLat {
		args = append(args, "-schedlat")
		profiled = true
	}
	cmd := benchproc.Command(ctx, h.pin, "0", h.server, args...)
	cmd.Stderr = h.log
	srv, err := benchproc.StartServer(cmd, profiled)
	if err != nil {
		return benchproc.Sample{}, fmt.Errorf("server %s: %w", im.Server, err)
	}
	defer srv.Kill()
	lctx, cancel := context.WithTimeout(ctx, h.o.warmup+h.o.duration+30*time.Second)
	defer cancel()
	ld := benchproc.Command(lctx, h.pin, "1", h.self, "-loader", "-client", im.Client, "-addr", srv.Addr,
		"-callers", strconv.Itoa(p.Conns), "-size", strconv.Itoa(p.Size),
		"-duration", h.o.duration.String(), "-warmup", h.o.warmup.String())
	ld.Stderr = h.log
	s, err := benchproc.RunWindow(srv, ld)
	s.Impl, s.Point = im.Name, p
	return s, err
}

// loaderMain is the load process: one rpc.Load, "window" when the window opens, then a JSON line.
func loaderMain(args []string) int {
	fs := flag.NewFlagSet("loader", flag.ContinueOnError)
	client := fs.String("client", "", "client: one of "+strings.Join(rpc.Clients, ", "))
	addr := fs.String("addr", "", "server address")
	callers := fs.Int("callers", 100, "concurrent callers")
	size := fs.Int("size", 1024, "payload bytes")
	duration := fs.Duration("duration", 3*time.Second, "window")
	warmup := fs.Duration("warmup", time.Second, "warm-up")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	runtime.GOMAXPROCS(1) // the load is one CPU's worth, whatever the client
	benchproc.RaiseNoFile()
	r, err := rpc.Load(context.Background(), rpc.LoadConfig{
		Client: *client, Addr: *addr, Callers: *callers, Size: *size, Duration: *duration, Warmup: *warmup,
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
