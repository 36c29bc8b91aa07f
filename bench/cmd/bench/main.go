package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"streamc.dev/streamc/bench/gen"
)

// config is the command line.
type config struct {
	smoke   bool
	compile bool
	runs    int
	only    string
	dataDir string
	work    string // scratch directory: binaries, outputs, caches
	// outDir is where measured runs write their output: memory (tmpfs) when the system
	// has one, so that no run waits on the disk writing back an earlier run's output.
	outDir  string
	duckDir string
	report  string
	svg     string
	streamc string
	extras  bool
	latency time.Duration
	// latencyConfirm is how long the rate the latency search found is then held.
	latencyConfirm time.Duration
	profile        bool
	noDuckDB       bool
	procs          string // GOMAXPROCS settings, comma-separated (empty: 1 and all cores)
}

func main() {
	var c config
	cache, _ := os.UserCacheDir()
	flag.BoolVar(&c.smoke, "smoke", false, "small data, one run, all cores, no DuckDB, no extras; fail on any difference")
	flag.IntVar(&c.runs, "runs", 5, "runs of each side per setting (the median is reported)")
	flag.StringVar(&c.only, "only", "", "comma-separated workloads to run (default: all)")
	flag.StringVar(&c.outDir, "out-dir", defaultOutDir(), "where measured runs write their output, hashed after each run (default: /dev/shm when present, else the scratch directory)")
	flag.StringVar(&c.dataDir, "data", envOr("STREAMC_BENCH_DATA", filepath.Join(cache, "streamc-bench", "data")), "where generated data is cached")
	flag.StringVar(&c.duckDir, "duckdb", filepath.Join(cache, "streamc-bench", "duckdb"), "where DuckDB is installed from npm")
	flag.StringVar(&c.report, "report", "BENCHMARKS.md", "file whose generated section is rewritten (empty: none)")
	flag.StringVar(&c.svg, "svg", "bench/results.svg", "plot to write (empty: none)")
	flag.StringVar(&c.streamc, "streamc", "", "streamc binary to use (default: go build ./cmd/streamc)")
	flag.BoolVar(&c.extras, "extras", true, "also measure compile times, JSON decoding, allocations, latency and profiles")
	flag.DurationVar(&c.latency, "latency-step", 5*time.Second, "how long each rate is held in the latency search")
	flag.DurationVar(&c.latencyConfirm, "latency-confirm", 60*time.Second, "how long the rate found is then held to confirm it (0: not confirmed)")
	flag.BoolVar(&c.profile, "profile", true, "CPU-profile each generated binary")
	flag.BoolVar(&c.compile, "compile", true, "measure cold and warm compile times")
	flag.BoolVar(&c.noDuckDB, "no-duckdb", false, "skip DuckDB")
	flag.StringVar(&c.procs, "procs", "", "comma-separated GOMAXPROCS settings to measure, e.g. 1 (default: 1 and all cores; -smoke: all cores)")
	flag.Parse()
	if c.smoke {
		c.runs, c.extras, c.noDuckDB, c.profile, c.report, c.svg = 1, false, true, false, "", ""
	}
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// result is what one workload measured under one GOMAXPROCS setting.
type result struct {
	w                workload
	procs            int
	records          int
	stream, base     []runStat
	duck             []time.Duration
	duckErr          string
	duckEqual        bool
	outputsEqual     bool
	mismatch         string
	pending          string // why the pipeline does not build, if it does not
	outputBytes      int64
	streamMed, baseM time.Duration
}

// runStat is one measured run.
type runStat struct {
	wall   time.Duration
	cpu    time.Duration
	maxRSS int64 // bytes
	sum    string
	size   int64
}

func run(c config) error {
	start := time.Now()
	if _, err := os.Stat("go.mod"); err != nil {
		return errors.New("run from the repository root (make bench)")
	}
	if c.work == "" {
		dir, err := os.MkdirTemp("", "streamc-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		c.work = dir
	}
	if c.outDir == "" {
		c.outDir = c.work
	} else {
		dir, err := os.MkdirTemp(c.outDir, "streamc-bench-out-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		c.outDir = dir
	}
	sizes := gen.Full
	if c.smoke {
		sizes = gen.Smoke
	}
	logf("generating data into %s", c.dataDir)
	data, err := gen.Generate(c.dataDir, sizes)
	if err != nil {
		return err
	}
	sel := workloads
	if c.only != "" {
		sel = nil
		for _, w := range workloads {
			if slices.Contains(strings.Split(c.only, ","), w.name) {
				sel = append(sel, w)
			}
		}
	}

	b := &builder{work: c.work, streamc: c.streamc}
	if err := b.init(); err != nil {
		return err
	}
	bins := map[string]string{}
	pending := map[string]string{}
	for _, w := range sel {
		bin, err := b.pipeline(w)
		if err != nil {
			pending[w.name] = err.Error()
			logf("%s: pending: %s", w.name, firstLine(err.Error()))
			continue
		}
		bins[w.name] = bin
		if bins["base:"+w.baseline], err = b.baseline(w.baseline); err != nil {
			return err
		}
	}

	duck := &duckDB{dir: c.duckDir, work: c.work, data: data}
	if !c.noDuckDB {
		if err := duck.install(); err != nil {
			duck.err = err.Error()
			logf("DuckDB unavailable: %v", err)
		}
	} else {
		duck.err = "not run (-no-duckdb or -smoke)"
	}

	settings := []int{1, runtime.NumCPU()}
	if c.smoke || runtime.NumCPU() == 1 {
		settings = []int{runtime.NumCPU()}
	}
	if c.procs != "" {
		settings = nil
		for _, f := range strings.Split(c.procs, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 {
				return fmt.Errorf("-procs: %q is not a number of cores", f)
			}
			settings = append(settings, n)
		}
	}
	// Each workload is measured under every setting at once, runs alternating between the
	// settings as between the pipeline and its baseline, so that the 1-core to n-core
	// scaling compares runs made minutes apart at most, not a whole suite apart.
	measured := map[string][]*result{}
	failed := false
	for _, w := range sel {
		rs := make([]*result, len(settings))
		for i, procs := range settings {
			rs[i] = &result{w: w, procs: procs, records: w.records(sizes)}
		}
		measured[w.name] = rs
		if msg, ok := pending[w.name]; ok {
			for _, r := range rs {
				r.pending = msg
			}
			continue
		}
		if err := measure(c, rs, bins[w.name], bins["base:"+w.baseline], data); err != nil {
			// A pipeline that builds but fails is a bug: the smoke run fails on it,
			// the full run reports it and goes on with the others.
			if c.smoke {
				return fmt.Errorf("%s: %w", w.name, err)
			}
			for _, r := range rs {
				r.pending = "run failed: " + err.Error()
			}
			failed = true
			logf("%s: %s", w.name, firstLine(rs[0].pending))
			continue
		}
		for _, r := range rs {
			if w.duckdb != "" && duck.err == "" {
				duck.run(c, r)
			}
			if !r.outputsEqual {
				failed = true
			}
			logf("%-16s GOMAXPROCS=%d streamc %8s %5d MiB  baseline %8s %5d MiB  ratio %.2f  equal=%v %s",
				w.name, r.procs, r.streamMed.Round(time.Millisecond), maxRSS(r.stream)>>20,
				r.baseM.Round(time.Millisecond), maxRSS(r.base)>>20,
				float64(r.baseM)/float64(r.streamMed), r.outputsEqual, r.mismatch)
		}
	}
	// The report lists the results setting by setting.
	var results []*result
	for i := range settings {
		for _, w := range sel {
			results = append(results, measured[w.name][i])
		}
	}

	var ex *extras
	if c.extras {
		ex = measureExtras(c, b, data, sel, bins)
	}
	if c.smoke {
		// The smoke run keeps the fused paths free of per-record allocations: its
		// batches hold 1,200 to 4,000 input records (word count: 40,000 words), so one
		// allocation per record would put a batch far above smokeAllocsPerBatch.
		for _, a := range measureAllocs(c, b, data, sel, bins) {
			switch {
			case a.err != "":
				return fmt.Errorf("%s: allocation test: %s", a.name, a.err)
			case a.AllocsPerBatch > smokeAllocsPerBatch:
				return fmt.Errorf("%s: %.0f allocations per batch of %.0f records (testing.AllocsPerRun), more than %d: something allocates per record",
					a.name, a.AllocsPerBatch, a.RecordsPerBatch, smokeAllocsPerBatch)
			}
		}
	}
	if c.svg != "" {
		if err := os.WriteFile(c.svg, plot(results), 0o644); err != nil {
			return err
		}
	}
	if c.report != "" {
		if err := writeReport(c, results, ex, duck, time.Since(start)); err != nil {
			return err
		}
		logf("wrote %s", c.report)
	}
	if failed {
		return errors.New("some outputs differ from their baseline's (see above)")
	}
	logf("done in %s", time.Since(start).Round(time.Second))
	return nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// measure runs the pipeline and the baseline alternately c.runs times each, under each
// setting of rs in turn at every run, and fills rs.
func measure(c config, rs []*result, bin, base string, data gen.Data) error {
	dir, env := rs[0].w.input(data)
	envOf := func(r *result) []string {
		return append(slices.Clip(env), "INPUT="+dir, "GOMAXPROCS="+strconv.Itoa(r.procs))
	}
	for i := range c.runs {
		for _, r := range rs {
			args := []string{"--replay", "--log-level", "error", "--partitions", strconv.Itoa(r.procs)}
			if r.w.checkpoint {
				ck := filepath.Join(c.work, "ckpt")
				os.RemoveAll(ck)
				args = append(args, "--checkpoint", ck)
			}
			s, err := timed(c.outDir, envOf(r), bin, args...)
			if err != nil {
				return fmt.Errorf("GOMAXPROCS=%d, pipeline run %d: %w", r.procs, i+1, err)
			}
			bs, err := timed(c.outDir, envOf(r), base, r.w.baseArgs...)
			if err != nil {
				return fmt.Errorf("GOMAXPROCS=%d, baseline run %d: %w", r.procs, i+1, err)
			}
			r.stream = append(r.stream, s)
			r.base = append(r.base, bs)
		}
	}
	for _, r := range rs {
		r.outputsEqual = true
		for i := range r.stream {
			if r.stream[i].sum != r.base[0].sum || r.base[i].sum != r.base[0].sum {
				r.outputsEqual = false
			}
		}
		r.outputBytes = r.base[0].size
		if !r.outputsEqual {
			// Run once more keeping both outputs, to say where they differ.
			a, _ := outputOf(c.work, envOf(r), bin, "--replay", "--log-level", "error", "--partitions", strconv.Itoa(r.procs))
			b, _ := outputOf(c.work, envOf(r), base, r.w.baseArgs...)
			r.mismatch = firstDifference(a, b)
		}
		r.streamMed = median(r.stream)
		r.baseM = median(r.base)
	}
	return nil
}

// defaultOutDir is /dev/shm when it is a writable directory: q0 and q1 print about
// 900 MB a run, and written to disk, a run's wall time depended on how much of the
// previous run's output the kernel was still writing back (0.4 to 2.4 s of system time
// for either side, BENCHMARKS.md), which is the disk's speed, not the program's.
func defaultOutDir() string {
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() && syscall.Access("/dev/shm", 2) == nil {
		return "/dev/shm"
	}
	return ""
}

// timed runs bin with its output going to a file in dir, and returns the measures and
// the digest of the output.
func timed(dir string, env []string, bin string, args ...string) (runStat, error) {
	outPath := filepath.Join(dir, "out.txt")
	out, err := os.Create(outPath)
	if err != nil {
		return runStat{}, err
	}
	defer os.Remove(outPath)
	var stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout = out
	cmd.Stderr = &stderr
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		out.Close()
		return runStat{}, err
	}
	hwm := watchHWM(cmd.Process.Pid)
	err = cmd.Wait()
	wall := time.Since(t0)
	peak := hwm()
	out.Close()
	if err != nil {
		return runStat{}, fmt.Errorf("%s %v: %v\n%s", filepath.Base(bin), args, err, tail(stderr.String(), 2000))
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	// rusage's maxrss alone is not the child's peak: os/exec starts children with
	// vfork semantics, so exec records the driver's own high-water mark into the child's
	// maxrss. The child's VmHWM, sampled while it runs, is its own; maxrss still bounds
	// it from above when the driver stayed small.
	st := runStat{
		wall:   wall,
		cpu:    cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(),
		maxRSS: peak,
	}
	if st.maxRSS == 0 {
		st.maxRSS = int64(ru.Maxrss) * 1024 // kilobytes on Linux
	}
	f, err := os.Open(outPath)
	if err != nil {
		return st, err
	}
	defer f.Close()
	h := sha256.New()
	st.size, err = io.Copy(h, f)
	st.sum = hex.EncodeToString(h.Sum(nil))
	return st, err
}

// watchHWM samples the VmHWM (peak resident set) of process pid every 5 ms until the
// returned function is called, which returns the largest value seen, in bytes.
func watchHWM(pid int) func() int64 {
	path := fmt.Sprintf("/proc/%d/status", pid)
	stop := make(chan struct{})
	done := make(chan int64)
	go func() {
		var peak int64
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			if data, err := os.ReadFile(path); err == nil {
				if i := bytes.Index(data, []byte("VmHWM:")); i >= 0 {
					var kb int64
					fmt.Sscan(string(data[i+len("VmHWM:"):]), &kb)
					peak = max(peak, kb*1024)
				}
			}
			select {
			case <-stop:
				done <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return func() int64 {
		close(stop)
		return <-done
	}
}

// outputOf runs bin and returns its standard output.
func outputOf(work string, env []string, bin string, args ...string) ([]byte, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	if slices.Contains(args, "--replay") {
		ck := filepath.Join(work, "ckpt-diff")
		os.RemoveAll(ck)
		cmd.Args = append(cmd.Args, "--checkpoint", ck)
	}
	return cmd.Output()
}

// firstDifference describes the first line where a and b differ.
func firstDifference(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range max(len(la), len(lb)) {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			return fmt.Sprintf("first difference at line %d: streamc %q, baseline %q", i+1, x, y)
		}
	}
	return "outputs differ only between runs (nondeterministic)"
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

func median(rs []runStat) time.Duration {
	ds := make([]time.Duration, len(rs))
	for i, r := range rs {
		ds[i] = r.wall
	}
	return medianDur(ds)
}

func medianDur(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func maxRSS(rs []runStat) int64 {
	var m int64
	for _, r := range rs {
		m = max(m, r.maxRSS)
	}
	return m
}
