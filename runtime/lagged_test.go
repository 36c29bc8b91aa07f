package runtime

import (
	"testing"
	"time"
)

// TestLaggedBatchSharesCounters checks the view of a batch that event-time stages get:
// its own time, everything else the batch's, and its counts going to the batch (the log
// line) and the run's metrics (/metrics).
func TestLaggedBatchSharesCounters(t *testing.T) {
	ctx := NewContext(&Pipeline{Name: "p"}, Settings{Batch: time.Second}, nil, nil)
	b := ctx.NewBatch(5000, 4)
	ev := b.Lagged(2 * time.Second)
	if ev.Time != 3000 || ev.Index != 4 || ev.Interval != b.Interval || ev.Context() != ctx {
		t.Fatalf("lagged view %+v of batch %+v", ev, b)
	}
	ev.AddLateRecords(2)
	ev.AddBadRecords(1)
	ev.AddInput(3)
	b.AddLateRecords(1)
	// A view of a view still counts into the engine's batch.
	ev.Lagged(time.Second).AddLateRecords(1)
	if b.LateRecords() != 4 || b.BadRecords() != 1 || b.Input() != 3 || ev.LateRecords() != 4 {
		t.Errorf("batch counts late %d bad %d input %d (view: late %d); want 4, 1, 3, 4",
			b.LateRecords(), b.BadRecords(), b.Input(), ev.LateRecords())
	}
	if s := ctx.Metrics.Snapshot("p"); s.LateRecords != 4 || s.BadRecords != 1 {
		t.Errorf("metrics late %d bad %d, want 4, 1", s.LateRecords, s.BadRecords)
	}
}
