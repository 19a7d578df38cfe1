//go:build !race

package loadgen

import (
	"runtime"
	"testing"
	"time"
)

// TestRunZeroAllocsPerRequest: the epoll engine allocates nothing per request. Two runs that differ
// only in their request count must allocate the same (the in-process echo server allocates nothing
// per request either), so the difference bounds the allocations per request.
func TestRunZeroAllocsPerRequest(t *testing.T) {
	addr := startEcho(t, &echoServer{})
	mallocs := func(n int64) uint64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		r, err := runWith(testCtx(t), Config{Addr: addr, Conns: 4, Size: 1024, Requests: n, Duration: time.Minute}, runEpoll)
		runtime.ReadMemStats(&after)
		if err != nil || r.Requests != n {
			t.Fatalf("run of %d: %+v, %v", n, r, err)
		}
		return after.Mallocs - before.Mallocs
	}
	mallocs(100) // warm up the runtime
	small, large := mallocs(1000), mallocs(11000)
	if extra := int64(large) - int64(small); extra > 100 {
		t.Errorf("10000 more requests cost %d more allocations (%d vs %d): want 0 per request", extra, large, small)
	}
}
