package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"streamc.dev/streamc/dsl/types"
	"streamc.dev/streamc/planner"
)

// State operators keep one typed store per partition of the stage they head
// (runtime/state): the exchange before them hashed the records by key, so a partition's
// store sees only its keys. The stores live in the job from batch to batch.

// stateField names the stores of state operator n.
func stateField(n *planner.Op) string { return fmt.Sprintf("state%d", n.ID) }

// stateType is the state type S of updateStateByKey or mapWithState.
func (g *gen) stateType(n *planner.Op) types.Type {
	if n.Name == "updateStateByKey" {
		_, s, _ := types.KeyValue(n.Elem)
		return s
	}
	if ft, ok := g.info.Types[stateSpec(n).Fn].(*types.Func); ok && len(ft.Params) == 3 {
		if st, ok := ft.Params[2].(*types.State); ok {
			return st.Elem
		}
	}
	g.errorf(n.Pos, "codegen: the state type of %s is unknown", n.Name)
	return types.IntType
}

// stateHead emits updateStateByKey or mapWithState behind the exchange x that hashed
// the records by key.
//
// updateStateByKey adds the batch's records to the store, then calls the update
// function for every key with state or new values and emits the whole state:
//
//	st := j.state4[p]
//	for src := range j.x0.Sources() {
//		for _, e := range j.x0.Buffer(src, p) {
//			st.Add(e.F1, e.F2)
//		}
//	}
//	st.Update(func(k string, news []int64, prev int64, had bool) (int64, bool) {
//		r := updateStateByKey_6_30(news, stdlib.Opt[int64]{V: prev, Ok: had})
//		return r.V, r.Ok
//	})
//	vals := st.Values()
//	for i, k := range st.Keys() { ... }
//
// String keys use state.StringUpdateStore (keys in a dictionary that keeps them in byte
// order; same order, results and checkpoint as UpdateStore), whose state is emitted by
// emitStringState.
//
// mapWithState calls its function once per record, in order, then once for every key
// idle longer than the timeout:
//
//	m := j.state4[p]
//	m.Begin(b.Time)
//	for src := range j.x0.Sources() {
//		for _, e := range j.x0.Buffer(src, p) {
//			r := mapWithState_6_20(e.F1, stdlib.Some(e.F2), m.State(e.F1))
//			...
//		}
//	}
//	m.Timeouts(b.Time, 5*time.Second, func(k string, st *state.State[int64]) {
//		r := mapWithState_6_20(k, stdlib.None[int64](), st)
//		...
//	})
func (sg *stageGen) stateHead(n *planner.Op, x *planner.Exchange) {
	s, g, f := sg.s, sg.g, sg.f
	bt := jen.Id("b").Dot("Time")
	kt, vt, _ := types.KeyValue(x.Elem)
	st := g.stateType(n)
	field := stateField(n)
	comment := fmt.Sprintf("%s holds the state of %s at %s, per partition of stage %d.", field, n.Name, g.posString(n.Pos), s.ID)
	optS := &types.Optional{Elem: st}
	if n.Name == "updateStateByKey" {
		typ := jen.Op("*").Qual(g.statePath, "UpdateStore").Types(g.goType(kt), g.goType(vt), g.goType(st))
		create := jen.Qual(g.statePath, "NewUpdateStore").Types(g.goType(kt), g.goType(vt), g.goType(st)).Call(jen.Lit(64))
		stringKeys := basicKind(kt) == types.String
		if stringKeys {
			// String keys live in the store's key dictionary (state.StringUpdateStore),
			// which also keeps them in byte order from batch to batch.
			typ = jen.Op("*").Qual(g.statePath, "StringUpdateStore").Types(g.goType(vt), g.goType(st))
			create = jen.Qual(g.statePath, "NewStringUpdateStore").Types(g.goType(vt), g.goType(st)).Call(jen.Lit(64))
		}
		g.perPartition(field, s, typ, create, comment)
		g.addState(&stateSection{node: n, kind: stateUpdate, field: field, stage: s, key: kt, val: st, create: create})
		g.initialState(n, s, kt, st)
		m := f.fresh("st")
		f.emit(jen.Id(m).Op(":=").Add(jf(field)).Index(jen.Id("p")))
		// The exchange's elements: (key, value) pairs, or ids of st.Dict() when the
		// reduce side sends ids (see idChain).
		key, val, suffix := "F1", "F2", ""
		if c := g.idChainOf(s); c != nil && c.state == s {
			key, val, suffix = "ID", "V", "ID"
		}
		if stringKeys && types.Identical(vt, types.IntType) && types.Identical(st, types.IntType) && g.isRunningSumLambda(stateSpec(n).Fn) {
			// The running sum, (news, total) => some(sum(news) + total.getOrElse(0)),
			// adds each value to its key's state (state.SumID, isRunningSumLambda);
			// stores of other key types call the function as below:
			//	state.SumID(st, e.ID, e.V)      (or state.Sum(st, e.F1, e.F2))
			//	state.EndSums(st)
			sg.each(x, func(e string) {
				f.emit(jen.Qual(g.statePath, "Sum"+suffix).Call(jen.Id(m), jen.Id(e).Dot(key), jen.Id(e).Dot(val)))
			})
			f.emit(sg.enter(n), jen.Qual(g.statePath, "EndSums").Call(jen.Id(m)))
			sg.emitStringState(n, m)
			return
		}
		//	st.AddID(e.ID, e.V)      (or st.Add(e.F1, e.F2))
		sg.each(x, func(e string) { f.emit(jen.Id(m).Dot("Add"+suffix).Call(jen.Id(e).Dot(key), jen.Id(e).Dot(val))) })
		params := []types.Type{&types.List{Elem: vt}, optS}
		args := []jen.Code{jen.Id("news"), g.goType(optS).Values(kv("V", jen.Id("prev")), kv("Ok", jen.Id("had")))}
		if fn := stateSpec(n).Fn; fn != nil && len(fn.Params) == 3 {
			params = append([]types.Type{kt}, params...)
			args = append([]jen.Code{jen.Id("k")}, args...)
		}
		li := g.lambdaFor(n, stateSpec(n).Fn, params...)
		f.emit(sg.enter(n), jen.Id(m).Dot("Update").Call(jen.Func().
			Params(jen.Id("k").Add(g.goType(kt)), jen.Id("news").Index().Add(g.goType(vt)), jen.Id("prev").Add(g.goType(st)), jen.Id("had").Bool()).
			Params(g.goType(st), jen.Bool()).Block(
			jen.Id("r").Op(":=").Add(li.call(bt, args...)),
			jen.Return(jen.Id("r").Dot("V"), jen.Id("r").Dot("Ok")))))
		if stringKeys {
			sg.emitStringState(n, m)
			return
		}
		keys, vals, i, k, v := f.fresh("keys"), f.fresh("vals"), f.fresh("i"), f.fresh("k"), f.fresh("v")
		body := assign(v, g.goType(n.Elem).Values(kv("F1", jen.Id(k)), kv("F2", jen.Id(vals).Index(jen.Id(i)))), sg.chain(0, v, n.Elem))
		f.emit(jen.Id(keys).Op(":=").Id(m).Dot("Keys").Call())
		if usesIdent(body, vals) {
			f.emit(jen.Id(vals).Op(":=").Id(m).Dot("Values").Call())
		}
		f.emit(pairLoop(keys, vals, i, k, body))
		return
	}

	typ := jen.Op("*").Qual(g.statePath, "MapStore").Types(g.goType(kt), g.goType(st))
	create := jen.Qual(g.statePath, "NewMapStore").Types(g.goType(kt), g.goType(st)).Call(jen.Lit(64))
	g.perPartition(field, s, typ, create, comment)
	g.addState(&stateSection{node: n, kind: stateMap, field: field, stage: s, key: kt, val: st, create: create})
	g.initialState(n, s, kt, st)
	li := g.lambdaFor(n, stateSpec(n).Fn, kt, &types.Optional{Elem: vt}, &types.State{Elem: st})
	m := f.fresh("m")
	f.emit(jen.Id(m).Op(":=").Add(jf(field)).Index(jen.Id("p")), jen.Id(m).Dot("Begin").Call(bt))
	// emit hands the function's result r to the chain: all of it, or its value when the
	// function returns an optional (none emits nothing).
	emit := func(r string) {
		if !stateSpec(n).Optional {
			f.emit(sg.chain(0, r, n.Elem)...)
			return
		}
		v := f.fresh("v")
		f.emit(jen.If(jen.Id(r).Dot("Ok")).Block(assign(v, jen.Id(r).Dot("V"), sg.chain(0, v, n.Elem))...))
	}
	call := func(r string, args ...jen.Code) {
		res := li.call(bt, args...)
		rest := f.sub(func() { emit(r) })
		f.emit(assign(r, res, rest)...)
	}
	sg.each(x, func(e string) {
		f.emit(sg.enter(n))
		call(f.fresh("r"), jen.Id(e).Dot("F1"), jen.Qual(g.stdPath, "Some").Call(jen.Id(e).Dot("F2")), jen.Id(m).Dot("State").Call(jen.Id(e).Dot("F1")))
	})
	if timeout := stateSpec(n).Timeout; timeout > 0 {
		f.taken["k"], f.taken["st"] = true, true
		body := f.sub(func() {
			call(f.fresh("r"), jen.Id("k"), jen.Qual(g.stdPath, "None").Types(g.goType(vt)).Call(), jen.Id("st"))
		})
		f.emit(sg.enter(n), jen.Id(m).Dot("Timeouts").Call(bt, durationCode(timeout), jen.Func().
			Params(jen.Id("k").Add(g.goType(kt)), jen.Id("st").Op("*").Qual(g.statePath, "State").Types(g.goType(st))).Block(body...)))
	}
}

