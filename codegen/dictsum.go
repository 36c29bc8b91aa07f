package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"
	"streamc.dev/streamc/dsl/types"
	"streamc.dev/streamc/planner"
)

// dictSum is a stateless word count whose result goes whole to a gathering sortByKey:
//
//	flatMap(l => words(e)).map(w => (w, v)).reduceByKey((a, b) => a + b).sortByKey()
//
// with v an int that does not read the word and nothing else reading the reduce side's
// result. Its map side, reduce side and sort run over one key dictionary kept from batch
// to batch (rt.DictSums), the expert baseline's design: the map side's partition p
// counts each word by key id in its own array, the words the dictionary lacks into a
// small map, added to the dictionary once the partitions are done; the reduce side's
// partition p appends the p-th range of the keys, in byte order, with their sums to
// sortByKey's gather, which then receives runs already sorted:
//
//	stage0:  j.dict0.Begin()                 before the partitions
//	         j.dict0.CountWords(p, v, 1)     per line, in each partition
//	         j.dict0.AddFresh()              after the partitions
//	stage1:  outx1[0] = rt.AppendSums(j.dict0, outx1[0], p, j.n1, false, func(k string, v int64) stdlib.Tuple2[string, int64] { ... })
//	         j.dict0.EndBatch()              after the partitions
//
// Reading a files source's texts, the map side's partitions count the batch's texts
// together, taking pieces in turn (j.dict0.Share(in) before them, CountShared in each;
// dictMapSide).
//
// The exchange into the reduce side is not built, nor the combine and merge maps, nor the
// partitions' sorts. The results are the general chain's (int addition wraps, so the
// order of the sums does not matter); semantics cases compare the two. Without state
// the dictionary only caches keys, and DictSums rebuilds it when it holds more than
// twice the batch's keys, so a stream of ever new keys does not grow it.
//
// The reduce side's result may also (or only) go to updateStateByKey with the running
// sum, whose whole state goes to a gathering sortByKey (Spark's
// StatefulNetworkWordCount, bench/pipelines/wordcount.stream). The state is then one
// total per key id of the same dictionary (DictSums.WithTotals), as in the expert
// baseline: the reduce side adds each key's batch sum to its total as it reads it, and
// the state's stage hands the state's sortByKey its partition's range of every key, in
// byte order:
//
//	stage1:  rt.AppendSums(...) as above, or j.dict0.FoldSums(p, j.n1) when only the state reads the sums
//	stage3:  outx3[0] = rt.AppendTotals(j.dict0, outx3[0], p, j.n3, false, func(k string, v int64) stdlib.Tuple2[string, int64] { ... })
//
// The exchange into the state is not built, nor the state's stores; the checkpoint
// section is the stores' (same name, same (key, total) records), so a checkpoint moves
// between the two forms.
//
// When print is the only reader of a sortByKey's result (keepsRuns), the partitions
// render their ranges for it instead of appending them (rt.Rendered): the gather is not
// built, the sortByKey's stage does nothing and is not generated, and print writes the
// partitions' texts in order:
//
//	j.keep2[p].Begin(1000)
//	rt.RenderSums(j.dict0, &j.keep2[p], p, j.n1, false, func(k string, v int64) stdlib.Tuple2[string, int64] { ... }, renderTuple2_String_Int)
//	...
//	rt.PrintRendered(j.ctx.Stdout, b.Time, 1000, j.keep2)
type dictSum struct {
	in   *planner.Exchange // map side → reduce side: reduceByKey's, never built
	red  *planner.Stage    // the reduce side
	sort *planner.Exchange // reduce side → sortByKey's gather; nil when only the state reads the sums
	// state is reduce side → updateStateByKey (never built) and stateSort the state's
	// stage → sortByKey's gather; both nil without state.
	state, stateSort *planner.Exchange
}

// dictField names the job's rt.DictSums of the chain whose map side writes x.
func dictField(x *planner.Exchange) string { return fmt.Sprintf("dict%d", x.ID) }

