package sink_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	rt "streamc.dev/streamc/runtime"
	"streamc.dev/streamc/runtime/sink"
)

// fakeSink is a sink whose connections record what is done to them: writes to closed
// connections, double closes, concurrent use of one connection and the number of
// connections in use at once are all visible to the tests.
type fakeSink struct {
	t *testing.T
	// openErr, when set, decides the error of the n-th Open (1-based).
	openErr func(n int64) error
	// write, when set, runs inside every Write; its error is Write's.
	write func(c *fakeConn, b sink.Batch[int]) error

	openCalls         atomic.Int64
	opens, closes     atomic.Int64
	inUse, maxInUse   atomic.Int64
	mu                sync.Mutex
	conns             []*fakeConn
	written           map[string]int // Batch.Key → successful writes
	elems             int64          // elements written successfully
	writesOnBrokenErr atomic.Int64
}

type fakeConn struct {
	s      *fakeSink
	id     int
	busy   atomic.Bool
	closed atomic.Bool
	failed atomic.Bool // a Write returned an error: the pool must not use it again
	writes atomic.Int64
}

func newFakeSink(t *testing.T) *fakeSink { return &fakeSink{t: t, written: map[string]int{}} }

func (s *fakeSink) Open(ctx context.Context) (sink.Conn[int], error) {
	n := s.openCalls.Add(1)
	if s.openErr != nil {
		if err := s.openErr(n); err != nil {
			return nil, err
		}
	}
	s.opens.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &fakeConn{s: s, id: len(s.conns)}
	s.conns = append(s.conns, c)
	return c, nil
}

func (c *fakeConn) Write(ctx context.Context, b sink.Batch[int]) error {
	s := c.s
	if c.closed.Load() {
		s.t.Errorf("conn %d: Write after Close", c.id)
	}
	if c.failed.Load() {
		s.writesOnBrokenErr.Add(1)
		s.t.Errorf("conn %d: used again after a failed Write", c.id)
	}
	if !c.busy.CompareAndSwap(false, true) {
		s.t.Errorf("conn %d: two writes at once", c.id)
	}
	defer c.busy.Store(false)
	n := s.inUse.Add(1)
	defer s.inUse.Add(-1)
	for {
		m := s.maxInUse.Load()
		if n <= m || s.maxInUse.CompareAndSwap(m, n) {
			break
		}
	}
	c.writes.Add(1)
	if s.write != nil {
		if err := s.write(c, b); err != nil {
			c.failed.Store(true)
			return err
		}
	}
	s.mu.Lock()
	s.written[b.Key()]++
	s.elems += int64(len(b.Elems))
	s.mu.Unlock()
	return nil
}

func (c *fakeConn) Close() error {
	if !c.closed.CompareAndSwap(false, true) {
		c.s.t.Errorf("conn %d: closed twice", c.id)
	}
	c.s.closes.Add(1)
	return nil
}

// openConns returns the connections opened and not closed.
func (s *fakeSink) openConns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.conns {
		if !c.closed.Load() {
			n++
		}
	}
	return n
}

// batchParts returns n partitions of k elements each.
func batchParts(n, k int) [][]int {
	parts := make([][]int, n)
	for p := range parts {
		for i := range k {
			parts[p] = append(parts[p], p*k+i)
		}
	}
	return parts
}

// noWait is Options with retries that do not sleep, for tests.
func noWait(o sink.Options) sink.Options {
	if o.Backoff == 0 {
		o.Backoff = -1
	}
	return o
}

func batchTime(i int) time.Time { return time.UnixMilli(int64(1000 * (i + 1))) }

func TestPoolOpensLazily(t *testing.T) {
	s := newFakeSink(t)
	p := sink.NewPool[int](nil, "writeTo(x)", s, sink.Options{MaxConns: 4})
	defer p.Close()
	if n := s.opens.Load(); n != 0 {
		t.Fatalf("NewPool opened %d connections; want none before the first write", n)
	}
	if err := sink.Write(context.Background(), p, batchTime(0), [][]int{nil, nil}); err != nil {
		t.Fatal(err)
	}
	if n := s.opens.Load(); n != 0 {
		t.Fatalf("an empty batch opened %d connections", n)
	}
	if err := sink.Write(context.Background(), p, batchTime(1), [][]int{{1}}); err != nil {
		t.Fatal(err)
	}
	if n := s.opens.Load(); n != 1 {
		t.Fatalf("one partition write opened %d connections; want 1", n)
	}
}

