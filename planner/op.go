package planner

import (
	"fmt"
	"strings"
	"time"

	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl/builtins"
	"streamc.dev/streamc/dsl/check"
	"streamc.dev/streamc/dsl/spec"
	"streamc.dev/streamc/dsl/types"
)

// Op is one operator application of the plan: what code generation reads of it. It is
// lowered from the checker's node (lower) and carries, beside the operator's typed spec,
// the facts the planner works out over the whole graph: the stream's slide, the clock
// it runs on, and how long it goes on changing after its input ends.
type Op struct {
	ID   int    // index in Plan.Ops (the checker's node order: inputs first)
	Name string // the operator or source as written: "map", "reduceByKey", "socket"
	// Desc is the operator's entry in the builtins table; Desc.Plan its descriptor.
	Desc   *builtins.Op
	Pos    diag.Pos // the position of the operator name (or the source call)
	Let    string   // the let binding whose value this is, if any
	Inputs []*Op
	// Elem is the element type of the stream the op produces (nil for outputs).
	Elem types.Type
	// Spec is the typed specification of the operator (package spec).
	Spec spec.Spec
	// Args are the start-up arguments by parameter name (addresses, paths, SQL text,
	// tables, sinks).
	Args []*spec.NamedArg
	// Definition is the text of the call's arguments, spaces collapsed: with the
	// operator's name and inputs it identifies the operator's state in checkpoints
	// across edits that move it (see codegen's definitionHash).
	Definition string

	// Slide is the stream's slide duration (Spark's DStream.slideDuration).
	Slide Slide
	// Clock is the eventTime whose event-time clock the stream runs on; nil for the
	// arrival clock.
	Clock *Op
	// Drain is how long after its sources' last data the stream still changes: the sum
	// along the way of the windows' length + slide - input slide, eventTime's lateness and
	// mapWithState's timeout rounded up past the next batch.
	Drain time.Duration
}

// Class is the operator's planning class, from its descriptor.
func (o *Op) Class() builtins.Class { return o.Desc.Plan.Class }

// Arg returns the start-up argument named name, or nil.
func (o *Op) Arg(name string) *spec.NamedArg { return spec.ArgOf(o.Args, name) }

// Slide is a stream's slide duration: the batch interval (which the binary's --batch
// flag may change), or a duration written in the program.
type Slide struct {
	Batch bool
	D     time.Duration // when !Batch
}

// Duration is the slide for the file's batch interval.
func (s Slide) Duration(batch time.Duration) time.Duration {
	if s.Batch {
		return batch
	}
	return s.D
}

// lower makes the plan ops of a checked program's nodes, in the same order, and works
// out their facts. The checker has reported every slide and clock the program gets
// wrong (check.checkSlides), so lowering raises no user errors.
func lower(prog *check.Program) []*Op {
	ops := make([]*Op, len(prog.Nodes))
	src, batch := prog.Source, prog.Settings.Batch
	for i, n := range prog.Nodes {
		o := &Op{ID: i, Name: n.Op, Desc: n.Desc, Pos: n.Pos, Let: n.Let, Elem: n.Elem, Spec: n.Spec, Args: n.Args}
		for _, in := range n.Inputs {
			o.Inputs = append(o.Inputs, ops[in.ID]) // inputs come first: Node.ID is the index
		}
		if c := n.Call; c != nil && c.Lparen.IsValid() && c.Rparen.Offset >= c.Lparen.Offset && c.Rparen.Offset < len(src) {
			o.Definition = strings.Join(strings.Fields(string(src[c.Lparen.Offset:c.Rparen.Offset+1])), " ")
		}
		o.Slide, o.Clock, o.Drain = facts(o, batch)
		ops[i] = o
	}
	return ops
}

// facts works out an op's slide, clock and drain from its inputs' (which come first).
func facts(o *Op, batch time.Duration) (Slide, *Op, time.Duration) {
	if len(o.Inputs) == 0 {
		return Slide{Batch: true}, nil, 0
	}
	in := o.Inputs[0]
	slide, clock := in.Slide, in.Clock
	var drain time.Duration
	for _, i := range o.Inputs {
		drain = max(drain, i.Drain)
	}
	switch sp := o.Spec.(type) {
	case *spec.Window:
		// A window's slide is the one written in the call, else its input's (Spark's
		// default), whatever the batch interval is at run time.
		if sp.SlideSet {
			slide = Slide{D: sp.Slide}
		}
		drain += sp.Len + slide.Duration(batch) - in.Slide.Duration(batch)
	case *spec.EventTime:
		// The lagged stream has its last event-time batch with data a lateness later.
		clock = o
		drain += sp.Lateness
	case *spec.State:
		if sp.Timeout > 0 {
			// Idle keys' last calls come one interval past the timeout.
			d := in.Slide.Duration(batch)
			drain += (sp.Timeout/d + 1) * d
		}
	}
	return slide, clock, drain
}

// describeFacts is the facts of an op that are not the default, for the plan printer:
// a slide other than the batch interval, an event-time clock, a drain. With changed,
// only those the op sets (that differ from its first input's): where a window, an
// eventTime or a timeout introduces them.
func (o *Op) describeFacts(changed bool) string {
	var in *Op
	if changed && len(o.Inputs) > 0 {
		in = o.Inputs[0]
	}
	var parts []string
	if !o.Slide.Batch && (in == nil || in.Slide != o.Slide) {
		parts = append(parts, fmt.Sprintf("slides every %v", o.Slide.D))
	}
	switch {
	case o.Clock == o:
		parts = append(parts, "starts event time")
	case o.Clock != nil && (in == nil || in.Clock != o.Clock):
		parts = append(parts, "event time of eventTime @"+at(o.Clock.Pos))
	}
	if o.Drain > 0 && (in == nil || in.Drain != o.Drain) {
		parts = append(parts, fmt.Sprintf("drains %v", o.Drain))
	}
	if len(parts) == 0 {
		return ""
	}
	return " [" + strings.Join(parts, ", ") + "]"
}
