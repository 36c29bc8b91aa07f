package e2e

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"streamc.dev/streamc/codegen"
	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl"
	"streamc.dev/streamc/internal/build"
	"streamc.dev/streamc/planner"
)

// Build compiles the .stream file at path into a binary in a temporary directory and
// returns the binary's path. It fails the test with the diagnostics, as streamc would
// print them, when the file does not compile.
func Build(t testing.TB, path string) string {
	t.Helper()
	g := Generate(t, path)
	abs, _ := filepath.Abs(path)
	var stderr bytes.Buffer
	out := filepath.Join(t.TempDir(), g.Name)
	opts := build.Options{Key: abs, Name: g.Name, Stderr: &stderr, CacheDir: CacheDir(t), Modules: build.Requirements(g.Plan)}
	if err := build.Binary(context.Background(), opts, g.Files, out); err != nil {
		t.Fatalf("build %s: %v\n%s", path, err, stderr.String())
	}
	return out
}

// Generated is a .stream file's generated program, as Generate returns it.
type Generated struct {
	Name  string // the pipeline's name
	Plan  *planner.Plan
	Files []codegen.File
}

// Generate checks, plans and generates the .stream file at path, failing the test with
// the diagnostics when it does not compile: the program Build compiles.
func Generate(t testing.TB, path string) Generated {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	opts := build.Options{Name: "?", CacheDir: CacheDir(t)}
	runtime := func() (string, error) { return build.Runtime(opts) }
	prog, diags := dsl.CheckWith(path, src, dsl.GoImporter(filepath.Dir(path), runtime))
	if prog == nil {
		var b bytes.Buffer
		diag.Print(&b, diags, map[string][]byte{path: src}, 0)
		t.Fatalf("%s does not check:\n%s", path, b.String())
	}
	plan, perrs := planner.Build(prog)
	if perrs.HasErrors() {
		t.Fatalf("plan %s: %v", path, perrs)
	}
	files, err := codegen.Generate(plan, codegen.Options{SourcePath: path, Source: src})
	if err != nil {
		t.Fatalf("generate %s: %v", path, err)
	}
	return Generated{Name: prog.Name, Plan: plan, Files: files}
}

// CacheDir is the build cache shared by the tests of one process: $STREAMC_CACHE when
// set (CI sets a fresh one per run), else a directory under the user's cache.
func CacheDir(t testing.TB) string {
	if d := os.Getenv("STREAMC_CACHE"); d != "" {
		return d
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return t.TempDir()
	}
	return filepath.Join(d, "streamc-test")
}
