package codec

import (
	"syscall"
	"testing"
)

// cpuNanos returns the CPU time (user + system) the whole process has used, in nanoseconds. It counts
// every thread, so the garbage collector's background work done for the benchmark is included.
func cpuNanos(b testing.TB) int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// measure runs op b.N times and reports, besides Go's wall ns/op, the process CPU time per op as
// "cpu-ns/op", allocs/op, and MB/s computed from size (the message's Thrift Binary size, whatever the
// codec, so that the MB/s of codecs compare like for like).
func measure(b *testing.B, size int, op func() error) {
	b.ReportAllocs()
	b.SetBytes(int64(size))
	if err := op(); err != nil { // once outside the timer: fail fast, warm caches
		b.Fatal(err)
	}
	c0 := cpuNanos(b)
	b.ResetTimer()
	for range b.N {
		if err := op(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(cpuNanos(b)-c0)/float64(b.N), "cpu-ns/op")
}
