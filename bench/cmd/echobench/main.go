// Command echobench is the side-by-side framed echo benchmark of DESIGN.md §6: it builds
// bench/cmd/echoserver, starts each implementation pinned to CPU 0 (taskset -c 0), drives it from a
// load generator process pinned to CPU 1 (taskset -c 1, internal/loadgen, GOMAXPROCS=1), and prints a
// readable table and Go benchmark-format lines for benchstat. Run it from the bench module:
//
//	cd bench && go run ./cmd/echobench                # the whole matrix, about 7 minutes
//	cd bench && go run ./cmd/echobench -count 1 -duration 1s -extra '' -idle 0   # a quick look
//	cd bench && go run ./cmd/echobench -count 1 -sizes 16384 -extra '' -idle 0 -cpuprofile /tmp/prof
//
// -cpuprofile DIR and -trace DIR make every ping-pong server write a pprof CPU profile or an execution
// trace (`go tool trace -pprof=sched` gives scheduler latency) named <impl>-conns<n>-size<n>-run<n>;
// -schedlat makes each print the quantiles of its goroutines' scheduling latency on stderr.
//
// The matrix: every implementation × payloads 128 B, 1 KB, 16 KB at 100 connections, plus 1 and 1000
// connections at 1 KB, each run -count times (implementations interleaved within a repetition), then
// the memory per idle connection at 10 000 connections. docs/benchmarks-netpoll.md explains each
// column. The same binary serves as the load process (-loader) and the idle-connection holder
// (-idler); those modes are internal.
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
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/kestrel-rpc/kestrel/bench/echo"
	"github.com/kestrel-rpc/kestrel/bench/internal/benchproc"
)

type options struct {
	count     int
	duration  time.Duration
	warmup    time.Duration
	impls     []string
	sizes     []int
	conns     int
	extra     []int
	extraSize int
	idle      int
	server    string
	pin       bool
	out       string
	// cpuProfileDir and traceDir, when set, receive a CPU profile and an execution trace of every
	// ping-pong run's server (whole process life, warm-up included).
	cpuProfileDir string
	traceDir      string
	schedLat      bool // servers print scheduling latency quantiles on stderr when they stop
}

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "-loader":
			os.Exit(loaderMain(os.Args[2:]))
		case "-idler":
			os.Exit(idlerMain(os.Args[2:]))
		}
	}
	var o options
	var impls, sizes, extra string
	flag.IntVar(&o.count, "count", 3, "repetitions of every run")
	flag.DurationVar(&o.duration, "duration", 3*time.Second, "measured window of each run")
	flag.DurationVar(&o.warmup, "warmup", time.Second, "warm-up before each window")
	flag.StringVar(&impls, "impls", strings.Join(echo.Impls, ","), "implementations, comma-separated")
	flag.StringVar(&sizes, "sizes", "128,1024,16384", "payload sizes at -conns connections")
	flag.IntVar(&o.conns, "conns", 100, "connections of the main matrix")
	flag.StringVar(&extra, "extra", "1,1000", "connection counts of the smaller matrix at -extra-size ('' for none)")
	flag.IntVar(&o.extraSize, "extra-size", 1024, "payload size of the smaller matrix")
	flag.IntVar(&o.idle, "idle", 10000, "idle connections for the memory run (0 to skip)")
	flag.StringVar(&o.server, "server", "", "prebuilt echoserver binary (default: go build it)")
	flag.BoolVar(&o.pin, "pin", true, "pin the server to CPU 0 and the load to CPU 1 with taskset")
	flag.StringVar(&o.out, "o", "", "also write the benchmark-format lines to this file")
	flag.StringVar(&o.cpuProfileDir, "cpuprofile", "", "write each ping-pong server's CPU profile into this directory")
	flag.StringVar(&o.traceDir, "trace", "", "write each ping-pong server's execution trace into this directory")
	flag.BoolVar(&o.schedLat, "schedlat", false, "each ping-pong server prints its scheduling latency quantiles (runtime/metrics)")
	flag.Parse()
	var err error
	o.impls = benchproc.SplitList(impls)
	if o.sizes, err = benchproc.SplitInts(sizes); err == nil {
		o.extra, err = benchproc.SplitInts(extra)
	}
	for _, impl := range o.impls {
		if !slices.Contains(echo.Impls, impl) {
			err = fmt.Errorf("unknown implementation %q (have %v)", impl, echo.Impls)
		}
	}
	if err == nil && (o.count < 1 || o.duration <= 0 || o.warmup < 0) {
		err = errors.New("-count must be ≥ 1, -duration > 0, -warmup ≥ 0")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "echobench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := drive(ctx, &o, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "echobench:", err)
		os.Exit(1)
	}
}

// point is one cell of the matrix.
type point = benchproc.Point

// idleSample is what one idle-connection run measured.
type idleSample struct {
	impl                     string
	idleConns                int
	idleRSS0, idleRSS1       int64
	idleHeap0, idleHeap1     int64
	idleGorout0, idleGorout1 int
}

