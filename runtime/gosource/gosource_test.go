package gosource_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	rt "streamc.dev/streamc/runtime"
	"streamc.dev/streamc/runtime/checkpoint"
	"streamc.dev/streamc/runtime/gosource"
	"streamc.dev/streamc/runtime/sink"
	"streamc.dev/streamc/runtime/source"
)

// markerStore is an exactly-once custom sink over an in-memory "database": each
// partition's elements are applied together with its Batch.Key marker, atomically (under
// one lock, as a transaction would), and a key already recorded is skipped.
type markerStore struct {
	mu      sync.Mutex
	markers map[string]time.Time
	applied []int
	skipped int
	pruned  []int64
}

func newMarkerStore() *markerStore { return &markerStore{markers: map[string]time.Time{}} }

func (s *markerStore) Open(context.Context) (sink.Conn[int], error) { return storeConn{s}, nil }

type storeConn struct{ s *markerStore }

func (c storeConn) Write(_ context.Context, b sink.Batch[int]) error {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.markers[b.Key()]; ok {
		s.skipped++
		return nil
	}
	s.applied = append(s.applied, b.Elems...)
	s.markers[b.Key()] = b.Time
	return nil
}

func (storeConn) Close() error { return nil }

func (s *markerStore) Prune(_ context.Context, pipeline, output string, through time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pruned = append(s.pruned, through.UnixMilli())
	for k, t := range s.markers {
		if strings.HasPrefix(k, pipeline+"/"+output+"/") && !t.After(through) {
			delete(s.markers, k)
		}
	}
	return nil
}

// eventsPipeline reads a MemLog through the adapter (at most 4 records a batch) and
// writes every batch to store, as a generated program with a Go source and a Go sink
// does; the batch at failAt fails after its output, as a crash after a batch's outputs
// and before its checkpoint would leave it. seen records each batch's input.
func eventsPipeline(log *MemLog[int], store *markerStore, failAt rt.Time, seen map[rt.Time][]int) *rt.Pipeline {
	op := rt.Op{Pos: "events.stream:3:8", Name: "writeTo"}
	return &rt.Pipeline{
		Name: "events", SourceFile: "events.stream",
		Defaults: rt.Settings{Batch: time.Second, Partitions: 2, CheckpointEvery: 2 * time.Second, OutputBackoff: time.Millisecond},
		Sources:  []rt.SourceInfo{{Name: "events", Kind: "go", Address: "MemLog", Pos: "events.stream:2:14"}},
		New: func(ctx *rt.Context) (rt.Job, error) {
			src := gosource.New[int](ctx, "events", log, gosource.Options{MaxPerBatch: 4})
			pool := sink.NewPool[int](ctx, "writeTo(store)", store, sink.Options{})
			return jobFunc(func(b *rt.Batch) error {
				parts, err := src.Batch(b.Time.Millis(), b.Partitions)
				if err != nil {
					return err
				}
				b.AddInput(rt.Len(parts))
				seen[b.Time] = slices.Concat(parts...)
				if err := sink.Output(b, op, pool, parts); err != nil {
					return err
				}
				if b.Time == failAt {
					return errors.New("crash after the outputs")
				}
				return nil
			}), nil
		},
	}
}

func runMain(p *rt.Pipeline, args ...string) (int, string) {
	var stdout, stderr bytes.Buffer
	code := rt.RunMain(p, args, &stdout, &stderr)
	return code, stderr.String()
}

func ints(from, to int) []int {
	var s []int
	for i := from; i < to; i++ {
		s = append(s, i)
	}
	return s
}

