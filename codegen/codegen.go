package codegen

import (
	"bytes"
	"fmt"
	"path"
	"strings"

	"github.com/dave/jennifer/jen"

	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl/spec"
	"streamc.dev/streamc/planner"
)

// DefaultRuntimeImport is the import path of the runtime that generated code links.
const DefaultRuntimeImport = "streamc.dev/streamc/runtime"

// Options control code generation.
type Options struct {
	// SourcePath is the .stream file as given on the command line; it is written on the
	// `// source:` line of every file and prefixes every position in run-time errors.
	// When empty, the plan's SourceFile is used.
	SourcePath string
	// RuntimeImport is the runtime's import path (default DefaultRuntimeImport). The
	// standard library of .stream functions is its sibling "stdlib" package.
	RuntimeImport string
	// Source is the text of the .stream file, used to quote each lambda above the Go
	// function it becomes. When nil, the comments give positions only: Generate reads
	// no file.
	Source []byte
}

// File is one generated Go file; internal/build writes and builds a list of them.
type File struct {
	Name string
	Data []byte
}

// Generate turns the physical plan into the files of one Go `package main` program, in a
// fixed order: main.go, types.go, funcs.go, job.go, decode.go, render.go, hash.go,
// compare.go and checkpoint.go (files with nothing to say are left out).
//
// Generate reports no user error: the checker reports every mistake in a program, so
// that `streamc check` and `streamc build` agree. What it does return, as positioned
// diagnostics (a diag.List), are internal errors — a plan it cannot generate, which is
// a bug of streamc — and operators this version cannot generate yet.
func Generate(p *planner.Plan, opts Options) ([]File, error) {
	g := newGen(p, opts)
	g.generate()
	if len(g.errs) > 0 {
		g.errs.Sort()
		return nil, g.errs
	}
	var files []File
	for _, f := range g.files() {
		if f.empty {
			continue
		}
		var buf bytes.Buffer
		if err := f.jf.Render(&buf); err != nil {
			return nil, fmt.Errorf("codegen: rendering %s: %w", f.name, err)
		}
		files = append(files, File{Name: f.name, Data: buf.Bytes()})
	}
	return files, nil
}

// outFile is one file being built.
type outFile struct {
	name  string
	jf    *jen.File
	empty bool
}

// gen holds the state of one Generate call. Every list in it is filled in the order the
// plan is walked, never by iterating a map, so the output is the same on every run.
type gen struct {
	plan *planner.Plan
	exprState
	opts Options
	src  []byte

	rtPath, srcPath, stdPath, codecPath string
	winPath, statePath, joinPath        string

	// Declarations per file, in emission order.
	mainDecls, typeDecls, funcDecls, jobDecls, decodeDecls, renderDecls, hashDecls, cmpDecls []jen.Code
	// ckptDecls are checkpoint.go's: SaveState, RestoreState and the typed encoders.
	ckptDecls []jen.Code
	// stateSecs are the sections of the job's checkpointed state (checkpoint.go).
	stateSecs []*stateSection

	records    []*recordInfo
	helperDone map[string]bool // names of helper functions already emitted
	globalName map[string]bool // package-level names in use
	// defHashes memoizes definitionHash: state sections and writeTo outputs share their
	// upstream nodes.
	defHashes map[*planner.Op]string

	job         *jobGen
	sourceInfos []jen.Code // the descriptor's rt.SourceInfo values
	outputInfos []jen.Code // the descriptor's rt.OutputInfo values
	ctorFn      *fn        // the body of newJob

	// specDone holds the windows whose window.Spec is declared (timing.go).
	specDone map[*planner.Op]bool
	// needBT says some function value built in newJob reads batchTime, which RunBatch
	// then stores in j.bt.
	needBT bool
	// tables are the reference tables the job loads, by resource.
	tables map[*spec.Resource]string
	// flatLoops are the flatMaps compiled as loops over words or split parts
	// (flatmap.go), nil for the others; allocated on first use.
	flatLoops map[*planner.Op]*flatLoop
	// dictSums memoizes dictSumFrom by exchange (dictsum.go).
	dictSums map[*planner.Exchange]*dictSum

	errs diag.List
}

func newGen(p *planner.Plan, opts Options) *gen {
	if opts.RuntimeImport == "" {
		opts.RuntimeImport = DefaultRuntimeImport
	}
	if opts.SourcePath == "" {
		opts.SourcePath = p.SourceFile
	}
	src := opts.Source
	root := path.Dir(opts.RuntimeImport)
	g := &gen{
		plan:       p,
		exprState:  newExprState(p.Info),
		opts:       opts,
		src:        src,
		rtPath:     opts.RuntimeImport,
		srcPath:    opts.RuntimeImport + "/source",
		codecPath:  opts.RuntimeImport + "/codec",
		winPath:    opts.RuntimeImport + "/window",
		statePath:  opts.RuntimeImport + "/state",
		joinPath:   opts.RuntimeImport + "/join",
		specDone:   map[*planner.Op]bool{},
		tables:     map[*spec.Resource]string{},
		stdPath:    root + "/stdlib",
		helperDone: map[string]bool{},
		globalName: map[string]bool{},
	}
	for _, n := range reservedGlobals {
		g.globalName[n] = true
	}
	return g
}

// reservedGlobals are the package-level names the generated program defines itself.
var reservedGlobals = []string{"main", "pipeline", "job", "newJob", "init"}

