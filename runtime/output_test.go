package runtime_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	rt "streamc.dev/streamc/runtime"
)

func TestPrint(t *testing.T) {
	const header = "-------------------------------------------\nTime: 2000 ms\n-------------------------------------------\n"
	for _, tc := range []struct {
		name  string
		num   int
		parts [][]int64
		want  string
	}{
		{"empty batch", 10, [][]int64{{}, {}}, header + "\n"},
		{"no partitions", 10, nil, header + "\n"},
		{"fewer than num", 10, [][]int64{{1, 2}, {}, {3}}, header + "1\n2\n3\n\n"},
		{"exactly num", 3, [][]int64{{1, 2}, {3}}, header + "1\n2\n3\n\n"},
		{"more than num", 3, [][]int64{{1}, {2, 3}, {4, 5}}, header + "1\n2\n3\n...\n\n"},
		{"partition order", 10, [][]int64{{9}, {1}, {5}}, header + "9\n1\n5\n\n"},
	} {
		var b bytes.Buffer
		if err := rt.Print(&b, 2000, tc.num, tc.parts, rt.AppendInt); err != nil {
			t.Fatal(err)
		}
		if b.String() != tc.want {
			t.Errorf("%s:\n%s\nwant:\n%s", tc.name, b.String(), tc.want)
		}
	}
	w := failWriter{}
	if err := rt.Print(w, 1000, 10, [][]int64{{1}}, rt.AppendInt); err == nil {
		t.Error("Print hid a write error")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// listDir returns the names in dir, sorted.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestSaveAsTextFiles(t *testing.T) {
	root := t.TempDir()
	prefix := filepath.Join(root, "out", "counts")

	if got := rt.TextFilesDir(prefix, "", 1000); got != prefix+"-1000" {
		t.Errorf("TextFilesDir = %q", got)
	}
	parts := [][]string{{"(a,1)", "(b,2)"}, {}, {"(c,3)"}}
	if err := rt.SaveAsTextFiles(prefix, "txt", 1000, parts, rt.AppendString); err != nil {
		t.Fatal(err)
	}
	dir := prefix + "-1000.txt"
	if got := listDir(t, dir); !slices.Equal(got, []string{"_SUCCESS", "part-00000", "part-00001", "part-00002"}) {
		t.Errorf("files %v", got)
	}
	for name, want := range map[string]string{"part-00000": "(a,1)\n(b,2)\n", "part-00001": "", "part-00002": "(c,3)\n", "_SUCCESS": ""} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(data) != want {
			t.Errorf("%s = %q, %v; want %q", name, data, err, want)
		}
	}

	// Replaying the batch replaces its output whole: no file of the old one remains.
	if err := rt.SaveAsTextFiles(prefix, "txt", 1000, [][]string{{"(z,9)"}}, rt.AppendString); err != nil {
		t.Fatal(err)
	}
	if got := listDir(t, dir); !slices.Equal(got, []string{"_SUCCESS", "part-00000"}) {
		t.Errorf("after replace: files %v", got)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "part-00000")); string(data) != "(z,9)\n" {
		t.Errorf("after replace: part-00000 = %q", data)
	}
	// No temporary directory is left beside the outputs.
	if got := listDir(t, filepath.Dir(prefix)); !slices.Equal(got, []string{"counts-1000.txt"}) {
		t.Errorf("parent holds %v", got)
	}
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o755 {
		t.Errorf("output directory mode %v", fi.Mode())
	}

	// A prefix under a regular file cannot be written: the error is returned.
	if err := os.WriteFile(filepath.Join(root, "file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	err := rt.SaveAsTextFiles(filepath.Join(root, "file", "x"), "", 1000, parts, rt.AppendString)
	if err == nil || !strings.Contains(err.Error(), "file") {
		t.Errorf("err = %v", err)
	}
}

// printReference is Print's output computed the obvious way, for comparison.
func printReference(t rt.Time, num int, parts [][]int64) string {
	var b strings.Builder
	b.WriteString("-------------------------------------------\nTime: " + strconv.FormatInt(int64(t), 10) + " ms\n-------------------------------------------\n")
	n := 0
	for _, p := range parts {
		for _, v := range p {
			if n == num {
				b.WriteString("...\n\n")
				return b.String()
			}
			b.WriteString(strconv.FormatInt(v, 10) + "\n")
			n++
		}
	}
	return b.String() + "\n"
}

// TestPrintLargeBatches: batches large enough to be sized from a sample and rendered in
// parallel print the same bytes as the obvious loop, for any limit and partitioning, in
// one Write, and a render panic surfaces on the caller's goroutine.
func TestPrintLargeBatches(t *testing.T) {
	for _, procs := range []int{1, 2, 4} {
		old := runtime.GOMAXPROCS(procs)
		for _, nparts := range []int{1, 3, 8} {
			parts := make([][]int64, nparts)
			for i := range 20_000 {
				p := (i * 7) % nparts
				if i%5 == 0 {
					p = 0 // uneven partitions
				}
				parts[p] = append(parts[p], int64(i)*int64(i%1000))
			}
			for _, num := range []int{0, 1, 4095, 4096, 10_001, 20_000, 1_000_000} {
				w := &countingWriter{}
				if err := rt.Print(w, 3000, num, parts, rt.AppendInt); err != nil {
					t.Fatal(err)
				}
				if want := printReference(3000, num, parts); w.b.String() != want || w.writes != 1 {
					t.Errorf("GOMAXPROCS=%d, %d partitions, num %d: %d bytes in %d writes, want %d bytes in 1",
						procs, nparts, num, w.b.Len(), w.writes, len(want))
				}
			}
		}
		runtime.GOMAXPROCS(old)
	}

	old := runtime.GOMAXPROCS(2)
	defer runtime.GOMAXPROCS(old)
	parts := [][]int64{make([]int64, 5000), make([]int64, 5000)}
	parts[1][4000] = -1
	defer func() {
		if r := recover(); r != "negative" {
			t.Errorf("recovered %v, want the render function's panic", r)
		}
	}()
	rt.Print(&countingWriter{}, 1000, 100_000, parts, func(dst []byte, v int64) []byte {
		if v < 0 {
			panic("negative")
		}
		return rt.AppendInt(dst, v)
	})
	t.Error("the render panic was lost")
}

// TestPrintReusesItsBuffer: once a batch of a size has been printed, printing another of
// that size allocates nothing.
func TestPrintReusesItsBuffer(t *testing.T) {
	old := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(old)
	parts := [][]int64{make([]int64, 50_000)}
	for i := range parts[0] {
		parts[0][i] = int64(i)
	}
	w := &countingWriter{discard: true}
	allocs := testing.AllocsPerRun(5, func() {
		if err := rt.Print(w, 1000, 1_000_000, parts, rt.AppendInt); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 0 {
		t.Errorf("Print allocates %.1f times per call on a steady batch size, want 0", allocs)
	}
}

// countingWriter records what is written and how many Write calls it took.
type countingWriter struct {
	b       bytes.Buffer
	writes  int
	discard bool
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.writes++
	if !w.discard {
		w.b.Write(p)
	}
	return len(p), nil
}
