package benchproc

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Command builds a command, pinned to cpu (a taskset CPU list) when pin is set. taskset execs the
// program, so the started process's PID is the program's own.
func Command(ctx context.Context, pin bool, cpu, name string, args ...string) *exec.Cmd {
	if pin {
		return exec.CommandContext(ctx, "taskset", append([]string{"-c", cpu, name}, args...)...)
	}
	return exec.CommandContext(ctx, name, args...)
}

// CanPin reports whether taskset is on PATH.
func CanPin() bool {
	_, err := exec.LookPath("taskset")
	return err == nil
}

// Server is a running server process that speaks ServeCommands' protocol on its stdin and stdout.
type Server struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Scanner
	// Addr is the address the server said it listens on.
	Addr string
	// profiled says the server writes profiles when its stdin closes: Kill gives it time to.
	profiled bool
}

// StartServer starts cmd (whose Stderr the caller sets) and waits for its "listening <addr>" line. With
// profiled set, Kill closes its stdin and waits up to 10 s for it to write its profiles and exit.
func StartServer(cmd *exec.Cmd, profiled bool) (*Server, error) {
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
	s := &Server{cmd: cmd, in: in, out: bufio.NewScanner(stdout), profiled: profiled}
	line, err := s.line()
	if err != nil {
		s.Kill()
		return nil, fmt.Errorf("server did not start: %w", err)
	}
	addr, ok := strings.CutPrefix(line, "listening ")
	if !ok {
		s.Kill()
		return nil, fmt.Errorf("server said %q", line)
	}
	s.Addr = addr
	return s, nil
}

func (s *Server) line() (string, error) {
	if !s.out.Scan() {
		if err := s.out.Err(); err != nil {
			return "", err
		}
		return "", io.ErrUnexpectedEOF
	}
	return s.out.Text(), nil
}

// Kill ends the server by PID and reaps it.
func (s *Server) Kill() {
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

// MemStats is the server's answer to "stats" and "gc".
type MemStats struct {
	Mallocs, Heap int64
	Goroutines    int
}

// Stats asks the server for its runtime statistics, after a GC if gc is set.
func (s *Server) Stats(gc bool) (MemStats, error) {
	cmd := "stats\n"
	if gc {
		cmd = "gc\n"
	}
	if _, err := io.WriteString(s.in, cmd); err != nil {
		return MemStats{}, err
	}
	line, err := s.line()
	if err != nil {
		return MemStats{}, err
	}
	var m MemStats
	if _, err := fmt.Sscanf(line, "stats mallocs=%d heap=%d goroutines=%d", &m.Mallocs, &m.Heap, &m.Goroutines); err != nil {
		return MemStats{}, fmt.Errorf("server said %q: %w", line, err)
	}
	return m, nil
}

// clockTick is USER_HZ, the unit of /proc/PID/stat's CPU times (100 on every Linux ABI Go supports).
const clockTick = 10 * time.Millisecond

// CPU returns utime+stime of the server process from /proc/PID/stat.
func (s *Server) CPU() (time.Duration, error) { return procCPU(s.cmd.Process.Pid) }

// procCPU returns utime+stime of process pid from /proc/PID/stat.
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
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

// RunQueueWait returns how long the server's threads have waited, runnable, for a CPU in the kernel's
// run queue: the sum of the second field of /proc/PID/task/*/schedstat. On a shared CPU it is the time
// the other processes took from the server; 0 when the kernel keeps no scheduler statistics.
func (s *Server) RunQueueWait() time.Duration {
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

// RSS returns the server's VmRSS in bytes.
func (s *Server) RSS() (int64, error) {
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

// BusyCPU returns the time all CPUs together have spent busy since boot (user, nice, system, irq,
// softirq and steal of /proc/stat's "cpu" line). Over a window, its growth less the server's and the
// load process's CPU time is what everything else on the machine used.
func BusyCPU() (time.Duration, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, fmt.Errorf("unexpected /proc/stat line %q", line)
	}
	var busy int64
	for _, i := range []int{1, 2, 3, 6, 7, 8} { // user nice system [idle iowait] irq softirq steal
		v, err := strconv.ParseInt(f[i], 10, 64)
		if err != nil {
			return 0, err
		}
		busy += v
	}
	return time.Duration(busy) * clockTick, nil
}
