package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"streamc.dev/streamc/internal/crashkit"
	rt "streamc.dev/streamc/runtime"
	"streamc.dev/streamc/runtime/checkpoint"
)

// growingPipeline keeps a state that grows by 4 KiB a batch and has no source: the
// disk-full test runs it under a file-size limit.
func growingPipeline() *rt.Pipeline {
	return &rt.Pipeline{
		Name: "growing", SourceFile: "growing.stream",
		Defaults: rt.Settings{Batch: 100 * time.Millisecond, Partitions: 1},
		State:    []rt.StateInfo{{Name: "blob#1", Type: "string"}},
		New:      func(ctx *rt.Context) (rt.Job, error) { return &growingJob{}, nil },
	}
}

type growingJob struct{ blob []byte }

func (j *growingJob) RunBatch(b *rt.Batch) error {
	j.blob = append(j.blob, strings.Repeat("x", 4096)...)
	return nil
}

func (j *growingJob) SaveState(w *checkpoint.Writer) error {
	return w.Section("blob#1", func(w *checkpoint.Writer) error { w.Bytes(j.blob); return nil })
}

func (j *growingJob) RestoreState(r *checkpoint.Reader) error {
	s, err := r.Section("blob#1")
	if err != nil {
		return err
	}
	j.blob = append([]byte(nil), s.Bytes()...)
	return s.Done()
}

// runTotals runs the files pipeline in-process over root/in with the replay clock.
func runTotals(t *testing.T, root, out, ck string, args ...string) (int, string) {
	t.Helper()
	var stdout, stderr syncBuffer
	p := newTotalsPipeline("files", filepath.Join(root, out))
	all := append([]string{"--replay", "--source", "lines=" + filepath.Join(root, "in"),
		"--checkpoint", filepath.Join(root, ck), "--checkpoint-every", "300ms"}, args...)
	code := rt.RunMain(p, all, &stdout, &stderr)
	return code, stderr.String()
}

// TestRecoveryReplayIdentical: a run stopped after 7 batches and resumed gives the same
// outputs as one uninterrupted run, and a finished run does nothing when started again.
func TestRecoveryReplayIdentical(t *testing.T) {
	root := t.TempDir()
	crashkit.WriteInput(t, filepath.Join(root, "in"), 12, 50, 7)
	if code, errs := runTotals(t, root, "ref", "ref-ckpt"); code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	if code, errs := runTotals(t, root, "out", "ckpt", "--batches", "7"); code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	code, errs := runTotals(t, root, "out", "ckpt")
	if code != 0 || !strings.Contains(errs, "recovering from checkpoint") || !strings.Contains(errs, "batch_time=700") {
		t.Fatalf("exit %d, want a recovery from batch 700:\n%s", code, errs)
	}
	ref, got := crashkit.ReadOutputs(t, filepath.Join(root, "ref"), "totals", "window"), crashkit.ReadOutputs(t, filepath.Join(root, "out"), "totals", "window")
	if len(ref) != 2*14 || fmt.Sprint(ref) != fmt.Sprint(got) {
		t.Errorf("resumed outputs differ from the uninterrupted run (%d vs %d directories)", len(got), len(ref))
	}
	code, errs = runTotals(t, root, "out", "ckpt")
	if code != 0 || !strings.Contains(errs, "the run had already finished") {
		t.Errorf("third start: exit %d\n%s", code, errs)
	}
}

