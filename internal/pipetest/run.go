package pipetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"streamc.dev/streamc/codegen"
	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl"
	"streamc.dev/streamc/internal/build"
	"streamc.dev/streamc/planner"
)

// Runner runs tests. It loads each pipeline once, builds its test program once per run
// (and, through streamc's build cache, once for as long as neither the pipeline nor
// streamc changes: a test program whose generated files are those of its last build
// is not built again), runs it on each test's input and compares its outputs with the
// test's.
type Runner struct {
	// Stdout receives a line per test (ok, FAIL) and the differences of failed ones;
	// Stderr the diagnostics of files that do not check, failed builds and what a failed
	// run of a test program logged.
	Stdout, Stderr io.Writer
	// Update rewrites the expected outputs of each test with what the pipeline gave,
	// instead of comparing them.
	Update bool
	// Verbose reports the build and run of each test program.
	Verbose bool
	// Timeout bounds one run of a test program (0: 5 minutes).
	Timeout time.Duration
	// BuildOptions returns the build options of a test program (key tells its build
	// directory apart, name is the pipeline's): the CLI's, with its progress messages.
	BuildOptions func(key, name string) build.Options
	// Runtime gives the directory of the runtime Go imports are checked against.
	Runtime func() (string, error)

	pipelines map[string]*loaded
	programs  map[string]*program
}

// loaded is a pipeline loaded once per run; nil p: it does not check.
type loaded struct {
	p   *Pipeline
	err error
}

// program is a built test program of a pipeline.
type program struct {
	rw    *rewrite
	bin   string
	names []string // the test program's source names, by source index
	kinds []string // and kinds
}

// Result is the outcome of one test.
type Result struct {
	Path    string
	OK      bool
	Updated bool
	Elapsed time.Duration
}

// RunFile runs the test file at path.
func (r *Runner) RunFile(path string) Result {
	start := time.Now()
	res := Result{Path: path}
	c, err := ReadFile(path)
	var errs diag.List
	if errors.As(err, &errs) {
		err = nil // reported with the errors of validate
	}
	if err == nil {
		c.Stream, err = StreamOf(path)
	}
	if err == nil {
		res = r.runCase(c, "", errs)
	} else {
		if len(errs) > 0 {
			r.reportErr(path, c, errs)
		}
		r.reportErr(path, c, err)
	}
	res.Elapsed = time.Since(start)
	r.report(res)
	return res
}

// RunDir runs the recording directory dir as a test of the pipeline in stream: its
// outputs are compared with dir's out/ files (none: it passes), or written there with
// Update. With out set, it writes a test file holding the recording's input and the
// outputs the pipeline gave instead.
func (r *Runner) RunDir(dir, stream, out string) Result {
	start := time.Now()
	res := Result{Path: dir}
	c, err := ReadDir(dir)
	if err == nil {
		c.Stream = stream
		res = r.runCase(c, out, nil)
	} else {
		r.reportErr(dir, c, err)
	}
	res.Elapsed = time.Since(start)
	r.report(res)
	return res
}

func (r *Runner) report(res Result) {
	status := "ok  "
	switch {
	case !res.OK:
		status = "FAIL"
	case res.Updated:
		status = "updated"
	}
	fmt.Fprintf(r.Stdout, "%s %s (%.2fs)\n", status, res.Path, res.Elapsed.Seconds())
}

// reportErr prints err about the test at path: positioned diagnostics with excerpts
// of the test file.
func (r *Runner) reportErr(path string, c *Case, err error) {
	var diags diag.List
	if errors.As(err, &diags) {
		srcs := map[string][]byte{}
		if c != nil && c.src != nil {
			srcs[path] = c.src
		}
		diag.Print(r.Stderr, diags, srcs, diag.DefaultMax)
		return
	}
	fmt.Fprintf(r.Stderr, "streamc test: %v\n", err)
}

