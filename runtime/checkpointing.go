package runtime

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"streamc.dev/streamc/runtime/checkpoint"
	"streamc.dev/streamc/runtime/status"
)

// The batch log's sync and the checkpoint file's write, as variables so that tests can
// slow them down or fail them (export_test.go).
var (
	syncBatchLog    = (*checkpoint.BatchLog).Sync
	writeCheckpoint = (*checkpoint.Dir).Write
)

// checkpoints is the engine's side of a checkpoint directory: reading the checkpoint to
// resume from, writing new ones, and the batch log.
type checkpoints struct {
	ctx  *Context
	log  *slog.Logger
	dir  *checkpoint.Dir
	blog *checkpoint.BatchLog

	restored     *checkpoint.Checkpoint // the checkpoint resumed from; nil on a fresh start
	restoredPath string
	lastStarted  Time // the newest batch the batch log says had started (0: none)
	// logged holds the batch log's entries of the batches after the restored checkpoint:
	// they are re-run with exactly their logged input.
	logged map[Time]checkpoint.BatchEntry
	newest Time // the batch time of the newest checkpoint written (settled) or restored
	// sections are the sizes of the state sections of the newest checkpoint written,
	// for the operations page (kept only with a status recorder).
	sections []status.SectionSize
	// state is the writer of the job's state, reused by every checkpoint.
	state *checkpoint.Writer
	// logSync is the sync of the newest batch-log entry, when it may still run: the
	// log is not written or rewritten again until it has returned.
	logSync *background
	// inFlight is the checkpoint being written on a goroutine of its own; nil when none.
	inFlight *inFlight
}

// inFlight is a checkpoint whose state and positions were taken between two batches
// and whose file is being written and synced while the next batches run (Spark writes
// its checkpoints on a thread of their own too). What depends on the file being
// durable (the batch log's pruning, the sources' and sinks' clean-up, the operations
// page's record) waits for settle, on the engine's goroutine.
type inFlight struct {
	t     Time
	begin time.Time
	st    *status.Checkpoint // nil without a status recorder
	write *background
	path  string // the file written, once write is done
}

// openCheckpoints opens the run's checkpoint directory and finds the checkpoint to
// resume from, if any, checking that it belongs to this pipeline.
func openCheckpoints(ctx *Context, log *slog.Logger) (*checkpoints, error) {
	path := ctx.Settings.Checkpoint
	d, err := checkpoint.Open(path, 0)
	if err != nil {
		return nil, err
	}
	c, err := d.Latest(func(file string, err error) {
		log.Warn("checkpoint unreadable; trying the previous one", "file", file, "err", err)
	})
	if err != nil {
		return nil, err
	}
	ck := &checkpoints{ctx: ctx, log: log, dir: d}
	if c == nil {
		if d.HasRunFiles() {
			return nil, fmt.Errorf("checkpoint directory %s holds the batch log or write-ahead logs of an earlier run "+
				"but no checkpoint file: refusing to start with empty state; start fresh with --fresh "+
				"(which moves the directory aside) or delete the directory", path)
		}
		return ck, nil
	}
	ck.restored = c
	ck.restoredPath = filepath.Join(path, "checkpoint-"+strconv.FormatInt(c.Time, 10))
	if err := ck.verify(c); err != nil {
		return nil, err
	}
	ck.newest = Time(c.Time)
	return ck, nil
}

// freshHint is how every refusal ends: the documented ways to start over.
func freshHint(dir string) string {
	return fmt.Sprintf("to start fresh, run with --fresh (moves %s aside, keeping it) or delete the directory", dir)
}

