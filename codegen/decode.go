package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"streamc.dev/streamc/dsl/ast"
	"streamc.dev/streamc/dsl/builtins"
	"streamc.dev/streamc/dsl/check"
	"streamc.dev/streamc/dsl/types"
)

// decode emits decoder n (csv or json, chain operator i) on the text element v, with the
// bad-record policy around it:
//
//	cur = 0
//	v2, err := decodeCSVClick(split, j.cols3, j.width3, v)
//	if err != nil {
//		if err := j.bad3.Handle("lines", "app.stream:4:9", int64(b.Time), v, err); err != nil {
//			return err
//		}
//	} else {
//		...
//	}
func (sg *stageGen) decode(i int, n *check.Node, v string, t types.Type) {
	g, f := sg.g, sg.f
	if t == builtins.KafkaRecord { // a Kafka record's text is its value
		if g.boolArg(n, "header") {
			g.errorf(n.Pos, "csv(header = true) is not supported on a kafka source: every record is a row")
			return
		}
		v, t = sg.kafkaValue(v), types.StringType
	}
	rec, ok := n.Decoded.(*types.Record)
	if !ok {
		rec, ok = n.Elem.(*types.Record)
	}
	if !ok || basicKind(t) != types.String {
		g.errorf(n.Pos, "%s on a stream of %s is not implemented yet in this version of streamc", n.Op, t)
		return
	}
	bad := badField(n)
	g.job.field(bad, jen.Op("*").Qual(g.codecPath, "BadRecords"), fmt.Sprintf("%s applies the bad-record policy of %s at %s.", bad, n.Op, g.posString(n.Pos)))
	g.ctorFn.emit(jf(bad).Op("=").Qual(g.codecPath, "NewBadRecords").Call(g.decoderPolicy(n)),
		jen.Id("ctx").Dot("OnClose").Call(jf(bad)))
	//	if err := j.bad3.Flush(); err != nil {
	//		return rt.Wrap(opCsv_19_65, err)
	//	}
	//	b.AddBadRecords(j.bad3.TakeNew())
	g.job.afterStages = append(g.job.afterStages, jen.If(jen.Err().Op(":=").Add(jf(bad)).Dot("Flush").Call(), jen.Err().Op("!=").Nil()).Block(
		jen.Return(jen.Qual(g.rtPath, "Wrap").Call(g.op(n), jen.Err()))),
		jen.Id("b").Dot("AddBadRecords").Call(jf(bad).Dot("TakeNew").Call()))

	var call jen.Code
	var skipHeader bool
	switch n.Op {
	case "csv":
		cols, width, split := decoderField(n)+"Cols", decoderField(n)+"Width", decoderField(n)+"Split"
		g.job.field(split, jen.Index().Op("*").Qual(g.codecPath, "Splitter"), "")
		g.job.field(cols, jen.Index().Int(), "")
		g.job.field(width, jen.Int(), "")
		delim := jen.Lit(",")
		if a := n.Arg("delimiter"); a != nil {
			delim = jen.Add(g.startupValue(a.Value))
		}
		//	j.dec3Split = make([]*codec.Splitter, j.n0)
		//	for p := range j.dec3Split {
		//		j.dec3Split[p] = codec.MustSplitter(",")
		//	}
		g.ctorFn.emit(jf(split).Op("=").Make(jen.Index().Op("*").Qual(g.codecPath, "Splitter"), g.partsOf(sg.s)),
			jen.For(jen.Id("p").Op(":=").Range().Add(jf(split))).Block(
				jf(split).Index(jen.Id("p")).Op("=").Qual(g.codecPath, "MustSplitter").Call(delim)))
		header := g.boolArg(n, "header")
		if header {
			sg.csvHeader(n, rec, i)
			skipHeader = true
		} else {
			idx := make([]jen.Code, len(rec.Fields))
			for k := range idx {
				idx[k] = jen.Lit(k)
			}
			g.ctorFn.emit(jf(cols).Op("=").Index().Int().Values(idx...), jf(width).Op("=").Lit(len(rec.Fields)))
		}
		dec := g.csvDecoder(rec)
		if !header && len(rec.Fields) > 0 {
			dec = g.csvPlainDecoder(rec)
		}
		call = jen.Id(dec).Call(jf(split).Index(jen.Id("p")), jf(cols), jf(width), jen.Id(v))
	case "json":
		dec := decoderField(n) + "JSON"
		g.job.field(dec, jen.Index().Qual(g.codecPath, "Decoder"), "")
		g.ctorFn.emit(jf(dec).Op("=").Make(jen.Index().Qual(g.codecPath, "Decoder"), g.partsOf(sg.s)))
		call = jen.Id(g.jsonDecoder(rec)).Call(jen.Op("&").Add(jf(dec)).Index(jen.Id("p")), jen.Id(v))
	}
	w := f.fresh("v")
	rest := sg.chain(i+1, w, n.Elem)
	source := n.Op
	if len(n.Inputs) > 0 {
		source = g.sourceName(n.Inputs[0])
	}
	lhs := jen.Id(w)
	if !usesIdent(rest, w) {
		lhs = jen.Id("_")
	}
	body := []jen.Code{
		sg.enter(n),
		jen.List(lhs, jen.Err()).Op(":=").Add(call),
		jen.If(jen.Err().Op("!=").Nil()).Block(
			jen.If(jen.Err().Op(":=").Add(jf(bad)).Dot("Handle").Call(jen.Lit(source), jen.Lit(g.posString(n.Pos)), jen.Int64().Call(jen.Id("b").Dot("Time")), jen.Id(v), jen.Err()), jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Err()))).
			Else().Block(rest...),
	}
	if skipHeader {
		// Header lines (the first line of the stream, and the same line again at the top
		// of every file) are not records.
		f.emit(jen.If(jen.Id(v).Op("!=").Add(jf(decoderField(n) + "Header"))).Block(body...))
		return
	}
	f.emit(body...)
}

