package codegen

import (
	"strconv"

	"github.com/dave/jennifer/jen"

	"streamc.dev/streamc/dsl/types"
	"streamc.dev/streamc/planner"
)

// orderedMapType is *rt.OrderedMap[K, V].
func (g *gen) orderedMapType(k, v types.Type) *jen.Statement {
	return jen.Op("*").Qual(g.rtPath, "OrderedMap").Types(g.goType(k), g.mapValueType(v))
}

// mapValueType is the Go type of a combine map's values; nil stands for a set (struct{}).
func (g *gen) mapValueType(v types.Type) jen.Code {
	if v == nil {
		return jen.Struct()
	}
	return g.goType(v)
}

// perPartitionMaps declares a job field holding one OrderedMap per partition of a stage:
//
//	j.comb0 = make([]*rt.OrderedMap[string, int64], j.n0)
//	for p := range j.comb0 {
//		j.comb0[p] = rt.NewOrderedMap[string, int64](64)
//	}
func (g *gen) perPartitionMaps(field string, s *planner.Stage, k, v types.Type, comment string) {
	g.job.field(field, jen.Index().Add(g.orderedMapType(k, v)), comment)
	g.ctorFn.emit(
		jf(field).Op("=").Make(jen.Index().Add(g.orderedMapType(k, v)), g.partsOf(s)),
		jen.For(jen.Id("p").Op(":=").Range().Add(jf(field))).Block(
			jf(field).Index(jen.Id("p")).Op("=").Qual(g.rtPath, "NewOrderedMap").Types(g.goType(k), g.mapValueType(v)).Call(jen.Lit(64))))
}

// perPartitionBufs declares a job field holding one reusable slice per partition.
func (g *gen) perPartitionBufs(field string, s *planner.Stage, t types.Type, comment string) {
	g.job.field(field, jen.Index().Index().Add(g.goType(t)), comment)
	g.ctorFn.emit(jf(field).Op("=").Make(jen.Index().Index().Add(g.goType(t)), g.partsOf(s)))
}

// combineKind says how a keyed combine folds a value into a map entry.
type combineKind int

const (
	combineReduce    combineKind = iota // *acc = f(*acc, v), or v for a new key
	combineCount                        // *acc++ (or += v on the reduce side)
	combineGroup                        // *acc = append(*acc, v)
	combineSet                          // the key alone
	combineAggregate                    // *acc = seq(*acc or zero, v); comb(*acc, v) on the reduce side
)

// keyedCombine describes a keyed operator's combining: what the key and the value of an
// element are and how values fold together.
type keyedCombine struct {
	kind   combineKind
	key    types.Type // the map's key type
	val    types.Type // the map's value type; nil for a set
	byElem bool       // the whole element is the key (countByValue, distinct)
	fn     *lambdaInfo
	comb   *lambdaInfo // aggregateByKey's comb
	node   *planner.Op // aggregateByKey, for its zero value
}

func (sg *stageGen) keyedCombine(n *planner.Op, elem types.Type) (keyedCombine, bool) {
	g := sg.g
	kt, vt, isPair := types.KeyValue(elem)
	switch n.Name {
	case "reduceByKey":
		if isPair {
			return keyedCombine{kind: combineReduce, key: kt, val: vt, fn: g.lambdaFor(n, reduceFn(n), vt, vt)}, true
		}
	case "countByKey":
		if isPair {
			return keyedCombine{kind: combineCount, key: kt, val: types.IntType}, true
		}
	case "groupByKey":
		if isPair {
			return keyedCombine{kind: combineGroup, key: kt, val: &types.List{Elem: vt}}, true
		}
	case "countByValue":
		return keyedCombine{kind: combineCount, key: elem, val: types.IntType, byElem: true}, true
	case "distinct":
		return keyedCombine{kind: combineSet, key: elem, byElem: true}, true
	case "reduceByKeyAndWindow":
		if isPair {
			return keyedCombine{kind: combineReduce, key: kt, val: vt, fn: g.lambdaFor(n, reduceFn(n), vt, vt)}, true
		}
	case "countByValueAndWindow":
		return keyedCombine{kind: combineCount, key: elem, val: types.IntType, byElem: true}, true
	case "aggregateByKey":
		if isPair {
			_, acc, _ := types.KeyValue(n.Elem)
			return keyedCombine{kind: combineAggregate, key: kt, val: acc, fn: g.lambdaFor(n, keyedSpec(n).Fn, acc, vt), comb: g.lambdaFor(n, keyedSpec(n).Comb, acc, acc), node: n}, true
		}
	}
	return keyedCombine{}, false
}

