// Command echoserver runs one framed echo server of package bench/echo for bench/cmd/echobench:
//
//	echoserver -impl kestrel|kestrel-nospin|kestrel-noptr|cloudwego|stdnet [-addr 127.0.0.1:0]
//	           [-cpuprofile file] [-trace file] [-schedlat]
//
// -cpuprofile and -trace record a pprof CPU profile and a runtime/trace execution trace from start to
// exit; both are written when stdin closes (echobench -cpuprofile/-trace close it and wait before
// killing). -schedlat prints, when stdin closes, the quantiles of the runtime's scheduling latency
// (/sched/latencies:seconds: how long runnable goroutines waited for a P) on stderr.
//
// It prints "listening <addr>" once it serves, then obeys one command per line on stdin, answering each
// with one line on stdout:
//
//	stats   "stats mallocs=<n> heap=<bytes> goroutines=<n>" (runtime.MemStats, no GC)
//	gc      runs a GC, returns freed memory to the OS, then answers like stats
//
// It exits when stdin closes or it is killed; the driver kills it by PID after each run.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"runtime/trace"
	"syscall"
	"time"

	"github.com/kestrel-rpc/kestrel/bench/echo"
)

func main() {
	impl := flag.String("impl", "stdnet", fmt.Sprintf("server implementation: one of %v", echo.Impls))
	addr := flag.String("addr", "127.0.0.1:0", "TCP address to listen on")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	traceFile := flag.String("trace", "", "write an execution trace to this file")
	schedLat := flag.Bool("schedlat", false, "print scheduling latency quantiles on stderr at exit")
	flag.Parse()
	stop, err := startProfiles(*cpuProfile, *traceFile)
	if err == nil {
		err = run(*impl, *addr)
		err = errors.Join(err, stop())
		if *schedLat {
			printSchedLatency(os.Stderr, *impl)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "echoserver:", err)
		os.Exit(1)
	}
}

// printSchedLatency writes quantiles of /sched/latencies:seconds since the process started.
func printSchedLatency(w io.Writer, impl string) {
	s := []metrics.Sample{{Name: "/sched/latencies:seconds"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64Histogram {
		return
	}
	h := s[0].Value.Float64Histogram()
	var total uint64
	for _, c := range h.Counts {
		total += c
	}
	if total == 0 {
		return
	}
	fmt.Fprintf(w, "schedlat %s: %d goroutine starts", impl, total)
	for _, q := range []float64{0.5, 0.9, 0.99, 0.999, 1} {
		want := uint64(q * float64(total))
		var seen uint64
		for i, c := range h.Counts {
			seen += c
			if seen >= want && c > 0 {
				// Buckets[i+1] is the bucket's upper bound.
				fmt.Fprintf(w, " q%g<=%v", q, time.Duration(h.Buckets[i+1]*1e9))
				break
			}
		}
	}
	fmt.Fprintln(w)
}

// startProfiles starts the CPU profile and the execution trace that are asked for; stop ends and writes
// them.
func startProfiles(cpuProfile, traceFile string) (stop func() error, err error) {
	var files []*os.File
	var stops []func()
	stop = func() error {
		for _, s := range stops {
			s()
		}
		var errs []error
		for _, f := range files {
			errs = append(errs, f.Close())
		}
		return errors.Join(errs...)
	}
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
		if err := pprof.StartCPUProfile(f); err != nil {
			_ = stop()
			return nil, err
		}
		stops = append(stops, pprof.StopCPUProfile)
	}
	if traceFile != "" {
		f, err := os.Create(traceFile)
		if err != nil {
			_ = stop()
			return nil, err
		}
		files = append(files, f)
		if err := trace.Start(f); err != nil {
			_ = stop()
			return nil, err
		}
		stops = append(stops, trace.Stop)
	}
	return stop, nil
}

func run(impl, addr string) error {
	raiseNoFile()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv, err := echo.Serve(impl, ln)
	if err != nil {
		_ = ln.Close()
		return err
	}
	defer srv.Close()
	out := bufio.NewWriter(os.Stdout)
	fmt.Fprintf(out, "listening %s\n", ln.Addr())
	if err := out.Flush(); err != nil {
		return err
	}
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		switch cmd := sc.Text(); cmd {
		case "gc":
			runtime.GC()
			debug.FreeOSMemory()
			fallthrough
		case "stats":
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			fmt.Fprintf(out, "stats mallocs=%d heap=%d goroutines=%d\n", m.Mallocs, m.HeapInuse, runtime.NumGoroutine())
		default:
			fmt.Fprintf(out, "error unknown command %q\n", cmd)
		}
		if err := out.Flush(); err != nil {
			return err
		}
	}
	return sc.Err()
}

// raiseNoFile lifts RLIMIT_NOFILE so the idle-connection run's 10 000 connections fit (root may raise
// the hard limit too; otherwise the soft limit goes up to the hard one).
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