// sourceName names the source a decoder reads, for bad-record messages.
func (g *gen) sourceName(n *check.Node) string {
	for _, src := range g.plan.Sources {
		if src.Node == n {
			return src.Name
		}
	}
	return n.Op
}

// csvHeader makes the stage read the header from the first line of the stream before
// its partitions run, so that every partition knows the columns:
//
//	if !j.dec3HasHeader {
//		for _, part := range in {
//			if len(part) > 0 {
//				fields, err := j.dec3Split[0].Split(part[0])
//				...
//				j.dec3Cols, err = codec.HeaderIndex(fields, []string{"user", "url"})
//				...
//				break
//			}
//		}
//	}
func (sg *stageGen) csvHeader(n *check.Node, rec *types.Record, i int) {
	g := sg.g
	d := decoderField(n)
	if i != 0 || len(sg.s.Inputs) != 1 || sg.s.Inputs[0].Source == nil {
		g.errorf(n.Pos, "csv with header = true must follow its source directly")
		return
	}
	g.job.field(d+"Header", jen.String(), "")
	g.job.field(d+"HasHeader", jen.Bool(), "")
	names := make([]jen.Code, len(rec.Fields))
	for k, fl := range rec.Fields {
		names[k] = jen.Lit(fl.Name)
	}
	wrap := func() jen.Code { return jen.Return(jen.Qual(g.rtPath, "Wrap").Call(g.op(n), jen.Err())) }
	sg.preLoop = append(sg.preLoop, jen.If(jen.Op("!").Add(jf(d+"HasHeader"))).Block(
		jen.For(jen.List(jen.Id("_"), jen.Id("part")).Op(":=").Range().Id("in")).Block(
			jen.If(jen.Len(jen.Id("part")).Op("==").Lit(0)).Block(jen.Continue()),
			jen.List(jen.Id("fields"), jen.Err()).Op(":=").Add(jf(d+"Split")).Index(jen.Lit(0)).Dot("Split").Call(jen.Id("part").Index(jen.Lit(0))),
			jen.If(jen.Err().Op("!=").Nil()).Block(wrap()),
			jf(d+"Width").Op("=").Len(jen.Id("fields")),
			jen.List(jf(d+"Cols"), jen.Err()).Op("=").Qual(g.codecPath, "HeaderIndex").Call(jen.Id("fields"), jen.Index().String().Values(names...)),
			jen.If(jen.Err().Op("!=").Nil()).Block(wrap()),
			jf(d+"Header").Op(",").Add(jf(d+"HasHeader")).Op("=").Id("part").Index(jen.Lit(0)).Op(",").True(),
			jen.Break())))
}

