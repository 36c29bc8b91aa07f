package runtime_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
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
