package sink

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"

	rt "streamc.dev/streamc/runtime"
)

// Output writes one batch of a writeTo output through p: generated code calls it in
// Job.RunBatch, in the order the outputs are written, with the output's partitions
// (parts[i] is partition i). It runs under b.Output, so the whole output is retried with
// the run's --output-attempts and --output-backoff after the pool's own per-partition
// retries are used up; a retry rewrites only the partitions whose write failed (those
// written by an earlier attempt are not written again in this run). The error,
// attributed to op, fails the batch and the run (exit 1); the batch is not checkpointed,
// so a restart writes it again.
func Output[T any](b *rt.Batch, op rt.Op, p *Pool[T], parts [][]T) error {
	ctx := context.Background()
	if c := b.Context(); c != nil && c.Ctx != nil {
		ctx = c.Ctx
	}
	t := b.Time.Go()
	var done []bool
	return b.Output(op, func() error {
		b.OutputRecords(rt.Len(parts))
		if done == nil {
			done = make([]bool, len(parts))
		}
		return p.write(ctx, t, parts, done)
	})
}

// Write writes the partitions of the batch with time t through p, without the engine:
// parts[i] as partition i of len(parts), each on a connection from the pool with the
// pool's retries, up to MaxConns partitions at once; empty partitions are skipped. It
// returns when every write has ended, with the error of the lowest partition that
// failed.
func Write[T any](ctx context.Context, p *Pool[T], t time.Time, parts [][]T) error {
	return p.write(ctx, time.UnixMilli(t.UnixMilli()).UTC(), parts, nil)
}

// write is Write; done, when not nil, marks the partitions already written (they are
// skipped) and is updated with the partitions this call writes.
func (p *Pool[T]) write(ctx context.Context, t time.Time, parts [][]T, done []bool) error {
	pending := 0
	for i, part := range parts {
		if len(part) > 0 && (done == nil || !done[i]) {
			pending++
		}
	}
	if pending == 0 {
		return nil
	}
	workers := min(pending, p.opts.MaxConns)
	if workers == 1 {
		var first error
		for i := range parts {
			if err := p.writeIndex(ctx, t, parts, done, i); err != nil && first == nil {
				first = err
			}
		}
		return first
	}
	return p.writeParallel(ctx, t, parts, done, workers)
}

// writeIndex writes partition i of parts unless it is empty or done.
func (p *Pool[T]) writeIndex(ctx context.Context, t time.Time, parts [][]T, done []bool, i int) error {
	if len(parts[i]) == 0 || (done != nil && done[i]) {
		return nil
	}
	err := p.writePartition(ctx, Batch[T]{
		Pipeline: p.pipeline, Output: p.output, Time: t,
		Partition: i, Partitions: len(parts), Elems: parts[i],
	})
	if err != nil {
		return fmt.Errorf("partition %d: %w", i, err)
	}
	if done != nil {
		done[i] = true
	}
	return nil
}

// writeParallel writes the partitions of parts with workers goroutines (the calling one
// included), each taking the next partition in turn, and returns the error of the lowest
// partition that failed.
func (p *Pool[T]) writeParallel(ctx context.Context, t time.Time, parts [][]T, done []bool, workers int) error {
	return rt.ParallelN(workers, len(parts), func(i int) error { return p.writeIndex(ctx, t, parts, done, i) })
}

// ForeachBatch runs f once per batch with all of the batch's elements (partition 0's
// first) and the batch time: Spark's foreachBatch, a plain callback for side effects
// that need no connection pool. It is called for every batch, also an empty one (elems
// then has length 0), under b.Output's retries: a failed call is called again with the
// same batch, unless its error is Permanent, so f must tolerate seeing a batch twice (it
// is also called again for a batch re-run after a crash). elems is valid only during
// the call. A panic in f fails the batch, attributed to op.
func ForeachBatch[T any](b *rt.Batch, op rt.Op, f func(ctx context.Context, t time.Time, elems []T) error, parts [][]T) error {
	ctx := context.Background()
	if c := b.Context(); c != nil && c.Ctx != nil {
		ctx = c.Ctx
	}
	t := b.Time.Go()
	elems := gather(parts)
	return b.Output(op, func() (err error) {
		b.OutputRecords(len(elems))
		defer func() {
			if v := recover(); v != nil {
				err = Permanent(&rt.PanicError{Value: v, Stack: debug.Stack()})
			}
		}()
		return f(ctx, t, elems)
	})
}

// gather returns the elements of parts in order: the one non-empty partition itself, or
// a new slice holding them all.
func gather[T any](parts [][]T) []T {
	var only []T
	nonEmpty := 0
	for _, p := range parts {
		if len(p) > 0 {
			only = p
			nonEmpty++
		}
	}
	if nonEmpty <= 1 {
		return only
	}
	all := make([]T, 0, rt.Len(parts))
	for _, p := range parts {
		all = append(all, p...)
	}
	return all
}