// fold emits the statements that fold key k and value v (Go expressions over plain
// variables) into map m; merging says this is the reduce side, where counts arrive
// already counted:
//
//	acc, found := m.Ptr(k)
//	if found {
//		*acc = reduceByKey_5_40(*acc, v)
//	} else {
//		*acc = v
//	}
func (sg *stageGen) fold(c keyedCombine, m string, k, v jen.Code, merging bool) {
	f := sg.f
	bt := jen.Id("b").Dot("Time")
	if c.kind == combineSet {
		f.emit(jen.Id(m).Dot("Ptr").Call(k))
		return
	}
	acc := f.fresh("acc")
	switch c.kind {
	case combineReduce:
		found := f.fresh("found")
		f.emit(jen.List(jen.Id(acc), jen.Id(found)).Op(":=").Id(m).Dot("Ptr").Call(k),
			jen.If(jen.Id(found)).Block(jen.Op("*").Id(acc).Op("=").Add(c.fn.call(bt, jen.Op("*").Id(acc), v))).
				Else().Block(jen.Op("*").Id(acc).Op("=").Add(v)))
	case combineCount:
		f.emit(jen.List(jen.Id(acc), jen.Id("_")).Op(":=").Id(m).Dot("Ptr").Call(k))
		if merging {
			f.emit(jen.Op("*").Id(acc).Op("+=").Add(v))
		} else {
			f.emit(jen.Op("*").Id(acc).Op("++"))
		}
	case combineGroup:
		f.emit(jen.List(jen.Id(acc), jen.Id("_")).Op(":=").Id(m).Dot("Ptr").Call(k),
			jen.Op("*").Id(acc).Op("=").Append(jen.Op("*").Id(acc), v))
	case combineAggregate:
		//	acc, found := m.Ptr(k)
		//	if !found {
		//		*acc = <zero>            (map side; the reduce side stores the partial)
		//	}
		//	*acc = seq(*acc, v)          (map side; comb(*acc, v) when merging)
		found := f.fresh("found")
		f.emit(jen.List(jen.Id(acc), jen.Id(found)).Op(":=").Id(m).Dot("Ptr").Call(k))
		if merging {
			f.emit(jen.If(jen.Id(found)).Block(jen.Op("*").Id(acc).Op("=").Add(c.comb.call(bt, jen.Op("*").Id(acc), v))).
				Else().Block(jen.Op("*").Id(acc).Op("=").Add(v)))
			return
		}
		// The zero value is evaluated for every new key, as Spark clones it per key.
		zero := f.sub(func() { f.emit(jen.Op("*").Id(acc).Op("=").Add(f.typed(keyedSpec(c.node).Zero))) })
		f.emit(jen.If(jen.Op("!").Id(found)).Block(zero...), jen.Op("*").Id(acc).Op("=").Add(c.fn.call(bt, jen.Op("*").Id(acc), v)))
	}
}

// combined is the element a combine map entry (k, vals[i]) stands for: the pair, or
// the key alone for a set.
func (sg *stageGen) combined(c keyedCombine, elem types.Type, k, vals, i string) jen.Code {
	if c.kind == combineSet {
		return jen.Id(k)
	}
	return sg.g.goType(elem).Values(kv("F1", jen.Id(k)), kv("F2", jen.Id(vals).Index(jen.Id(i))))
}

// combineLocal declares, the first time exchange x asks, the partition's map-side
// combine map (j.comb0[p], reset) in the stage's setup and the loop that sends its
// entries into the exchange when the partition is done (flush), and returns its name:
//
//	outx0 := j.x0.Out(p)
//	valsx0 := comb0.Values()
//	for i, k := range comb0.Keys() {
//		d := rt.Bucket(hashK(k), len(outx0))
//		outx0[d] = append(outx0[d], stdlib.Tuple2[K, V]{F1: k, F2: valsx0[i]})
//	}
func (sg *stageGen) combineLocal(x *planner.Exchange, c keyedCombine) string {
	g, f, n := sg.g, sg.f, x.Op
	comb, out := combField(x), "out"+exField(x)
	if !sg.localOnce(comb, jen.Id(comb).Op(":=").Add(jf(comb)).Index(jen.Id("p")), jen.Id(comb).Dot("Reset").Call()) {
		return comb
	}
	g.perPartitionMaps(comb, x.From, c.key, c.val, comb+" is the map-side combine of "+n.Name+", per partition of stage "+itoa(x.From.ID)+".")
	if ch := g.idChainFrom(x); ch != nil {
		sg.flush = append(sg.flush, sg.idMapSide(ch, comb)) // keys as ids (state.go)
		return comb
	}
	vals, i, k, d := "vals"+exField(x), "i", "k", "d"
	var bucket jen.Code
	if basicKind(c.key) == types.String {
		// The key's hash from the packed form the map keeps, not from its bytes.
		bucket = jen.Id(d).Op(":=").Qual(g.rtPath, "Bucket").Call(jen.Qual(g.rtPath, "HashKeyAt").Call(jen.Id(comb), jen.Id(i)), jen.Len(jen.Id(out)))
	} else {
		bucket = sg.bucket(d, c.key, jen.Id(k), out)
	}
	loop := []jen.Code{bucket,
		jen.Id(out).Index(jen.Id(d)).Op("=").Append(jen.Id(out).Index(jen.Id(d)), sg.combined(c, x.Elem, k, vals, i))}
	sg.flush = append(sg.flush, jen.Id(out).Op(":=").Add(jf(exField(x))).Dot("Out").Call(jen.Id("p")))
	idx := jen.Id("_")
	if c.kind != combineSet {
		sg.flush = append(sg.flush, jen.Id(vals).Op(":=").Id(comb).Dot("Values").Call())
	}
	if usesIdent(loop, i) {
		idx = jen.Id(i)
	}
	sg.flush = append(sg.flush, jen.For(jen.List(idx, jen.Id(k)).Op(":=").Range().Id(comb).Dot("Keys").Call()).Block(loop...))
	f.taken[out] = true
	return comb
}

