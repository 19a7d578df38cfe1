package echo

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kestrel-rpc/kestrel/internal/loadgen"
)

// BenchmarkEcho is the in-process, one-connection version of bench/cmd/echobench, for quick looks and
// allocation counts: b.N round trips through each server, the generator in the same process. It
// measures client and server together on shared CPUs; echobench separates them.
func BenchmarkEcho(b *testing.B) {
	for _, impl := range Impls {
		for _, size := range []int{128, 1 << 10, 16 << 10} {
			b.Run(fmt.Sprintf("impl=%s/size=%s", impl, sizeName(size)), func(b *testing.B) {
				addr := startB(b, impl)
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				b.ReportAllocs()
				b.SetBytes(int64(2 * (4 + size)))
				b.ResetTimer()
				r, err := loadgen.Run(ctx, loadgen.Config{Addr: addr, Size: size, Requests: int64(b.N)})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(r.P99.Nanoseconds())/1e3, "p99-us")
			})
		}
	}
}

func sizeName(n int) string {
	if n >= 1<<10 && n%(1<<10) == 0 {
		return fmt.Sprintf("%dKB", n>>10)
	}
	return fmt.Sprintf("%dB", n)
}