// TestCorruptCheckpoint: a truncated newest checkpoint is reported with a warning naming
// it and the previous one is used; when none is readable the run fails and says how to
// start fresh.
func TestCorruptCheckpoint(t *testing.T) {
	root := t.TempDir()
	crashkit.WriteInput(t, filepath.Join(root, "in"), 12, 50, 7)
	runTotals(t, root, "ref", "ref-ckpt")
	runTotals(t, root, "out", "ckpt", "--batches", "7")
	ck := filepath.Join(root, "ckpt")
	newest := filepath.Join(ck, "checkpoint-700")
	data, err := os.ReadFile(newest)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(newest, data[:len(data)-9], 0o644)
	code, errs := runTotals(t, root, "out", "ckpt")
	if code != 0 || !strings.Contains(errs, `level=WARN msg="checkpoint unreadable; trying the previous one" pipeline=totals file=`+newest) ||
		!strings.Contains(errs, "checksum mismatch") || !strings.Contains(errs, "checkpoint-600") {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	if ref, got := crashkit.ReadOutputs(t, filepath.Join(root, "ref"), "totals", "window"), crashkit.ReadOutputs(t, filepath.Join(root, "out"), "totals", "window"); fmt.Sprint(ref) != fmt.Sprint(got) {
		t.Error("outputs after recovering from the older checkpoint differ from the uninterrupted run")
	}

	files, _ := filepath.Glob(filepath.Join(ck, "checkpoint-*"))
	for _, f := range files {
		os.WriteFile(f, []byte("garbage"), 0o644)
	}
	code, errs = runTotals(t, root, "out", "ckpt")
	if code != 1 || !strings.Contains(errs, "none is readable") || !strings.Contains(errs, "--fresh") {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	t.Logf("what a user sees:\n%s", errs)

	// --fresh moves the directory aside and starts over.
	code, errs = runTotals(t, root, "out", "ckpt", "--fresh")
	if code != 0 || !strings.Contains(errs, "moved the old checkpoint directory aside") {
		t.Fatalf("--fresh: exit %d\n%s", code, errs)
	}
	if old, _ := filepath.Glob(ck + ".old-*"); len(old) != 1 {
		t.Errorf("moved-aside directories: %v", old)
	}
}

// TestUnwritableCheckpointDir: a checkpoint directory that cannot be created fails the
// run before the first batch.
func TestUnwritableCheckpointDir(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "file"), nil, 0o644)
	code, errs := runTotals(t, root, "out", "file/ckpt")
	if code != 1 || !strings.Contains(errs, "cannot use the checkpoint directory") ||
		!strings.Contains(errs, "file/ckpt cannot be created: mkdir") || strings.Contains(errs, "msg=batch ") {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	t.Logf("what a user sees:\n%s", errs)
}

// TestMissingCheckpointDir: a checkpoint directory that is gone starts fresh (there is
// nothing to tell it from a first run); one whose checkpoint files were removed while the
// batch log remains is refused.
func TestMissingCheckpointDir(t *testing.T) {
	root := t.TempDir()
	crashkit.WriteInput(t, filepath.Join(root, "in"), 3, 5, 2)
	runTotals(t, root, "out", "ckpt", "--batches", "2")
	ck := filepath.Join(root, "ckpt")
	files, _ := filepath.Glob(filepath.Join(ck, "checkpoint-*"))
	for _, f := range files {
		os.Remove(f)
	}
	code, errs := runTotals(t, root, "out", "ckpt")
	if code != 1 || !strings.Contains(errs, "holds the batch log or write-ahead logs of an earlier run but no checkpoint file") {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	os.RemoveAll(ck)
	if code, errs := runTotals(t, root, "out", "ckpt"); code != 0 || strings.Contains(errs, "recovering") {
		t.Fatalf("missing directory: exit %d\n%s", code, errs)
	}
}

// TestIncompatibleState: a pipeline whose state changed refuses the checkpoint and says
// what changed; one that only gained an output resumes.
func TestIncompatibleState(t *testing.T) {
	root := t.TempDir()
	crashkit.WriteInput(t, filepath.Join(root, "in"), 4, 5, 2)
	runTotals(t, root, "out", "ckpt", "--batches", "2")
	args := []string{"--replay", "--source", "lines=" + filepath.Join(root, "in"), "--checkpoint", filepath.Join(root, "ckpt")}

	changed := newTotalsPipeline("files", filepath.Join(root, "out"))
	changed.State[0].Type = "(string, float)"
	var stderr syncBuffer
	if code := rt.RunMain(changed, args, &syncBuffer{}, &stderr); code != 1 {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	for _, want := range []string{"does not fit this pipeline: its state has changed",
		"- checkpointed: updateStateByKey(totals): (string, int)", "+ this binary:  updateStateByKey(totals): (string, float)",
		"--fresh"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	t.Logf("what a user sees:\n%s", stderr.String())

	compatible := newTotalsPipeline("files", filepath.Join(root, "out"))
	compatible.Outputs = append(compatible.Outputs, rt.OutputInfo{Kind: "print", Desc: "print(10)"})
	var errs syncBuffer
	if code := rt.RunMain(compatible, append(args, "--batches", "1"), &syncBuffer{}, &errs); code != 0 ||
		!strings.Contains(errs.String(), "recovering from checkpoint") {
		t.Fatalf("a new output: exit %d\n%s", code, errs.String())
	}
	errs = syncBuffer{}
	if code := rt.RunMain(compatible, append(args, "--batch", "200ms"), &syncBuffer{}, &errs); code != 1 ||
		!strings.Contains(errs.String(), "was written with batch interval 100ms, this run has 200ms") {
		t.Fatalf("changed interval: exit %d\n%s", code, errs.String())
	}
}

// flakySink fails its first `failures` writes.
type flakySink struct {
	mu       sync.Mutex
	failures int
	calls    int
	written  []rt.Time
}

func (s *flakySink) write(t rt.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.calls <= s.failures {
		return errors.New("connection refused")
	}
	s.written = append(s.written, t)
	return nil
}

func sinkPipeline(ck string, sink *flakySink) *rt.Pipeline {
	op := rt.Op{Pos: "sink.stream:4:8", Name: "writeTo"}
	return &rt.Pipeline{
		Name: "sink", SourceFile: "sink.stream",
		Defaults: rt.Settings{Batch: time.Second, Partitions: 1, Checkpoint: ck},
		New: func(ctx *rt.Context) (rt.Job, error) {
			return &fnJob{run: func(b *rt.Batch) error {
				return b.Output(op, func() error { return sink.write(b.Time) })
			}}, nil
		},
	}
}

// TestSinkRetriesThenFails: a failing output is retried with backoff; when every attempt
// fails the run exits 1 naming the operator, and the batch is run again after a restart.
func TestSinkRetriesThenFails(t *testing.T) {
	ck := filepath.Join(t.TempDir(), "ckpt")
	sink := &flakySink{failures: 2}
	code, _, errs := run(t, sinkPipeline(ck, sink), "--replay", "--batches", "2", "--output-attempts", "3", "--output-backoff", "1ms")
	if code != 0 || strings.Count(errs, "output failed; retrying") != 2 || fmt.Sprint(sink.written) != "[1000 ms 2000 ms]" {
		t.Fatalf("exit %d, written %v\n%s", code, sink.written, errs)
	}

	sink = &flakySink{failures: 100}
	code, _, errs = run(t, sinkPipeline(ck, sink), "--replay", "--batches", "2", "--output-attempts", "3", "--output-backoff", "1ms")
	want := `msg="batch failed" pipeline=sink batch_time=3000 err="sink.stream:4:8: writeTo: failed 3 times, giving up: connection refused"`
	if code != 1 || !strings.Contains(errs, want) || sink.calls != 3 {
		t.Fatalf("exit %d, %d calls\n%s", code, sink.calls, errs)
	}
	t.Logf("what a user sees:\n%s", errs)

	sink = &flakySink{}
	if code, _, errs := run(t, sinkPipeline(ck, sink), "--replay", "--batches", "1"); code != 0 || fmt.Sprint(sink.written) != "[3000 ms]" {
		t.Fatalf("after restart: exit %d, written %v (want the failed batch 3000 again)\n%s", code, sink.written, errs)
	}
}

// permanentError is what a sink returns when retrying cannot help.
type permanentError struct{ error }

func (permanentError) Permanent() bool { return true }

// TestPermanentOutputErrorFailsAtOnce: an output error that says it is permanent (a
// missing table, a record rejected under onBadRecord = fail) is not retried with backoff.
func TestPermanentOutputErrorFailsAtOnce(t *testing.T) {
	calls := 0
	op := rt.Op{Pos: "sink.stream:4:8", Name: "writeTo"}
	p := &rt.Pipeline{
		Name: "sink", SourceFile: "sink.stream",
		Defaults: rt.Settings{Batch: time.Second, Partitions: 1},
		New: func(ctx *rt.Context) (rt.Job, error) {
			return &fnJob{run: func(b *rt.Batch) error {
				return b.Output(op, func() error {
					calls++
					return fmt.Errorf("partition 0: %w", permanentError{errors.New(`relation "nope" does not exist`)})
				})
			}}, nil
		},
	}
	code, _, errs := run(t, p, "--replay", "--batches", "1", "--output-attempts", "4", "--output-backoff", "1h")
	if code != 1 || calls != 1 || strings.Contains(errs, "retrying") || !strings.Contains(errs, `sink.stream:4:8: writeTo: partition 0: relation \"nope\" does not exist`) {
		t.Fatalf("exit %d after %d calls:\n%s", code, calls, errs)
	}
}

// memTxSink is a transactional sink kept in memory: records and progress markers commit
// together.
type memTxSink struct {
	mu      sync.Mutex
	markers map[rt.BatchKey]bool
	rows    []string
	failAt  int // fail the n-th WriteBatch call (1-based); 0: never
	calls   int
}

func (s *memTxSink) WriteBatch(ctx context.Context, key rt.BatchKey, recs []string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.calls == s.failAt {
		return false, errors.New("transaction aborted")
	}
	if s.markers[key] {
		return true, nil
	}
	s.markers[key] = true
	s.rows = append(s.rows, recs...)
	return false, nil
}

// TestTxSink: a partition that failed is retried, partitions already committed are
// skipped, and re-running the batch (after a restart) writes nothing twice.
func TestTxSink(t *testing.T) {
	sink := &memTxSink{markers: map[rt.BatchKey]bool{}, failAt: 2}
	p := &rt.Pipeline{Name: "tx", Defaults: rt.Settings{Batch: time.Second, Partitions: 3, OutputBackoff: time.Millisecond}}
	ctx := rt.NewContext(p, p.Defaults, nil, nil)
	op := rt.Op{Pos: "tx.stream:3:1", Name: "writeTo"}
	parts := [][]string{{"a", "b"}, {"c"}, {"d"}}
	for range 2 { // the second time is the batch re-run after a restart
		if err := rt.WriteTx(ctx.NewBatch(1000, 0), op, "writeTo#1", sink, parts); err != nil {
			t.Fatal(err)
		}
	}
	if len(sink.rows) != 4 || len(sink.markers) != 3 {
		t.Errorf("rows %v, markers %v", sink.rows, sink.markers)
	}
	if k := (rt.BatchKey{Pipeline: "tx", Output: "writeTo#1", Time: 1000, Partition: 2}); !sink.markers[k] || k.String() != "tx/writeTo#1/1000/2" {
		t.Errorf("marker %v missing", k)
	}
}

// TestOnBatchDone: the hook sees every batch after its outputs; its error fails the run.
func TestOnBatchDone(t *testing.T) {
	var seen []rt.Time
	p := &rt.Pipeline{Name: "hook", Defaults: rt.Settings{Batch: time.Second, Partitions: 1},
		New: func(ctx *rt.Context) (rt.Job, error) {
			ctx.OnBatchDone(func(t rt.Time) error {
				seen = append(seen, t)
				if t == 3000 {
					return errors.New("commit offsets: broker unavailable")
				}
				return nil
			})
			return &fnJob{run: func(b *rt.Batch) error { return nil }}, nil
		}}
	code, _, errs := run(t, p, "--replay", "--batches", "5")
	if code != 1 || fmt.Sprint(seen) != "[1000 ms 2000 ms 3000 ms]" ||
		!strings.Contains(errs, "after the outputs: commit offsets: broker unavailable") {
		t.Fatalf("exit %d, seen %v\n%s", code, seen, errs)
	}
}