// dictSumFrom returns the dictSum whose map side writes exchange x, or nil.
func (g *gen) dictSumFrom(x *planner.Exchange) *dictSum {
	if ds, ok := g.dictSums[x]; ok {
		return ds
	}
	ds := g.findDictSum(x)
	if g.dictSums == nil {
		g.dictSums = map[*planner.Exchange]*dictSum{}
	}
	g.dictSums[x] = ds
	return ds
}

func (g *gen) findDictSum(x *planner.Exchange) *dictSum {
	if x == nil || !x.Combine || x.Mode != planner.ByKey || x.Op.Name != "reduceByKey" {
		return nil
	}
	kt, vt, ok := types.KeyValue(x.Elem)
	if !ok || !types.Identical(kt, types.StringType) || !types.Identical(vt, types.IntType) || !g.isSumLambda(reduceFn(x.Op)) {
		return nil
	}
	// The map side: the shape sg.combineWords fuses, ending the stage.
	if _, ok := g.wordCountTail(x.From); !ok {
		return nil
	}
	// The reduce side: its result goes to sortByKey's gather, to updateStateByKey's
	// running sum, or to both.
	red := x.To
	if red.Head != x.Op || !onlyInput(red, x) || len(red.Chain) != 0 || red.Keep || len(red.Out) == 0 {
		return nil
	}
	ds := &dictSum{in: x, red: red}
	for _, y := range red.Out {
		switch {
		case isGatherSort(y) && ds.sort == nil:
			ds.sort = y
		case ds.state == nil && g.runningSumState(y):
			ds.state, ds.stateSort = y, y.To.Out[0]
		default:
			return nil
		}
	}
	return ds
}

// isGatherSort reports whether exchange x is a sortByKey's gather.
func isGatherSort(x *planner.Exchange) bool {
	return x.Op.Name == "sortByKey" && x.Mode == planner.Gather && !x.Combine
}

// runningSumState reports whether exchange x leads to an updateStateByKey with the
// running sum (isRunningSumLambda), no initial state and nothing else in its stage,
// whose whole result goes to a gathering sortByKey: the state a dictSum can hold.
func (g *gen) runningSumState(x *planner.Exchange) bool {
	n, st := x.Op, x.To
	if n.Name != "updateStateByKey" || x.Mode != planner.ByKey || x.Combine || st.Head != n || !onlyInput(st, x) {
		return false
	}
	if stateSpec(n).Initial != nil || !types.Identical(g.stateType(n), types.IntType) || !g.isRunningSumLambda(stateSpec(n).Fn) {
		return false
	}
	// Nothing else reads the state: snapshots, the one operator that reads a store
	// itself, applies to mapWithState only.
	return sortedStateOut(st) != nil
}

// dictSumOf returns the dictSum whose reduce side is stage s, or nil.
func (g *gen) dictSumOf(s *planner.Stage) *dictSum {
	if len(s.Inputs) != 1 || s.Inputs[0].Kind != planner.FromExchange {
		return nil
	}
	if ds := g.dictSumFrom(s.Inputs[0].Exchange); ds != nil && ds.red == s {
		return ds
	}
	return nil
}

// dictStateOf returns the dictSum whose state is stage s's, or nil.
func (g *gen) dictStateOf(s *planner.Stage) *dictSum {
	if len(s.Inputs) != 1 || s.Inputs[0].Kind != planner.FromExchange {
		return nil
	}
	if ds := g.dictSumOf(s.Inputs[0].Exchange.From); ds != nil && ds.state == s.Inputs[0].Exchange {
		return ds
	}
	return nil
}

// dictReplaces reports whether exchange x is one a dictSum does without (the map
// side's into the reduce side, the reduce side's into the state, a gather whose
// partitions render for print): it is never built.
func (g *gen) dictReplaces(x *planner.Exchange) bool {
	if g.dictSumFrom(x) != nil {
		return true
	}
	return g.dictRenders(x) || g.dictStateFrom(x) != nil
}

// dictStateFrom returns the dictSum whose reduce side's exchange into the state is x
// (its totals do without it), or nil.
func (g *gen) dictStateFrom(x *planner.Exchange) *dictSum {
	if ds := g.dictSumOf(x.From); ds != nil && ds.state == x {
		return ds
	}
	return nil
}

