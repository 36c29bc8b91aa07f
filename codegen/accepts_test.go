package codegen_test

// The compile guarantee (#14 item 7): every program the checker accepts compiles.
//
// TestAcceptedProgramsCompile runs check → plan → codegen over every program of the
// repository's corpora and builds all the generated packages with one `go vet` (which
// type-checks them as the compiler does, plus vet's checks). FuzzAccepted mutates
// programs and type-checks the generated package of every accepted input with go/types,
// the runtime and stdlib imported from their export data.

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	goruntime "runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"streamc.dev/streamc/codegen"
	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl"
	"streamc.dev/streamc/dsl/builtins"
	"streamc.dev/streamc/internal/corpus"
	"streamc.dev/streamc/planner"
)

// accGenerate runs the compiler's front to back on one program as `streamc build` does.
// accepted is false when the checker or the planner rejects the program (a user error);
// err is set when the program is accepted but code generation fails, which is a bug.
func accGenerate(name string, src []byte) (files []codegen.File, accepted bool, err error) {
	prog, _ := dsl.Check(name, src)
	if prog == nil {
		return nil, false, nil
	}
	p, perr := planner.Build(prog)
	if perr != nil {
		return nil, false, nil
	}
	// gerr may be an error or a diag.List: both compare to nil.
	files, gerr := codegen.Generate(p, codegen.Options{SourcePath: name, Source: src})
	if gerr != nil {
		return nil, true, accDiagError(name, src, gerr)
	}
	return files, true, nil
}

// accAccepts reports whether `streamc check` accepts the program (checker and planner).
func accAccepts(name string, src []byte) bool {
	prog, _ := dsl.Check(name, src)
	if prog == nil {
		return false
	}
	_, perr := planner.Build(prog)
	return perr == nil
}

// accDiagError prints diagnostics as `streamc build` does.
func accDiagError(name string, src []byte, e any) error {
	var l diag.List
	switch e := e.(type) {
	case diag.List:
		l = e
	case error:
		if !errors.As(e, &l) {
			return e
		}
	default:
		return fmt.Errorf("%v", e)
	}
	var b bytes.Buffer
	diag.Print(&b, l, map[string][]byte{name: src}, diag.DefaultMax)
	return errors.New(b.String())
}

// accRoot is the repository's root, seen from this package's directory.
const accRoot = ".."

// accCorpus returns the programs of the repository's corpora (internal/corpus).
func accCorpus(t testing.TB) []corpus.Program {
	progs, err := corpus.Programs(accRoot)
	if err != nil {
		t.Fatal(err)
	}
	return progs
}

// accModule writes a module in dir that requires this repository, for generated code.
func accModule(t testing.TB, dir string) {
	root, err := filepath.Abs(accRoot)
	if err != nil {
		t.Fatal(err)
	}
	gomod := fmt.Sprintf("module accepts.gen\n\ngo 1.26\n\nrequire streamc.dev/streamc v0.0.0\n\nreplace streamc.dev/streamc => %s\n", root)
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	gosum, _ := os.ReadFile(filepath.Join(root, "go.sum"))
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), gosum, 0o644); err != nil {
		t.Fatal(err)
	}
}

// accPkgLine matches the `# accepts.gen/p012` line that heads a package's errors.
var accPkgLine = regexp.MustCompile(`^# accepts\.gen/(p\d+)`)

