package codegen

import (
	"github.com/dave/jennifer/jen"

	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl/types"
)

// helper declares, once, a helper function called name in the file list decls, and
// returns a reference to it. body is only called the first time; it may declare other
// helpers (the renderer of a tuple needs those of its elements), which then come first.
func (g *gen) helper(name string, decls *[]jen.Code, body func() jen.Code) *jen.Statement {
	if !g.helperDone[name] {
		g.helperDone[name] = true
		g.globalName[name] = true
		*decls = append(*decls, body())
	}
	return jen.Id(name)
}

// renderFunc returns a function `func(dst []byte, v T) []byte` that appends v the way
// print shows it. Scalars use the runtime's Append functions; composite types get a
// function in render.go, for (string, int?):
//
//	// renderTuple2_String_Opt_Int renders (string, int?).
//	func renderTuple2_String_Opt_Int(dst []byte, v stdlib.Tuple2[string, stdlib.Opt[int64]]) []byte {
//		dst = append(dst, '(')
//		dst = rt.AppendString(dst, v.F1)
//		dst = append(dst, ',')
//		dst = rt.AppendOption(dst, v.F2.V, v.F2.Ok, rt.AppendInt)
//		dst = append(dst, ')')
//		return dst
//	}
func (g *gen) renderFunc(t types.Type) *jen.Statement {
	switch basicKind(t) {
	case types.String:
		return jen.Qual(g.rtPath, "AppendString")
	case types.Int:
		return jen.Qual(g.rtPath, "AppendInt")
	case types.Float:
		return jen.Qual(g.rtPath, "AppendFloat")
	case types.Bool:
		return jen.Qual(g.rtPath, "AppendBool")
	case types.Duration:
		return jen.Qual(g.rtPath, "AppendDuration")
	}
	name := "render" + g.mangle(t)
	return g.helper(name, &g.renderDecls, func() jen.Code {
		var body []jen.Code
		app := func(c jen.Code) { body = append(body, jen.Id("dst").Op("=").Add(c)) }
		lit := func(s string) {
			if len(s) == 1 {
				app(jen.Append(jen.Id("dst"), jen.LitRune(rune(s[0]))))
			} else {
				app(jen.Append(jen.Id("dst"), jen.Lit(s).Op("...")))
			}
		}
		v := jen.Id("v")
		switch t := t.(type) {
		case *types.Basic:
			switch t.Kind {
			case types.Time:
				app(jen.Qual(g.rtPath, "AppendTime").Call(jen.Id("dst"), jen.Id("v").Dot("Go").Call()))
			case types.Bytes:
				app(jen.Qual(g.rtPath, "AppendBytes").Call(jen.Id("dst"), jen.Index().Byte().Call(v)))
			default:
				g.errorf(g.anyPos(), "codegen: cannot render %s", t)
			}
		case *types.Tuple:
			lit("(")
			for i, e := range t.Elems {
				if i > 0 {
					lit(",")
				}
				app(jen.Add(g.renderFunc(e)).Call(jen.Id("dst"), jen.Id("v").Dot(tupleField(i))))
			}
			lit(")")
		case *types.Record:
			ri := g.record(t)
			lit(t.Name + "{")
			for i, fl := range t.Fields {
				sep := ""
				if i > 0 {
					sep = ","
				}
				lit(sep + fl.Name + ":")
				app(jen.Add(g.renderFunc(fl.Type)).Call(jen.Id("dst"), jen.Id("v").Dot(ri.fields[i])))
			}
			lit("}")
		case *types.List:
			app(jen.Qual(g.rtPath, "AppendList").Call(jen.Id("dst"), v, g.renderFunc(t.Elem)))
		case *types.Optional:
			app(jen.Qual(g.rtPath, "AppendOption").Call(jen.Id("dst"), jen.Id("v").Dot("V"), jen.Id("v").Dot("Ok"), g.renderFunc(t.Elem)))
		default:
			g.errorf(g.anyPos(), "codegen: cannot render %s", t)
		}
		body = append(body, jen.Return(jen.Id("dst")))
		return docf("%s renders %s.", name, t).Line().
			Func().Id(name).Params(jen.Id("dst").Index().Byte(), jen.Id("v").Add(g.goType(t))).Index().Byte().Block(body...)
	})
}

