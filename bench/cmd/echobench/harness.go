package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

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
	if h.pin {
		return exec.CommandContext(ctx, "taskset", append([]string{"-c", cpu, name}, args...)...)
	}
	return exec.CommandContext(ctx, name, args...)
}

// serverProc is a running echoserver. taskset execs the server, so the PID is the server's.
type serverProc struct {
	cmd  *exec.Cmd
	in   io.WriteCloser
	out  *bufio.Scanner
	addr string
	// profiled says the server writes profiles when its stdin closes: kill gives it time to.
	profiled bool
}

// startServer starts a server; with -cpuprofile or -trace, name (when not empty) names its profile files.
func (h *harness) startServer(ctx context.Context, impl, name string) (*serverProc, error) {
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
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &serverProc{cmd: cmd, in: in, out: bufio.NewScanner(stdout), profiled: profiled}
	line, err := s.line()
	if err != nil {
		s.kill()
		return nil, fmt.Errorf("server %s did not start: %w", impl, err)
	}
	addr, ok := strings.CutPrefix(line, "listening ")
	if !ok {
		s.kill()
		return nil, fmt.Errorf("server %s said %q", impl, line)
	}
	s.addr = addr
	return s, nil
}

func (s *serverProc) line() (string, error) {
	if !s.out.Scan() {
		if err := s.out.Err(); err != nil {
			return "", err
		}
		return "", io.ErrUnexpectedEOF
	}
	return s.out.Text(), nil
}

// kill ends the server by PID and reaps it.
func (s *serverProc) kill() {
	_ = s.in.Close()
	if s.profiled {
		exited := make(chan struct{})
		go func() {
			_ = s.cmd.Wait()
			close(exited)
		}()
		t := time.NewTimer(10 * time.Second)
		defer t.Stop()
		select {
		case <-exited:
			return
		case <-t.C:
		}
		_ = s.cmd.Process.Kill()
		<-exited
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
}

// memStats asks the server for its runtime statistics, after a GC if gc is set.
type memStats struct {
	mallocs, heap int64
	goroutines    int
}

func (s *serverProc) stats(gc bool) (memStats, error) {
	cmd := "stats\n"
	if gc {
		cmd = "gc\n"
	}
	if _, err := io.WriteString(s.in, cmd); err != nil {
		return memStats{}, err
	}
	line, err := s.line()
	if err != nil {
		return memStats{}, err
	}
	var m memStats
	if _, err := fmt.Sscanf(line, "stats mallocs=%d heap=%d goroutines=%d", &m.mallocs, &m.heap, &m.goroutines); err != nil {
		return memStats{}, fmt.Errorf("server said %q: %w", line, err)
	}
	return m, nil
}

// clockTick is USER_HZ, the unit of /proc/PID/stat's CPU times (100 on every Linux ABI Go supports).
const clockTick = 10 * time.Millisecond

// cpu returns utime+stime of the server process from /proc/PID/stat.
func (s *serverProc) cpu() (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	// Fields after the command name (which may hold spaces) start at field 3 (state).
	i := strings.LastIndexByte(string(b), ')')
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc stat: %q", b)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64) // field 14
	stime, err2 := strconv.ParseInt(f[12], 10, 64) // field 15
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	return time.Duration(utime+stime) * clockTick, nil
}

// runQueueWait returns how long the server's threads have waited, runnable, for a CPU in the kernel's run
// queue: the sum of the second field of /proc/PID/task/*/schedstat. On a shared CPU it is the time the
// other processes took from the server; 0 when the kernel keeps no scheduler statistics.
func (s *serverProc) runQueueWait() time.Duration {
	dir := fmt.Sprintf("/proc/%d/task", s.cmd.Process.Pid)
	tasks, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	var total int64
	for _, t := range tasks {
		b, err := os.ReadFile(filepath.Join(dir, t.Name(), "schedstat"))
		if err != nil {
			continue // the thread exited
		}
		if f := strings.Fields(string(b)); len(f) >= 2 {
			if ns, err := strconv.ParseInt(f[1], 10, 64); err == nil {
				total += ns
			}
		}
	}
	return time.Duration(total)
}

// rss returns the server's VmRSS in bytes.
func (s *serverProc) rss() (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmRSS in /proc status")
}

// pingPong runs one cell of the matrix against a fresh server.
func (h *harness) pingPong(ctx context.Context, impl string, p point) (sample, error) {
	s := sample{impl: impl, point: p}
	h.runs++
	srv, err := h.startServer(ctx, impl, fmt.Sprintf("%s-conns%d-size%d-run%d", impl, p.conns, p.size, h.runs))
	if err != nil {
		return s, err
	}
	defer srv.kill()
	timeout := h.o.warmup + h.o.duration + 30*time.Second
	lctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ld := h.command(lctx, "1", h.self, "-loader", "-addr", srv.addr, "-conns", strconv.Itoa(p.conns),
		"-size", strconv.Itoa(p.size), "-duration", h.o.duration.String(), "-warmup", h.o.warmup.String())
	ld.Stderr = h.log
	stdout, err := ld.StdoutPipe()
	if err != nil {
		return s, err
	}
	if err := ld.Start(); err != nil {
		return s, err
	}
	defer func() { _ = ld.Process.Kill(); _ = ld.Wait() }()
	sc := bufio.NewScanner(stdout)
	if !sc.Scan() || sc.Text() != "window" {
		return s, fmt.Errorf("load generator did not open its window: %q %v", sc.Text(), sc.Err())
	}
	cpu0, err := srv.cpu()
	if err != nil {
		return s, err
	}
	rq0 := srv.runQueueWait()
	m0, err := srv.stats(false)
	if err != nil {
		return s, err
	}
	if !sc.Scan() {
		return s, fmt.Errorf("load generator ended without a result: %v", sc.Err())
	}
	cpu1, err := srv.cpu()
	if err != nil {
		return s, err
	}
	s.serverRQWait = srv.runQueueWait() - rq0
	m1, err := srv.stats(false)
	if err != nil {
		return s, err
	}
	if s.rss, err = srv.rss(); err != nil {
		return s, err
	}
	var r loaderOut
	if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
		return s, fmt.Errorf("load generator said %q: %w", sc.Text(), err)
	}
	if r.Err != "" {
		return s, errors.New(r.Err)
	}
	s.qps, s.mean, s.p50, s.p99, s.p999 = r.QPS, r.Mean, r.P50, r.P99, r.P999
	s.requests, s.errors, s.window, s.loaderCPU = r.Requests, r.Errors, r.Duration, r.CPU
	s.serverCPU = cpu1 - cpu0
	// The stats command itself allocates a few objects (its reply line); they are noise at this scale.
	s.allocsPerReq = float64(m1.mallocs-m0.mallocs) / float64(max(r.Requests, 1))
	if r.Requests == 0 {
		return s, errors.New("no request completed")
	}
	return s, nil
}