// verify checks that checkpoint c can resume this pipeline: same name, same batch
// interval, same stateful structure. The error says what changed.
func (ck *checkpoints) verify(c *checkpoint.Checkpoint) error {
	p, s := ck.ctx.Pipeline, ck.ctx.Settings
	dir := ck.dir.Path()
	if c.Pipeline != p.Name {
		return fmt.Errorf("checkpoint %s belongs to pipeline %q, not %q; use another checkpoint directory, or %s",
			ck.restoredPath, c.Pipeline, p.Name, freshHint(dir))
	}
	if c.Interval != s.Batch.Milliseconds() {
		return fmt.Errorf("checkpoint %s was written with batch interval %dms, this run has %v: batch times "+
			"would not line up with the checkpointed ones; run with --batch %dms, or %s",
			ck.restoredPath, c.Interval, s.Batch, c.Interval, freshHint(dir))
	}
	if c.Fingerprint == p.StateFingerprint() {
		return nil
	}
	old, cur := c.Shape, p.stateShape()
	var b strings.Builder
	fmt.Fprintf(&b, "checkpoint %s does not fit this pipeline: its state has changed", ck.restoredPath)
	for _, x := range old {
		if !slices.Contains(cur, x) {
			fmt.Fprintf(&b, "\n  - checkpointed: %s", x)
		}
	}
	for _, x := range cur {
		if !slices.Contains(old, x) {
			fmt.Fprintf(&b, "\n  + this binary:  %s", x)
		}
	}
	for _, x := range append(old, cur...) {
		if name, _, _ := strings.Cut(x, ":"); strings.Contains(name, "@") {
			b.WriteString("\n(a stateful operator not bound by let is known by its definition: the operators and arguments " +
				"leading to it; an edit there, or a new operator of the same kind, is a new state. Bind the operator with " +
				"let to keep its state across edits upstream)")
			break
		}
	}
	fmt.Fprintf(&b, "\nthe state cannot be carried over; %s", freshHint(dir))
	return errors.New(b.String())
}

// restore hands the checkpoint's state to the job and its positions to the sources.
// It runs after Pipeline.New and before the sources start.
func (ck *checkpoints) restore(job Job) error {
	c := ck.restored
	if cp, ok := job.(Checkpointer); ok {
		if err := cp.RestoreState(checkpoint.NewReader(c.State)); err != nil {
			return fmt.Errorf("restoring state from %s: %w", ck.restoredPath, err)
		}
	} else if len(c.State) > 0 {
		return fmt.Errorf("restoring state from %s: the checkpoint holds state but the job keeps none", ck.restoredPath)
	}
	for i, l := range ck.ctx.lifecycles {
		pos, ok := l.(Positioned)
		if !ok {
			continue
		}
		name := ck.ctx.sourceNames[i]
		data := c.Source(name)
		if data == nil {
			ck.log.Warn("the checkpoint has no position for this source; it starts from its beginning", "source", name)
			continue
		}
		r := checkpoint.NewReader(data)
		err := pos.RestorePosition(r)
		if err == nil {
			err = r.Done()
		}
		if err != nil {
			return fmt.Errorf("restoring the position of source %s from %s: %w", name, ck.restoredPath, err)
		}
	}
	return nil
}

// openBatchLog opens the batch log and keeps the entries of the batches after the
// restored checkpoint, noting the newest.
func (ck *checkpoints) openBatchLog() error {
	l, entries, err := ck.dir.OpenBatchLog()
	if err != nil {
		return err
	}
	ck.blog = l
	if n := l.Dropped(); n > 0 {
		ck.log.Warn("batch log: dropped a torn or damaged end (a crash while a batch was being logged: that batch had not started)",
			"bytes", n)
	}
	ck.logged = map[Time]checkpoint.BatchEntry{}
	for _, e := range entries {
		if t := Time(e.Time); t > ck.newest {
			ck.logged[t] = e
			ck.lastStarted = max(ck.lastStarted, t)
		}
	}
	return nil
}

// logBatch fixes the input of batch t before it runs: a batch the log holds (a re-run
// after a crash) gets its logged input back; any other is planned by the sources and
// written to the log. The entry's sync then runs while the batch computes; the batch
// waits for it (Batch.Logged, given the sync returned here) before it writes anything.
func (ck *checkpoints) logBatch(t Time) (*background, error) {
	ctx := ck.ctx
	if err := ck.awaitLog(); err != nil {
		return nil, err
	}
	e, ok := ck.logged[t]
	if !ok {
		e, err := ctx.planBatch(t, nil)
		if err != nil {
			return nil, err
		}
		if err := ck.blog.Write(e); err != nil {
			return nil, err
		}
		l := ck.blog
		ck.logSync = inBackground(func() error { return syncBatchLog(l) })
		return ck.logSync, nil
	}
	if e.Partitions != 0 && e.Partitions != ctx.Settings.Partitions {
		return nil, fmt.Errorf("batch %d started with %d partitions before the restart and this run has %d: its outputs "+
			"commit per partition, so it must be re-run as it started; run with --partitions %d until the batches "+
			"logged before the crash are done (the log says up to %d)",
			t, e.Partitions, ctx.Settings.Partitions, e.Partitions, ck.lastStarted)
	}
	_, err := ctx.planBatch(t, &e)
	return nil, err
}

