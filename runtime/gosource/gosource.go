package gosource

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"sync"
	"time"

	rt "streamc.dev/streamc/runtime"
	"streamc.dev/streamc/runtime/checkpoint"
	"streamc.dev/streamc/runtime/source"
	"streamc.dev/streamc/runtime/status"
)

// Source is a custom input whose records can be read again by offsets: a log, a table
// with an increasing key, an API with cursors, a bucket listed in name order. Offsets are
// strings the source defines (a number, several partitions' numbers, a cursor, a file
// name and size): the runtime stores them in the batch log and checkpoints and hands
// them back, and compares them only for equality. The runtime calls the methods from
// one goroutine at a time, between and at the start of batches.
type Source[T any] interface {
	// Initial returns the offset a fresh run starts from: the beginning of the input, or
	// where the source's own bookkeeping (what Commit recorded) says. A run that resumes
	// from a checkpoint does not call it: it starts at the checkpoint's offset.
	Initial(ctx context.Context) (string, error)
	// Latest returns the end of the next batch, which starts at from: the offset after the
	// records available now. Returning from itself makes an empty batch. When limit > 0
	// the batch should hold at most limit records (the pipeline's maxRate, or
	// backpressure's rate, times the batch interval); limit 0 means no bound. Latest is
	// called once per batch, before the batch runs; its answer is made durable in the
	// batch log before anything is written.
	Latest(ctx context.Context, from string, limit int64) (until string, err error)
	// Read returns the records from offset from up to offset until, in a fixed order.
	// It must return the same records every time it is called with the same offsets — a
	// batch re-run after a crash reads its logged offsets again, however much has
	// arrived since — so records must stay readable until Commit says they are no longer
	// needed. It is not called for an empty batch (from == until).
	Read(ctx context.Context, from, until string) ([]T, error)
}

// Committer is implemented by a Source that wants to know when records are no longer
// needed (to acknowledge them, delete them, or record where a fresh run should start).
// Commit(through) means: no batch will read records before offset through again. With a
// checkpoint directory it is called after each checkpoint with the offset of the oldest
// checkpoint kept (a recovery re-runs batches after it); without one, after each batch's
// outputs are done, with the batch's end. A Commit error is logged; the next commit
// covers it.
type Committer interface {
	Commit(ctx context.Context, through string) error
}

// Bounded is implemented by a Source whose input ends: Exhausted(at) reports that no
// record will ever be available after offset at. A run whose sources are all exhausted
// ends (in replay mode, after the windows' drain batches).
type Bounded interface {
	Exhausted(at string) bool
}

// A Source may also have the methods Start(ctx context.Context) error, called before the
// first batch (connect, check configuration; an error stops the run), and Close() error,
// called when the run ends (an error makes it exit 1).

// Options tune an Adapter.
type Options struct {
	// MaxPerBatch bounds the records a batch takes (the limit passed to Latest) when
	// the pipeline sets neither maxRate nor backpressure; 0: no bound.
	MaxPerBatch int64
}

// Adapter runs a Source as one of the pipeline's sources, with the guarantees of the
// built-in pulled sources (files, queue, kafka): each batch's offsets are fixed and
// logged before the batch runs (the runtime's BatchPlanner), the offset reached is
// checkpointed (Positioned), and a batch re-run after a crash reads exactly its logged
// offsets. It is the engine's source: it implements runtime/source's Source[T] (the
// typed Batch read that generated code calls), runtime's Positioned, BatchPlanner,
// CheckpointCommitter and RateControlled, and status.SourceReporter.
type Adapter[T any] struct {
	name  string
	src   Source[T]
	log   *slog.Logger
	every time.Duration // the batch interval, for rates
	fixed int64         // Options.MaxPerBatch

	mu       sync.Mutex
	ctx      context.Context
	started  bool
	stopped  bool
	failed   error
	pos      string // the end of the last batch read: the checkpoint's position
	next     string // the end of the last batch planned: where the next one starts
	restored bool
	plans    map[int64]plan
	read     []readBatch // batches read, oldest first, for commits
	limit    int64       // records per batch from the rate, 0: none
	rate     float64
	records  int64 // records delivered by this run
	last     int64 // records of the latest batch
	commit   string
	hasCommt bool
	// recoveredFrom is the batch time of the checkpoint the run resumes from, -1 for
	// none (a fresh start, or no checkpoint directory).
	recoveredFrom int64
}

type plan struct{ from, until string }

type readBatch struct {
	t     int64
	until string
}

