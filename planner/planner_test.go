package planner_test

import (
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"streamc.dev/streamc/dsl"
	"streamc.dev/streamc/dsl/builtins"
	"streamc.dev/streamc/planner"
)

func plan(t *testing.T, src string) *planner.Plan {
	t.Helper()
	prog, diags := dsl.Check("t.stream", []byte(src))
	if prog == nil {
		t.Fatalf("does not check: %v", diags)
	}
	p, err := planner.Build(prog)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestFusion pins the fusion rules of the package documentation on one program.
func TestFusion(t *testing.T) {
	p := plan(t, `pipeline f
batch 1s
let words = queue([["a b"]]).flatMap(l => words(l)).filter(w => w != "")
words.map(w => (w, 1)).reduceByKey((a, b) => a + b).mapValues(n => n * 2).print()
words.count().print()
`)
	want := []struct {
		head  string
		chain string
		keep  bool
		outs  int
		parts planner.PartsKind
	}{
		{"", "flatMap filter", true, 1, planner.PartsDefault},       // source stage; words is used twice
		{"", "map", false, 1, planner.PartsSame},                    // reads the kept words, writes the shuffle
		{"reduceByKey", "mapValues", true, 0, planner.PartsDefault}, // reduce side, then the narrow op fused after it
		{"count", "", true, 0, planner.PartsFixed},                  // gathered into one partition
	}
	if len(p.Stages) != len(want) {
		t.Fatalf("%d stages, want %d:\n%s", len(p.Stages), len(want), p)
	}
	for i, w := range want {
		s := p.Stages[i]
		head := ""
		if s.Head != nil {
			head = s.Head.Name
		}
		var chain []string
		for _, n := range s.Chain {
			chain = append(chain, n.Name)
		}
		if head != w.head || strings.Join(chain, " ") != w.chain || s.Keep != w.keep || len(s.Out) != w.outs || s.Parts.Kind != w.parts {
			t.Errorf("stage %d: head %q chain %q keep %v outs %d parts %v; want %+v\n%s", i, head, chain, s.Keep, len(s.Out), s.Parts.Kind, w, p)
		}
	}
	if ex := p.Stages[0].Out[0]; ex.Mode != planner.Gather || !ex.Combine {
		t.Errorf("count's exchange: mode %v combine %v, want gather with partial counts", ex.Mode, ex.Combine)
	}
	if ex := p.Stages[1].Out[0]; ex.Mode != planner.ByKey || !ex.Combine {
		t.Errorf("reduceByKey's exchange: mode %v combine %v, want hash by key with map-side combine", ex.Mode, ex.Combine)
	}
}

// TestPlanInvariants checks, on every golden program, what code generation relies on:
// every stream node is produced by exactly one stage, stages only read earlier stages,
// exchanges connect the stages they name, and planning twice gives the same plan.
func TestPlanInvariants(t *testing.T) {
	paths, _ := filepath.Glob("../golden/testdata/*.txtar")
	if len(paths) == 0 {
		t.Fatal("no golden programs")
	}
	for _, path := range paths {
		a, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		src := string(a.Files[0].Data)
		prog, _ := dsl.Check("t.stream", []byte(src))
		if prog == nil {
			continue // a diagnostics case
		}
		t.Run(filepath.Base(path), func(t *testing.T) {
			p, err := planner.Build(prog)
			if err != nil {
				t.Fatal(err)
			}
			if again := plan(t, src); again.String() != p.String() {
				t.Errorf("planning twice differs")
			}
			producer := map[*planner.Op]int{}
			for _, s := range p.Stages {
				nodes := s.Chain
				if s.Head != nil {
					nodes = append([]*planner.Op{s.Head}, nodes...)
				}
				for _, n := range nodes {
					producer[n]++
				}
				for _, in := range s.Inputs {
					switch in.Kind {
					case planner.FromStage:
						if in.Stage.ID >= s.ID || !in.Stage.Keep {
							t.Errorf("stage %d reads stage %d, which is later or keeps nothing", s.ID, in.Stage.ID)
						}
					case planner.FromExchange:
						if in.Exchange.To != s || in.Exchange.From.ID >= s.ID {
							t.Errorf("stage %d reads exchange x%d wired %d -> %d", s.ID, in.Exchange.ID, in.Exchange.From.ID, in.Exchange.To.ID)
						}
					}
				}
			}
			for _, n := range p.Ops {
				want := 1
				if c := n.Class(); c == builtins.ClassSource || c == builtins.ClassOutput || c == builtins.ClassUnion {
					want = 0
				}
				if producer[n] != want {
					t.Errorf("%s at %s is computed by %d stages, want %d", n.Name, n.Pos, producer[n], want)
				}
			}
			for _, o := range p.Outputs {
				if !o.Stage.Keep {
					t.Errorf("output %s reads stage %d, which keeps nothing", o.Op.Name, o.Stage.ID)
				}
			}
		})
	}
}

// TestRecycle pins the rules of recyclable: a files source's buffers are reused only
// when nothing downstream keeps its strings past the batch.
func TestRecycle(t *testing.T) {
	const head = "pipeline r\nbatch 1s\ncheckpoint \"ck\"\ntype Bid { auction: int, price: int, url: string }\n" +
		"let bids = files(\"in\").csv(Bid)\n"
	cases := []struct {
		name, body string
		want       bool
	}{
		{"narrow and print", `bids.filter(b => b.auction % 2 == 0).map(b => (b.url, b.price)).print()`, true},
		{"shuffle and sort", `bids.map(b => (b.url, 1)).reduceByKey((a, b) => a + b).sortByKey().print()`, true},
		{"window of numbers", `bids.map(b => (b.auction, 1)).reduceByKeyAndWindow((a, b) => a + b, 10s, 2s).print()`, true},
		{"keyed window of strings", `bids.map(b => (b.auction, b.url)).reduceByKeyAndWindow((a, b) => concat(a, b), 10s, 2s).print()`, false},
		{"grouped window", `bids.map(b => (b.url, 1)).groupByKeyAndWindow(10s, 2s).print()`, false},
		{"reduced window of records (copied)", `bids.reduceByWindow((a, b) => a, 10s, 10s).print()`, true},
		{"window of records", `bids.window(10s).print()`, false},
		{"keyed window by string", `bids.map(b => (b.url, b.price)).reduceByKeyAndWindow((a, b) => a + b, 10s, 2s).print()`, true},
		{"state keyed by string", `bids.map(b => (b.url, b.price)).updateStateByKey((ps, s) => some(sum(ps) + s.getOrElse(0))).print()`, true},
		{"state keyed by tuple with a string", `bids.map(b => ((b.url, b.auction), b.price)).updateStateByKey((ps, s) => some(sum(ps) + s.getOrElse(0))).print()`, false},
		{"state of strings", `bids.map(b => (b.auction, b.url)).updateStateByKey((us, s) => some(concat(s.getOrElse(""), last(us).getOrElse("")))).print()`, false},
		{"event time", `bids.eventTime(b => fromMillis(b.auction), lateness = 2s).print()`, false},
		{"one branch keeps strings", "bids.map(b => b.price).print()\nbids.map(b => b.url).window(4s).print()", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := plan(t, head+c.body+"\n")
			if len(p.Sources) != 1 || p.Sources[0].Recycle != c.want {
				t.Errorf("Recycle = %v, want %v\n%s", p.Sources[0].Recycle, c.want, p)
			}
		})
	}
}
