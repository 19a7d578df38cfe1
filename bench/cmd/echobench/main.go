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
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/kestrel-rpc/kestrel/bench/echo"
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
	o.impls = splitList(impls)
	if o.sizes, err = splitInts(sizes); err == nil {
		o.extra, err = splitInts(extra)
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

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func splitInts(s string) ([]int, error) {
	var out []int
	for _, f := range splitList(s) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("bad number %q in %q", f, s)
		}
		out = append(out, n)
	}
	return out, nil
}

// point is one cell of the matrix.
type point struct {
	conns, size int
}

// sample is what one run measured.
type sample struct {
	impl string
	point
	qps                      float64
	mean, p50, p99, p999     time.Duration
	requests, errors         int64
	window                   time.Duration
	serverCPU                time.Duration
	serverRQWait             time.Duration // server threads runnable but waiting for a CPU (other processes)
	rss                      int64         // bytes, at the end of the window
	allocsPerReq             float64
	loaderCPU                time.Duration
	idleConns                int
	idleRSS0, idleRSS1       int64
	idleHeap0, idleHeap1     int64
	idleGorout0, idleGorout1 int
}

func (s *sample) usPerReq() float64 {
	return float64(s.serverCPU.Nanoseconds()) / 1e3 / float64(max(s.requests, 1))
}
func (s *sample) serverUtil() float64 { return s.serverCPU.Seconds() / s.window.Seconds() }
func (s *sample) rqWait() float64     { return s.serverRQWait.Seconds() / s.window.Seconds() }
func (s *sample) loaderUtil() float64 { return s.loaderCPU.Seconds() / s.window.Seconds() }

func drive(ctx context.Context, o *options, stdout, stderr io.Writer) error {
	raiseNoFile()
	pin := o.pin
	if _, err := exec.LookPath("taskset"); pin && err != nil {
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
		points = append(points, point{o.conns, size})
	}
	for _, c := range o.extra {
		points = append(points, point{c, o.extraSize})
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
	fmt.Fprintf(stdout, "# %s, %d CPUs, %s, server pinned: %v\n", cpuModel(), runtime.NumCPU(), runtime.Version(), pin)

	log := stderr
	if _, ok := stderr.(*os.File); !ok {
		log = &lockedWriter{w: stderr} // child processes' stderr is copied by one goroutine each
	}
	h := &harness{server: server, self: self, pin: pin, o: o, log: log}
	var samples []sample
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
					failures = append(failures, fmt.Sprintf("%s conns=%d size=%d: %v", impl, p.conns, p.size, err))
					fmt.Fprintf(log, "run %s conns=%d size=%d rep %d: FAILED: %v\n", impl, p.conns, p.size, rep+1, err)
					continue
				}
				fmt.Fprintf(log, "run %-14s conns=%-4d size=%-5d rep %d: %9.0f qps %7.2f us/req-cpu p99 %-12v load-cpu %3.0f%% srv-rq-wait %3.0f%% (%v)\n",
					impl, p.conns, p.size, rep+1, s.qps, s.usPerReq(), s.p99, 100*s.loaderUtil(), 100*s.rqWait(), time.Since(t0).Round(100*time.Millisecond))
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
				samples = append(samples, s)
			}
		}
	}
	fmt.Fprintf(stdout, "# finished in %v\n\n", time.Since(start).Round(time.Second))
	printTable(stdout, o, points, samples)
	lines := benchLines(samples)
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

// lockedWriter serialises writes from several goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