// boolArg is a decoder's literal bool argument (false when absent).
func (g *gen) boolArg(n *check.Node, name string) bool { return g.literalBool(n.Arg(name), name) }

// literalBool is the value of argument a, called name, which must be a bool literal;
// false when a is nil (the argument is absent).
func (g *gen) literalBool(a *check.NamedArg, name string) bool {
	if a == nil {
		return false
	}
	lit, ok := ast.Unparen(a.Value).(*ast.BoolLit)
	if !ok {
		g.errorf(a.Value.Pos(), "%s must be true or false", name)
		return false
	}
	return lit.Value
}

// decoderPolicy is the codec.Policy of decoder n: its onBadRecord argument, else the
// pipeline's policy as --on-bad-record may have changed it (the runtime's and the
// codec's kinds are numbered alike):
//
//	codec.Policy{Kind: codec.PolicyKind(ctx.Settings.OnBadRecord.Kind), Path: ctx.Settings.OnBadRecord.Path}
func (g *gen) decoderPolicy(n *check.Node) jen.Code {
	if n.OnBadRecord == nil {
		set := jen.Id("ctx").Dot("Settings").Dot("OnBadRecord")
		return jen.Qual(g.codecPath, "Policy").Values(kv("Kind", jen.Qual(g.codecPath, "PolicyKind").Call(set.Clone().Dot("Kind"))), kv("Path", set.Clone().Dot("Path")))
	}
	p := *n.OnBadRecord
	kind := map[check.BadRecordKind]string{check.BadRecordFail: "Fail", check.BadRecordSkip: "Skip", check.BadRecordDeadLetter: "DeadLetter"}[p.Kind]
	d := []jen.Code{kv("Kind", jen.Qual(g.codecPath, kind))}
	if p.Path != "" {
		d = append(d, kv("Path", jen.Lit(p.Path)))
	}
	return jen.Qual(g.codecPath, "Policy").Values(d...)
}

// csvDecoder returns the name of the CSV decoder of rec, declaring it in decode.go:
//
//	// decodeCSVClick decodes one CSV line into a Click: field k is column cols[k] of a
//	// line of width columns.
//	func decodeCSVClick(sp *codec.Splitter, cols []int, width int, line string) (r Click, err error) {
//		fields, err := sp.SplitN(line, width)
//		if err != nil {
//			return r, err
//		}
//		r.User = fields[cols[0]]
//		if r.N, err = codec.ParseInt(fields[cols[1]], "n"); err != nil {
//			return r, err
//		}
//		return r, nil
//	}
func (g *gen) csvDecoder(rec *types.Record) string {
	ri := g.record(rec)
	name := "decodeCSV" + ri.name
	g.helper(name, &g.decodeDecls, func() jen.Code {
		body := []jen.Code{
			jen.List(jen.Id("fields"), jen.Err()).Op(":=").Id("sp").Dot("SplitN").Call(jen.Id("line"), jen.Id("width")),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id("r"), jen.Err())),
		}
		for k, fl := range rec.Fields {
			col := jen.Id("fields").Index(jen.Id("cols").Index(jen.Lit(k)))
			body = append(body, g.csvColumn(fl, jen.Id("r").Dot(ri.fields[k]), col)...)
		}
		body = append(body, jen.Return(jen.Id("r"), jen.Nil()))
		return docf("%s decodes one CSV line into a %s: field k is column cols[k] of a\nline of width columns.", name, rec.Name).Line().
			Func().Id(name).Params(jen.Id("sp").Op("*").Qual(g.codecPath, "Splitter"), jen.Id("cols").Index().Int(), jen.Id("width").Int(), jen.Id("line").String()).
			Params(jen.Id("r").Id(ri.name), jen.Err().Error()).Block(body...)
	})
	return name
}

