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
		g.perPartition(field, s, typ, create, comment)
		g.addState(&stateSection{node: n, kind: stateUpdate, field: field, stage: s, key: kt, val: st, create: create})
		g.initialState(n, s, kt, st)
		m := f.fresh("st")
		f.emit(jen.Id(m).Op(":=").Add(jf(field)).Index(jen.Id("p")))
		sg.each(x, func(e string) { f.emit(jen.Id(m).Dot("Add").Call(jen.Id(e).Dot("F1"), jen.Id(e).Dot("F2"))) })
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
