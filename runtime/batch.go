package runtime

import (
	goruntime "runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Batch is one micro-batch: the records that arrived in (Time - Interval, Time]. The
// engine passes a fresh *Batch to Job.RunBatch; generated code reads its fields, runs its
// stages with Parallel and reports the input size with AddInput.
type Batch struct {
	Time       Time          // the batch time t
	Interval   time.Duration // the batch interval
	Index      int64         // 0 for the first batch of this run, then 1, 2, ...
	Partitions int           // the pipeline's default partition count (resolved setting)
	Replay     bool          // true under the deterministic clock (--replay)
	// Recovering is true for a batch that had already started before the binary was
	// restarted from a checkpoint and is being run again with its original time.
	Recovering bool

	ctx   *Context
	input atomic.Int64
	bad   atomic.Int64
	late  atomic.Int64
	// root is the batch the engine created when this one is a Lagged view of it: the
	// counters live there, so that the batch's log line counts everything.
	root *Batch
	// obs observes the stages and outputs for the operations page; nil unless the run
	// has a status recorder (on the root only, as the counters).
	obs *batchObs
	// logged is the sync of the batch's entry in the batch log, running while the
	// batch's stages compute; nil when there is nothing to wait for (on the root only).
	logged *background
}

// background is a call running on a goroutine of its own (the batch log's sync, a
// checkpoint file's write): done is closed when it returns, with its error in err.
type background struct {
	done chan struct{}
	err  error
}

// inBackground runs f on a goroutine of its own.
func inBackground(f func() error) *background {
	c := &background{done: make(chan struct{})}
	go func() {
		defer close(c.done)
		c.err = f()
	}()
	return c
}

// wait waits for the call and returns its error; a nil c has nothing to wait for.
func (c *background) wait() error {
	if c == nil {
		return nil
	}
	<-c.done
	return c.err
}

// finished reports whether the call has returned, without waiting.
func (c *background) finished() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// Logged waits until the batch's input is durable in the batch log and returns the
// sync's error. With a checkpoint directory the engine writes the batch's entry before
// the batch runs and syncs it while the stages compute, so that the fsync costs no
// time on the batch's path. Nothing the batch makes visible outside the process may
// come before it: a batch that crashed before its entry was durable is planned afresh
// after a restart, possibly with other input, and must have written nothing. Output
// calls it before its first attempt, generated code before flushing dead letters, and
// the engine before the batch-done hooks. Without a checkpoint directory, or for a
// batch re-run from the log, it returns nil at once.
func (b *Batch) Logged() error {
	return b.counters().logged.wait()
}

// Lagged returns a view of b at time b.Time - lag, for the part of a job that runs on
// event time behind the arrival clock (downstream of eventTime). Everything but Time is
// b's, and the counters it adds to are b's.
func (b *Batch) Lagged(lag time.Duration) *Batch {
	r := b
	if b.root != nil {
		r = b.root
	}
	return &Batch{
		Time: b.Time - Time(lag.Milliseconds()), Interval: b.Interval, Index: b.Index,
		Partitions: b.Partitions, Replay: b.Replay, Recovering: b.Recovering,
		ctx: b.ctx, root: r,
	}
}

// counters returns the batch whose counters b adds to.
func (b *Batch) counters() *Batch {
	if b.root != nil {
		return b.root
	}
	return b
}

// Context returns the run's context (settings, logger, metrics, stdout).
func (b *Batch) Context() *Context { return b.ctx }

// AddInput records that n input records were read for this batch. Generated code calls
// it once per source read with the number of records the read returned; the figure is
// the batch's "input size" in logs and metrics.
func (b *Batch) AddInput(n int) {
	b.counters().input.Add(int64(n))
	if b.ctx != nil {
		b.ctx.Metrics.RecordsIn.Add(int64(n))
	}
}

// Input returns the number of input records reported with AddInput so far.
func (b *Batch) Input() int64 { return b.counters().input.Load() }

// AddBadRecords records that n records of this batch failed to decode (and were
// skipped or dead-lettered by the pipeline's policy). The figure is logged with the
// batch and counted in the metrics, so that no bad record goes unnoticed.
func (b *Batch) AddBadRecords(n int64) {
	if n == 0 {
		return
	}
	r := b.counters()
	r.bad.Add(n)
	if b.ctx != nil {
		b.ctx.Metrics.BadRecords.Add(n)
	}
	if r.obs != nil {
		r.obs.rejected(n)
	}
}

// BadRecords returns the number reported with AddBadRecords so far.
func (b *Batch) BadRecords() int64 { return b.counters().bad.Load() }

// AddLateRecords records that n records of this batch came later than their stream's
// eventTime lateness allows and were dropped. Like bad records they are logged with the
// batch and counted in the metrics, so that none goes unnoticed.
func (b *Batch) AddLateRecords(n int64) {
	if n == 0 {
		return
	}
	b.counters().late.Add(n)
	if b.ctx != nil {
		b.ctx.Metrics.LateRecords.Add(n)
	}
}

// LateRecords returns the number reported with AddLateRecords so far.
func (b *Batch) LateRecords() int64 { return b.counters().late.Load() }

// Parallel runs f(p) for p = 0..n-1 and waits for all of them. At most GOMAXPROCS calls
// run at once (the calling goroutine is one of the workers); for n == 1 it calls f
// inline. The result is the error of the lowest partition that failed, so that a run
// reports the same error every time; a panic in f that f does not recover itself (with
// Guard) becomes a *PanicError for its partition instead of crashing the binary.
//
// n is explicit, rather than b.Partitions, because stages after an exchange may have
// their own partition count (reduceByKey(..., partitions = 8)).
//
// With a status recorder (the http setting), each call is timed as a stage of the batch
// for the operations page: one clock read and a short lock per call, not per partition.
func (b *Batch) Parallel(n int, f func(p int) error) error {
	o := b.counters().obs
	if o == nil || o.outputs.Load() > 0 {
		return Parallel(n, f)
	}
	err := Parallel(n, f)
	o.stageDone(b, f, n)
	return err
}

// Parallel is Batch.Parallel without a batch, for setup code and tests.
func Parallel(n int, f func(p int) error) error {
	return ParallelN(goruntime.GOMAXPROCS(0), n, f)
}

// ParallelN is Parallel on at most workers goroutines (the calling one included), for
// work bounded by something else than the CPUs: a sink's connections.
func ParallelN(workers, n int, f func(p int) error) error {
	switch {
	case n <= 0:
		return nil
	case n == 1:
		return callPartition(f, 0)
	}
	workers = max(1, min(n, workers))
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstP   = n
		firstErr error
	)
	work := func() {
		for {
			p := int(next.Add(1) - 1)
			if p >= n {
				return
			}
			if err := callPartition(f, p); err != nil {
				mu.Lock()
				if p < firstP {
					firstP, firstErr = p, err
				}
				mu.Unlock()
			}
		}
	}
	wg.Add(workers - 1)
	for range workers - 1 {
		go func() {
			defer wg.Done()
			work()
		}()
	}
	work()
	wg.Wait()
	return firstErr
}

// callPartition calls f(p), turning a panic into a *PanicError.
func callPartition(f func(p int) error, p int) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = newPanicError(v)
		}
	}()
	return f(p)
}

// Len returns the total number of elements in parts; generated code passes a source
// read's result to Batch.AddInput with it.
func Len[T any](parts [][]T) int {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	return n
}
