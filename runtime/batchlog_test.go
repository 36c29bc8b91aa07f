package runtime_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	rt "streamc.dev/streamc/runtime"
	"streamc.dev/streamc/runtime/source"
)

// filesLogPipeline reads a files source in dir and records, per batch time, the lines
// each batch read (its output); the batch at failAt fails after reading, as a crash
// after a batch's outputs and before its checkpoint would leave it.
func filesLogPipeline(dir string, seen map[rt.Time][]string, failAt rt.Time, replay bool) *rt.Pipeline {
	return &rt.Pipeline{
		Name:       "logged",
		SourceFile: "logged.stream",
		Defaults:   rt.Settings{Batch: time.Second, Partitions: 2, CheckpointEvery: time.Hour},
		Sources:    []rt.SourceInfo{{Name: "in", Kind: "files", Address: dir, Pos: "logged.stream:2:10"}},
		New: func(ctx *rt.Context) (rt.Job, error) {
			src := source.NewFiles(dir, source.FilesOptions{Replay: replay, IncludeExisting: true})
			ctx.RegisterSource("in", src)
			return &fnJob{run: func(b *rt.Batch) error {
				parts, err := src.Batch(b.Time.Millis(), b.Partitions)
				if err != nil {
					return err
				}
				var lines []string
				for _, p := range parts {
					lines = append(lines, p...)
				}
				seen[b.Time] = lines
				if b.Time == failAt {
					return errors.New("crash")
				}
				return nil
			}}, nil
		},
	}
}

// TestBatchLogReRunsLoggedInput: a batch re-run after a crash reads exactly the files it
// read before, up to the sizes they had then, even though a file that sorts first has
// arrived and another has grown since (without the log, the re-run would select by
// what is there now, and outputs keyed by batch and partition would lose or repeat
// records).
func TestBatchLogReRunsLoggedInput(t *testing.T) {
	dir, ckpt := t.TempDir(), t.TempDir()
	in := filepath.Join(dir, "in")
	os.Mkdir(in, 0o755)
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(in, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("b.txt", "b1\nb2\n")
	write("c.txt", "c1\n")
	write("d.txt", "d1\n")

	first := map[rt.Time][]string{}
	code, _, stderr := run(t, filesLogPipeline(in, first, 3000, true), "--replay", "--checkpoint", ckpt)
	if code != rt.ExitFailure || !strings.Contains(stderr, "crash") {
		t.Fatalf("first run: exit %d, want a failure at batch 3000:\n%s", code, stderr)
	}
	want := map[rt.Time][]string{1000: {"b1", "b2"}, 2000: {"c1"}, 3000: {"d1"}}
	if fmt.Sprint(first) != fmt.Sprint(want) {
		t.Fatalf("first run read %v, want %v", first, want)
	}

	// While it is down: a file that sorts first arrives, and b.txt grows.
	write("a.txt", "a1\n")
	f, _ := os.OpenFile(filepath.Join(in, "b.txt"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("b3\n")
	f.Close()

	second := map[rt.Time][]string{}
	code, _, stderr = run(t, filesLogPipeline(in, second, -1, true), "--replay", "--checkpoint", ckpt)
	if code != rt.ExitOK {
		t.Fatalf("second run: exit %d:\n%s", code, stderr)
	}
	for _, bt := range []rt.Time{1000, 2000, 3000} {
		if !slices.Equal(second[bt], first[bt]) {
			t.Errorf("re-run batch %d read %q, the original read %q", bt, second[bt], first[bt])
		}
	}
	if got := second[4000]; !slices.Equal(got, []string{"a1"}) {
		t.Errorf("batch 4000 read %q, want the file that arrived while the pipeline was down", got)
	}
	if !strings.Contains(stderr, "recovering=true") {
		t.Errorf("the re-run batches are not logged as recovering:\n%s", stderr)
	}
}

// TestBatchLogRefusesOtherPartitions: batches logged with one partition count are not
// re-run with another (their outputs commit per partition).
func TestBatchLogRefusesOtherPartitions(t *testing.T) {
	dir, ckpt := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a\n"), 0o644)
	seen := map[rt.Time][]string{}
	if code, _, _ := run(t, filesLogPipeline(dir, seen, 1000, true), "--replay", "--checkpoint", ckpt); code != rt.ExitFailure {
		t.Fatalf("first run: exit %d", code)
	}
	code, _, stderr := run(t, filesLogPipeline(dir, seen, -1, true), "--replay", "--checkpoint", ckpt, "--partitions", "3")
	if code != rt.ExitFailure || !strings.Contains(stderr, "run with --partitions 2") {
		t.Fatalf("exit %d, want a refusal naming --partitions 2:\n%s", code, stderr)
	}
}

// TestBatchLogKeptForTheOlderCheckpoint: the log keeps the entries after the oldest kept
// checkpoint, not only after the newest, so that when the newest checkpoint proves
// unreadable, the recovery from the one before re-runs the batches in between with their
// logged input too (here a file that sorts first arrives while the pipeline is down).
func TestBatchLogKeptForTheOlderCheckpoint(t *testing.T) {
	dir, ckpt := t.TempDir(), t.TempDir()
	in := filepath.Join(dir, "in")
	os.Mkdir(in, 0o755)
	for _, name := range []string{"b", "c", "d", "e", "f", "g"} {
		os.WriteFile(filepath.Join(in, name+".txt"), []byte(name+"1\n"), 0o644)
	}
	first := map[rt.Time][]string{}
	code, _, stderr := run(t, filesLogPipeline(in, first, 5000, true), "--replay", "--checkpoint", ckpt, "--checkpoint-every", "2s")
	if code != rt.ExitFailure {
		t.Fatalf("first run: exit %d, want a failure at batch 5000:\n%s", code, stderr)
	}
	// Checkpoints at 2000 and 4000 are kept; the newest is damaged.
	if err := os.WriteFile(filepath.Join(ckpt, "checkpoint-4000"), []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(in, "a.txt"), []byte("a1\n"), 0o644)

	second := map[rt.Time][]string{}
	code, _, stderr = run(t, filesLogPipeline(in, second, -1, true), "--replay", "--checkpoint", ckpt, "--checkpoint-every", "2s")
	if code != rt.ExitOK || !strings.Contains(stderr, "trying the previous one") {
		t.Fatalf("second run: exit %d, want a fallback to checkpoint-2000:\n%s", code, stderr)
	}
	for _, bt := range []rt.Time{3000, 4000, 5000} {
		if !slices.Equal(second[bt], first[bt]) {
			t.Errorf("batch %d re-run from the older checkpoint read %q, the original read %q", bt, second[bt], first[bt])
		}
	}
	if got := second[6000]; !slices.Equal(got, []string{"a1"}) {
		t.Errorf("batch 6000 read %q, want the file that arrived while the pipeline was down", got)
	}
}
