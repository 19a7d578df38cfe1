package netpoll

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestWorkerPool(t *testing.T) {
	tests := []struct {
		name       string
		max, tasks int
	}{
		{"one worker", 1, 50},
		{"fewer tasks than workers", 8, 3},
		{"queueing", 4, 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g0 := runtime.NumGoroutine()
			p := newWorkerPool(tt.max, 20*time.Millisecond)
			var running, peak, done atomic.Int32
			var wg sync.WaitGroup
			wg.Add(tt.tasks)
			for range tt.tasks {
				p.submit(func() {
					n := running.Add(1)
					for q := peak.Load(); n > q && !peak.CompareAndSwap(q, n); q = peak.Load() {
					}
					time.Sleep(100 * time.Microsecond)
					running.Add(-1)
					done.Add(1)
					wg.Done()
				})
			}
			wg.Wait()
			if n := done.Load(); int(n) != tt.tasks {
				t.Fatalf("%d tasks ran, want %d", n, tt.tasks)
			}
			if n := peak.Load(); int(n) > tt.max {
				t.Fatalf("%d tasks ran at once, bound is %d", n, tt.max)
			}
			// Idle workers exit by themselves.
			deadline := time.Now().Add(5 * time.Second)
			for runtime.NumGoroutine() > g0 && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			if g := runtime.NumGoroutine(); g > g0 {
				t.Fatalf("%d goroutines after the idle timeout, want %d", g, g0)
			}
			// After stop, work still runs (on plain goroutines) and wait returns.
			p.stop()
			p.wait()
			ran := make(chan struct{})
			p.submit(func() { close(ran) })
			<-ran
		})
	}
}

func TestWorkerPoolStopWakesParked(t *testing.T) {
	p := newWorkerPool(4, time.Hour)
	var wg sync.WaitGroup
	wg.Add(4)
	for range 4 {
		p.submit(func() { time.Sleep(time.Millisecond); wg.Done() })
	}
	wg.Wait()
	time.Sleep(10 * time.Millisecond) // let them park
	p.stop()
	waited := make(chan struct{})
	go func() { p.wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(5 * time.Second):
		t.Fatal("stop did not release parked workers")
	}
}

func TestGate(t *testing.T) {
	for _, strict := range []bool{false, true} {
		g := gate{strict: strict}
		if !g.acquire() || !g.acquire() {
			t.Fatal("acquire on an open gate failed")
		}
		if g.shut() {
			t.Fatal("shut with users reported free")
		}
		if g.shut() {
			t.Fatal("second shut reported free")
		}
		if got := g.acquire(); got == strict {
			t.Fatalf("strict=%v: acquire after shut = %v", strict, got)
		} else if got && g.release() {
			t.Fatal("release with users left reported free")
		}
		if g.release() {
			t.Fatal("release with a user left reported free")
		}
		if !g.release() {
			t.Fatal("last release did not report free")
		}
		if g.acquire() {
			t.Fatal("acquire after the release ran")
		}
	}
	var g gate
	if !g.shut() {
		t.Fatal("shut without users did not report free")
	}
}
