package codegen_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"streamc.dev/streamc/codegen"
	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl"
	"streamc.dev/streamc/planner"
)

// e2eCase is a .stream program that is generated, built and run with --replay.
type e2eCase struct {
	name  string
	src   string
	stdin string
	// want is the exact output with one partition. With three partitions the output is
	// the same, except that within each printed batch the lines may come in another
	// order when ordered is false (shuffles assign keys to partitions by hash).
	want    string
	ordered bool
	// wantErr, when set, is a substring of the standard error of a run that must fail
	// with exit code 1.
	wantErr string
	// setup prepares the run's working directory (input files); check inspects it
	// afterwards (saveAsTextFiles).
	setup, check func(t *testing.T, dir string)
	// args are extra flags for the run.
	args []string
}

// batch renders one print block as the runtime writes it.
func batch(ms int, lines ...string) string {
	var b strings.Builder
	rule := "-------------------------------------------\n"
	fmt.Fprintf(&b, "%sTime: %d ms\n%s", rule, ms, rule)
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
	b.WriteString("\n")
	return b.String()
}

func cat(blocks ...string) string { return strings.Join(blocks, "") }

var cases = []e2eCase{
	{
		name: "wordcount",
		src: `pipeline wc
batch 1s
let lines = queue([["a b a", "c"], [], ["b b", "ünï ünï 世界"]])
lines.flatMap(l => words(l)).map(w => (w, 1)).reduceByKey((a, b) => a + b).print()
lines.count().print()
`,
		want: cat(
			batch(1000, "(a,2)", "(b,1)", "(c,1)"), batch(1000, "2"),
			batch(2000), batch(2000, "0"),
			batch(3000, "(b,2)", "(ünï,2)", "(世界,1)"), batch(3000, "2"),
		),
	},
	{
		name: "narrow",
		src: `pipeline narrow
batch 1s
let limit = 2
let nums = queue([[1, 2, 3, 4], [], [10]])
nums.map(x => (x, x * x)).filter((k, sq) => sq > limit).mapValues(v => if v > 10 { "big" } else if v > 5 { "mid" } else { "small" }).print()
nums.map(x => (x % 2 == 0, x)).flatMapValues(v => [v, -v]).filter((even, _) => even).print(3)
nums.map(x => { let y = x + 1; let s = toString(y) + "!"; (s, (x, y)) }).map((s, (a, b)) => concat(s, "/", toString(a * b))).print()
nums.map(x => millis(batchTime) + x).print()
`,
		ordered: true,
		want: cat(
			batch(1000, "(2,small)", "(3,mid)", "(4,big)"),
			batch(1000, "(true,2)", "(true,-2)", "(true,4)", "..."),
			batch(1000, "2!/2", "3!/6", "4!/12", "5!/20"),
			batch(1000, "1001", "1002", "1003", "1004"),
			batch(2000), batch(2000), batch(2000), batch(2000),
			batch(3000, "(10,big)"), batch(3000, "(true,10)", "(true,-10)"),
			batch(3000, "11!/110"), batch(3000, "3010"),
		),
	},
	{
		name: "values",
		src: `pipeline values
batch 1s
let words = queue([["3", "x", "-1.5", "é"]])
words.map(w => (parseInt(w), parseFloat(w), upper(w), len(w))).print()
words.map(w => parseInt(w).getOrElse(0) + parseInt(w).orElse(1)).print()
words.map(w => (parseInt(w).isSome() && len(w) == 1, parseInt(w).isNone() || false, [len(w), 2], 1.0e7, 0.5, 90s)).print()
words.filter(w => parseInt(w).isDefined()).map(w => parseInt(w).get() / 1).print()
words.map(w => if w < "a" { none } else { some(w + "?") }).print()
`,
		ordered: true,
		want: cat(
			batch(1000, "(Some(3),Some(3.0),3,1)", "(None,None,X,1)", "(None,Some(-1.5),-1.5,4)", "(None,None,É,2)"),
			batch(1000, "6", "1", "1", "1"),
			batch(1000, "(true,false,[1,2],1.0E7,0.5,1m30s)", "(false,true,[1,2],1.0E7,0.5,1m30s)", "(false,true,[4,2],1.0E7,0.5,1m30s)", "(false,true,[2,2],1.0E7,0.5,1m30s)"),
			batch(1000, "3"),
			batch(1000, "None", "Some(x?)", "None", "Some(é?)"),
		),
	},
	{
		name: "keyed",
		src: `pipeline keyed
batch 1s
let pairs = queue([[("a", 1), ("b", 2), ("a", 3), ("c", 4), ("b", 5)], []])
pairs.countByKey().print()
pairs.groupByKey().print()
pairs.map((k, v) => k).countByValue().print()
pairs.map((k, v) => k).distinct().print()
pairs.union(pairs.mapValues(v => v * 100)).repartition(2).count().print()
`,
		want: cat(
			batch(1000, "(a,2)", "(b,2)", "(c,1)"),
			batch(1000, "(a,[1,3])", "(b,[2,5])", "(c,[4])"),
			batch(1000, "(a,2)", "(b,2)", "(c,1)"),
			batch(1000, "a", "b", "c"),
			batch(1000, "10"),
			batch(2000), batch(2000), batch(2000), batch(2000), batch(2000, "0"),
		),
	},
	{
		name: "batchwise",
		src: `pipeline batchwise
batch 1s
let nums = queue([[5, 3, 9, 1, 7], [], [2]])
nums.reduce((a, b) => a + b).print()
nums.sortBy(x => x, ascending = false).print()
nums.map(x => (x % 3, x)).sortByKey().print()
nums.top(2).print()
nums.takeOrdered(2, key = x => -x).print()
`,
		ordered: true,
		want: cat(
			batch(1000, "25"), batch(1000, "9", "7", "5", "3", "1"),
			batch(1000, "(0,3)", "(0,9)", "(1,1)", "(1,7)", "(2,5)"),
			batch(1000, "9", "7"), batch(1000, "9", "7"),
			batch(2000), batch(2000), batch(2000), batch(2000), batch(2000),
			batch(3000, "2"), batch(3000, "2"), batch(3000, "(2,2)"), batch(3000, "2"), batch(3000, "2"),
		),
	},
	{
		name: "records",
		src: `pipeline records
batch 1s
type Click { user_id: string, n: int, score: float? }
let rows = stdin().csv(Click, header = true, onBadRecord = skip)
rows.map(c => Click{user_id: upper(c.user_id), n: c.n * 2, score: c.score}).print()
rows.map(c => (c.user_id, c.n)).reduceByKey((a, b) => a + b).print()
`,
		stdin: "user_id,n,score\nann,1,0.5\nbob,x,1\nann,2,\nuser_id,n,score\nbo\"b,3,2\ncid,4,1e7\n",
		want: cat(
			batch(1000, "Click{user_id:ANN,n:2,score:Some(0.5)}", "Click{user_id:ANN,n:4,score:None}", "Click{user_id:CID,n:8,score:Some(1.0E7)}"),
			batch(1000, "(ann,3)", "(cid,4)"),
		),
	},
	{
		name: "json",
		src: `pipeline json
batch 1s
type Item { name: string, tags: [string], qty: int? }
stdin().json(Item, onBadRecord = skip).map(i => (i.name, len(i.tags), i.qty.getOrElse(-1), i)).print()
`,
		stdin:   `{"name": "pen", "tags": ["a", "b"], "qty": 3}` + "\n" + `{"tags": []}` + "\n" + `not json` + "\n" + `{"name": "ink\u00e9", "tags": [], "extra": {"x": [1]}}` + "\n",
		ordered: true,
		want: cat(
			batch(1000, "(pen,2,3,Item{name:pen,tags:[a,b],qty:Some(3)})", "(inké,0,-1,Item{name:inké,tags:[],qty:None})"),
		),
	},
	{
		name: "divzero",
		src: `pipeline divzero
batch 1s
let nums = queue([[1, 0]])
nums.map(x => 10 / x).print()
`,
		wantErr: "divzero.stream:4:6: map: panic: runtime error: integer divide by zero",
	},
	{
		name: "badcsv",
		src: `pipeline badcsv
batch 1s
type P { a: int }
stdin().csv(P).print()
`,
		stdin:   "1\nzz\n",
		wantErr: "badcsv.stream:4:9: csv: bad record from stdin",
	},
	{
		name: "sources",
		src: `pipeline sources
batch 1s
let text = union(files(env("STREAMC_TEST_UNSET", default = "in")), socket("127.0.0.1:1"))
text.map(l => upper(l)).print()
rate(3).map(i => i * 10).print()
`,
		setup: func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, "in", "a.txt"), []byte("one\ntwo\n"))
			write(t, filepath.Join(dir, "in", "b.txt"), []byte("three\n"))
		},
		args:    []string{"--batches", "3"},
		ordered: true,
		want: cat(
			batch(1000, "ONE", "TWO"), batch(1000, "0", "10", "20"),
			batch(2000, "THREE"), batch(2000, "30", "40", "50"),
			batch(3000), batch(3000, "60", "70", "80"),
		),
	},
	{
		name: "save",
		src: `pipeline save
batch 1s
queue([["x", "y"], []]).map(s => (s, len(s))).saveAsTextFiles("out/pairs", "txt")
`,
		check: func(t *testing.T, dir string) {
			var got []string
			for _, name := range []string{"out/pairs-1000.txt", "out/pairs-2000.txt"} {
				parts, err := filepath.Glob(filepath.Join(dir, name, "part-*"))
				if err != nil || len(parts) == 0 {
					t.Fatalf("%s: no part files (%v)", name, err)
				}
				for _, p := range parts {
					data, err := os.ReadFile(p)
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, string(data))
				}
			}
			if joined := strings.Join(got, ""); joined != "(x,1)\n(y,1)\n" {
				t.Errorf("saved %q, want (x,1) and (y,1)", joined)
			}
		},
	},
}

