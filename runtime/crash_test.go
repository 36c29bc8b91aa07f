//go:build unix

package runtime_test

import (
	"bytes"
	"errors"
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
	rt "streamc.dev/streamc/runtime"
)

// TestMain doubles as the pipeline binary of the crash tests: when STREAMC_CHILD names a
// pipeline, the test binary runs it with its arguments instead of the tests, like a
// binary built by streamc would. STREAMC_CHILD_FSIZE limits the size of the files it may
// write (a full disk).
func TestMain(m *testing.M) {
	if kind := os.Getenv("STREAMC_CHILD"); kind != "" {
		if lim := os.Getenv("STREAMC_CHILD_FSIZE"); lim != "" {
			n, _ := strconv.ParseUint(lim, 10, 64)
			if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: n, Max: n}); err != nil {
				fmt.Fprintln(os.Stderr, "setrlimit:", err)
				os.Exit(3)
			}
		}
		os.Exit(rt.RunMain(childPipeline(kind), os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// childPipeline returns the pipeline a child runs.
func childPipeline(kind string) *rt.Pipeline {
	if kind == "growing" {
		return growingPipeline()
	}
	return newTotalsPipeline(kind, os.Getenv("STREAMC_CHILD_OUT"))
}

// child returns the command running pipeline kind in a child process, in dir.
func child(dir, kind, out string, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "STREAMC_CHILD="+kind, "STREAMC_CHILD_OUT="+out)
	return cmd
}

// parseTotals reads a totals output "(k,n)" per line.
func parseTotals(s string) map[string]int64 {
	m := map[string]int64{}
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		k, v, ok := strings.Cut(strings.Trim(l, "()"), ",")
		if ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			m[k] = n
		}
	}
	return m
}

// latest returns the name of the newest totals directory in outputs.
func latest(outputs map[string]string) string {
	best, bestT := "", int64(-1)
	for name := range outputs {
		if t, ok := strings.CutPrefix(name, "totals-"); ok {
			if n, _ := strconv.ParseInt(t, 10, 64); n > bestT {
				best, bestT = name, n
			}
		}
	}
	return best
}

// TestCrashFilesReplay runs the stateful pipeline over 100,000 lines in 200 files with
// the replay clock, SIGKILLs it at random moments 20 times, restarting it each time,
// and checks that its outputs are byte for byte those of an uninterrupted run.
func TestCrashFilesReplay(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test")
	}
	const files, perFile, keys, kills = 200, 500, 200, 20
	root := t.TempDir()
	want := crashkit.WriteInput(t, filepath.Join(root, "in"), files, perFile, keys)
	args := func(ck string) []string {
		return []string{"--replay", "--checkpoint", ck, "--checkpoint-every", "500ms", "--log-level", "warn"}
	}

	// The uninterrupted run.
	begin := time.Now()
	ref := child(root, "files", "ref", args("ref-ckpt")...)
	if out, err := ref.CombinedOutput(); err != nil {
		t.Fatalf("uninterrupted run: %v\n%s", err, out)
	}
	d := time.Since(begin)
	t.Logf("uninterrupted run: %v", d)
	refOut := crashkit.ReadOutputs(t, filepath.Join(root, "ref"), "totals", "window")

	// The crashing run (see crashkit.KillDuring for when the kills fall).
	restarts := crashkit.KillDuring(t, kills, d,
		func() *exec.Cmd { return child(root, "files", "out", args("ckpt")...) },
		func() { os.RemoveAll(filepath.Join(root, "ckpt")) })
	var stderr bytes.Buffer
	final := child(root, "files", "out", args("ckpt")...)
	final.Stderr = &stderr
	if err := final.Run(); err != nil {
		t.Fatalf("final run: %v\n%s", err, stderr.String())
	}

	got := crashkit.ReadOutputs(t, filepath.Join(root, "out"), "totals", "window")
	differ := crashkit.Differ(refOut, got)
	lost, dup, sum := crashkit.LostAndDuplicated(parseTotals(got[latest(got)]), want)
	msg := fmt.Sprintf("crash test (files, replay): %d records in %d files, %d SIGKILLs, %d starts; "+
		"%d output directories, %d differ from the uninterrupted run; final totals %d: %d lost, %d duplicated",
		files*perFile, files, kills, restarts+1, len(refOut), len(differ), sum, lost, dup)
	t.Log(msg)
	fmt.Println(msg)
	if len(differ) > 0 || lost != 0 || dup != 0 || len(refOut) < files {
		t.Errorf("outputs differ: %v", differ[:min(len(differ), 10)])
	}
	if leftovers, _ := filepath.Glob(filepath.Join(root, "out", ".*")); len(leftovers) > 0 {
		t.Errorf("temporary output directories left behind: %v", leftovers)
	}
}