// mapSide emits what the stage does with element v for exchange x: hash it to its
// destination, or fold it into the partition's combine map (then sent when the loop is
// done), or count it, or reduce it, or keep it for a partial sort.
func (sg *stageGen) mapSide(x *planner.Exchange, v string, t types.Type) {
	g, f, n := sg.g, sg.f, x.Op
	bt := jen.Id("b").Dot("Time")
	out := "out" + exField(x)
	declareOut := func() {
		sg.localOnce(out, jen.Id(out).Op(":=").Add(jf(exField(x))).Dot("Out").Call(jen.Id("p")))
	}
	switch {
	case n.Name == "reduceByKey" || n.Name == "countByKey" || n.Name == "countByValue" || n.Name == "distinct" ||
		n.Name == "reduceByKeyAndWindow" || n.Name == "countByValueAndWindow" || n.Name == "aggregateByKey":
		c, ok := sg.keyedCombine(n, t)
		if !ok {
			g.errorf(n.Pos, "codegen: %s on a stream of %s", n.Name, t)
			return
		}
		comb := sg.combineLocal(x, c)
		f.emit(sg.enter(n))
		key, val := jen.Id(v).Dot("F1"), jen.Id(v).Dot("F2")
		if c.byElem {
			key = jen.Id(v)
		}
		sg.fold(c, comb, key, val, false)
	case x.Mode == planner.ByKey && !x.Combine:
		//	d := rt.Bucket(hashK(v.F1), len(outx0))
		//	outx0[d] = append(outx0[d], v)
		kt, _, ok := types.KeyValue(t)
		if !ok {
			g.errorf(n.Pos, "codegen: %s on a stream of %s", n.Name, t)
			return
		}
		declareOut()
		d := f.fresh("d")
		f.emit(sg.bucket(d, kt, jen.Id(v).Dot("F1"), out),
			jen.Id(out).Index(jen.Id(d)).Op("=").Append(jen.Id(out).Index(jen.Id(d)), jen.Id(v)))
	case n.Name == "repartition":
		// Round robin, each partition starting at its own index (Spark starts at a
		// position drawn from a generator seeded with the partition index).
		//	d := rr % len(outx0)
		//	rr++
		declareOut()
		rr := "rr" + exField(x)
		sg.localOnce(rr, jen.Id(rr).Op(":=").Id("p"))
		d := f.fresh("d")
		f.emit(jen.Id(d).Op(":=").Id(rr).Op("%").Len(jen.Id(out)), jen.Id(rr).Op("++"),
			jen.Id(out).Index(jen.Id(d)).Op("=").Append(jen.Id(out).Index(jen.Id(d)), jen.Id(v)))
	case n.Name == "count" || n.Name == "countByWindow":
		//	cnt++ per element; then outx0[0] = append(outx0[0], cnt)
		cnt := "cnt" + exField(x)
		if sg.localOnce(cnt, jen.Var().Id(cnt).Int64()) {
			sg.flush = append(sg.flush, jen.Id(out).Op(":=").Add(jf(exField(x))).Dot("Out").Call(jen.Id("p")),
				jen.Id(out).Index(jen.Lit(0)).Op("=").Append(jen.Id(out).Index(jen.Lit(0)), jen.Id(cnt)))
			f.taken[out] = true
		}
		f.emit(jen.Id(cnt).Op("++"))
	case n.Name == "reduce" || n.Name == "reduceByWindow":
		//	if has { acc = f(acc, v) } else { acc, has = v, true }
		//	...; if has { outx0[0] = append(outx0[0], acc) }
		li := g.lambdaFor(n, reduceFn(n), t, t)
		acc, has := "acc"+exField(x), "has"+exField(x)
		if sg.localOnce(acc, jen.Var().Id(acc).Add(g.goType(t)), jen.Id(has).Op(":=").False()) {
			f.taken[has] = true
			sg.flush = append(sg.flush, jen.If(jen.Id(has)).Block(
				jen.Id(out).Op(":=").Add(jf(exField(x))).Dot("Out").Call(jen.Id("p")),
				jen.Id(out).Index(jen.Lit(0)).Op("=").Append(jen.Id(out).Index(jen.Lit(0)), jen.Id(acc))))
		}
		f.emit(sg.enter(n), jen.If(jen.Id(has)).Block(jen.Id(acc).Op("=").Add(li.call(bt, jen.Id(acc), jen.Id(v)))).
			Else().Block(jen.List(jen.Id(acc), jen.Id(has)).Op("=").List(jen.Id(v), jen.True())))
	case n.Name == "top" || n.Name == "takeOrdered":
		// Each partition keeps its own n first elements in order; the gathering stage
		// sorts those again.
		buf := "buf" + exField(x)
		if sg.localOnce(buf, jen.Id(buf).Op(":=").Qual(g.rtPath, "Reuse").Call(jf(exBufField(x)).Index(jen.Id("p")))) {
			g.perPartitionBufs(exBufField(x), x.From, t, exBufField(x)+" holds the elements of each partition of stage "+itoa(x.From.ID)+" for "+n.Name+".")
			sg.flush = append(sg.flush, sg.topStmt(n, buf, t)...)
			sg.flush = append(sg.flush,
				jen.Id(out).Op(":=").Add(jf(exField(x))).Dot("Out").Call(jen.Id("p")),
				jen.Id(out).Index(jen.Lit(0)).Op("=").Append(jen.Id(out).Index(jen.Lit(0)), jen.Id(buf).Op("...")),
				jf(exBufField(x)).Index(jen.Id("p")).Op("=").Id(buf))
			f.taken[out] = true
		}
		f.emit(jen.Id(buf).Op("=").Append(jen.Id(buf), jen.Id(v)))
	case (n.Name == "sortBy" || n.Name == "sortByKey") && x.Mode == planner.Gather && !x.Combine:
		// Each partition sorts its own elements once the loop is done, in parallel; the
		// gathering stage merges the sorted parts (head).
		//	outx0[0] = append(outx0[0], v)
		//	...; slices.SortFunc(outx0[0], ...)
		declareOut()
		if !f.taken["sorted"+exField(x)] {
			f.taken["sorted"+exField(x)] = true
			sg.flush = append(sg.flush, sg.enter(n))
			sg.flush = append(sg.flush, sg.sortStmt(n, jen.Id(out).Index(jen.Lit(0)), t)...)
		}
		f.emit(jen.Id(out).Index(jen.Lit(0)).Op("=").Append(jen.Id(out).Index(jen.Lit(0)), jen.Id(v)))
	case x.Mode == planner.Gather && !x.Combine:
		//	outx0[0] = append(outx0[0], v)
		declareOut()
		f.emit(jen.Id(out).Index(jen.Lit(0)).Op("=").Append(jen.Id(out).Index(jen.Lit(0)), jen.Id(v)))
	default:
		g.notImplemented(n)
	}
}