// dictRenders reports whether exchange x is the gather of a dictSum's sortByKey (of the
// sums, or of the state) whose result only print reads: the partitions of x's source
// stage render their ranges (rt.Rendered), and x's destination stage is not generated.
func (g *gen) dictRenders(x *planner.Exchange) bool {
	if !g.keepsRuns(x.To) {
		return false
	}
	if ds := g.dictSumOf(x.From); ds != nil && ds.sort == x {
		return true
	}
	ds := g.dictStateOf(x.From)
	return ds != nil && ds.stateSort == x
}

// renderedBy returns the exchange whose source stage renders stage s's result for
// print (dictRenders), or nil.
func (g *gen) renderedBy(s *planner.Stage) *planner.Exchange {
	if len(s.Inputs) != 1 || s.Inputs[0].Kind != planner.FromExchange {
		return nil
	}
	if x := s.Inputs[0].Exchange; g.dictRenders(x) {
		return x
	}
	return nil
}

// printedNum returns the most elements a print of stage s's result prints.
func (g *gen) printedNum(s *planner.Stage) int {
	num := 0
	for _, o := range g.plan.Outputs {
		if o.Stage == s {
			num = max(num, outputSpec(o.Op).N)
		}
	}
	return num
}

// declareDictSum declares the chain's dictionary in place of exchange x:
//
//	j.dict0 = rt.NewDictSums(j.n0)                  (.WithTotals() when it holds the state)
func (g *gen) declareDictSum(x *planner.Exchange) {
	ds := g.dictSumFrom(x)
	comment := fmt.Sprintf("%s is the key dictionary of %s at %d:%d, kept from batch to batch: stage %d adds its words' values by key id, stage %d sums them in the keys' order.",
		dictField(x), x.Op.Name, x.Op.Pos.Line, x.Op.Pos.Col, x.From.ID, x.To.ID)
	if ds.state != nil {
		n := ds.state.Op
		comment += fmt.Sprintf(" It holds the state of %s at %d:%d, a total per key, which stage %d hands on.", n.Name, n.Pos.Line, n.Pos.Col, ds.state.To.ID)
	}
	g.job.field(dictField(x), jen.Op("*").Qual(g.rtPath, "DictSums"), comment)
	create := jen.Qual(g.rtPath, "NewDictSums").Call(g.partsOf(x.From))
	if ds.state != nil {
		create.Dot("WithTotals").Call()
	}
	g.ctorFn.emit(jf(dictField(x)).Op("=").Add(create))
}

// dictMapSide emits the map side's call in each partition, Begin before the partitions
// and AddFresh after them. The call counts text: a line (CountWords), or with lines the
// partition's lines (CountLines); or, when the stage reads a files source's texts, the
// partitions count the batch's texts together, each taking pieces in turn, so that one
// that starts late counts fewer (rt.DictSums.Share):
//
//	j.dict0.Begin()                      before the partitions
//	j.dict0.Share(in)                    (texts)
//	j.dict0.CountShared(p, int64(1))     in each partition
//	j.dict0.AddFresh()                   after the partitions
func (sg *stageGen) dictMapSide(ds *dictSum, text, val jen.Code, lines bool) {
	d := jf(dictField(ds.in))
	sg.preLoop = append(sg.preLoop, d.Clone().Dot("Begin").Call())
	var count jen.Code
	switch {
	case lines && sg.readsTexts():
		sg.preLoop = append(sg.preLoop, d.Clone().Dot("Share").Call(jen.Id("in")))
		count = d.Clone().Dot("CountShared").Call(jen.Id("p"), val)
	case lines:
		count = d.Clone().Dot("CountLines").Call(jen.Id("p"), text, val)
	default:
		count = d.Clone().Dot("CountWords").Call(jen.Id("p"), text, val)
	}
	sg.f.emit(sg.enter(ds.in.Op), count)
	sg.post = append(sg.post, d.Clone().Dot("AddFresh").Call())
}

