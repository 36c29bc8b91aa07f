package runtime

import (
	"errors"
	"fmt"
	"io"
)

// Driver runs a pipeline's job batch by batch in the calling goroutine, without the
// engine's wall clock, checkpoints, operations server or batch logs: the in-process harness
// for tests and benchmarks of generated code, such as counting what one batch allocates
// with testing.AllocsPerRun. It runs on the deterministic clock (as --replay does),
// from the batch time one interval after 0 on:
//
//	d, err := rt.NewDriver(pipeline, io.Discard, func(s *rt.Settings) { s.Partitions = 2 })
//	...
//	defer d.Close()
//	n, err := d.Step() // the first batch; n is its input record count
type Driver struct {
	ctx   *Context
	job   Job
	next  Time
	index int64
}

// NewDriver builds p's job and starts its sources. The settings are p's (the file's),
// changed by set when it is not nil, as flags change them. Output goes to stdout; logs
// are discarded. Checkpointing is the engine's: a checkpoint directory is refused.
func NewDriver(p *Pipeline, stdout io.Writer, set func(*Settings)) (*Driver, error) {
	s := p.Defaults
	if set != nil {
		set(&s)
	}
	if s.Checkpoint != "" {
		return nil, errors.New("rt.Driver: checkpoints are the engine's; run the binary to test them")
	}
	if s.Batch <= 0 {
		return nil, fmt.Errorf("rt.Driver: pipeline %s has no batch interval", p.Name)
	}
	ctx := NewContext(p, s, stdout, nil)
	ctx.Replay = true
	first := firstBatchTime(0, s.Batch)
	ctx.ZeroTime = first - Time(s.Batch.Milliseconds())
	job, err := p.New(ctx)
	if err != nil {
		ctx.lifecycles = nil // never started
		ctx.shutdown(func(string, error) {})
		return nil, fmt.Errorf("pipeline setup failed: %w", err)
	}
	d := &Driver{ctx: ctx, job: job, next: first}
	if err := ctx.startSources(); err != nil {
		d.Close()
		return nil, fmt.Errorf("source failed to start: %w", err)
	}
	return d, nil
}

// Context returns the context the job was built with.
func (d *Driver) Context() *Context { return d.ctx }

// Step runs the next batch, with its outputs and batch-done hooks, and returns the
// number of input records it read.
func (d *Driver) Step() (input int64, err error) {
	b := d.ctx.NewBatch(d.next, d.index)
	d.next = d.next.Add(d.ctx.Settings.Batch)
	d.index++
	if _, err := d.ctx.planBatch(b.Time, nil); err != nil {
		return 0, err
	}
	err = d.ctx.runBatch(d.job, b)
	return b.Input(), err
}

// Exhausted reports whether every source has nothing more to read (replayed files all
// read, a queue emptied); false when the pipeline has no source that ends.
func (d *Driver) Exhausted() bool { return d.ctx.exhausted() }

// Close stops the sources and closes what the job registered, in reverse order, and
// returns the first error.
func (d *Driver) Close() error { return d.ctx.shutdown(func(string, error) {}) }
