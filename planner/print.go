package planner

import (
	"fmt"
	"strings"

	"streamc.dev/streamc/diag"
)

// Notes say where the program generated from a plan departs from the plan's general
// form: an exchange that is never built, a stage that is not generated, an exchange
// that carries key ids. Code generation decides these (codegen.Notes gives them, from
// the same functions Generate asks), and `streamc explain` and the golden cases print
// them under the exchange or stage they concern, so that the plan shown is the program
// built. Keys are exchange and stage IDs.
type Notes struct {
	Exchanges map[int]string
	Stages    map[int]string
}

// String renders the plan for people without notes (Format).
func (p *Plan) String() string { return p.Format(Notes{}) }

// Format renders the plan for people, with the notes of code generation: `streamc
// explain` prints it and every golden case keeps it. It is built for diffs: one fact
// per line, stable order, positions as line:col in the pipeline's file; a note is a
// line "built" under its stage's first line or its exchange's "out" line.
func (p *Plan) Format(notes Notes) string {
	var b strings.Builder
	fmt.Fprintf(&b, "pipeline %s: batch %s, partitions %s\n", p.Name, p.Settings.Batch, defaultParts(p.Settings.Partitions))
	b.WriteString("sources\n")
	for _, s := range p.Sources {
		recycle := ""
		if s.Recycle {
			recycle = " (buffers reused: no string outlives its batch)"
		}
		fmt.Fprintf(&b, "  s%d %s: %s @%s -> %s%s\n", s.ID, s.Name, s.Op.Name, at(s.Op.Pos), s.Elem, recycle)
	}
	b.WriteString("stages\n")
	for _, s := range p.Stages {
		fmt.Fprintf(&b, "  stage %d: partitions %s", s.ID, s.Parts.describe())
		if s.Cut != "" {
			fmt.Fprintf(&b, "; cut: %s", s.Cut)
		}
		b.WriteByte('\n')
		if note, ok := notes.Stages[s.ID]; ok {
			b.WriteString("    built  " + note + "\n")
		}
		for _, in := range s.Inputs {
			b.WriteString("    input  " + in.describe() + "\n")
		}
		if s.Head != nil {
			fmt.Fprintf(&b, "    head   %s\n", opFacts(s.Head))
		}
		if len(s.Chain) > 0 {
			ops := make([]string, len(s.Chain))
			for i, n := range s.Chain {
				ops[i] = opFacts(n)
			}
			fmt.Fprintf(&b, "    fused  %s\n", strings.Join(ops, " -> "))
		}
		for _, ex := range s.Out {
			combine := ""
			if ex.Combine {
				combine = ", map-side combine"
			}
			fmt.Fprintf(&b, "    out    x%d -> stage %d (%s%s) %s\n", ex.ID, ex.To.ID, ex.Mode, combine, ex.Elem)
			if note, ok := notes.Exchanges[ex.ID]; ok {
				fmt.Fprintf(&b, "    built  x%d: %s\n", ex.ID, note)
			}
		}
		if s.Keep {
			fmt.Fprintf(&b, "    keep   %s\n", s.Elem)
		}
	}
	b.WriteString("outputs\n")
	for i, o := range p.Outputs {
		fmt.Fprintf(&b, "  %d. %s reads stage %d\n", i+1, outFacts(o.Op), o.Stage.ID)
	}
	return b.String()
}

// Dot renders the plan as a Graphviz digraph: one cluster per stage with its fused
// operators, an edge per exchange labelled with how it partitions. What the notes say
// is not built is drawn dotted, its note in the label.
func (p *Plan) Dot(notes Notes) string {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %q {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n", p.Name)
	for _, s := range p.Sources {
		fmt.Fprintf(&b, "  s%d [label=%q, shape=cylinder];\n", s.ID, fmt.Sprintf("%s\n%s", s.Name, s.Op.Name))
	}
	for _, s := range p.Stages {
		label := fmt.Sprintf("stage %d (%s)", s.ID, s.Parts.describe())
		if note, ok := notes.Stages[s.ID]; ok {
			label += "\n" + note
		}
		fmt.Fprintf(&b, "  subgraph cluster_%d {\n    label=%q;\n", s.ID, label)
		var ops []string
		if s.Head != nil {
			ops = append(ops, op(s.Head))
		}
		for _, n := range s.Chain {
			ops = append(ops, op(n))
		}
		if len(ops) == 0 {
			ops = []string{"(pass)"}
		}
		fmt.Fprintf(&b, "    st%d [label=%q];\n  }\n", s.ID, strings.Join(ops, "\n"))
	}
	for _, s := range p.Stages {
		for _, in := range s.Inputs {
			switch in.Kind {
			case FromSource:
				fmt.Fprintf(&b, "  s%d -> st%d;\n", in.Source.ID, s.ID)
			case FromStage:
				fmt.Fprintf(&b, "  st%d -> st%d [style=dashed, label=\"kept\"];\n", in.Stage.ID, s.ID)
			case FromExchange:
				x := in.Exchange
				label, style := fmt.Sprintf("x%d %s", x.ID, x.Mode), "penwidth=2"
				if note, ok := notes.Exchanges[x.ID]; ok {
					label += "\n" + note
					if strings.HasPrefix(note, "not built") {
						style = "style=dotted"
					}
				}
				fmt.Fprintf(&b, "  st%d -> st%d [label=%q, %s];\n", x.From.ID, s.ID, label, style)
			}
		}
	}
	for i, o := range p.Outputs {
		fmt.Fprintf(&b, "  out%d [label=%q, shape=note];\n  st%d -> out%d;\n", i, op(o.Op), o.Stage.ID, i)
	}
	b.WriteString("}\n")
	return b.String()
}

func (pt Parts) describe() string {
	switch pt.Kind {
	case PartsFixed:
		return fmt.Sprint(pt.N)
	case PartsSame:
		return "same as input"
	case PartsSum:
		return "sum of inputs"
	case PartsWindow:
		return "same as input × batches per window"
	}
	return "default"
}

func (in *Input) describe() string {
	switch in.Kind {
	case FromSource:
		return fmt.Sprintf("source s%d %s", in.Source.ID, in.Source.Name)
	case FromExchange:
		side := ""
		if len(in.Exchange.Op.Inputs) > 1 {
			side = [...]string{" (left)", " (right)"}[min(in.Exchange.Side, 1)]
		}
		return fmt.Sprintf("x%d from stage %d%s", in.Exchange.ID, in.Exchange.From.ID, side)
	}
	return fmt.Sprintf("kept result of stage %d", in.Stage.ID)
}

func defaultParts(n int) string {
	if n == 0 {
		return "default (number of CPUs)"
	}
	return fmt.Sprint(n)
}

func op(n *Op) string { return n.Name + " @" + at(n.Pos) }

// opFacts is op with the facts the op introduces (a slide other than the batch
// interval, an event-time clock, a drain); outFacts with all of its stream's, which
// decide when an output runs and how long it goes on after the input ends.
func opFacts(n *Op) string  { return op(n) + n.describeFacts(true) }
func outFacts(n *Op) string { return op(n) + n.describeFacts(false) }

func at(p diag.Pos) string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }
