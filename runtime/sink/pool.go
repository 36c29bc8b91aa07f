package sink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	rt "streamc.dev/streamc/runtime"
)

// Pool holds the connections of one writeTo output of a custom Sink, per process: the
// Spark guide's "static, lazily initialized pool of connections" for foreachRDD, owned by
// the runtime. Generated code creates one per writeTo in Pipeline.New (NewPool) and
// writes each batch with Output. Connections are
//
//   - opened lazily, when a partition is to be written and no idle one is left;
//   - reused across partitions and batches: a connection goes back to the pool after each
//     partition write, and the most recently returned one is taken first, so that
//     surplus connections age out;
//   - bounded: at most MaxConns open at once; a write that finds them all busy waits;
//   - closed after IdleTimeout unused, after any error from Write (the next attempt gets
//     another), and when the run ends (Close, registered with the context's OnClose).
//
// A Pool is safe for concurrent use.
type Pool[T any] struct {
	sink     Sink[T]
	opts     Options
	pipeline string
	output   string
	log      *slog.Logger

	// slots holds one token per connection in use or being opened, so that at most
	// MaxConns are. Idle connections hold none; a connection is opened only when the
	// idle list is empty, which keeps in use + idle ≤ MaxConns.
	slots chan struct{}

	mu     sync.Mutex
	idle   []idleConn[T] // oldest first: returned connections are appended
	open   int           // connections open: idle, in use or being opened
	closed bool
	timer  *time.Timer // the idle reaper, armed while idle is not empty
	armed  bool

	stats counters
}

type idleConn[T any] struct {
	c     Conn[T]
	since time.Time
}

// counters are the pool's metrics.
type counters struct {
	opens, openErrors, closes, closeErrors atomic.Int64
	writes, rows, failures, retries, waits atomic.Int64
}

// Stats are a pool's figures since it was created, for metrics and tests.
type Stats struct {
	Opens       int64 // connections opened (Open succeeded)
	OpenErrors  int64 // Open calls that failed
	Closes      int64 // connections closed: idle, broken, or at shutdown
	CloseErrors int64 // Close calls that failed
	Open        int64 // connections open now, idle or in use
	Idle        int64 // idle connections now
	InUse       int64 // connections in use (or being opened) now
	Writes      int64 // partition writes that succeeded
	Rows        int64 // elements written by the writes that succeeded
	Failures    int64 // attempts that failed (an Open or Write error, a panic)
	Retries     int64 // attempts retried after a failure
	Waits       int64 // writes that waited because MaxConns connections were busy
}

// NewPool returns the pool of the output named output (its stable name in the pipeline,
// as the SQL sinks' markers use it: "writeTo(hooks)" or "writeTo@3f2a9c01") writing to
// s. Zero fields of o take s's own Options() when it has that method, then the defaults.
// With a non-nil ctx the pool logs to ctx.Log, keys batches with ctx.Pipeline.Name, is
// closed by the run's end (ctx.OnClose), and prunes a Pruner sink's markers (see
// Pruner); with a nil ctx (tests, benchmarks) the caller closes it.
func NewPool[T any](ctx *rt.Context, output string, s Sink[T], o Options) *Pool[T] {
	if d, ok := s.(interface{ Options() Options }); ok {
		o = o.merge(d.Options())
	}
	o = o.resolve()
	p := &Pool[T]{
		sink:   s,
		opts:   o,
		output: output,
		log:    slog.New(slog.DiscardHandler),
		slots:  make(chan struct{}, o.MaxConns),
	}
	if ctx == nil {
		return p
	}
	if ctx.Pipeline != nil {
		p.pipeline = ctx.Pipeline.Name
	}
	if ctx.Log != nil {
		p.log = ctx.Log.With("output", output)
	}
	ctx.OnClose(p)
	if pr, ok := s.(Pruner); ok {
		prune := func(through rt.Time) error {
			if err := pr.Prune(ctx.Ctx, p.pipeline, output, through.Go()); err != nil {
				return fmt.Errorf("%s: pruning the markers through batch %d: %w", output, through, err)
			}
			return nil
		}
		if ctx.Settings.Checkpoint != "" {
			ctx.OnCheckpoint(prune)
		} else {
			n := 0
			ctx.OnBatchDone(func(t rt.Time) error {
				if n++; n%pruneEvery != 0 {
					return nil
				}
				return prune(t)
			})
		}
	}
	return p
}

// pruneEvery is how many batches apart a Pruner prunes without a checkpoint directory.
const pruneEvery = 64

// Options returns the pool's options, defaults resolved.
func (p *Pool[T]) Options() Options { return p.opts }

// Stats returns the pool's figures now.
func (p *Pool[T]) Stats() Stats {
	p.mu.Lock()
	open, idle := p.open, len(p.idle)
	p.mu.Unlock()
	s := &p.stats
	return Stats{
		Opens: s.opens.Load(), OpenErrors: s.openErrors.Load(),
		Closes: s.closes.Load(), CloseErrors: s.closeErrors.Load(),
		Open: int64(open), Idle: int64(idle), InUse: int64(len(p.slots)),
		Writes: s.writes.Load(), Rows: s.rows.Load(),
		Failures: s.failures.Load(), Retries: s.retries.Load(), Waits: s.waits.Load(),
	}
}