// awaitLog waits for the batch log's last sync, if one may still run.
func (ck *checkpoints) awaitLog() error {
	s := ck.logSync
	ck.logSync = nil
	return s.wait()
}

// save takes the checkpoint for batch t (the last batch whose outputs are all done,
// print's blocks written): the job's state and the sources' positions, and starts
// writing the file on a goroutine of its own. A checkpoint still being written is
// settled first, so at most one is in flight. settle finishes it: once the file is
// durable, it empties the batch log and lets the sources drop what it covers.
func (ck *checkpoints) save(job Job, t Time, remaining int64) error {
	if err := ck.settle(true); err != nil {
		return err
	}
	// print is at least once: a checkpoint must not cover a batch whose printed block
	// is still being written (printout.go).
	if o, ok := ck.ctx.Stdout.(*printOut); ok {
		if err := o.flush(); err != nil {
			return fmt.Errorf("print output not written: %w", err)
		}
	}
	f := &inFlight{t: t, begin: time.Now()}
	if ck.ctx.Status != nil {
		f.st = &status.Checkpoint{BatchTime: int64(t)}
	}
	c, err := ck.take(job, t, remaining, f.st)
	if err != nil {
		ck.record(f, err)
		return err
	}
	f.write = inBackground(func() (err error) {
		f.path, err = writeCheckpoint(ck.dir, c)
		if err == nil {
			// Logged as soon as the file is durable: a kill after this line must
			// recover from it.
			ck.log.Info("checkpoint written", "batch_time", int64(t), "file", f.path, "state_bytes", len(c.State))
		}
		return err
	})
	ck.inFlight = f
	return nil
}

// saveNow is save waiting for the file to be durable and settled: the checkpoints at
// the start and the end of a run.
func (ck *checkpoints) saveNow(job Job, t Time, remaining int64) error {
	if err := ck.save(job, t, remaining); err != nil {
		return err
	}
	return ck.settle(true)
}

// take builds the checkpoint for batch t: the job's state and the sources' positions,
// filling st (when not nil) with the time it took and the state's size, and
// ck.sections with the state sections' sizes. Its State is the reused writer's buffer,
// valid until the next take.
func (ck *checkpoints) take(job Job, t Time, remaining int64, st *status.Checkpoint) (*checkpoint.Checkpoint, error) {
	ctx, p := ck.ctx, ck.ctx.Pipeline
	begin := time.Now()
	c := &checkpoint.Checkpoint{
		Pipeline:    p.Name,
		Fingerprint: p.StateFingerprint(),
		Shape:       p.stateShape(),
		Interval:    ctx.Settings.Batch.Milliseconds(),
		Time:        int64(t),
		ZeroTime:    int64(ctx.ZeroTime),
		Remaining:   remaining,
	}
	if cp, ok := job.(Checkpointer); ok {
		// One writer for every checkpoint of the run: the state of a large store is
		// megabytes, which a new writer per checkpoint left behind as garbage (grown
		// by doubling), raising the run's peak memory.
		if ck.state == nil {
			ck.state = checkpoint.NewWriter()
		}
		w := ck.state
		w.Reset()
		if err := cp.SaveState(w); err != nil {
			return nil, fmt.Errorf("checkpoint at batch %d: saving state: %w", t, err)
		}
		c.State = w.Data()
	}
	for i, l := range ctx.lifecycles {
		if pos, ok := l.(Positioned); ok {
			w := checkpoint.NewWriter()
			if err := pos.SavePosition(w); err != nil {
				return nil, fmt.Errorf("checkpoint at batch %d: saving the position of source %s: %w", t, ctx.sourceNames[i], err)
			}
			c.Sources = append(c.Sources, checkpoint.Section{Name: ctx.sourceNames[i], Data: w.Data()})
		}
	}
	if st != nil {
		st.SaveTime = time.Since(begin)
		st.StateBytes = int64(len(c.State))
		ck.sections = sectionSizes(c.State)
	}
	return c, nil
}

