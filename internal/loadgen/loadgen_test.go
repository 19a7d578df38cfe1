package loadgen

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testCtx bounds every run a test starts.
func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func checkResult(t *testing.T, r Result) {
	t.Helper()
	if r.Requests <= 0 || r.QPS <= 0 || r.Duration <= 0 {
		t.Fatalf("nothing measured: %+v", r)
	}
	if !(r.P50 <= r.P90 && r.P90 <= r.P99 && r.P99 <= r.P999 && r.P999 <= r.Max) {
		t.Errorf("percentiles out of order: %+v", r)
	}
	if r.Mean <= 0 || r.Mean > r.Max || r.P50 <= 0 {
		t.Errorf("implausible latencies: %+v", r)
	}
	if got := float64(r.Requests) / r.Duration.Seconds(); got < r.QPS*0.999 || got > r.QPS*1.001 {
		t.Errorf("QPS %v, want Requests/Duration = %v", r.QPS, got)
	}
}

func TestRunEcho(t *testing.T) {
	tests := []struct {
		conns, size int
	}{
		{1, 1},
		{1, 128},
		{8, 1024},
		{4, 16 << 10},
		{2, 300 << 10}, // several reads and writes per request
		{200, 128},
	}
	for _, eng := range testEngines {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("engine=%s/conns=%d/size=%d", eng.name, tt.conns, tt.size), func(t *testing.T) {
				srv := &echoServer{}
				addr := startEcho(t, srv)
				r, err := runWith(testCtx(t), Config{
					Addr: addr, Conns: tt.conns, Size: tt.size, Duration: 200 * time.Millisecond,
					Warmup: 20 * time.Millisecond, Verify: true,
				}, eng.run)
				if err != nil {
					t.Fatal(err)
				}
				checkResult(t, r)
				if r.Errors != 0 || r.Conns != tt.conns {
					t.Errorf("Errors %d Conns %d, want 0 and %d", r.Errors, r.Conns, tt.conns)
				}
				if got := srv.replies.Load(); got < r.Requests {
					t.Errorf("server sent %d replies, client recorded %d", got, r.Requests)
				}
				if r.Duration < 200*time.Millisecond || r.Duration > 3*time.Second {
					t.Errorf("window lasted %v, want about 200ms", r.Duration)
				}
			})
		}
	}
}

func TestRunRequestsBound(t *testing.T) {
	for _, eng := range testEngines {
		t.Run("engine="+eng.name, func(t *testing.T) {
			addr := startEcho(t, &echoServer{})
			const want = 500
			calls := 0
			r, err := runWith(testCtx(t), Config{
				Addr: addr, Conns: 3, Requests: want, OnMeasure: func() { calls++ },
			}, eng.run)
			if err != nil {
				t.Fatal(err)
			}
			checkResult(t, r)
			if r.Requests != want {
				t.Errorf("Requests = %d, want %d", r.Requests, want)
			}
			if calls != 1 {
				t.Errorf("OnMeasure called %d times, want 1", calls)
			}
		})
	}
}

// TestRunServerCloses: a server that closes every connection mid-run ends the run early, with each
// connection counted as an error and what was measured kept.
func TestRunServerCloses(t *testing.T) {
	for _, eng := range testEngines {
		t.Run("engine="+eng.name, func(t *testing.T) {
			addr := startEcho(t, &echoServer{closeAfter: 50})
			start := time.Now()
			r, err := runWith(testCtx(t), Config{Addr: addr, Conns: 4, Duration: 20 * time.Second}, eng.run)
			if !errors.Is(err, ErrAllFailed) {
				t.Fatalf("err = %v, want ErrAllFailed", err)
			}
			if el := time.Since(start); el > 5*time.Second {
				t.Errorf("run took %v after the server closed", el)
			}
			if r.Errors != 4 || r.Conns != 4 {
				t.Errorf("Errors %d Conns %d, want 4 and 4", r.Errors, r.Conns)
			}
			if r.Requests != 4*50 {
				t.Errorf("Requests = %d, want %d (every reply before the close)", r.Requests, 4*50)
			}
		})
	}
}

