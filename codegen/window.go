package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"streamc.dev/streamc/dsl/types"
	"streamc.dev/streamc/planner"
)

// Windowed operators keep their per-partition state in runtime/window, one structure per
// partition of the stage they head (one for the global reduceByWindow and
// countByWindow), allocated in newJob. Each batch the stage calls Begin, adds the
// partition's records, and runs its chain only when the structure Fires; RunBatch skips
// everything downstream at the other batch times (see timing.go).

// winField names the window structure(s) of windowed operator n.
func winField(n *planner.Op) string { return fmt.Sprintf("win%d", n.ID) }

// filterValue is reduceByKeyAndWindow's filter as the func(K, V) bool the runtime
// calls; the .stream function takes the pair:
//
//	func(k string, v int64) bool {
//		e := stdlib.Tuple2[string, int64]{F1: k, F2: v}
//		return reduceByKeyAndWindow_7_60(e)
//	}
func (g *gen) filterValue(n *planner.Op, kt, vt types.Type) jen.Code {
	pair := types.Pair(kt, vt)
	li := g.lambdaFor(n, winSpec(n).Filter, pair)
	if li.batch {
		g.needBT = true
	}
	return jen.Func().Params(jen.Id("k").Add(g.goType(kt)), jen.Id("v").Add(g.goType(vt))).Bool().Block(
		jen.Id("e").Op(":=").Add(g.goType(pair)).Values(kv("F1", jen.Id("k")), kv("F2", jen.Id("v"))),
		jen.Return(li.call(g.btOf(n), jen.Id("e"))))
}

// perPartition declares a job field holding one value per partition of stage s, each
// made by create:
//
//	j.win5 = make([]*window.KeyedReduce[string, int64], j.n1)
//	for p := range j.win5 {
//		j.win5[p] = window.NewKeyedReduce(j.spec5, reduceByKeyAndWindow_5_40, nil, nil, 64)
//	}
func (g *gen) perPartition(field string, s *planner.Stage, typ jen.Code, create jen.Code, comment string) {
	g.job.field(field, jen.Index().Add(typ), comment)
	g.ctorFn.emit(
		jf(field).Op("=").Make(jen.Index().Add(typ), g.partsOf(s)),
		jen.For(jen.Id("p").Op(":=").Range().Add(jf(field))).Block(jf(field).Index(jen.Id("p")).Op("=").Add(create)))
}

// partitionHead emits the head of a stage over a kept input that needs each partition
// whole: window, mapPartitions, and the snapshots of mapWithState.
func (sg *stageGen) partitionHead(n *planner.Op) {
	s, g, f := sg.s, sg.g, sg.f
	if len(s.Inputs) != 1 || s.Inputs[0].Kind != planner.FromStage {
		g.errorf(n.Pos, "codegen: %s without a kept input", n.Name)
		return
	}
	from := s.Inputs[0].Stage
	bt := jen.Id("b").Dot("Time")
	switch n.Name {
	case "mapPartitions":
		//	for _, v := range mapPartitions_5_20(slices.Clone(j.keep0[p])) { ... }
		li := g.lambdaFor(n, funcSpec(n).Fn, &types.List{Elem: n.Inputs[0].Elem})
		f.emit(sg.enter(n))
		v := f.fresh("v")
		f.emit(rangeLoop(v, li.call(bt, jen.Qual("slices", "Clone").Call(jf(keepField(from)).Index(jen.Id("p")))), sg.chain(0, v, n.Elem)))
	case "snapshots":
		//	for k, st := range j.state4[p].All() {
		//		v := stdlib.Tuple2[K, S]{F1: k, F2: st}
		//		...
		//	}
		k, st, v := f.fresh("k"), f.fresh("st"), f.fresh("v")
		body := assign(v, g.goType(n.Elem).Values(kv("F1", jen.Id(k)), kv("F2", jen.Id(st))), sg.chain(0, v, n.Elem))
		f.emit(jen.For(jen.List(jen.Id(k), jen.Id(st)).Op(":=").Range().Add(jf(stateField(n.Inputs[0]))).Index(jen.Id("p")).Dot("All").Call()).Block(body...))
	case "window":
		sg.windowBatches(n, from)
	}
}