// settle finishes the checkpoint in flight, if any: it waits for its file when wait is
// true, and otherwise returns at once unless the file is done. Once the file is
// durable, it is the checkpoint a restart resumes from: the batch log is pruned back
// to the oldest checkpoint kept, and the sources and OnCheckpoint functions are told.
// A failed write is returned (the run fails; the log still holds every batch since the
// previous checkpoint).
func (ck *checkpoints) settle(wait bool) error {
	f := ck.inFlight
	if f == nil {
		return nil
	}
	if !wait && !f.write.finished() {
		return nil
	}
	err := f.write.wait()
	ck.inFlight = nil
	if err == nil {
		err = ck.written(f.t)
	}
	ck.record(f, err)
	return err
}

// record adds checkpoint f to the operations page's list, with err when it failed.
func (ck *checkpoints) record(f *inFlight, err error) {
	if f.st == nil {
		return
	}
	st := f.st
	st.Written = time.Now()
	st.Duration = st.Written.Sub(f.begin)
	if err != nil {
		st.Error = err.Error()
	}
	if f.path != "" {
		st.File = f.path
		if fi, err := os.Stat(f.path); err == nil {
			st.Bytes = fi.Size()
		}
	}
	ck.ctx.Status.AddCheckpoint(*st, ck.sections)
}

// written does what follows a durable checkpoint of batch t: the batch log is pruned
// back to the oldest checkpoint kept, and the sources and OnCheckpoint functions may
// drop what it covers.
func (ck *checkpoints) written(t Time) error {
	ctx := ck.ctx
	ck.newest = t
	files, err := ck.dir.List()
	if err != nil || len(files) == 0 {
		return err
	}
	oldest := files[0].Time
	if ck.blog != nil {
		// Kept back to the oldest kept checkpoint: if the newest proves unreadable, a
		// recovery from the older one re-runs the batches in between from the log.
		if err := ck.awaitLog(); err != nil {
			return err
		}
		if err := ck.blog.Prune(oldest); err != nil {
			return err
		}
	}
	for _, l := range ctx.lifecycles {
		if cc, ok := l.(CheckpointCommitter); ok {
			if err := cc.CheckpointDone(oldest); err != nil {
				return fmt.Errorf("after checkpoint at batch %d: %w", t, err)
			}
		}
	}
	for _, f := range ctx.checkpointDone {
		if err := f(Time(oldest)); err != nil {
			return fmt.Errorf("after checkpoint at batch %d: %w", t, err)
		}
	}
	return nil
}

// due reports whether batch t is a checkpoint time: (t - zero) a multiple of the
// checkpoint interval, as Spark's JobGenerator decides.
func (ck *checkpoints) due(t Time) bool {
	every := Time(ck.ctx.Settings.CheckpointEvery.Milliseconds())
	return every > 0 && (t-ck.ctx.ZeroTime)%every == 0
}

// close waits for what is still being written (a failed run leaves the directory as
// it would be after a crash at that moment) and closes the batch log.
func (ck *checkpoints) close() {
	if ck == nil {
		return
	}
	if f := ck.inFlight; f != nil {
		f.write.wait()
	}
	ck.logSync.wait()
	if ck.blog != nil {
		ck.blog.Close()
	}
}

// sectionSizes returns the name and size of each section of a job's saved state: the
// state size per stateful operator that the operations page shows. Reading the section
// headers costs nothing beside writing the checkpoint.
func sectionSizes(state []byte) []status.SectionSize {
	var out []status.SectionSize
	r := checkpoint.NewReader(state)
	for r.Remaining() > 0 {
		name, data := r.String(), r.Bytes()
		if r.Err() != nil {
			break
		}
		out = append(out, status.SectionSize{Name: name, Bytes: int64(len(data))})
	}
	return out
}
