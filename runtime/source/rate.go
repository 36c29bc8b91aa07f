package source

import (
	"context"
	"fmt"
	"runtime"
	"sync"
)

// RateOptions configures a Rate source.
type RateOptions struct {
	// Limit stops the source after that many numbers (0: no limit); it is then
	// Exhausted. Replayed examples use it to end.
	Limit int64
	// Recycle says the numbers of a batch are not used once the next batch is asked for,
	// so their slice is reused instead of allocated and zeroed again: at tens of
	// millions of numbers a second, a fresh slice per batch costs page faults and
	// garbage collection that show as slow batches. The code generator sets it when the
	// plan proves it (planner.Source.Recycle).
	Recycle bool
}

// Rate emits the sequence numbers 0, 1, 2, … at perSecond numbers a second. The count
// for batch t is derived from batch times — floor(perSecond × (t − t0) / 1000) minus what
// was already emitted, t0 being the first batch time minus the interval — so a live run
// and a replayed one emit the same numbers per batch, and a late batch catches up.
type Rate struct {
	perSecond int64
	interval  int64
	opts      RateOptions

	mu      sync.Mutex
	first   bool
	t0      int64   // batch time at which counting starts
	emitted int64   // numbers emitted since t0
	next    int64   // next sequence number
	buf     []int64 // the previous batch's numbers, reused when Recycle
	plan    ratePlan
}

// ratePlan is the numbers the batch at time t emits: n from first on.
type ratePlan struct {
	t        int64
	set      bool
	first, n int64
}

// planLocked plans batch batchTime by the rule above, unless it is planned already.
func (r *Rate) planLocked(batchTime int64) {
	if r.plan.set && r.plan.t == batchTime {
		return
	}
	if r.first {
		r.first = false
		r.t0 = batchTime - r.interval
	}
	n := max(dueAt(r.perSecond, batchTime-r.t0)-r.emitted, 0)
	if r.opts.Limit > 0 {
		n = max(min(n, r.opts.Limit-r.next), 0)
	}
	r.plan = ratePlan{t: batchTime, set: true, first: r.next, n: n}
}

var _ Source[int64] = (*Rate)(nil)

// NewRate returns a rate source emitting perSecond numbers a second, for batches interval
// milliseconds apart.
func NewRate(perSecond, interval int64, opts RateOptions) *Rate {
	return &Rate{perSecond: perSecond, interval: interval, opts: opts, first: true}
}

// Name returns "rate(perSecond)".
func (r *Rate) Name() string { return fmt.Sprintf("rate(%d)", r.perSecond) }

// Start checks the configuration.
func (r *Rate) Start(context.Context) error {
	if r.perSecond < 0 || r.interval <= 0 {
		return fmt.Errorf("%s: need a rate ≥ 0 and a batch interval > 0 (got interval %dms)", r.Name(), r.interval)
	}
	return nil
}

// Stop does nothing.
func (r *Rate) Stop() error { return nil }

// Exhausted reports whether Limit numbers have been emitted.
func (r *Rate) Exhausted() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.opts.Limit > 0 && r.next >= r.opts.Limit
}

// Batch returns the numbers for batch batchTime, split into contiguous partitions.
func (r *Rate) Batch(batchTime int64, parts int) ([][]int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.planLocked(batchTime)
	n := r.plan.n
	r.next = r.plan.first
	r.plan = ratePlan{}
	var recs []int64
	if r.opts.Recycle && int64(cap(r.buf)) >= n {
		recs = r.buf[:n]
	} else {
		recs = make([]int64, n)
	}
	if r.opts.Recycle {
		r.buf = recs
	}
	out := Split(recs, parts)
	fillSequence(out, r.next)
	r.emitted += n
	r.next += n
	return out, nil
}

// parallelFillMin is the batch size from which fillSequence fills partitions on several
// goroutines.
const parallelFillMin = 1 << 18

// fillSequence numbers the elements of parts consecutively from first, each partition
// on a goroutine of its own when the batch is large.
func fillSequence(parts [][]int64, first int64) {
	starts := make([]int64, len(parts))
	total := 0
	for i, p := range parts {
		starts[i] = first + int64(total)
		total += len(p)
	}
	fill := func(i int) {
		for k := range parts[i] {
			parts[i][k] = starts[i] + int64(k)
		}
	}
	if total < parallelFillMin || len(parts) < 2 || runtime.GOMAXPROCS(0) < 2 {
		for i := range parts {
			fill(i)
		}
		return
	}
	var wg sync.WaitGroup
	for i := 1; i < len(parts); i++ {
		wg.Go(func() { fill(i) })
	}
	fill(0)
	wg.Wait()
}

// dueAt returns floor(perSecond × elapsed / 1000) without overflowing for any realistic
// rate and elapsed time.
func dueAt(perSecond, elapsed int64) int64 {
	if elapsed <= 0 {
		return 0
	}
	return elapsed/1000*perSecond + elapsed%1000*perSecond/1000
}

// Position returns the next sequence number, for checkpoints.
func (r *Rate) Position() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.next
}

// Restore makes the source continue at sequence number next; counting restarts at the
// next batch.
func (r *Rate) Restore(next int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.next = max(next, 0)
	r.first = true
	r.emitted = 0
}
