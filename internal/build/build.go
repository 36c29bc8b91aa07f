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
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"streamc.dev/streamc"
	"streamc.dev/streamc/codegen"
	"streamc.dev/streamc/planner"
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
	// Stderr receives the Go toolchain's output when the build fails, and all of it
	// with Verbose or Trace.
	Stderr io.Writer
	// Progress receives what a build that takes time is doing (see Binary); nil says
	// nothing.
	Progress io.Writer
	// Verbose runs go build -v: the packages it compiles are streamed to Stderr.
	Verbose bool
	// Trace runs go build -x: the commands it runs are streamed to Stderr.
	Trace bool
	// NoticeAfter is how long go build runs before Progress hears about it; 0 means
	// 3s (a build that only links stays quiet).
	NoticeAfter time.Duration
	// Notice, when set, is what Progress hears then instead of the notice of a
	// pipeline build ("compiling NAME with go build (...)").
	Notice string
	// GoCmd is the go command; empty means "go" from PATH (or $GOROOT/bin/go).
	GoCmd string
	// Modules are the modules of the Go packages the pipeline imports, which its go.mod
	// requires (and replaces by their directory, for a team's local module).
	Modules []Requirement
}

// Requirements are the modules of the Go packages a plan imports, each once, for
// Options.Modules.
func Requirements(p *planner.Plan) []Requirement {
	var out []Requirement
	seen := map[string]bool{}
	for _, imp := range p.Imports {
		m := imp.Module
		if m.Path == "" || seen[m.Path] {
			continue
		}
		seen[m.Path] = true
		out = append(out, Requirement{Path: m.Path, Version: m.Version, Dir: m.Dir})
	}
	return out
}

// Requirement is the module of a Go package a pipeline imports.
type Requirement struct {
	Path, Version string
	// Dir, when set, is the module's directory: go.mod replaces the module by it.
	Dir string
}

