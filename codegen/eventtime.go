package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"streamc.dev/streamc/planner"
)

// Event time: eventTime(f, lateness = d) re-assigns every element to the batch of its own
// timestamp f(x) (runtime/eventtime). Everything downstream of it runs on an event-time
// clock that lags the arrival clock by the lateness rounded up to whole batches, so that
// an element up to d late still joins its batch. The job computes the lag once, takes a
// lagged view of each batch at the top of RunBatch, and passes it, instead of b, to the
// stages and outputs of the lagged streams; their code then reads b.Time as usual and
// sees the event-time batch:
//
//	j.lag4 = eventtime.Lag(10*time.Second, ctx.Settings.Batch)   (newJob)
//
//	ev4 := b.Lagged(j.lag4)                                        (RunBatch)
//	if err := j.stage2(ev4); err != nil {
//		return err
//	}
//
// Windows downstream keep their slide boundaries at the arrival clock's zero time plus
// multiples of the slide (window.Spec.Lag), so that a 10 s window of event time covers
// the same 10 s as one of arrival time would; the stages and outputs of a windowed
// event-time stream test their lagged time with rt.FiresLagged. Streams on different
// clocks cannot meet in a union or a join: their batch times differ.

// lagField is the job field holding eventTime node ev's lag.
func lagField(ev *planner.Op) string { return fmt.Sprintf("lag%d", ev.ID) }

// evVar is RunBatch's lagged view of the batch for the streams downstream of ev.
func evVar(ev *planner.Op) string { return fmt.Sprintf("ev%d", ev.ID) }

// holdField is the job field holding eventTime node n's per-partition holds.
func holdField(n *planner.Op) string { return fmt.Sprintf("hold%d", n.ID) }

// batchOf is the batch RunBatch passes to the code of n's stream: b, or the lagged view.
func (g *gen) batchOf(n *planner.Op) *jen.Statement {
	if ev := n.Clock; ev != nil {
		return jen.Id(evVar(ev))
	}
	return jen.Id("b")
}

// lagKV is the Lag field of the window.Spec of window operator n: its stream's lag on an
// event-time clock, nothing on the arrival clock.
func (g *gen) lagKV(n *planner.Op) jen.Code {
	if ev := n.Clock; ev != nil {
		return kv("Lag", jf(lagField(ev)))
	}
	return jen.Null()
}

// btOf is batchTime for the function values of n built in newJob: j.bt, which RunBatch
// sets from b, moved back by the lag on an event-time clock.
func (g *gen) btOf(n *planner.Op) jen.Code {
	if ev := n.Clock; ev != nil {
		return jf("bt").Dot("Add").Call(jen.Op("-").Add(jf(lagField(ev))))
	}
	return jf("bt")
}

// genClocks declares the lag of every eventTime of the plan, in stage order, and returns
// the statements that open RunBatch with their lagged views of the batch.
func (g *gen) genClocks() []jen.Code {
	var views []jen.Code
	for _, s := range g.plan.Stages {
		n := s.Head
		if n == nil || n.Name != "eventTime" {
			continue
		}
		g.job.field(lagField(n), jen.Qual("time", "Duration"),
			fmt.Sprintf("%s is how far the stream of eventTime at %s lags the arrival clock:\nits lateness rounded up to whole batches.", lagField(n), g.posString(n.Pos)))
		g.ctorFn.emit(jf(lagField(n)).Op("=").Qual(g.evPath(), "Lag").Call(durationCode(eventTimeSpec(n).Lateness), jen.Id("ctx").Dot("Settings").Dot("Batch")))
		views = append(views, jen.Id(evVar(n)).Op(":=").Id("b").Dot("Lagged").Call(jf(lagField(n))))
	}
	return views
}

// evPath is the import path of the event-time runtime.
func (g *gen) evPath() string { return g.rtPath + "/eventtime" }

// eventTimeHead emits the stage that eventTime heads. It runs with the lagged batch: each
// partition's Hold takes the input's elements with their timestamps, then the elements
// due at the event-time batch b.Time go down the chain:
//
//	h := j.hold4[p]
//	h.Begin(b.Time)
//	for _, v := range j.keep0[p] {
//		cur = 0
//		h.Add(v, eventTime_5_12(v))
//	}
//	b.AddLateRecords(h.TakeLate())
//	for _, v2 := range h.Due() { ... }
//
// f's batchTime is the arrival batch's time, b.Time + the lag.
func (sg *stageGen) eventTimeHead(n *planner.Op) {
	s, g, f := sg.s, sg.g, sg.f
	if len(s.Inputs) != 1 || s.Inputs[0].Kind != planner.FromStage {
		g.errorf(n.Pos, "codegen: eventTime without a kept input")
		return
	}
	from := s.Inputs[0].Stage
	t := n.Inputs[0].Elem
	ev := n.Clock
	field := holdField(n)
	ht := jen.Op("*").Qual(g.evPath(), "Hold").Types(g.goType(t))
	g.perPartition(field, s, ht, jen.Qual(g.evPath(), "NewHold").Types(g.goType(t)).Call(jen.Id("ctx").Dot("Settings").Dot("Batch"), jen.Id("ctx").Dot("ZeroTime")),
		fmt.Sprintf("%s holds the elements of eventTime at %s until their batch is due, per partition.", field, g.posString(n.Pos)))
	g.ctorFn.emit(jen.Id("ctx").Dot("OnClose").Call(jen.Qual(g.evPath(), "HeldAtClose").Call(jen.Id("ctx").Dot("Log"), jen.Lit(g.posString(n.Pos)+": eventTime"), jf(field))))
	g.addState(&stateSection{node: n, kind: stateHeld, field: field, stage: s, val: t})

	li := g.lambdaFor(n, eventTimeSpec(n).Fn, t)
	arrival := jen.Id("b").Dot("Time").Dot("Add").Call(jf(lagField(ev)))
	h, v := f.fresh("h"), f.fresh("v")
	f.emit(jen.Id(h).Op(":=").Add(jf(field)).Index(jen.Id("p")), jen.Id(h).Dot("Begin").Call(jen.Id("b").Dot("Time")))
	f.emit(rangeLoop(v, jf(keepField(from)).Index(jen.Id("p")), []jen.Code{
		sg.enter(n),
		jen.Id(h).Dot("Add").Call(jen.Id(v), li.call(arrival, jen.Id(v))),
	}))
	f.emit(jen.Id("b").Dot("AddLateRecords").Call(jen.Id(h).Dot("TakeLate").Call()))
	w := f.fresh("v")
	f.emit(rangeLoop(w, jen.Id(h).Dot("Due").Call(), sg.chain(0, w, n.Elem)))
}
