package codegen_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"streamc.dev/streamc/internal/e2e"
)

// badInputStream reads a CSV source through a decoder and another source raw, both with
// the pipeline's policy, which the runs below set with --on-bad-record.
const badInputStream = `pipeline bad_input
batch 1s

type Hit { ip: string, status: int }

files("in/hits").csv(Hit).print()
files("in/raw").count().print()
`

// TestBadInputGoesThroughThePolicy builds a pipeline and runs it over files holding a
// line of 2 MiB (over the 1 MiB limit) in each source, and a CSV row whose string field
// is not UTF-8. Each is a bad record under every policy: fail stops the run (exit 1)
// naming the file and the size, skip counts them, deadLetter writes them. Before, the
// long lines were dropped outside the policy (exit 0 under fail, not counted, not
// dead-lettered) and the invalid row was printed as a record.
func TestBadInputGoesThroughThePolicy(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a pipeline; skipped with -short")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "bad_input.stream")
	if err := os.WriteFile(src, []byte(badInputStream), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := e2e.Build(t, src)
	long := strings.Repeat("x", 2<<20)

	run := func(t *testing.T, policy string) (stdout, stderr string, code int, wd string) {
		wd = t.TempDir()
		for name, data := range map[string]string{
			"in/hits/a.csv": "1.2.3.4,200\n" + long + "\n5.6.7.8,500\nbad\xff,200\n",
			"in/raw/r.txt":  "x\n" + long + "\ny\n",
		} {
			p := filepath.Join(wd, name)
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		cmd := exec.Command(bin, "--replay", "--partitions", "2", "--on-bad-record", policy)
		cmd.Dir = wd
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return out.String(), errb.String(), code, wd
	}

	t.Run("fail", func(t *testing.T) {
		_, stderr, code, _ := run(t, "fail")
		if code != 1 {
			t.Errorf("exit code %d, want 1\n%s", code, stderr)
		}
		// The sources count the line's newline in its size.
		if !strings.Contains(stderr, "line of 209715") || !strings.Contains(stderr, " bytes in in/") || !strings.Contains(stderr, "is longer than the limit of 1048576 bytes") {
			t.Errorf("the error does not name the file and the size:\n%s", stderr)
		}
	})
	t.Run("skip", func(t *testing.T) {
		stdout, stderr, code, _ := run(t, "skip")
		if code != 0 {
			t.Fatalf("exit code %d\n%s", code, stderr)
		}
		for _, want := range []string{"Hit{ip:1.2.3.4,status:200}\nHit{ip:5.6.7.8,status:500}\n\n", "\n2\n"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("output lacks %q:\n%s", want, stdout)
			}
		}
		if strings.Contains(stdout, "bad") {
			t.Errorf("the row that is not UTF-8 was printed:\n%s", stdout)
		}
		if !strings.Contains(stderr, "bad_records=3") {
			t.Errorf("the log does not count 3 bad records:\n%s", stderr)
		}
	})
	t.Run("deadLetter", func(t *testing.T) {
		_, stderr, code, wd := run(t, "deadLetter(bad.jsonl)")
		if code != 0 {
			t.Fatalf("exit code %d\n%s", code, stderr)
		}
		data, err := os.ReadFile(filepath.Join(wd, "bad.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		var sizes, utf int
		for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
			var e struct {
				BatchTime int64
				Source    string
				Error     string
				Record    string
				Size      int
			}
			if err := json.Unmarshal([]byte(line), &e); err != nil {
				t.Fatalf("%q: %v", line, err)
			}
			switch {
			case e.Size >= 2<<20 && e.Size <= 2<<20+2 && e.BatchTime == 1000 && strings.Contains(e.Error, "is longer than the limit"):
				sizes++
			case strings.Contains(e.Error, `field "ip": invalid UTF-8`) && e.Record == "bad\ufffd,200":
				utf++
			default:
				t.Errorf("unexpected dead letter %s", line)
			}
		}
		if sizes != 2 || utf != 1 {
			t.Errorf("%d over-long lines and %d invalid rows dead-lettered, want 2 and 1:\n%s", sizes, utf, data)
		}
	})
}