func (o *Options) noticeAfter() time.Duration {
	if o.NoticeAfter > 0 {
		return o.NoticeAfter
	}
	return noticeAfter
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

// Runtime returns the directory of the runtime generated programs build against,
// written into opts' cache first (RuntimeDir): Go packages a pipeline imports are
// type-checked against it too.
func Runtime(opts Options) (string, error) {
	cache, err := opts.cacheDir()
	if err != nil {
		return "", err
	}
	return RuntimeDir(cache)
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
		// The operations server's web assets are embedded (go:embed) by its package, so
		// they must be written out with its Go files.
		if strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") || p == "go.mod" || p == "go.sum" ||
			strings.HasPrefix(p, "runtime/observe/ui/") {
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

// ModuleFiles returns the go.mod and go.sum of the module of a generated program named
// opts.Name, writing the embedded runtime into the cache first (RuntimeDir). The go.mod
// replaces streamc.dev/streamc by that copy of the runtime and requires, besides it,
// every module the runtime requires, at the versions streamc was tested with (marked
// indirect): with them a plain `go build` works in the module's directory, without
// -mod=mod, and the build list is the runtime's, since its go.mod requires them anyway.
// Its go directive is the runtime's. The go.sum is the runtime's, which covers every
// module the program can reach.
func ModuleFiles(opts Options) (gomod, gosum []byte, err error) {
	cache, err := opts.cacheDir()
	if err != nil {
		return nil, nil, err
	}
	rtDir, err := RuntimeDir(cache)
	if err != nil {
		return nil, nil, fmt.Errorf("writing the runtime: %w", err)
	}
	rtMod, err := os.ReadFile(filepath.Join(rtDir, "go.mod"))
	if err != nil {
		return nil, nil, err
	}
	goVersion, reqs := parseGoMod(rtMod)
	if goVersion == "" {
		goVersion = "1.26"
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Written by streamc for the pipeline %s. streamc.dev/streamc is the runtime that\n", opts.Name)
	fmt.Fprintf(&b, "// streamc %s extracted into its cache; the other modules are the runtime's\n", streamc.Version)
	fmt.Fprintf(&b, "// requirements. Run streamc again after clearing its cache.\n")
	fmt.Fprintf(&b, "module streamc.gen/%s\n\ngo %s\n\nrequire %s v0.0.0\n", sanitize(opts.Name), goVersion, ModulePath)
	if len(reqs) > 0 {
		b.WriteString("\nrequire (\n")
		for _, r := range reqs {
			fmt.Fprintf(&b, "\t%s // indirect\n", r)
		}
		b.WriteString(")\n")
	}
	fmt.Fprintf(&b, "\nreplace %s => %s\n", ModulePath, filepath.ToSlash(rtDir))
	if len(opts.Modules) > 0 {
		b.WriteString("\n// The modules of the Go packages the pipeline imports.\n")
		for _, m := range opts.Modules {
			v := m.Version
			if m.Dir != "" || v == "" {
				v = "v0.0.0"
			}
			fmt.Fprintf(&b, "require %s %s\n", m.Path, v)
			if m.Dir != "" {
				fmt.Fprintf(&b, "replace %s => %s\n", m.Path, filepath.ToSlash(m.Dir))
			}
		}
	}
	gosum, err = os.ReadFile(filepath.Join(rtDir, "go.sum"))
	if err != nil {
		return nil, nil, err
	}
	return b.Bytes(), gosum, nil
}

// parseGoMod returns the go directive of a go.mod file and its requirements ("path
// version"), in file order. It reads the runtime's own go.mod, which go mod tidy keeps in
// its canonical form: one requirement a line, alone or in a require block.
func parseGoMod(data []byte) (goVersion string, reqs []string) {
	inBlock := false
	for _, line := range strings.Split(string(data), "\n") {
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		switch {
		case len(f) == 0:
		case inBlock && f[0] == ")":
			inBlock = false
		case inBlock && len(f) == 2:
			reqs = append(reqs, f[0]+" "+f[1])
		case f[0] == "go" && len(f) == 2:
			goVersion = f[1]
		case f[0] == "require" && len(f) == 2 && f[1] == "(":
			inBlock = true
		case f[0] == "require" && len(f) == 3:
			reqs = append(reqs, f[1]+" "+f[2])
		}
	}
	return goVersion, reqs
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
	gomod, gosum, err := ModuleFiles(opts)
	if err != nil {
		return "", err
	}
	key := sha256.Sum256([]byte(opts.Key))
	dir := filepath.Join(cache, "build", sanitize(opts.Name)+"-"+hex.EncodeToString(key[:6]))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	want := map[string][]byte{"go.mod": gomod, "go.sum": gosum}
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

// noticeAfter is how long a go build runs before Binary says what it is doing: a build
// whose packages are all in Go's build cache links in about a second and says nothing.
const noticeAfter = 3 * time.Second

// Binary builds the generated files into the executable out.
//
// A build that runs longer than noticeAfter (one that compiles, not only links) is
// announced on opts.Progress, saying how long a first build takes, and its end too.
// With opts.Verbose (or opts.Trace) the go command is printed first and go build -v
// (-x) streams the packages it compiles (the commands it runs) to opts.Stderr. A failed
// build is explained: Go missing or too old, modules that could not be downloaded (no
// network, GOPROXY=off), or else a generated program that does not compile, which is a
// streamc bug.
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
	args := []string{"build"}
	if opts.Verbose {
		args = append(args, "-v")
	}
	if opts.Trace {
		args = append(args, "-x")
	}
	// -mod=mod lets go record a go.sum entry should the (complete) go.mod and go.sum
	// ever miss one; on the command line it overrides a -mod in the user's GOFLAGS and
	// keeps the rest of them. Static binaries: cgo off.
	args = append(args, "-trimpath", "-mod=mod", "-o", abs, ".")
	cmd := exec.CommandContext(ctx, gocmd, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "CGO_ENABLED=0")
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	if (opts.Verbose || opts.Trace) && opts.Stderr != nil {
		fmt.Fprintf(opts.Stderr, "streamc: cd %s && %s %s\n", dir, gocmd, strings.Join(args, " "))
		w := io.MultiWriter(&output, opts.Stderr)
		cmd.Stdout, cmd.Stderr = w, w
	}
	start := time.Now()
	var noticed atomic.Bool
	if opts.Progress != nil {
		t := time.AfterFunc(opts.noticeAfter(), func() {
			noticed.Store(true)
			notice := opts.Notice
			if notice == "" {
				notice = compilingNotice(opts.Name, files, opts.Verbose || opts.Trace)
			}
			fmt.Fprintf(opts.Progress, "streamc: %s\n", notice)
		})
		defer t.Stop()
	}
	err = cmd.Run()
	if err == nil {
		if noticed.Load() {
			fmt.Fprintf(opts.Progress, "streamc: built %s in %s\n", out, time.Since(start).Round(100*time.Millisecond))
		}
		return nil
	}
	if opts.Stderr != nil && !opts.Verbose && !opts.Trace {
		opts.Stderr.Write(output.Bytes())
	}
	return explainFailure(err, output.String(), gocmd, dir, opts.Name, files)
}

// connectorNames are the connectors whose client libraries make a first build slow, by
// the name of their runtime package.
var connectorNames = []struct{ pkg, name string }{
	{"kafka", "Kafka"},
	{"postgres", "PostgreSQL"},
	{"sqlite", "SQLite"},
}

// connectors returns the names of the connectors the generated files import
// ("SQLite", "Kafka") that link a client library.
func connectors(files []codegen.File) []string {
	var names []string
	for _, c := range connectorNames {
		imp := []byte(`"` + ModulePath + "/runtime/connector/" + c.pkg + `"`)
		for _, f := range files {
			if bytes.Contains(f.Data, imp) {
				names = append(names, c.name)
				break
			}
		}
	}
	return names
}

// compilingNotice says what a build that takes time is doing and how long it takes.
func compilingNotice(name string, files []codegen.File, verbose bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "compiling %s with go build", name)
	if libs := connectors(files); len(libs) > 0 {
		fmt.Fprintf(&b, " (the first build of a pipeline with %s compiles its client library once: 1-2 minutes; later builds take seconds)", andList(libs))
	} else {
		b.WriteString(" (a first build compiles the streamc runtime once; later builds take seconds)")
	}
	if !verbose {
		b.WriteString("; -v shows the steps")
	}
	b.WriteString("...")
	return b.String()
}

func andList(names []string) string {
	switch len(names) {
	case 1:
		return names[0]
	case 2:
		return names[0] + " or " + names[1]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// moduleFailure matches the go command's messages about modules it could not download or
// verify: GOPROXY=off, no network, a proxy that does not answer, a module missing from
// go.sum or from the module cache.
var moduleFailure = regexp.MustCompile(`module lookup disabled by GOPROXY=off|dial tcp|no such host|i/o timeout|` +
	`connection refused|connection reset|TLS handshake|proxyconnect|network is unreachable|` +
	`missing go\.sum entry|cannot find module providing package|no required module provides package|` +
	`unrecognized import path|reading https?://|Get "https?://|404 Not Found|410 Gone`)

// moduleVersion finds module@version in the go command's messages.
var moduleVersion = regexp.MustCompile(`([a-z0-9][-a-zA-Z0-9._~/]*\.[a-z]{2,}[-a-zA-Z0-9._~/]*)@(v[0-9][-a-zA-Z0-9.+]*)`)

// tooOld matches the go command's messages about a Go older than the module needs.
var tooOld = regexp.MustCompile(`requires go >= |go\.mod requires go|toolchain not available|unknown directive: toolchain|invalid go version`)

// explainFailure turns a failed go build into an error saying what went wrong and what
// to do about it; output is what go printed (already shown to the user).
func explainFailure(err error, output, gocmd, dir, name string, files []codegen.File) error {
	var exit *exec.ExitError
	switch {
	case errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist) && !errors.As(err, &exit):
		return fmt.Errorf("building a pipeline needs the go command (Go 1.26 or later, https://go.dev/dl/) on PATH: %w", err)
	case !errors.As(err, &exit):
		return fmt.Errorf("running %s build: %w", gocmd, err)
	case tooOld.MatchString(output):
		return fmt.Errorf("go build failed: the installed Go is older than the streamc runtime needs (Go 1.26 or later; `go version` says which you have; with GOTOOLCHAIN=auto the go command fetches a newer one); the generated source is in %s", dir)
	case moduleFailure.MatchString(output):
		return &ModuleError{Name: name, Modules: failedModules(output), Connectors: connectors(files), Dir: dir,
			Proxy: goEnv(gocmd, "GOPROXY"), ModCache: goEnv(gocmd, "GOMODCACHE")}
	}
	return fmt.Errorf("go build of the generated program failed (this is a streamc bug; please report it with the .stream file; the generated source is in %s): %w", dir, err)
}

// failedModules lists the module@version pairs that go's messages name, once each.
func failedModules(output string) []string {
	var mods []string
	seen := map[string]bool{}
	for _, m := range moduleVersion.FindAllStringSubmatch(output, -1) {
		mv := m[1] + "@" + m[2]
		if strings.HasPrefix(m[1], ModulePath) || seen[mv] {
			continue
		}
		seen[mv] = true
		mods = append(mods, mv)
	}
	return mods
}

// goEnv returns `go env NAME`, or "" when it cannot be run.
func goEnv(gocmd, name string) string {
	out, err := exec.Command(gocmd, "env", name).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// ModuleError is a build that failed because the go command could not download or
// find a module the program needs: no network, GOPROXY=off, or a module missing from
// the module cache. It is not a streamc bug, and its message says what to do.
type ModuleError struct {
	Name       string   // the program's name
	Modules    []string // module@version the go command named, if any
	Connectors []string // the program's connectors with a client library ("SQLite")
	Dir        string   // the build module
	Proxy      string   // go env GOPROXY
	ModCache   string   // go env GOMODCACHE
}

func (e *ModuleError) Error() string {
	var b strings.Builder
	b.WriteString("go build could not download the Go modules")
	if e.Name != "" {
		fmt.Fprintf(&b, " that %s needs", e.Name)
	}
	if len(e.Modules) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(e.Modules, ", "))
	}
	fmt.Fprintf(&b, ":\n  no network, or the module proxy is off or unreachable (GOPROXY=%q).\n", e.Proxy)
	if len(e.Connectors) > 0 {
		fmt.Fprintf(&b, "  A pipeline with %s links its Go client library, which the first build downloads", andList(e.Connectors))
	} else {
		b.WriteString("  The first build downloads the modules")
	}
	fmt.Fprintf(&b, " into\n  the module cache (%s); later builds work offline. To fix it:\n", e.ModCache)
	b.WriteString("  - connect to the network, or set GOPROXY (the default is https://proxy.golang.org,direct),\n" +
		"    or point it at your organisation's proxy;\n" +
		"  - or fill the module cache once where there is network: `go mod download` in a streamc checkout.\n")
	fmt.Fprintf(&b, "  The generated module is in %s.", e.Dir)
	return b.String()
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