// readsTexts reports whether the stage reads a files source's texts (textSource).
func (sg *stageGen) readsTexts() bool {
	in := sg.s.Inputs
	return len(in) == 1 && in[0].Kind == planner.FromSource && textSource(in[0].Source)
}

// dictReduceHead emits the reduce side: the partition's range of the keys with their
// sums, in sortByKey's order, into its gather (FoldSums when only the state reads
// them); after the partitions, EndBatch.
func (sg *stageGen) dictReduceHead(ds *dictSum) {
	g, f, n := sg.g, sg.f, sg.s.Head
	d := jf(dictField(ds.in))
	sg.post = append(sg.post, d.Clone().Dot("EndBatch").Call())
	if ds.sort == nil {
		f.emit(sg.enter(n), d.Clone().Dot("FoldSums").Call(jen.Id("p"), g.partsOf(sg.s)))
		return
	}
	f.emit(sg.enter(n), sg.enter(ds.sort.Op))
	sg.appendDict(ds.sort, "Sums", d, n.Elem)
}

// dictStateHead emits the state's stage of a dictSum: the partition's range of every
// key with its total, in the state's sortByKey's order, into its gather.
func (sg *stageGen) dictStateHead(ds *dictSum) {
	g, n := sg.g, sg.s.Head
	kt, _, _ := types.KeyValue(ds.state.Elem)
	g.addState(&stateSection{node: n, kind: stateDictTotals, field: dictField(ds.in), key: kt, val: g.stateType(n)})
	sg.f.emit(sg.enter(n), sg.enter(ds.stateSort.Op))
	sg.appendDict(ds.stateSort, "Totals", jf(dictField(ds.in)), n.Elem)
}

// appendDict emits the call that appends the partition's range of the dictionary's
// keys, with their sums or totals (fn is "Sums" or "Totals"), to sortByKey's gather x:
//
//	outx1 := j.x1.Out(p)
//	outx1[0] = rt.AppendSums(j.dict0, outx1[0], p, j.n1, false, func(k string, v int64) stdlib.Tuple2[string, int64] {
//		return stdlib.Tuple2[string, int64]{F1: k, F2: v}
//	})
//
// or, when the partitions render for print (dictRenders), renders it into the kept
// result of x's destination stage:
//
//	j.keep2[p].Begin(1000)
//	rt.RenderSums(j.dict0, &j.keep2[p], p, j.n1, false, func(k string, v int64) stdlib.Tuple2[string, int64] {
//		return stdlib.Tuple2[string, int64]{F1: k, F2: v}
//	}, renderTuple2_String_Int)
func (sg *stageGen) appendDict(x *planner.Exchange, fn string, d jen.Code, elem types.Type) {
	g, f := sg.g, sg.f
	k, v := f.fresh("k"), f.fresh("v")
	desc := !funcSpec(x.Op).Ascending
	mk := jen.Func().Params(jen.Id(k).String(), jen.Id(v).Int64()).Add(g.goType(elem)).Block(
		jen.Return(g.goType(elem).Values(kv("F1", jen.Id(k)), kv("F2", jen.Id(v)))))
	if g.dictRenders(x) {
		kept := jf(keepField(x.To)).Index(jen.Id("p"))
		f.emit(kept.Clone().Dot("Begin").Call(jen.Lit(g.printedNum(x.To))),
			jen.Qual(g.rtPath, "Render"+fn).Call(d, jen.Op("&").Add(kept), jen.Id("p"), g.partsOf(sg.s), jen.Lit(desc), mk, g.renderFunc(elem)))
		return
	}
	out := "out" + exField(x)
	f.taken[out] = true
	f.emit(jen.Id(out).Op(":=").Add(jf(exField(x))).Dot("Out").Call(jen.Id("p")),
		jen.Id(out).Index(jen.Lit(0)).Op("=").Qual(g.rtPath, "Append"+fn).Call(d, jen.Id(out).Index(jen.Lit(0)), jen.Id("p"), g.partsOf(sg.s), jen.Lit(desc), mk))
}
