package runtime_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	rt "streamc.dev/streamc/runtime"
	"streamc.dev/streamc/runtime/checkpoint"
)

// The engine syncs a batch's entry in the batch log while the batch computes, and writes
// a checkpoint's file while the next batches run. These tests slow both down and fail
// them, and check what must still hold: nothing leaves the process before the batch's
// entry is durable, a checkpoint holds the state of its own batch, and a failed write
// fails the run with every batch since the previous checkpoint still logged.

// timesJob keeps as its state the times of the batches it ran, padded so that the
// state is large enough to be overwritten while a slow write reads it, then runs the
// pipeline's job. It records the encoding of its state after each batch.
type timesJob struct {
	rt.Job
	begin func(b *rt.Batch) // when not nil, called as each batch starts
	times []int64
	mu    sync.Mutex
	after map[int64][]byte // batch time -> the state's encoding after it
}

func (j *timesJob) RunBatch(b *rt.Batch) error {
	if j.begin != nil {
		j.begin(b)
	}
	j.times = append(j.times, int64(b.Time))
	w := checkpoint.NewWriter()
	j.SaveState(w)
	j.mu.Lock()
	j.after[int64(b.Time)] = bytes.Clone(w.Data())
	j.mu.Unlock()
	return j.Job.RunBatch(b)
}

func (j *timesJob) SaveState(w *checkpoint.Writer) error {
	w.Len(len(j.times))
	for _, t := range j.times {
		w.Varint(t)
		w.Bytes(bytes.Repeat([]byte{byte(t / 1000)}, 4096))
	}
	return nil
}

func (j *timesJob) RestoreState(r *checkpoint.Reader) error {
	j.times = j.times[:0]
	for range r.Len() {
		j.times = append(j.times, r.Varint())
		r.Bytes()
	}
	return r.Done()
}

// stateAt returns the state the job recorded after batch t; for the checkpoint at the
// zero time, before any batch, the empty state.
func (j *timesJob) stateAt(t int64) []byte {
	j.mu.Lock()
	defer j.mu.Unlock()
	if s, ok := j.after[t]; ok {
		return s
	}
	w := checkpoint.NewWriter()
	w.Len(0)
	return w.Data()
}

// timesPipeline runs a timesJob around testPipeline's job, whose batches print their
// time through Output; output is called inside each batch's Output.
func timesPipeline(job *timesJob, output func(b *rt.Batch)) *rt.Pipeline {
	p := testPipeline(time.Second, &countSource{total: -1}, func(b *rt.Batch) error {
		return b.Output(rt.Op{Pos: "test.stream:4:5", Name: "print"}, func() error {
			output(b)
			_, err := fmt.Fprintf(b.Context().Stdout, "%d\n", b.Time)
			return err
		})
	})
	inner := p.New
	p.New = func(ctx *rt.Context) (rt.Job, error) {
		j, err := inner(ctx)
		job.Job, job.after = j, map[int64][]byte{}
		return job, err
	}
	return p
}

// TestOutputsWaitForBatchLog: the batch log's sync is slowed down; no output starts
// before its batch's entry is synced, and the batch-done hooks come after it too. A
// failed sync fails the batch before it writes anything.
func TestOutputsWaitForBatchLog(t *testing.T) {
	var (
		mu     sync.Mutex
		synced int // entries synced
		early  []string
	)
	defer rt.SetBatchLogSync(func(l *checkpoint.BatchLog) error {
		time.Sleep(3 * time.Millisecond)
		err := l.Sync()
		mu.Lock()
		synced++
		mu.Unlock()
		return err
	})()
	var ran int
	check := func(what string, t rt.Time) {
		mu.Lock()
		defer mu.Unlock()
		// Batch k (1, 2, ...) is the k-th entry; the initial checkpoint logs none.
		if k := int(t / 1000); synced < k {
			early = append(early, fmt.Sprintf("%s of batch %d with %d entries synced", what, t, synced))
		}
	}
	// The sync runs while the batch computes: a batch starts before its entry is synced.
	overlapped := 0
	job := &timesJob{begin: func(b *rt.Batch) {
		mu.Lock()
		if synced < int(b.Time/1000) {
			overlapped++
		}
		mu.Unlock()
	}}
	p := timesPipeline(job, func(b *rt.Batch) { ran++; check("output", b.Time) })
	inner := p.New
	p.New = func(ctx *rt.Context) (rt.Job, error) {
		ctx.OnBatchDone(func(t rt.Time) error { check("batch-done hook", t); return nil })
		return inner(ctx)
	}
	dir := t.TempDir()
	code, _, stderr := run(t, p, "--replay", "--batches", "8", "--checkpoint", dir)
	if code != rt.ExitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if ran != 8 || len(early) > 0 {
		t.Fatalf("%d outputs; before the batch log was synced: %v", ran, early)
	}
	if overlapped == 0 {
		t.Fatal("no batch started before its entry in the batch log was synced: the sync is on the batch's path")
	}

	// A failed sync: the batch fails and its output never runs.
	restore := rt.SetBatchLogSync(func(l *checkpoint.BatchLog) error {
		return errors.New("disk gone")
	})
	defer restore()
	ran, job.begin = 0, nil
	code, _, stderr = run(t, p, "--replay", "--batches", "3", "--checkpoint", t.TempDir())
	if code != rt.ExitFailure || ran != 0 || !strings.Contains(stderr, "disk gone") {
		t.Fatalf("exit %d with %d outputs, want exit 1 before any output, naming the sync's error:\n%s", code, ran, stderr)
	}
}

