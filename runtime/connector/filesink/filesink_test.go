package filesink_test

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"streamc.dev/streamc/runtime/connector/filesink"
)

func TestWriteReplacesBatchFile(t *testing.T) {
	prefix := filepath.Join(t.TempDir(), "out", "counts")
	line := func(dst []byte, v int) []byte { return strconv.AppendInt(dst, int64(v), 10) }
	for range 2 { // a replayed batch rewrites the same file
		if err := filesink.Write(prefix, "csv", 2000, "n", [][]int{{1, 2}, {}, {3}}, line); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(prefix + "-2000.csv")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "n\n1\n2\n3\n" {
		t.Errorf("file = %q", got)
	}
	entries, _ := os.ReadDir(filepath.Dir(prefix))
	if len(entries) != 1 {
		t.Errorf("directory has %d entries, want the batch file only", len(entries))
	}
}

func TestAppendCSVField(t *testing.T) {
	for in, want := range map[string]string{
		"plain": "plain", "": "", "a,b": `"a,b"`, `say "hi"`: `"say ""hi"""`, "two\nlines": "\"two\nlines\"", " pad": `" pad"`,
	} {
		if got := string(filesink.AppendCSVField(nil, in)); got != want {
			t.Errorf("AppendCSVField(%q) = %q, want %q", in, got, want)
		}
	}
}
