//go:build unix

package crashtest

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"streamc.dev/streamc/internal/crashkit"
	"streamc.dev/streamc/internal/e2e"
)

// The pipeline's outputs, each a saveAsTextFiles prefix under out/.
var outputs = []string{"totals", "window", "inverse", "words"}

// streamFile writes a variant of testdata/totals.stream into dir, with each old string
// replaced by its new one, and returns its path.
func streamFile(t *testing.T, dir string, replace ...string) string {
	t.Helper()
	src, err := os.ReadFile("testdata/totals.stream")
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	for i := 0; i < len(replace); i += 2 {
		if !strings.Contains(s, replace[i]) {
			t.Fatalf("testdata/totals.stream has no %q", replace[i])
		}
		s = strings.ReplaceAll(s, replace[i], replace[i+1])
	}
	os.MkdirAll(dir, 0o755)
	path := filepath.Join(dir, "totals.stream")
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// run returns the command running binary bin in dir.
func run(bin, dir string, args ...string) *exec.Cmd {
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	return cmd
}

// parseCounts reads an output of "(k,n)" lines; keys with n = 0 are left out (the
// inverse window keeps keys whose count went back to zero, the plain one drops them).
func parseCounts(s string) map[string]int64 {
	m := map[string]int64{}
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		k, v, ok := strings.Cut(strings.Trim(l, "()"), ",")
		if !ok {
			continue
		}
		if n, _ := strconv.ParseInt(v, 10, 64); n != 0 {
			m[k] = n
		}
	}
	return m
}

// batchTimes returns the batch times of the directories of one output, ascending.
func batchTimes(outputs map[string]string, prefix string) []int64 {
	var ts []int64
	for name := range outputs {
		if s, ok := strings.CutPrefix(name, prefix+"-"); ok {
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				ts = append(ts, n)
			}
		}
	}
	slices.Sort(ts)
	return ts
}

// latestTotals returns the totals of the newest batch.
func latestTotals(outputs map[string]string) map[string]int64 {
	ts := batchTimes(outputs, "totals")
	if len(ts) == 0 {
		return nil
	}
	return parseCounts(outputs["totals-"+strconv.FormatInt(ts[len(ts)-1], 10)])
}

// TestCrashFiles builds the pipeline with streamc, runs it over 100,000 lines in 200
// files with the replay clock and a checkpoint after every batch, SIGKILLs it at random
// moments 20 times, restarting it each time, and checks that every saved output
// directory is byte for byte that of an uninterrupted run.
func TestCrashFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test")
	}
	const files, perFile, keys, kills = 200, 500, 200, 20
	root := t.TempDir()
	bin := e2e.Build(t, streamFile(t, filepath.Join(root, "src")))
	want := crashkit.WriteInput(t, filepath.Join(root, "in"), files, perFile, keys)
	args := func(ck string) []string { return []string{"--replay", "--checkpoint", ck, "--log-level", "warn"} }

	begin := time.Now()
	if out, err := run(bin, root, args("ref-ckpt")...).CombinedOutput(); err != nil {
		t.Fatalf("uninterrupted run: %v\n%s", err, out)
	}
	d := time.Since(begin)
	t.Logf("uninterrupted run: %v", d)
	if err := os.Rename(filepath.Join(root, "out"), filepath.Join(root, "ref")); err != nil {
		t.Fatal(err)
	}
	ref := crashkit.ReadOutputs(t, filepath.Join(root, "ref"), outputs...)

	starts := crashkit.KillDuring(t, kills, d,
		func() *exec.Cmd { return run(bin, root, args("ckpt")...) },
		func() { os.RemoveAll(filepath.Join(root, "ckpt")) })
	var stderr bytes.Buffer
	final := run(bin, root, args("ckpt")...)
	final.Stderr = &stderr
	if err := final.Run(); err != nil {
		t.Fatalf("final run: %v\n%s", err, stderr.String())
	}
	starts++

	got := crashkit.ReadOutputs(t, filepath.Join(root, "out"), outputs...)
	differ := crashkit.Differ(ref, got)
	lost, dup, _ := crashkit.LostAndDuplicated(latestTotals(got), want)
	msg := fmt.Sprintf("crash test (files): %d records, %d kills: %d lost, %d duplicated", files*perFile, kills, lost, dup)
	fmt.Println(msg)
	t.Logf("%s; %d starts, %d output directories, %d differ from the uninterrupted run", msg, starts, len(ref), len(differ))
	if len(differ) > 0 || lost != 0 || dup != 0 || len(batchTimes(ref, "totals")) < files {
		t.Errorf("outputs differ from the uninterrupted run: %v", differ[:min(len(differ), 10)])
	}
	if leftovers, _ := filepath.Glob(filepath.Join(root, "out", ".*")); len(leftovers) > 0 {
		t.Errorf("temporary output directories left behind: %v", leftovers)
	}
}

