package codegen

import (
	"fmt"
	"time"

	"github.com/dave/jennifer/jen"

	"streamc.dev/streamc/dsl/builtins"
	"streamc.dev/streamc/dsl/check"
	"streamc.dev/streamc/planner"
)

// Spark Streaming gives every DStream a slide duration: a source's is the batch
// interval, a window's is its slide, and every other operator inherits its input's. A
// stream has an RDD only at the batch times t with (t - zeroTime) a multiple of its
// slide; at other times nothing downstream of it runs — no operator, no output, print
// writes no header. The generated job follows that: RunBatch runs a stage only when its
// input has data at b.Time, and an output only when its stream has:
//
//	if rt.Fires(b.Time, j.ctx.ZeroTime, 2*time.Second) {
//		if err := j.stage3(b); err != nil {
//			return err
//		}
//	}
//
// Streams whose slide is the batch interval have data at every batch and get no test.

// slide is a stream's slide duration: the batch interval (which --batch may change), or
// a fixed duration written in the program.
type slide struct {
	batch bool
	d     time.Duration
}

// code is the slide as a Go expression valid in newJob (ctx) and in the job's methods
// (j.ctx) alike, through the job field that holds the interval.
func (s slide) code() jen.Code {
	if s.batch {
		return jf("ctx").Dot("Settings").Dot("Batch")
	}
	return durationCode(s.d)
}

// ctorCode is the slide as a Go expression in newJob.
func (s slide) ctorCode() jen.Code {
	if s.batch {
		return jen.Id("ctx").Dot("Settings").Dot("Batch")
	}
	return durationCode(s.d)
}

// slideText describes a slide in messages.
func (g *gen) slideText(s slide) string {
	if s.batch {
		return g.plan.Settings.Batch.String() + " (the batch interval)"
	}
	return s.d.String()
}

// sameSlide reports whether two slides are equal: a fixed slide equal to the file's batch
// interval counts as the batch interval.
func (g *gen) sameSlide(a, b slide) bool {
	return g.slideDur(a) == g.slideDur(b)
}

func (g *gen) slideDur(s slide) time.Duration {
	if s.batch {
		return g.plan.Settings.Batch
	}
	return s.d
}

// isWindow reports whether n is a windowed operator, which sets its own slide.
func isWindow(n *check.Node) bool { return n.Desc.Plan.Slides }

// slideOf returns the slide of the stream node n produces, checking on the way that the
// inputs of unions and joins slide together (Spark requires it). Errors are positioned
// at the operator.
func (g *gen) slideOf(n *check.Node) slide {
	if s, ok := g.slides[n]; ok {
		return s
	}
	var s slide
	switch {
	case n.Class() == builtins.ClassSource || len(n.Inputs) == 0:
		s = slide{batch: true}
	case isWindow(n):
		in := g.slideOf(n.Inputs[0])
		if w := winSpec(n); w.SlideSet {
			s = slide{d: w.Slide}
		} else {
			s = in
		}
		if !in.batch {
			// A window of a windowed stream: its length and slide count in the input's
			// slides (Spark's "must be a multiple of the slide duration of parent DStream").
			pd := g.slideDur(in)
			if winSpec(n).Len%pd != 0 {
				g.errorf(n.Pos, "%s: the window duration %v must be a multiple of the input stream's slide duration %v", n.Op, winSpec(n).Len, pd)
			}
			if !s.batch && s.d%pd != 0 {
				g.errorf(n.Pos, "%s: the slide duration %v must be a multiple of the input stream's slide duration %v", n.Op, s.d, pd)
			}
		}
	default:
		s = g.slideOf(n.Inputs[0])
		for _, in := range n.Inputs[1:] {
			if o := g.slideOf(in); !g.sameSlide(s, o) {
				g.errorf(n.Pos, "%s needs streams with the same slide duration (Spark requires it): one slides every %s, another every %s", n.Op, g.slideText(s), g.slideText(o))
			}
		}
	}
	g.slides[n] = s
	return s
}

// stageInput is the stream a stage reads (one of them for a union or a join, which
// check that theirs slide together): the stage runs only at the batch times it has data.
// nil for a stage that reads a source.
func (g *gen) stageInput(s *planner.Stage) *check.Node {
	for _, in := range s.Inputs {
		switch in.Kind {
		case planner.FromStage:
			return in.Stage.Tail
		case planner.FromExchange:
			return in.Exchange.Node.Inputs[in.Exchange.Side]
		}
	}
	return nil
}