// TestRunSomeConnsFail: a server that closes only some connections leaves the others measuring.
func TestRunSomeConnsFail(t *testing.T) {
	for _, eng := range testEngines {
		t.Run("engine="+eng.name, func(t *testing.T) {
			var mu sync.Mutex
			n := 0
			srv := &echoServer{}
			srv.mangle = func(reply []byte) []byte {
				mu.Lock()
				defer mu.Unlock()
				if n++; n == 10 {
					return append(reply, 0xEE) // a stray byte after the reply: one connection fails
				}
				return reply
			}
			addr := startEcho(t, srv)
			r, err := runWith(testCtx(t), Config{Addr: addr, Conns: 3, Duration: 200 * time.Millisecond}, eng.run)
			if err != nil {
				t.Fatal(err)
			}
			checkResult(t, r)
			if r.Errors != 1 {
				t.Errorf("Errors = %d, want 1", r.Errors)
			}
		})
	}
}

func TestRunBadReplies(t *testing.T) {
	tests := []struct {
		name   string
		mangle func([]byte) []byte
		verify bool
	}{
		{"extra-bytes", func(b []byte) []byte { return append(b, 1, 2, 3) }, false},
		{"huge-length", func(b []byte) []byte { binary.BigEndian.PutUint32(b, 0xFFFFFFF0); return b }, false},
		{"changed-payload", func(b []byte) []byte { b[len(b)-1] ^= 0xFF; return b }, true},
	}
	for _, eng := range testEngines {
		for _, tt := range tests {
			t.Run("engine="+eng.name+"/"+tt.name, func(t *testing.T) {
				addr := startEcho(t, &echoServer{mangle: tt.mangle})
				start := time.Now()
				r, err := runWith(testCtx(t), Config{Addr: addr, Conns: 2, Duration: 10 * time.Second, Verify: tt.verify}, eng.run)
				if !errors.Is(err, ErrAllFailed) || !errors.Is(err, ErrBadReply) {
					t.Fatalf("err = %v, want ErrAllFailed wrapping ErrBadReply", err)
				}
				if r.Errors != 2 || r.Requests != 0 {
					t.Errorf("Errors %d Requests %d, want 2 and 0", r.Errors, r.Requests)
				}
				if time.Since(start) > 5*time.Second {
					t.Errorf("bad replies did not end the run promptly")
				}
			})
		}
	}
}

// TestRunSilentServer: a server that never answers cannot hang the run.
func TestRunSilentServer(t *testing.T) {
	for _, eng := range testEngines {
		t.Run("engine="+eng.name, func(t *testing.T) {
			addr := startEcho(t, &echoServer{silent: true})
			start := time.Now()
			r, err := runWith(testCtx(t), Config{Addr: addr, Conns: 2, Duration: 150 * time.Millisecond}, eng.run)
			if err != nil {
				t.Fatal(err)
			}
			if r.Requests != 0 || r.Errors != 0 || r.Duration < 150*time.Millisecond {
				t.Errorf("got %+v, want an empty 150ms window", r)
			}
			if el := time.Since(start); el > 10*time.Second {
				t.Errorf("run took %v", el)
			}

			// Bounded by count only: Timeout ends it.
			start = time.Now()
			_, err = runWith(testCtx(t), Config{Addr: addr, Requests: 10, Timeout: 150 * time.Millisecond}, eng.run)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("err = %v, want context.DeadlineExceeded", err)
			}
			if el := time.Since(start); el > 10*time.Second {
				t.Errorf("run took %v, want about the 150ms Timeout", el)
			}
		})
	}
}

func TestRunContextCancel(t *testing.T) {
	for _, eng := range testEngines {
		t.Run("engine="+eng.name, func(t *testing.T) {
			addr := startEcho(t, &echoServer{})
			ctx, cancel := context.WithCancel(testCtx(t))
			timer := time.AfterFunc(100*time.Millisecond, cancel)
			defer timer.Stop()
			start := time.Now()
			r, err := runWith(ctx, Config{Addr: addr, Conns: 2, Duration: 20 * time.Second}, eng.run)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			if el := time.Since(start); el > 10*time.Second {
				t.Errorf("cancel took %v to end the run", el)
			}
			if r.Requests == 0 {
				t.Errorf("partial result lost: %+v", r)
			}
		})
	}
}

func TestRunDialFails(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close() // nothing listens there now
	for _, eng := range testEngines {
		t.Run("engine="+eng.name, func(t *testing.T) {
			r, err := runWith(testCtx(t), Config{Addr: addr, Conns: 3}, eng.run)
			if !errors.Is(err, ErrAllFailed) {
				t.Fatalf("err = %v, want ErrAllFailed", err)
			}
			if r.Requests != 0 || r.Conns != 0 {
				t.Errorf("got %+v, want nothing", r)
			}
		})
	}
}

