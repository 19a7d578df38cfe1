package loadgen

import (
	"context"
	"fmt"
	"time"
)

// Run drives the load that cfg describes and returns what it measured. It returns when the measured
// window ends (Duration elapsed or Requests recorded), when ctx is done, when Timeout expires or when
// every connection has failed; connections are closed before it returns.
//
// The error is nil when the window ended normally, even if some connections failed (see
// Result.Errors). It wraps ErrConfig for a bad Config, ErrAllFailed when no connection survived (the
// Result then holds what was measured until then), and ctx.Err() when ctx ended the run first, also
// with a partial Result.
func Run(ctx context.Context, cfg Config) (Result, error) {
	return runWith(ctx, cfg, run)
}

// engineFunc is one engine: epoll (Linux) or net (everywhere).
type engineFunc func(ctx context.Context, cfg *Config, req []byte) (Result, error)

func runWith(ctx context.Context, cfg Config, engine engineFunc) (Result, error) {
	if err := cfg.Validate(); err != nil {
		return Result{}, err
	}
	cfg = cfg.withDefaults()
	req, err := cfg.request()
	if err != nil {
		return Result{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	return engine(ctx, &cfg, req)
}

// pollTick bounds each wait of an engine so ctx is checked even when nothing happens.
const pollTick = 50 * time.Millisecond

// window tracks the phases of a run and turns the recorded latencies into a Result. Engines call
// begin once dialing ends, then tick with the current time as they go.
type window struct {
	cfg       *Config
	warmEnd   time.Time // when recording starts
	end       time.Time // when the window ends (zero: only Requests ends it)
	started   bool
	start     time.Time
	stop      time.Time
	cpuBefore time.Duration
	hist      *Histogram
}

func newWindow(cfg *Config, h *Histogram) *window { return &window{cfg: cfg, hist: h} }

// begin opens the warm-up at now (opening the window at once when there is no warm-up).
func (w *window) begin(now time.Time) {
	w.warmEnd = now.Add(w.cfg.Warmup)
	if w.cfg.Warmup == 0 {
		w.open(now)
	}
}

func (w *window) open(now time.Time) {
	w.started = true
	if w.cfg.OnMeasure != nil {
		w.cfg.OnMeasure()
		now = time.Now()
	}
	w.start = now
	if w.cfg.Duration > 0 {
		w.end = now.Add(w.cfg.Duration)
	}
	w.cpuBefore = processCPU()
}

// tick advances the phases to now and reports whether the window has ended.
func (w *window) tick(now time.Time) bool {
	if !w.started {
		if now.Before(w.warmEnd) {
			return false
		}
		w.open(now)
	}
	if !w.end.IsZero() && !now.Before(w.end) {
		return true
	}
	return w.cfg.Requests > 0 && w.hist.Count() >= w.cfg.Requests
}

// wait returns how long an engine may block before the next phase change (or limit, if sooner).
func (w *window) wait(now time.Time, limit time.Duration) time.Duration {
	next := w.end
	if !w.started {
		next = w.warmEnd
	}
	if next.IsZero() {
		return limit
	}
	return min(max(0, next.Sub(now)), limit)
}

// result closes the window at now and summarises it.
func (w *window) result(now time.Time, errs int64, conns int) Result {
	r := Result{Errors: errs, Conns: conns}
	if !w.started {
		return r
	}
	cpu := processCPU() - w.cpuBefore
	if !w.end.IsZero() && now.After(w.end) {
		now = w.end // replies after the end were not recorded
	}
	h := w.hist
	r.Requests = h.Count()
	r.Duration = now.Sub(w.start)
	if r.Duration > 0 {
		r.QPS = float64(r.Requests) / r.Duration.Seconds()
	}
	r.CPU = max(cpu, 0)
	r.Mean, r.Max = h.Mean(), h.Max()
	r.P50, r.P90, r.P99, r.P999 = h.Quantile(0.50), h.Quantile(0.90), h.Quantile(0.99), h.Quantile(0.999)
	return r
}

// replyCheck returns the check every complete reply gets: the codec's ReplyChecker and Config.Verify's
// comparison, whichever apply, or nil for none.
func replyCheck(cfg *Config) func(req, reply []byte) error {
	chk, _ := cfg.Codec.(ReplyChecker)
	switch {
	case chk != nil && cfg.Verify:
		return func(req, reply []byte) error {
			if err := chk.CheckReply(req, reply); err != nil {
				return err
			}
			return verifyReply(req, reply)
		}
	case chk != nil:
		return chk.CheckReply
	case cfg.Verify:
		return verifyReply
	}
	return nil
}

// verifyReply is Config.Verify's check.
func verifyReply(req, reply []byte) error {
	if string(req) != string(reply) {
		return fmt.Errorf("%w: reply of %d bytes differs from the %d-byte request", ErrBadReply, len(reply), len(req))
	}
	return nil
}
