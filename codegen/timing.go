package codegen

import (
	"fmt"
	"time"

	"github.com/dave/jennifer/jen"

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

// Slides are the planner's (planner.Op.Slide): the batch interval, which --batch may
// change, or a fixed duration written in the program.

// slideCode is slide s as a Go expression valid in newJob (ctx) and in the job's
// methods (j.ctx) alike, through the job field that holds the interval.
func slideCode(s planner.Slide) jen.Code {
	if s.Batch {
		return jf("ctx").Dot("Settings").Dot("Batch")
	}
	return durationCode(s.D)
}

// slideCtorCode is slide s as a Go expression in newJob.
func slideCtorCode(s planner.Slide) jen.Code {
	if s.Batch {
		return jen.Id("ctx").Dot("Settings").Dot("Batch")
	}
	return durationCode(s.D)
}

// slideDur is slide s for the file's batch interval.
func (g *gen) slideDur(s planner.Slide) time.Duration { return s.Duration(g.plan.Settings.Batch) }

// stageInput is the stream a stage reads (one of them for a union or a join, which
// check that theirs slide together): the stage runs only at the batch times it has data.
// nil for a stage that reads a source.
func (g *gen) stageInput(s *planner.Stage) *planner.Op {
	for _, in := range s.Inputs {
		switch in.Kind {
		case planner.FromStage:
			return in.Stage.Tail
		case planner.FromExchange:
			return in.Exchange.Op.Inputs[in.Exchange.Side]
		}
	}
	return nil
}

// whenValid wraps stmts in the test that stream n has data at the current batch time
// (rt.Fires). A stream on event time tests its own (lagged) time with rt.FiresLagged.
func (g *gen) whenValid(n *planner.Op, stmts ...jen.Code) []jen.Code {
	if n == nil {
		return stmts
	}
	sl := n.Slide
	if sl.Batch {
		return stmts
	}
	zero := jf("ctx").Dot("ZeroTime")
	if ev := n.Clock; ev != nil {
		return []jen.Code{jen.If(jen.Qual(g.rtPath, "FiresLagged").Call(jen.Id(evVar(ev)).Dot("Time"), zero, slideCode(sl), jf(lagField(ev)))).Block(stmts...)}
	}
	return []jen.Code{jen.If(jen.Qual(g.rtPath, "Fires").Call(jen.Id("b").Dot("Time"), zero, slideCode(sl))).Block(stmts...)}
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
		for _, in := range o.Op.Inputs {
			d = max(d, in.Drain)
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
func (g *gen) windowSpec(n *planner.Op) string {
	field := fmt.Sprintf("spec%d", n.ID)
	if g.specDone[n] {
		return field
	}
	g.specDone[n] = true
	in := n.Inputs[0].Slide
	sl := n.Slide
	g.job.field(field, jen.Qual(g.winPath, "Spec"), fmt.Sprintf("%s is the timing of %s at %s.", field, n.Name, g.posString(n.Pos)))
	g.ctorFn.emit(
		jf(field).Op("=").Qual(g.winPath, "Spec").Values(kv("Interval", slideCtorCode(in)), kv("Length", durationCode(winSpec(n).Len)), kv("Slide", slideCtorCode(sl)), kv("Zero", jen.Id("ctx").Dot("ZeroTime")), g.lagKV(n)),
		jen.If(jen.Err().Op(":=").Add(jf(field)).Dot("Check").Call(), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit(g.posString(n.Pos)+": "+n.Name+": %w"), jen.Err()))))
	return field
}
