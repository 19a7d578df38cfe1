//go:build !race

package echo

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/kestrel-rpc/kestrel/internal/loadgen"
)

// TestZeroAllocsPerEcho: the Kestrel and std net servers allocate nothing per echo. The load generator
// runs in the same process and allocates nothing per request either, so two runs that differ only in
// their request count must allocate the same; the difference bounds the allocations per echo.
// (cloudwego/netpoll allocates about two per echo and is not held to this.)
func TestZeroAllocsPerEcho(t *testing.T) {
	for _, impl := range []string{"kestrel", "stdnet"} {
		t.Run("impl="+impl, func(t *testing.T) {
			addr := start(t, impl)
			mallocs := func(n int64) uint64 {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				r, err := loadgen.Run(ctx, loadgen.Config{Addr: addr, Conns: 4, Size: 1024, Requests: n})
				runtime.ReadMemStats(&after)
				if err != nil || r.Requests != n {
					t.Fatalf("run of %d: %+v, %v", n, r, err)
				}
				return after.Mallocs - before.Mallocs
			}
			mallocs(2000) // grow buffers and worker pools to their working size
			small, large := mallocs(1000), mallocs(11000)
			if extra := int64(large) - int64(small); extra > 200 {
				t.Errorf("10000 more echoes cost %d more allocations (%d vs %d): want 0 per echo", extra, large, small)
			}
		})
	}
}
