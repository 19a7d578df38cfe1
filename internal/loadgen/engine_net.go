package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// runNet is the portable engine: one goroutine per connection over the standard net package, each
// with its own Histogram, merged at the end. It is the engine on systems without epoll and is tested
// on Linux too. It costs a goroutine switch per request, so prefer the epoll engine for benchmarks.
func runNet(ctx context.Context, cfg *Config, req []byte) (Result, error) {
	d := net.Dialer{Timeout: cfg.DialTimeout}
	dctx, cancelDial := context.WithTimeout(ctx, cfg.DialTimeout)
	conns := make([]net.Conn, 0, cfg.Conns)
	var errs atomic.Int64
	var lastErr atomic.Value // error
	fail := func(err error) {
		errs.Add(1)
		lastErr.Store(errBox{err})
	}
	for range cfg.Conns {
		c, err := d.DialContext(dctx, "tcp", cfg.Addr)
		if err != nil {
			fail(err)
			if dctx.Err() != nil {
				break
			}
			continue
		}
		conns = append(conns, c)
	}
	cancelDial()
	if len(conns) == 0 {
		return Result{Errors: errs.Load()}, fmt.Errorf("%w: %w", ErrAllFailed, loadErr(&lastErr))
	}
	if err := ctx.Err(); err != nil {
		closeAll(conns)
		return Result{Errors: errs.Load()}, err
	}

	var (
		live atomic.Int64
		wg   sync.WaitGroup
		nw   = &netWindow{stop: make(chan struct{}), events: make(chan struct{}, 1)}
	)
	// The window opens (at once, without warm-up) before any connection starts, so no reply is lost.
	h := new(Histogram)
	w := newWindow(cfg, h)
	w.begin(time.Now())
	if w.started {
		nw.open(w)
	}
	hists := make([]Histogram, len(conns))
	live.Store(int64(len(conns)))
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := netConn(c, cfg, req, &hists[i], nw)
			if err != nil {
				select {
				case <-nw.stop: // errors caused by closing at the end are not failures
				default:
					fail(err)
				}
			}
			live.Add(-1)
			nw.notify()
		}()
	}

	var runErr error
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
loop:
	for {
		now := time.Now()
		if !w.started && !now.Before(w.warmEnd) {
			w.open(now)
			nw.open(w)
		}
		if w.started && !w.end.IsZero() && !now.Before(w.end) {
			break
		}
		if cfg.Requests > 0 && nw.recorded.Load() >= cfg.Requests {
			break
		}
		if live.Load() == 0 {
			runErr = fmt.Errorf("%w: %w", ErrAllFailed, loadErr(&lastErr))
			break
		}
		timer.Reset(w.wait(now, pollTick))
		select {
		case <-ctx.Done():
			runErr = ctx.Err()
			break loop
		case <-nw.events:
		case <-timer.C:
		}
	}
	end := time.Now()
	nw.recording.Store(false)
	close(nw.stop)
	closeAll(conns)
	wg.Wait()
	for i := range hists {
		h.Merge(&hists[i])
	}
	return w.result(end, errs.Load(), len(conns)), runErr
}

// netWindow is the state the coordinator shares with the connection goroutines.
type netWindow struct {
	recording atomic.Bool
	endNano   atomic.Int64 // the window's end in Unix nanoseconds; 0 when only Requests ends it
	recorded  atomic.Int64
	stop      chan struct{} // closed by the coordinator to end the run
	events    chan struct{} // wakes the coordinator: a connection ended or Requests was reached
}

func (nw *netWindow) open(w *window) {
	if !w.end.IsZero() {
		nw.endNano.Store(w.end.UnixNano())
	}
	nw.recording.Store(true)
}

func (nw *netWindow) notify() {
	select {
	case nw.events <- struct{}{}:
	default:
	}
}

// errBox lets errors of different dynamic types share one atomic.Value.
type errBox struct{ err error }

func loadErr(v *atomic.Value) error {
	if b, ok := v.Load().(errBox); ok {
		return b.err
	}
	return errors.New("no connection")
}

func closeAll(conns []net.Conn) {
	for _, c := range conns {
		_ = c.Close()
	}
}

// netConn runs one connection's ping-pong until stop or an error.
func netConn(c net.Conn, cfg *Config, req []byte, h *Histogram, win *netWindow) error {
	seqr, _ := cfg.Codec.(Sequencer)
	check := replyCheck(cfg)
	if seqr != nil {
		req = append([]byte(nil), req...)
	}
	rbuf := make([]byte, max(2*len(req), 4096))
	var seq int32
	for {
		select {
		case <-win.stop:
			return nil
		default:
		}
		if seqr != nil && seq > 0 {
			seqr.SetSequence(req, seq)
		}
		seq++
		sent := time.Now()
		if _, err := c.Write(req); err != nil {
			return fmt.Errorf("write: %w", err)
		}
		rlen, want := 0, 0
		for want == 0 || rlen < want {
			if rlen == len(rbuf) {
				if want <= len(rbuf) && want != 0 || 2*len(rbuf) > MaxMessage {
					return fmt.Errorf("%w: reply longer than %d bytes", ErrBadReply, MaxMessage)
				}
				b := make([]byte, max(want, 2*len(rbuf)))
				copy(b, rbuf[:rlen])
				rbuf = b
			}
			n, err := c.Read(rbuf[rlen:])
			rlen += n
			if err != nil {
				if errors.Is(err, io.EOF) {
					err = fmt.Errorf("server closed the connection: %w", io.ErrUnexpectedEOF)
				}
				return fmt.Errorf("read: %w", err)
			}
			if want == 0 {
				if want, err = cfg.Codec.ReplyLen(rbuf[:rlen]); err != nil {
					return err
				}
				if want < 0 || want > MaxMessage {
					return fmt.Errorf("%w: reply length %d out of range", ErrBadReply, want)
				}
			}
		}
		if rlen > want {
			return fmt.Errorf("%w: %d bytes after a %d-byte reply", ErrBadReply, rlen-want, want)
		}
		if check != nil {
			if err := check(req, rbuf[:want]); err != nil {
				return err
			}
		}
		if !win.recording.Load() {
			continue
		}
		now := time.Now()
		if end := win.endNano.Load(); end != 0 && now.UnixNano() >= end {
			continue // after the window; the coordinator is about to stop
		}
		n := win.recorded.Add(1)
		if cfg.Requests > 0 && n > cfg.Requests {
			continue // the window is full
		}
		h.Record(now.Sub(sent))
		if n == cfg.Requests {
			win.notify()
		}
	}
}