// List prints the names tests of the pipeline at path give its sources and outputs,
// with what each takes or gives. It reports false when the pipeline has errors.
func (r *Runner) List(path string) bool {
	p, err := r.load(path)
	if err != nil {
		return false
	}
	var rows [][3]string
	for _, s := range p.Sources {
		takes := "lines"
		switch {
		case s.Kind == "rate":
			takes = "no input (computed from the batch times)"
		case s.Kind == "kafka":
			takes = "record values, one a line (or records as JSON: in/" + s.Name + "/TIME" + jsonExt + ")"
		case !s.Text():
			takes = fmt.Sprintf(".stream values of type %s, one a line", s.Elem)
		}
		rows = append(rows, [3]string{"in/" + s.Name + "/TIME", fmt.Sprintf("%s at %d:%d", s.Kind, s.Node.Pos.Line, s.Node.Pos.Col), takes})
	}
	for _, o := range p.Outputs {
		order := "compared in any order"
		if o.Ordered {
			order = "compared in order"
		}
		rows = append(rows, [3]string{"out/" + o.Name + "/TIME", fmt.Sprintf("%s at %d:%d", o.Kind, o.Pos.Line, o.Pos.Col), order})
	}
	var w [2]int
	for _, row := range rows {
		w[0], w[1] = max(w[0], len(row[0])), max(w[1], len(row[1]))
	}
	fmt.Fprintf(r.Stdout, "%s:\n", path)
	for _, row := range rows {
		fmt.Fprintf(r.Stdout, "  %-*s  %-*s  %s\n", w[0], row[0], w[1], row[1], row[2])
	}
	return true
}

// load loads the pipeline at path once per run and reports its diagnostics.
func (r *Runner) load(path string) (*Pipeline, error) {
	if r.pipelines == nil {
		r.pipelines = map[string]*loaded{}
	}
	if l, ok := r.pipelines[path]; ok {
		return l.p, l.err
	}
	p, diags, err := Load(path, r.Runtime)
	if err == nil && p == nil {
		src, _ := os.ReadFile(path)
		diag.Print(r.Stderr, diags, map[string][]byte{path: src}, diag.DefaultMax)
		err = fmt.Errorf("%s has errors: its tests cannot run", path)
	}
	if err != nil {
		fmt.Fprintf(r.Stderr, "streamc test: %v\n", err)
	}
	r.pipelines[path] = &loaded{p: p, err: err}
	return p, err
}

// clock is a test's batch grid: the first batch time and the interval, in ms.
type clock struct{ first, interval int64 }

// flagValue returns the value of flag name in args (-name v, --name v, --name=v), the
// last one written, and whether it is there.
func flagValue(args []string, name string) (string, bool) {
	value, found := "", false
	for i := 0; i < len(args); i++ {
		a := strings.TrimLeft(args[i], "-")
		if len(a) == len(args[i]) {
			continue
		}
		n, v, eq := strings.Cut(a, "=")
		if n != name {
			continue
		}
		found = true
		if eq {
			value = v
		} else if i+1 < len(args) {
			value = args[i+1]
			i++
		}
	}
	return value, found
}

// clockOf works out the batch grid of c: --batch and --start-time from its args, the
// pipeline's batch setting otherwise.
func clockOf(p *Pipeline, c *Case) (clock, diag.List) {
	var errs diag.List
	interval := p.Prog.Settings.Batch
	if v, ok := flagValue(c.Args, "batch"); ok {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Millisecond || d%time.Millisecond != 0 {
			errs.Add(c.ArgsPos, "--batch %s: want a positive whole number of milliseconds, such as 500ms or 2s", v)
		} else {
			interval = d
		}
	}
	start := int64(0)
	if v, ok := flagValue(c.Args, "start-time"); ok {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			errs.Add(c.ArgsPos, "--start-time %s: want epoch milliseconds", v)
		}
		start = n
	}
	ms := interval.Milliseconds()
	floor := start - ((start%ms)+ms)%ms
	return clock{first: floor + ms, interval: ms}, errs
}