// hashFunc returns a function `func(v T) uint64` giving the partitioning hash of a key
// of type T. Scalars use the runtime's hashes; composite keys get a function in hash.go
// that combines their parts in order:
//
//	// hashTuple2_String_Int hashes keys of type (string, int).
//	func hashTuple2_String_Int(v stdlib.Tuple2[string, int64]) uint64 {
//		h := rt.HashString(v.F1)
//		h = rt.HashCombine(h, rt.HashInt(v.F2))
//		return h
//	}
func (g *gen) hashFunc(t types.Type) *jen.Statement {
	switch basicKind(t) {
	case types.String, types.Bytes:
		return jen.Qual(g.rtPath, "HashString")
	case types.Int:
		return jen.Qual(g.rtPath, "HashInt")
	case types.Float:
		return jen.Qual(g.rtPath, "HashFloat")
	case types.Bool:
		return jen.Qual(g.rtPath, "HashBool")
	case types.Duration:
		return jen.Qual(g.rtPath, "HashDuration")
	}
	name := "hash" + g.mangle(t)
	return g.helper(name, &g.hashDecls, func() jen.Code {
		var body []jen.Code
		parts := func(fields []string, elems []types.Type) {
			for i, fl := range fields {
				h := jen.Add(g.hashFunc(elems[i])).Call(jen.Id("v").Dot(fl))
				if i == 0 {
					body = append(body, jen.Id("h").Op(":=").Add(h))
				} else {
					body = append(body, jen.Id("h").Op("=").Qual(g.rtPath, "HashCombine").Call(jen.Id("h"), h))
				}
			}
			if len(fields) == 0 {
				body = append(body, jen.Id("h").Op(":=").Id("uint64").Call(jen.Lit(0)))
			}
			body = append(body, jen.Return(jen.Id("h")))
		}
		switch t := t.(type) {
		case *types.Basic:
			if t.Kind != types.Time {
				g.errorf(g.anyPos(), "codegen: cannot hash %s", t)
			}
			body = append(body, jen.Return(jen.Qual(g.rtPath, "HashTime").Call(jen.Id("v").Dot("Go").Call())))
		case *types.Tuple, *types.Record:
			parts(g.members(t))
		case *types.Optional:
			//	if !v.Ok { return rt.HashBool(false) }
			//	return rt.HashCombine(rt.HashBool(true), hashElem(v.V))
			body = append(body,
				jen.If(jen.Op("!").Id("v").Dot("Ok")).Block(jen.Return(jen.Qual(g.rtPath, "HashBool").Call(jen.False()))),
				jen.Return(jen.Qual(g.rtPath, "HashCombine").Call(jen.Qual(g.rtPath, "HashBool").Call(jen.True()), jen.Add(g.hashFunc(t.Elem)).Call(jen.Id("v").Dot("V")))))
		case *types.List:
			//	h := rt.HashInt(int64(len(v)))
			//	for _, x := range v { h = rt.HashCombine(h, hashElem(x)) }
			body = append(body,
				jen.Id("h").Op(":=").Qual(g.rtPath, "HashInt").Call(jen.Int64().Call(jen.Len(jen.Id("v")))),
				jen.For(jen.List(jen.Id("_"), jen.Id("x")).Op(":=").Range().Id("v")).Block(
					jen.Id("h").Op("=").Qual(g.rtPath, "HashCombine").Call(jen.Id("h"), jen.Add(g.hashFunc(t.Elem)).Call(jen.Id("x")))),
				jen.Return(jen.Id("h")))
		default:
			g.errorf(g.anyPos(), "codegen: cannot hash %s", t)
		}
		return docf("%s hashes keys of type %s.", name, t).Line().
			Func().Id(name).Params(jen.Id("v").Add(g.goType(t))).Uint64().Block(body...)
	})
}

