package planner

import (
	"fmt"

	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl/builtins"
	"streamc.dev/streamc/dsl/check"
	"streamc.dev/streamc/dsl/spec"
	"streamc.dev/streamc/dsl/types"
)

// Which operators cut stages, and how their exchanges move elements, is the operator
// descriptor's (builtins.Plan): the planner keeps no list of operators of its own.

// Build lowers a checked program to its physical plan. It follows the fusion rules in
// the package documentation; it visits ops in Plan.Ops order (the checker's node order) and never iterates
// a map to decide anything, so the same program always gives the same plan.
//
// The list holds the errors found, positioned and sorted; the plan is nil when there are
// any. A program the checker accepted has none unless streamc has a bug: whether a
// program is valid never depends on how it is planned (which operators fuse), so every
// mistake of the user's is the checker's to report, and `streamc check` and `streamc
// build` agree.
func Build(prog *check.Program) (*Plan, diag.List) {
	b := &builder{
		plan: &Plan{
			Name:       prog.Name,
			SourceFile: prog.File.Name,
			Settings:   prog.Settings,
			Records:    prog.Records,
			Imports:    prog.Imports,
			Info:       prog.Info,
		},
		stageOf:   map[*Op]*Stage{},
		consumers: map[*Op][]*Op{},
	}
	b.plan.Ops = lower(prog)
	for _, n := range b.plan.Ops {
		for _, in := range n.Inputs {
			b.consumers[in] = append(b.consumers[in], n)
		}
	}
	for _, n := range b.plan.Ops {
		b.visit(n)
	}
	if b.errs.HasErrors() {
		b.errs.Sort()
		return nil, b.errs
	}
	for _, src := range b.plan.Sources {
		src.Recycle = (src.Op.Name == "files" || src.Op.Name == "rate") && b.recyclable(src.Op)
	}
	return b.plan, nil
}

type builder struct {
	plan      *Plan
	stageOf   map[*Op]*Stage
	consumers map[*Op][]*Op
	kinds     map[string]int // sources numbered per kind, for names
	errs      diag.List
}

// bug records an internal error: a checked program the planner cannot lower.
func (b *builder) bug(n *Op, format string, args ...any) {
	b.errs.Add(n.Pos, "planner: %s: %s (this is a streamc bug)", n.Name, fmt.Sprintf(format, args...))
}

func (b *builder) newStage(parts Parts, cut string, inputs ...*Input) *Stage {
	s := &Stage{ID: len(b.plan.Stages), Parts: parts, Inputs: inputs, Cut: cut}
	b.plan.Stages = append(b.plan.Stages, s)
	return s
}

func (b *builder) setTail(s *Stage, n *Op) {
	s.Tail = n
	s.Elem = n.Elem
	b.stageOf[n] = s
}

// kept marks the stage producing n as keeping its result and returns it.
func (b *builder) kept(n *Op) *Stage {
	s := b.stageOf[n]
	s.Keep = true
	return s
}

