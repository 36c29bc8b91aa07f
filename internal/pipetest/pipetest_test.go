package pipetest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"streamc.dev/streamc/diag"
)

func touch(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestFind resolves test files, .stream files, directories and DIR/... as streamc test
// does, and finds the pipeline of each test file.
func TestFind(t *testing.T) {
	d := t.TempDir()
	touch(t,
		filepath.Join(d, "a", "word_count.stream"), filepath.Join(d, "a", "word_count_test.txtar"),
		filepath.Join(d, "a", "word_count_late_data_test.txtar"), filepath.Join(d, "a", "word_test.txtar"),
		filepath.Join(d, "a", "b", "x.stream"), filepath.Join(d, "a", "b", "x_test.txtar"),
		filepath.Join(d, "a", "testdata", "y.stream"), filepath.Join(d, "a", "testdata", "y_test.txtar"),
		filepath.Join(d, "a", "lonely.stream"))
	rel := func(paths []string) []string {
		var out []string
		for _, p := range paths {
			r, _ := filepath.Rel(d, p)
			out = append(out, filepath.ToSlash(r))
		}
		return out
	}
	f, err := Find([]string{filepath.Join(d, "a") + "/..."})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rel(f.Tests), []string{"a/b/x_test.txtar", "a/word_count_late_data_test.txtar", "a/word_count_test.txtar", "a/word_test.txtar"}; !slices.Equal(got, want) {
		t.Errorf("a/...: %q, want %q", got, want)
	}
	f, err = Find([]string{filepath.Join(d, "a", "word_count.stream"), filepath.Join(d, "a", "lonely.stream"), filepath.Join(d, "a")})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rel(f.Tests), []string{"a/word_count_late_data_test.txtar", "a/word_count_test.txtar", "a/word_test.txtar"}; !slices.Equal(got, want) {
		t.Errorf("word_count.stream and a: %q, want %q", got, want)
	}
	if got := rel(f.NoTests); !slices.Equal(got, []string{"a/lonely.stream"}) {
		t.Errorf("no tests: %q", got)
	}
	s, err := StreamOf(filepath.Join(d, "a", "word_count_late_data_test.txtar"))
	if err != nil || filepath.Base(s) != "word_count.stream" {
		t.Errorf("word_count_late_data_test.txtar tests %q (%v), want word_count.stream", s, err)
	}
	if _, err := StreamOf(filepath.Join(d, "a", "word_test.txtar")); err == nil || !strings.Contains(err.Error(), "want word.stream beside it") {
		t.Errorf("word_test.txtar without word.stream: %v", err)
	}
}

// TestReadFile parses sections with their lines, and writes a test file back as it was.
func TestReadFile(t *testing.T) {
	text := "A comment.\n-- args --\n--start-time 5 # the clock\n--batches 3\n-- in/lines/1000 --\na\n\n-- in/raw/2000.jsonl --\n{}\n-- out/x.print/1000 --\n"
	p := filepath.Join(t.TempDir(), "t_test.txtar")
	os.WriteFile(p, []byte(text), 0o644)
	c, err := ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Args, []string{"--start-time", "5", "--batches", "3"}) || c.ArgsPos.Line != 2 {
		t.Errorf("args %q at %v", c.Args, c.ArgsPos)
	}
	if len(c.Inputs) != 2 || c.Inputs[0].Key != "lines" || c.Inputs[0].Time != 1000 || c.Inputs[0].Line != 6 ||
		!slices.Equal(c.Inputs[0].Lines(), []string{"a", ""}) || !c.Inputs[1].JSONL {
		t.Errorf("inputs %+v", c.Inputs)
	}
	if len(c.Outputs) != 1 || c.Outputs[0].Key != "x.print" || c.Outputs[0].Lines() != nil {
		t.Errorf("outputs %+v", c.Outputs)
	}
	if got := string(formatTxtar(c.comment, c.sections)); got != text {
		t.Errorf("written back:\n%s\nwant:\n%s", got, text)
	}
}

// TestRewritePositions maps positions of a rewritten text back: after a replaced call
// on the same line, inside it, and inside a test's queue element.
func TestRewritePositions(t *testing.T) {
	orig := []byte("let a = x.print(3); b.print()\nc.map(v => v)\n")
	start := strings.Index(string(orig), "print(3)")
	test := diag.Pos{File: "t_test.txtar", Line: 9, Col: 1}
	rw, err := newRewrite("p.stream", orig, []edit{{start: start, end: start + len("print(3)"), text: "queue([[1, 2]])",
		elems: []elem{{off: len("queue([["), end: len("queue([[1"), pos: test}}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(rw.src); got != "let a = x.queue([[1, 2]]); b.print()\nc.map(v => v)\n" {
		t.Fatalf("rewritten: %q", got)
	}
	for _, c := range []struct{ line, col, wantLine, wantCol int }{
		{1, 30, 1, 23}, // b.print after the replaced call
		{1, 1, 1, 1},
		{1, 22, 1, 11}, // inside the replacement, outside the test's element
		{2, 3, 2, 3},
	} {
		got := rw.origPos(diag.Pos{File: "p.stream", Line: c.line, Col: c.col})
		if got.File != "p.stream" || got.Line != c.wantLine || got.Col != c.wantCol {
			t.Errorf("%d:%d maps to %v, want p.stream:%d:%d", c.line, c.col, got, c.wantLine, c.wantCol)
		}
	}
	if got := rw.origPos(diag.Pos{File: "p.stream", Line: 1, Col: 19}); got.File != "t_test.txtar" || got.Line != 9 || got.Col != 1 {
		t.Errorf("the queue element maps to %v, want t_test.txtar:9:1", got)
	}
	if got := rw.mapText(`err="p.stream:1:30: print"`); got != `err="p.stream:1:23: print"` {
		t.Errorf("mapText: %s", got)
	}
}

// TestDiff shows a batch's difference line by line; batches in any order are sorted.
func TestDiff(t *testing.T) {
	want, got := []string{"a", "b", "c"}, []string{"c", "a", "x"}
	if sameBatch(want, got, false) || !sameBatch([]string{"b", "a"}, []string{"a", "b"}, false) || sameBatch([]string{"b", "a"}, []string{"a", "b"}, true) {
		t.Error("sameBatch")
	}
	if d := diffLines(want, got, false, ""); d != "  a\n- b\n  c\n+ x\n" {
		t.Errorf("unordered diff:\n%s", d)
	}
	if d := diffLines(want, got, true, ""); d != "- a\n- b\n  c\n+ a\n+ x\n" {
		t.Errorf("ordered diff:\n%s", d)
	}
}