// generate checks and plans src and generates its Go files.
func generate(name, src string) ([]codegen.File, error) {
	file := name + ".stream"
	prog, diags := dsl.Check(file, []byte(src))
	if prog == nil {
		return nil, diags
	}
	p, err := planner.Build(prog)
	if err != nil {
		return nil, err
	}
	return codegen.Generate(p, codegen.Options{SourcePath: file, Source: []byte(src)})
}

func repoRoot(t *testing.T) string {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// TestEndToEnd generates every case into one temporary module (one package per case),
// builds them with one go build, and runs each with 1 and 3 partitions.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds Go programs")
	}
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	mod := t.TempDir()
	gomod := fmt.Sprintf("module gen\n\ngo 1.26\n\nrequire streamc.dev/streamc v0.0.0\n\nreplace streamc.dev/streamc => %s\n", repoRoot(t))
	write(t, filepath.Join(mod, "go.mod"), []byte(gomod))
	if sum, err := os.ReadFile(filepath.Join(repoRoot(t), "go.sum")); err == nil {
		write(t, filepath.Join(mod, "go.sum"), sum)
	}
	for _, c := range cases {
		files, err := generate(c.name, c.src)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for _, f := range files {
			write(t, filepath.Join(mod, "cases", c.name, f.Name), f.Data)
		}
	}
	bin := filepath.Join(mod, "bin")
	cmd := exec.Command(goTool, "build", "-o", bin+string(filepath.Separator), "./cases/...")
	cmd.Dir = mod
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			for _, parts := range []int{1, 3} {
				dir := t.TempDir()
				if c.setup != nil {
					c.setup(t, dir)
				}
				stdout, stderr, code := runBinary(t, filepath.Join(bin, c.name), dir, c.stdin, parts, c.args...)
				if c.wantErr != "" {
					if code != 1 || !strings.Contains(stderr, c.wantErr) {
						t.Errorf("partitions %d: exit %d, stderr:\n%s\nwant exit 1 and %q", parts, code, stderr, c.wantErr)
					}
					continue
				}
				if code != 0 {
					t.Fatalf("partitions %d: exit %d\nstderr:\n%s", parts, code, stderr)
				}
				if c.check != nil {
					c.check(t, dir)
				}
				want := c.want
				if parts > 1 && !c.ordered {
					stdout, want = sortWithinBlocks(stdout), sortWithinBlocks(want)
				}
				if stdout != want {
					t.Errorf("partitions %d: output:\n%s\nwant:\n%s", parts, stdout, want)
				}
				dir2 := t.TempDir()
				if c.setup != nil {
					c.setup(t, dir2)
				}
				again, _, _ := runBinary(t, filepath.Join(bin, c.name), dir2, c.stdin, parts, c.args...)
				if parts > 1 && !c.ordered {
					again = sortWithinBlocks(again)
				}
				if again != stdout {
					t.Errorf("partitions %d: a second run printed something else:\n%s", parts, again)
				}
			}
		})
	}
}