func TestRunWarmupNotRecorded(t *testing.T) {
	for _, eng := range testEngines {
		t.Run("engine="+eng.name, func(t *testing.T) {
			srv := &echoServer{}
			addr := startEcho(t, srv)
			var atOpen int64
			r, err := runWith(testCtx(t), Config{
				Addr: addr, Conns: 2, Duration: 100 * time.Millisecond, Warmup: 100 * time.Millisecond,
				OnMeasure: func() { atOpen = srv.replies.Load() },
			}, eng.run)
			if err != nil {
				t.Fatal(err)
			}
			checkResult(t, r)
			if atOpen == 0 {
				t.Fatalf("no reply during the warm-up")
			}
			// Only replies sent after the window opened may be recorded (plus one in flight per connection).
			if after := srv.replies.Load() - atOpen; r.Requests > after+2 {
				t.Errorf("recorded %d replies, the server sent only %d after the warm-up", r.Requests, after)
			}
		})
	}
}

// seqCodec frames like Framed but puts a big-endian sequence number in the payload's first 4 bytes.
type seqCodec struct{ Framed }

func (seqCodec) SetSequence(req []byte, seq int32) { binary.BigEndian.PutUint32(req[4:], uint32(seq)) }

func TestRunSequencer(t *testing.T) {
	for _, eng := range testEngines {
		t.Run("engine="+eng.name, func(t *testing.T) {
			var mu sync.Mutex
			var seqs []uint32
			srv := &echoServer{onRequest: func(p []byte) {
				mu.Lock()
				seqs = append(seqs, binary.BigEndian.Uint32(p))
				mu.Unlock()
			}}
			addr := startEcho(t, srv)
			r, err := runWith(testCtx(t), Config{Addr: addr, Size: 64, Requests: 20, Codec: seqCodec{}, Verify: true}, eng.run)
			if err != nil {
				t.Fatal(err)
			}
			checkResult(t, r)
			mu.Lock()
			defer mu.Unlock()
			// The first request carries the codec's own bytes ("abcd"), then 1, 2, 3, ...
			for i, s := range seqs[1:] {
				if s != uint32(i+1) {
					t.Fatalf("request %d carried sequence %d, want %d", i+1, s, i+1)
				}
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"minimal", Config{Addr: "127.0.0.1:1"}, true},
		{"full", Config{Addr: "x:1", Conns: 10, Size: 5, Duration: time.Second, Requests: 3, Warmup: 1, Timeout: 1, DialTimeout: 1}, true},
		{"no-addr", Config{}, false},
		{"neg-conns", Config{Addr: "x:1", Conns: -1}, false},
		{"too-many-conns", Config{Addr: "x:1", Conns: MaxConns + 1}, false},
		{"neg-size", Config{Addr: "x:1", Size: -1}, false},
		{"huge-size", Config{Addr: "x:1", Size: MaxMessage + 1}, false},
		{"neg-duration", Config{Addr: "x:1", Duration: -1}, false},
		{"neg-requests", Config{Addr: "x:1", Requests: -1}, false},
		{"neg-warmup", Config{Addr: "x:1", Warmup: -1}, false},
		{"neg-timeout", Config{Addr: "x:1", Timeout: -1}, false},
		{"neg-dial", Config{Addr: "x:1", DialTimeout: -1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if (err == nil) != tt.ok || err != nil && !errors.Is(err, ErrConfig) {
				t.Errorf("Validate() = %v, want ok=%v", err, tt.ok)
			}
			if !tt.ok {
				if _, err := Run(context.Background(), tt.cfg); !errors.Is(err, ErrConfig) {
					t.Errorf("Run() = %v, want ErrConfig", err)
				}
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	c := Config{Addr: "x:1"}.withDefaults()
	if c.Conns != 1 || c.Size != DefaultSize || c.Duration != DefaultDuration || c.DialTimeout != DefaultDialTimeout ||
		c.Timeout != DefaultDialTimeout+DefaultDuration+10*time.Second || c.Codec == nil {
		t.Errorf("defaults: %+v", c)
	}
	c = Config{Addr: "x:1", Requests: 5}.withDefaults()
	if c.Duration != 0 || c.Timeout != DefaultDialTimeout+time.Minute {
		t.Errorf("Requests-only defaults: Duration %v Timeout %v", c.Duration, c.Timeout)
	}
}

func TestFramed(t *testing.T) {
	req, err := Framed{}.AppendRequest([]byte{9}, 5)
	if err != nil || !bytes.Equal(req, []byte{9, 0, 0, 0, 5, 'a', 'b', 'c', 'd', 'e'}) {
		t.Fatalf("AppendRequest = %v, %v", req, err)
	}
	if _, err := (Framed{}).AppendRequest(nil, -1); !errors.Is(err, ErrConfig) {
		t.Errorf("negative size: %v", err)
	}
	tests := []struct {
		prefix []byte
		want   int
		err    error
	}{
		{nil, 0, nil},
		{[]byte{0, 0, 0}, 0, nil},
		{[]byte{0, 0, 0, 0}, 4, nil},
		{[]byte{0, 0, 4, 0, 'x'}, 4 + 1024, nil},
		{[]byte{0x03, 0xFF, 0xFF, 0xFC}, MaxMessage, nil},
		{[]byte{0x03, 0xFF, 0xFF, 0xFD}, 0, ErrBadReply},
		{[]byte{0xFF, 0xFF, 0xFF, 0xFF}, 0, ErrBadReply},
	}
	for _, tt := range tests {
		got, err := Framed{}.ReplyLen(tt.prefix)
		if got != tt.want || !errors.Is(err, tt.err) || (err == nil) != (tt.err == nil) {
			t.Errorf("ReplyLen(%x) = %d, %v; want %d, %v", tt.prefix, got, err, tt.want, tt.err)
		}
	}
}

func FuzzFramedReplyLen(f *testing.F) {
	for _, size := range []int{0, 1, 128, 1024} {
		req, _ := Framed{}.AppendRequest(nil, size)
		f.Add(req)
	}
	f.Add([]byte{0xFF, 0xFF, 0xFF, 0xFF})
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := Framed{}.ReplyLen(b)
		switch {
		case err != nil:
			if n != 0 || !errors.Is(err, ErrBadReply) {
				t.Fatalf("ReplyLen = %d, %v", n, err)
			}
		case len(b) < 4:
			if n != 0 {
				t.Fatalf("ReplyLen of %d bytes = %d, want 0", len(b), n)
			}
		default:
			if n < 4 || n > MaxMessage || n != 4+int(binary.BigEndian.Uint32(b)) {
				t.Fatalf("ReplyLen(%x) = %d", b[:4], n)
			}
		}
	})
}

// checkCodec is seqCodec with a ReplyChecker that wants the reply to carry the request's sequence
// number (an echo server's does), counts its calls and can refuse every reply.
type checkCodec struct {
	seqCodec
	calls  *atomic.Int64
	refuse bool
}

func (c checkCodec) CheckReply(req, reply []byte) error {
	c.calls.Add(1)
	if c.refuse {
		return fmt.Errorf("%w: refused", ErrBadReply)
	}
	if !bytes.Equal(req[:8], reply[:8]) {
		return fmt.Errorf("%w: reply header %x, request %x", ErrBadReply, reply[:8], req[:8])
	}
	return nil
}

func TestRunReplyChecker(t *testing.T) {
	for _, eng := range testEngines {
		t.Run("engine="+eng.name, func(t *testing.T) {
			addr := startEcho(t, &echoServer{})
			codec := checkCodec{calls: new(atomic.Int64)}
			r, err := runWith(testCtx(t), Config{Addr: addr, Size: 64, Requests: 20, Codec: codec}, eng.run)
			if err != nil {
				t.Fatal(err)
			}
			checkResult(t, r)
			if n := codec.calls.Load(); n < r.Requests {
				t.Errorf("CheckReply ran %d times for %d recorded replies", n, r.Requests)
			}

			codec = checkCodec{calls: new(atomic.Int64), refuse: true}
			r, err = runWith(testCtx(t), Config{Addr: addr, Conns: 2, Duration: 10 * time.Second, Codec: codec}, eng.run)
			if !errors.Is(err, ErrAllFailed) || !errors.Is(err, ErrBadReply) {
				t.Fatalf("refusing checker: err = %v, want ErrAllFailed wrapping ErrBadReply", err)
			}
			if r.Errors != 2 || r.Requests != 0 || codec.calls.Load() != 2 {
				t.Errorf("refusing checker: Errors %d Requests %d calls %d, want 2, 0, 2", r.Errors, r.Requests, codec.calls.Load())
			}
		})
	}
}