// emitStringState hands the state of a state.StringUpdateStore m to the chain, in the
// store's order:
//
//	vals := st.Values()
//	for i := range st.Len() {
//		k := st.Key(i)
//		v := stdlib.Tuple2[string, int64]{F1: k, F2: vals[i]}
//		...
//	}
//
// When all the stage does with the state is sortByKey's partial sort (no fused
// operator, no kept result, no other exchange), it walks the keys in the order the
// store's dictionary keeps from batch to batch instead, and the partition's sort of
// every key is left out: the keys are unique, so the sorted part is the same.
//
//	for _, i := range st.Sorted() {      (slices.Backward(st.Sorted()) for a descending sort)
//		k := st.Key(int(i))
//		...
//	}
func (sg *stageGen) emitStringState(n *planner.Op, m string) {
	s, g, f := sg.s, sg.g, sg.f
	vals, i, k, v := f.fresh("vals"), f.fresh("i"), f.fresh("k"), f.fresh("v")
	x := sortedStateOut(s)
	key := jen.Id(m).Dot("Key").Call(jen.Id(i))
	if x != nil {
		f.taken["sorted"+exField(x)] = true // mapSide's sort of the partition
		key = jen.Id(m).Dot("Key").Call(jen.Int().Call(jen.Id(i)))
	}
	body := assign(v, g.goType(n.Elem).Values(kv("F1", jen.Id(k)), kv("F2", jen.Id(vals).Index(jen.Id(i)))), sg.chain(0, v, n.Elem))
	if usesIdent(body, k) {
		body = append([]jen.Code{jen.Id(k).Op(":=").Add(key)}, body...)
	}
	if usesIdent(body, vals) {
		f.emit(jen.Id(vals).Op(":=").Id(m).Dot("Values").Call())
	}
	useI := usesIdent(body, i)
	switch {
	case x != nil:
		order := jen.Id(m).Dot("Sorted").Call()
		if !funcSpec(x.Op).Ascending {
			order = jen.Qual("slices", "Backward").Call(order)
		}
		idx := jen.Id(i)
		if !useI {
			idx = jen.Id("_")
		}
		f.emit(jen.For(jen.List(jen.Id("_"), idx).Op(":=").Range().Add(order)).Block(body...))
	case useI:
		f.emit(jen.For(jen.Id(i).Op(":=").Range().Id(m).Dot("Len").Call()).Block(body...))
	default:
		f.emit(jen.For(jen.Range().Id(m).Dot("Len").Call()).Block(body...))
	}
}