func runBinary(t *testing.T, bin, dir, stdin string, parts int, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--replay", "--log-level", "error", "--partitions", fmt.Sprint(parts)}, args...)...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

// sortWithinBlocks sorts the element lines of each print block, for comparing runs whose
// partitioning differs.
func sortWithinBlocks(s string) string {
	blocks := strings.Split(s, "-------------------------------------------\n")
	for i, b := range blocks {
		lines := strings.Split(b, "\n")
		if len(lines) > 0 && strings.HasPrefix(lines[0], "Time:") {
			continue
		}
		slices.Sort(lines)
		blocks[i] = strings.Join(lines, "\n")
	}
	return strings.Join(blocks, "-------------------------------------------\n")
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDeterministic generates every case twice, concurrently, and compares the bytes.
func TestDeterministic(t *testing.T) {
	for _, c := range cases {
		var wg sync.WaitGroup
		var a, b []codegen.File
		var errA, errB error
		wg.Add(2)
		go func() { defer wg.Done(); a, errA = generate(c.name, c.src) }()
		go func() { defer wg.Done(); b, errB = generate(c.name, c.src) }()
		wg.Wait()
		if errA != nil || errB != nil {
			t.Fatalf("%s: %v, %v", c.name, errA, errB)
		}
		if len(a) != len(b) {
			t.Fatalf("%s: %d files, then %d", c.name, len(a), len(b))
		}
		for i := range a {
			if a[i].Name != b[i].Name || !bytes.Equal(a[i].Data, b[i].Data) {
				t.Errorf("%s: %s differs between two runs", c.name, a[i].Name)
			}
		}
	}
}

// TestGeneratedFiles checks the header, the split into files and the quoting of lambdas.
func TestGeneratedFiles(t *testing.T) {
	files, err := generate("wordcount", cases[0].src)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	byName := map[string]string{}
	for _, f := range files {
		names = append(names, f.Name)
		byName[f.Name] = string(f.Data)
		if !strings.HasPrefix(string(f.Data), "// Code generated by streamc. DO NOT EDIT.\n// source: wordcount.stream\n") {
			t.Errorf("%s: missing header:\n%s", f.Name, f.Data)
		}
	}
	if want := []string{"main.go", "funcs.go", "job.go", "render.go"}; !slices.Equal(names, want) {
		t.Errorf("files %v, want %v", names, want)
	}
	for _, want := range []string{
		// The map of (w, 1) is fused into the word count's combine (rt.CombineWords), so
		// its lambda needs no function of its own.
		"// reduceByKey_4_59 is the function of reduceByKey at wordcount.stream:4:59:\n//\n//\t(a, b) => a + b\nfunc reduceByKey_4_59(a int64, b int64) int64 {\n\treturn a + b\n}",
	} {
		if !strings.Contains(byName["funcs.go"], want) {
			t.Errorf("funcs.go lacks %q:\n%s", want, byName["funcs.go"])
		}
	}
	if !strings.Contains(byName["main.go"], "var _ rt.EnforceVersion0_1") {
		t.Errorf("main.go does not pin the runtime version")
	}
}

// TestPositionedErrors checks the positioned errors for Spark's slide rules (streams
// joined or unioned must slide together, a window of a windowed stream counts in its
// input's slides), for the event-time clocks and for an integer division by a folded
// constant zero, all of which the checker reports before code generation: none reaches
// the Go compiler.
func TestPositionedErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{`let a = queue([[("a", 1)]])
a.window(4s, 2s).join(a).print()`, "e.stream:4:18: join needs streams with the same slide duration (Spark requires it): one slides every 2s, another every 1s (the batch interval)"},
		{`let a = queue([[1]])
a.window(4s, 2s).union(a).print()`, "e.stream:4:18: union needs streams with the same slide duration (Spark requires it): one slides every 2s, another every 1s (the batch interval)"},
		{`let a = queue([[1]])
a.window(4s, 2s).window(3s, 2s).print()`, "e.stream:4:18: window: the window duration 3s must be a multiple of the input stream's slide duration 2s"},
		{`queue([[1]]).map(x => x / (1 - 1)).print()`, "e.stream:3:27: integer division by zero: the divisor of / is the constant 0"},
		// A stream on event time runs behind the arrival clock: it cannot meet one on
		// arrival time, nor be put on event time twice, nor be a window's result.
		{`let a = queue([[("a", 1)]])
a.eventTime(x => fromMillis(x._2), lateness = 2s).join(a).print()`, "e.stream:4:51: join needs streams on the same clock: one is on the event time of eventTime at e.stream:4:3, one is on arrival time"},
		{`let a = queue([[1]])
a.eventTime(x => fromMillis(x)).union(a).print()`, "e.stream:4:33: union needs streams on the same clock: one is on the event time of eventTime at e.stream:4:3, one is on arrival time"},
		{`queue([[1]]).eventTime(x => fromMillis(x)).eventTime(x => fromMillis(x)).print()`, "e.stream:3:44: eventTime needs a stream on arrival time; this one is already on the event time of eventTime at e.stream:3:14"},
		{`queue([[1]]).window(2s, 2s).eventTime(x => fromMillis(x)).print()`, "e.stream:3:29: eventTime needs a stream with data at every batch; this one slides every 2s"},
	} {
		_, err := generate("e", "pipeline e\nbatch 1s\n"+c.src+"\n")
		var list diag.List
		if !errors.As(err, &list) || len(list) != 1 {
			t.Errorf("%s: err = %v, want one diagnostic", c.src, err)
			continue
		}
		if got := list[0].Error(); got != c.want {
			t.Errorf("got  %q\nwant %q", got, c.want)
		}
	}
}