// idleRun measures the server's memory per idle connection.
func (h *harness) idleRun(ctx context.Context, impl string, n int) (sample, error) {
	s := sample{impl: impl, idleConns: n}
	srv, err := h.startServer(ctx, impl, "")
	if err != nil {
		return s, err
	}
	defer srv.kill()
	m0, err := srv.stats(true)
	if err != nil {
		return s, err
	}
	if s.idleRSS0, err = srv.rss(); err != nil {
		return s, err
	}
	ictx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	idler := h.command(ictx, "1", h.self, "-idler", "-addr", srv.addr, "-n", strconv.Itoa(n))
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
	m1, err := srv.stats(true)
	if err != nil {
		return s, err
	}
	if s.idleRSS1, err = srv.rss(); err != nil {
		return s, err
	}
	s.idleHeap0, s.idleHeap1 = m0.heap, m1.heap
	s.idleGorout0, s.idleGorout1 = m0.goroutines, m1.goroutines
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
	raiseNoFile()
	out := json.NewEncoder(os.Stdout)
	r, err := loadgen.Run(context.Background(), loadgen.Config{
		Addr: *addr, Conns: *conns, Size: *size, Duration: *duration, Warmup: *warmup,
		OnMeasure: func() { _, _ = os.Stdout.WriteString("window\n") },
	})
	res := loaderOut{Requests: r.Requests, Errors: r.Errors, Duration: r.Duration, Mean: r.Mean, P50: r.P50,
		P99: r.P99, P999: r.P999, CPU: r.CPU, QPS: r.QPS}
	if err != nil {
		res.Err = err.Error()
	}
	if err := out.Encode(res); err != nil {
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
	raiseNoFile()
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
