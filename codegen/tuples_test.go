package codegen_test

import (
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"streamc.dev/streamc/dsl"
	"streamc.dev/streamc/stdlib"
)

// tuplesRestartSrc keeps tuples of 7 and 22 elements (the largest) across batches: as
// keys and values of updateStateByKey, as keys of an inverse window, and as the
// elements of a window. Every batch is checkpointed.
const tuplesRestartSrc = `pipeline bigtuples
batch 100ms
partitions 2
checkpoint "ckpt"
checkpointEvery 100ms

let lines = files("in")
let t22 = lines.map(l => (l, len(l), 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 2.5, some(l), true))
t22.map(t => (t, 1))
    .updateStateByKey((ns, st: (int, string, bool, int?, [string], float, (string, int))?) =>
        some((sum(ns) + (if st.isSome() { st.get()._1 } else { 0 }), "x", true, some(len(ns)), ["y"], 0.5, ("z", 1))))
    .saveAsTextFiles("out/state")
t22.map(t => (t, 1)).reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, 300ms, 100ms).saveAsTextFiles("out/inverse")
lines.map(l => (l, [l], 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, some(len(l)), false))
    .window(300ms, 100ms).map(t => toString(t)).countByValue().saveAsTextFiles("out/window")
`

// TestTupleCheckpointRestart runs a pipeline that keeps 7- and 22-tuples once without
// interruption and once one batch per process, each start restoring the previous one's
// checkpoint: the outputs must be the same, so the tuples' checkpoint encoders and
// decoders, hashes and renderings agree.
func TestTupleCheckpointRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a pipeline; skipped with -short")
	}
	root := t.TempDir()
	files, ok, err := accGenerate("bigtuples.stream", []byte(tuplesRestartSrc))
	if !ok || err != nil {
		t.Fatalf("accepted %v: %v", ok, err)
	}
	mod := t.TempDir()
	accModule(t, mod)
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(mod, f.Name), f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(root, "bigtuples")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = mod
	build.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	in := filepath.Join(root, "in")
	os.MkdirAll(in, 0o755)
	for f := range 6 {
		var b strings.Builder
		for i := range 10 {
			fmt.Fprintf(&b, "k%d\n", (f+i)%4)
		}
		os.WriteFile(filepath.Join(in, fmt.Sprintf("part-%02d.txt", f)), []byte(b.String()), 0o644)
	}
	runIn := func(args ...string) string {
		cmd := exec.Command(bin, args...)
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %v: %v\n%s", bin, args, err, out)
		}
		return string(out)
	}
	runIn("--replay", "--checkpoint", "ref-ckpt")
	ref := tupleOutputs(t, filepath.Join(root, "out"))
	os.RemoveAll(filepath.Join(root, "out"))
	starts := 0
	for ; starts < 50; starts++ {
		if out := runIn("--replay", "--checkpoint", "ckpt", "--batches", "1"); strings.Contains(out, "already finished") {
			break
		}
	}
	got := tupleOutputs(t, filepath.Join(root, "out"))
	if len(ref) == 0 || !strings.Contains(strings.Join(slices.Collect(maps.Values(ref)), ""), "((k1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,2.5,Some(k1),true),(") {
		t.Fatalf("the uninterrupted run wrote no 22-tuples: %v", ref)
	}
	t.Logf("%d starts, %d output directories", starts, len(ref))
	for name, want := range ref {
		if got[name] != want {
			t.Errorf("%s after %d restarts:\n%s\nuninterrupted:\n%s", name, starts, got[name], want)
		}
	}
	for name := range got {
		if _, ok := ref[name]; !ok {
			t.Errorf("%s written only by the restarted runs", name)
		}
	}
}

// tupleOutputs reads saveAsTextFiles directories, each one's lines sorted.
func tupleOutputs(t *testing.T, out string) map[string]string {
	t.Helper()
	dirs, _ := filepath.Glob(filepath.Join(out, "*-*"))
	m := map[string]string{}
	for _, d := range dirs {
		parts, _ := filepath.Glob(filepath.Join(d, "part-*"))
		var lines []string
		for _, p := range parts {
			data, _ := os.ReadFile(p)
			lines = append(lines, strings.Split(strings.TrimSpace(string(data)), "\n")...)
		}
		slices.Sort(lines)
		m[filepath.Base(d)] = strings.Join(lines, "\n")
	}
	return m
}

// TestTupleTooLarge: the checker rejects tuples of more than stdlib.MaxTuple (22)
// elements, literals and types, with an error at the tuple, since stdlib has no type
// for them.
func TestTupleTooLarge(t *testing.T) {
	if stdlib.MaxTuple != 22 {
		t.Fatalf("stdlib.MaxTuple = %d; the checker's limit is 22", stdlib.MaxTuple)
	}
	elems := func(n int) string {
		s := make([]string, n)
		for i := range s {
			s[i] = "x"
		}
		return strings.Join(s, ", ")
	}
	types := func(n int) string {
		s := make([]string, n)
		for i := range s {
			s[i] = "int"
		}
		return strings.Join(s, ", ")
	}
	head := "pipeline p\nbatch 1s\n\nlet s = queue([[1]])\n"
	for _, c := range []struct {
		src  string
		line int
		col  int
	}{
		{head + "s.map(x => (" + elems(23) + ")).print()\n", 5, 12},
		{head + "s.map(x => (" + elems(40) + ")).print()\n", 5, 12},
		{head + "s.map((x: (" + types(23) + ")) => 1).print()\n", 5, 11},
	} {
		prog, diags := dsl.Check("p.stream", []byte(c.src))
		if prog != nil || !diags.HasErrors() {
			t.Errorf("accepted:\n%s", c.src)
			continue
		}
		d := diags[0]
		if d.Pos.Line != c.line || d.Pos.Col != c.col || !strings.Contains(d.Msg, "22") {
			t.Errorf("got %s: %s; want an error at %d:%d saying a tuple has at most 22 elements\n%s", d.Pos, d.Msg, c.line, c.col, c.src)
		}
	}
	if prog, diags := dsl.Check("p.stream", []byte(head+"s.map(x => ("+elems(22)+")).print()\n")); prog == nil {
		t.Errorf("a 22-tuple is rejected: %v", diags)
	}
}