// compareFunc returns a function `func(a, b T) int` ordering values of type T (negative
// when a < b). Scalars use cmp.Compare, strings strings.Compare; composite types get a
// function in compare.go, lexicographic over tuple elements, record fields (in sorts'
// tie-breaks only) and list items, none before some, false before true:
//
//	// compareTuple2_String_Int orders values of type (string, int).
//	func compareTuple2_String_Int(a, b stdlib.Tuple2[string, int64]) int {
//		if c := strings.Compare(a.F1, b.F1); c != 0 {
//			return c
//		}
//		return cmp.Compare(a.F2, b.F2)
//	}
func (g *gen) compareFunc(t types.Type) *jen.Statement {
	if k := basicKind(t); k == types.String || k == types.Bytes {
		// One comparison of the bytes; cmp.Compare compares twice when a >= b.
		return jen.Qual("strings", "Compare")
	}
	if orderedInGo(t) {
		return jen.Qual("cmp", "Compare").Types(g.goType(t))
	}
	name := "compare" + g.mangle(t)
	return g.helper(name, &g.cmpDecls, func() jen.Code {
		a, b := jen.Id("a"), jen.Id("b")
		var body []jen.Code
		switch t := t.(type) {
		case *types.Basic:
			if t.Kind != types.Bool {
				g.errorf(g.anyPos(), "codegen: cannot order %s", t)
			}
			//	if a == b { return 0 }; if !a { return -1 }; return 1
			body = append(body,
				jen.If(a.Clone().Op("==").Add(b)).Block(jen.Return(jen.Lit(0))),
				jen.If(jen.Op("!").Add(a)).Block(jen.Return(jen.Lit(-1))),
				jen.Return(jen.Lit(1)))
		case *types.Tuple:
			for i, e := range t.Elems {
				c := jen.Add(g.compareFunc(e)).Call(jen.Id("a").Dot(tupleField(i)), jen.Id("b").Dot(tupleField(i)))
				if i == len(t.Elems)-1 {
					body = append(body, jen.Return(c))
				} else {
					body = append(body, jen.If(jen.Id("c").Op(":=").Add(c), jen.Id("c").Op("!=").Lit(0)).Block(jen.Return(jen.Id("c"))))
				}
			}
		case *types.Record:
			// The language does not order records; sorts use this order to break ties
			// between elements with equal keys: lexicographic over the declared fields.
			ri := g.record(t)
			for i, fl := range t.Fields {
				c := jen.Add(g.compareFunc(fl.Type)).Call(jen.Id("a").Dot(ri.fields[i]), jen.Id("b").Dot(ri.fields[i]))
				if i == len(t.Fields)-1 {
					body = append(body, jen.Return(c))
				} else {
					body = append(body, jen.If(jen.Id("c").Op(":=").Add(c), jen.Id("c").Op("!=").Lit(0)).Block(jen.Return(jen.Id("c"))))
				}
			}
			if len(t.Fields) == 0 {
				body = append(body, jen.Return(jen.Lit(0)))
			}
		case *types.Optional:
			//	if a.Ok != b.Ok { if a.Ok { return 1 }; return -1 }
			//	if !a.Ok { return 0 }
			//	return compareElem(a.V, b.V)
			body = append(body,
				jen.If(jen.Id("a").Dot("Ok").Op("!=").Id("b").Dot("Ok")).Block(
					jen.If(jen.Id("a").Dot("Ok")).Block(jen.Return(jen.Lit(1))),
					jen.Return(jen.Lit(-1))),
				jen.If(jen.Op("!").Id("a").Dot("Ok")).Block(jen.Return(jen.Lit(0))),
				jen.Return(jen.Add(g.compareFunc(t.Elem)).Call(jen.Id("a").Dot("V"), jen.Id("b").Dot("V"))))
		case *types.List:
			//	return slices.CompareFunc(a, b, compareElem)
			body = append(body, jen.Return(jen.Qual("slices", "CompareFunc").Call(a, b, g.compareFunc(t.Elem))))
		default:
			g.errorf(g.anyPos(), "codegen: cannot order %s", t)
		}
		return docf("%s orders values of type %s.", name, t).Line().
			Func().Id(name).Params(jen.List(jen.Id("a"), jen.Id("b")).Add(g.goType(t))).Int().Block(body...)
	})
}