// TestCrashSocketWAL runs the stateful pipeline live over a socket through the
// write-ahead log, SIGKILLs it 20 times while 100,000 lines arrive, restarts it each
// time, stops it with SIGTERM once everything is in, and checks that every line was
// counted exactly once.
func TestCrashSocketWAL(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test")
	}
	const records, keys, kills = 100_000, 200, 20
	root := t.TempDir()
	var lines []string
	want := map[string]int64{}
	for i := range records {
		k := "k" + strconv.Itoa(i*7919%keys)
		lines = append(lines, k)
		want[k]++
	}
	srv := crashkit.NewResumingServer(t, lines)
	args := []string{"--checkpoint", "ckpt", "--batch", "50ms", "--checkpoint-every", "250ms",
		"--source", "lines=" + srv.Addr(), "--log-level", "warn"}
	walDir := filepath.Join(root, "ckpt", "wal", "lines")

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	var stderr bytes.Buffer
	for range kills {
		cmd := child(root, "socket", "out", args...)
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50*time.Millisecond + time.Duration(rng.Int64N(int64(150*time.Millisecond))))
		cmd.Process.Signal(syscall.SIGKILL)
		if err := cmd.Wait(); err != nil && !strings.Contains(err.Error(), "killed") {
			t.Fatalf("run failed: %v\n%s", err, stderr.String())
		}
		n := crashkit.WALRecords(t, walDir)
		srv.ResumeFrom(n)
	}

	// The last life: wait until the totals account for every line, then stop gracefully.
	cmd := child(root, "socket", "out", args...)
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	var sum int64
	for time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		out := crashkit.ReadOutputs(t, filepath.Join(root, "out"), "totals", "window")
		if _, _, sum = crashkit.LostAndDuplicated(parseTotals(out[latest(out)]), want); sum >= records {
			break
		}
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("graceful stop: %v\n%s", err, stderr.String())
	}

	out := crashkit.ReadOutputs(t, filepath.Join(root, "out"), "totals", "window")
	lost, dup, sum := crashkit.LostAndDuplicated(parseTotals(out[latest(out)]), want)
	// Every batch's totals are the previous batch's plus its lines: never lower.
	var names []string
	for name := range out {
		if strings.HasPrefix(name, "totals-") {
			names = append(names, name)
		}
	}
	slices.SortFunc(names, func(a, b string) int {
		x, _ := strconv.ParseInt(strings.TrimPrefix(a, "totals-"), 10, 64)
		y, _ := strconv.ParseInt(strings.TrimPrefix(b, "totals-"), 10, 64)
		return int(x - y)
	})
	decreases := 0
	var prev int64
	for _, name := range names {
		_, _, s := crashkit.LostAndDuplicated(parseTotals(out[name]), want)
		if s < prev {
			decreases++
		}
		prev = s
	}
	msg := fmt.Sprintf("crash test (socket, write-ahead log): %d records sent, %d SIGKILLs, %d starts, %d batches; "+
		"final totals %d: %d lost, %d duplicated", records, kills, kills+1, len(names), sum, lost, dup)
	t.Log(msg)
	fmt.Println(msg)
	if lost != 0 || dup != 0 || decreases != 0 {
		t.Errorf("lost %d, duplicated %d, %d batches whose totals went down\n%s", lost, dup, decreases, stderr.String())
	}
}

// TestDiskFullDuringCheckpoint runs a pipeline whose state outgrows a file-size limit
// (RLIMIT_FSIZE, which fails writes with EFBIG as a full disk fails them with ENOSPC):
// the run fails loudly with exit code 1, the older checkpoints stay, and a restart
// without the limit resumes from the newest of them.
func TestDiskFullDuringCheckpoint(t *testing.T) {
	root := t.TempDir()
	cmd := child(root, "growing", "", "--replay", "--batches", "20", "--checkpoint", "ckpt", "--checkpoint-every", "100ms")
	cmd.Env = append(cmd.Env, "STREAMC_CHILD_FSIZE=20000")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("want exit code 1, got %v\n%s", err, out)
	}
	want := `level=ERROR msg="checkpoint failed" pipeline=growing err="writing checkpoint ckpt/checkpoint-500: write `
	if !strings.Contains(string(out), want) || !strings.Contains(string(out), "file too large") {
		t.Fatalf("output lacks %q:\n%s", want, out)
	}
	t.Logf("what a user sees:\n%s", out)
	left, _ := filepath.Glob(filepath.Join(root, "ckpt", "*checkpoint-*"))
	if len(left) != 2 || !strings.HasSuffix(left[0], "checkpoint-300") || !strings.HasSuffix(left[1], "checkpoint-400") {
		t.Errorf("checkpoint files after the failure: %v", left)
	}
	again := child(root, "growing", "", "--replay", "--batches", "1", "--checkpoint", "ckpt", "--checkpoint-every", "100ms")
	out, err = again.CombinedOutput()
	if err != nil || !strings.Contains(string(out), `msg="recovering from checkpoint" pipeline=growing checkpoint=ckpt/checkpoint-400`) ||
		!strings.Contains(string(out), "msg=batch pipeline=growing batch_time=500") {
		t.Fatalf("restart: %v\n%s", err, out)
	}
}
