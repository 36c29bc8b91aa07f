package build

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"streamc.dev/streamc"
	"streamc.dev/streamc/codegen"
)

// ModulePath is the import path prefix of the runtime that generated code imports.
const ModulePath = "streamc.dev/streamc"

// Options configure a build.
type Options struct {
	// CacheDir holds the extracted runtime and the per-pipeline build modules. Empty
	// means os.UserCacheDir()/streamc (or $STREAMC_CACHE when set).
	CacheDir string
	// Key distinguishes build directories of different pipelines (e.g. the absolute
	// path of the .stream file).
	Key string
	// Name is the pipeline name, used in the build directory's name.
	Name string
	// Stderr receives the Go toolchain's output when the build fails.
	Stderr io.Writer
	// GoCmd is the go command; empty means "go" from PATH (or $GOROOT/bin/go).
	GoCmd string
}

func (o *Options) cacheDir() (string, error) {
	if o.CacheDir != "" {
		return o.CacheDir, nil
	}
	if d := os.Getenv("STREAMC_CACHE"); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory for builds (set STREAMC_CACHE): %w", err)
	}
	return filepath.Join(d, "streamc"), nil
}

// RuntimeDir writes the embedded runtime into the cache (unless a copy with the same
// content is already there) and returns its directory, a Go module rooted at
// streamc.dev/streamc.
func RuntimeDir(cache string) (string, error) {
	files, sum, err := embeddedFiles()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(cache, "runtime-"+streamc.Version+"-"+sum[:16])
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
		return dir, nil
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(cache, ".runtime-*")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	for _, name := range files {
		data, err := fs.ReadFile(streamc.RuntimeSource, name)
		if err != nil {
			return "", err
		}
		dst := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return "", err
		}
	}
	// Rename is atomic: a concurrent build either sees the whole runtime or none.
	if err := os.Rename(tmp, dir); err != nil && !isExist(err) {
		return "", err
	}
	return dir, nil
}

func isExist(err error) bool {
	return errors.Is(err, fs.ErrExist) || errors.Is(err, os.ErrExist) || strings.Contains(err.Error(), "directory not empty")
}

// embeddedFiles lists the embedded Go source (no tests, no testdata) in a stable order,
// with a digest of names and contents.
func embeddedFiles() ([]string, string, error) {
	var files []string
	err := fs.WalkDir(streamc.RuntimeSource, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "testdata" {
				return fs.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") || p == "go.mod" || p == "go.sum" {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	sort.Strings(files)
	h := sha256.New()
	for _, name := range files {
		data, err := fs.ReadFile(streamc.RuntimeSource, name)
		if err != nil {
			return nil, "", err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(data))
		h.Write(data)
	}
	return files, hex.EncodeToString(h.Sum(nil)), nil
}

// Module writes the generated files into the pipeline's build module and returns its
// directory. Files from an earlier build that are no longer generated are removed, and
// unchanged files are not rewritten (so their modification times, which go build does
// not use but people do, stay put).
func Module(opts Options, files []codegen.File) (string, error) {
	cache, err := opts.cacheDir()
	if err != nil {
		return "", err
	}
	rtDir, err := RuntimeDir(cache)
	if err != nil {
		return "", fmt.Errorf("writing the runtime: %w", err)
	}
	key := sha256.Sum256([]byte(opts.Key))
	dir := filepath.Join(cache, "build", sanitize(opts.Name)+"-"+hex.EncodeToString(key[:6]))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	gomod := fmt.Sprintf("module streamc.gen/%s\n\ngo 1.26\n\nrequire %s v0.0.0\n\nreplace %s => %s\n",
		sanitize(opts.Name), ModulePath, ModulePath, filepath.ToSlash(rtDir))
	// The runtime's go.sum covers every module the generated program can reach, so the
	// build verifies them without writing a go.sum of its own.
	gosum, err := os.ReadFile(filepath.Join(rtDir, "go.sum"))
	if err != nil {
		return "", err
	}
	want := map[string][]byte{"go.mod": []byte(gomod), "go.sum": gosum}
	for _, f := range files {
		want[path.Base(f.Name)] = f.Data
	}
	old, _ := os.ReadDir(dir)
	for _, e := range old {
		if _, ok := want[e.Name()]; !ok && !e.IsDir() {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
	for name, data := range want {
		p := filepath.Join(dir, name)
		if cur, err := os.ReadFile(p); err == nil && bytes.Equal(cur, data) {
			continue
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// Binary builds the generated files into the executable out.
func Binary(ctx context.Context, opts Options, files []codegen.File, out string) error {
	dir, err := Module(opts, files)
	if err != nil {
		return err
	}
	abs, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	gocmd := opts.GoCmd
	if gocmd == "" {
		gocmd = goCommand()
	}
	cmd := exec.CommandContext(ctx, gocmd, "build", "-trimpath", "-o", abs, ".")
	cmd.Dir = dir
	// The runtime and stdlib need nothing beyond the standard library, so the build
	// reads no module from the network; -mod=mod lets go record a go.sum should a
	// connector's client library come from the (warm) module cache. Static binaries:
	// cgo off.
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stdout = &stderr
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if opts.Stderr != nil {
			opts.Stderr.Write(stderr.Bytes())
		}
		return fmt.Errorf("go build of the generated program failed (this is a streamc bug; the generated source is in %s): %w", dir, err)
	}
	return nil
}

// goCommand finds the go command: on PATH, else in GOROOT, else the default install.
func goCommand() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	for _, root := range []string{os.Getenv("GOROOT"), "/usr/local/go"} {
		if root == "" {
			continue
		}
		p := filepath.Join(root, "bin", "go")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "go"
}

func sanitize(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "pipeline"
	}
	return b.String()
}
