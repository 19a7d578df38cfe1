package loadgen

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkRun measures the whole round trip against the in-process std net echo server, one
// request per b.N, so the generator's per-request cost shows up as allocs/op (0) and ns/op.
func BenchmarkRun(b *testing.B) {
	for _, size := range []int{128, 1 << 10, 16 << 10} {
		b.Run(fmt.Sprintf("size=%s", sizeName(size)), func(b *testing.B) {
			addr := startEcho(b, &echoServer{})
			b.ReportAllocs()
			b.SetBytes(int64(2 * (size + 4)))
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			b.ResetTimer()
			r, err := Run(ctx, Config{Addr: addr, Size: size, Requests: int64(b.N)})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(r.P99.Microseconds()), "p99-us")
		})
	}
}

func sizeName(n int) string {
	if n >= 1<<10 && n%(1<<10) == 0 {
		return fmt.Sprintf("%dKB", n>>10)
	}
	return fmt.Sprintf("%dB", n)
}