// head emits the reduce side of the stage's head operator: it reads the exchange into
// the partition's merge map (or total, or buffer) and hands the results to the chain.
func (sg *stageGen) head() {
	s, g, f := sg.s, sg.g, sg.f
	n := s.Head
	bt := jen.Id("b").Dot("Time")
	if n.Name == "glom" {
		//	v := slices.Clone(j.keep0[p])
		if len(s.Inputs) != 1 || s.Inputs[0].Kind != planner.FromStage {
			g.errorf(n.Pos, "codegen: glom without a kept input")
			return
		}
		v := f.fresh("v")
		rest := sg.chain(0, v, n.Elem)
		f.emit(assign(v, jen.Qual("slices", "Clone").Call(jf(keepField(s.Inputs[0].Stage)).Index(jen.Id("p"))), rest)...)
		return
	}
	switch n.Name {
	case "window", "mapPartitions", "snapshots":
		sg.partitionHead(n)
		return
	case "lookup":
		sg.lookupHead(n)
		return
	case "eventTime":
		sg.eventTimeHead(n)
		return
	}
	if n.Name == "transformWith" {
		sg.transformWithHead(n)
		return
	}
	if len(s.Inputs) == 2 && s.Inputs[0].Kind == planner.FromExchange && s.Inputs[1].Kind == planner.FromExchange {
		sg.joinHead(n, s.Inputs[0].Exchange, s.Inputs[1].Exchange)
		return
	}
	if len(s.Inputs) != 1 || s.Inputs[0].Kind != planner.FromExchange {
		g.notImplemented(n)
		return
	}
	x := s.Inputs[0].Exchange
	each := func(body func(e string)) { sg.each(x, body) }
	switch n.Name {
	case "reduceByKey", "countByKey", "countByValue", "groupByKey", "distinct", "aggregateByKey":
		inElem := x.Elem
		if n.Name == "countByValue" || n.Name == "distinct" || n.Name == "aggregateByKey" {
			inElem = n.Inputs[0].Elem
		}
		c, ok := sg.keyedCombine(n, inElem)
		if !ok {
			g.errorf(n.Pos, "codegen: %s on a stream of %s", n.Name, inElem)
			return
		}
		if ds := g.dictSumOf(s); ds != nil {
			sg.dictReduceHead(ds) // over the run's key dictionary (dictsum.go)
			return
		}
		if ch := g.idChainOf(s); ch != nil && ch.red == s {
			sg.idReduceHead(ch, c) // keys as ids (state.go)
			return
		}
		m := "merge"
		g.perPartitionMaps(mergeField(s), s, c.key, c.val, mergeField(s)+" is the reduce side of "+n.Name+", per partition of stage "+itoa(s.ID)+".")
		f.emit(jen.Id(m).Op(":=").Add(jf(mergeField(s))).Index(jen.Id("p")), jen.Id(m).Dot("Reset").Call())
		each(func(e string) {
			f.emit(sg.enter(n))
			switch {
			case n.Name == "distinct":
				sg.fold(c, m, jen.Id(e), nil, true)
			case n.Name == "groupByKey":
				sg.fold(c, m, jen.Id(e).Dot("F1"), jen.Id(e).Dot("F2"), true)
			default:
				// The map side combined already: the exchange carries (key, partial) pairs.
				sg.fold(c, m, jen.Id(e).Dot("F1"), jen.Id(e).Dot("F2"), true)
			}
		})
		//	vals := merge.Values()
		//	for i, k := range merge.Keys() {
		//		v := stdlib.Tuple2[K, V]{F1: k, F2: vals[i]}
		//		...
		//	}
		vals, i, k := f.fresh("vals"), f.fresh("i"), f.fresh("k")
		v := f.fresh("v")
		body := assign(v, sg.combined(c, n.Elem, k, vals, i), sg.chain(0, v, n.Elem))
		idx := jen.Id(i)
		if !usesIdent(body, k) {
			k = "_"
		}
		if usesIdent(body, vals) {
			f.emit(jen.Id(vals).Op(":=").Id(m).Dot("Values").Call())
		} else {
			idx = jen.Id("_")
		}
		f.emit(jen.For(jen.List(idx, jen.Id(k)).Op(":=").Range().Id(m).Dot("Keys").Call()).Block(body...))
	case "count":
		//	var total int64
		//	... total += e
		total := f.fresh("total")
		f.emit(jen.Var().Id(total).Int64())
		each(func(e string) { f.emit(jen.Id(total).Op("+=").Id(e)) })
		sg.chainInto(0, total, n.Elem)
	case "reduce":
		li := g.lambdaFor(n, funcSpec(n).Fn, n.Elem, n.Elem)
		acc, has := f.fresh("acc"), f.fresh("has")
		f.emit(jen.Var().Id(acc).Add(g.goType(n.Elem)), jen.Id(has).Op(":=").False())
		each(func(e string) {
			f.emit(sg.enter(n), jen.If(jen.Id(has)).Block(jen.Id(acc).Op("=").Add(li.call(bt, jen.Id(acc), jen.Id(e)))).
				Else().Block(jen.List(jen.Id(acc), jen.Id(has)).Op("=").List(jen.Id(e), jen.True())))
		})
		f.emit(jen.If(jen.Id(has)).Block(sg.chain(0, acc, n.Elem)...))
	case "repartition":
		each(func(e string) { sg.chainInto(0, e, n.Elem) })
	case "sortBy", "sortByKey", "top", "takeOrdered":
		//	all := rt.Reuse(j.buf1[p])
		//	... all = append(all, e)
		//	slices.SortFunc(all, ...)
		//	j.buf1[p] = all
		//
		// sortBy and sortByKey receive parts their source partitions sorted already
		// (mapSide), which they merge instead:
		//
		//	runs := make([][]T, 0, j.x0.Sources())
		//	for src := range j.x0.Sources() {
		//		runs = append(runs, j.x0.Buffer(src, p))
		//	}
		//	all = stdlib.MergeSortedFunc(all, runs, func(a, b_ T) int { ... })
		//
		// When the sorted elements are the stage's whole result (nothing fused after the
		// sort, no exchange), they are sorted in the kept result's buffer itself, which
		// saves a copy and a second buffer of the batch's size:
		//
		//	all := rt.Reuse(j.keep1[p])
		//	...
		//	j.keep1[p] = all
		if g.keepsRuns(s) {
			sg.keepRuns(n, x)
			return
		}
		all := f.fresh("all")
		onlyKept := len(s.Chain) == 0 && len(s.Out) == 0 && s.Keep
		buf := jf(bufField(s)).Index(jen.Id("p"))
		if onlyKept {
			buf = jf(keepField(s)).Index(jen.Id("p"))
		} else {
			sg.g.perPartitionBufs(bufField(s), s, n.Elem, bufField(s)+" holds the elements of each partition of stage "+itoa(s.ID)+" while "+n.Name+" sorts them.")
		}
		f.emit(jen.Id(all).Op(":=").Qual(g.rtPath, "Reuse").Call(buf.Clone()))
		if n.Name == "sortBy" || n.Name == "sortByKey" {
			runs := sg.gatherRuns(x, n.Elem)
			f.emit(sg.enter(n))
			if c := sg.sortCmp(n, n.Elem); c != nil {
				f.emit(jen.Id(all).Op("=").Qual(g.stdPath, "MergeSortedFunc").Call(jen.Id(all), jen.Id(runs), c))
			}
		} else {
			each(func(e string) { f.emit(jen.Id(all).Op("=").Append(jen.Id(all), jen.Id(e))) })
			f.emit(sg.enter(n))
			if n.Name == "top" || n.Name == "takeOrdered" {
				f.emit(sg.topStmt(n, all, n.Elem)...)
			} else {
				f.emit(sg.sortStmt(n, jen.Id(all), n.Elem)...)
			}
		}
		f.emit(buf.Clone().Op("=").Id(all))
		if !onlyKept {
			v := f.fresh("v")
			f.emit(rangeLoop(v, jen.Id(all), sg.chain(0, v, n.Elem)))
		}
	case "transform":
		// The batch's elements, gathered into a list of their own (the function may
		// keep it: a Go function can), go through the function once; its result is
		// the stream's batch:
		//	var all []T
		//	... all = append(all, e)
		//	for _, v := range transform_5_9(all, b.Time) { ... }
		all := f.fresh("all")
		f.emit(jen.Var().Id(all).Index().Add(g.goType(n.Inputs[0].Elem)))
		each(func(e string) { f.emit(jen.Id(all).Op("=").Append(jen.Id(all), jen.Id(e))) })
		li := g.lambdaFor(n, funcSpec(n).Fn, &types.List{Elem: n.Inputs[0].Elem})
		f.emit(sg.enter(n))
		v := f.fresh("v")
		f.emit(rangeLoop(v, li.call(bt, jen.Id(all)), sg.chain(0, v, n.Elem)))
	case "countByWindow", "reduceByWindow", "reduceByKeyAndWindow", "countByValueAndWindow", "groupByKeyAndWindow":
		sg.windowHead(n, x)
	case "updateStateByKey", "mapWithState":
		if ds := g.dictStateOf(s); ds != nil {
			sg.dictStateHead(ds) // totals in the run's key dictionary (dictsum.go)
			return
		}
		sg.stateHead(n, x)
	default:
		g.notImplemented(n)
	}
}

