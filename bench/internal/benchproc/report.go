package benchproc

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

// Point is one cell of a matrix: Conns connections (or concurrent callers) and Size payload bytes.
type Point struct {
	Conns, Size int
}

// Sample is what one ping-pong run measured.
type Sample struct {
	Impl string
	Point
	QPS                  float64
	Mean, P50, P99, P999 time.Duration
	Requests, Errors     int64
	Window               time.Duration
	ServerCPU            time.Duration
	ServerRQWait         time.Duration // server threads runnable but waiting for a CPU (other processes)
	RSS                  int64         // bytes, at the end of the window
	AllocsPerReq         float64
	LoaderCPU            time.Duration
	// OtherCPU is the CPU time the rest of the machine used during the window (other processes, and
	// kernel work not charged to either process): the noise indicator of a shared machine.
	OtherCPU time.Duration
}

// UsPerReq is the server's CPU time per request in µs.
func (s *Sample) UsPerReq() float64 {
	return float64(s.ServerCPU.Nanoseconds()) / 1e3 / float64(max(s.Requests, 1))
}

// ServerUtil is the server's CPU time over the window (1 = one CPU).
func (s *Sample) ServerUtil() float64 { return s.ServerCPU.Seconds() / s.Window.Seconds() }

// RQWait is the server's run-queue wait over the window.
func (s *Sample) RQWait() float64 { return s.ServerRQWait.Seconds() / s.Window.Seconds() }

// LoaderUtil is the load process's CPU time over the window.
func (s *Sample) LoaderUtil() float64 { return s.LoaderCPU.Seconds() / s.Window.Seconds() }

// OtherUtil is the rest of the machine's CPU time over the window (1 = one CPU).
func (s *Sample) OtherUtil() float64 { return s.OtherCPU.Seconds() / s.Window.Seconds() }

// PrintTable writes the medians over repetitions, one row per point and implementation, in the order
// of points and impls. connsLabel heads the first column ("conns", "callers").
func PrintTable(w io.Writer, connsLabel string, impls []string, points []Point, samples []Sample) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, connsLabel+"\tsize\timpl\tQPS\tavg µs\tp50 µs\tp99 µs\tp999 µs\tsrv CPU\tsrv RQ wait\tµs/req CPU\tsrv RSS MB\tallocs/req\tload CPU\tother CPU\terrors\truns\t")
	for _, p := range points {
		for _, impl := range impls {
			var q, avg, p50, p99, p999, cpu, rqw, upr, rss, allocs, load, other []float64
			var errs int64
			for _, s := range samples {
				if s.Impl != impl || s.Point != p {
					continue
				}
				q = append(q, s.QPS)
				avg, p50, p99, p999 = append(avg, US(s.Mean)), append(p50, US(s.P50)), append(p99, US(s.P99)), append(p999, US(s.P999))
				cpu, upr, load = append(cpu, 100*s.ServerUtil()), append(upr, s.UsPerReq()), append(load, 100*s.LoaderUtil())
				rqw, other = append(rqw, 100*s.RQWait()), append(other, 100*s.OtherUtil())
				rss, allocs = append(rss, float64(s.RSS)/(1<<20)), append(allocs, s.AllocsPerReq)
				errs += s.Errors
			}
			if len(q) == 0 {
				continue
			}
			mark := ""
			if Median(load) >= 90 {
				mark = "*"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%.0f\t%.1f\t%.1f\t%.1f\t%.1f\t%.0f%%\t%.0f%%\t%.2f\t%.1f\t%.2f\t%.0f%%%s\t%.0f%%\t%d\t%d\t\n",
				p.Conns, SizeName(p.Size), impl, Median(q), Median(avg), Median(p50), Median(p99), Median(p999),
				Median(cpu), Median(rqw), Median(upr), Median(rss), Median(allocs), Median(load), mark, Median(other), errs, len(q))
		}
	}
	_ = tw.Flush()
	fmt.Fprintln(w, "(medians over runs; * = the load process used ≥ 90% of its CPU, so QPS is bounded by it and µs/req CPU ranks the servers;")
	fmt.Fprintln(w, " srv RQ wait = time the server's threads were runnable but waited for CPU 0 (other processes, or its own other threads), / window;")
	fmt.Fprintln(w, " other CPU = CPU time the rest of the machine used in the window, / window: figures are only comparable when it is low)")
}

// BenchLines renders every sample in Go benchmark format, named
// Benchmark<name>/impl=<impl>/size=<size>/<connsKey>=<n>, with a header naming pkg; `benchstat -col
// /impl` compares implementations.
func BenchLines(pkg, name, connsKey string, samples []Sample) string {
	var b strings.Builder
	b.WriteString(BenchHeader(pkg))
	for _, s := range samples {
		fmt.Fprintf(&b, "Benchmark%s/impl=%s/size=%s/%s=%d %d %.1f ns/op %.0f qps %.3f us/req-cpu %.1f avg-us %.1f p50-us %.1f p99-us %.1f p999-us %.2f allocs/op %.1f srv-rqwait-%% %.1f other-cpu-%% %d rss-B %.1f loadgen-cpu-%%\n",
			name, s.Impl, SizeName(s.Size), connsKey, s.Conns, s.Requests, 1e9/max(s.QPS, 1e-9), s.QPS, s.UsPerReq(), US(s.Mean), US(s.P50), US(s.P99), US(s.P999),
			s.AllocsPerReq, 100*s.RQWait(), 100*s.OtherUtil(), s.RSS, 100*s.LoaderUtil())
	}
	return b.String()
}

// BenchHeader is the goos/goarch/pkg/cpu header of a benchmark-format file.
func BenchHeader(pkg string) string {
	return "goos: " + runtime.GOOS + "\ngoarch: " + runtime.GOARCH + "\npkg: " + pkg + "\ncpu: " + CPUModel() + "\n"
}

// CPUModel is /proc/cpuinfo's first model name, or GOARCH.
func CPUModel() string {
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

// SizeName writes 1024 as 1KB and 128 as 128B.
func SizeName(n int) string {
	if n >= 1<<10 && n%(1<<10) == 0 {
		return fmt.Sprintf("%dKB", n>>10)
	}
	return fmt.Sprintf("%dB", n)
}

// Median of xs (0 for none); xs is not modified.
func Median(xs []float64) float64 {
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

// US is d in µs.
func US(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }

// SplitList splits a comma-separated flag value, dropping blanks.
func SplitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// SplitInts splits a comma-separated list of non-negative integers.
func SplitInts(s string) ([]int, error) {
	var out []int
	for _, f := range SplitList(s) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("bad number %q in %q", f, s)
		}
		out = append(out, n)
	}
	return out, nil
}

// LockedWriter serialises writes from several goroutines (child processes' stderr is copied by one
// goroutine each).
type LockedWriter struct {
	mu sync.Mutex
	W  io.Writer
}

func (l *LockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.W.Write(p)
}