// TestAcceptedProgramsCompile is the guarantee of #14: every program of the corpora that
// `streamc check` accepts generates Go that compiles. All generated packages are vetted
// by one `go vet` in one module, so the runtime is compiled once and the test stays fast.
func TestAcceptedProgramsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("vets generated code; skipped with -short")
	}
	progs := accCorpus(t)
	dir := t.TempDir()
	accModule(t, dir)
	origins := map[string]corpus.Program{}
	accepted, rejected := 0, 0
	for i, pr := range progs {
		files, ok, err := accGenerate("in.stream", pr.Src)
		if !ok {
			rejected++
			continue
		}
		accepted++
		if err != nil {
			t.Errorf("%s: accepted by the checker, but code generation fails:\n%s\nprogram:\n%s", pr.Origin, err, pr.Src)
			continue
		}
		pkg := fmt.Sprintf("p%03d", i)
		origins[pkg] = pr
		if err := os.MkdirAll(filepath.Join(dir, pkg), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if err := os.WriteFile(filepath.Join(dir, pkg, f.Name), f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Logf("%d programs: %d accepted, %d rejected", len(progs), accepted, rejected)
	if accepted < 100 {
		t.Fatalf("only %d accepted programs found: is the corpus walk broken?", accepted)
	}
	cmd := exec.Command("go", "vet", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err == nil {
		return
	}
	// Attribute each error to its program.
	failed := map[string][]string{}
	var order []string
	cur := ""
	for _, line := range strings.Split(string(out), "\n") {
		if m := accPkgLine.FindStringSubmatch(line); m != nil {
			cur = m[1]
			if _, ok := failed[cur]; !ok {
				order = append(order, cur)
			}
			failed[cur] = append(failed[cur], "")
			continue
		}
		if cur != "" && line != "" {
			failed[cur] = append(failed[cur], line)
		}
	}
	for _, pkg := range order {
		pr := origins[pkg]
		t.Errorf("%s: accepted by the checker, but its generated Go (%s) does not compile:\n%s\nprogram:\n%s",
			pr.Origin, pkg, strings.TrimSpace(strings.Join(failed[pkg], "\n")), pr.Src)
	}
	if len(order) == 0 {
		t.Errorf("go vet: %v\n%s", err, out)
	}
}

// TestTupleArities: a tuple of every arity up to stdlib.MaxTuple (22) compiles, is
// a key, is rendered, ordered and checkpointed.
func TestTupleArities(t *testing.T) {
	var b strings.Builder
	b.WriteString("pipeline tuples\nbatch 1s\ncheckpoint \"ckpt\"\n\nlet s = queue([[1, 2], [3]])\n")
	for n := 2; n <= 22; n++ {
		elems := make([]string, n)
		for i := range elems {
			switch i % 4 {
			case 0:
				elems[i] = "toString(x)"
			case 1:
				elems[i] = "x"
			case 2:
				elems[i] = "toFloat(x)"
			case 3:
				elems[i] = "some(x > 1)"
			}
		}
		tuple := "(" + strings.Join(elems, ", ") + ")"
		fmt.Fprintf(&b, "let t%d = s.map(x => %s)\n", n, tuple)
		fmt.Fprintf(&b, "t%d.map(t => (t, 1)).reduceByKey((a, c) => a + c).print()\n", n)
		fmt.Fprintf(&b, "t%d.sortBy(t => t).print()\n", n)
		fmt.Fprintf(&b, "t%d.map(t => (t._1, t)).updateStateByKey((vs, st) => if len(vs) > 0 { some(vs[0]) } else { st }).print()\n", n)
		fmt.Fprintf(&b, "t%d.map(t => (t, t)).reduceByKeyAndWindow((a, c) => a, 2s, 1s).map(p => toString(p._2)).print()\n", n)
	}
	src := []byte(b.String())
	files, ok, err := accGenerate("tuples.stream", src)
	if !ok || err != nil {
		t.Fatalf("accepted %v, %v\n%s", ok, err, src)
	}
	if errs := accTypeCheck(t, files); len(errs) > 0 {
		t.Fatalf("the generated Go does not type-check:\n%s", strings.Join(errs, "\n"))
	}
}

// accImporter type-checks generated packages against the runtime, stdlib and the
// standard library, read from export data that `go list -export` gives (built once, from
// the build cache).
type accImporter struct {
	mu      sync.Mutex
	exports map[string]string // import path → export data file
	imp     types.ImporterFrom
	fset    *token.FileSet
}

var (
	accImp     *accImporter
	accImpOnce sync.Once
	accImpErr  error
	accCheckMu sync.Mutex
)

// accExports runs `go list -export -deps` on the packages generated code can import.
func accExports(patterns ...string) (map[string]string, error) {
	args := append([]string{"list", "-export", "-deps", "-json=ImportPath,Export"}, patterns...)
	cmd := exec.Command("go", args...)
	cmd.Dir = accRoot
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list -export: %v\n%s", err, stderr.Bytes())
	}
	m := map[string]string{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p struct{ ImportPath, Export string }
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return nil, err
		}
		if p.Export != "" {
			m[p.ImportPath] = p.Export
		}
	}
	return m, nil
}

func accGetImporter() (*accImporter, error) {
	accImpOnce.Do(func() {
		// The runtime (with its connectors), stdlib and the standard library packages
		// codegen writes imports of; anything else is listed when first imported.
		m, err := accExports("./runtime/...", "./stdlib", "time", "os", "strings", "slices", "cmp", "math", "fmt", "errors", "strconv", "bytes", "unicode/utf8", "context", "sort", "sync", "encoding/json")
		if err != nil {
			accImpErr = err
			return
		}
		ai := &accImporter{exports: m, fset: token.NewFileSet()}
		ai.imp = importer.ForCompiler(ai.fset, "gc", ai.lookup).(types.ImporterFrom)
		accImp = ai
	})
	return accImp, accImpErr
}

func (ai *accImporter) lookup(path string) (io.ReadCloser, error) {
	ai.mu.Lock()
	file, ok := ai.exports[path]
	ai.mu.Unlock()
	if !ok {
		m, err := accExports(path)
		if err != nil {
			return nil, err
		}
		ai.mu.Lock()
		for k, v := range m {
			ai.exports[k] = v
		}
		file, ok = ai.exports[path]
		ai.mu.Unlock()
		if !ok {
			return nil, fmt.Errorf("no export data for %s", path)
		}
	}
	return os.Open(file)
}

// accTypeCheck type-checks one generated package and returns its errors.
func accTypeCheck(t testing.TB, files []codegen.File) []string {
	ai, err := accGetImporter()
	if err != nil {
		t.Fatal(err)
	}
	accCheckMu.Lock() // the gc importer and its FileSet are not safe for concurrent use
	defer accCheckMu.Unlock()
	fset := token.NewFileSet()
	var parsed []*ast.File
	var errs []string
	for _, f := range files {
		pf, err := parser.ParseFile(fset, f.Name, f.Data, parser.SkipObjectResolution)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		parsed = append(parsed, pf)
	}
	if len(errs) > 0 {
		return errs
	}
	conf := types.Config{
		Importer: ai.imp,
		Error: func(err error) {
			if len(errs) < 20 {
				errs = append(errs, err.Error())
			}
		},
	}
	conf.Check("main", fset, parsed, nil)
	return errs
}

// FuzzAccepted mutates programs; for every input the checker accepts, code generation
// must succeed and its output must type-check. Seeds are the corpus programs (the
// accepted ones) and testdata/fuzz/FuzzAccepted. Run it with
//
//	go test ./codegen -run '^$' -fuzz FuzzAccepted -fuzztime 5m
func FuzzAccepted(f *testing.F) {
	for _, pr := range accCorpus(f) {
		if _, ok, _ := accGenerate("in.stream", pr.Src); ok {
			f.Add(string(pr.Src))
		}
	}
	f.Fuzz(func(t *testing.T, src string) {
		files, ok, err := accGenerate("in.stream", []byte(src))
		if !ok {
			return
		}
		if err != nil {
			t.Fatalf("accepted by the checker, but code generation fails:\n%s", err)
		}
		if errs := accTypeCheck(t, files); len(errs) > 0 {
			if accKnownTypeError(errs) {
				t.Skip("a known bug, reported in #14")
			}
			t.Fatalf("accepted by the checker, but the generated Go does not type-check:\n%s", strings.Join(errs, "\n"))
		}
	})
}

// accKnownTypeErrors are type errors of generated code whose bugs are reported but not
// fixed yet; the fuzzer skips them to look for others (TestAcceptedProgramsCompile
// still fails on them). Remove an entry with its fix.
var accKnownTypeErrors = []string{}

func accKnownTypeError(errs []string) bool {
	return slices.ContainsFunc(errs, func(e string) bool {
		return slices.ContainsFunc(accKnownTypeErrors, func(s string) bool { return strings.Contains(e, s) })
	})
}

// Operator chains: programs built from a table of element-wise, keyed, windowed and
// stateful operators over streams of many element types, so that every combination the
// checker accepts is generated and type-checked (random text rarely gets past the
// parser). TestOperatorPairsCompile tries every pair; FuzzChains longer chains.

// accBases are the streams a chain starts from, one per element type.
var accBases = []string{
	`queue([[1, 2], [3]])`,
	`queue([["a b", "c"], ["a"]])`,
	`queue([[1.5], [2.0]])`,
	`queue([[true, false]])`,
	`queue([[("a", 1), ("b", 2)], [("a", 3)]])`,
	`queue([[(1, "x")], [(2, "y")]])`,
	`queue([[("a", (1, 2.5))]])`,
	`queue([[("k", 1, 2.5, true, some(1), "x", 7)]])`,
	`queue([[some(1), none]])`,
	`queue([[[1, 2], []]])`,
	`socket("localhost:9").json(R)`,
	`files("in").csv(R)`,
	`files("in").lines()`,
	`socket("localhost:9").json(R).map(r => (r.name, r))`,
	`socket("localhost:9").json(R).eventTime(r => r.at)`,
	`rate(10)`,
	`stdin()`,
	`kafka("localhost:9092", "t", "g")`,
	`kafka("localhost:9092", "t", "g").json(R)`,
}

// accOps are operators applied to stream $ (a let name, so that it can be used twice).
var accOps = []string{
	`$.map(x => x)`,
	`$.map(x => toString(x))`,
	`$.map(x => (x, 1))`,
	`$.map(x => (toString(x), x))`,
	`$.map(x => [x])`,
	`$.map(x => some(x))`,
	`$.map((k, v) => v)`,
	`$.map((k, v) => (v, k))`,
	`$.filter(x => toString(x) != "")`,
	`$.flatMap(x => [x, x])`,
	`$.flatMap(x => words(toString(x)))`,
	`$.mapValues(v => toString(v))`,
	`$.mapValues(v => (v, v))`,
	`$.flatMapValues(v => [v])`,
	`$.mapPartitions(xs => xs)`,
	`$.mapPartitions(xs => [len(xs)])`,
	`$.glom()`,
	`$.count()`,
	`$.countByValue()`,
	`$.countByKey()`,
	`$.reduce((a, b) => a)`,
	`$.repartition(3)`,
	`$.union($)`,
	`union($, $, $)`,
	`$.sortBy(x => toString(x))`,
	`$.sortBy(x => x, ascending = false)`,
	`$.sortByKey()`,
	`$.top(2)`,
	`$.takeOrdered(2, key = x => toString(x))`,
	`$.top(2, key = (k, v) => k)`,
	`$.distinct()`,
	`$.transform(xs => xs)`,
	`$.transform(xs => [len(xs)])`,
	`$.transformWith($, (xs, ys) => xs)`,
	`$.transformWith($.map(x => toString(x)), (xs, ys) => [len(xs) + len(ys)])`,
	`$.reduceByKey((a, b) => a)`,
	`$.groupByKey()`,
	`$.aggregateByKey(0, (acc, v) => acc + 1, (a, b) => a + b)`,
	`$.join($)`,
	`$.leftOuterJoin($)`,
	`$.rightOuterJoin($)`,
	`$.fullOuterJoin($)`,
	`$.cogroup($)`,
	`$.window(2s, 1s)`,
	`$.window(2s, 2s)`,
	`$.countByWindow(2s, 1s)`,
	`$.reduceByWindow((a, b) => a, 2s, 1s)`,
	`$.reduceByKeyAndWindow((a, b) => a, 2s, 1s)`,
	`$.reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, 3s, 1s)`,
	`$.countByValueAndWindow(2s, 1s)`,
	`$.groupByKeyAndWindow(2s, 1s)`,
	`$.updateStateByKey((vs, st) => if len(vs) > 0 { some(vs[0]) } else { st })`,
	`$.mapWithState((k, v, st) => k)`,
	`$.mapWithState((k, v, st) => k, timeout = 2s)`,
	`$.mapWithState((k, v, st) => { st.update(1); k }).snapshots()`,
	`$.csv(R)`,
	`$.json(R)`,
	`$.joinTable(users)`,
	`$.leftJoinTable(users)`,
	`$.eventTime(x => x.at)`,
	`$.joinTable(accounts)`,
	`$.lookup(db, "select id, age from u where id in (?1)", U, key = x => toString(x))`,
	`$.lines()`,
}

// accOutputs end a chain.
var accOutputs = []string{
	`$.print()`,
	`$.saveAsTextFiles("out/x")`,
	`$.writeTo(jsonFiles("out/j"))`,
	`$.writeTo(csvFiles("out/c"))`,
	`$.writeTo(sqlite("out/x.db", "insert into t values (?1)"))`,
	`$.writeTo(kafkaTopic("localhost:9092", "o"))`,
}

const accChainHeader = `pipeline chains
batch 1s
checkpoint "ckpt"

type R { name: string, n: int, at: time }
type U { id: string, age: int }

let users = table("users.csv", U, key = u => u.id)
let db = sqlite("ref.db")
let accounts = tableQuery(db, "select id, age from u", U, key = u => u.id)
`

// TestEveryOperatorExercised ties each stream operator of the builtins table to the
// checker, the planner and code generation: the chain tables above must use it, some
// chain with it must be accepted, and its code must generate (TestOperatorPairsCompile
// then type-checks it). A new operator fails here until all three handle it.
func TestEveryOperatorExercised(t *testing.T) {
	// Operators that take a Go function of an imported package need a Go module on
	// disk, which these programs do not have: cmd/streamc's go_sink.txtar builds and runs
	// them (go_sink.txtar, go_source.txtar).
	needsGo := map[string]bool{"foreachBatch": true, "goSource": true}
	for _, op := range builtins.Ops {
		if !op.IsStream() || needsGo[op.Name] {
			continue
		}
		var uses []string
		for base := range accBases {
			if strings.HasPrefix(accBases[base], op.Name+"(") || strings.Contains(accBases[base], "."+op.Name+"(") {
				uses = append(uses, accChain("s", base, nil, 0))
			}
			for i, o := range accOps {
				if strings.Contains(o, "."+op.Name+"(") || strings.HasPrefix(o, op.Name+"(") {
					uses = append(uses, accChain("s", base, []int{i}, 0))
				}
			}
			for i, o := range accOutputs {
				if strings.Contains(o, "."+op.Name+"(") {
					uses = append(uses, accChain("s", base, nil, i))
				}
			}
		}
		if len(uses) == 0 {
			t.Errorf("operator %s is in no chain of accBases, accOps or accOutputs: add one", op.Name)
			continue
		}
		generated := false
		for _, c := range uses {
			src := []byte(accChainHeader + c)
			files, acc, err := accGenerate("chain.stream", src)
			if !acc {
				continue
			}
			if err != nil {
				t.Errorf("operator %s: accepted but does not generate:\n%s\n%v", op.Name, c, err)
			} else if len(files) > 0 {
				generated = true
				break
			}
		}
		if !generated {
			t.Errorf("operator %s: the checker accepts none of its %d chains", op.Name, len(uses))
		}
	}
}

// accChain is one statement group: base, then ops, then the output, as lets named
// after prefix.
func accChain(prefix string, base int, ops []int, out int) string {
	var b strings.Builder
	name := prefix + "0"
	fmt.Fprintf(&b, "let %s = %s\n", name, accBases[base])
	for i, op := range ops {
		next := fmt.Sprintf("%s%d", prefix, i+1)
		fmt.Fprintf(&b, "let %s = %s\n", next, strings.ReplaceAll(accOps[op], "$", name))
		name = next
	}
	fmt.Fprintf(&b, "%s\n", strings.ReplaceAll(accOutputs[out], "$", name))
	return b.String()
}

// accCheckChains returns the chains the checker accepts as a whole program each, and
// type-checks them together, in programs of up to perProgram chains.
func accCheckChains(t *testing.T, chains []string, perProgram int) (accepted int) {
	// Checking is most of the time: spread it over the CPUs.
	acc := make([]bool, len(chains))
	var wg sync.WaitGroup
	workers := goruntime.GOMAXPROCS(0)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(chains); i += workers {
				acc[i] = accAccepts("chain.stream", []byte(accChainHeader+chains[i]))
			}
		})
	}
	wg.Wait()
	var ok []string
	for i, c := range chains {
		if acc[i] {
			ok = append(ok, c)
		}
	}
	accepted = len(ok)
	for len(ok) > 0 {
		group := ok[:min(perProgram, len(ok))]
		ok = ok[len(group):]
		src := accChainHeader + strings.Join(group, "")
		files, acc, err := accGenerate("chains.stream", []byte(src))
		if !acc || err != nil {
			// Chains accepted alone but not together (their slides or event-time clocks
			// may differ): check each alone.
			for _, c := range group {
				accTypeCheckChain(t, accChainHeader+c)
			}
			continue
		}
		if errs := accTypeCheck(t, files); len(errs) > 0 {
			for _, c := range group { // find the culprits
				accTypeCheckChain(t, accChainHeader+c)
			}
		}
	}
	return accepted
}