// each loops over what exchange x sent to partition p, in source partition order:
//
//	for src := range j.x0.Sources() {
//		for _, e := range j.x0.Buffer(src, p) { ... }
//	}
func (sg *stageGen) each(x *planner.Exchange, body func(e string)) {
	f := sg.f
	e := f.fresh("e")
	inner := f.sub(func() { body(e) })
	f.emit(jen.For(jen.Id("src").Op(":=").Range().Add(jf(exField(x))).Dot("Sources").Call()).Block(
		rangeLoop(e, jf(exField(x)).Dot("Buffer").Call(jen.Id("src"), jen.Id("p")), inner)))
}

// sortOrder is how a sort orders elements of type t: by key(x), of type keyType, in
// the direction desc says, then, when keys can tie, by the whole element.
type sortOrder struct {
	key      func(x jen.Code) jen.Code
	keyType  types.Type
	desc     bool
	tieBreak bool
	// spread says the key function takes the fields of a tuple element as its
	// parameters: its argument is selected from (e.F1, e.F2, ...), so a pointer to the
	// element must not be dereferenced first (*e.F1 is *(e.F1)).
	spread bool
}

// order returns the sortOrder of sort operator n over elements of type t; ok is false
// after an error. The tie-break is left out where keys cannot tie: when the key is the
// element itself, and for sortByKey on the result of an operator that yields each key
// once per batch (reduceByKey, updateStateByKey, ...).
func (sg *stageGen) order(n *planner.Op, t types.Type) (o sortOrder, ok bool) {
	g := sg.g
	o = sortOrder{keyType: t, tieBreak: true}
	switch n.Name {
	case "sortByKey":
		kt, _, ok := types.KeyValue(t)
		if !ok {
			g.errorf(n.Pos, "codegen: sortByKey on a stream of %s", t)
			return o, false
		}
		o.keyType = kt
		o.key = func(x jen.Code) jen.Code { return jen.Add(x).Dot("F1") }
		o.tieBreak = !uniqueKeys(n.Inputs[0])
	default:
		if l := funcSpec(n).Fn; l != nil {
			li := g.lambdaFor(n, l, t)
			o.keyType = li.result
			o.spread = li.spread > 0
			o.key = func(x jen.Code) jen.Code { return li.call(jen.Id("b").Dot("Time"), x) }
		} else if n.Name == "sortBy" {
			g.errorf(n.Pos, "codegen: sortBy has no key function")
			return o, false
		} else {
			o.key = func(x jen.Code) jen.Code { return x }
			o.tieBreak = false
		}
	}
	o.desc = n.Name == "top" || (n.Name == "sortBy" || n.Name == "sortByKey") && !funcSpec(n).Ascending
	return o, true
}