// TestStateSections checks the names and types of the checkpointed state in the
// descriptor: a bound result is named after its binding, the others by their ordinal
// among the stateful operators; moving code around, adding an output or a filter
// changes nothing; a stateless pipeline lists no state.
func TestStateSections(t *testing.T) {
	state := func(src string) string {
		t.Helper()
		files, err := generate("s", "pipeline s\nbatch 1s\ncheckpoint \"ckpt\"\n"+src)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if f.Name != "main.go" {
				continue
			}
			s := string(f.Data)
			i, j := strings.Index(s, "State: []rt.StateInfo{"), strings.Index(s, "New:")
			if i < 0 || j < i {
				return ""
			}
			// Positions are for messages only: leave them out of the comparison.
			var names []string
			for _, l := range strings.Split(s[i:j], "\n")[1:] {
				if k := strings.Index(l, ", Pos:"); k > 0 {
					names = append(names, strings.TrimSpace(l[:k]))
				}
			}
			return strings.Join(names, "\n")
		}
		return ""
	}
	base := state(`let pairs = queue([["a"]]).map(w => (w, 1))
let totals = pairs.updateStateByKey((news, s: int?) => some(sum(news) + s.getOrElse(0)))
totals.print()
pairs.reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, 3s, 1s).print()
pairs.map(p => p._1).countByWindow(2s).print()
`)
	if got, want := state(`queue([[("a", 1)]]).eventTime(c => fromMillis(c._2), lateness = 1500ms).print()
`), `{Name: "eventTime@b0562069", Type: "(string, int); eventTime lateness 1.5s"`; got != want {
		t.Errorf("eventTime's state section: %s, want %s", got, want)
	}
	want := `{Name: "countByWindow@fb5667e6", Type: "int; window 2s, slide 1s, inverse"
{Name: "reduceByKeyAndWindow@526770bc", Type: "(string, int); window 3s, slide 1s, inverse"
{Name: "updateStateByKey(totals)", Type: "(string, int)"`
	if base != want {
		t.Fatalf("state sections:\n%s\nwant\n%s", base, want)
	}
	moved := state(`let pairs = queue([["a"]]).map(w => (w, 1))


let totals = pairs.updateStateByKey((news, s: int?) => some(sum(news) + s.getOrElse(0)))
totals.print()
totals.saveAsTextFiles("out/totals")
pairs.reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, 3s, 1s).filter(p => p._2 > 0).print()
pairs.map(p => p._1).countByWindow(2s).print()
`)
	if moved != base {
		t.Errorf("moving code and adding an output changed the state sections:\n%s", moved)
	}
	// Two unnamed operators of the same state type, swapped: each keeps its own name
	// (the state goes with its operator, never to the other); an edit upstream of one
	// renames it, so that a restart refuses the checkpoint instead of guessing.
	two := state(`let w = queue([["a"]])
w.filter(x => x == "a").countByWindow(2s).print()
w.filter(x => x == "b").countByWindow(2s).print()
`)
	swapped := state(`let w = queue([["a"]])
w.filter(x => x == "b").countByWindow(2s).print()
w.filter(x  =>  x == "a").countByWindow(2s).print()
`)
	edited := state(`let w = queue([["a"]])
w.filter(x => x == "a").countByWindow(2s).print()
w.filter(x => x == "c").countByWindow(2s).print()
`)
	if names := strings.Split(two, "\n"); len(names) != 2 || names[0] == names[1] {
		t.Errorf("two unnamed countByWindow sections:\n%s", two)
	}
	if swapped != two {
		t.Errorf("swapping two unnamed operators changed their sections:\n%s\nwas\n%s", swapped, two)
	}
	kept := 0
	for _, name := range strings.Split(edited, "\n") {
		if slices.Contains(strings.Split(two, "\n"), name) {
			kept++
		}
	}
	if kept != 1 {
		t.Errorf("editing one operator's upstream: sections\n%s\nwas\n%s; want exactly one renamed", edited, two)
	}
	if none := state("queue([[1]]).map(x => x + 1).print()\n"); none != "" {
		t.Errorf("a stateless pipeline lists state:\n%s", none)
	}
}
