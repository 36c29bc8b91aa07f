package codegen

import (
	"fmt"
	"strings"
	"unicode/utf8"

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
//	// scanJSONClick reads the JSON object at line[i:] (i >= 0) into *r when its fields
//	// come in declared order, written plainly; it returns the offset after the object,
//	// or -1 for anything else (then the Decoder decodes the line). Each field's
//	// separator and name are first compared with constants, as most encoders write
//	// them (`, "name": ` or `,"name":`); codec.FastField reads any other spacing.
//	func scanJSONClick(line string, i int, r *Click) int {
//		if j := i + 9; j < len(line) && line[i:j] == `{"user": ` && line[j] > ' ' {
//			i = j
//		} else if j := i + 8; j < len(line) && line[i:j] == `{"user":` && line[j] > ' ' {
//			i = j
//		} else if i = codec.FastField(line, i, '{', `"user"`); i < 0 {
//			return -1
//		}
//		if r.User, i = codec.FastString(line, i); i < 0 {
//			return -1
//		}
//		if j := i + 7; j < len(line) && line[i:j] == `, "n": ` && line[j] > ' ' {
//			i = j
//		} else if j := i + 5; j < len(line) && line[i:j] == `,"n":` && line[j] > ' ' {
//			i = j
//		} else if i = codec.FastField(line, i, ',', `"n"`); i < 0 {
//			return -1
//		}
//		if j := codec.FastNull(line, i); j >= 0 {
//			i = j
//		} else {
//			var x0 int64
//			if x0, i = codec.FastInt(line, i); i < 0 {
//				return -1
//			}
//			r.N = stdlib.Some(x0)
//		}
//		return codec.FastByte(line, i, '}')
//	}
//
// Machine-written JSON lines almost always have the fields of one record type in the same
// order and spacing, so most records are decoded here without the Decoder's state
// machine and without looking field names up; a field name costs a comparison with a
// constant, which the compiler makes a few word loads (jsonKeyMatch), and a plain string
// value one pass of FastString eight bytes at a time. Each step takes exactly the
// offsets FastField would (a constant matches only where FastField's usual forms do, the
// value starting right after it), and the Fast functions accept only input on which they
// agree with the Decoder (see the codec package); jsonDecoder falls back to the Decoder
// for every line the scanner refuses.
func (g *gen) jsonScanner(rec *types.Record) string {
	ri := g.record(rec)
	name := "scanJSON" + ri.name
	g.helper(name, &g.decodeDecls, func() jen.Code {
		var body []jen.Code
		if len(rec.Fields) == 0 {
			body = append(body, jen.Id("i").Op("=").Qual(g.codecPath, "FastByte").Call(jen.Id("line"), jen.Id("i"), jen.LitRune('{')))
		}
		for k, fl := range rec.Fields {
			sep := ","
			if k == 0 {
				sep = "{"
			}
			body = append(body, g.jsonScanKey(sep, fl.Name))
			body = append(body, g.jsonScanValue(fl.Type, jen.Id("r").Dot(ri.fields[k]), 0)...)
		}
		body = append(body, jen.Return(jen.Qual(g.codecPath, "FastByte").Call(jen.Id("line"), jen.Id("i"), jen.LitRune('}'))))
		return docf("%s reads the JSON object at line[i:] (i >= 0) into *r when its fields\n"+
			"come in declared order, written plainly; it returns the offset after the object,\n"+
			"or -1 for anything else (then the Decoder decodes the line). Each field's\n"+
			"separator and name are first compared with constants, as most encoders write\n"+
			"them (`, \"name\": ` or `,\"name\":`); codec.FastField reads any other spacing.", name).Line().
			Func().Id(name).Params(jen.Id("line").String(), jen.Id("i").Int(), jen.Id("r").Op("*").Id(ri.name)).Int().Block(body...)
	})
	return name
}

// jsonScanCall is the scanner's part of the decoder of rec (jsonDecoder), when
// jsonFastable(rec); r is the decoder's named result:
//
//	if i := scanJSONClick(line, 0, &r); codec.FastEnd(line, i) {
//		return r, nil
//	}
func (g *gen) jsonScanCall(rec *types.Record) []jen.Code {
	return []jen.Code{
		jen.If(jen.Id("i").Op(":=").Id(g.jsonScanner(rec)).Call(jen.Id("line"), jen.Lit(0), jen.Op("&").Id("r")), jen.Qual(g.codecPath, "FastEnd").Call(jen.Id("line"), jen.Id("i"))).Block(
			jen.Return(jen.Id("r"), jen.Nil())),
	}
}

// jsonScanKey reads the separator sep ("{" or ",") and the field name before a value,
// leaving i at the value or returning -1 from the scanner, for the name "page_id":
//
//	if j := i + 13; j < len(line) && line[i:j] == `, "page_id": ` && line[j] > ' ' {
//		i = j
//	} else if j := i + 11; j < len(line) && line[i:j] == `,"page_id":` && line[j] > ' ' {
//		i = j
//	} else if i = codec.FastField(line, i, ',', `"page_id"`); i < 0 {
//		return -1
//	}
//
// The two constants are the usual forms of FastField's fast path (Python's json.dumps
// writes the first, Go, JavaScript and most others the second); where one matches,
// FastField would return the same j. The first field has no space after "{".
func (g *gen) jsonScanKey(sep, name string) jen.Code {
	quoted := `"` + name + `"`
	spaced := sep + " " + quoted + ": "
	if sep == "{" {
		spaced = sep + quoted + ": "
	}
	compact := sep + quoted + ":"
	match := func(lit string) *jen.Statement {
		return jen.If(jen.Id("j").Op(":=").Id("i").Op("+").Lit(len(lit)), jsonKeyMatch(lit)).Block(jen.Id("i").Op("=").Id("j"))
	}
	return match(spaced).Else().Add(match(compact)).Else().If(
		jen.Id("i").Op("=").Qual(g.codecPath, "FastField").Call(jen.Id("line"), jen.Id("i"), jen.LitRune(rune(sep[0])), quotedKey(name)),
		jen.Id("i").Op("<").Lit(0)).Block(jen.Return(jen.Lit(-1)))
}

// jsonKeyMatch is the condition that line[i:j] (j = i+len(lit)) is lit and a value
// starts at line[j]:
//
//	j < len(line) && line[i:j] == `, "page_id": ` && line[j] > ' '
//
// The compiler compares a string with a constant of up to 16 bytes by loading words (a
// longer constant is a call of memequal), so a longer lit is compared 16 bytes at a time:
//
//	j < len(line) && line[i:i+16] == `, "a_long_name": ` && line[i+16:j] == `"x": ` && line[j] > ' '
func jsonKeyMatch(lit string) *jen.Statement {
	const chunk = 16
	cond := jen.Id("j").Op("<").Len(jen.Id("line"))
	for off := 0; off < len(lit); off += chunk {
		end := min(off+chunk, len(lit))
		lo, hi := jen.Id("i"), jen.Id("j")
		if off > 0 {
			lo = jen.Id("i").Op("+").Lit(off)
		}
		if end < len(lit) {
			hi = jen.Id("i").Op("+").Lit(end)
		}
		cond = cond.Op("&&").Id("line").Index(lo, hi).Op("==").Add(goStringLit(lit[off:end]))
	}
	return cond.Op("&&").Id("line").Index(jen.Id("j")).Op(">").LitRune(' ')
}

// goStringLit is s as a Go literal: a raw string where it can be one, for legibility
// (a chunk of a name may end inside a UTF-8 sequence, which a raw string cannot hold).
func goStringLit(s string) jen.Code {
	if strings.ContainsRune(s, '`') || !utf8.ValidString(s) || strings.ContainsRune(s, '\r') {
		return jen.Lit(s)
	}
	return jen.Op("`" + s + "`")
}

// jsonScanValue reads the value at line[i:] into dst, of type t (jsonFastable), leaving i
// after it or returning -1 from the scanner; depth names temporaries.
func (g *gen) jsonScanValue(t types.Type, dst *jen.Statement, depth int) []jen.Code {
	fail := jen.Return(jen.Lit(-1))
	read := func(lhs *jen.Statement, call jen.Code) jen.Code {
		//	if dst, i = codec.FastString(line, i); i < 0 { return -1 }
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
			//	if ms, j := codec.FastTime(line, i); j >= 0 { dst, i = rt.Time(ms), j } else { return -1 }
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
		//	if i = scanJSONInner(line, i, &dst); i < 0 { return -1 }
		return []jen.Code{jen.If(jen.Id("i").Op("=").Id(g.jsonScanner(t)).Call(jen.Id("line"), jen.Id("i"), jen.Op("&").Add(dst.Clone())), jen.Id("i").Op("<").Lit(0)).Block(fail)}
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