// sizeName writes 1024 as 1KB.
func sizeName(n int) string {
	if n >= 1<<10 && n%(1<<10) == 0 {
		return fmt.Sprintf("%dKB", n>>10)
	}
	return fmt.Sprintf("%dB", n)
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func us(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }

// printTable writes the medians over repetitions, one row per implementation and matrix cell.
func printTable(w io.Writer, o *options, points []point, samples []sample) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "conns\tsize\timpl\tQPS\tavg µs\tp50 µs\tp99 µs\tp999 µs\tsrv CPU\tsrv RQ wait\tµs/req CPU\tsrv RSS MB\tallocs/req\tload CPU\terrors\truns\t")
	for _, p := range points {
		for _, impl := range o.impls {
			var q, avg, p50, p99, p999, cpu, rqw, upr, rss, allocs, load []float64
			var errs int64
			for _, s := range samples {
				if s.impl != impl || s.point != p || s.idleConns != 0 {
					continue
				}
				q = append(q, s.qps)
				avg, p50, p99, p999 = append(avg, us(s.mean)), append(p50, us(s.p50)), append(p99, us(s.p99)), append(p999, us(s.p999))
				cpu, upr, load = append(cpu, 100*s.serverUtil()), append(upr, s.usPerReq()), append(load, 100*s.loaderUtil())
				rqw = append(rqw, 100*s.rqWait())
				rss, allocs = append(rss, float64(s.rss)/(1<<20)), append(allocs, s.allocsPerReq)
				errs += s.errors
			}
			if len(q) == 0 {
				continue
			}
			mark := ""
			if median(load) >= 90 {
				mark = "*"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%.0f\t%.1f\t%.1f\t%.1f\t%.1f\t%.0f%%\t%.0f%%\t%.2f\t%.1f\t%.2f\t%.0f%%%s\t%d\t%d\t\n",
				p.conns, sizeName(p.size), impl, median(q), median(avg), median(p50), median(p99), median(p999),
				median(cpu), median(rqw), median(upr), median(rss), median(allocs), median(load), mark, errs, len(q))
		}
	}
	_ = tw.Flush()
	fmt.Fprintln(w, "(medians over runs; * = the load generator used ≥ 90% of its CPU, so QPS is bounded by it and µs/req CPU ranks the servers;")
	fmt.Fprintln(w, " srv RQ wait = time the server's threads were runnable but waited for CPU 0 (other processes), / window: p99 is only comparable when it is low)")

	if o.idle <= 0 {
		return
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "idle conns\timpl\tRSS before MB\tRSS after MB\tRSS B/conn\theap B/conn\tgoroutines\truns\t")
	for _, impl := range o.impls {
		var r0, r1, per, heap, gor []float64
		for _, s := range samples {
			if s.impl != impl || s.idleConns == 0 {
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
		fmt.Fprintf(tw, "%d\t%s\t%.1f\t%.1f\t%.0f\t%.0f\t%.0f\t%d\t\n", o.idle, impl, median(r0), median(r1), median(per), median(heap), median(gor), len(per))
	}
	_ = tw.Flush()
	fmt.Fprintln(w, "(RSS and Go heap growth per connection after a GC in the server, each connection having echoed one 128 B frame)")
}

// benchLines renders every run in Go benchmark format; `benchstat -col /impl` compares implementations.
func benchLines(samples []sample) string {
	var b strings.Builder
	b.WriteString("goos: " + runtime.GOOS + "\ngoarch: " + runtime.GOARCH + "\npkg: github.com/kestrel-rpc/kestrel/bench/echo\ncpu: " + cpuModel() + "\n")
	for _, s := range samples {
		if s.idleConns != 0 {
			fmt.Fprintf(&b, "BenchmarkIdleConn/impl=%s/conns=%d 1 %.0f B/conn %.0f heap-B/conn\n", s.impl, s.idleConns,
				float64(s.idleRSS1-s.idleRSS0)/float64(s.idleConns), float64(s.idleHeap1-s.idleHeap0)/float64(s.idleConns))
			continue
		}
		fmt.Fprintf(&b, "BenchmarkEcho/impl=%s/size=%s/conns=%d %d %.1f ns/op %.0f qps %.3f us/req-cpu %.1f avg-us %.1f p50-us %.1f p99-us %.1f p999-us %.2f allocs/op %.1f srv-rqwait-%% %d rss-B %.1f loadgen-cpu-%%\n",
			s.impl, sizeName(s.size), s.conns, s.requests, 1e9/max(s.qps, 1e-9), s.qps, s.usPerReq(), us(s.mean), us(s.p50), us(s.p99), us(s.p999),
			s.allocsPerReq, 100*s.rqWait(), s.rss, 100*s.loaderUtil())
	}
	return b.String()
}

// raiseNoFile lifts RLIMIT_NOFILE for the connections a run opens (root may raise the hard limit).
func raiseNoFile() {
	var lim syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim) != nil {
		return
	}
	const want = 1 << 17
	if lim.Cur >= want {
		return
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: want, Max: max(want, lim.Max)}); err != nil {
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: lim.Max, Max: lim.Max})
	}
}

// loaderOut is the load process's report to the driver, one JSON line.
type loaderOut struct {
	Requests, Errors                    int64
	Duration, Mean, P50, P99, P999, CPU time.Duration
	QPS                                 float64
	Err                                 string
}
