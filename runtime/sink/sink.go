package sink

import (
	"context"
	"errors"
	"time"

	rt "streamc.dev/streamc/runtime"
)

// Sink is a custom output: something a pipeline writes to with writeTo. Its only job is
// to open connections; the runtime's Pool decides when. Open is called lazily, when a
// partition is to be written and no idle connection is left, and never while MaxConns
// connections are open; it may be called from several goroutines at once.
//
// A Sink may also have these methods, which the runtime uses when present:
//
//	Options() Options                                      // its own defaults (see Options)
//	Prune(ctx, pipeline, output string, through time.Time) error   // see Pruner
type Sink[T any] interface {
	Open(ctx context.Context) (Conn[T], error)
}

// Conn is one connection of a custom sink. The runtime owns its lifetime: it keeps it in
// a pool between writes, hands it to one partition write at a time (never to two
// goroutines at once), and closes it when it has been idle longer than
// Options.IdleTimeout, when the run ends, or after any error from Write.
type Conn[T any] interface {
	// Write writes one partition of one batch. The same partition of the same batch
	// (the same Batch.Key) may be written again — after a failed attempt, or when the
	// batch is re-run after a crash — so a sink that records Batch.Key atomically with
	// its writes, and skips a key it has already recorded, writes every element exactly
	// once. Write is not called for an empty partition.
	//
	// An error closes the connection (the next attempt gets another one) and is retried
	// after a backoff, unless it is Permanent. ctx is cancelled when the run is over.
	Write(ctx context.Context, b Batch[T]) error
	// Close releases the connection. Its error is logged, never retried.
	Close() error
}

// Batch is one partition of one batch of a pipeline's output, as a Conn writes it.
type Batch[T any] struct {
	Pipeline   string    // the pipeline's name (its pipeline line)
	Output     string    // the output's stable name in the pipeline, e.g. "writeTo(hooks)"
	Time       time.Time // the batch time, in UTC; a whole number of milliseconds
	Partition  int       // this partition, 0 ≤ Partition < Partitions
	Partitions int       // the partitions of this batch of the output
	// Elems are the partition's elements, in the pipeline's deterministic order. The
	// runtime reuses the slice and what it holds after Write returns: copy what you keep.
	Elems []T
}

// Key returns the batch's idempotency key, "pipeline/output/batchMillis/partition", as
// in "clicks/writeTo(hooks)/1717171200000/3": the same for every write of the same
// partition of the same batch, in this run and in the re-runs of the batch after a
// crash, and different for every other partition, batch or output. It is the key under
// which the built-in SQL sinks record their progress markers (runtime.BatchKey).
//
// A re-run batch has the same elements in the same partitions as long as the pipeline's
// sources are replayable (files, queue, rate, kafka, stdin and socket with a checkpoint
// directory, and Go sources written against runtime/gosource): see docs/reliability.md.
// A fresh --replay run starts at the same batch times as the run before it, so a sink
// that skips known keys skips its batches too: clear the sink's keys, or use
// --start-time, when replaying afresh into the same store.
func (b Batch[T]) Key() string {
	return rt.BatchKey{Pipeline: b.Pipeline, Output: b.Output, Time: rt.TimeOf(b.Time), Partition: b.Partition}.String()
}

// Options tune a Pool. A zero field means the default given for it. A Sink with a method
// Options() Options gives its own defaults, which the pipeline's explicit settings
// (the non-zero fields of the Options passed to NewPool) override.
type Options struct {
	// MaxConns bounds the connections open at once in this process; a partition write
	// that finds them all busy waits for one. The partitions of a batch are written in
	// parallel on up to MaxConns connections. Default: 8, as the postgres sink.
	MaxConns int
	// IdleTimeout closes a connection that has not been used for that long. Default: 5
	// minutes, as the postgres sink; negative: idle connections are kept until the run
	// ends.
	IdleTimeout time.Duration
	// Attempts is how many times a partition write is tried before it fails the output:
	// a failed attempt that is not Permanent is retried on another connection after
	// Backoff, doubled at each further retry up to MaxBackoff. Default: 5; 1 means no
	// retry.
	Attempts int
	// Backoff is the wait before the first retry. Default: 100ms; negative: no wait.
	Backoff time.Duration
	// MaxBackoff caps the wait between retries. Default: 5s (or Backoff if larger).
	MaxBackoff time.Duration
}