// sortCmp is the comparison function ordering elements of type t as n sorts them. Sorts
// use it with slices.SortFunc (pattern-defeating quicksort, O(n log n)) rather than a
// stable merge sort, which spent most of word count's time in symMerge. To keep the
// output a function of the elements alone (not of the partition count or the order
// they arrived in), elements with equal keys are ordered by the whole element, in the
// same direction (see order for where keys cannot tie):
//
//	func(a, b_ T) int {
//		if c := compareK(sortBy_6_9(a), sortBy_6_9(b_)); c != 0 {
//			return c
//		}
//		return compareT(a, b_)
//	}
func (sg *stageGen) sortCmp(n *planner.Op, t types.Type) jen.Code {
	o, ok := sg.order(n, t)
	if !ok {
		return nil
	}
	return sg.cmpOf(o, t)
}

func (sg *stageGen) cmpOf(o sortOrder, t types.Type) jen.Code {
	g := sg.g
	a, b := jen.Id("a"), jen.Id("b_")
	if o.desc {
		a, b = b, a
	}
	cmpFn := g.compareFunc(o.keyType)
	var body []jen.Code
	if o.tieBreak {
		body = []jen.Code{
			jen.If(jen.Id("c").Op(":=").Add(cmpFn).Call(o.key(a), o.key(b)), jen.Id("c").Op("!=").Lit(0)).Block(jen.Return(jen.Id("c"))),
			jen.Return(jen.Add(g.compareFunc(t)).Call(a, b)),
		}
	} else {
		body = []jen.Code{jen.Return(jen.Add(cmpFn).Call(o.key(a), o.key(b)))}
	}
	return jen.Func().Params(jen.List(jen.Id("a"), jen.Id("b_")).Add(g.goType(t))).Int().Block(body...)
}

