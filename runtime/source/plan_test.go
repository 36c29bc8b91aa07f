package source

import (
	"slices"
	"testing"

	"streamc.dev/streamc/runtime/checkpoint"
)

// TestQueueAndRateReplan: a batch re-planned from its logged plan by a new source (a
// restart from a checkpoint older than the batch) delivers what the original delivered.
func TestQueueAndRateReplan(t *testing.T) {
	q := NewQueue("q", [][]int{{1}, {2, 3}, {4}})
	q.Batch(1000, 1)
	w := checkpoint.NewWriter()
	q.PlanBatch(2000, w)
	want := flatten(must(q.Batch(2000, 2)))
	r := NewQueue("q", [][]int{{1}, {2, 3}, {4}}) // restored at position 0
	if err := r.ReplanBatch(2000, checkpoint.NewReader(w.Data())); err != nil {
		t.Fatal(err)
	}
	if got := flatten(must(r.Batch(2000, 2))); !slices.Equal(got, want) || !slices.Equal(flatten(must(r.Batch(3000, 1))), []int{4}) {
		t.Errorf("re-planned queue batch = %v, want %v, then [4]", got, want)
	}

	// The rate source counts from its first batch, which a restart resets: the plan keeps
	// a re-run batch's numbers those of the original run.
	// At 5 a second and 300ms batches the counts go 1, 2, 1, 2...: batch 600 emits 2,
	// where a count restarted at 600 would give 1.
	src := NewRate(5, 300, RateOptions{})
	src.Batch(300, 1)
	w = checkpoint.NewWriter()
	src.PlanBatch(600, w)
	wantRate := flatten(must(src.Batch(600, 2)))
	again := NewRate(5, 300, RateOptions{})
	again.Restore(src.Position() - int64(len(wantRate)))
	if err := again.ReplanBatch(600, checkpoint.NewReader(w.Data())); err != nil {
		t.Fatal(err)
	}
	if got := flatten(must(again.Batch(600, 2))); len(wantRate) != 2 || !slices.Equal(got, wantRate) {
		t.Errorf("re-planned rate batch = %v, want %v", got, wantRate)
	}
}