var (
	_ source.Source[int]     = (*Adapter[int])(nil)
	_ rt.Positioned          = (*Adapter[int])(nil)
	_ rt.BatchPlanner        = (*Adapter[int])(nil)
	_ rt.CheckpointCommitter = (*Adapter[int])(nil)
	_ rt.RateControlled      = (*Adapter[int])(nil)
	_ status.SourceReporter  = (*Adapter[int])(nil)
)

// New returns the adapter of src and, when ctx is not nil, registers it as the
// pipeline's source name (its let binding, the name its checkpoint position is saved
// under) and, without a checkpoint directory, commits each batch once its outputs are
// done. Generated code calls it in Pipeline.New and reads each batch with
// a.Batch(b.Time.Millis(), n).
func New[T any](ctx *rt.Context, name string, src Source[T], o Options) *Adapter[T] {
	a := &Adapter[T]{name: name, src: src, log: slog.New(slog.DiscardHandler), fixed: o.MaxPerBatch,
		plans: map[int64]plan{}, recoveredFrom: -1}
	a.limit = o.MaxPerBatch
	if ctx == nil {
		return a
	}
	if ctx.Log != nil {
		a.log = ctx.Log.With("source", name)
	}
	a.every = ctx.Settings.Batch
	if r := ctx.Settings.MaxRate; r > 0 {
		a.setRateLocked(float64(r))
	}
	ctx.RegisterSource(name, a)
	if ctx.Settings.Checkpoint == "" {
		ctx.OnBatchDone(func(t rt.Time) error {
			a.commitBatch(int64(t))
			return nil
		})
	} else if ctx.Recovered {
		a.recoveredFrom = int64(ctx.RecoveredFrom)
	}
	return a
}

// Name returns the source's name.
func (a *Adapter[T]) Name() string { return a.name }

// Start starts the source and, on a fresh start, asks it for its initial offset.
func (a *Adapter[T]) Start(ctx context.Context) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.started {
		return errors.New("gosource " + a.name + ": already started")
	}
	if s, ok := a.src.(interface{ Start(context.Context) error }); ok {
		if err := s.Start(ctx); err != nil {
			return fmt.Errorf("%s: %w", a.name, err)
		}
	}
	if !a.restored {
		off, err := a.src.Initial(ctx)
		if err != nil {
			return fmt.Errorf("%s: initial offset: %w", a.name, err)
		}
		a.pos, a.next = off, off
	}
	a.ctx, a.started = ctx, true
	return nil
}

// Stop closes the source when it has a Close method.
func (a *Adapter[T]) Stop() error {
	a.mu.Lock()
	if a.stopped {
		a.mu.Unlock()
		return nil
	}
	a.stopped = true
	a.mu.Unlock()
	if c, ok := a.src.(io.Closer); ok {
		if err := c.Close(); err != nil {
			return fmt.Errorf("%s: %w", a.name, err)
		}
	}
	return nil
}

// Exhausted reports whether a Bounded source has nothing after the offset reached and
// no planned batch is left to read.
func (a *Adapter[T]) Exhausted() bool {
	b, ok := a.src.(Bounded)
	if !ok {
		return false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.started && len(a.plans) == 0 && b.Exhausted(a.pos)
}

// PlanBatch fixes batch t's offsets and writes them to the batch log entry w: from (the
// end of the batch before) and until (the source's Latest).
func (a *Adapter[T]) PlanBatch(t int64, w *checkpoint.Writer) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	p, err := a.planLocked(t)
	if err != nil {
		return err
	}
	w.String(p.from)
	w.String(p.until)
	return nil
}

func (a *Adapter[T]) planLocked(t int64) (plan, error) {
	if !a.started {
		return plan{}, errors.New("gosource " + a.name + ": not started")
	}
	until, err := a.src.Latest(a.ctx, a.next, a.limit)
	if err != nil {
		a.failed = err
		return plan{}, fmt.Errorf("%s: the offsets of batch %d: %w", a.name, t, err)
	}
	p := plan{from: a.next, until: until}
	a.plans[t] = p
	a.next = until
	return p, nil
}