// csvPlainDecoder returns the name of the decoder of CSV lines without a header into
// rec (the record's fields are the line's columns in order), declaring it in decode.go
// with its one-pass scanner:
//
//	// decodeCSVPlainClick decodes one CSV line without a header into a Click: ...
//	func decodeCSVPlainClick(sp *codec.Splitter, cols []int, width int, line string) (Click, error) {
//		if sp.Plain(line) {
//			if r, err := scanCSVClick(sp, line); err == nil {
//				return r, nil
//			}
//		}
//		return decodeCSVClick(sp, cols, width, line)
//	}
//
//	// scanCSVClick cuts the fields of a line without quotes one by one, converting each.
//	func scanCSVClick(sp *codec.Splitter, line string) (r Click, err error) {
//		var f string
//		var i int
//		i = sp.Index(line)
//		if i < 0 {
//			return r, codec.ErrNotPlain
//		}
//		f, line = line[:i], line[i+1:]
//		r.User = f
//		if sp.Index(line) >= 0 {
//			return r, codec.ErrNotPlain
//		}
//		f = line
//		if r.N, err = codec.ParseInt(f, "n"); err != nil {
//			return r, err
//		}
//		return r, nil
//	}
//
// Most lines take the scanner, which neither fills the splitter's field slice nor
// indexes it through cols. Any line it does not decode (a quote, another number of
// columns, a field that does not convert) goes through the general decoder, so records
// and errors are exactly the general decoder's.
func (g *gen) csvPlainDecoder(rec *types.Record) string {
	ri := g.record(rec)
	general := g.csvDecoder(rec)
	scan := "scanCSV" + ri.name
	name := "decodeCSVPlain" + ri.name
	g.helper(scan, &g.decodeDecls, func() jen.Code {
		notPlain := jen.Return(jen.Id("r"), jen.Qual(g.codecPath, "ErrNotPlain"))
		body := []jen.Code{jen.Var().Id("f").String()}
		if len(rec.Fields) > 1 {
			body = append(body, jen.Var().Id("i").Int())
		}
		f := jen.Id("f")
		for k, fl := range rec.Fields {
			if k == len(rec.Fields)-1 {
				//	if sp.Index(line) >= 0 { return r, codec.ErrNotPlain }
				//	f = line
				body = append(body, jen.If(jen.Id("sp").Dot("Index").Call(jen.Id("line")).Op(">=").Lit(0)).Block(notPlain),
					jen.Id("f").Op("=").Id("line"))
			} else {
				//	i = sp.Index(line)
				//	if i < 0 { return r, codec.ErrNotPlain }
				//	f, line = line[:i], line[i+1:]
				body = append(body, jen.Id("i").Op("=").Id("sp").Dot("Index").Call(jen.Id("line")),
					jen.If(jen.Id("i").Op("<").Lit(0)).Block(notPlain),
					jen.List(jen.Id("f"), jen.Id("line")).Op("=").Id("line").Index(jen.Empty(), jen.Id("i")).Op(",").Id("line").Index(jen.Id("i").Op("+").Lit(1), jen.Empty()))
			}
			body = append(body, g.csvColumn(fl, jen.Id("r").Dot(ri.fields[k]), f)...)
		}
		body = append(body, jen.Return(jen.Id("r"), jen.Nil()))
		return docf("%s cuts the fields of a CSV line without quotes one by one, converting\neach; codec.ErrNotPlain when the line has another number of columns.", scan).Line().
			Func().Id(scan).Params(jen.Id("sp").Op("*").Qual(g.codecPath, "Splitter"), jen.Id("line").String()).
			Params(jen.Id("r").Id(ri.name), jen.Err().Error()).Block(body...)
	})
	g.helper(name, &g.decodeDecls, func() jen.Code {
		return docf("%s decodes one CSV line without a header into a %s: in one pass\nwhen the line has no quotes, else (and for any line that does not decode) with\n%s, which gives the record or the error.", name, rec.Name, general).Line().
			Func().Id(name).Params(jen.Id("sp").Op("*").Qual(g.codecPath, "Splitter"), jen.Id("cols").Index().Int(), jen.Id("width").Int(), jen.Id("line").String()).
			Params(jen.Id(ri.name), jen.Error()).Block(
			jen.If(jen.Id("sp").Dot("Plain").Call(jen.Id("line"))).Block(
				jen.If(jen.List(jen.Id("r"), jen.Err()).Op(":=").Id(scan).Call(jen.Id("sp"), jen.Id("line")), jen.Err().Op("==").Nil()).Block(
					jen.Return(jen.Id("r"), jen.Nil()))),
			jen.Return(jen.Id(general).Call(jen.Id("sp"), jen.Id("cols"), jen.Id("width"), jen.Id("line"))))
	})
	return name
}