// validate checks the case against the pipeline: every section names a source or an
// output of it, at a batch time of the test's clock, with input the source can take.
func validate(p *Pipeline, c *Case, k clock) diag.List {
	var errs diag.List
	// An output's batches may come before the first batch: an event-time stream's
	// batch times run behind the clock by its lateness.
	grid := func(b *Batch, output bool) bool {
		switch {
		case b.Time < k.first && !output:
			errs.Add(b.Pos, "batch %d comes before the test's first batch, %d (the first multiple of the batch interval, %dms, after --start-time)", b.Time, k.first, k.interval)
		case (b.Time-k.first)%k.interval != 0:
			errs.Add(b.Pos, "%d is not a batch time of the test: batches are at %d, %d, %d, ... (every %dms)", b.Time, k.first, k.first+k.interval, k.first+2*k.interval, k.interval)
		default:
			return true
		}
		return false
	}
	given := map[string][]*Batch{}
	for _, b := range c.Inputs {
		s := p.source(b.Key)
		switch {
		case s == nil:
			errs.Add(b.Pos, "%s has no source named %q; its sources: %s", p.Path, b.Key, p.sourceNames())
			continue
		case s.Kind == "rate":
			errs.Add(b.Pos, "source %s is a rate source: it computes its numbers from the batch times and takes no test input", s.Name)
			continue
		case b.JSONL && s.Kind != "kafka":
			errs.Add(b.Pos, "source %s is a %s source: only a kafka source takes records as JSON (%s); give it lines", s.Name, s.Kind, jsonExt)
			continue
		}
		if !grid(b, false) {
			continue
		}
		given[s.Name] = append(given[s.Name], b)
		if b.JSONL {
			errs = append(errs, checkRecords(b)...)
		}
	}
	for _, s := range p.Sources {
		if s.Tapped() || s.Kind == "rate" || s.Text() {
			continue
		}
		batches := given[s.Name]
		if s.Kind == "goSource" && len(batches) == 0 {
			errs.Add(diag.Pos{File: c.Path}, "source %s is written in Go and gives %s: the test must give it input (in/%s/TIME sections, one value a line)", s.describe(), s.Elem, s.Name)
			continue
		}
		if len(batches) > 0 && !hasValues(batches) {
			errs.Add(batches[0].Pos, "source %s gives %s: its test input needs at least one value (a queue whose batches are all empty has no element type)", s.Name, s.Elem)
		}
	}
	for _, b := range c.Outputs {
		if p.output(b.Key) == nil {
			errs.Add(b.Pos, "%s has no output named %q; its outputs: %s", p.Path, b.Key, p.outputNames())
			continue
		}
		grid(b, true)
	}
	errs.Sort()
	return errs
}

// hasValues reports whether typed batches hold at least one value.
func hasValues(batches []*Batch) bool {
	for _, b := range batches {
		for _, l := range b.Lines() {
			if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "//") {
				return true
			}
		}
	}
	return false
}

// checkRecords checks the lines of a kafka source's .jsonl batch: JSON objects with
// the fields of runtime/recording's Record.
func checkRecords(b *Batch) diag.List {
	var errs diag.List
	for i, line := range b.Lines() {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var rec struct {
			Topic       string      `json:"topic"`
			Partition   int32       `json:"partition"`
			Offset      *int64      `json:"offset"`
			Key         string      `json:"key"`
			KeyBase64   []byte      `json:"key_base64"`
			Value       string      `json:"value"`
			ValueBase64 []byte      `json:"value_base64"`
			Timestamp   *int64      `json:"timestamp"`
			Headers     [][2]string `json:"headers"`
		}
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rec); err != nil {
			pos := b.Pos
			pos.Line, pos.Col = b.Line+i, 1
			if b.Line == 0 {
				pos.Line = i + 1
			}
			errs.Add(pos, "not a Kafka record: %v (want {\"key\": \"...\", \"value\": \"...\"}, with partition, offset, timestamp, topic and headers optional)", err)
		}
	}
	return errs
}