// TestPoolReusesAcrossBatches: 100 batches of 4 partitions open at most MaxConns
// connections in all, not one per partition or per batch.
func TestPoolReusesAcrossBatches(t *testing.T) {
	for _, maxConns := range []int{1, 2, 4} {
		t.Run(fmt.Sprint("maxConns=", maxConns), func(t *testing.T) {
			s := newFakeSink(t)
			// Writes that take a moment, so that the partitions really overlap.
			s.write = func(*fakeConn, sink.Batch[int]) error { time.Sleep(100 * time.Microsecond); return nil }
			p := sink.NewPool[int](nil, "writeTo(x)", s, sink.Options{MaxConns: maxConns})
			for i := range 100 {
				if err := sink.Write(context.Background(), p, batchTime(i), batchParts(4, 5)); err != nil {
					t.Fatal(err)
				}
			}
			st := p.Stats()
			if st.Opens > int64(maxConns) || s.opens.Load() > int64(maxConns) {
				t.Errorf("opened %d connections (pool says %d) for 400 partition writes; want at most %d", s.opens.Load(), st.Opens, maxConns)
			}
			if st.Writes != 400 || st.Rows != 2000 || s.elems != 2000 || len(s.written) != 400 {
				t.Errorf("stats %+v, sink saw %d elements under %d keys; want 400 writes of 2000 rows", st, s.elems, len(s.written))
			}
			if st.Open != st.Opens || st.Idle != st.Opens || st.InUse != 0 {
				t.Errorf("between batches: %+v; want every connection open and idle", st)
			}
			if err := p.Close(); err != nil {
				t.Fatal(err)
			}
			if n := s.openConns(); n != 0 || p.Stats().Closes != st.Opens {
				t.Errorf("after Close: %d connections still open, stats %+v", n, p.Stats())
			}
			t.Logf("maxConns %d: %d opens for 100 batches × 4 partitions", maxConns, st.Opens)
		})
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestPoolClosesIdleConnections(t *testing.T) {
	s := newFakeSink(t)
	const idle = 50 * time.Millisecond
	p := sink.NewPool[int](nil, "writeTo(x)", s, sink.Options{MaxConns: 3, IdleTimeout: idle})
	defer p.Close()
	if err := sink.Write(context.Background(), p, batchTime(0), batchParts(3, 1)); err != nil {
		t.Fatal(err)
	}
	opened := s.opens.Load()
	if opened == 0 || s.openConns() != int(opened) {
		t.Fatalf("after a batch: %d opened, %d open", opened, s.openConns())
	}
	start := time.Now()
	waitFor(t, "the idle connections to close", func() bool { return s.openConns() == 0 })
	if d := time.Since(start); d < idle/2 {
		t.Errorf("idle connections closed after %v; IdleTimeout is %v", d, idle)
	}
	if st := p.Stats(); st.Open != 0 || st.Idle != 0 || st.Closes != opened {
		t.Errorf("after the idle timeout: %+v", st)
	}
	// The pool opens a new one when needed again.
	if err := sink.Write(context.Background(), p, batchTime(1), [][]int{{1}}); err != nil {
		t.Fatal(err)
	}
	if got := s.opens.Load(); got != opened+1 {
		t.Errorf("opens after the idle close: %d, want %d", got, opened+1)
	}
}

// TestPoolKeepsBusyConnections: a connection used more often than IdleTimeout is never
// closed for idleness.
func TestPoolKeepsBusyConnections(t *testing.T) {
	s := newFakeSink(t)
	p := sink.NewPool[int](nil, "writeTo(x)", s, sink.Options{MaxConns: 1, IdleTimeout: 80 * time.Millisecond})
	defer p.Close()
	for i := range 30 {
		if err := sink.Write(context.Background(), p, batchTime(i), [][]int{{i}}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := s.opens.Load(); n != 1 {
		t.Errorf("a connection used every 10ms with IdleTimeout 80ms was reopened: %d opens", n)
	}
}

func TestPoolClosesOnShutdown(t *testing.T) {
	s := newFakeSink(t)
	p := sink.NewPool[int](nil, "writeTo(x)", s, sink.Options{MaxConns: 4, IdleTimeout: -1})
	if err := sink.Write(context.Background(), p, batchTime(0), batchParts(4, 3)); err != nil {
		t.Fatal(err)
	}
	if s.openConns() == 0 {
		t.Fatal("no connection open after a batch")
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if n := s.openConns(); n != 0 {
		t.Fatalf("%d connections open after Close", n)
	}
	err := sink.Write(context.Background(), p, batchTime(1), [][]int{{1}})
	if !errors.Is(err, sink.ErrClosed) || !sink.IsPermanent(err) {
		t.Fatalf("write after Close: %v; want ErrClosed, permanent", err)
	}
	if err := p.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

// TestPoolRegistersWithContext: with a run's context, the pool is closed when the run
// ends (the engine's closers), and keys carry the pipeline's name.
func TestPoolRegistersWithContext(t *testing.T) {
	s := newFakeSink(t)
	pipe := &rt.Pipeline{
		Name: "clicks", Defaults: rt.Settings{Batch: time.Second, Partitions: 2},
		New: func(ctx *rt.Context) (rt.Job, error) {
			pool := sink.NewPool[int](ctx, "writeTo(x)", s, sink.Options{})
			return jobFunc(func(b *rt.Batch) error {
				return sink.Output(b, rt.Op{Pos: "c.stream:3:8", Name: "writeTo"}, pool, [][]int{{1}, {2}})
			}), nil
		},
	}
	d, err := rt.NewDriver(pipe, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := d.Step(); err != nil {
			t.Fatal(err)
		}
	}
	if s.openConns() == 0 {
		t.Fatal("no connection open between batches")
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if n := s.openConns(); n != 0 {
		t.Errorf("%d connections open after the run ended", n)
	}
	for _, k := range []string{"clicks/writeTo(x)/1000/0", "clicks/writeTo(x)/3000/1"} {
		if s.written[k] != 1 {
			t.Errorf("key %s written %d times; keys: %v", k, s.written[k], s.written)
		}
	}
}

type jobFunc func(b *rt.Batch) error

func (f jobFunc) RunBatch(b *rt.Batch) error { return f(b) }

// TestPoolBoundsConnections: however many writes run at once (several batches' outputs
// through one pool, many partitions), at most MaxConns connections are open and in use,
// and writers wait for one.
func TestPoolBoundsConnections(t *testing.T) {
	s := newFakeSink(t)
	s.write = func(*fakeConn, sink.Batch[int]) error { time.Sleep(2 * time.Millisecond); return nil }
	const maxConns = 3
	p := sink.NewPool[int](nil, "writeTo(x)", s, sink.Options{MaxConns: maxConns})
	defer p.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := range 5 {
				if err := sink.Write(context.Background(), p, batchTime(g*100+i), batchParts(6, 2)); err != nil {
					errs <- err
				}
				if st := p.Stats(); st.Open > maxConns || st.InUse > maxConns {
					errs <- fmt.Errorf("%+v: more than %d connections", st, maxConns)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	st := p.Stats()
	if m := s.maxInUse.Load(); m > maxConns {
		t.Errorf("%d connections in use at once; MaxConns is %d", m, maxConns)
	}
	if st.Opens > maxConns || st.Waits == 0 || st.Writes != 8*5*6 {
		t.Errorf("stats %+v: want at most %d opens, some waits, 240 writes", st, maxConns)
	}
	t.Logf("%d opens, %d waits, at most %d in use", st.Opens, st.Waits, s.maxInUse.Load())
}

// TestPoolWritesPartitionsInParallel: the partitions of one batch are written at the
// same time, on as many connections as MaxConns allows (each write here waits until all
// four are inside Write).
func TestPoolWritesPartitionsInParallel(t *testing.T) {
	s := newFakeSink(t)
	var inside sync.WaitGroup
	inside.Add(4)
	all := make(chan struct{})
	go func() { inside.Wait(); close(all) }()
	s.write = func(*fakeConn, sink.Batch[int]) error {
		inside.Done()
		select {
		case <-all:
			return nil
		case <-time.After(5 * time.Second):
			return sink.Permanent(errors.New("the partitions were not written in parallel"))
		}
	}
	p := sink.NewPool[int](nil, "writeTo(x)", s, sink.Options{MaxConns: 4})
	defer p.Close()
	if err := sink.Write(context.Background(), p, batchTime(0), batchParts(4, 1)); err != nil {
		t.Fatal(err)
	}
	if m := s.maxInUse.Load(); m != 4 {
		t.Errorf("at most %d partitions written at once, want 4", m)
	}
}

// TestPoolReplacesBrokenConnections: a connection whose Write failed is closed and
// never used again; the retry gets a new one. An Open error is retried too.
func TestPoolReplacesBrokenConnections(t *testing.T) {
	s := newFakeSink(t)
	var failOnce atomic.Bool
	failOnce.Store(true)
	s.write = func(c *fakeConn, b sink.Batch[int]) error {
		if b.Time.UnixMilli() == 5000 && failOnce.CompareAndSwap(true, false) {
			return errors.New("connection reset by peer")
		}
		return nil
	}
	p := sink.NewPool[int](nil, "writeTo(x)", s, noWait(sink.Options{MaxConns: 1}))
	defer p.Close()
	for i := range 10 {
		if err := sink.Write(context.Background(), p, batchTime(i), [][]int{{i}}); err != nil {
			t.Fatal(err)
		}
	}
	st := p.Stats()
	if st.Opens != 2 || st.Closes != 1 || st.Retries != 1 || st.Failures != 1 || st.Writes != 10 {
		t.Errorf("stats %+v: want 2 opens, 1 close (the broken one), 1 retry, 10 writes", st)
	}
	s.mu.Lock()
	first := s.conns[0]
	s.mu.Unlock()
	if !first.closed.Load() || first.writes.Load() != 5 {
		t.Errorf("the broken connection: closed %v after %d writes; want closed after its 5th", first.closed.Load(), first.writes.Load())
	}

	// Open fails twice, then succeeds: the write still goes through.
	s2 := newFakeSink(t)
	s2.openErr = func(n int64) error {
		if n <= 2 {
			return errors.New("connection refused")
		}
		return nil
	}
	p2 := sink.NewPool[int](nil, "writeTo(y)", s2, noWait(sink.Options{}))
	defer p2.Close()
	if err := sink.Write(context.Background(), p2, batchTime(0), [][]int{{1}}); err != nil {
		t.Fatal(err)
	}
	if st := p2.Stats(); st.OpenErrors != 2 || st.Opens != 1 || st.Retries != 2 || st.Open != 1 {
		t.Errorf("stats %+v: want 2 open errors, then 1 open", st)
	}
}

// TestPoolRetriesWithBackoff: transient failures are retried after Backoff, doubled each
// time, and give up after Attempts.
func TestPoolRetriesWithBackoff(t *testing.T) {
	s := newFakeSink(t)
	var calls atomic.Int64
	var at []time.Time
	var mu sync.Mutex
	s.write = func(*fakeConn, sink.Batch[int]) error {
		mu.Lock()
		at = append(at, time.Now())
		mu.Unlock()
		if calls.Add(1) <= 3 {
			return errors.New("503 service unavailable")
		}
		return nil
	}
	const backoff = 20 * time.Millisecond
	p := sink.NewPool[int](nil, "writeTo(x)", s, sink.Options{Attempts: 5, Backoff: backoff})
	defer p.Close()
	if err := sink.Write(context.Background(), p, batchTime(0), [][]int{{1}}); err != nil {
		t.Fatal(err)
	}
	if n := calls.Load(); n != 4 {
		t.Fatalf("%d attempts, want 4 (3 failures, then success)", n)
	}
	for i, want := range []time.Duration{backoff, 2 * backoff, 4 * backoff} {
		if got := at[i+1].Sub(at[i]); got < want {
			t.Errorf("wait before retry %d: %v, want at least %v", i+1, got, want)
		}
	}
	if st := p.Stats(); st.Retries != 3 || st.Failures != 3 || st.Opens != 4 || st.Closes != 3 {
		t.Errorf("stats %+v: want 3 retries, each on a new connection", st)
	}

	// Always failing: Attempts attempts, then the error, saying how many.
	s2 := newFakeSink(t)
	s2.write = func(*fakeConn, sink.Batch[int]) error { return errors.New("timeout") }
	p2 := sink.NewPool[int](nil, "writeTo(x)", s2, noWait(sink.Options{Attempts: 3}))
	defer p2.Close()
	err := sink.Write(context.Background(), p2, batchTime(0), [][]int{nil, {1}})
	if err == nil || !strings.Contains(err.Error(), "partition 1: after 3 attempts: timeout") {
		t.Fatalf("err = %v", err)
	}
	if st := p2.Stats(); st.Retries != 2 || st.Failures != 3 {
		t.Errorf("stats %+v, want 2 retries", st)
	}
}

// permanentErr has a Permanent method, as the SQL sinks' RejectedError does.
type permanentErr struct{}

func (permanentErr) Error() string   { return "row rejected" }
func (permanentErr) Permanent() bool { return true }

func TestPoolDoesNotRetryPermanentErrors(t *testing.T) {
	for _, perm := range []error{
		sink.Permanent(errors.New("400 bad request")),
		fmt.Errorf("wrapped: %w", sink.Permanent(errors.New("400 bad request"))),
		permanentErr{},
	} {
		s := newFakeSink(t)
		s.write = func(*fakeConn, sink.Batch[int]) error { return perm }
		p := sink.NewPool[int](nil, "writeTo(x)", s, noWait(sink.Options{Attempts: 5}))
		err := sink.Write(context.Background(), p, batchTime(0), [][]int{{1}})
		p.Close()
		if err == nil || !sink.IsPermanent(err) || !rt.IsPermanent(err) {
			t.Errorf("%v: got %v, want a permanent error", perm, err)
		}
		if st := p.Stats(); st.Retries != 0 || st.Failures != 1 {
			t.Errorf("%v: stats %+v, want no retry", perm, st)
		}
	}
	if sink.IsPermanent(errors.New("x")) || sink.Permanent(nil) != nil {
		t.Error("plain errors must be transient; Permanent(nil) must be nil")
	}
}

// TestPoolPanicsAreErrors: a panic in a sink's Write fails the write (not the process),
// without retries, and its connection is discarded.
func TestPoolPanicsAreErrors(t *testing.T) {
	s := newFakeSink(t)
	s.write = func(*fakeConn, sink.Batch[int]) error { panic("nil map") }
	p := sink.NewPool[int](nil, "writeTo(x)", s, noWait(sink.Options{}))
	defer p.Close()
	err := sink.Write(context.Background(), p, batchTime(0), [][]int{{1}})
	var pe *rt.PanicError
	if !errors.As(err, &pe) || !sink.IsPermanent(err) || !strings.Contains(err.Error(), "panic: nil map") {
		t.Fatalf("err = %v, want a permanent *rt.PanicError", err)
	}
	if s.openConns() != 0 {
		t.Error("the connection that panicked was kept")
	}
}

// TestPoolWaitHonoursContext: a writer waiting for a connection gives up when its
// context ends.
func TestPoolWaitHonoursContext(t *testing.T) {
	s := newFakeSink(t)
	release := make(chan struct{})
	s.write = func(*fakeConn, sink.Batch[int]) error { <-release; return nil }
	p := sink.NewPool[int](nil, "writeTo(x)", s, sink.Options{MaxConns: 1})
	defer p.Close()
	done := make(chan error)
	go func() { done <- sink.Write(context.Background(), p, batchTime(0), [][]int{{1}}) }()
	waitFor(t, "the first write to hold the connection", func() bool { return p.Stats().InUse == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := sink.Write(ctx, p, batchTime(1), [][]int{{2}}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the context's deadline", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// optSink gives its own defaults.
type optSink struct{ *fakeSink }

func (optSink) Options() sink.Options { return sink.Options{MaxConns: 7, Attempts: 2} }

func TestPoolOptions(t *testing.T) {
	p := sink.NewPool[int](nil, "w", optSink{newFakeSink(t)}, sink.Options{Attempts: 9})
	o := p.Options()
	if o.MaxConns != 7 || o.Attempts != 9 || o.IdleTimeout != sink.DefaultIdleTimeout || o.Backoff != sink.DefaultBackoff || o.MaxBackoff != sink.DefaultMaxBackoff {
		t.Errorf("options %+v: want the sink's MaxConns 7, the explicit Attempts 9, defaults otherwise", o)
	}
	p.Close()
}

func TestBatchKey(t *testing.T) {
	b := sink.Batch[int]{Pipeline: "clicks", Output: "writeTo(hooks)", Time: time.UnixMilli(1717171200000), Partition: 3}
	if got, want := b.Key(), "clicks/writeTo(hooks)/1717171200000/3"; got != want {
		t.Errorf("Key() = %q, want %q", got, want)
	}
	if got := b.Key(); got != (rt.BatchKey{Pipeline: "clicks", Output: "writeTo(hooks)", Time: 1717171200000, Partition: 3}).String() {
		t.Errorf("Key() = %q differs from the SQL sinks' marker key", got)
	}
}

// TestOutputRetriesOnlyFailedPartitions: under the engine's output retries, partitions
// written by an earlier attempt are not written again.
func TestOutputRetriesOnlyFailedPartitions(t *testing.T) {
	s := newFakeSink(t)
	var failed atomic.Bool
	s.write = func(c *fakeConn, b sink.Batch[int]) error {
		if b.Partition == 2 && failed.CompareAndSwap(false, true) {
			return errors.New("flaky")
		}
		return nil
	}
	ctx := rt.NewContext(&rt.Pipeline{Name: "p"}, rt.Settings{Batch: time.Second, Partitions: 4, OutputAttempts: 3, OutputBackoff: time.Millisecond}, nil, nil)
	p := sink.NewPool[int](ctx, "writeTo(x)", s, sink.Options{Attempts: 1})
	defer p.Close()
	b := ctx.NewBatch(1000, 0)
	if err := sink.Output(b, rt.Op{Pos: "p.stream:4:5", Name: "writeTo"}, p, batchParts(4, 2)); err != nil {
		t.Fatal(err)
	}
	for part := range 4 {
		if n := s.written[fmt.Sprintf("p/writeTo(x)/1000/%d", part)]; n != 1 {
			t.Errorf("partition %d written %d times, want once", part, n)
		}
	}
	s.mu.Lock()
	writes := int64(0)
	for _, c := range s.conns {
		writes += c.writes.Load()
	}
	s.mu.Unlock()
	if writes != 5 {
		t.Errorf("%d Write calls, want 5 (4 partitions, partition 2 twice)", writes)
	}

	// A partition that keeps failing: the pool's attempts within each of the engine's.
	calls := 0
	s.write = func(*fakeConn, sink.Batch[int]) error { calls++; return errors.New("503 Service Unavailable") }
	ctx2 := rt.NewContext(&rt.Pipeline{Name: "p"}, rt.Settings{Batch: time.Second, OutputAttempts: 2, OutputBackoff: time.Millisecond}, nil, nil)
	p2 := sink.NewPool[int](ctx2, "writeTo(x)", s, noWait(sink.Options{Attempts: 3}))
	defer p2.Close()
	err := sink.Output(ctx2.NewBatch(1000, 0), rt.Op{Pos: "p.stream:4:5", Name: "writeTo"}, p2, [][]int{{1}})
	if want := "p.stream:4:5: writeTo: failed 2 times, giving up: partition 0: after 3 attempts: 503 Service Unavailable"; err == nil || err.Error() != want || calls != 6 {
		t.Errorf("err = %v after %d calls; want %q after 6", err, calls, want)
	}

	// A permanent error fails at once, attributed to the output's position.
	s.write = func(*fakeConn, sink.Batch[int]) error { return sink.Permanent(errors.New("422 unprocessable")) }
	err = sink.Output(ctx.NewBatch(2000, 1), rt.Op{Pos: "p.stream:4:5", Name: "writeTo"}, p, batchParts(2, 1))
	if err == nil || !strings.HasPrefix(err.Error(), "p.stream:4:5: writeTo: partition 0: 422 unprocessable") {
		t.Errorf("err = %v", err)
	}
}

func TestForeachBatch(t *testing.T) {
	ctx := rt.NewContext(&rt.Pipeline{Name: "p"}, rt.Settings{Batch: time.Second, OutputAttempts: 2, OutputBackoff: time.Millisecond}, nil, nil)
	op := rt.Op{Pos: "p.stream:5:1", Name: "foreachBatch"}
	var got []string
	calls := 0
	f := func(_ context.Context, t time.Time, elems []int) error {
		calls++
		got = append(got, fmt.Sprint(t.UnixMilli(), elems))
		if calls == 1 {
			return errors.New("flaky")
		}
		return nil
	}
	for i, parts := range [][][]int{{{1, 2}, {3}}, {nil, {4}}, {nil, nil}} {
		if err := sink.ForeachBatch(ctx.NewBatch(rt.Time(1000*(i+1)), int64(i)), op, f, parts); err != nil {
			t.Fatal(err)
		}
	}
	want := "[1000 [1 2 3] 1000 [1 2 3] 2000 [4] 3000 []]"
	if fmt.Sprint(got) != want {
		t.Errorf("calls %v, want %s (batch 1000 retried, the empty batch 3000 called)", got, want)
	}
	err := sink.ForeachBatch(ctx.NewBatch(4000, 3), op, func(context.Context, time.Time, []int) error { panic("boom") }, [][]int{{1}})
	if err == nil || !strings.HasPrefix(err.Error(), "p.stream:5:1: foreachBatch: panic: boom") {
		t.Errorf("panic: err = %v", err)
	}
}

// pruneSink records Prune calls.
type pruneSink struct {
	*fakeSink
	pruned []string
}

func (s *pruneSink) Prune(_ context.Context, pipeline, output string, through time.Time) error {
	s.pruned = append(s.pruned, fmt.Sprintf("%s/%s/%d", pipeline, output, through.UnixMilli()))
	return nil
}

// TestPrunerWithoutCheckpoint: without a checkpoint directory a Pruner is told every 64
// batches that the markers through the last batch done are no longer needed.
func TestPrunerWithoutCheckpoint(t *testing.T) {
	s := &pruneSink{fakeSink: newFakeSink(t)}
	pipe := &rt.Pipeline{
		Name: "pr", Defaults: rt.Settings{Batch: time.Second, Partitions: 1},
		New: func(ctx *rt.Context) (rt.Job, error) {
			pool := sink.NewPool[int](ctx, "writeTo(x)", s, sink.Options{})
			return jobFunc(func(b *rt.Batch) error {
				return sink.Output(b, rt.Op{Pos: "pr.stream:1:1", Name: "writeTo"}, pool, [][]int{{1}})
			}), nil
		},
	}
	d, err := rt.NewDriver(pipe, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for range 130 {
		if _, err := d.Step(); err != nil {
			t.Fatal(err)
		}
	}
	if want := "[pr/writeTo(x)/64000 pr/writeTo(x)/128000]"; fmt.Sprint(s.pruned) != want {
		t.Errorf("pruned %v, want %s", s.pruned, want)
	}
}