func (b *builder) visit(n *Op) {
	switch n.Class() {
	case builtins.ClassSource:
		src := &Source{ID: len(b.plan.Sources), Op: n, Name: b.sourceName(n), Elem: n.Elem}
		b.plan.Sources = append(b.plan.Sources, src)
		s := b.newStage(Parts{Kind: PartsDefault}, "", &Input{Kind: FromSource, Source: src})
		b.setTail(s, n)

	case builtins.ClassNarrow, builtins.ClassDecode:
		if len(n.Inputs) != 1 {
			b.bug(n, "expected one input, got %d", len(n.Inputs))
			return
		}
		in := n.Inputs[0]
		if len(b.consumers[in]) == 1 {
			s := b.stageOf[in]
			s.Chain = append(s.Chain, n)
			b.setTail(s, n)
			return
		}
		from := b.kept(in)
		s := b.newStage(Parts{Kind: PartsSame}, b.sharedCut(in), &Input{Kind: FromStage, Stage: from})
		s.Chain = []*Op{n}
		b.setTail(s, n)

	case builtins.ClassPartition:
		from := b.kept(n.Inputs[0])
		parts := Parts{Kind: PartsSame}
		if n.Name == "window" {
			parts = Parts{Kind: PartsWindow}
		}
		s := b.newStage(parts, n.Desc.Plan.Whole, &Input{Kind: FromStage, Stage: from})
		s.Head = n
		b.setTail(s, n)

	case builtins.ClassExchange:
		rule := n.Desc.Plan
		s := b.newStage(b.exchangeParts(n, rule), cutReason(n, rule))
		for side, in := range n.Inputs {
			from := b.stageOf[in]
			ex := &Exchange{
				ID: len(b.plan.Exchanges), Mode: rule.Exchange, Op: n, From: from, To: s,
				Side: side, Combine: rule.Combine, Elem: in.Elem,
			}
			if rule.Combine {
				ex.Elem = combinedElem(n)
			}
			b.plan.Exchanges = append(b.plan.Exchanges, ex)
			from.Out = append(from.Out, ex)
			s.Inputs = append(s.Inputs, &Input{Kind: FromExchange, Exchange: ex})
		}
		s.Head = n
		b.setTail(s, n)

	case builtins.ClassUnion:
		s := b.newStage(Parts{Kind: PartsSum}, fmt.Sprintf("union concatenates the partitions of its %d inputs", len(n.Inputs)))
		for _, in := range n.Inputs {
			s.Inputs = append(s.Inputs, &Input{Kind: FromStage, Stage: b.kept(in)})
		}
		b.setTail(s, n)

	case builtins.ClassOutput:
		b.plan.Outputs = append(b.plan.Outputs, &Output{Op: n, Stage: b.kept(n.Inputs[0])})
	default:
		b.bug(n, "the operator has no planning class")
	}
}

// combinedElem is the element type a combining exchange carries: the operator's own
// result type, since the map side already applied it per partition. top and takeOrdered
// carry elements; count carries partial counts.
func combinedElem(n *Op) types.Type {
	return n.Elem
}

func (b *builder) exchangeParts(n *Op, rule builtins.Plan) Parts {
	switch {
	case rule.Exchange == Gather:
		return Parts{Kind: PartsFixed, N: 1}
	case n.Name == "repartition":
		return Parts{Kind: PartsFixed, N: n.Spec.(*spec.Keyed).N}
	case partitionsOf(n) > 0:
		return Parts{Kind: PartsFixed, N: partitionsOf(n)}
	}
	return Parts{Kind: PartsDefault}
}

// partitionsOf is the `partitions =` argument of a keyed, windowed or state operator:
// 0 when the call gives none.
func partitionsOf(n *Op) int {
	switch sp := n.Spec.(type) {
	case *spec.Keyed:
		return sp.Partitions
	case *spec.Window:
		return sp.Partitions
	case *spec.State:
		return sp.Partitions
	}
	return 0
}

func cutReason(n *Op, rule builtins.Plan) string {
	switch rule.Exchange {
	case Gather:
		return n.Name + " gathers the batch into one partition"
	case RoundRobin:
		return fmt.Sprintf("repartition redistributes elements into %d partitions", n.Spec.(*spec.Keyed).N)
	case ByElement:
		return n.Name + " shuffles by element"
	}
	if len(n.Inputs) > 1 {
		return n.Name + " co-partitions both sides by key"
	}
	return n.Name + " shuffles by key"
}

func (b *builder) sharedCut(in *Op) string {
	name := in.Name
	if in.Let != "" {
		name = in.Let
	}
	return fmt.Sprintf("%s is used %d times: its result is kept and read again", name, len(b.consumers[in]))
}

func (b *builder) sourceName(n *Op) string {
	if n.Let != "" {
		return n.Let
	}
	// `let requests = files("logs").csv(Request)` names the decoded stream; the source
	// is known to its users by that name too.
	if cs := b.consumers[n]; len(cs) == 1 && cs[0].Class() == builtins.ClassDecode && cs[0].Let != "" {
		return cs[0].Let
	}
	if b.kinds == nil {
		b.kinds = map[string]int{}
	}
	b.kinds[n.Name]++
	return fmt.Sprintf("%s%d", n.Name, b.kinds[n.Name])
}
