package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// builder builds the streamc binary, the pipelines and the baselines into its work
// directory.
type builder struct {
	work    string
	streamc string // the streamc binary
	cache   string // STREAMC_CACHE of the benchmark builds
}

func (b *builder) init() error {
	b.cache = filepath.Join(b.work, "streamc-cache")
	if b.streamc != "" {
		abs, err := filepath.Abs(b.streamc)
		b.streamc = abs
		return err
	}
	b.streamc = filepath.Join(b.work, "bin", "streamc")
	logf("building streamc")
	return goBuild(b.streamc, "./cmd/streamc")
}

func goBuild(out, pkg string) error {
	cmd := exec.Command("go", "build", "-o", out, pkg)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %v\n%s", pkg, err, msg)
	}
	return nil
}

// pipeline builds w's pipeline and returns the binary.
func (b *builder) pipeline(w workload) (string, error) {
	out := filepath.Join(b.work, "bin", w.name)
	_, err := b.streamcBuild(w.pipelineFile(), out, nil)
	return out, err
}

// streamcBuild runs streamc build with extra environment and returns how long it took.
func (b *builder) streamcBuild(file, out string, env []string) (time.Duration, error) {
	cmd := exec.Command(b.streamc, "build", file, "-o", out)
	cmd.Env = append(append(os.Environ(), "STREAMC_CACHE="+b.cache), env...)
	var msg bytes.Buffer
	cmd.Stdout, cmd.Stderr = &msg, &msg
	t0 := time.Now()
	err := cmd.Run()
	d := time.Since(t0)
	if err != nil {
		return d, fmt.Errorf("%s", strings.TrimSpace(msg.String()))
	}
	return d, nil
}

// baseline builds a baseline package once and returns the binary.
func (b *builder) baseline(pkg string) (string, error) {
	out := filepath.Join(b.work, "bin", "baseline-"+filepath.Base(pkg))
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	return out, goBuild(out, pkg)
}

// moduleDir returns the build module streamc wrote for the pipeline named name (the
// `pipeline` line), where the generated source is.
func (b *builder) moduleDir(name string) (string, error) {
	m, _ := filepath.Glob(filepath.Join(b.cache, "build", name+"-*"))
	if len(m) != 1 {
		return "", fmt.Errorf("no single build module for %s in %s", name, b.cache)
	}
	return m[0], nil
}
