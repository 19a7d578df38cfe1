package loadgen

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// exactQuantile is the reference: the smallest sample with at least ⌈q·n⌉ samples ≤ it.
func exactQuantile(sorted []time.Duration, q float64) time.Duration {
	rank := max(int(math.Ceil(q*float64(len(sorted)))), 1)
	return sorted[rank-1]
}

func TestHistogramKnownDistributions(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name string
		gen  func() time.Duration
	}{
		{"constant", func() time.Duration { return 37 * time.Microsecond }},
		{"uniform-small", func() time.Duration { return time.Duration(rng.IntN(300)) }}, // exact buckets
		{"uniform", func() time.Duration { return time.Duration(1 + rng.IntN(int(10*time.Millisecond))) }},
		{"exponential", func() time.Duration { return time.Duration(rng.ExpFloat64() * float64(50*time.Microsecond)) }},
		{"lognormal", func() time.Duration {
			return time.Duration(math.Exp(rng.NormFloat64()*1.5 + math.Log(float64(80*time.Microsecond))))
		}},
		{"bimodal", func() time.Duration {
			if rng.IntN(100) == 0 {
				return time.Duration(5e6 + rng.IntN(1e6)) // 1% slow tail
			}
			return time.Duration(2e4 + rng.IntN(1e4))
		}},
		{"huge", func() time.Duration { return time.Duration(math.MaxInt64 - rng.Int64N(1<<40)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h Histogram
			samples := make([]time.Duration, 100_000)
			var sum time.Duration
			for i := range samples {
				samples[i] = tt.gen()
				h.Record(samples[i])
				sum += samples[i] / time.Duration(len(samples))
			}
			slices.Sort(samples)
			if h.Count() != int64(len(samples)) {
				t.Fatalf("Count = %d", h.Count())
			}
			if h.Min() != samples[0] || h.Max() != samples[len(samples)-1] {
				t.Errorf("Min/Max = %v/%v, want %v/%v", h.Min(), h.Max(), samples[0], samples[len(samples)-1])
			}
			for _, q := range []float64{0, 0.001, 0.25, 0.5, 0.9, 0.99, 0.999, 0.9999, 1} {
				got, want := h.Quantile(q), exactQuantile(samples, q)
				if rel := math.Abs(float64(got-want)) / float64(want); want != 0 && rel > HistogramError || want == 0 && got != 0 {
					t.Errorf("Quantile(%v) = %v, want %v (error %.3f%% > %.2f%%)", q, got, want, 100*rel, 100*HistogramError)
				}
			}
			if tt.name != "huge" { // the test's own sum loses precision there
				if mean := h.Mean(); math.Abs(float64(mean-sum)) > float64(sum)*1e-3+float64(len(samples)) {
					t.Errorf("Mean = %v, want %v", mean, sum)
				}
			}
		})
	}
}

func TestHistogramBuckets(t *testing.T) {
	// Every value lies in its bucket, buckets tile the range without gaps, and widths respect the bound.
	prevEnd := uint64(0)
	for i := range nBuckets {
		lo, w := bucketRange(i)
		if lo != prevEnd {
			t.Fatalf("bucket %d starts at %d, previous ended at %d", i, lo, prevEnd)
		}
		if lo >= 2*subCount && float64(w)/2/float64(lo) > HistogramError {
			t.Fatalf("bucket %d [%d,+%d) too wide", i, lo, w)
		}
		for _, v := range []uint64{lo, lo + w/2, lo + w - 1} {
			if got := bucketOf(v); got != i {
				t.Fatalf("bucketOf(%d) = %d, want %d", v, got, i)
			}
		}
		prevEnd = lo + w
	}
	if prevEnd != 1<<63 { // every non-negative time.Duration
		t.Errorf("buckets end at %d, want 2^63", prevEnd)
	}
}

func TestHistogramEdges(t *testing.T) {
	var h Histogram
	if h.Quantile(0.5) != 0 || h.Mean() != 0 || h.Max() != 0 || h.Count() != 0 {
		t.Errorf("empty histogram not zero")
	}
	h.Record(-5)
	h.Record(10)
	if h.Min() != 0 || h.Max() != 10 || h.Quantile(math.NaN()) != 0 || h.Quantile(2) != 10 || h.Quantile(0.5) != 0 {
		t.Errorf("edges: min %v max %v", h.Min(), h.Max())
	}
	var a, b, all Histogram
	for i := range 1000 {
		d := time.Duration(i * i * 1000)
		all.Record(d)
		if i%3 == 0 {
			a.Record(d)
		} else {
			b.Record(d)
		}
	}
	a.Merge(&b)
	a.Merge(&Histogram{})
	if a != all {
		t.Errorf("Merge differs from recording everything in one histogram")
	}
	a.Reset()
	if a.Count() != 0 || a.Max() != 0 {
		t.Errorf("Reset left data")
	}
}

func BenchmarkHistogramRecord(b *testing.B) {
	b.ReportAllocs()
	var h Histogram
	d := time.Duration(12345)
	for b.Loop() {
		h.Record(d)
		d = (d*7)%(10*time.Millisecond) + time.Microsecond // spread over many buckets
	}
}