func drive(ctx context.Context, o *options, stdout, stderr io.Writer) error {
	benchproc.RaiseNoFile()
	pin := o.pin
	if pin && !benchproc.CanPin() {
		fmt.Fprintln(stderr, "echobench: taskset not found: running unpinned")
		pin = false
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	server := o.server
	if server == "" {
		dir, err := os.MkdirTemp("", "echobench")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		server = filepath.Join(dir, "echoserver")
		build := exec.CommandContext(ctx, "go", "build", "-o", server, "github.com/kestrel-rpc/kestrel/bench/cmd/echoserver")
		build.Stdout, build.Stderr = stderr, stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("building echoserver (run from the bench module): %w", err)
		}
	}
	var points []point
	for _, size := range o.sizes {
		points = append(points, point{Conns: o.conns, Size: size})
	}
	for _, c := range o.extra {
		points = append(points, point{Conns: c, Size: o.extraSize})
	}
	runs := o.count * len(points) * len(o.impls)
	perRun := o.warmup + o.duration + 700*time.Millisecond // plus starting both processes and dialing
	idleRuns := 0
	if o.idle > 0 {
		idleRuns = o.count * len(o.impls)
	}
	est := time.Duration(runs)*perRun + time.Duration(idleRuns)*5*time.Second
	fmt.Fprintf(stdout, "# echobench %s: %d ping-pong runs of %v + %v warm-up, %d idle runs; about %v\n",
		time.Now().UTC().Format(time.RFC3339), runs, o.duration, o.warmup, idleRuns, est.Round(time.Second))
	fmt.Fprintf(stdout, "# %s, %d CPUs, %s, server pinned: %v\n", benchproc.CPUModel(), runtime.NumCPU(), runtime.Version(), pin)

	log := stderr
	if _, ok := stderr.(*os.File); !ok {
		log = &benchproc.LockedWriter{W: stderr} // child processes' stderr is copied by one goroutine each
	}
	h := &harness{server: server, self: self, pin: pin, o: o, log: log}
	var samples []benchproc.Sample
	var idles []idleSample
	var failures []string
	start := time.Now()
	for rep := range o.count {
		for _, p := range points {
			for _, impl := range o.impls {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				t0 := time.Now()
				s, err := h.pingPong(ctx, impl, p)
				if err != nil {
					failures = append(failures, fmt.Sprintf("%s conns=%d size=%d: %v", impl, p.Conns, p.Size, err))
					fmt.Fprintf(log, "run %s conns=%d size=%d rep %d: FAILED: %v\n", impl, p.Conns, p.Size, rep+1, err)
					continue
				}
				fmt.Fprintf(log, "run %-14s conns=%-4d size=%-5d rep %d: %9.0f qps %7.2f us/req-cpu p99 %-12v load-cpu %3.0f%% srv-rq-wait %3.0f%% (%v)\n",
					impl, p.Conns, p.Size, rep+1, s.QPS, s.UsPerReq(), s.P99, 100*s.LoaderUtil(), 100*s.RQWait(), time.Since(t0).Round(100*time.Millisecond))
				samples = append(samples, s)
			}
		}
		if o.idle > 0 {
			for _, impl := range o.impls {
				t0 := time.Now()
				s, err := h.idleRun(ctx, impl, o.idle)
				if err != nil {
					failures = append(failures, fmt.Sprintf("%s idle: %v", impl, err))
					fmt.Fprintf(log, "idle %s rep %d: FAILED: %v\n", impl, rep+1, err)
					continue
				}
				fmt.Fprintf(log, "idle %-14s rep %d: %.0f B/conn (%v)\n", impl, rep+1,
					float64(s.idleRSS1-s.idleRSS0)/float64(s.idleConns), time.Since(t0).Round(100*time.Millisecond))
				idles = append(idles, s)
			}
		}
	}
	fmt.Fprintf(stdout, "# finished in %v\n\n", time.Since(start).Round(time.Second))
	printTable(stdout, o, points, samples, idles)
	lines := benchLines(samples, idles)
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

// printTable writes the medians over repetitions, one row per implementation and matrix cell, then the
// idle-connection table.
func printTable(w io.Writer, o *options, points []point, samples []benchproc.Sample, idles []idleSample) {
	benchproc.PrintTable(w, "conns", o.impls, points, samples)
	if o.idle <= 0 {
		return
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "idle conns\timpl\tRSS before MB\tRSS after MB\tRSS B/conn\theap B/conn\tgoroutines\truns\t")
	for _, impl := range o.impls {
		var r0, r1, per, heap, gor []float64
		for _, s := range idles {
			if s.impl != impl {
				continue
			}
			r0, r1 = append(r0, float64(s.idleRSS0)/(1<<20)), append(r1, float64(s.idleRSS1)/(1<<20))
			per = append(per, float64(s.idleRSS1-s.idleRSS0)/float64(s.idleConns))
			heap = append(heap, float64(s.idleHeap1-s.idleHeap0)/float64(s.idleConns))
			gor = append(gor, float64(s.idleGorout1))
		}
		if len(per) == 0 {
			continue
		}
		fmt.Fprintf(tw, "%d\t%s\t%.1f\t%.1f\t%.0f\t%.0f\t%.0f\t%d\t\n", o.idle, impl, benchproc.Median(r0), benchproc.Median(r1),
			benchproc.Median(per), benchproc.Median(heap), benchproc.Median(gor), len(per))
	}
	_ = tw.Flush()
	fmt.Fprintln(w, "(RSS and Go heap growth per connection after a GC in the server, each connection having echoed one 128 B frame)")
}

// benchLines renders every run in Go benchmark format; `benchstat -col /impl` compares implementations.
func benchLines(samples []benchproc.Sample, idles []idleSample) string {
	var b strings.Builder
	b.WriteString(benchproc.BenchLines("github.com/kestrel-rpc/kestrel/bench/echo", "Echo", "conns", samples))
	for _, s := range idles {
		fmt.Fprintf(&b, "BenchmarkIdleConn/impl=%s/conns=%d 1 %.0f B/conn %.0f heap-B/conn\n", s.impl, s.idleConns,
			float64(s.idleRSS1-s.idleRSS0)/float64(s.idleConns), float64(s.idleHeap1-s.idleHeap0)/float64(s.idleConns))
	}
	return b.String()
}
