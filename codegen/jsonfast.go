package codegen

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"streamc.dev/streamc/dsl/types"
)

// jsonFastable reports whether a JSON value of type t can be read by a one-pass scanner
// (jsonScanner): scalars converted without allocating, optionals of those, and records of
// those. Lists, tuples and bytes (whose base64 is decoded into a new string) are left to
// the Decoder; a record holding one has no scanner. visiting guards recursive records.
func jsonFastable(t types.Type, visiting map[*types.Record]bool) bool {
	switch t := t.(type) {
	case *types.Basic:
		switch t.Kind {
		case types.String, types.Int, types.Float, types.Bool, types.Duration, types.Time:
			return true
		}
	case *types.Optional:
		return jsonFastable(t.Elem, visiting)
	case *types.Record:
		if visiting[t] {
			return true
		}
		visiting[t] = true
		defer delete(visiting, t)
		for _, fl := range t.Fields {
			// The scanner compares the name as JSON writes it plainly, between quotes.
			if strings.ContainsAny(fl.Name, "\"\\") || strings.IndexFunc(fl.Name, func(r rune) bool { return r < 0x20 }) >= 0 {
				return false
			}
			if !jsonFastable(fl.Type, visiting) {
				return false
			}
		}
		return true
	}
	return false
}

// jsonScanner returns the name of the one-pass scanner of rec, declaring it (and those of
// nested records) in decode.go; it must only be called when jsonFastable(rec):
//
//	// scanJSONClick reads a JSON object at line[i:] into a Click when its fields come
//	// in declared order, written plainly; it returns the offset after the object, or
//	// -1 for anything else (then the Decoder decodes the line).
//	func scanJSONClick(line string, i int) (r Click, next int) {
//		i = codec.FastField(line, i, '{', `"user"`)
//		if r.User, i = codec.FastString(line, i); i < 0 {
//			return r, -1
//		}
//		i = codec.FastField(line, i, ',', `"n"`)
//		if j := codec.FastNull(line, i); j >= 0 {
//			i = j
//		} else {
//			var x0 int64
//			if x0, i = codec.FastInt(line, i); i < 0 {
//				return r, -1
//			}
//			r.N = stdlib.Some(x0)
//		}
//		return r, codec.FastByte(line, i, '}')
//	}
//
// Machine-written JSON lines almost always have the fields of one record type in the same
// order, so most records are decoded here without the Decoder's state machine and
// without looking field names up; the Fast functions accept only input on which they
// agree with the Decoder (see the codec package), and jsonDecoder falls back to the
// Decoder for every line the scanner refuses.
func (g *gen) jsonScanner(rec *types.Record) string {
	ri := g.record(rec)
	name := "scanJSON" + ri.name
	g.helper(name, &g.decodeDecls, func() jen.Code {
		var body []jen.Code
		if len(rec.Fields) == 0 {
			body = append(body, jen.Id("i").Op("=").Qual(g.codecPath, "FastByte").Call(jen.Id("line"), jen.Id("i"), jen.LitRune('{')))
		}
		for k, fl := range rec.Fields {
			sep := ','
			if k == 0 {
				sep = '{'
			}
			body = append(body, jen.Id("i").Op("=").Qual(g.codecPath, "FastField").Call(jen.Id("line"), jen.Id("i"), jen.LitRune(sep), quotedKey(fl.Name)))
			body = append(body, g.jsonScanValue(fl.Type, jen.Id("r").Dot(ri.fields[k]), 0)...)
		}
		body = append(body, jen.Return(jen.Id("r"), jen.Qual(g.codecPath, "FastByte").Call(jen.Id("line"), jen.Id("i"), jen.LitRune('}'))))
		return docf("%s reads a JSON object at line[i:] into a %s when its fields come\nin declared order, written plainly; it returns the offset after the object, or\n-1 for anything else (then the Decoder decodes the line).", name, rec.Name).Line().
			Func().Id(name).Params(jen.Id("line").String(), jen.Id("i").Int()).Params(jen.Id("r").Id(ri.name), jen.Id("next").Int()).Block(body...)
	})
	return name
}

// jsonScanValue reads the value at line[i:] into dst, of type t (jsonFastable), leaving i
// after it or returning -1 from the scanner; depth names temporaries.
func (g *gen) jsonScanValue(t types.Type, dst *jen.Statement, depth int) []jen.Code {
	fail := jen.Return(jen.Id("r"), jen.Lit(-1))
	read := func(lhs *jen.Statement, call jen.Code) jen.Code {
		//	if dst, i = codec.FastString(line, i); i < 0 { return r, -1 }
		return jen.If(jen.List(lhs, jen.Id("i")).Op("=").Add(call), jen.Id("i").Op("<").Lit(0)).Block(fail)
	}
	fast := func(fn string) jen.Code {
		return jen.Qual(g.codecPath, fn).Call(jen.Id("line"), jen.Id("i"))
	}
	tmp := fmt.Sprintf("x%d", depth)
	switch t := t.(type) {
	case *types.Basic:
		switch t.Kind {
		case types.String:
			return []jen.Code{read(dst.Clone(), fast("FastString"))}
		case types.Int:
			return []jen.Code{read(dst.Clone(), fast("FastInt"))}
		case types.Float:
			return []jen.Code{read(dst.Clone(), fast("FastFloat"))}
		case types.Bool:
			return []jen.Code{read(dst.Clone(), fast("FastBool"))}
		case types.Duration:
			return []jen.Code{read(dst.Clone(), fast("FastDuration"))}
		case types.Time:
			//	if ms, j := codec.FastTime(line, i); j >= 0 { dst, i = rt.Time(ms), j } else { return r, -1 }
			// (ms and j scoped to the if, so that a record may have several time fields)
			return []jen.Code{jen.If(jen.List(jen.Id("ms"), jen.Id("j")).Op(":=").Add(fast("FastTime")), jen.Id("j").Op(">=").Lit(0)).Block(
				jen.List(dst.Clone(), jen.Id("i")).Op("=").List(jen.Qual(g.rtPath, "Time").Call(jen.Id("ms")), jen.Id("j"))).Else().Block(fail)}
		}
	case *types.Optional:
		inner := []jen.Code{jen.Var().Id(tmp).Add(g.goType(t.Elem))}
		inner = append(inner, g.jsonScanValue(t.Elem, jen.Id(tmp), depth+1)...)
		inner = append(inner, dst.Clone().Op("=").Qual(g.stdPath, "Some").Call(jen.Id(tmp)))
		return []jen.Code{jen.If(jen.Id("j").Op(":=").Qual(g.codecPath, "FastNull").Call(jen.Id("line"), jen.Id("i")), jen.Id("j").Op(">=").Lit(0)).Block(
			jen.Id("i").Op("=").Id("j")).Else().Block(inner...)}
	case *types.Record:
		return []jen.Code{read(dst.Clone(), jen.Id(g.jsonScanner(t)).Call(jen.Id("line"), jen.Id("i")))}
	}
	g.errorf(g.anyPos(), "codegen: json cannot scan a field of type %s", t)
	return nil
}

// quotedKey is the field name as JSON writes it, with its quotes, as a Go literal: a raw
// string (`"user"`) where it can be one, for legibility.
func quotedKey(name string) jen.Code {
	if strings.ContainsRune(name, '`') {
		return jen.Lit(`"` + name + `"`)
	}
	return jen.Op("`\"" + name + "\"`")
}
