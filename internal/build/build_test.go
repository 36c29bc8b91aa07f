package build

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"streamc.dev/streamc/codegen"
)

const hello = "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n"

// TestParseGoMod reads the go directive and the requirements of a go.mod in both forms.
func TestParseGoMod(t *testing.T) {
	v, reqs := parseGoMod([]byte("module m\n\ngo 1.26.8\n\nrequire a.example/x v1.0.0\n\nrequire (\n\tb.example/y v0.2.0 // indirect\n\n\tc.example/z/v2 v2.1.0\n)\n\nreplace a.example/x => ../x\n"))
	if v != "1.26.8" {
		t.Errorf("go version %q, want 1.26.8", v)
	}
	want := []string{"a.example/x v1.0.0", "b.example/y v0.2.0", "c.example/z/v2 v2.1.0"}
	if strings.Join(reqs, "|") != strings.Join(want, "|") {
		t.Errorf("requirements %q, want %q", reqs, want)
	}
}

// TestModuleFilesComplete: the go.mod of a generated program requires the runtime and
// everything the runtime requires, at the go version of the runtime, so that a plain go
// build (-mod=readonly) accepts it.
func TestModuleFilesComplete(t *testing.T) {
	cache := t.TempDir()
	gomod, gosum, err := ModuleFiles(Options{CacheDir: cache, Name: "app"})
	if err != nil {
		t.Fatal(err)
	}
	rt, err := RuntimeDir(cache)
	if err != nil {
		t.Fatal(err)
	}
	rtMod, _ := os.ReadFile(filepath.Join(rt, "go.mod"))
	goVersion, reqs := parseGoMod(rtMod)
	mod := string(gomod)
	for _, want := range append([]string{
		"module streamc.gen/app\n",
		"go " + goVersion + "\n",
		"require streamc.dev/streamc v0.0.0\n",
		"replace streamc.dev/streamc => " + filepath.ToSlash(rt) + "\n",
	}, reqs...) {
		if !strings.Contains(mod, want) {
			t.Errorf("go.mod lacks %q:\n%s", want, mod)
		}
	}
	rtSum, _ := os.ReadFile(filepath.Join(rt, "go.sum"))
	if !bytes.Equal(gosum, rtSum) {
		t.Error("go.sum is not the runtime's")
	}
}

// TestBinaryTalks: a build that takes longer than NoticeAfter says what it compiles and
// when it is done; -v prints the go command it runs.
func TestBinaryTalks(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	var progress, stderr bytes.Buffer
	out := filepath.Join(t.TempDir(), "hello")
	opts := Options{CacheDir: t.TempDir(), Key: "talks", Name: "hello", Stderr: &stderr, Progress: &progress,
		NoticeAfter: time.Nanosecond, Verbose: true}
	if err := Binary(context.Background(), opts, []codegen.File{{Name: "main.go", Data: []byte(hello)}}, out); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	p := progress.String()
	for _, want := range []string{"streamc: compiling hello with go build (a first build compiles the streamc runtime once", "streamc: built " + out + " in "} {
		if !strings.Contains(p, want) {
			t.Errorf("progress lacks %q:\n%s", want, p)
		}
	}
	if !strings.Contains(stderr.String(), "go build -v -trimpath -mod=mod -o "+out+" .") {
		t.Errorf("-v did not print the go command:\n%s", stderr.String())
	}
	// A connector's client library is named in the notice.
	sqlite := []codegen.File{{Name: "main.go", Data: []byte("package main\n\nimport _ \"streamc.dev/streamc/runtime/connector/sqlite\"\n")}}
	if n := compilingNotice("app", sqlite, false); !strings.Contains(n, "with SQLite compiles its client library once: 1-2 minutes") || !strings.Contains(n, "-v shows the steps") {
		t.Errorf("notice for a SQLite pipeline: %s", n)
	}
}

// TestBinaryOffline: a module that cannot be downloaded (an empty module cache and
// GOPROXY=off) is reported as that, with the hint, not as a streamc bug.
func TestBinaryOffline(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	t.Setenv("GOMODCACHE", t.TempDir())
	t.Setenv("GOPROXY", "off")
	t.Setenv("GOFLAGS", "-modcacherw")
	files := []codegen.File{{Name: "main.go", Data: []byte("package main\n\nimport _ \"streamc.dev/streamc/runtime/connector/sqlite\"\n\nfunc main() {}\n")}}
	var stderr bytes.Buffer
	err := Binary(context.Background(), Options{CacheDir: t.TempDir(), Key: "offline", Name: "offline", Stderr: &stderr},
		files, filepath.Join(t.TempDir(), "offline"))
	var me *ModuleError
	if !errors.As(err, &me) {
		t.Fatalf("want a ModuleError, got %v\n%s", err, stderr.String())
	}
	msg := err.Error()
	for _, want := range []string{"could not download the Go modules that offline needs", `GOPROXY="off"`, "A pipeline with SQLite", "go mod download"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "bug") {
		t.Errorf("a missing module is called a bug:\n%s", msg)
	}
}

// TestExplainFailure sorts the go command's failures by what the user can do.
func TestExplainFailure(t *testing.T) {
	exitErr := exec.Command("false").Run()
	for _, c := range []struct {
		output string
		want   string
	}{
		{`x.go:3:2: modernc.org/sqlite@v1.61.1: Get "https://proxy.golang.org/modernc.org/sqlite/@v/v1.61.1.zip": dial tcp: lookup proxy.golang.org: no such host`,
			"could not download the Go modules that p needs (modernc.org/sqlite@v1.61.1)"},
		{"x.go:3:2: module lookup disabled by GOPROXY=off", "could not download"},
		{"go: github.com/twmb/franz-go@v1.22.2: missing go.sum entry for go.mod file", "(github.com/twmb/franz-go@v1.22.2)"},
		{"go: go.mod requires go >= 1.26.8 (running go 1.25.1; GOTOOLCHAIN=local)", "older than the streamc runtime needs"},
		{"./job.go:12:3: undefined: foo", "this is a streamc bug"},
	} {
		err := explainFailure(exitErr, c.output, "go", "/cache/build/p", "p", nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s\n  gives %v\n  want %q", c.output, err, c.want)
		}
	}
	if err := explainFailure(&exec.Error{Name: "go", Err: exec.ErrNotFound}, "", "go", "/d", "p", nil); !strings.Contains(err.Error(), "needs the go command") {
		t.Errorf("go missing: %v", err)
	}
}