func accTypeCheckChain(t *testing.T, src string) {
	files, acc, err := accGenerate("chain.stream", []byte(src))
	switch {
	case !acc:
		return
	case err != nil:
		t.Errorf("accepted by the checker, but code generation fails:\n%s\nprogram:\n%s", err, src)
	default:
		if errs := accTypeCheck(t, files); len(errs) > 0 {
			t.Errorf("accepted by the checker, but the generated Go does not type-check:\n%s\nprogram:\n%s", strings.Join(errs, "\n"), src)
		}
	}
}

// accAllPairs makes TestOperatorPairsCompile try every pair of operators on every base
// (about 47,000 programs, a few minutes) instead of an eighth of them.
var accAllPairs = flag.Bool("allpairs", false, "TestOperatorPairsCompile: try every pair of operators")

// TestOperatorPairsCompile generates chains of a base stream, one or two operators and
// print, and type-checks the generated code of the ones the checker accepts: every
// single operator on every base, and a fixed eighth of the pairs (all with -allpairs).
func TestOperatorPairsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks generated code; skipped with -short")
	}
	var chains []string
	for base := range accBases {
		for op1 := range accOps {
			chains = append(chains, accChain("s", base, []int{op1}, 0))
			for op2 := range accOps {
				if *accAllPairs || (base+op1*len(accOps)+op2)%8 == 0 {
					chains = append(chains, accChain("s", base, []int{op1, op2}, 0))
				}
			}
		}
	}
	n := accCheckChains(t, chains, 100)
	t.Logf("%d chains, %d accepted", len(chains), n)
}

