package benchproc

import (
	"bufio"
	"errors"
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
)

// ServeCommands is a server process's side of the protocol: it prints "listening <addr>" on out, then
// answers one command per line of in with one line on out, until in closes:
//
//	stats   "stats mallocs=<n> heap=<bytes> goroutines=<n>" (runtime.MemStats, no GC)
//	gc      runs a GC, returns freed memory to the OS, then answers like stats
func ServeCommands(addr net.Addr, in io.Reader, out io.Writer) error {
	bw := bufio.NewWriter(out)
	fmt.Fprintf(bw, "listening %s\n", addr)
	if err := bw.Flush(); err != nil {
		return err
	}
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		switch cmd := sc.Text(); cmd {
		case "gc":
			runtime.GC()
			debug.FreeOSMemory()
			fallthrough
		case "stats":
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			fmt.Fprintf(bw, "stats mallocs=%d heap=%d goroutines=%d\n", m.Mallocs, m.HeapInuse, runtime.NumGoroutine())
		default:
			fmt.Fprintf(bw, "error unknown command %q\n", cmd)
		}
		if err := bw.Flush(); err != nil {
			return err
		}
	}
	return sc.Err()
}

// StartProfiles starts a pprof CPU profile and a runtime/trace execution trace into the files named (an
// empty name: not that one); stop ends and writes them.
func StartProfiles(cpuProfile, traceFile string) (stop func() error, err error) {
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

// PrintSchedLatency writes the quantiles of /sched/latencies:seconds (how long runnable goroutines
// waited for a P) since the process started, on one line labelled name.
func PrintSchedLatency(w io.Writer, name string) {
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
	fmt.Fprintf(w, "schedlat %s: %d goroutine starts", name, total)
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

// RaiseNoFile lifts RLIMIT_NOFILE for the connections a run opens (root may raise the hard limit too;
// otherwise the soft limit goes up to the hard one).
func RaiseNoFile() {
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