// sortedStateOut returns the exchange of sortByKey when it is all stage s does with
// the result of its head: no fused operator, no kept result, one exchange, to the
// gathering sortByKey.
func sortedStateOut(s *planner.Stage) *planner.Exchange {
	if len(s.Chain) != 0 || s.Keep || len(s.Out) != 1 {
		return nil
	}
	x := s.Out[0]
	if x.Op.Name != "sortByKey" || x.Mode != planner.Gather || x.Combine {
		return nil
	}
	return x
}

// initialState puts the `initial =` states into the stores in newJob, each in the
// partition its key hashes to: from a list written in the program, or from a file of
// (key, state) pairs read at start-up (CSV when its name ends in .csv, else JSON lines
// of [key, state] arrays):
//
//	for _, kv := range []stdlib.Tuple2[string, int64]{{F1: "a", F2: 1}} {
//		j.state4[rt.Bucket(rt.HashString(kv.F1), j.n1)].Put(kv.F1, kv.F2)
//	}
func (g *gen) initialState(n *planner.Op, s *planner.Stage, kt, st types.Type) {
	initial := stateSpec(n).Initial
	if initial == nil {
		return
	}
	pair := types.Pair(kt, st)
	if tt := g.info.Types[initial]; basicKind(tt) == types.String || isStringLit(initial) {
		path := g.startupValue(initial)
		load := g.fileLoader(pair, csvPath(initial))
		// A block, so that several operators' initial states do not clash.
		g.ctorFn.emit(jen.Block(
			jen.List(jen.Id("initial"), jen.Err()).Op(":=").Id(load).Call(path),
			jen.If(jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit(g.posString(n.Pos)+": "+n.Name+": initial state: %w"), jen.Err()))),
			g.putInitial(n, s, kt, jen.Id("initial"))))
		return
	}
	g.ctorFn.emit(g.putInitial(n, s, kt, g.startupValue(initial)))
}