// runCase runs one test. out, for a recording directory, is the test file to write;
// errs are the errors already found in the test file, reported with validate's.
func (r *Runner) runCase(c *Case, out string, errs diag.List) Result {
	res := Result{Path: c.Path}
	p, err := r.load(c.Stream)
	if err != nil {
		if len(errs) > 0 {
			r.reportErr(c.Path, c, errs)
		}
		return res
	}
	k, more := clockOf(p, c)
	errs = append(errs, more...)
	errs = append(errs, validate(p, c, k)...)
	if len(errs) > 0 {
		errs.Sort()
		r.reportErr(c.Path, c, errs)
		return res
	}
	prog, err := r.program(p, c, k)
	if err != nil {
		if err != errReported {
			fmt.Fprintf(r.Stderr, "streamc test: %v\n", err)
		}
		return res
	}
	got, last, err := r.execute(p, c, k, prog)
	if err != nil {
		if err != errReported {
			fmt.Fprintf(r.Stderr, "streamc test: %s: %v\n", c.Path, err)
		}
		return res
	}
	if r.Update || out != "" {
		if err := r.update(p, c, got, out); err != nil {
			fmt.Fprintf(r.Stderr, "streamc test: %v\n", err)
			return res
		}
		res.OK, res.Updated = true, true
		return res
	}
	res.OK = r.compare(p, c, k, got, last)
	return res
}

// errReported is an error already reported in full.
var errReported = errors.New("reported")

// program returns the test program of p for c: p with its outputs captured and the
// sources that cannot read a recording turned into queues of c's input. Tests that give
// no typed input share one program.
func (r *Runner) program(p *Pipeline, c *Case, k clock) (*program, error) {
	var edits []edit
	for _, o := range p.Outputs {
		edits = append(edits, outputEdit(p.Src, o))
	}
	variant := ""
	for _, s := range p.Sources {
		var batches []*Batch
		for _, b := range c.Inputs {
			if b.Key == s.Name {
				batches = append(batches, b)
			}
		}
		switch {
		case s.Tapped() || s.Kind == "rate":
		case s.Kind == "goSource" && s.Text():
			edits = append(edits, stdinEdit(p.Src, s))
		case len(batches) > 0:
			edits = append(edits, queueEdit(p.Src, s, batches, k.first, k.interval))
			variant = c.Path
		}
	}
	key := p.Path + "\x00" + variant
	if r.programs == nil {
		r.programs = map[string]*program{}
	}
	if prog, ok := r.programs[key]; ok && variant == "" {
		return prog, nil
	}
	rw, err := newRewrite(p.Path, p.Src, edits)
	if err != nil {
		return nil, err
	}
	prog, diags := dsl.CheckWith(p.Path, rw.src, p.importer)
	var plan *planner.Plan
	if prog != nil {
		var more diag.List
		plan, more = planner.Build(prog)
		diags = append(diags, more...)
	}
	if diags.HasErrors() {
		var errs diag.List
		for _, d := range rw.mapDiags(diags) {
			if d.Severity == diag.Error {
				errs = append(errs, d)
			}
		}
		srcs := map[string][]byte{p.Path: p.Src}
		if c.src != nil {
			srcs[c.Path] = c.src
		}
		diag.Print(r.Stderr, errs, srcs, diag.DefaultMax)
		return nil, errReported
	}
	if len(plan.Sources) != len(p.Sources) {
		return nil, fmt.Errorf("the test program of %s has %d sources, the pipeline %d (this is a streamc bug)", p.Path, len(plan.Sources), len(p.Sources))
	}
	files, err := codegen.Generate(plan, codegen.Options{SourcePath: p.Path, Source: rw.src})
	if err != nil {
		return nil, fmt.Errorf("%s: %v", p.Path, err)
	}
	abs, err := filepath.Abs(p.Path)
	if err != nil {
		abs = p.Path
	}
	// Test programs have build directories of their own, apart from `streamc run`'s:
	// one per pipeline, and one per test file with typed input (a queue literal).
	opts := r.BuildOptions(abs+"\x00test\x00"+variant, plan.Name)
	opts.Modules = build.Requirements(plan)
	begin := time.Now()
	bin, fresh, err := binary(opts, files)
	if err != nil {
		fmt.Fprintf(r.Stderr, "streamc test: %v\n", err)
		return nil, errReported
	}
	if r.Verbose {
		what := "up to date"
		if fresh {
			what = "built"
		}
		fmt.Fprintf(r.Stderr, "streamc test: %s: test program %s (%s, %.2fs)\n", p.Path, bin, what, time.Since(begin).Seconds())
	}
	pr := &program{rw: rw, bin: bin}
	for _, s := range plan.Sources {
		pr.names = append(pr.names, s.Name)
		pr.kinds = append(pr.kinds, s.Op.Name)
	}
	r.programs[key] = pr
	return pr, nil
}

