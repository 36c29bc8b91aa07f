package status

import "slices"

// LatencyBuckets are the upper bounds, in seconds, of the latency histograms: from a
// millisecond (a small batch's processing time) to ten minutes (a run far behind).
var LatencyBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600}

// Histogram counts observations into fixed buckets, as a Prometheus histogram does:
// Counts[i] is the number of observations ≤ Bounds[i] and > Bounds[i-1]; Over those
// above the last bound.
type Histogram struct {
	Bounds []float64
	Counts []uint64
	Over   uint64
	Sum    float64
	Count  uint64
}

// NewHistogram returns an empty histogram with the given (ascending) bucket bounds.
func NewHistogram(bounds []float64) Histogram {
	return Histogram{Bounds: bounds, Counts: make([]uint64, len(bounds))}
}

// Observe adds v.
func (h *Histogram) Observe(v float64) {
	h.Sum += v
	h.Count++
	i, _ := slices.BinarySearch(h.Bounds, v)
	if i == len(h.Bounds) {
		h.Over++
		return
	}
	h.Counts[i]++
}

// Cumulative returns the count of observations ≤ each bound, as Prometheus exposes
// buckets.
func (h *Histogram) Cumulative() []uint64 {
	out := make([]uint64, len(h.Counts))
	var c uint64
	for i, n := range h.Counts {
		c += n
		out[i] = c
	}
	return out
}

func (h *Histogram) clone() Histogram {
	c := *h
	c.Counts = slices.Clone(h.Counts)
	return c
}