// TestCrashSocketWAL builds the pipeline with a socket source, runs it live (100ms
// batches) through the receiver's write-ahead log, SIGKILLs it 20 times while 100,000
// lines arrive, restarting it each time, and stops it with SIGTERM once everything is
// in. Live batches depend on timing, so instead of a reference run it checks the
// outputs against each other: the final totals count every line exactly once, the
// batches run on an unbroken grid, totals never go down, and every window (plain and
// inverse) is exactly the difference of the totals three batches apart — which holds
// only if the window state survived every restart.
func TestCrashSocketWAL(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test")
	}
	const records, keys, kills = 100_000, 200, 20
	root := t.TempDir()
	bin := e2e.Build(t, streamFile(t, filepath.Join(root, "src"), `files("in")`, `socket("localhost:9999")`))
	var lines []string
	want := map[string]int64{}
	for i := range records {
		k := "k" + strconv.Itoa(i*7919%keys)
		lines = append(lines, k)
		want[k]++
	}
	srv := crashkit.NewResumingServer(t, lines)
	args := []string{"--checkpoint", "ckpt", "--source", "lines=" + srv.Addr(), "--log-level", "warn"}
	walDir := filepath.Join(root, "ckpt", "wal", "lines")

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	var stderr bytes.Buffer
	for range kills {
		cmd := run(bin, root, args...)
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100*time.Millisecond + time.Duration(rng.Int64N(int64(200*time.Millisecond))))
		cmd.Process.Signal(syscall.SIGKILL)
		if err := cmd.Wait(); err != nil && !strings.Contains(err.Error(), "killed") {
			t.Fatalf("run failed: %v\n%s", err, stderr.String())
		}
		n := crashkit.WALRecords(t, walDir)
		srv.ResumeFrom(n)
	}

	// The last life: wait until the totals account for every line, then stop gracefully.
	cmd := run(bin, root, args...)
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		if _, _, sum := crashkit.LostAndDuplicated(latestTotals(crashkit.ReadOutputs(t, filepath.Join(root, "out"), outputs...)), want); sum >= records {
			break
		}
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("graceful stop: %v\n%s", err, stderr.String())
	}

	out := crashkit.ReadOutputs(t, filepath.Join(root, "out"), outputs...)
	lost, dup, _ := crashkit.LostAndDuplicated(latestTotals(out), want)
	ts := batchTimes(out, "totals")
	var problems []string
	for i, tm := range ts {
		if i > 0 && tm != ts[i-1]+100 {
			problems = append(problems, fmt.Sprintf("batch %d follows %d", tm, ts[i-1]))
		}
	}
	// window(t) = totals(t) - totals(t - 300ms), per key with a non-zero count.
	totals := func(tm int64) map[string]int64 { return parseCounts(out["totals-"+strconv.FormatInt(tm, 10)]) }
	for _, tm := range ts {
		cur, old := totals(tm), totals(tm-300)
		if _, _, s := crashkit.LostAndDuplicated(cur, nil); tm > ts[0] {
			if _, _, p := crashkit.LostAndDuplicated(totals(tm-100), nil); s < p {
				problems = append(problems, fmt.Sprintf("totals went down at %d", tm))
			}
		}
		diff := map[string]int64{}
		for k, n := range cur {
			if n -= old[k]; n != 0 {
				diff[k] = n
			}
		}
		for _, w := range []string{"window", "inverse"} {
			name := w + "-" + strconv.FormatInt(tm, 10)
			got, ok := out[name]
			if !ok {
				problems = append(problems, name+" missing")
				continue
			}
			if g := parseCounts(got); !mapsEqual(g, diff) {
				problems = append(problems, name+" is not the difference of the totals 300ms apart")
			}
		}
	}
	msg := fmt.Sprintf("crash test (socket): %d records, %d kills: %d lost, %d duplicated", records, kills, lost, dup)
	fmt.Println(msg)
	t.Logf("%s; %d batches, %d inconsistent", msg, len(ts), len(problems))
	if lost != 0 || dup != 0 || len(problems) > 0 {
		t.Errorf("lost %d, duplicated %d; %d problems: %v\n%s", lost, dup, len(problems), problems[:min(len(problems), 10)], stderr.String())
	}
}

