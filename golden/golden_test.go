package golden

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"streamc.dev/streamc/codegen"
	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl"
	"streamc.dev/streamc/planner"
)

var update = flag.Bool("update", false, "rewrite the golden files with the current output")

// compile turns one case's source into its expected sections, in a fixed order.
func compile(name string, src []byte) []txtar.File {
	prog, diags := dsl.Check(name, src)
	if prog == nil {
		var b bytes.Buffer
		diag.Print(&b, diags, map[string][]byte{name: src}, 0)
		return []txtar.File{{Name: "out/stderr", Data: b.Bytes()}}
	}
	var out []txtar.File
	if len(diags) > 0 {
		var b bytes.Buffer
		diag.Print(&b, diags, map[string][]byte{name: src}, 0)
		out = append(out, txtar.File{Name: "out/stderr", Data: b.Bytes()})
	}
	p, perrs := planner.Build(prog)
	if perrs != nil {
		var b bytes.Buffer
		diag.Print(&b, perrs, map[string][]byte{name: src}, 0)
		return append(out, txtar.File{Name: "out/stderr", Data: b.Bytes()})
	}
	out = append(out, txtar.File{Name: "out/plan", Data: []byte(p.Format(codegen.Notes(p)))})
	files, err := codegen.Generate(p, codegen.Options{SourcePath: name})
	if err != nil {
		var b bytes.Buffer
		if l, ok := err.(diag.List); ok {
			diag.Print(&b, l, map[string][]byte{name: src}, 0)
		} else {
			b.WriteString(err.Error() + "\n")
		}
		return append(out, txtar.File{Name: "out/codegen-error", Data: b.Bytes()})
	}
	for _, f := range files {
		out = append(out, txtar.File{Name: "out/" + f.Name, Data: f.Data})
	}
	return out
}

func cases(t *testing.T) []string {
	paths, err := filepath.Glob("testdata/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no golden cases in testdata/")
	}
	return paths
}

func source(t *testing.T, a *txtar.Archive) []byte {
	for _, f := range a.Files {
		if f.Name == "in.stream" {
			return f.Data
		}
	}
	t.Fatal("no in.stream section")
	return nil
}

func TestGolden(t *testing.T) {
	for _, path := range cases(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".txtar")
		t.Run(name, func(t *testing.T) {
			a, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			src := source(t, a)
			got := compile(name+".stream", src)
			if *update {
				a.Files = append([]txtar.File{{Name: "in.stream", Data: src}}, got...)
				if err := os.WriteFile(path, txtar.Format(a), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			var want []txtar.File
			for _, f := range a.Files {
				if f.Name != "in.stream" {
					want = append(want, f)
				}
			}
			if diff := cmp.Diff(sections(want), sections(got)); diff != "" {
				t.Errorf("%s is out of date (go test ./golden -update rewrites it); -want +got:\n%s", path, diff)
			}
		})
	}
}

func sections(fs []txtar.File) map[string]string {
	m := map[string]string{}
	for _, f := range fs {
		m[f.Name] = string(f.Data)
	}
	return m
}

// TestGoldenDeterministic generates every case twice and requires identical bytes.
func TestGoldenDeterministic(t *testing.T) {
	for _, path := range cases(t) {
		a, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		src := source(t, a)
		first, second := compile("x.stream", src), compile("x.stream", src)
		if diff := cmp.Diff(sections(first), sections(second)); diff != "" {
			t.Errorf("%s: two runs differ:\n%s", path, diff)
		}
	}
}

// TestGoldenCompiles builds the generated Go of every case that has any, all in one
// module so that a single `go build` (and its cache) serves them all.
func TestGoldenCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds generated code; skipped with -short")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gomod := fmt.Sprintf("module golden.gen\n\ngo 1.26\n\nrequire streamc.dev/streamc v0.0.0\n\nreplace streamc.dev/streamc => %s\n", root)
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	gosum, _ := os.ReadFile(filepath.Join(root, "go.sum"))
	os.WriteFile(filepath.Join(dir, "go.sum"), gosum, 0o644)
	n := 0
	for _, path := range cases(t) {
		a, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(path), ".txtar")
		wrote := false
		for _, f := range a.Files {
			if !strings.HasPrefix(f.Name, "out/") || !strings.HasSuffix(f.Name, ".go") {
				continue
			}
			pkg := filepath.Join(dir, name)
			os.MkdirAll(pkg, 0o755)
			if err := os.WriteFile(filepath.Join(pkg, strings.TrimPrefix(f.Name, "out/")), f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
			wrote = true
		}
		if wrote {
			n++
		}
	}
	if n == 0 {
		t.Fatal("no golden case has generated Go")
	}
	cmd := exec.Command("go", "build", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generated code of the golden cases does not build: %v\n%s", err, out)
	}
	t.Logf("built the generated code of %d cases", n)
}
