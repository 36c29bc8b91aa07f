package semantics

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"streamc.dev/streamc/codegen"
	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl"
	"streamc.dev/streamc/planner"
)

// testCase is one txtar case.
type testCase struct {
	name      string
	src       []byte
	args      []string
	unordered bool
	want      string
	files     []txtar.File // written into the run directory
}

func loadCases(t *testing.T) []*testCase {
	paths, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no cases in testdata (%v)", err)
	}
	var cases []*testCase
	for _, path := range paths {
		a, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		c := &testCase{name: strings.TrimSuffix(filepath.Base(path), ".txtar")}
		hasOut := false
		for _, f := range a.Files {
			switch f.Name {
			case "in.stream":
				c.src = f.Data
			case "args":
				c.args = strings.Fields(string(f.Data))
			case "unordered":
				c.unordered = true
			case "out":
				c.want, hasOut = string(f.Data), true
			default:
				c.files = append(c.files, f)
			}
		}
		if c.src == nil || !hasOut {
			t.Fatalf("%s: a case needs in.stream and out sections", path)
		}
		cases = append(cases, c)
	}
	return cases
}

// TestSemantics compiles every case, builds all of them at once, and runs each binary
// with one and with three partitions.
func TestSemantics(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs generated programs; skipped with -short")
	}
	cases := loadCases(t)
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gomod := fmt.Sprintf("module semantics.gen\n\ngo 1.26\n\nrequire streamc.dev/streamc v0.0.0\n\nreplace streamc.dev/streamc => %s\n", root)
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	gosum, _ := os.ReadFile(filepath.Join(root, "go.sum"))
	os.WriteFile(filepath.Join(dir, "go.sum"), gosum, 0o644)
	for _, c := range cases {
		name := c.name + ".stream"
		prog, diags := dsl.Check(name, c.src)
		if prog == nil {
			var b bytes.Buffer
			diag.Print(&b, diags, map[string][]byte{name: c.src}, 0)
			t.Fatalf("%s does not check:\n%s", c.name, b.String())
		}
		plan, perrs := planner.Build(prog)
		if perrs != nil {
			t.Fatalf("%s: %v", c.name, perrs)
		}
		files, err := codegen.Generate(plan, codegen.Options{SourcePath: name, Source: c.src})
		if err != nil {
			var b bytes.Buffer
			if l, ok := err.(diag.List); ok {
				diag.Print(&b, l, map[string][]byte{name: c.src}, 0)
			} else {
				b.WriteString(err.Error())
			}
			t.Fatalf("%s: code generation failed:\n%s", c.name, b.String())
		}
		pkg := filepath.Join(dir, "cases", c.name)
		if err := os.MkdirAll(pkg, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if err := os.WriteFile(filepath.Join(pkg, f.Name), f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	bin := filepath.Join(dir, "bin")
	cmd := exec.Command("go", "build", "-o", bin+string(filepath.Separator), "./cases/...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the generated programs do not build: %v\n%s", err, out)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			for _, parts := range []string{"1", "3"} {
				run := t.TempDir()
				for _, f := range c.files {
					p := filepath.Join(run, f.Name)
					os.MkdirAll(filepath.Dir(p), 0o755)
					if err := os.WriteFile(p, f.Data, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				args := append([]string{"--replay", "--partitions", parts}, c.args...)
				cmd := exec.Command(filepath.Join(bin, c.name), args...)
				cmd.Dir = run
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				if err := cmd.Run(); err != nil {
					t.Fatalf("--partitions %s: %v\n%s", parts, err, stderr.String())
				}
				got, want := stdout.String(), c.want
				if c.unordered {
					got, want = sortBatches(got), sortBatches(want)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("--partitions %s: output differs (-want +got):\n%s", parts, diff)
				}
			}
		})
	}
}

// sortBatches sorts the element lines of every batch print shows (the lines between a
// header and the blank line that ends the batch), keeping headers in place.
func sortBatches(s string) string {
	lines := strings.Split(s, "\n")
	var out, batch []string
	flush := func() {
		slices.Sort(batch)
		out = append(out, batch...)
		batch = batch[:0]
	}
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.HasPrefix(l, "-------") || strings.HasPrefix(l, "Time: ") || l == "" {
			flush()
			out = append(out, l)
			continue
		}
		batch = append(batch, l)
	}
	flush()
	return strings.Join(out, "\n")
}