// sortStmt sorts the slice buf of elements of type t as n orders them (sortCmp). Sorts
// by a string key read each key once through stdlib.SortByString, which radix-sorts
// the keys' first bytes and compares only where those tie:
//
//	stdlib.SortByString(all, func(e *T) string { return e.F1 }, false, func(a, b_ T) int { ... })
//
// Other sorts use slices.SortFunc:
//
//	slices.SortFunc(all, func(a, b_ T) int { ... })
func (sg *stageGen) sortStmt(n *planner.Op, buf jen.Code, t types.Type) []jen.Code {
	o, ok := sg.order(n, t)
	if !ok {
		return nil
	}
	c := sg.cmpOf(o, t)
	if basicKind(o.keyType) == types.String {
		elem := jen.Op("*").Id("e") // the key function's argument, or the key itself
		if n.Name == "sortByKey" || o.spread {
			elem = jen.Id("e") // e.F1
		}
		key := jen.Func().Params(jen.Id("e").Op("*").Add(sg.g.goType(t))).String().Block(jen.Return(o.key(elem)))
		return []jen.Code{jen.Qual(sg.g.stdPath, "SortByString").Call(buf, key, jen.Lit(o.desc), c)}
	}
	return []jen.Code{jen.Qual("slices", "SortFunc").Call(buf, c)}
}

// topStmt keeps the first N elements of buf in the order of top or takeOrdered n
// (over elements of type t), without sorting the others:
//
//	buf = stdlib.SortedPrefix(buf, 10, func(a, b_ T) int { ... })
func (sg *stageGen) topStmt(n *planner.Op, buf string, t types.Type) []jen.Code {
	o, ok := sg.order(n, t)
	if !ok {
		return nil
	}
	return []jen.Code{jen.Id(buf).Op("=").Qual(sg.g.stdPath, "SortedPrefix").Call(jen.Id(buf), jen.Lit(funcSpec(n).N), sg.cmpOf(o, t))}
}