// FuzzChains builds a chain from the fuzzer's bytes: a base, up to five operators and an
// output; accepted chains must generate code that type-checks.
//
//	go test ./codegen -run '^$' -fuzz FuzzChains -fuzztime 5m
func FuzzChains(f *testing.F) {
	f.Add([]byte{0, 2, 31, 0})
	f.Add([]byte{4, 22, 1, 1})
	f.Add([]byte{10, 3, 38, 42, 2})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 {
			return
		}
		base := int(data[0]) % len(accBases)
		out := int(data[1]) % len(accOutputs)
		var ops []int
		for _, c := range data[2:min(len(data), 7)] {
			ops = append(ops, int(c)%len(accOps))
		}
		src := accChainHeader + accChain("s", base, ops, out)
		files, acc, err := accGenerate("chain.stream", []byte(src))
		if !acc {
			return
		}
		if err != nil {
			t.Fatalf("accepted by the checker, but code generation fails:\n%s\nprogram:\n%s", err, src)
		}
		if errs := accTypeCheck(t, files); len(errs) > 0 {
			if accKnownTypeError(errs) {
				t.Skip("a known bug, reported in #14")
			}
			t.Fatalf("accepted by the checker, but the generated Go does not type-check:\n%s\nprogram:\n%s", strings.Join(errs, "\n"), src)
		}
	})
}