// TestAdapterRecovery: a Go source and a Go sink through the engine, a crash and a
// restart. The batch that crashed is re-run with exactly the records it read before
// (not the ones that arrived while the pipeline was down), the sink's markers skip its
// partitions, and every record is written exactly once. Commits never run ahead of what
// a recovery needs: the log deletes committed records, and the re-run still reads its
// own.
func TestAdapterRecovery(t *testing.T) {
	ckpt := t.TempDir()
	log, store := &MemLog[int]{}, newMarkerStore()
	log.Append(ints(0, 20)...)

	first := map[rt.Time][]int{}
	code, stderr := runMain(eventsPipeline(log, store, 3000, first), "--replay", "--checkpoint", ckpt)
	if code != rt.ExitFailure || !strings.Contains(stderr, "crash after the outputs") {
		t.Fatalf("first run: exit %d, want the failure at batch 3000:\n%s", code, stderr)
	}
	want := map[rt.Time][]int{1000: ints(0, 4), 2000: ints(4, 8), 3000: ints(8, 12)}
	if fmt.Sprint(first) != fmt.Sprint(want) {
		t.Fatalf("first run read %v, want %v", first, want)
	}

	// While it is down, more records arrive and the log ends.
	log.Append(ints(20, 30)...)
	log.End()

	second := map[rt.Time][]int{}
	code, stderr = runMain(eventsPipeline(log, store, -1, second), "--replay", "--checkpoint", ckpt)
	if code != rt.ExitOK {
		t.Fatalf("second run: exit %d:\n%s", code, stderr)
	}
	if !slices.Equal(second[3000], first[3000]) {
		t.Errorf("re-run batch 3000 read %v, the original read %v", second[3000], first[3000])
	}
	if !strings.Contains(stderr, "recovering=true") {
		t.Errorf("batch 3000 was not re-run as a recovering batch:\n%s", stderr)
	}
	if _, ok := second[1000]; ok {
		t.Error("batch 1000, before the checkpoint, was run again")
	}
	store.mu.Lock()
	applied, skipped := slices.Clone(store.applied), store.skipped
	pruned := slices.Clone(store.pruned)
	store.mu.Unlock()
	slices.Sort(applied)
	if !slices.Equal(applied, ints(0, 30)) {
		t.Errorf("the sink holds %v, want 0..29 once each", applied)
	}
	if skipped != 2 {
		t.Errorf("the sink skipped %d partition writes, want the 2 of re-run batch 3000", skipped)
	}
	// Checkpoints of the second run: 4000, 6000, 8000 (the last batch), each leaving the
	// one before as the oldest kept: commits and prunes follow it.
	if got := fmt.Sprint(log.Commits()); got != "[8 16 24]" {
		t.Errorf("commits %s, want [8 16 24]: the offsets of checkpoints 2000, 4000, 6000", got)
	}
	// First run: after the initial checkpoint only. The checkpoint of 2000 was being
	// written while batch 3000 ran, and the run failed before settling it: its file is
	// kept (the second run resumes from it), and the second run's checkpoints prune.
	if got := fmt.Sprint(pruned); got != "[0 2000 4000 6000]" {
		t.Errorf("markers pruned through %s", got)
	}
	t.Logf("first run %v; second run %v; commits %v", first, second, log.Commits())
}