func (g *gen) putInitial(n *planner.Op, s *planner.Stage, kt types.Type, list jen.Code) jen.Code {
	return jen.For(jen.List(jen.Id("_"), jen.Id("kv")).Op(":=").Range().Add(list)).Block(
		jf(stateField(n)).Index(jen.Qual(g.rtPath, "Bucket").Call(jen.Add(g.hashFunc(kt)).Call(jen.Id("kv").Dot("F1")), g.partsOf(s))).
			Dot("Put").Call(jen.Id("kv").Dot("F1"), jen.Id("kv").Dot("F2")))
}

// idChain is a string-keyed reduceByKey whose result goes, whole and unchanged, to
// updateStateByKey, with the same partitions: the reduce side's partition p and the
// state's partition p see the same keys (both exchanges hash keys alike), so the keys
// can travel as ids of one dictionary per partition, the state store's own
// (state.StringUpdateStore.Dict). The map side looks each key of its combine map up in
// the destination partition's dictionary (read only while the map side runs) and sends
// its id, or the key when the dictionary lacks it; the reduce side adds those keys,
// merges by id in an array (rt.IDMerge) instead of a hash map of strings, sends ids to
// the state (AddID: no lookup there), and hands sortByKey its keys in the dictionary's
// byte order (IDMerge.Sorted) instead of sorting them. Every key the reduce side adds
// reaches the state, so the dictionary holds the state's keys and the keys removed since
// the store last rebuilt it (when those outnumber the live ones): its memory follows the
// state's.
//
// The chain is only taken where nothing else reads the reduce side's result: no fused
// operator, no kept result, and besides the exchange to the state only sortByKey
// gathers, which get (key, value) pairs as before.
type idChain struct {
	in    *planner.Exchange // map side → reduce side (reduceByKey's combine)
	red   *planner.Stage    // the reduce side
	out   *planner.Exchange // reduce side → updateStateByKey
	state *planner.Stage    // updateStateByKey's stage
}