// uniqueKeys reports whether every batch of stream n holds each key at most once: n is
// the result of an operator that combines or keeps one value per key. Only then is a
// sort by key alone a total order.
func uniqueKeys(n *planner.Op) bool {
	switch n.Name {
	case "reduceByKey", "countByKey", "groupByKey", "aggregateByKey", "countByValue",
		"reduceByKeyAndWindow", "groupByKeyAndWindow", "countByValueAndWindow",
		"updateStateByKey", "snapshots":
		return true
	}
	return false
}

func itoa(i int) string { return strconv.Itoa(i) }

// transformWithHead gathers both streams' elements of the batch into a list each, and
// runs the function once on the two:
//
//	var all0 []T
//	... all0 = append(all0, e)      (this stream, exchange x0)
//	var all1 []W
//	... all1 = append(all1, e)      (the other, exchange x1)
//	for _, v := range transformWith_5_9(all0, all1, b.Time) { ... }
func (sg *stageGen) transformWithHead(n *planner.Op) {
	s, g, f := sg.s, sg.g, sg.f
	if len(s.Inputs) != 2 || s.Inputs[0].Kind != planner.FromExchange || s.Inputs[1].Kind != planner.FromExchange {
		g.errorf(n.Pos, "codegen: transformWith without its two exchanges")
		return
	}
	var lists []string
	var params []types.Type
	for side, in := range s.Inputs {
		elem := n.Inputs[side].Elem
		all := f.fresh("all")
		f.emit(jen.Var().Id(all).Index().Add(g.goType(elem)))
		sg.each(in.Exchange, func(e string) { f.emit(jen.Id(all).Op("=").Append(jen.Id(all), jen.Id(e))) })
		lists = append(lists, all)
		params = append(params, &types.List{Elem: elem})
	}
	li := g.lambdaFor(n, funcSpec(n).Fn, params...)
	f.emit(sg.enter(n))
	v := f.fresh("v")
	f.emit(rangeLoop(v, li.call(jen.Id("b").Dot("Time"), jen.Id(lists[0]), jen.Id(lists[1])), sg.chain(0, v, n.Elem)))
}

// keepsRuns reports whether stage s is a gathered sortByKey whose result only print
// reads: s keeps the runs its source partitions sorted (rt.SortedRuns) and print
// merges them as it renders them (rt.PrintSorted), so the batch is never copied into
// one sorted buffer. Any other reader (another stage, a union, a sink) gets the merged
// slice as before.
func (g *gen) keepsRuns(s *planner.Stage) bool {
	if !s.Keep || len(s.Chain) != 0 || len(s.Out) != 0 || s.Head == nil || s.Head.Name != "sortByKey" || len(s.Inputs) != 1 {
		return false
	}
	if x := s.Inputs[0].Exchange; x == nil || x.Mode != planner.Gather {
		return false
	}
	printed := false
	for _, o := range g.plan.Outputs {
		if o.Stage == s {
			if o.Op.Name != "print" {
				return false
			}
			printed = true
		}
	}
	for _, t := range g.plan.Stages {
		for _, in := range t.Inputs {
			if in.Stage == s {
				return false
			}
		}
	}
	return printed
}

// keepRuns is the body of a stage that keepsRuns: the runs of exchange x for the
// partition, and sortByKey's order.
//
//	runs := ...    (gatherRuns)
//	j.keep1[p] = rt.SortedRuns[T]{Runs: runs, Cmp: func(a, b_ T) int { ... }}
func (sg *stageGen) keepRuns(n *planner.Op, x *planner.Exchange) {
	g := sg.g
	runs := sg.gatherRuns(x, n.Elem)
	sg.f.emit(jf(keepField(sg.s)).Index(jen.Id("p")).Op("=").Qual(g.rtPath, "SortedRuns").Types(g.goType(n.Elem)).Values(
		jen.Id("Runs").Op(":").Id(runs), jen.Id("Cmp").Op(":").Add(sg.sortCmp(n, n.Elem))))
}

// gatherRuns emits the runs a gathered sort receives, one per source partition of
// exchange x, sorted there already (mapSide), and returns their variable:
//
//	runs := make([][]T, 0, j.x0.Sources())
//	for src := range j.x0.Sources() {
//		runs = append(runs, j.x0.Buffer(src, p))
//	}
func (sg *stageGen) gatherRuns(x *planner.Exchange, t types.Type) string {
	runs := sg.f.fresh("runs")
	sg.f.emit(jen.Id(runs).Op(":=").Make(jen.Index().Index().Add(sg.g.goType(t)), jen.Lit(0), jf(exField(x)).Dot("Sources").Call()),
		jen.For(jen.Id("src").Op(":=").Range().Add(jf(exField(x))).Dot("Sources").Call()).Block(
			jen.Id(runs).Op("=").Append(jen.Id(runs), jf(exField(x)).Dot("Buffer").Call(jen.Id("src"), jen.Id("p")))))
	return runs
}