// TestAdapterLimits: the bound of a batch reaches Latest: maxRate × interval, then the
// rate backpressure sets.
func TestAdapterLimits(t *testing.T) {
	log := &MemLog[int]{}
	log.Append(ints(0, 100)...)
	var src *gosource.Adapter[int]
	var sizes []int
	p := &rt.Pipeline{
		Name: "limits", Defaults: rt.Settings{Batch: 2 * time.Second, Partitions: 1, MaxRate: 3},
		New: func(ctx *rt.Context) (rt.Job, error) {
			src = gosource.New[int](ctx, "log", log, gosource.Options{MaxPerBatch: 50})
			return jobFunc(func(b *rt.Batch) error {
				parts, err := src.Batch(b.Time.Millis(), b.Partitions)
				sizes = append(sizes, rt.Len(parts))
				return err
			}), nil
		},
	}
	d, err := rt.NewDriver(p, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	d.Step()
	src.SetRate(2.5) // backpressure: 5 records a 2s batch
	d.Step()
	if src.LastBatchRecords() != 5 {
		t.Errorf("LastBatchRecords = %d", src.LastBatchRecords())
	}
	src.SetRate(0) // no rate: back to MaxPerBatch
	d.Step()
	if fmt.Sprint(sizes) != "[6 5 50]" {
		t.Errorf("batch sizes %v, want [6 5 50]", sizes)
	}
	if st := src.SourceStatus(); st.Records != 61 || st.State != "reading" {
		t.Errorf("status %+v", st)
	}
}

// TestAdapterReplan: a logged plan is read back as logged; a damaged entry is refused.
func TestAdapterReplan(t *testing.T) {
	log := &MemLog[int]{}
	log.Append(ints(0, 10)...)
	a := gosource.New[int](nil, "log", log, gosource.Options{})
	if err := a.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	w := checkpoint.NewWriter()
	w.String("2")
	w.String("5")
	if err := a.ReplanBatch(7000, checkpoint.NewReader(w.Data())); err != nil {
		t.Fatal(err)
	}
	parts, err := a.Batch(7000, 2)
	if err != nil || fmt.Sprint(parts) != "[[2 3] [4]]" {
		t.Fatalf("re-planned batch: %v, %v", parts, err)
	}
	// The next batch continues after the logged end.
	w = checkpoint.NewWriter()
	if err := a.PlanBatch(8000, w); err != nil {
		t.Fatal(err)
	}
	r := checkpoint.NewReader(w.Data())
	if from, until := r.String(), r.String(); from != "5" || until != "10" {
		t.Errorf("planned [%s, %s), want [5, 10)", from, until)
	}
	if err := a.ReplanBatch(9000, checkpoint.NewReader([]byte{0xff})); err == nil {
		t.Error("a damaged batch-log entry was accepted")
	}
	if a.Exhausted() {
		t.Error("exhausted before the log ended")
	}
}

// pushReceiver emits its lines, then either ends (end) or waits for the run to stop, as
// a connected push source with nothing more to say does.
type pushReceiver struct {
	lines []string
	end   bool
}

func (r pushReceiver) Receive(ctx context.Context, emit func(string) error) error {
	for _, l := range r.lines {
		if err := emit(l); err != nil {
			return err
		}
	}
	if !r.end {
		<-ctx.Done()
	}
	return nil
}

// receiverPipeline reads a Receiver through its write-ahead log (3 lines a batch in
// replay mode) and writes the numbers to store; the batch at failAt fails after its
// output.
func receiverPipeline(r gosource.Receiver, store *markerStore, failAt rt.Time, seen map[rt.Time][]int) *rt.Pipeline {
	op := rt.Op{Pos: "push.stream:3:8", Name: "writeTo"}
	return &rt.Pipeline{
		Name: "push", SourceFile: "push.stream",
		Defaults: rt.Settings{Batch: time.Second, Partitions: 2, OutputBackoff: time.Millisecond},
		New: func(ctx *rt.Context) (rt.Job, error) {
			src := gosource.NewReceiver("lines", r, source.LinesOptions{Replay: ctx.Replay, MaxPerBatch: 3, WALDir: ctx.WALDir("lines")})
			ctx.RegisterSource("lines", src)
			pool := sink.NewPool[int](ctx, "writeTo(store)", store, sink.Options{})
			return jobFunc(func(b *rt.Batch) error {
				lines, err := src.Batch(b.Time.Millis(), b.Partitions)
				if err != nil {
					return err
				}
				b.AddInput(rt.Len(lines))
				parts := make([][]int, len(lines))
				for p, part := range lines {
					for _, l := range part {
						n, err := strconv.Atoi(l)
						if err != nil {
							return err
						}
						parts[p] = append(parts[p], n)
					}
				}
				seen[b.Time] = slices.Concat(parts...)
				if err := sink.Output(b, op, pool, parts); err != nil {
					return err
				}
				if b.Time == failAt {
					return errors.New("crash after the outputs")
				}
				return nil
			}), nil
		},
	}
}

func numbers(from, to int) []string {
	var s []string
	for i := from; i < to; i++ {
		s = append(s, strconv.Itoa(i))
	}
	return s
}

// TestReceiverRecovery: a push Receiver behind the write-ahead log. The batch that
// crashed is re-run with its original lines from the log (the receiver does not send
// them again), and the store holds every line once.
func TestReceiverRecovery(t *testing.T) {
	ckpt := t.TempDir()
	store := newMarkerStore()
	first := map[rt.Time][]int{}
	code, stderr := runMain(receiverPipeline(pushReceiver{lines: numbers(0, 6)}, store, 2000, first),
		"--replay", "--checkpoint", ckpt, "--checkpoint-every", "1s")
	if code != rt.ExitFailure || !strings.Contains(stderr, "crash after the outputs") {
		t.Fatalf("first run: exit %d, want the failure at batch 2000:\n%s", code, stderr)
	}
	if got := fmt.Sprint(first); got != "map[1000 ms:[0 1 2] 2000 ms:[3 4 5]]" {
		t.Fatalf("first run read %s", got)
	}
	second := map[rt.Time][]int{}
	code, stderr = runMain(receiverPipeline(pushReceiver{lines: numbers(6, 12), end: true}, store, -1, second),
		"--replay", "--checkpoint", ckpt, "--checkpoint-every", "1s")
	if code != rt.ExitOK {
		t.Fatalf("second run: exit %d:\n%s", code, stderr)
	}
	if got := fmt.Sprint(second); got != "map[2000 ms:[3 4 5] 3000 ms:[6 7 8] 4000 ms:[9 10 11]]" {
		t.Errorf("second run read %s; want batch 2000 again from the log, then the new lines", got)
	}
	store.mu.Lock()
	defer store.mu.Unlock()
	applied := slices.Clone(store.applied)
	slices.Sort(applied)
	if !slices.Equal(applied, ints(0, 12)) || store.skipped != 2 {
		t.Errorf("the sink holds %v and skipped %d writes; want 0..11 once each, batch 2000's 2 partitions skipped", applied, store.skipped)
	}
}

// TestAdapterRecoveryFromStartCheckpoint: a crash before the first periodic checkpoint.
// The start-up checkpoint, written before the sources start, holds no offset; the
// restart starts the source afresh and re-runs the logged batches with their offsets.
func TestAdapterRecoveryFromStartCheckpoint(t *testing.T) {
	ckpt := t.TempDir()
	log, store := &MemLog[int]{}, newMarkerStore()
	log.Append(ints(0, 10)...)
	first := map[rt.Time][]int{}
	code, stderr := runMain(eventsPipeline(log, store, 2000, first), "--replay", "--checkpoint", ckpt, "--checkpoint-every", "1h")
	if code != rt.ExitFailure {
		t.Fatalf("first run: exit %d:\n%s", code, stderr)
	}
	log.Append(ints(10, 12)...)
	log.End()
	second := map[rt.Time][]int{}
	code, stderr = runMain(eventsPipeline(log, store, -1, second), "--replay", "--checkpoint", ckpt, "--checkpoint-every", "1h")
	if code != rt.ExitOK {
		t.Fatalf("second run: exit %d:\n%s", code, stderr)
	}
	if got := fmt.Sprint(second); got != "map[1000 ms:[0 1 2 3] 2000 ms:[4 5 6 7] 3000 ms:[8 9 10 11]]" {
		t.Errorf("second run read %s; want batches 1000 and 2000 re-run as logged, then the rest", got)
	}
	store.mu.Lock()
	defer store.mu.Unlock()
	applied := slices.Clone(store.applied)
	slices.Sort(applied)
	if !slices.Equal(applied, ints(0, 12)) || store.skipped != 4 {
		t.Errorf("the sink holds %v and skipped %d writes; want 0..11 once each, 4 skipped", applied, store.skipped)
	}
}

// failingLatest fails its first Latest, as a source unreachable at the first batch.
type failingLatest struct {
	*MemLog[int]
	failed bool
}

func (f *failingLatest) Latest(ctx context.Context, from string, limit int64) (string, error) {
	if !f.failed {
		f.failed = true
		return "", errors.New("source unreachable")
	}
	return f.MemLog.Latest(ctx, from, limit)
}

// TestAdapterRestartBeforeFirstBatch: a run that failed before its first batch was
// logged restarts from the start-up checkpoint, which holds no offset: the source
// starts afresh at Initial.
func TestAdapterRestartBeforeFirstBatch(t *testing.T) {
	ckpt := t.TempDir()
	log := &MemLog[int]{}
	log.Append(ints(0, 3)...)
	log.End()
	src := &failingLatest{MemLog: log}
	var got [][]int
	p := func() *rt.Pipeline {
		return &rt.Pipeline{
			Name: "restart", Defaults: rt.Settings{Batch: time.Second, Partitions: 1},
			New: func(ctx *rt.Context) (rt.Job, error) {
				a := gosource.New[int](ctx, "log", gosource.Source[int](src), gosource.Options{})
				return jobFunc(func(b *rt.Batch) error {
					parts, err := a.Batch(b.Time.Millis(), 1)
					got = append(got, parts...)
					return err
				}), nil
			},
		}
	}
	if code, stderr := runMain(p(), "--replay", "--checkpoint", ckpt); code != rt.ExitFailure || !strings.Contains(stderr, "source unreachable") {
		t.Fatalf("first run: exit %d:\n%s", code, stderr)
	}
	if code, stderr := runMain(p(), "--replay", "--checkpoint", ckpt); code != rt.ExitOK {
		t.Fatalf("second run: exit %d:\n%s", code, stderr)
	}
	if fmt.Sprint(got) != "[[0 1 2]]" {
		t.Errorf("read %v", got)
	}
}
