package pipetest

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl"
	"streamc.dev/streamc/dsl/builtins"
	"streamc.dev/streamc/dsl/check"
	"streamc.dev/streamc/dsl/types"
	"streamc.dev/streamc/planner"
)

// Pipeline is a .stream file loaded for testing: checked and planned as `streamc build`
// checks and plans it, with its sources and outputs named as test files name them.
type Pipeline struct {
	Path    string
	Src     []byte
	Prog    *check.Program
	Plan    *planner.Plan
	Sources []*Source
	Outputs []*Output

	importer check.Importer
}

// Source is one source of the pipeline under test.
type Source struct {
	Index int
	// Name is the source's name in the plan, as `streamc explain` and the binary's
	// --help give it: its let name, or its kind and number (files1, socket1, ...).
	Name string
	Kind string // files, socket, stdin, kafka, queue, rate, goSource
	Elem types.Type
	Node *check.Node
}

// Text reports whether the source's elements are strings: its test input is raw lines.
func (s *Source) Text() bool { return types.Identical(s.Elem, types.StringType) }

// Tapped reports whether the runtime replays the source's test input itself (the
// source reads a recording: --recording); the others are rewritten into a queue.
func (s *Source) Tapped() bool {
	switch s.Kind {
	case "files", "socket", "stdin", "kafka":
		return true
	}
	return false
}

// describe says what the source is and where, for messages.
func (s *Source) describe() string {
	return fmt.Sprintf("%s (%s at %d:%d)", s.Name, s.Kind, s.Node.Pos.Line, s.Node.Pos.Col)
}

// Output is one output operation of the pipeline under test.
type Output struct {
	Index int
	// Name is the output's name in test files: LET.KIND for an output of a stream bound
	// by let (counts.print; counts.print2 for a second print of counts), else KIND and
	// its number among the outputs of that kind written on unbound streams (print1,
	// writeTo2). Its LINE:COL is accepted too.
	Name string
	Kind string // print, saveAsTextFiles, writeTo, foreachBatch
	Pos  diag.Pos
	// Ordered says the output's batches come in an order the pipeline defines: a sort
	// (sortBy, sortByKey, top, takeOrdered) or the order of a source, through operators
	// that keep it. Other batches are in partition order, which follows key hashes and
	// is not part of the pipeline's meaning: they are compared as multisets.
	Ordered bool
	Node    *check.Node
}

// describe says what the output is and where.
func (o *Output) describe(path string) string {
	return fmt.Sprintf("%s (%s at %s:%d:%d)", o.Name, o.Kind, path, o.Pos.Line, o.Pos.Col)
}

// Load reads, checks and plans the .stream file at path as `streamc build` does. The
// diagnostics are the file's (warnings included); the pipeline is nil when it has
// errors. runtime gives the runtime directory Go imports are checked against.
func Load(path string, runtime func() (string, error)) (*Pipeline, diag.List, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	p := &Pipeline{Path: path, Src: src, importer: dsl.GoImporter(filepath.Dir(path), runtime)}
	prog, diags := dsl.CheckWith(path, src, p.importer)
	if prog == nil {
		return nil, diags, nil
	}
	plan, more := planner.Build(prog)
	diags = append(diags, more...)
	diags.Sort()
	if diags.HasErrors() {
		return nil, diags, nil
	}
	p.Prog, p.Plan = prog, plan
	for i, s := range plan.Sources {
		p.Sources = append(p.Sources, &Source{Index: i, Name: s.Name, Kind: s.Op.Name, Elem: s.Elem, Node: prog.Nodes[s.Op.ID]})
	}
	bases := map[string]int{}
	kinds := map[string]int{}
	for i, n := range prog.Outputs {
		o := &Output{Index: i, Kind: n.Op, Pos: n.Pos, Node: n, Ordered: ordered(n.Inputs[0])}
		if in := n.Inputs[0]; in.Let != "" {
			base := in.Let + "." + n.Op
			bases[base]++
			o.Name = base
			if k := bases[base]; k > 1 {
				o.Name += strconv.Itoa(k)
			}
		} else {
			kinds[n.Op]++
			o.Name = n.Op + strconv.Itoa(kinds[n.Op])
		}
		p.Outputs = append(p.Outputs, o)
	}
	return p, diags, nil
}

// ordered reports whether the stream n produces has an order the pipeline defines (see
// Output.Ordered).
func ordered(n *check.Node) bool {
	for {
		switch n.Op {
		case "sortBy", "sortByKey", "top", "takeOrdered":
			return true
		case "map", "filter", "flatMap", "mapValues", "flatMapValues", "json", "csv", "lines":
			n = n.Inputs[0]
			continue
		}
		return n.Class() == builtins.ClassSource
	}
}

// source returns the source named name.
func (p *Pipeline) source(name string) *Source {
	for _, s := range p.Sources {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// output returns the output named name, or written at LINE:COL.
func (p *Pipeline) output(name string) *Output {
	for _, o := range p.Outputs {
		if o.Name == name || name == fmt.Sprintf("%d:%d", o.Pos.Line, o.Pos.Col) {
			return o
		}
	}
	return nil
}

// sourceNames lists the sources for messages.
func (p *Pipeline) sourceNames() string {
	var names []string
	for _, s := range p.Sources {
		names = append(names, s.describe())
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// outputNames lists the outputs for messages.
func (p *Pipeline) outputNames() string {
	var names []string
	for _, o := range p.Outputs {
		names = append(names, fmt.Sprintf("%s (%s at %d:%d)", o.Name, o.Kind, o.Pos.Line, o.Pos.Col))
	}
	return strings.Join(names, ", ")
}