// get returns a connection for one write: an idle one, or a new one when none is idle,
// after waiting while MaxConns are in use.
func (p *Pool[T]) get(ctx context.Context) (Conn[T], error) {
	select {
	case p.slots <- struct{}{}:
	default:
		p.stats.waits.Add(1)
		select {
		case p.slots <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		<-p.slots
		return nil, ErrClosed
	}
	if n := len(p.idle); n > 0 {
		c := p.idle[n-1].c
		p.idle[n-1] = idleConn[T]{}
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		return c, nil
	}
	p.open++
	p.mu.Unlock()
	c, err := p.openConn(ctx)
	if err != nil {
		p.stats.openErrors.Add(1)
		p.mu.Lock()
		p.open--
		p.mu.Unlock()
		<-p.slots
		return nil, fmt.Errorf("opening a connection: %w", err)
	}
	p.stats.opens.Add(1)
	return c, nil
}

// openConn calls the sink's Open, turning a panic into a permanent error.
func (p *Pool[T]) openConn(ctx context.Context) (c Conn[T], err error) {
	defer func() {
		if v := recover(); v != nil {
			c, err = nil, Permanent(&rt.PanicError{Value: v, Stack: debug.Stack()})
		}
	}()
	c, err = p.sink.Open(ctx)
	if err == nil && c == nil {
		err = errors.New("Open returned no connection and no error")
	}
	return c, err
}

// put gives back a connection taken with get: to the idle list, or closed when it is
// broken or the pool is closed.
func (p *Pool[T]) put(c Conn[T], broken bool) {
	p.mu.Lock()
	if broken || p.closed {
		why := "broken"
		if !broken {
			why = "shutdown"
		}
		p.open--
		p.mu.Unlock()
		<-p.slots
		p.closeConn(c, why)
		return
	}
	p.idle = append(p.idle, idleConn[T]{c: c, since: time.Now()})
	if p.opts.IdleTimeout > 0 && !p.armed {
		p.armLocked(p.opts.IdleTimeout)
	}
	p.mu.Unlock()
	<-p.slots
}

// armLocked schedules the idle reaper in d.
func (p *Pool[T]) armLocked(d time.Duration) {
	p.armed = true
	if p.timer == nil {
		p.timer = time.AfterFunc(d, p.reap)
	} else {
		p.timer.Reset(d)
	}
}

// reap closes the connections idle for IdleTimeout or longer and rearms itself for the
// oldest of the others.
func (p *Pool[T]) reap() {
	p.mu.Lock()
	p.armed = false
	if p.closed {
		p.mu.Unlock()
		return
	}
	now := time.Now()
	n := 0
	for n < len(p.idle) && now.Sub(p.idle[n].since) >= p.opts.IdleTimeout {
		n++
	}
	stale := make([]Conn[T], n)
	for i := range n {
		stale[i] = p.idle[i].c
	}
	rest := copy(p.idle, p.idle[n:])
	clear(p.idle[rest:])
	p.idle = p.idle[:rest]
	p.open -= n
	if rest > 0 {
		p.armLocked(p.opts.IdleTimeout - now.Sub(p.idle[0].since))
	}
	p.mu.Unlock()
	for _, c := range stale {
		p.closeConn(c, "idle")
	}
}

// closeConn closes c, counting and logging a failure.
func (p *Pool[T]) closeConn(c Conn[T], why string) error {
	p.stats.closes.Add(1)
	err := func() (err error) {
		defer func() {
			if v := recover(); v != nil {
				err = &rt.PanicError{Value: v, Stack: debug.Stack()}
			}
		}()
		return c.Close()
	}()
	if err != nil {
		p.stats.closeErrors.Add(1)
		p.log.Warn("closing a sink connection failed", "why", why, "err", err)
	}
	return err
}

// Close closes the idle connections and makes the pool refuse further writes
// (ErrClosed); a connection still in use is closed when its write returns. It returns
// the errors of the connections' Close methods, joined. Calling it again does nothing.
func (p *Pool[T]) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	if p.timer != nil {
		p.timer.Stop()
	}
	idle := p.idle
	p.idle = nil
	p.open -= len(idle)
	p.mu.Unlock()
	var errs []error
	for _, ic := range idle {
		if err := p.closeConn(ic.c, "shutdown"); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%s: %w", p.output, err)
	}
	return nil
}

// writePartition writes b with the pool's retries: each attempt on a connection of its
// own, a failed one discarded.
func (p *Pool[T]) writePartition(ctx context.Context, b Batch[T]) error {
	wait := p.opts.Backoff
	for attempt := 1; ; attempt++ {
		err := p.attempt(ctx, b)
		if err == nil {
			p.stats.writes.Add(1)
			p.stats.rows.Add(int64(len(b.Elems)))
			return nil
		}
		p.stats.failures.Add(1)
		if IsPermanent(err) || attempt >= p.opts.Attempts || ctx.Err() != nil {
			if attempt > 1 {
				err = fmt.Errorf("after %d attempts: %w", attempt, err)
			}
			return err
		}
		p.stats.retries.Add(1)
		p.log.Warn("sink write failed; retrying", "batch_time", b.Time.UnixMilli(), "partition", b.Partition,
			"attempt", attempt, "of", p.opts.Attempts, "in", wait, "err", err)
		if wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return errors.Join(err, ctx.Err())
			}
		}
		wait = min(wait*2, p.opts.MaxBackoff)
	}
}

// attempt writes b once, on a connection from the pool. A panic in the sink's code is a
// permanent error (a bug retrying will not fix).
func (p *Pool[T]) attempt(ctx context.Context, b Batch[T]) (err error) {
	c, err := p.get(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if v := recover(); v != nil {
			err = Permanent(&rt.PanicError{Value: v, Stack: debug.Stack()})
		}
		p.put(c, err != nil)
	}()
	return c.Write(ctx, b)
}
