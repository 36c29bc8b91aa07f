package examples

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"streamc.dev/streamc/internal/e2e"
)

// TestExamples builds every example that has an expected.txt and compares the binary's
// standard output, run with the flags in its args file, to it.
func TestExamples(t *testing.T) {
	dirs, err := filepath.Glob("*/expected.txt")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no examples with expected output (%v)", err)
	}
	for _, exp := range dirs {
		dir := filepath.Dir(exp)
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			streams, _ := filepath.Glob(filepath.Join(dir, "*.stream"))
			if len(streams) != 1 {
				t.Fatalf("%s: want one .stream file, have %d", dir, len(streams))
			}
			bin := e2e.Build(t, streams[0])
			args := readArgs(t, filepath.Join(dir, "args"))
			// A finished replay run refuses to run again in the same checkpoint directory,
			// so a pipeline that checkpoints gets a fresh one on every test run.
			if setsCheckpoint(t, streams[0]) {
				args = append(args, "--checkpoint", filepath.Join(t.TempDir(), "ckpt"))
			}
			cmd := exec.Command(bin, args...)
			cmd.Dir = ".."
			out := t.TempDir()
			cmd.Env = append(os.Environ(), "OUTPUT="+filepath.Join(out, "out"))
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, stderr.String())
			}
			want, _ := os.ReadFile(exp)
			if diff := cmp.Diff(string(want), stdout.String()); diff != "" {
				t.Errorf("output differs from %s (-want +got):\n%s\nstderr:\n%s", exp, diff, stderr.String())
			}
			// An example that saves files lists them, with their contents, in
			// expected-files.txt.
			if want, err := os.ReadFile(filepath.Join(dir, "expected-files.txt")); err == nil {
				if diff := cmp.Diff(string(want), listFiles(t, out)); diff != "" {
					t.Errorf("saved files differ from %s/expected-files.txt (-want +got):\n%s", dir, diff)
				}
			}
		})
	}
}

// TestExamplesResume stops every example that checkpoints after a few batches and runs
// it again in the same checkpoint directory: the restarted binary resumes from the
// checkpoint, state included, so the two runs together print what one run prints.
func TestExamplesResume(t *testing.T) {
	dirs, _ := filepath.Glob("*/expected.txt")
	for _, exp := range dirs {
		dir := filepath.Dir(exp)
		streams, _ := filepath.Glob(filepath.Join(dir, "*.stream"))
		if len(streams) != 1 || !setsCheckpoint(t, streams[0]) {
			continue
		}
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			bin := e2e.Build(t, streams[0])
			args := append(readArgs(t, filepath.Join(dir, "args")), "--checkpoint", filepath.Join(t.TempDir(), "ckpt"))
			env := append(os.Environ(), "OUTPUT="+filepath.Join(t.TempDir(), "out"))
			var stdout bytes.Buffer
			for _, extra := range [][]string{{"--batches", "3"}, nil} {
				var stderr bytes.Buffer
				cmd := exec.Command(bin, append(args, extra...)...)
				cmd.Dir, cmd.Env = "..", env
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				if err := cmd.Run(); err != nil {
					t.Fatalf("%s %v: %v\n%s", bin, cmd.Args[1:], err, stderr.String())
				}
			}
			if diff := cmp.Diff(readFile(t, exp), stdout.String()); diff != "" {
				t.Errorf("stopped after 3 batches and resumed: output differs from %s (-want +got):\n%s", exp, diff)
			}
		})
	}
}

// listFiles renders every file under root as "== path" followed by its content.
func listFiles(t *testing.T, root string) string {
	var b strings.Builder
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		data, err := os.ReadFile(p)
		fmt.Fprintf(&b, "== %s\n%s", filepath.ToSlash(rel), data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// checkpointSetting matches the checkpoint setting, which starts a top-level line.
var checkpointSetting = regexp.MustCompile(`(?m)^checkpoint[ \t]`)

// setsCheckpoint reports whether the .stream file at path sets a checkpoint directory.
func setsCheckpoint(t *testing.T, path string) bool {
	return checkpointSetting.MatchString(readFile(t, path))
}

func readArgs(t *testing.T, path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var args []string
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			args = append(args, line)
		}
	}
	return args
}

// TestNetworkWordCount serves the example's input over TCP, as `nc -lk 9999` would, and
// checks that the counts printed over all batches add up to the words sent. Which batch
// a line lands in depends on timing, so the test sums across batches; the input has
// fewer distinct words than print shows per batch, so every count is printed.
func TestNetworkWordCount(t *testing.T) {
	bin := e2e.Build(t, "network_wordcount/network_wordcount.stream")
	input, err := os.ReadFile("network_wordcount/input.txt")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		conn.Write(input)
		time.Sleep(3 * time.Second) // keep the connection open while batches run
	}()
	cmd := exec.Command(bin, "--source", "lines="+ln.Addr().String(), "--batch", "200ms", "--batches", "10")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	printed := stdout.String()
	got := parseCounts(t, printed)
	want := parseCounts(t, readFile(t, "network_wordcount/expected-totals.txt"))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("word totals over all batches (-want +got):\n%s\nstdout:\n%s\nstderr:\n%s", diff, printed, stderr.String())
	}
}

func readFile(t *testing.T, path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// parseCounts adds up the (word,n) lines of text, ignoring everything else.
func parseCounts(t *testing.T, text string) map[string]int {
	counts := map[string]int{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := sc.Text()
		i := strings.LastIndexByte(line, ',')
		if !strings.HasPrefix(line, "(") || !strings.HasSuffix(line, ")") || i < 0 {
			continue
		}
		var n int
		if _, err := fmt.Sscanf(line[i+1:], "%d)", &n); err != nil {
			t.Fatalf("bad count line %q: %v", line, err)
		}
		counts[line[1:i]] += n
	}
	return counts
}