// binary builds files into the bin directory of their build module, unless the binary
// there was built from exactly these files (and the same go.mod, so the same runtime):
// a second run of an unchanged test does not run go build at all. Pipelines importing
// Go modules from local directories are always built (their code is not in the files).
func binary(opts build.Options, files []codegen.File) (bin string, built bool, err error) {
	dir, err := build.Module(opts, files)
	if err != nil {
		return "", false, err
	}
	bin = filepath.Join(dir, "bin", opts.Name)
	stamp := filepath.Join(dir, "bin", "."+opts.Name+".sum")
	sum := moduleSum(dir, opts)
	if sum != "" {
		if old, err := os.ReadFile(stamp); err == nil && string(old) == sum {
			if _, err := os.Stat(bin); err == nil {
				return bin, false, nil
			}
		}
	}
	os.Remove(stamp)
	if err := build.Binary(context.Background(), opts, files, bin); err != nil {
		return "", false, err
	}
	if sum != "" {
		os.WriteFile(stamp, []byte(sum), 0o644)
	}
	return bin, true, nil
}

// moduleSum is a digest of a build module's files and of the go command building it,
// or "" when the module uses a local Go module.
func moduleSum(dir string, opts build.Options) string {
	for _, m := range opts.Modules {
		if m.Dir != "" {
			return ""
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	h := sha256.New()
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return ""
		}
		fmt.Fprintf(h, "%s\x00%d\x00", e.Name(), len(data))
		h.Write(data)
	}
	gocmd, _ := exec.LookPath("go")
	if st, err := os.Stat(gocmd); err == nil {
		fmt.Fprintf(h, "go\x00%s\x00%d\x00%s\x00", gocmd, st.Size(), st.ModTime())
	}
	for _, k := range []string{"GOFLAGS", "GOOS", "GOARCH", "GOTOOLCHAIN", "GOEXPERIMENT"} {
		fmt.Fprintf(h, "%s=%s\x00", k, os.Getenv(k))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// batchLog matches the log line of a completed batch.
var batchLog = regexp.MustCompile(`msg=batch .*\bbatch_time=(-?\d+)`)

// execute runs the test program on c's input and returns each output's batches (by
// output index) and the time of the last batch it ran.
func (r *Runner) execute(p *Pipeline, c *Case, k clock, prog *program) (map[int]map[int64][]string, int64, error) {
	tmp, err := os.MkdirTemp("", "streamc-test-")
	if err != nil {
		return nil, 0, err
	}
	defer os.RemoveAll(tmp)
	rec := filepath.Join(tmp, "recording")
	if err := os.MkdirAll(rec, 0o755); err != nil {
		return nil, 0, err
	}
	if err := os.WriteFile(filepath.Join(rec, argsName), []byte(strings.Join(c.Args, "\n")+"\n"), 0o644); err != nil {
		return nil, 0, err
	}
	hasRate := false
	for _, s := range p.Sources {
		kind, name := prog.kinds[s.Index], prog.names[s.Index]
		hasRate = hasRate || kind == "rate"
		if kind != "files" && kind != "socket" && kind != "stdin" && kind != "kafka" {
			continue
		}
		for _, b := range c.Inputs {
			if b.Key != s.Name {
				continue
			}
			file := strconv.FormatInt(b.Time, 10)
			if b.JSONL {
				file += jsonExt
			}
			dir := filepath.Join(rec, inDir, name)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, 0, err
			}
			if err := os.WriteFile(filepath.Join(dir, file), b.Data, 0o644); err != nil {
				return nil, 0, err
			}
		}
	}
	outs := filepath.Join(tmp, "out")
	args := []string{"--recording", rec, "--http=", "--log-format", "text"}
	if _, ok := flagValue(c.Args, "partitions"); !ok && p.Prog.Settings.Partitions == 0 {
		// Not one per CPU: tests run alike on every machine.
		args = append(args, "--partitions", "2")
	}
	if _, ok := flagValue(c.Args, "batches"); !ok && hasRate {
		// A rate source never ends: run up to the test's last batch.
		last := k.first
		for _, b := range append(slices.Clone(c.Inputs), c.Outputs...) {
			last = max(last, b.Time)
		}
		args = append(args, "--batches", strconv.FormatInt((last-k.first)/k.interval+1, 10))
	}
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, prog.bin, args...)
	cmd.Env = os.Environ()
	for _, o := range p.Outputs {
		cmd.Env = append(cmd.Env, fmt.Sprintf("%s%d=%s", OutputEnv, o.Index, filepath.Join(outs, strconv.Itoa(o.Index))))
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	begin := time.Now()
	err = cmd.Run()
	if r.Verbose {
		fmt.Fprintf(r.Stderr, "streamc test: %s: ran %s %s (%.2fs)\n", c.Path, filepath.Base(prog.bin), strings.Join(args, " "), time.Since(begin).Seconds())
	}
	if ctx.Err() != nil {
		err = fmt.Errorf("the pipeline did not finish within %v", timeout)
	}
	if err != nil || r.Verbose {
		log := prog.rw.mapText(stderr.String())
		if err != nil && !r.Verbose {
			log = problems(log)
		}
		fmt.Fprintf(r.Stderr, "streamc test: %s: the pipeline's log:\n%s", c.Path, indent(log, "    "))
	}
	if err != nil {
		fmt.Fprintf(r.Stderr, "streamc test: %s: the pipeline failed: %v\n", c.Path, err)
		return nil, 0, errReported
	}
	last := int64(-1 << 63)
	for _, m := range batchLog.FindAllStringSubmatch(stderr.String(), -1) {
		if t, err := strconv.ParseInt(m[1], 10, 64); err == nil {
			last = max(last, t)
		}
	}
	got := map[int]map[int64][]string{}
	for _, o := range p.Outputs {
		batches, err := readOutput(outs, o.Index)
		if err != nil {
			return nil, 0, err
		}
		got[o.Index] = batches
	}
	return got, last, nil
}

// stackAttr is the Go stack a failed batch's log line carries.
var stackAttr = regexp.MustCompile(` stack="(?:[^"\\]|\\.)*"`)

// problems keeps the warnings and errors of a log, without Go stacks.
func problems(log string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(stackAttr.ReplaceAllString(log, ""), "\n") {
		if strings.Contains(l, "level=ERROR") || strings.Contains(l, "level=WARN") || !strings.Contains(l, "level=") && strings.TrimSpace(l) != "" {
			b.WriteString(l)
		}
	}
	return b.String()
}

func indent(s, prefix string) string {
	if s == "" {
		return ""
	}
	s = strings.TrimSuffix(s, "\n")
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix) + "\n"
}