// csvColumn converts column col into dst, the record field fl: an optional field is
// none when the column is empty.
func (g *gen) csvColumn(fl types.Field, dst, col *jen.Statement) []jen.Code {
	if o, ok := fl.Type.(*types.Optional); ok {
		inner := []jen.Code{jen.Var().Id("x").Add(g.goType(o.Elem))}
		inner = append(inner, g.csvField(o.Elem, jen.Id("x"), col, fl.Name)...)
		inner = append(inner, dst.Clone().Op("=").Qual(g.stdPath, "Some").Call(jen.Id("x")))
		return []jen.Code{jen.If(col.Clone().Op("!=").Lit("")).Block(inner...)}
	}
	return g.csvField(fl.Type, dst, col, fl.Name)
}

// csvField parses the column col into dst, of scalar type t.
func (g *gen) csvField(t types.Type, dst, col *jen.Statement, name string) []jen.Code {
	parse := func(fn string) []jen.Code {
		return []jen.Code{jen.If(jen.List(dst.Clone(), jen.Err()).Op("=").Qual(g.codecPath, fn).Call(col, jen.Lit(name)), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id("r"), jen.Err()))}
	}
	switch basicKind(t) {
	case types.String, types.Bytes:
		return []jen.Code{dst.Clone().Op("=").Add(col)}
	case types.Int:
		return parse("ParseInt")
	case types.Float:
		return parse("ParseFloat")
	case types.Bool:
		return parse("ParseBool")
	case types.Duration:
		return parse("ParseDuration")
	case types.Time:
		// ms is scoped to the if, so that a record may have several time fields.
		return []jen.Code{
			jen.If(jen.List(jen.Id("ms"), jen.Err()).Op(":=").Qual(g.codecPath, "ParseTime").Call(col, jen.Lit(name)), jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Id("r"), jen.Err())).
				Else().Block(dst.Clone().Op("=").Qual(g.rtPath, "Time").Call(jen.Id("ms"))),
		}
	}
	g.errorf(g.anyPos(), "csv cannot decode a field of type %s", t)
	return nil
}