// whenValid wraps stmts in the test that stream n has data at the current batch time
// (rt.Fires). A stream on event time tests its own (lagged) time with rt.FiresLagged.
func (g *gen) whenValid(n *check.Node, stmts ...jen.Code) []jen.Code {
	if n == nil {
		return stmts
	}
	sl := g.slideOf(n)
	if sl.batch {
		return stmts
	}
	zero := jf("ctx").Dot("ZeroTime")
	if ev := g.clockOf(n); ev != nil {
		return []jen.Code{jen.If(jen.Qual(g.rtPath, "FiresLagged").Call(jen.Id(evVar(ev)).Dot("Time"), zero, sl.code(), jf(lagField(ev)))).Block(stmts...)}
	}
	return []jen.Code{jen.If(jen.Qual(g.rtPath, "Fires").Call(jen.Id("b").Dot("Time"), zero, sl.code())).Block(stmts...)}
}

// drainOf is how long after its sources' last data the stream of n still changes: the
// sum along the way of the windows' Spec.Drain (length + slide - input slide) and of
// mapWithState's timeouts (the idle keys' last calls come one interval past the
// timeout).
func (g *gen) drainOf(n *check.Node) time.Duration {
	if d, ok := g.drains[n]; ok {
		return d
	}
	var d time.Duration
	for _, in := range n.Inputs {
		d = max(d, g.drainOf(in))
	}
	switch {
	case isWindow(n):
		d += winSpec(n).Len + g.slideDur(g.slideOf(n)) - g.slideDur(g.slideOf(n.Inputs[0]))
	case n.Op == "eventTime":
		// The lagged stream has its last event-time batch with data a lag later.
		d += eventTimeSpec(n).Lateness
	case n.Op == "mapWithState" && stateSpec(n).Timeout > 0:
		in := g.slideDur(g.slideOf(n.Inputs[0]))
		d += (stateSpec(n).Timeout/in + 1) * in
	}
	g.drains[n] = d
	return d
}

// drainMethod implements rt.Drainer when some output's stream goes on changing after
// the input ends:
//
//	// DrainBatches is the number of batches to run after the sources are exhausted, so
//	// that every window slides past the input (5s).
//	func (j *job) DrainBatches() int {
//		return int((5*time.Second + j.ctx.Settings.Batch - 1) / j.ctx.Settings.Batch)
//	}
func (g *gen) drainMethod() jen.Code {
	var d time.Duration
	for _, o := range g.plan.Outputs {
		for _, in := range o.Node.Inputs {
			d = max(d, g.drainOf(in))
		}
	}
	if d == 0 {
		return nil
	}
	batch := jf("ctx").Dot("Settings").Dot("Batch")
	return docf("DrainBatches is the number of batches to run after the sources are exhausted, so\nthat every window slides past the input and idle state times out (%v).", d).Line().
		Func().Params(jen.Id("j").Op("*").Id("job")).Id("DrainBatches").Params().Int().Block(
		jen.Return(jen.Int().Call(jen.Parens(durationCode(d).(*jen.Statement).Clone().Op("+").Add(batch).Op("-").Lit(1)).Op("/").Add(batch.Clone()))))
}

// windowSpec declares the window.Spec of windowed operator n in newJob and returns its
// field, checking it once (a --batch flag can make a window that compiled invalid):
//
//	j.spec5 = window.Spec{Interval: ctx.Settings.Batch, Length: 3 * time.Second, Slide: 2 * time.Second, Zero: ctx.ZeroTime}
//	if err := j.spec5.Check(); err != nil {
//		return nil, fmt.Errorf("w.stream:5:9: window: %w", err)
//	}
func (g *gen) windowSpec(n *check.Node) string {
	field := fmt.Sprintf("spec%d", n.ID)
	if g.specDone[n] {
		return field
	}
	g.specDone[n] = true
	in := g.slideOf(n.Inputs[0])
	sl := g.slideOf(n)
	g.job.field(field, jen.Qual(g.winPath, "Spec"), fmt.Sprintf("%s is the timing of %s at %s.", field, n.Op, g.posString(n.Pos)))
	g.ctorFn.emit(
		jf(field).Op("=").Qual(g.winPath, "Spec").Values(kv("Interval", in.ctorCode()), kv("Length", durationCode(winSpec(n).Len)), kv("Slide", sl.ctorCode()), kv("Zero", jen.Id("ctx").Dot("ZeroTime")), g.lagKV(n)),
		jen.If(jen.Err().Op(":=").Add(jf(field)).Dot("Check").Call(), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit(g.posString(n.Pos)+": "+n.Op+": %w"), jen.Err()))))
	return field
}