// readOutput reads the batches output i wrote: directories i-TIME of part files, each
// a partition's elements one a line, in partition order.
func readOutput(dir string, i int) (map[int64][]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return map[int64][]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	prefix := strconv.Itoa(i) + "-"
	batches := map[int64][]string{}
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || !e.IsDir() {
			continue
		}
		t, err := strconv.ParseInt(rest, 10, 64)
		if err != nil {
			continue
		}
		parts, err := filepath.Glob(filepath.Join(dir, e.Name(), "part-*"))
		if err != nil {
			return nil, err
		}
		slices.Sort(parts)
		lines := []string{}
		for _, part := range parts {
			data, err := os.ReadFile(part)
			if err != nil {
				return nil, err
			}
			lines = append(lines, splitLines(data)...)
		}
		batches[t] = lines
	}
	return batches, nil
}

// compare compares the outputs the test names with what the pipeline gave, batch by
// batch up to the last batch the run reached, and prints each difference. A batch the
// test does not write is expected to be empty (or not written at all: a window that
// does not fire).
func (r *Runner) compare(p *Pipeline, c *Case, k clock, got map[int]map[int64][]string, last int64) bool {
	ok := true
	var report strings.Builder
	for _, o := range p.Outputs {
		want := map[int64]*Batch{}
		var first *Batch
		for _, b := range c.Outputs {
			if p.output(b.Key) == o {
				want[b.Time] = b
				if first == nil {
					first = b
				}
			}
		}
		if first == nil {
			continue // the test does not check this output
		}
		var times []int64
		for t := range want {
			times = append(times, t)
		}
		for t := range got[o.Index] {
			times = append(times, t)
		}
		slices.Sort(times)
		times = slices.Compact(times)
		for _, t := range times {
			w, g := want[t], got[o.Index][t]
			var wl []string
			pos := first.Pos
			if w != nil {
				wl, pos = w.Lines(), w.Pos
			}
			if t > last {
				if len(wl) > 0 {
					ok = false
					fmt.Fprintf(&report, "    %s: %s, batch %d: the run ended at batch %d (its sources were exhausted and its windows drained); give --batches N in args to run longer\n",
						shortPos(pos), o.describe(p.Path), t, last)
				}
				continue
			}
			if sameBatch(wl, g, o.Ordered) {
				continue
			}
			ok = false
			how := ""
			if !o.Ordered && max(len(wl), len(g)) > 1 {
				how = " (compared in any order; sorted)"
			}
			fmt.Fprintf(&report, "    %s: %s, batch %d%s:\n%s", shortPos(pos), o.describe(p.Path), t, how, diffLines(wl, g, o.Ordered, "        "))
		}
	}
	if !ok {
		fmt.Fprintf(r.Stdout, "--- FAIL: %s\n%s", c.Path, report.String())
	}
	return ok
}