// TestCheckpointWrittenWhileBatchesRun: each checkpoint's write is slowed down, with a
// checkpoint due every batch. Batches run while a file is written, every file holds the
// state of its own batch (the next checkpoint waits for the write, so the state's
// buffer is not reused under it), each is durable before the sources and OnCheckpoint
// functions hear of it, and the run's last checkpoint holds the state after its last
// batch.
func TestCheckpointWrittenWhileBatchesRun(t *testing.T) {
	var (
		writing atomic.Bool
		// latest is the batch of the last checkpoint whose write began, durable of the
		// last that was written and synced.
		latest, durable atomic.Int64
		overlaps        atomic.Int32 // batches that ran while a file was being written
		mu              sync.Mutex
		problems        []string
	)
	problem := func(format string, args ...any) {
		mu.Lock()
		problems = append(problems, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	job := &timesJob{}
	defer rt.SetCheckpointWrite(func(d *checkpoint.Dir, c *checkpoint.Checkpoint) (string, error) {
		writing.Store(true)
		defer writing.Store(false)
		latest.Store(c.Time)
		time.Sleep(15 * time.Millisecond)
		if want := job.stateAt(c.Time); !bytes.Equal(c.State, want) {
			problem("the checkpoint of batch %d holds another state (%d bytes, want %d)", c.Time, len(c.State), len(want))
		}
		path, err := d.Write(c)
		if err == nil {
			durable.Store(c.Time)
		}
		return path, err
	})()
	p := timesPipeline(job, func(b *rt.Batch) {
		if writing.Load() {
			overlaps.Add(1)
		}
	})
	dir := t.TempDir()
	inner := p.New
	p.New = func(ctx *rt.Context) (rt.Job, error) {
		ctx.OnCheckpoint(func(oldest rt.Time) error {
			// At most one checkpoint is in flight, the last one whose write began:
			// it is durable when the OnCheckpoint functions hear of it.
			if l, d := latest.Load(), durable.Load(); l != d {
				problem("OnCheckpoint(%d) while the checkpoint of batch %d was not durable (newest durable: %d)", oldest, l, d)
			}
			return nil
		})
		return inner(ctx)
	}
	code, _, stderr := run(t, p, "--replay", "--batches", "12", "--checkpoint", dir, "--checkpoint-every", "1s")
	if code != rt.ExitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if len(problems) > 0 {
		t.Fatal(strings.Join(problems, "\n"))
	}
	if overlaps.Load() == 0 {
		t.Fatal("no batch ran while a checkpoint was being written")
	}
	c, err := checkpoint.ReadFile(filepath.Join(dir, "checkpoint-12000"))
	if err != nil {
		t.Fatalf("the run's last checkpoint: %v", err)
	}
	if !bytes.Equal(c.State, job.stateAt(12000)) {
		t.Fatal("the last checkpoint does not hold the state after the last batch")
	}
	t.Logf("%d of 12 batches ran while a checkpoint was being written", overlaps.Load())
}

// TestCheckpointWriteFailsLater: a checkpoint's write fails while the next batch runs.
// The run fails (exit 1) once it learns of it, and the batches that ran after the last
// checkpoint written are still in the batch log: a restart resumes from that
// checkpoint and re-runs them, and the state at the end is the uninterrupted run's.
func TestCheckpointWriteFailsLater(t *testing.T) {
	dir := t.TempDir()
	restore := rt.SetCheckpointWrite(func(d *checkpoint.Dir, c *checkpoint.Checkpoint) (string, error) {
		if c.Time == 4000 {
			time.Sleep(10 * time.Millisecond)
			return "", errors.New("disk full")
		}
		return d.Write(c)
	})
	var first []string
	job := &timesJob{}
	p := timesPipeline(job, func(b *rt.Batch) { first = append(first, fmt.Sprint(int64(b.Time))) })
	code, _, stderr := run(t, p, "--replay", "--batches", "8", "--checkpoint", dir, "--checkpoint-every", "2s")
	restore()
	if code != rt.ExitFailure || !strings.Contains(stderr, "disk full") {
		t.Fatalf("exit %d, want 1 naming the write's error:\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "checkpoint-4000")); err == nil {
		t.Fatal("the failed checkpoint's file is there")
	}

	var second []string
	job2 := &timesJob{}
	p2 := timesPipeline(job2, func(b *rt.Batch) { second = append(second, fmt.Sprint(int64(b.Time))) })
	// The re-runs only: the batches the first run started after the checkpoint of 2000.
	reruns := len(first) - 2
	code, _, stderr = run(t, p2, "--replay", "--batches", fmt.Sprint(reruns), "--checkpoint", dir, "--checkpoint-every", "2s")
	if code != rt.ExitOK {
		t.Fatalf("restart: exit %d:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "recovering from checkpoint") || !strings.Contains(stderr, "batch_time=2000") {
		t.Fatalf("the restart did not resume from the checkpoint of batch 2000:\n%s", stderr)
	}
	// The first run ran 3000, 4000 and at least 5000 (during the write) after the
	// checkpoint of 2000: the restart re-runs each of them as a recovering batch.
	if len(first) < 5 || second[0] != "3000" {
		t.Fatalf("first run %v, restart %v: want the restart to begin with 3000", first, second)
	}
	for _, bt := range first[2:] {
		if !strings.Contains(stderr, "batch_time="+bt) {
			t.Errorf("batch %s, logged before the failure, was not re-run", bt)
		}
	}
	if len(second) != reruns {
		t.Fatalf("restart ran %v, want the %d re-runs of %v", second, reruns, first[2:])
	}
	want := []int64{}
	for bt := int64(1000); bt <= int64(len(first))*1000; bt += 1000 {
		want = append(want, bt)
	}
	if fmt.Sprint(job2.times) != fmt.Sprint(want) {
		t.Fatalf("state after the restart %v, want %v", job2.times, want)
	}
}