// idChainFrom returns the idChain whose map side writes exchange x, or nil. A dictSum
// (dictsum.go) takes the chain first where it applies.
func (g *gen) idChainFrom(x *planner.Exchange) *idChain {
	if x == nil || g.dictSumFrom(x) != nil || !x.Combine || x.Mode != planner.ByKey || x.Op.Name != "reduceByKey" {
		return nil
	}
	kt, _, ok := types.KeyValue(x.Elem)
	red := x.To
	if !ok || basicKind(kt) != types.String || red.Head != x.Op || !onlyInput(red, x) || len(red.Chain) != 0 || red.Keep {
		return nil
	}
	var out *planner.Exchange
	for _, y := range red.Out {
		switch {
		case y.Mode == planner.ByKey && !y.Combine && y.Op.Name == "updateStateByKey" && y.To.Head == y.Op && onlyInput(y.To, y) && out == nil:
			out = y
		case y.Op.Name == "sortByKey" && y.Mode == planner.Gather && !y.Combine:
		default:
			return nil
		}
	}
	if out == nil || red.Parts != out.To.Parts || red.Parts.Kind != planner.PartsDefault && red.Parts.Kind != planner.PartsFixed {
		return nil
	}
	return &idChain{in: x, red: red, out: out, state: out.To}
}

// onlyInput reports whether exchange x is stage s's one input.
func onlyInput(s *planner.Stage, x *planner.Exchange) bool {
	return len(s.Inputs) == 1 && s.Inputs[0].Kind == planner.FromExchange && s.Inputs[0].Exchange == x
}

// idChainOf returns the idChain whose reduce side or state is stage s, or nil.
func (g *gen) idChainOf(s *planner.Stage) *idChain {
	if len(s.Inputs) != 1 || s.Inputs[0].Kind != planner.FromExchange {
		return nil
	}
	x := s.Inputs[0].Exchange
	if c := g.idChainFrom(x); c != nil {
		return c
	}
	if r := x.From; len(r.Inputs) == 1 && r.Inputs[0].Kind == planner.FromExchange {
		if c := g.idChainFrom(r.Inputs[0].Exchange); c != nil && c.out == x {
			return c
		}
	}
	return nil
}

// exchangeElem is the Go type of the elements exchange x carries: its element type, or
// for the exchanges of an idChain rt.KeyOrID[V] (into the reduce side) and
// rt.IDValue[V] (into the state).
func (g *gen) exchangeElem(x *planner.Exchange) jen.Code {
	_, vt, _ := types.KeyValue(x.Elem)
	if g.idChainFrom(x) != nil {
		return jen.Qual(g.rtPath, "KeyOrID").Types(g.goType(vt))
	}
	if c := g.idChainOf(x.To); c != nil && c.out == x {
		return jen.Qual(g.rtPath, "IDValue").Types(g.goType(vt))
	}
	return g.goType(x.Elem)
}

// idMapSide is the end of an idChain's map side: the combine map's entries sent to the
// reduce side by id of the destination partition's dictionary, or as keys when it lacks
// them (rt.SendByID):
//
//	rt.SendByID(comb0, j.x0.Out(p), func(d int) *rt.KeyDict { return j.state6[d].Dict() })
func (sg *stageGen) idMapSide(c *idChain, comb string) jen.Code {
	g := sg.g
	dict := jen.Func().Params(jen.Id("d").Int()).Op("*").Qual(g.rtPath, "KeyDict").Block(
		jen.Return(jf(stateField(c.state.Head)).Index(jen.Id("d")).Dot("Dict").Call()))
	return jen.Qual(g.rtPath, "SendByID").Call(jen.Id(comb), jf(exField(c.in)).Dot("Out").Call(jen.Id("p")), dict)
}