// ReplanBatch makes batch t, re-run after a crash, read the offsets logged for it.
func (a *Adapter[T]) ReplanBatch(t int64, r *checkpoint.Reader) error {
	from, until := r.String(), r.String()
	if err := r.Done(); err != nil {
		return fmt.Errorf("%s: the batch log entry of batch %d: %w", a.name, t, err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.plans[t] = plan{from: from, until: until}
	a.next = until
	return nil
}

// Batch returns the records of batch t — those between its planned offsets — split into
// parts partitions (source.Split: contiguous, in the source's order). A batch that was
// not planned (the source read outside the engine) is planned now.
func (a *Adapter[T]) Batch(t int64, parts int) ([][]T, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.started {
		return nil, source.ErrNotStarted
	}
	p, ok := a.plans[t]
	if !ok {
		var err error
		if p, err = a.planLocked(t); err != nil {
			return nil, err
		}
	}
	var recs []T
	if p.from != p.until {
		var err error
		recs, err = a.src.Read(a.ctx, p.from, p.until)
		if err != nil {
			a.failed = err
			return nil, fmt.Errorf("%s: reading batch %d (offsets %q to %q): %w", a.name, t, p.from, p.until, err)
		}
	}
	delete(a.plans, t)
	a.pos = p.until
	a.read = append(a.read, readBatch{t: t, until: p.until})
	a.records += int64(len(recs))
	a.last = int64(len(recs))
	a.failed = nil
	return source.Split(recs, parts), nil
}

// SavePosition writes the offset reached: the end of the last batch read. The engine's
// first checkpoint is written before the sources start, when there is no offset yet: it
// records none, and a restart from it starts the source afresh (Initial), the batches
// logged after it being re-run from their logged offsets.
func (a *Adapter[T]) SavePosition(w *checkpoint.Writer) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	has := a.started || a.restored
	w.Bool(has)
	if has {
		w.String(a.pos)
	}
	return nil
}

// RestorePosition makes the source resume at a checkpoint's offset (before Start).
func (a *Adapter[T]) RestorePosition(r *checkpoint.Reader) error {
	has := r.Bool()
	off := ""
	if has {
		off = r.String()
	}
	if err := r.Err(); err != nil {
		return err
	}
	if !has {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.pos, a.next, a.restored = off, off, true
	if a.recoveredFrom >= 0 {
		// The checkpoint resumed from is kept: its offset is committed once it is the
		// oldest kept.
		a.read = append(a.read[:0], readBatch{t: a.recoveredFrom, until: off})
	}
	return nil
}

// CheckpointDone commits the offset of the oldest checkpoint kept, batch oldestKept.
func (a *Adapter[T]) CheckpointDone(oldestKept int64) error {
	a.commitBatch(oldestKept)
	return nil
}

// commitBatch commits the end of batch t, when it is known, and forgets the batches
// before it.
func (a *Adapter[T]) commitBatch(t int64) {
	c, ok := a.src.(Committer)
	a.mu.Lock()
	var until string
	found := false
	keep := a.read[:0]
	for _, r := range a.read {
		switch {
		case r.t == t:
			until, found = r.until, true
			keep = append(keep, r)
		case r.t > t:
			keep = append(keep, r)
		}
	}
	clear(a.read[len(keep):])
	a.read = keep
	ctx := a.ctx
	if !found || !ok || ctx == nil || (a.hasCommt && a.commit == until) {
		a.mu.Unlock()
		return
	}
	a.mu.Unlock()
	if err := c.Commit(ctx, until); err != nil {
		a.log.Warn("commit failed; the next one covers it", "through", until, "err", err)
		return
	}
	a.mu.Lock()
	a.commit, a.hasCommt = until, true
	a.mu.Unlock()
}

// LastBatchRecords returns the records of the latest batch (runtime.RateControlled).
func (a *Adapter[T]) LastBatchRecords() int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.last
}

// SetRate bounds the next batches to perSecond × the batch interval records, passed to
// Latest as its limit (runtime.RateControlled: maxRate and backpressure).
func (a *Adapter[T]) SetRate(perSecond float64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.setRateLocked(perSecond)
}

func (a *Adapter[T]) setRateLocked(perSecond float64) {
	a.rate = perSecond
	if perSecond <= 0 || a.every <= 0 {
		a.limit = a.fixed
		return
	}
	a.limit = max(int64(math.Ceil(perSecond*a.every.Seconds())), 1)
}

// SourceStatus describes the source for the operations page.
func (a *Adapter[T]) SourceStatus() status.Source {
	a.mu.Lock()
	defer a.mu.Unlock()
	s := status.Source{State: "reading", Active: a.started && !a.stopped, Records: a.records, RateLimit: a.rate}
	switch {
	case a.stopped:
		s.State = "stopped"
	case a.failed != nil:
		s.State, s.LastError = "failed", a.failed.Error()
	case !a.started:
		s.State = "idle"
	}
	return s
}