func (g *gen) files() []outFile {
	mk := func(name, about string, decls []jen.Code) outFile {
		f := jen.NewFile("main")
		f.HeaderComment("Code generated by streamc. DO NOT EDIT.")
		f.HeaderComment("source: " + g.opts.SourcePath)
		f.ImportAlias(g.rtPath, "rt")
		f.ImportName(g.stdPath, "stdlib")
		f.ImportName(g.srcPath, "source")
		f.ImportName(g.codecPath, "codec")
		f.ImportName(g.winPath, "window")
		f.ImportName(g.statePath, "state")
		f.ImportName(g.joinPath, "join")
		for _, p := range g.plan.Imports {
			f.ImportName(p.Path, p.Name)
		}
		f.ImportName(pgxPath, "pgx")
		f.ImportName(g.ckptPath(), "checkpoint")
		if about != "" {
			f.Add(doc(about))
			f.Line()
		}
		for _, d := range decls {
			f.Add(d)
			f.Line()
		}
		return outFile{name: name, jf: f, empty: len(decls) == 0}
	}
	return []outFile{
		mk("main.go", "", g.mainDecls),
		mk("types.go", "This file holds the Go structs of the pipeline's record types.", g.typeDecls),
		mk("funcs.go", "This file holds one Go function per lambda of the pipeline, and its top-level values.", g.funcDecls),
		mk("job.go", "This file holds the job: the sources, exchanges and kept results of a run, and\nthe code of each stage and output.", g.jobDecls),
		mk("decode.go", "This file holds the decoders of CSV and JSON records.", g.decodeDecls),
		mk("render.go", "This file holds the functions that render values the way print and\nsaveAsTextFiles write them (Spark's rendering).", g.renderDecls),
		mk("hash.go", "This file holds the hash functions that assign keys to partitions.", g.hashDecls),
		mk("compare.go", "This file holds the order of composite values (for <, sortBy, top and takeOrdered).", g.cmpDecls),
		mk("checkpoint.go", "This file holds the job's checkpointed state: SaveState and RestoreState\n(rt.Checkpointer), one save and restore method per stateful operator, and the\ntyped encoders and decoders of the values they keep.", g.ckptDecls),
	}
}

func (g *gen) generate() {
	g.declareRecords()
	g.genJob()
	g.genCheckpointer()
	g.genMain()
}

// errorf records a positioned error, once: the map and reduce sides of an operator may
// both find the same problem. Code generation finds no mistake of the user's (the
// checker does): a message that starts with "codegen: " is an internal error, and says
// so.
func (g *gen) errorf(pos diag.Pos, format string, args ...any) {
	if pos.File == "" {
		pos.File = g.opts.SourcePath
	}
	msg := fmt.Sprintf(format, args...)
	if strings.HasPrefix(msg, "codegen: ") {
		msg += " (this is a streamc bug)"
	}
	for _, d := range g.errs {
		if d.Pos == pos && d.Msg == msg {
			return
		}
	}
	g.errs.Add(pos, "%s", msg)
}

// notImplemented records the error for an operator this version cannot generate.
func (g *gen) notImplemented(n *planner.Op) {
	g.errorf(n.Pos, "codegen: no code generation for %s (a streamc bug: its descriptor, spec and checker method exist)", n.Name)
}

// posString renders a position as run-time errors show it: "file.stream:L:C".
func (g *gen) posString(p diag.Pos) string {
	return fmt.Sprintf("%s:%d:%d", g.opts.SourcePath, p.Line, p.Col)
}

// globalFresh returns a package-level name based on base that is not taken yet.
func (g *gen) globalFresh(base string) string {
	name := base
	for i := 2; g.globalName[name] || isReserved(name); i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	g.globalName[name] = true
	return name
}

// snippet returns the source text of an expression that starts at pos and runs to the
// end of the argument it is part of: up to the first ',' or closing bracket at nesting
// depth zero. It is how funcs.go quotes lambdas; "" when the source is not available.
func (g *gen) snippet(pos diag.Pos) string {
	if g.src == nil || pos.Offset < 0 || pos.Offset >= len(g.src) {
		return ""
	}
	s := g.src[pos.Offset:]
	depth := 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if quote != 0 {
			switch {
			case c == '\\' && quote == '"':
				i++
			case c == quote:
				quote = 0
			}
			continue
		}
		switch c {
		case '"', '`':
			quote = c
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			if depth == 0 {
				return strings.TrimSpace(string(s[:i]))
			}
			depth--
		case ',':
			if depth == 0 {
				return strings.TrimSpace(string(s[:i]))
			}
		case '/':
			if i+1 < len(s) && s[i+1] == '/' {
				for i < len(s) && s[i] != '\n' {
					i++
				}
			}
		}
	}
	return strings.TrimSpace(string(s))
}

// kv is one `Name: value` of a composite literal; unlike jen.Dict it keeps the order
// written and lets gofmt put short literals on one line.
func kv(name string, v jen.Code) jen.Code { return jen.Id(name).Op(":").Add(v) }

// doc is a comment of one or more lines, each written with //, as Go doc comments are.
func doc(text string) *jen.Statement {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if l == "" || l[0] == '\t' {
			lines[i] = "//" + l
		} else {
			lines[i] = "// " + l
		}
	}
	return jen.Comment(strings.Join(lines, "\n"))
}

// docf is doc with fmt.Sprintf formatting.
func docf(format string, args ...any) *jen.Statement { return doc(fmt.Sprintf(format, args...)) }
