package runtime

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	"streamc.dev/streamc/runtime/checkpoint"
)

// Checkpointer is implemented by jobs that keep state from batch to batch (stateful and
// windowed operators). The engine calls SaveState after a batch whose outputs are all
// done, never concurrently with RunBatch, and RestoreState once, after Pipeline.New and
// before any source starts, when it resumes from a checkpoint.
//
// SaveState writes one section per entry of Pipeline.State, with the same names, in the
// same order (w.Section(name, func(w) error {...})); RestoreState reads them back
// (r.Section(name)) and must end each section with Reader.Done, so that a layout
// mismatch is an error rather than garbled state. State is saved as a whole, not per
// partition: RestoreState redistributes keys with Bucket(hash(key), n) for the run's
// partition count, so changing --partitions keeps checkpoints usable.
type Checkpointer interface {
	SaveState(w *checkpoint.Writer) error
	RestoreState(r *checkpoint.Reader) error
}

// Positioned is implemented by sources whose position a checkpoint records (the queue
// index, the files already read, the rate counter, a receiver's write-ahead-log offset).
// The engine saves the position of every registered source that implements it, under
// the name given to RegisterSource, and restores it before Start.
type Positioned interface {
	SavePosition(w *checkpoint.Writer) error
	RestorePosition(r *checkpoint.Reader) error
}

// CheckpointCommitter is implemented by sources that hold data only until a checkpoint
// covers it (a receiver's write-ahead log). After a checkpoint is durable and older
// ones have been removed, the engine calls CheckpointDone with the batch time of the
// oldest checkpoint still kept: everything up to that batch may be deleted. (Not the
// newest: if the newest file turns out to be unreadable, recovery starts from the oldest
// kept one and needs its data.)
type CheckpointCommitter interface {
	CheckpointDone(oldestKept int64) error
}

// BatchKey identifies one partition of one batch of one output: the progress marker of
// the transactional output protocol. A sink that commits a batch partition's writes
// together with the marker, and skips keys already committed, writes each record exactly
// once however often a batch is re-run after restarts.
type BatchKey struct {
	Pipeline  string // Pipeline.Name
	Output    string // the output's stable identity in the pipeline, e.g. "writeTo(db)" or "writeTo@3f2a9c01"
	Time      Time   // the batch time
	Partition int    // the partition of the output's input
}

// String renders the key as "pipeline/output/time/partition", a form sinks may store.
func (k BatchKey) String() string {
	return k.Pipeline + "/" + k.Output + "/" + strconv.FormatInt(int64(k.Time), 10) + "/" + strconv.Itoa(k.Partition)
}

// TxSink is a transactional sink (databases, Kafka with transactions): WriteBatch writes
// recs, the records of one partition of one batch, together with the progress marker
// for key, in one transaction. When the marker is already committed — the batch is being
// re-run after a restart — it writes nothing and reports skipped. WriteBatch is called
// concurrently for different partitions of a batch, never twice at once for one key.
type TxSink[T any] interface {
	WriteBatch(ctx context.Context, key BatchKey, recs []T) (skipped bool, err error)
}

// WriteTx runs a transactional output: every partition of parts is written with
// sink.WriteBatch in parallel, under Batch.Output's retries (partitions committed by an
// earlier attempt are skipped by their markers). output is the output's stable name in
// the pipeline.
func WriteTx[T any](b *Batch, op Op, output string, sink TxSink[T], parts [][]T) error {
	name := ""
	ctx := context.Background()
	if b.ctx != nil {
		ctx = b.ctx.Ctx
		if b.ctx.Pipeline != nil {
			name = b.ctx.Pipeline.Name
		}
	}
	return b.Output(op, func() error {
		b.OutputRecords(Len(parts))
		return b.Parallel(len(parts), func(p int) error {
			key := BatchKey{Pipeline: name, Output: output, Time: b.Time, Partition: p}
			skipped, err := sink.WriteBatch(ctx, key, parts[p])
			if err != nil {
				return fmt.Errorf("partition %d: %w", p, err)
			}
			if skipped && b.ctx != nil {
				b.ctx.Log.Debug("output partition already committed; skipped", "key", key.String())
			}
			return nil
		})
	})
}

// IsPermanent reports whether err, or an error it wraps, has a Permanent method that
// reports true: a failure that retrying cannot mend (a table that does not exist, a
// record the sink rejects under onBadRecord = fail). Batch.Output fails such an error at
// once instead of retrying it.
func IsPermanent(err error) bool {
	var p interface{ Permanent() bool }
	return errors.As(err, &p) && p.Permanent()
}

