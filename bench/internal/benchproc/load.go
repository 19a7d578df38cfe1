package benchproc

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"time"
)

// WindowLine is what a load process prints on stdout, alone on a line, when its measured window opens.
const WindowLine = "window"

// LoadResult is a load process's report to the driver: one JSON line on stdout after WindowLine.
type LoadResult struct {
	Requests, Errors                    int64
	Duration, Mean, P50, P99, P999, CPU time.Duration
	QPS                                 float64
	// Err is the load's error, if any; the driver fails the run with it.
	Err string
}

// WriteLoadResult writes r as the load process's result line.
func WriteLoadResult(w io.Writer, r LoadResult) error {
	return json.NewEncoder(w).Encode(r)
}

// RunWindow starts the load process ld (whose Stderr the caller sets; its context must bound it) against
// srv, samples the server when ld opens its window and when it reports, and returns the run's sample
// with Impl and Point left for the caller to fill. ld is killed by PID and reaped before RunWindow
// returns.
func RunWindow(srv *Server, ld *exec.Cmd) (Sample, error) {
	var s Sample
	stdout, err := ld.StdoutPipe()
	if err != nil {
		return s, err
	}
	if err := ld.Start(); err != nil {
		return s, err
	}
	defer func() { _ = ld.Process.Kill(); _ = ld.Wait() }()
	sc := bufio.NewScanner(stdout)
	if !sc.Scan() || sc.Text() != WindowLine {
		return s, fmt.Errorf("load process did not open its window: %q %v", sc.Text(), sc.Err())
	}
	cpu0, err := srv.CPU()
	if err != nil {
		return s, err
	}
	// The rest of the machine's CPU time: all CPUs' busy time less both processes', sampled together.
	busy0, errBusy := BusyCPU()
	ld0, errLd := procCPU(ld.Process.Pid)
	t0 := time.Now()
	rq0 := srv.RunQueueWait()
	m0, err := srv.Stats(false)
	if err != nil {
		return s, err
	}
	if !sc.Scan() {
		return s, fmt.Errorf("load process ended without a result: %v", sc.Err())
	}
	cpu1, err := srv.CPU()
	if err != nil {
		return s, err
	}
	busy1, errBusy1 := BusyCPU()
	ld1, errLd1 := procCPU(ld.Process.Pid) // readable until reaped, even once the load process has exited
	span := time.Since(t0)
	s.ServerRQWait = srv.RunQueueWait() - rq0
	m1, err := srv.Stats(false)
	if err != nil {
		return s, err
	}
	if s.RSS, err = srv.RSS(); err != nil {
		return s, err
	}
	var r LoadResult
	if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
		return s, fmt.Errorf("load process said %q: %w", sc.Text(), err)
	}
	if r.Err != "" {
		return s, errors.New(r.Err)
	}
	s.QPS, s.Mean, s.P50, s.P99, s.P999 = r.QPS, r.Mean, r.P50, r.P99, r.P999
	s.Requests, s.Errors, s.Window, s.LoaderCPU = r.Requests, r.Errors, r.Duration, r.CPU
	s.ServerCPU = cpu1 - cpu0
	if errors.Join(errBusy, errBusy1, errLd, errLd1) == nil && span > 0 {
		// Scaled from the sampling span (which the driver's own scheduling may stretch) to the window.
		other := max(busy1-busy0-s.ServerCPU-(ld1-ld0), 0)
		s.OtherCPU = time.Duration(float64(other) * float64(s.Window) / float64(span))
	}
	// The stats command itself allocates a few objects (its reply line); they are noise at this scale.
	s.AllocsPerReq = float64(m1.Mallocs-m0.Mallocs) / float64(max(r.Requests, 1))
	if r.Requests == 0 {
		return s, errors.New("no request completed")
	}
	return s, nil
}