// windowBatches emits window(len, slide). Its stage has the input's partitions times the
// batches a window holds, as Spark's WindowedDStream is the union of the window's
// batches: partition p is input partition p % n of the (p / n)-th batch of the window,
// oldest first. First every input partition's Batches takes the batch in; then, at a
// slide boundary only, the stage's partitions read the window:
//
//	if err := b.Parallel(j.n0, func(p int) error {
//		w := j.win3[p]
//		w.Begin(b.Time)
//		w.AddAll(j.keep0[p])
//		j.win3Out[p] = w.Window()
//		return nil
//	}); err != nil {
//		return err
//	}
//	if !j.win3[0].Fires() {
//		return nil
//	}
//	return b.Parallel(j.n1, func(p int) (err error) {
//		...
//		var in []T
//		if i, q := p/j.n0, p%j.n0; i < len(j.win3Out[q]) {
//			in = j.win3Out[q][i]
//		}
//		for _, v := range in { ... }
//	})
func (sg *stageGen) windowBatches(n *planner.Op, from *planner.Stage) {
	g, f := sg.g, sg.f
	t := n.Inputs[0].Elem
	spec := g.windowSpec(n)
	field, out := winField(n), winField(n)+"Out"
	wt := jen.Op("*").Qual(g.winPath, "Batches").Types(g.goType(t))
	g.perPartition(field, from, wt, jen.Qual(g.winPath, "NewBatches").Types(g.goType(t)).Call(jf(spec)),
		fmt.Sprintf("%s keeps the batches of window at %s, per partition of stage %d.", field, g.posString(n.Pos), from.ID))
	g.addState(&stateSection{node: n, kind: stateBatches, field: field, stage: from, val: t})
	g.job.field(out, jen.Index().Index().Index().Add(g.goType(t)), fmt.Sprintf("%s is the window at the current boundary, per partition of stage %d, oldest batch first.", out, from.ID))
	g.ctorFn.emit(jf(out).Op("=").Make(jen.Index().Index().Index().Add(g.goType(t)), g.partsOf(from)))
	sg.pre = append(sg.pre,
		jen.If(jen.Err().Op(":=").Id("b").Dot("Parallel").Call(g.partsOf(from), jen.Func().Params(jen.Id("p").Int()).Error().Block(
			jen.Id("w").Op(":=").Add(jf(field)).Index(jen.Id("p")),
			jen.Id("w").Dot("Begin").Call(jen.Id("b").Dot("Time")),
			jen.Id("w").Dot("AddAll").Call(jf(keepField(from)).Index(jen.Id("p"))),
			jf(out).Index(jen.Id("p")).Op("=").Id("w").Dot("Window").Call(),
			jen.Return(jen.Nil()))), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.If(jen.Op("!").Add(jf(field)).Index(jen.Lit(0)).Dot("Fires").Call()).Block(jen.Return(jen.Nil())))
	f.emit(jen.Var().Id("in").Index().Add(g.goType(t)),
		jen.If(jen.List(jen.Id("i"), jen.Id("q")).Op(":=").List(jen.Id("p").Op("/").Add(g.partsOf(from)), jen.Id("p").Op("%").Add(g.partsOf(from))),
			jen.Id("i").Op("<").Len(jf(out).Index(jen.Id("q")))).Block(
			jen.Id("in").Op("=").Add(jf(out)).Index(jen.Id("q")).Index(jen.Id("i"))))
	f.taken["i"], f.taken["q"], f.taken["w"] = true, true, true
	v := f.fresh("v")
	f.emit(rangeLoop(v, jen.Id("in"), sg.chain(0, v, n.Elem)))
}

// windowHead emits the reduce side of a windowed operator behind an exchange:
// countByWindow and reduceByWindow (gathered into one partition, partial values per
// input partition), reduceByKeyAndWindow, countByValueAndWindow and groupByKeyAndWindow
// (hashed by key, per-batch partials per key):
//
//	w := j.win5[p]
//	w.Begin(b.Time)
//	for src := range j.x0.Sources() {
//		for _, e := range j.x0.Buffer(src, p) {
//			w.Add(e.F1, e.F2)
//		}
//	}
//	if w.Fires() {
//		keys, vals := w.Window()
//		for i, k := range keys {
//			v := stdlib.Tuple2[string, int64]{F1: k, F2: vals[i]}
//			...
//		}
//	}
func (sg *stageGen) windowHead(n *planner.Op, x *planner.Exchange) {
	s, g, f := sg.s, sg.g, sg.f
	spec := g.windowSpec(n)
	field := winField(n)
	comment := fmt.Sprintf("%s holds the state of %s at %s", field, n.Name, g.posString(n.Pos))
	w := f.fresh("w")
	switch n.Name {
	case "countByWindow", "reduceByWindow":
		t := n.Elem
		var create jen.Code
		if n.Name == "countByWindow" {
			create = jen.Qual(g.winPath, "NewCountByWindow").Call(jf(spec))
		} else {
			var inv jen.Code = jen.Nil()
			if w := winSpec(n); w.Inv != nil {
				inv = g.funcValue(n, w.Inv, t, t)
			}
			create = jen.Qual(g.winPath, "NewReduce").Types(g.goType(t)).Call(jf(spec), g.funcValue(n, winSpec(n).Fn, t, t), inv)
			if types.HasStrings(t) {
				// The window keeps its own copy of each batch's partial (see planner/recycle.go).
				create = jen.Add(create).Dot("OwnValues").Call(g.cloneFunc(t))
			}
		}
		g.job.field(field, jen.Op("*").Qual(g.winPath, "Reduce").Types(g.goType(t)), comment+".")
		g.ctorFn.emit(jf(field).Op("=").Add(create))
		g.addState(&stateSection{node: n, kind: stateReduce, field: field, val: t})
		f.emit(jen.Id(w).Op(":=").Add(jf(field)), jen.Id(w).Dot("Begin").Call(jen.Id("b").Dot("Time")))
		sg.each(x, func(e string) {
			add := jen.Id(w).Dot("Add").Call(jen.Id(e))
			if n.Name == "countByWindow" {
				// A partition without elements has no partial.
				f.emit(jen.If(jen.Id(e).Op("!=").Lit(0)).Block(add))
				return
			}
			f.emit(sg.enter(n), add)
		})
		v, ok := f.fresh("v"), f.fresh("ok")
		rest := sg.chain(0, v, n.Elem)
		bind := v
		if !usesIdent(rest, v) { // count after the window: the value is not read
			bind = "_"
		}
		f.emit(sg.enter(n), jen.If(jen.Id(w).Dot("Fires").Call()).Block(
			jen.If(jen.List(jen.Id(bind), jen.Id(ok)).Op(":=").Id(w).Dot("Window").Call(), jen.Id(ok)).Block(rest...)))
		return
	}
	kt, vt, _ := types.KeyValue(n.Elem)
	var typ, create jen.Code
	switch n.Name {
	case "reduceByKeyAndWindow":
		var inv, filter jen.Code = jen.Nil(), jen.Nil()
		w := winSpec(n)
		if w.Inv != nil {
			inv = g.funcValue(n, w.Inv, vt, vt)
		}
		if w.Filter != nil {
			filter = g.filterValue(n, kt, vt)
		}
		typ = jen.Op("*").Qual(g.winPath, "KeyedReduce").Types(g.goType(kt), g.goType(vt))
		create = jen.Qual(g.winPath, "NewKeyedReduce").Types(g.goType(kt), g.goType(vt)).Call(jf(spec), g.funcValue(n, w.Fn, vt, vt), inv, filter, jen.Lit(64))
	case "countByValueAndWindow":
		typ = jen.Op("*").Qual(g.winPath, "KeyedReduce").Types(g.goType(kt), jen.Int64())
		create = jen.Qual(g.winPath, "NewCountByValue").Types(g.goType(kt)).Call(jf(spec), jen.Lit(64))
	case "groupByKeyAndWindow":
		_, gv, _ := types.KeyValue(x.Elem)
		vt = &types.List{Elem: gv}
		typ = jen.Op("*").Qual(g.winPath, "KeyedGroup").Types(g.goType(kt), g.goType(gv))
		create = jen.Qual(g.winPath, "NewKeyedGroup").Types(g.goType(kt), g.goType(gv)).Call(jf(spec), jen.Lit(64))
	}
	g.perPartition(field, s, typ, create, fmt.Sprintf("%s, per partition of stage %d.", comment, s.ID))
	if n.Name == "groupByKeyAndWindow" {
		_, gv, _ := types.KeyValue(x.Elem)
		g.addState(&stateSection{node: n, kind: stateGroup, field: field, stage: s, key: kt, val: gv})
	} else {
		g.addState(&stateSection{node: n, kind: stateKeyed, field: field, stage: s, key: kt, val: vt})
	}
	f.emit(jen.Id(w).Op(":=").Add(jf(field)).Index(jen.Id("p")), jen.Id(w).Dot("Begin").Call(jen.Id("b").Dot("Time")))
	sg.each(x, func(e string) {
		f.emit(sg.enter(n), jen.Id(w).Dot("Add").Call(jen.Id(e).Dot("F1"), jen.Id(e).Dot("F2")))
	})
	keys, vals, i, k, v := f.fresh("keys"), f.fresh("vals"), f.fresh("i"), f.fresh("k"), f.fresh("v")
	body := assign(v, g.goType(n.Elem).Values(kv("F1", jen.Id(k)), kv("F2", jen.Id(vals).Index(jen.Id(i)))), sg.chain(0, v, n.Elem))
	valsID := jen.Id(vals)
	if !usesIdent(body, vals) {
		valsID = jen.Id("_")
	}
	f.emit(sg.enter(n), jen.If(jen.Id(w).Dot("Fires").Call()).Block(
		jen.List(jen.Id(keys), valsID).Op(":=").Id(w).Dot("Window").Call(),
		pairLoop(keys, vals, i, k, body)))
}

// pairLoop loops over parallel slices of keys and values (vals[i] belongs to keys[i]),
// declaring only the loop variables body uses:
//
//	for i, k := range keys { ... vals[i] ... }
func pairLoop(keys, vals, i, k string, body []jen.Code) jen.Code {
	useK, useV := usesIdent(body, k), usesIdent(body, vals)
	switch {
	case useK && useV:
		return jen.For(jen.List(jen.Id(i), jen.Id(k)).Op(":=").Range().Id(keys)).Block(body...)
	case useK:
		return jen.For(jen.List(jen.Id("_"), jen.Id(k)).Op(":=").Range().Id(keys)).Block(body...)
	case useV:
		return jen.For(jen.Id(i).Op(":=").Range().Id(keys)).Block(body...)
	}
	return jen.For(jen.Range().Id(keys)).Block(body...)
}
