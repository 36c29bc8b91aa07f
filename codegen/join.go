package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"streamc.dev/streamc/dsl/types"
	"streamc.dev/streamc/planner"
)

// joinHead emits join, leftOuterJoin, rightOuterJoin, fullOuterJoin or cogroup: both
// sides were hashed by key into this stage's partitions by their exchanges (xl, xr), so
// partition p co-groups its own keys in a runtime/join CoGroup and expands them per key
// in the fused loop (Spark's cogroup followed by flatMapValues):
//
//	cg := j.cg5[p]
//	cg.Reset()
//	for src := range j.x0.Sources() {
//		for _, e := range j.x0.Buffer(src, p) {
//			cg.AddLeft(e.F1, e.F2)
//		}
//	}
//	... cg.AddRight for j.x1 ...
//	for i := range cg.Len() {
//		k, vs, ws := cg.At(i)
//		for _, v := range vs {
//			for _, w := range ws {
//				v2 := stdlib.Tuple2[K, stdlib.Tuple2[V, W]]{F1: k, F2: stdlib.Tuple2[V, W]{F1: v, F2: w}}
//				...
//			}
//		}
//	}
//
// cogroup hands out the value lists with cg.Groups, which keeps them valid after the
// batch (a window downstream may hold them).
func (sg *stageGen) joinHead(n *planner.Op, xl, xr *planner.Exchange) {
	s, g, f := sg.s, sg.g, sg.f
	if xl.Side == 1 {
		xl, xr = xr, xl
	}
	kt, vt, ok1 := types.KeyValue(xl.Elem)
	_, wt, ok2 := types.KeyValue(xr.Elem)
	if !ok1 || !ok2 {
		g.errorf(n.Pos, "codegen: %s of streams that are not pairs", n.Name)
		return
	}
	field := fmt.Sprintf("cg%d", n.ID)
	typ := jen.Op("*").Qual(g.joinPath, "CoGroup").Types(g.goType(kt), g.goType(vt), g.goType(wt))
	g.perPartition(field, s, typ, jen.Qual(g.joinPath, "New").Types(g.goType(kt), g.goType(vt), g.goType(wt)).Call(jen.Lit(64)),
		fmt.Sprintf("%s co-groups the two sides of %s at %s, per partition of stage %d.", field, n.Name, g.posString(n.Pos), s.ID))
	cg := f.fresh("cg")
	f.emit(jen.Id(cg).Op(":=").Add(jf(field)).Index(jen.Id("p")), jen.Id(cg).Dot("Reset").Call())
	sg.each(xl, func(e string) { f.emit(jen.Id(cg).Dot("AddLeft").Call(jen.Id(e).Dot("F1"), jen.Id(e).Dot("F2"))) })
	sg.each(xr, func(e string) { f.emit(jen.Id(cg).Dot("AddRight").Call(jen.Id(e).Dot("F1"), jen.Id(e).Dot("F2"))) })
	f.emit(sg.enter(n))

	k, vs, ws, v, w := f.fresh("k"), f.fresh("vs"), f.fresh("ws"), f.fresh("v"), f.fresh("w")
	_, inner, _ := types.KeyValue(n.Elem)
	// out emits the element (k, (a, b)).
	out := func(a, b jen.Code) []jen.Code {
		e := f.fresh("v")
		val := g.goType(n.Elem).Values(kv("F1", jen.Id(k)), kv("F2", g.goType(inner).Values(kv("F1", a), kv("F2", b))))
		return assign(e, val, sg.chain(0, e, n.Elem))
	}
	some := func(x string) jen.Code { return jen.Qual(g.stdPath, "Some").Call(jen.Id(x)) }
	none := func(t types.Type) jen.Code { return jen.Qual(g.stdPath, "None").Types(g.goType(t)).Call() }
	loop := func(x, over string, body []jen.Code) jen.Code { return rangeLoop(x, jen.Id(over), body) }
	var body []jen.Code
	switch n.Name {
	case "cogroup":
		//	cg.Escape()
		//	for i := range cg.Len() {
		//		k, vs, ws := cg.Group(i)
		//		...
		//	}
		// A loop, not a closure, so that what is fused after it may return an error.
		body := out(jen.Id(vs), jen.Id(ws))
		i := f.fresh("i")
		f.emit(jen.Id(cg).Dot("Escape").Call())
		f.emit(jen.For(jen.Id(i).Op(":=").Range().Id(cg).Dot("Len").Call()).Block(
			append([]jen.Code{jen.List(jen.Id(k), jen.Id(vs), jen.Id(ws)).Op(":=").Id(cg).Dot("Group").Call(jen.Id(i))}, body...)...))
		return
	case "join":
		body = []jen.Code{loop(v, vs, []jen.Code{loop(w, ws, out(jen.Id(v), jen.Id(w)))})}
	case "leftOuterJoin":
		//	for _, v := range vs {
		//		if len(ws) == 0 { <(v, none)> }
		//		for _, w := range ws { <(v, some(w))> }
		//	}
		body = []jen.Code{loop(v, vs, append([]jen.Code{
			jen.If(jen.Len(jen.Id(ws)).Op("==").Lit(0)).Block(out(jen.Id(v), none(wt))...)},
			loop(w, ws, out(jen.Id(v), some(w)))))}
	case "rightOuterJoin":
		body = []jen.Code{
			jen.If(jen.Len(jen.Id(vs)).Op("==").Lit(0)).Block(loop(w, ws, out(none(vt), jen.Id(w)))),
			loop(v, vs, []jen.Code{loop(w, ws, out(some(v), jen.Id(w)))})}
	case "fullOuterJoin":
		body = []jen.Code{jen.Switch().Block(
			jen.Case(jen.Len(jen.Id(vs)).Op("==").Lit(0)).Block(loop(w, ws, out(none(vt), some(w)))),
			jen.Case(jen.Len(jen.Id(ws)).Op("==").Lit(0)).Block(loop(v, vs, out(some(v), none(wt)))),
			jen.Default().Block(loop(v, vs, []jen.Code{loop(w, ws, out(some(v), some(w)))})))}
	default:
		g.notImplemented(n)
		return
	}
	//	for i := range cg.Len() {
	//		k, vs, ws := cg.At(i)
	//		...
	//	}
	i := f.fresh("i")
	kid := jen.Id(k)
	if !usesIdent(body, k) {
		kid = jen.Id("_")
	}
	f.emit(jen.For(jen.Id(i).Op(":=").Range().Id(cg).Dot("Len").Call()).Block(
		append([]jen.Code{jen.List(kid, jen.Id(vs), jen.Id(ws)).Op(":=").Id(cg).Dot("At").Call(jen.Id(i))}, body...)...))
}