// maxOutputBackoff caps the wait between output retries.
const maxOutputBackoff = 30 * time.Second

// Output runs one output operation of the batch (print, saveAsTextFiles, a sink write),
// once the batch's input is durable in the batch log (Logged), with retries: when f
// fails it is called again after OutputBackoff, doubling up to 30s, until
// OutputAttempts attempts have failed; then the error, attributed to op and saying how
// many attempts failed, fails the batch and the run (exit 1). The batch is not
// checkpointed, so a restarted binary runs it again: it is never skipped. Every failed
// attempt is logged as a warning. A permanent error (IsPermanent) fails at once. f must
// be idempotent for the batch (rewrite the same files, or commit through a TxSink),
// since it may have written part of its output before failing.
func (b *Batch) Output(op Op, f func() error) error {
	if err := b.Logged(); err != nil {
		return err
	}
	o := b.counters().obs
	if o == nil {
		_, err := b.output(op, f, nil)
		return err
	}
	run, start := o.beginOutput()
	attempts, err := b.output(op, f, o)
	o.endOutput(run, op, start, attempts, err)
	return err
}

// output runs f under Output's retries and returns how many attempts it took; o, when
// not nil, is told of every failed attempt that is retried.
func (b *Batch) output(op Op, f func() error, o *batchObs) (int, error) {
	attempts, wait := 1, time.Duration(0)
	if b.ctx != nil {
		attempts, wait = b.ctx.Settings.OutputAttempts, b.ctx.Settings.OutputBackoff
	}
	for attempt := 1; ; attempt++ {
		err := f()
		if err == nil {
			return attempt, nil
		}
		if IsPermanent(err) {
			return attempt, Wrap(op, err) // retrying cannot help: fail at once
		}
		if attempt >= attempts {
			if attempts > 1 {
				err = fmt.Errorf("failed %d times, giving up: %w", attempts, err)
			}
			return attempt, Wrap(op, err)
		}
		b.ctx.Log.Warn("output failed; retrying", "op", op.Pos+": "+op.Name, "batch_time", int64(b.Time),
			"attempt", attempt, "of", attempts, "in", wait, "err", err)
		if o != nil {
			o.attemptFailed(op, err)
		}
		timer := time.NewTimer(wait)
		select {
		case <-timer.C:
		case <-b.ctx.Ctx.Done():
			timer.Stop()
			return attempt, Wrap(op, err)
		}
		wait = min(wait*2, maxOutputBackoff)
	}
}

// WALDir returns the write-ahead-log directory of the named receiver source under the
// checkpoint directory, or "" when no checkpoint directory is set (no WAL then).
// Generated code passes it as the WALDir option of stdin and socket sources.
func (c *Context) WALDir(source string) string {
	if c.Settings.Checkpoint == "" {
		return ""
	}
	return filepath.Join(c.Settings.Checkpoint, checkpoint.WALDirName, source)
}

// BatchPlanner is implemented by sources whose input for a batch is fixed before the
// batch runs and recorded in the batch log (Structured Streaming's offsets log; DStream's
// per-batch selected files). Before batch t writes any output the engine calls PlanBatch
// on every planner, collects what they write into one batch-log entry and syncs it; the
// source's typed Batch read for t then returns exactly the planned input. After a crash,
// the batches the log holds beyond the checkpoint are re-run with ReplanBatch instead:
// the source must deliver exactly the input it planned then, whatever has arrived since
// (files read up to their logged sizes, Kafka offset ranges, queue positions...). So a
// re-run batch is the same batch, and its outputs, keyed by (batch time, partition), are
// neither skipped nor written twice.
//
// Both run on the engine's goroutine, between batches, never concurrently with Batch.
// A batch the log lacks (it had not started, or a source was added to the pipeline) is
// planned afresh.
type BatchPlanner interface {
	PlanBatch(t int64, w *checkpoint.Writer) error
	ReplanBatch(t int64, r *checkpoint.Reader) error
}

// OnCheckpoint registers a function the engine calls after each checkpoint is durable
// and older ones are removed, with the batch time of the oldest checkpoint still kept.
// A recovery starts from a kept checkpoint and re-runs only batches after it, so data
// kept to make re-runs idempotent (a sink's progress markers, dead-letter files of a
// batch) may be dropped up to and including oldestKept, and must be kept after it.
// Without a checkpoint directory it is never called. An error fails the run (exit 1).
func (c *Context) OnCheckpoint(f func(oldestKept Time) error) {
	c.checkpointDone = append(c.checkpointDone, f)
}