// jsonDecoder returns the name of the JSON decoder of rec, declaring it (and the readers
// of nested records) in decode.go:
//
//	// decodeJSONClick decodes one JSON object into a Click.
//	func decodeJSONClick(d *codec.Decoder, line string) (Click, error) {
//		d.Reset(line)
//		r, err := readJSONClick(d)
//		if err != nil {
//			return r, err
//		}
//		return r, d.End()
//	}
func (g *gen) jsonDecoder(rec *types.Record) string {
	ri := g.record(rec)
	name := "decodeJSON" + ri.name
	read := g.jsonReader(rec)
	g.helper(name, &g.decodeDecls, func() jen.Code {
		return docf("%s decodes one JSON object into a %s.", name, rec.Name).Line().
			Func().Id(name).Params(jen.Id("d").Op("*").Qual(g.codecPath, "Decoder"), jen.Id("line").String()).Params(jen.Id(ri.name), jen.Error()).Block(
			jen.Id("d").Dot("Reset").Call(jen.Id("line")),
			jen.List(jen.Id("r"), jen.Err()).Op(":=").Id(read).Call(jen.Id("d")),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id("r"), jen.Err())),
			jen.Return(jen.Id("r"), jen.Id("d").Dot("End").Call()))
	})
	return name
}

// jsonReader returns the name of the function reading a JSON object into rec at the
// decoder's position:
//
//	var jsonFieldsClick = codec.NewFields("user", ...)
//
//	func readJSONClick(d *codec.Decoder) (r Click, err error) {
//		var seen uint64
//		for f := d.NextKnownField(jsonFieldsClick); f != codec.NoMoreFields; f = d.NextKnownField(jsonFieldsClick) {
//			switch f {
//			case 0:
//				// user
//				r.User, _ = d.String()
//				seen |= 1 << 0
//			default:
//				d.Skip()
//			}
//		}
//		if err := d.Err(); err != nil {
//			return r, err
//		}
//		if seen&(1<<0) == 0 {
//			return r, codec.MissingField("user")
//		}
//		return r, nil
//	}
//
// NextKnownField matches the field names for the reader, trying the declared order first
// (see codec.Decoder.NextKnownField). Value errors are sticky in the decoder and come
// out of d.Err once the loop ends.
func (g *gen) jsonReader(rec *types.Record) string {
	ri := g.record(rec)
	name := "readJSON" + ri.name
	g.helper(name, &g.decodeDecls, func() jen.Code {
		var cases []jen.Code
		var checks []jen.Code
		for k, fl := range rec.Fields {
			dst := jen.Id("r").Dot(ri.fields[k])
			stmts := g.jsonValue(fl.Type, dst, 0)
			if k < 64 {
				stmts = append(stmts, jen.Id("seen").Op("|=").Lit(1).Op("<<").Lit(k))
				if _, opt := fl.Type.(*types.Optional); !opt {
					checks = append(checks, jen.If(jen.Id("seen").Op("&").Parens(jen.Lit(1).Op("<<").Lit(k)).Op("==").Lit(0)).Block(
						jen.Return(jen.Id("r"), jen.Qual(g.codecPath, "MissingField").Call(jen.Lit(fl.Name)))))
				}
			}
			cases = append(cases, jen.Case(jen.Lit(k)).Block(append([]jen.Code{jen.Comment(fl.Name)}, stmts...)...))
		}
		cases = append(cases, jen.Default().Block(jen.Id("d").Dot("Skip").Call()))
		fields := "jsonFields" + ri.name
		var names []jen.Code
		for _, fl := range rec.Fields {
			names = append(names, jen.Lit(fl.Name))
		}
		next := jen.Id("d").Dot("NextKnownField").Call(jen.Id(fields))
		body := []jen.Code{
			jen.Var().Id("seen").Uint64(),
			jen.For(jen.Id("f").Op(":=").Add(next), jen.Id("f").Op("!=").Qual(g.codecPath, "NoMoreFields"), jen.Id("f").Op("=").Add(next.Clone())).Block(
				jen.Switch(jen.Id("f")).Block(cases...)),
			jen.If(jen.Err().Op(":=").Id("d").Dot("Err").Call(), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id("r"), jen.Err())),
		}
		body = append(body, checks...)
		body = append(body, jen.Return(jen.Id("r"), jen.Nil()))
		return docf("%s are the fields of %s, for readJSON%s.", fields, rec.Name, ri.name).Line().
			Var().Id(fields).Op("=").Qual(g.codecPath, "NewFields").Call(names...).Line().Line().
			Add(docf("%s reads a JSON object into a %s; a missing optional field is none.", name, rec.Name)).Line().
			Func().Id(name).Params(jen.Id("d").Op("*").Qual(g.codecPath, "Decoder")).Params(jen.Id("r").Id(ri.name), jen.Err().Error()).Block(body...)
	})
	return name
}