// idReduceHead emits the reduce side of an idChain: the merge by id, then the batch's
// result to the state (ids, in merge order) and to each sortByKey (pairs, in byte order
// of the keys):
//
//	merge := j.merge1[p]
//	merge.Reset()
//	dict := j.state6[p].Dict()
//	for src := range j.x0.Sources() {
//		for _, e := range j.x0.Buffer(src, p) {
//			id := e.ID
//			if id == rt.NoID { // new to the dictionary when the map side looked
//				id, _ = dict.Add(e.Key)
//			}
//			acc, found := merge.Ptr(id)
//			if found {
//				*acc = reduceByKey_11_18(*acc, e.V)
//			} else {
//				*acc = e.V
//			}
//		}
//	}
//	outx2 := j.x2.Out(p)
//	for _, id := range merge.IDs() {
//		outx2[p] = append(outx2[p], rt.IDValue[int64]{ID: id, V: merge.Value(id)})
//	}
//	outx1 := j.x1.Out(p)
//	for _, id := range merge.Sorted(dict) {      (slices.Backward(...) when descending)
//		outx1[0] = append(outx1[0], stdlib.Tuple2[string, int64]{F1: dict.Key(id), F2: merge.Value(id)})
//	}
func (sg *stageGen) idReduceHead(c *idChain, kc keyedCombine) {
	s, g, f, n := sg.s, sg.g, sg.f, sg.s.Head
	_, vt, _ := types.KeyValue(c.in.Elem)
	field := mergeField(s)
	typ := jen.Index().Op("*").Qual(g.rtPath, "IDMerge").Types(g.goType(vt))
	g.job.field(field, typ, field+" is the reduce side of "+n.Name+" by key id, per partition of stage "+itoa(s.ID)+".")
	g.ctorFn.emit(
		jf(field).Op("=").Make(typ.Clone(), g.partsOf(s)),
		jen.For(jen.Id("p").Op(":=").Range().Add(jf(field))).Block(
			jf(field).Index(jen.Id("p")).Op("=").Qual(g.rtPath, "NewIDMerge").Types(g.goType(vt)).Call()))
	m, dict := "merge", f.fresh("dict")
	f.taken[m] = true
	f.emit(jen.Id(m).Op(":=").Add(jf(field)).Index(jen.Id("p")), jen.Id(m).Dot("Reset").Call(),
		jen.Id(dict).Op(":=").Add(jf(stateField(c.state.Head))).Index(jen.Id("p")).Dot("Dict").Call())
	sg.each(c.in, func(e string) {
		id := f.fresh("id")
		f.emit(jen.Id(id).Op(":=").Id(e).Dot("ID"),
			jen.If(jen.Id(id).Op("==").Qual(g.rtPath, "NoID")).Block(
				jen.List(jen.Id(id), jen.Id("_")).Op("=").Id(dict).Dot("Add").Call(jen.Id(e).Dot("Key"))),
			sg.enter(n))
		sg.fold(kc, m, jen.Id(id), jen.Id(e).Dot("V"), true)
	})
	for _, y := range s.Out {
		out, id := "out"+exField(y), f.fresh("id")
		f.taken[out] = true
		f.emit(jen.Id(out).Op(":=").Add(jf(exField(y))).Dot("Out").Call(jen.Id("p")))
		val := jen.Id(m).Dot("Value").Call(jen.Id(id))
		if y == c.out {
			f.emit(jen.For(jen.List(jen.Id("_"), jen.Id(id)).Op(":=").Range().Id(m).Dot("IDs").Call()).Block(
				jen.Id(out).Index(jen.Id("p")).Op("=").Append(jen.Id(out).Index(jen.Id("p")),
					jen.Qual(g.rtPath, "IDValue").Types(g.goType(vt)).Values(kv("ID", jen.Id(id)), kv("V", val)))))
			continue
		}
		order := jen.Id(m).Dot("Sorted").Call(jen.Id(dict))
		if !funcSpec(y.Op).Ascending {
			order = jen.Qual("slices", "Backward").Call(order)
		}
		f.emit(jen.For(jen.List(jen.Id("_"), jen.Id(id)).Op(":=").Range().Add(order)).Block(
			jen.Id(out).Index(jen.Lit(0)).Op("=").Append(jen.Id(out).Index(jen.Lit(0)),
				g.goType(n.Elem).Values(kv("F1", jen.Id(dict).Dot("Key").Call(jen.Id(id))), kv("F2", val)))))
	}
}
