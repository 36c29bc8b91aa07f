package source

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"streamc.dev/streamc/runtime/checkpoint"
	"streamc.dev/streamc/runtime/recording"
)

// DefaultMaxLineBytes is the longest line a receiver or file reader accepts when no
// limit is configured. Longer lines are oversized (see LinesOptions.OnOversize).
const DefaultMaxLineBytes = 1 << 20

// lineReader reads lines of any length up to max bytes from a bufio.Reader, without the
// line-length ceiling of bufio.Scanner. It strips "\n" and a "\r" before it, and
// returns a last line that has no newline before EOF.
type lineReader struct {
	r   *bufio.Reader
	max int
	buf []byte
}

func newLineReader(r io.Reader, max int) *lineReader {
	if max <= 0 {
		max = DefaultMaxLineBytes
	}
	return &lineReader{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

// buffered reports whether input bytes are already buffered, so that the next call to
// next may not block; write-ahead logging syncs before a call that may block.
func (lr *lineReader) buffered() bool { return lr.r.Buffered() > 0 }

// next returns the next line. When the line is longer than the limit it is read to its
// end and dropped: next returns oversize = its length and an empty line. err is io.EOF
// once the input is done, and other read errors as they come.
func (lr *lineReader) next() (line string, oversize int, err error) {
	lr.buf = lr.buf[:0]
	total := 0
	for {
		chunk, err := lr.r.ReadSlice('\n')
		total += len(chunk)
		if total <= lr.max+2 { // +2 leaves room for the "\r\n" that is not part of the line
			lr.buf = append(lr.buf, chunk...)
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF && total > 0:
			// A last line without a newline is still a line; EOF comes on the next call.
		case err != nil:
			return "", 0, err
		}
		b := lr.buf
		if n := len(b); n > 0 && b[n-1] == '\n' {
			b = b[:n-1]
			if n := len(b); n > 0 && b[n-1] == '\r' {
				b = b[:n-1]
			}
		}
		if total > len(lr.buf) || len(b) > lr.max {
			return "", total, nil
		}
		return string(b), 0, nil
	}
}

// DefaultBufferBytes is the default byte budget of a receiver's buffer (see
// LinesOptions.BufferBytes): about a million short lines, a batch's worth for all but
// the fastest pipelines fed by one connection, and a bound that a sender outrunning the
// pipeline cannot push memory past. Received lines then hold at most about twice it:
// the buffer refilling while a batch taken from it is processed.
const DefaultBufferBytes = 32 << 20

// recordOverhead is what a buffered line costs besides its bytes: its string header in
// the buffer's slice.
const recordOverhead = 16

// inbox is the buffer between a receiver goroutine and Batch: the goroutine appends,
// Batch takes. It is bounded by a byte budget: when full, the goroutine waits for Batch
// to take records, so it stops reading its connection and TCP flow control stops the
// sender (Spark's receivers block in the same way when their block queue is full). It
// also carries the receiver's end (done) and failure (err) to Batch.
type inbox struct {
	mu     sync.Mutex
	recs   []string
	bytes  int64 // the buffered lines' bytes plus recordOverhead each
	budget int64 // ≤ 0: unbounded
	// minRecs keeps a replay-mode buffer from filling before it holds the lines that
	// one batch waits for (MaxPerBatch).
	minRecs int
	done    bool
	err     error
	notify  chan struct{} // signalled (without blocking) when something arrives or ends
	room    chan struct{} // signalled (without blocking) when Batch takes records
}

func newInbox(budget int64) *inbox {
	return &inbox{budget: budget, notify: make(chan struct{}, 1), room: make(chan struct{}, 1)}
}

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

func (in *inbox) full() bool {
	return in.budget > 0 && in.bytes >= in.budget && len(in.recs) >= in.minRecs
}

// waitRoom blocks until the buffer is below its budget, or ctx is done. Records are
// only ever added after it: nothing that entered the buffer is dropped to make room.
func (in *inbox) waitRoom(ctx context.Context) error {
	for {
		in.mu.Lock()
		full := in.full()
		in.mu.Unlock()
		if !full {
			return nil
		}
		select {
		case <-in.room:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// add appends s, first waiting for room (see waitRoom); it fails only when ctx is done,
// and then s was not added.
func (in *inbox) add(ctx context.Context, s string) error {
	if err := in.waitRoom(ctx); err != nil {
		return err
	}
	in.mu.Lock()
	in.recs = append(in.recs, s)
	in.bytes += int64(len(s)) + recordOverhead
	in.mu.Unlock()
	signal(in.notify)
	return nil
}

// addAll appends records in order, waiting for room as add does; when ctx is done it
// returns how many it added.
func (in *inbox) addAll(ctx context.Context, recs []string) (int, error) {
	for i, s := range recs {
		if err := in.add(ctx, s); err != nil {
			return i, err
		}
	}
	return len(recs), nil
}

// finish records the end of the input; err is nil for a clean end.
func (in *inbox) finish(err error) {
	in.mu.Lock()
	in.done = true
	if in.err == nil {
		in.err = err
	}
	in.mu.Unlock()
	signal(in.notify)
}

// take removes up to limit records (all when limit ≤ 0). A pending receiver error is
// returned once the buffer is empty, so that records read before it are not lost.
func (in *inbox) take(limit int) ([]string, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	n := len(in.recs)
	if limit > 0 && n > limit {
		n = limit
	}
	if n == 0 {
		err := in.err
		in.err = nil
		return nil, err
	}
	out := in.recs[:n:n]
	if n == len(in.recs) {
		in.recs = nil
		in.bytes = 0
	} else {
		in.recs = in.recs[n:]
		for _, s := range out {
			in.bytes -= int64(len(s)) + recordOverhead
		}
	}
	signal(in.room)
	return out, nil
}

// buffered returns the records and bytes (with overhead) held.
func (in *inbox) buffered() (int, int64) {
	in.mu.Lock()
	defer in.mu.Unlock()
	return len(in.recs), in.bytes
}

// ready reports whether at least k records are buffered or the input is done.
func (in *inbox) ready(k int) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.done || in.err != nil || (k > 0 && len(in.recs) >= k)
}

func (in *inbox) drained() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.done && len(in.recs) == 0 && in.err == nil
}

// batchLimit is the bound that a receiver's rate puts on one batch, as Spark's direct
// Kafka stream bounds a batch to rate × interval: backpressure's rate must limit the
// batch being received, not only the speed of reading. Without it a batch that starts
// late takes everything that arrived while the previous one ran, its size no longer
// follows the rate, and the estimator swings between its minimum and the backlog (issue
// #13). 0 means no bound (no rate, or no interval given).
func batchLimit(rate float64, interval time.Duration) int {
	if rate <= 0 || interval <= 0 {
		return 0
	}
	return max(1, int(math.Ceil(rate*interval.Seconds())))
}

// LinesOptions configures a Lines (or Stdin) source.
type LinesOptions struct {
	// Replay selects replay mode: Batch waits for input instead of taking what has
	// arrived (see the package documentation).
	Replay bool
	// MaxPerBatch caps the lines of one batch in replay mode; 0 puts every line in the
	// first batch. It is ignored in live mode.
	MaxPerBatch int
	// MaxLineBytes is the longest accepted line; 0 means DefaultMaxLineBytes.
	MaxLineBytes int
	// MaxRate caps live reception at that many lines a second (0: unlimited), and each
	// live batch at that rate times the batch interval (so does a rate that
	// backpressure sets). Replay mode does not wait on the wall clock and ignores it.
	MaxRate float64
	// Interval is the pipeline's batch interval: a live batch takes at most the rate
	// times it. 0: no bound but the buffer.
	Interval time.Duration
	// BufferBytes bounds the lines received but not yet in a batch (their bytes plus 16
	// each); 0 means DefaultBufferBytes. When it is reached the receiver stops reading
	// until a batch takes lines, so a producer that outruns the pipeline is held back
	// (by the pipe's or socket's flow control) instead of filling memory. Replay mode
	// with MaxPerBatch 0 puts all of the input in its first batch and is unbounded.
	BufferBytes int64
	// OnOversize is called with the length of each line longer than MaxLineBytes, which
	// is dropped. If it returns an error the source fails with it. When nil, oversized
	// lines are logged, counted (Oversized) and dropped.
	OnOversize func(size int) error
	// Logger receives the source's log lines; nil discards them.
	Logger *slog.Logger
	// WALDir, when set, turns on the write-ahead log in that directory (rt.Context.WALDir
	// gives one under the checkpoint directory): lines count as received only once they
	// are synced to it, and batches re-run after a restart get their original lines
	// back (see package wal).
	WALDir string
}

// Lines is a receiver of text lines from an io.Reader: stdin, a pipe, a file. A goroutine
// reads lines into a buffer; each Batch takes what arrived since the previous one. After
// EOF, once the buffer is drained, it is Exhausted (in live mode too: the pipeline goes
// on without it).
type Lines struct {
	name string
	r    io.Reader
	opts LinesOptions
	log  *slog.Logger
	in   *inbox
	wal  *walReceiver // nil without WALDir

	mu        sync.Mutex
	started   bool
	cancel    context.CancelFunc
	done      chan struct{}
	ctx       context.Context
	oversized int64

	lim       *Limiter // nil in replay, which reads as fast as batches take
	lastBatch atomic.Int64
	delivered atomic.Int64 // lines handed to batches, for SourceStatus
	// tap records each batch or replaces it by a recorded one; see Files.SetTap.
	tap *recording.Tap
}

var _ Source[string] = (*Lines)(nil)

// NewLines returns a line receiver named name reading r. If r is an io.Closer, Stop
// closes it to end a blocked read promptly; otherwise Stop does not wait for a read that
// is still blocked (the goroutine ends when that read returns).
func NewLines(name string, r io.Reader, opts LinesOptions) *Lines {
	budget := opts.BufferBytes
	if budget <= 0 {
		budget = DefaultBufferBytes
	}
	if opts.Replay && opts.MaxPerBatch <= 0 {
		budget = 0 // the first batch waits for the end of the input
	}
	l := &Lines{name: name, r: r, opts: opts, log: orDiscard(opts.Logger), in: newInbox(budget)}
	if opts.Replay {
		l.in.minRecs = opts.MaxPerBatch
	} else {
		l.lim = NewAdjustableLimiter(opts.MaxRate)
	}
	if opts.WALDir != "" {
		l.wal = newWALReceiver(opts.WALDir, l.in, l.log)
	}
	return l
}

// Stdin returns a line receiver over the process's standard input, named "stdin()".
// Stop does not close standard input.
func Stdin(opts LinesOptions) *Lines {
	return NewLines("stdin()", struct{ io.Reader }{os.Stdin}, opts)
}

// Name returns the source's name.
func (l *Lines) Name() string { return l.name }

// Start launches the receiving goroutine; it stops when ctx is done or Stop is called.
func (l *Lines) Start(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.started {
		return fmt.Errorf("%s: %w", l.name, errAlreadyStarted)
	}
	if l.wal != nil {
		if err := l.wal.open(); err != nil {
			return fmt.Errorf("%s: %w", l.name, err)
		}
	}
	l.started = true
	l.ctx, l.cancel = context.WithCancel(ctx)
	l.done = make(chan struct{})
	go l.receive(l.ctx, l.lim)
	return nil
}

func (l *Lines) receive(ctx context.Context, lim *Limiter) {
	defer close(l.done)
	lr := newLineReader(l.r, l.opts.MaxLineBytes)
	if l.wal != nil {
		if err := l.wal.feed(ctx); err != nil {
			l.in.finish(fmt.Errorf("%s: %w", l.name, err))
			return
		}
	}
	finish := func(err error) {
		if l.wal != nil {
			if ferr := l.wal.flush(ctx); ferr != nil && err == nil && ctx.Err() == nil {
				err = fmt.Errorf("%s: %w", l.name, ferr)
			}
		}
		l.in.finish(err)
	}
	for {
		line, oversize, err := lr.next()
		if ctx.Err() != nil {
			finish(nil)
			return
		}
		if err == io.EOF {
			l.log.Debug("end of input")
			finish(nil)
			return
		}
		if err != nil {
			finish(fmt.Errorf("%s: read: %w", l.name, err))
			return
		}
		if oversize > 0 {
			if err := l.oversize(oversize); err != nil {
				finish(fmt.Errorf("%s: %w", l.name, err))
				return
			}
			continue
		}
		if err := lim.Wait(ctx); err != nil {
			finish(nil)
			return
		}
		if l.wal == nil {
			if l.in.add(ctx, line) != nil {
				finish(nil) // stopped while the buffer was full
				return
			}
		} else if err := l.wal.receive(ctx, line, lr.buffered()); err != nil {
			if ctx.Err() != nil {
				finish(nil)
				return
			}
			finish(fmt.Errorf("%s: %w", l.name, err))
			return
		}
	}
}

func (l *Lines) oversize(size int) error {
	if l.opts.OnOversize != nil {
		return l.opts.OnOversize(size)
	}
	l.mu.Lock()
	l.oversized++
	l.mu.Unlock()
	l.log.Warn("dropped oversized line", "bytes", size, "max", l.limit())
	return nil
}

func (l *Lines) limit() int {
	if l.opts.MaxLineBytes > 0 {
		return l.opts.MaxLineBytes
	}
	return DefaultMaxLineBytes
}

// Oversized returns how many lines were dropped for being longer than MaxLineBytes
// (when OnOversize is nil).
func (l *Lines) Oversized() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.oversized
}

// Stop ends the receiver. It closes the reader when it is an io.Closer and then waits for
// the goroutine; otherwise it returns without waiting for a read still in progress.
func (l *Lines) Stop() error {
	l.mu.Lock()
	started, cancel, done := l.started, l.cancel, l.done
	l.mu.Unlock()
	if !started {
		return nil
	}
	cancel()
	c, ok := l.r.(io.Closer)
	if !ok {
		if l.wal != nil {
			// The goroutine may still append; the log stays open until it ends, and
			// records appended after this point were never counted as received.
			go func() { <-done; l.wal.close() }()
		}
		return nil
	}
	err := c.Close()
	<-done
	if l.wal != nil {
		if werr := l.wal.close(); err == nil {
			err = werr
		}
	}
	return err
}

// Exhausted reports whether the input has ended and every line has been delivered.
func (l *Lines) Exhausted() bool {
	return l.in.drained() && (l.wal == nil || !l.wal.replaying())
}

// Batch returns the lines for one batch. In live mode these are the lines that arrived
// since the previous call, at most the rate (MaxRate or backpressure's) times the batch
// interval: the rest stay buffered for the next batches. In replay mode Batch first waits for MaxPerBatch lines (or, when
// MaxPerBatch is 0, for EOF), so that the split of lines into batches does not depend on
// timing. A read error is returned after the lines read before it have been delivered.
func (l *Lines) Batch(batchTime int64, parts int) ([][]string, error) {
	if l.tap.Replaying() {
		return replayLines(l.tap, batchTime, parts)
	}
	out, err := l.batch(batchTime, parts)
	if err == nil {
		err = l.tap.RecordLines(batchTime, out)
	}
	return out, err
}

// SetTap makes the receiver record its batches, or deliver recorded ones instead of
// reading its input (see Files.SetTap). Call it before Start.
func (l *Lines) SetTap(tap *recording.Tap) { l.tap = tap }

// batch takes the lines received for the batch (Batch without the tap).
func (l *Lines) batch(batchTime int64, parts int) ([][]string, error) {
	l.mu.Lock()
	started, ctx := l.started, l.ctx
	l.mu.Unlock()
	if !started {
		return nil, fmt.Errorf("%s: %w", l.name, ErrNotStarted)
	}
	limit := l.opts.MaxPerBatch
	if !l.opts.Replay {
		limit = batchLimit(l.lim.Rate(), l.opts.Interval)
	}
	take := func(limit int) ([]string, error) {
		if l.opts.Replay {
			for !l.in.ready(limit) {
				select {
				case <-l.in.notify:
				case <-ctx.Done():
					return nil, fmt.Errorf("%s: %w", l.name, context.Cause(ctx))
				}
			}
		}
		return l.in.take(limit)
	}
	var recs []string
	var err error
	if l.wal != nil {
		recs, err = l.wal.batch(batchTime, limit, take)
		if err != nil {
			err = fmt.Errorf("%s: %w", l.name, err)
		}
	} else {
		recs, err = take(limit)
	}
	if err != nil {
		return nil, err
	}
	l.lastBatch.Store(int64(len(recs)))
	l.delivered.Add(int64(len(recs)))
	return Split(recs, parts), nil
}

// LastBatchRecords returns the number of lines the latest Batch returned
// (runtime.RateControlled).
func (l *Lines) LastBatchRecords() int64 { return l.lastBatch.Load() }

// SetRate sets the lines a second the receiver reads from now on: backpressure's rate
// (runtime.RateControlled). The engine caps it at MaxRate; replay ignores it.
func (l *Lines) SetRate(perSecond float64) { l.lim.SetRate(perSecond) }

// SavePosition writes the write-ahead-log position (nothing without a WAL: a receiver
// without one cannot replay what it received).
func (l *Lines) SavePosition(w *checkpoint.Writer) error {
	w.Bool(l.wal != nil)
	if l.wal != nil {
		l.wal.savePosition(w)
	}
	return nil
}

// RestorePosition restores what SavePosition wrote. Call it before Start.
func (l *Lines) RestorePosition(r *checkpoint.Reader) error {
	if !r.Bool() || r.Err() != nil {
		return r.Err()
	}
	if l.wal == nil {
		return fmt.Errorf("%s: the checkpoint has a write-ahead-log position but this run has no write-ahead log", l.name)
	}
	return l.wal.restorePosition(r)
}

// CheckpointDone truncates the write-ahead log up to the oldest kept checkpoint.
func (l *Lines) CheckpointDone(oldestKept int64) error {
	if l.wal == nil {
		return nil
	}
	return l.wal.checkpointDone(oldestKept)
}
