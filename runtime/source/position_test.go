package source

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"streamc.dev/streamc/runtime/checkpoint"
)

// positioned is the engine's view of a source with a checkpoint position.
type positioned interface {
	SavePosition(w *checkpoint.Writer) error
	RestorePosition(r *checkpoint.Reader) error
}

// roundTrip saves from's position and restores it into to, checking the layout.
func roundTrip(t *testing.T, from, to positioned) {
	t.Helper()
	w := checkpoint.NewWriter()
	if err := from.SavePosition(w); err != nil {
		t.Fatal(err)
	}
	r := checkpoint.NewReader(w.Data())
	if err := to.RestorePosition(r); err != nil {
		t.Fatal(err)
	}
	if err := r.Done(); err != nil {
		t.Fatal(err)
	}
}

func TestQueuePosition(t *testing.T) {
	q := NewQueue("q", [][]int{{1}, {2}, {3}})
	q.Batch(1000, 1)
	q2 := NewQueue("q", [][]int{{1}, {2}, {3}})
	roundTrip(t, q, q2)
	if got := flatten(must(q2.Batch(2000, 1))); !slices.Equal(got, []int{2}) {
		t.Errorf("restored queue delivers %v, want [2]", got)
	}
}

// TestRatePosition: a restored rate source emits, for the following batch times, exactly
// what the original one emits.
func TestRatePosition(t *testing.T) {
	a := NewRate(7, 300, RateOptions{})
	a.Batch(300, 1)
	a.Batch(600, 1)
	b := NewRate(7, 300, RateOptions{})
	roundTrip(t, a, b)
	for _, bt := range []int64{900, 1200, 1500} {
		x, y := flatten(must(a.Batch(bt, 1))), flatten(must(b.Batch(bt, 1)))
		if !slices.Equal(x, y) {
			t.Errorf("batch %d: original %v, restored %v", bt, x, y)
		}
	}
}

func TestFilesPositionReplay(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a", "b", "c"} {
		writeFile(t, dir, n, n+"1\n"+n+"2\n", 0)
	}
	f := NewFiles(dir, FilesOptions{Replay: true})
	f.Start(context.Background())
	f.Batch(1000, 1)
	g := NewFiles(dir, FilesOptions{Replay: true})
	roundTrip(t, f, g)
	g.Start(context.Background())
	if got := strings.Join(flatten(must(g.Batch(2000, 1))), ","); got != "b1,b2" {
		t.Errorf("restored replay delivers %q, want b1,b2", got)
	}
}

// TestFilesPositionLive: the restored source keeps the original lower bound, so a file
// written while the program was down is read by the next batch.
func TestFilesPositionLive(t *testing.T) {
	dir := t.TempDir()
	f := NewFiles(dir, FilesOptions{})
	f.Start(context.Background())
	start := f.threshold
	writeFile(t, dir, "a", "a\n", start+10)
	if got := batchLines(t, f, start+100); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("first batch %v", got)
	}
	g := NewFiles(dir, FilesOptions{})
	roundTrip(t, f, g)
	writeFile(t, dir, "b", "b\n", start+150) // "while down"
	g.Start(context.Background())
	if got := batchLines(t, g, start+200); !slices.Equal(got, []string{"b"}) {
		t.Errorf("after restore: %v, want [b]", got)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestLinesWALRecovery simulates a crash: lines received and allocated to batches after
// the checkpoint come back for the same batch times; lines received but not yet in a
// batch come first in the next batch; none is lost or repeated.
func TestLinesWALRecovery(t *testing.T) {
	walDir := filepath.Join(t.TempDir(), "wal", "in")
	pr, pw := io.Pipe()
	l := NewLines("in", pr, LinesOptions{WALDir: walDir})
	if err := l.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	send := func(s string) { pw.Write([]byte(s)) }
	send("a\nb\n")
	eventually(t, "a, b", func() bool { return l.in.ready(2) })
	must(l.Batch(1000, 1)) // a b
	saved := checkpoint.NewWriter()
	l.SavePosition(saved) // the checkpoint at 1000
	send("c\n")
	eventually(t, "c", func() bool { return l.in.ready(1) })
	if got := flatten(must(l.Batch(2000, 1))); !slices.Equal(got, []string{"c"}) {
		t.Fatalf("batch 2000: %v", got)
	}
	send("d\ne\n")
	eventually(t, "d, e", func() bool { return l.in.ready(2) })
	// Crash: the process dies with d, e received but in no batch. (Stop closes the pipe.)
	pw.Close()
	l.Stop()

	pr2, pw2 := io.Pipe()
	l2 := NewLines("in", pr2, LinesOptions{WALDir: walDir})
	if err := l2.RestorePosition(checkpoint.NewReader(saved.Data())); err != nil {
		t.Fatal(err)
	}
	if err := l2.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer l2.Stop()
	if got := flatten(must(l2.Batch(2000, 1))); !slices.Equal(got, []string{"c"}) {
		t.Errorf("re-run batch 2000: %v, want [c]", got)
	}
	pw2.Write([]byte("f\n"))
	eventually(t, "f", func() bool { return l2.in.ready(3) })
	if got := flatten(must(l2.Batch(3000, 1))); !slices.Equal(got, []string{"d", "e", "f"}) {
		t.Errorf("batch 3000: %v, want [d e f]", got)
	}
	// A checkpoint at 3000 that becomes the oldest kept lets the log drop what it covers.
	w := checkpoint.NewWriter()
	l2.SavePosition(w)
	if err := l2.CheckpointDone(3000); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(walDir, "alloc.log"))
	if len(data) != 0 {
		t.Errorf("alloc.log holds %d bytes after a checkpoint covering every batch", len(data))
	}
	pw2.Close()
}
