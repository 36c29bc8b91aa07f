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
// The exchange into the reduce side is not built, nor the combine and merge maps, nor the
// partitions' sorts. The results are the general chain's (int addition wraps, so the
// order of the sums does not matter); semantics cases compare the two. The chain is
// stateless: the dictionary only caches keys, and DictSums rebuilds it when it holds
// more than twice the batch's keys, so a stream of ever new keys does not grow it.
type dictSum struct {
	in   *planner.Exchange // map side → reduce side: reduceByKey's, never built
	red  *planner.Stage    // the reduce side
	sort *planner.Exchange // reduce side → sortByKey's gather
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
	// The reduce side: its result goes to sortByKey's gather alone.
	red := x.To
	if red.Head != x.Op || !onlyInput(red, x) || len(red.Chain) != 0 || red.Keep || len(red.Out) != 1 {
		return nil
	}
	y := red.Out[0]
	if y.Op.Name != "sortByKey" || y.Mode != planner.Gather || y.Combine {
		return nil
	}
	return &dictSum{in: x, red: red, sort: y}
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

// declareDictSum declares the chain's dictionary in place of exchange x:
//
//	j.dict0 = rt.NewDictSums(j.n0)
func (g *gen) declareDictSum(x *planner.Exchange) {
	g.job.field(dictField(x), jen.Op("*").Qual(g.rtPath, "DictSums"),
		fmt.Sprintf("%s is the key dictionary of %s at %d:%d, kept from batch to batch: stage %d adds its words' values by key id, stage %d sums them in the keys' order.",
			dictField(x), x.Op.Name, x.Op.Pos.Line, x.Op.Pos.Col, x.From.ID, x.To.ID))
	g.ctorFn.emit(jf(dictField(x)).Op("=").Qual(g.rtPath, "NewDictSums").Call(g.partsOf(x.From)))
}

// dictMapSide emits the map side's call (CountWords per line, or CountLines for the
// partition's lines), Begin before the partitions and AddFresh after them.
func (sg *stageGen) dictMapSide(ds *dictSum, method string, lines, val jen.Code) {
	d := jf(dictField(ds.in))
	sg.preLoop = append(sg.preLoop, d.Clone().Dot("Begin").Call())
	sg.f.emit(sg.enter(ds.in.Op), d.Clone().Dot(method).Call(jen.Id("p"), lines, val))
	sg.post = append(sg.post, d.Clone().Dot("AddFresh").Call())
}

// dictReduceHead emits the reduce side: the partition's range of the keys with their
// sums, in sortByKey's order, into its gather; after the partitions, EndBatch.
func (sg *stageGen) dictReduceHead(ds *dictSum) {
	g, f, n := sg.g, sg.f, sg.s.Head
	out := "out" + exField(ds.sort)
	f.taken[out] = true
	k, v := f.fresh("k"), f.fresh("v")
	desc := !funcSpec(ds.sort.Op).Ascending
	mk := jen.Func().Params(jen.Id(k).String(), jen.Id(v).Int64()).Add(g.goType(n.Elem)).Block(
		jen.Return(g.goType(n.Elem).Values(kv("F1", jen.Id(k)), kv("F2", jen.Id(v)))))
	f.emit(sg.enter(n), sg.enter(ds.sort.Op),
		jen.Id(out).Op(":=").Add(jf(exField(ds.sort))).Dot("Out").Call(jen.Id("p")),
		jen.Id(out).Index(jen.Lit(0)).Op("=").Qual(g.rtPath, "AppendSums").Call(jf(dictField(ds.in)),
			jen.Id(out).Index(jen.Lit(0)), jen.Id("p"), g.partsOf(sg.s), jen.Lit(desc), mk))
	sg.post = append(sg.post, jf(dictField(ds.in)).Dot("EndBatch").Call())
}
