package loadgen

import (
	"math"
	"math/bits"
	"time"
)

// The histogram is log-linear (HDR-style): values below 2·subCount are counted exactly, and every
// power-of-two range above is split into subCount equal buckets. A bucket [lo, lo+w) has w ≤ lo/subCount,
// so reporting its midpoint is off by at most w/2 ≤ lo/(2·subCount): 0.39% with subCount = 128.
const (
	subBits  = 7
	subCount = 1 << subBits // buckets per power of two
	// nBuckets covers every non-negative int64: exact buckets for [0, 2·subCount), then subCount
	// buckets for each shift 1..63-subBits.
	nBuckets = 2*subCount + (64-subBits-2)*subCount
)

// HistogramError is the largest relative error of a Quantile result against the exact sample
// quantile (the bucket half-width over its lower bound).
const HistogramError = 1.0 / (2 * subCount)

// Histogram records durations in fixed memory (about 60 KB) with a relative error of at most
// HistogramError for quantiles; Record costs a few instructions and never allocates. The zero value is
// empty and ready to use. A Histogram is not safe for concurrent use.
type Histogram struct {
	counts [nBuckets]uint64
	n      uint64
	sum    uint64 // nanoseconds; overflows after 584 years of summed latency
	min    uint64
	max    uint64
}

// bucketOf returns the bucket index of v.
func bucketOf(v uint64) int {
	if v < 2*subCount {
		return int(v)
	}
	shift := bits.Len64(v) - (subBits + 1) // ≥ 1; v>>shift is in [subCount, 2·subCount)
	return 2*subCount + (shift-1)*subCount + int(v>>shift) - subCount
}

// bucketRange returns the lowest value of bucket i and its width.
func bucketRange(i int) (lo, width uint64) {
	if i < 2*subCount {
		return uint64(i), 1
	}
	i -= 2 * subCount
	shift := uint(i/subCount) + 1
	top := uint64(i%subCount) + subCount
	return top << shift, 1 << shift
}

// Record adds one duration; negative durations count as zero.
func (h *Histogram) Record(d time.Duration) {
	v := uint64(0)
	if d > 0 {
		v = uint64(d)
	}
	h.counts[bucketOf(v)]++
	if h.n == 0 || v < h.min {
		h.min = v
	}
	if v > h.max {
		h.max = v
	}
	h.n++
	h.sum += v
}

// Count returns the number of recorded durations.
func (h *Histogram) Count() int64 { return int64(h.n) }

// Mean returns the exact mean of the recorded durations, or 0 when empty.
func (h *Histogram) Mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return time.Duration(h.sum / h.n)
}

// Min returns the smallest recorded duration (exact), or 0 when empty.
func (h *Histogram) Min() time.Duration { return time.Duration(h.min) }

// Max returns the largest recorded duration (exact), or 0 when empty.
func (h *Histogram) Max() time.Duration { return time.Duration(h.max) }

// Quantile returns the q-quantile (0 ≤ q ≤ 1) of the recorded durations: the smallest recorded value v
// such that at least ⌈q·Count⌉ values are ≤ v, within HistogramError. It returns 0 when empty; q is
// clamped to [0, 1].
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	if !(q > 0) { // also NaN
		return time.Duration(h.min)
	}
	if q >= 1 {
		return time.Duration(h.max)
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	if rank < 1 {
		rank = 1
	}
	var seen uint64
	for i := range h.counts {
		seen += h.counts[i]
		if seen >= rank {
			lo, w := bucketRange(i)
			v := lo + w/2
			if w == 1 {
				v = lo
			}
			v = max(h.min, min(h.max, v))
			return time.Duration(v)
		}
	}
	return time.Duration(h.max) // unreachable while counts and n agree
}

// Merge adds every duration recorded in o to h.
func (h *Histogram) Merge(o *Histogram) {
	if o.n == 0 {
		return
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	if h.n == 0 || o.min < h.min {
		h.min = o.min
	}
	h.max = max(h.max, o.max)
	h.n += o.n
	h.sum += o.sum
}

// Reset empties h.
func (h *Histogram) Reset() { *h = Histogram{} }
