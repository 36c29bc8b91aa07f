package crashtest

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"streamc.dev/streamc/internal/crashkit"
	"streamc.dev/streamc/internal/e2e"
)

// TestStateFormsShareCheckpoints: a stateful word count keeps its running totals in its
// word dictionary (rt.DictSums.WithTotals) where the chain allows it, in the state
// stores otherwise, and both save the same checkpoint section. A run started by one
// form and finished by the other, either way round, writes byte for byte what one
// uninterrupted run writes: a user whose pipeline moves between the forms (an edit of
// the reduce function, or a new streamc) keeps the state.
func TestStateFormsShareCheckpoints(t *testing.T) {
	root := t.TempDir()
	src, err := os.ReadFile("testdata/wordtotals.stream")
	if err != nil {
		t.Fatal(err)
	}
	forms := map[string]string{}
	for name, text := range map[string]string{
		"dict":   string(src),
		"stores": strings.Replace(string(src), "(a, b) => a + b)", "(a, b) => a + b + 0)", 1),
	} {
		path := filepath.Join(root, name, "wordtotals.stream")
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		// The premise: the two forms are what the test says they are.
		var job []byte
		for _, f := range e2e.Generate(t, path).Files {
			if f.Name == "job.go" {
				job = f.Data
			}
		}
		if dict := bytes.Contains(job, []byte("WithTotals()")); dict != (name == "dict") {
			t.Fatalf("%s form: the totals in the dictionary = %v", name, dict)
		}
		forms[name] = e2e.Build(t, path)
	}
	crashkit.WriteInput(t, filepath.Join(root, "in"), 12, 40, 30)
	if out, err := run(forms["dict"], root, "--replay", "--checkpoint", "ref-ckpt").CombinedOutput(); err != nil {
		t.Fatalf("uninterrupted run: %v\n%s", err, out)
	}
	os.Rename(filepath.Join(root, "out"), filepath.Join(root, "ref"))
	ref := crashkit.ReadOutputs(t, filepath.Join(root, "ref"), "totals")

	for _, order := range [][2]string{{"dict", "stores"}, {"stores", "dict"}} {
		os.RemoveAll(filepath.Join(root, "out"))
		ck := "ckpt-" + order[0]
		if out, err := run(forms[order[0]], root, "--replay", "--checkpoint", ck, "--batches", "5").CombinedOutput(); err != nil {
			t.Fatalf("%s form, first five batches: %v\n%s", order[0], err, out)
		}
		out, err := run(forms[order[1]], root, "--replay", "--checkpoint", ck).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "recovering from checkpoint") {
			t.Fatalf("%s form, from the %s form's checkpoint: %v\n%s", order[1], order[0], err, out)
		}
		got := crashkit.ReadOutputs(t, filepath.Join(root, "out"), "totals")
		if differ := crashkit.Differ(ref, got); len(differ) > 0 || len(got) != len(ref) {
			t.Errorf("%s then %s: %d of %d output directories, %d differ from the uninterrupted run: %v",
				order[0], order[1], len(got), len(ref), len(differ), differ[:min(len(differ), 5)])
		}
	}
}