// Default option values.
const (
	DefaultMaxConns    = 8
	DefaultIdleTimeout = 5 * time.Minute
	DefaultAttempts    = 5
	DefaultBackoff     = 100 * time.Millisecond
	DefaultMaxBackoff  = 5 * time.Second
)

// merge returns o with its zero fields taken from d.
func (o Options) merge(d Options) Options {
	if o.MaxConns == 0 {
		o.MaxConns = d.MaxConns
	}
	if o.IdleTimeout == 0 {
		o.IdleTimeout = d.IdleTimeout
	}
	if o.Attempts == 0 {
		o.Attempts = d.Attempts
	}
	if o.Backoff == 0 {
		o.Backoff = d.Backoff
	}
	if o.MaxBackoff == 0 {
		o.MaxBackoff = d.MaxBackoff
	}
	return o
}

// resolve fills the defaults into o.
func (o Options) resolve() Options {
	if o.MaxConns <= 0 {
		o.MaxConns = DefaultMaxConns
	}
	if o.IdleTimeout == 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	if o.Attempts <= 0 {
		o.Attempts = DefaultAttempts
	}
	if o.Backoff == 0 {
		o.Backoff = DefaultBackoff
	}
	if o.Backoff < 0 {
		o.Backoff = 0
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = DefaultMaxBackoff
	}
	o.MaxBackoff = max(o.MaxBackoff, o.Backoff)
	return o
}

// Pruner is implemented by a Sink that records Batch.Key markers for exactly-once
// writes, to delete the markers no re-run can need any more: those of the batches of
// output in pipeline whose time is not after through. With a checkpoint directory the
// runtime calls Prune after each checkpoint, with the time of the oldest checkpoint it
// keeps (a recovery re-runs only batches after it); without one, every 64 batches with
// the time of the last batch done (a restart then starts afresh). An error fails the run.
type Pruner interface {
	Prune(ctx context.Context, pipeline, output string, through time.Time) error
}

// permanent marks an error that retrying cannot fix.
type permanent struct{ err error }

func (e *permanent) Error() string   { return e.err.Error() }
func (e *permanent) Unwrap() error   { return e.err }
func (e *permanent) Permanent() bool { return true }

// Permanent marks err as an error that retrying cannot fix — a record the system
// rejects, a request it refuses (an HTTP 400), a missing table — so that the write fails
// at once instead of being retried, and with it the batch and the run (exit 1, the error
// attributed to the writeTo's position). Permanent(nil) is nil. Errors are transient
// unless marked.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanent{err: err}
}

// IsPermanent reports whether err, or an error it wraps, is permanent: made by
// Permanent, or any error with a method Permanent() bool that reports true. It is
// runtime.IsPermanent, so the runtime's output retries agree with the pool's.
func IsPermanent(err error) bool { return rt.IsPermanent(err) }

// ErrClosed is returned by writes to a Pool after Close.
var ErrClosed = Permanent(errors.New("sink pool closed"))

// Func adapts a function to a Sink without connections (each Conn is a no-op around
// write), for sinks that need no connection of their own or share one the user's code
// manages (an http.Client). Writes still get the pool's parallelism and retries.
func Func[T any](write func(ctx context.Context, b Batch[T]) error) Sink[T] {
	return funcSink[T](write)
}

type funcSink[T any] func(ctx context.Context, b Batch[T]) error

func (f funcSink[T]) Open(context.Context) (Conn[T], error) { return funcConn[T](f), nil }

type funcConn[T any] func(ctx context.Context, b Batch[T]) error

func (f funcConn[T]) Write(ctx context.Context, b Batch[T]) error { return f(ctx, b) }
func (f funcConn[T]) Close() error                                { return nil }