// shortPos renders a position of a test as FILE:LINE (FILE for a file of its own).
func shortPos(p diag.Pos) string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return p.File
}

// update writes the outputs the pipeline gave into the test as its expected outputs:
// every batch with elements, of every output. A test file keeps its comment, args and
// input sections as written; a recording directory gets new out/ files; with out set
// (a recording directory turned into a test file) a new test file is written.
func (r *Runner) update(p *Pipeline, c *Case, got map[int]map[int64][]string, out string) error {
	var outs []*section
	for _, o := range p.Outputs {
		var times []int64
		for t, lines := range got[o.Index] {
			if len(lines) > 0 {
				times = append(times, t)
			}
		}
		slices.Sort(times)
		for _, t := range times {
			lines := got[o.Index][t]
			if !o.Ordered {
				// Compared in any order: written sorted, the same on every machine.
				lines = slices.Sorted(slices.Values(lines))
			}
			data := []byte(strings.Join(lines, "\n") + "\n")
			outs = append(outs, &section{name: fmt.Sprintf("%s/%s/%d", outDir, o.Name, t), data: data})
		}
	}
	switch {
	case out != "":
		comment := fmt.Sprintf("Recorded in %s; the outputs are what %s gave on it.\n", c.Path, c.Stream)
		var secs []*section
		if len(c.Args) > 0 {
			args, err := os.ReadFile(filepath.Join(c.Path, argsName))
			if err != nil {
				return err
			}
			secs = append(secs, &section{name: argsName, data: args})
		}
		for _, b := range c.Inputs {
			name := fmt.Sprintf("%s/%s/%d", inDir, b.Key, b.Time)
			if b.JSONL {
				name += jsonExt
			}
			secs = append(secs, &section{name: name, data: b.Data})
		}
		return writeFile(out, formatTxtar([]byte(comment), append(secs, outs...)))
	case c.IsDir:
		if err := os.RemoveAll(filepath.Join(c.Path, outDir)); err != nil {
			return err
		}
		for _, s := range outs {
			path := filepath.Join(c.Path, filepath.FromSlash(s.name))
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(path, s.data, 0o644); err != nil {
				return err
			}
		}
		return nil
	}
	var secs []*section
	for _, s := range c.sections {
		if !strings.HasPrefix(s.name, outDir+"/") {
			secs = append(secs, s)
		}
	}
	return writeFile(c.Path, formatTxtar(c.comment, append(secs, outs...)))
}

// writeFile writes data to path through a temporary file renamed into place.
func writeFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	os.Chmod(tmp.Name(), 0o644)
	return os.Rename(tmp.Name(), path)
}