func mapsEqual(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestChangedPipeline checks what a restart with an edited pipeline does with the
// checkpoint: a changed state type is refused with a message naming the section, and
// an added output is accepted (the run resumes from the checkpoint).
func TestChangedPipeline(t *testing.T) {
	root := t.TempDir()
	crashkit.WriteInput(t, filepath.Join(root, "in"), 6, 10, 5)
	base := e2e.Build(t, streamFile(t, filepath.Join(root, "base")))
	if out, err := run(base, root, "--replay", "--batches", "3").CombinedOutput(); err != nil {
		t.Fatalf("first run: %v\n%s", err, out)
	}

	// The running totals become floats: the checkpointed ints cannot be read as such.
	changed := e2e.Build(t, streamFile(t, filepath.Join(root, "changed"),
		`(news, total: int?) => some(sum(news) + total.getOrElse(0))`,
		`(news, total: float?) => some(toFloat(sum(news)) + total.getOrElse(0.0))`))
	out, err := run(changed, root, "--replay", "--batches", "1").CombinedOutput()
	if code := exitCode(err); code != 1 {
		t.Fatalf("changed state type: exit code %d, want 1\n%s", code, out)
	}
	for _, s := range []string{"does not fit this pipeline", `- checkpointed: updateStateByKey(totals): (string, int)`,
		`+ this binary:  updateStateByKey(totals): (string, float)`, "--fresh"} {
		if !strings.Contains(string(out), s) {
			t.Errorf("the refusal does not say %q:\n%s", s, out)
		}
	}
	t.Logf("what a user sees:\n%s", out)

	// A new output keeps the state's shape: the run resumes after batch 300.
	added := e2e.Build(t, streamFile(t, filepath.Join(root, "added"),
		`totals.saveAsTextFiles("out/totals")`, "totals.saveAsTextFiles(\"out/totals\")\ntotals.print()"))
	out, err = run(added, root, "--replay", "--batches", "1").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "recovering from checkpoint") || !strings.Contains(string(out), "Time: 400 ms") {
		t.Fatalf("added output: %v\n%s", err, out)
	}
}

// exitCode returns the exit code of a finished command's error (0 for nil).
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if e, ok := err.(*exec.ExitError); ok {
		return e.ExitCode()
	}
	return -1
}

// everyOutputs are the outputs of testdata/every.stream.
var everyOutputs = []string{"window", "window2", "countByWindow", "reduceByWindow", "countByValue", "group",
	"inverse", "timeouts", "snapshots", "update", "words"}

