package kafka

import (
	"maps"
	"testing"
	"time"
)

// TestRateLimitsSplitByLag checks backpressure's split of a batch's budget over the
// partitions: in proportion to their lag, at least one record each, none without a rate.
func TestRateLimitsSplitByLag(t *testing.T) {
	s := &Source{cfg: SourceConfig{Interval: 2 * time.Second}}
	if got := s.rateLimits(map[int32]int64{0: 10}); got != nil {
		t.Errorf("limits without a rate: %v", got)
	}
	s.SetRate(1000) // 2,000 records a batch
	got := s.rateLimits(map[int32]int64{0: 3000, 1: 1000, 2: 1})
	want := map[int32]int64{0: 1499, 1: 499, 2: 1}
	if !maps.Equal(got, want) {
		t.Errorf("limits %v, want %v", got, want)
	}
	if got := s.rateLimits(map[int32]int64{}); got != nil {
		t.Errorf("limits with no lag: %v", got)
	}
}