// anyPos is the position of errors that belong to no single place.
func (g *gen) anyPos() diag.Pos {
	return diag.Pos{File: g.opts.SourcePath, Line: 1, Col: 1}
}

// cloneFunc returns a function `func(v T) T` copying a value of a type with strings
// (types.HasStrings) so that its strings have memory of their own (strings.Clone): what
// a window keeps from batch to batch must not keep, or see reused, the memory its input
// was read into. It is in types.go, for a record:
//
//	// cloneBid copies a Bid, its strings too.
//	func cloneBid(v Bid) Bid {
//		v.Channel = strings.Clone(v.Channel)
//		v.URL = strings.Clone(v.URL)
//		return v
//	}
func (g *gen) cloneFunc(t types.Type) *jen.Statement {
	if k := basicKind(t); k == types.String || k == types.Bytes {
		return jen.Qual("strings", "Clone")
	}
	name := "clone" + g.mangle(t)
	return g.helper(name, &g.typeDecls, func() jen.Code {
		var body []jen.Code
		parts := func(fields []string, elems []types.Type) {
			for i, fl := range fields {
				if types.HasStrings(elems[i]) {
					body = append(body, jen.Id("v").Dot(fl).Op("=").Add(g.cloneFunc(elems[i])).Call(jen.Id("v").Dot(fl)))
				}
			}
			body = append(body, jen.Return(jen.Id("v")))
		}
		switch t := t.(type) {
		case *types.Tuple, *types.Record:
			parts(g.members(t))
		case *types.Optional:
			//	if v.Ok { v.V = cloneElem(v.V) }
			//	return v
			body = append(body,
				jen.If(jen.Id("v").Dot("Ok")).Block(jen.Id("v").Dot("V").Op("=").Add(g.cloneFunc(t.Elem)).Call(jen.Id("v").Dot("V"))),
				jen.Return(jen.Id("v")))
		case *types.List:
			//	out := make([]E, len(v))
			//	for i, x := range v { out[i] = cloneElem(x) }
			//	return out
			body = append(body,
				jen.Id("out").Op(":=").Make(g.goType(t), jen.Len(jen.Id("v"))),
				jen.For(jen.List(jen.Id("i"), jen.Id("x")).Op(":=").Range().Id("v")).Block(
					jen.Id("out").Index(jen.Id("i")).Op("=").Add(g.cloneFunc(t.Elem)).Call(jen.Id("x"))),
				jen.Return(jen.Id("out")))
		default:
			g.errorf(g.anyPos(), "codegen: cannot copy %s", t)
		}
		return docf("%s copies a value of type %s, its strings too.", name, t).Line().
			Func().Id(name).Params(jen.Id("v").Add(g.goType(t))).Add(g.goType(t)).Block(body...)
	})
}

// members returns the Go field names and the types of the elements of a tuple or the
// fields of a record, in order: what hash, clone and the other per-type helpers combine.
func (g *gen) members(t types.Type) (fields []string, elems []types.Type) {
	switch t := t.(type) {
	case *types.Tuple:
		for i, e := range t.Elems {
			fields, elems = append(fields, tupleField(i)), append(elems, e)
		}
	case *types.Record:
		fields = g.record(t).fields
		for _, fl := range t.Fields {
			elems = append(elems, fl.Type)
		}
	}
	return fields, elems
}