// readDirs returns the output directories under out of the given prefixes with their
// part files' contents; sorted sorts each directory's lines (for runs whose partition
// counts differ, where only the order within a batch may change).
func readDirs(t *testing.T, out string, prefixes []string, sorted bool) map[string]string {
	t.Helper()
	got := map[string]string{}
	for _, sub := range prefixes {
		dirs, _ := filepath.Glob(filepath.Join(out, sub+"-*"))
		for _, d := range dirs {
			parts, _ := filepath.Glob(filepath.Join(d, "part-*"))
			var b strings.Builder
			for _, p := range parts {
				data, _ := os.ReadFile(p)
				b.Write(data)
			}
			s := b.String()
			if sorted {
				lines := strings.Split(s, "\n")
				slices.Sort(lines)
				s = strings.Join(lines, "\n")
			}
			got[filepath.Base(d)] = s
		}
	}
	return got
}

// TestRestartEveryOperator builds testdata/every.stream, which has every stateful
// operator (window, a window of a window, countByWindow, reduceByWindow,
// countByValueAndWindow, groupByKeyAndWindow, reduceByKeyAndWindow with an inverse and
// a filter, mapWithState with a timeout and record state, updateStateByKey with tuple
// and list state), and runs it one batch per process: every batch starts from the
// previous one's checkpoint. The outputs must be byte for byte those of one
// uninterrupted run. Then again with the partition count changed at every restart
// (1, 3, 2, ...): keys move between partitions, so only the order of lines within a
// batch may differ.
func TestRestartEveryOperator(t *testing.T) {
	root := t.TempDir()
	bin := e2e.Build(t, "testdata/every.stream")
	in := filepath.Join(root, "in")
	os.MkdirAll(in, 0o755)
	for f := range 12 {
		var b strings.Builder
		for i := range 40 {
			// Keys change every three files, so that mapWithState's timeouts fire.
			fmt.Fprintf(&b, "k%d\n", (f/3%4)*3+i%(3+f%2))
		}
		os.WriteFile(filepath.Join(in, fmt.Sprintf("part-%02d.txt", f)), []byte(b.String()), 0o644)
	}
	if out, err := run(bin, root, "--replay", "--checkpoint", "ref-ckpt").CombinedOutput(); err != nil {
		t.Fatalf("uninterrupted run: %v\n%s", err, out)
	}
	os.Rename(filepath.Join(root, "out"), filepath.Join(root, "ref"))
	ref := readDirs(t, filepath.Join(root, "ref"), everyOutputs, false)
	refSorted := readDirs(t, filepath.Join(root, "ref"), everyOutputs, true)

	for _, mode := range []string{"same partitions", "changing partitions"} {
		os.RemoveAll(filepath.Join(root, "out"))
		ck := "ckpt-" + strings.ReplaceAll(mode, " ", "-")
		starts := 0
		for ; starts < 100; starts++ {
			args := []string{"--replay", "--checkpoint", ck, "--batches", "1"}
			if mode == "changing partitions" {
				args = append(args, "--partitions", strconv.Itoa(1+starts%3))
			}
			out, err := run(bin, root, args...).CombinedOutput()
			if err != nil {
				t.Fatalf("%s, start %d: %v\n%s", mode, starts+1, err, out)
			}
			if strings.Contains(string(out), "already finished") {
				break
			}
		}
		var differ []string
		if mode == "same partitions" {
			differ = crashkit.Differ(ref, readDirs(t, filepath.Join(root, "out"), everyOutputs, false))
		} else {
			differ = crashkit.Differ(refSorted, readDirs(t, filepath.Join(root, "out"), everyOutputs, true))
		}
		t.Logf("%s: %d starts, %d output directories, %d differ from the uninterrupted run", mode, starts, len(ref), len(differ))
		if len(differ) > 0 {
			t.Errorf("%s: outputs differ from the uninterrupted run: %v", mode, differ[:min(len(differ), 10)])
		}
	}
}