// jsonValue reads the next JSON value into dst, of type t; depth names temporaries.
func (g *gen) jsonValue(t types.Type, dst *jen.Statement, depth int) []jen.Code {
	tmp := fmt.Sprintf("x%d", depth)
	read := func(method string) []jen.Code {
		return []jen.Code{jen.List(dst.Clone(), jen.Id("_")).Op("=").Id("d").Dot(method).Call()}
	}
	switch t := t.(type) {
	case *types.Basic:
		switch t.Kind {
		case types.String:
			return read("String")
		case types.Int:
			return read("Int")
		case types.Float:
			return read("Float")
		case types.Bool:
			return read("Bool")
		case types.Duration:
			return read("Duration")
		case types.Time:
			return []jen.Code{jen.List(jen.Id(tmp), jen.Id("_")).Op(":=").Id("d").Dot("Time").Call(), dst.Clone().Op("=").Qual(g.rtPath, "Time").Call(jen.Id(tmp))}
		case types.Bytes:
			return []jen.Code{jen.List(jen.Id(tmp), jen.Id("_")).Op(":=").Id("d").Dot("Bytes").Call(), dst.Clone().Op("=").String().Call(jen.Id(tmp))}
		}
	case *types.Optional:
		//	if !d.Null() { var x0 T; <read x0>; dst = stdlib.Some(x0) }
		inner := []jen.Code{jen.Var().Id(tmp).Add(g.goType(t.Elem))}
		inner = append(inner, g.jsonValue(t.Elem, jen.Id(tmp), depth+1)...)
		inner = append(inner, dst.Clone().Op("=").Qual(g.stdPath, "Some").Call(jen.Id(tmp)))
		return []jen.Code{jen.If(jen.Op("!").Id("d").Dot("Null").Call()).Block(inner...)}
	case *types.List:
		//	for d.NextElem() { var x0 T; <read x0>; dst = append(dst, x0) }
		inner := []jen.Code{jen.Var().Id(tmp).Add(g.goType(t.Elem))}
		inner = append(inner, g.jsonValue(t.Elem, jen.Id(tmp), depth+1)...)
		inner = append(inner, dst.Clone().Op("=").Append(dst.Clone(), jen.Id(tmp)))
		return []jen.Code{jen.If(jen.Op("!").Id("d").Dot("Null").Call()).Block(jen.For(jen.Id("d").Dot("NextElem").Call()).Block(inner...))}
	case *types.Tuple:
		//	i0 := 0
		//	for d.NextElem() {
		//		switch i0 {
		//		case 0:
		//			<read dst.F1>
		//		...
		//		default:
		//			d.Skip()
		//		}
		//		i0++
		//	}
		idx := fmt.Sprintf("i%d", depth)
		var cases []jen.Code
		for k, e := range t.Elems {
			cases = append(cases, jen.Case(jen.Lit(k)).Block(g.jsonValue(e, dst.Clone().Dot(tupleField(k)), depth+1)...))
		}
		cases = append(cases, jen.Default().Block(jen.Id("d").Dot("Skip").Call()))
		return []jen.Code{jen.Id(idx).Op(":=").Lit(0), jen.For(jen.Id("d").Dot("NextElem").Call()).Block(
			jen.Switch(jen.Id(idx)).Block(cases...), jen.Id(idx).Op("++"))}
	case *types.Record:
		//	var err error; if dst, err = readJSONR(d); err != nil { return r, err }
		return []jen.Code{jen.List(dst.Clone(), jen.Id("_")).Op("=").Id(g.jsonReader(t)).Call(jen.Id("d"))}
	}
	g.errorf(g.anyPos(), "json cannot decode a field of type %s", t)
	return nil
}
