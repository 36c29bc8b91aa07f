package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestInstalledStreamcBuildsAnywhere installs streamc as a user would (`go install`),
// then uses the installed binary, from a directory outside the source tree and with the
// Go proxy switched off, to build and run a pipeline: the runtime comes from the binary
// itself, and nothing is fetched.
func TestInstalledStreamcBuildsAnywhere(t *testing.T) {
	if testing.Short() {
		t.Skip("installs and builds; skipped with -short")
	}
	gobin := t.TempDir()
	install := exec.Command("go", "install", ".")
	install.Env = append(os.Environ(), "GOBIN="+gobin)
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("go install: %v\n%s", err, out)
	}
	streamc := filepath.Join(gobin, "streamc")
	if runtime.GOOS == "windows" {
		streamc += ".exe"
	}
	work := t.TempDir()
	src := "pipeline anywhere\nbatch 1s\n\nqueue([[\"x y x\"]]).flatMap(l => words(l)).countByValue().print()\n"
	if err := os.WriteFile(filepath.Join(work, "anywhere.stream"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	build := exec.Command(streamc, "build", "anywhere.stream")
	build.Dir = work
	build.Env = append(os.Environ(), "STREAMC_CACHE="+t.TempDir(), "GOPROXY=off", "GOFLAGS=")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("streamc build from %s: %v\n%s", work, err, out)
	}
	run := exec.Command(filepath.Join(work, "anywhere"), "--replay", "--partitions", "1")
	out, err := run.Output()
	if err != nil {
		t.Fatalf("running the pipeline: %v", err)
	}
	if !strings.Contains(string(out), "(x,2)\n(y,1)\n") {
		t.Errorf("unexpected output:\n%s", out)
	}
}
