package codegen

import (
	"fmt"
	"slices"
	"streamc.dev/streamc/dsl/spec"

	"github.com/dave/jennifer/jen"

	"streamc.dev/streamc/dsl/builtins"
	"streamc.dev/streamc/dsl/types"
	"streamc.dev/streamc/planner"
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
func (sg *stageGen) decode(i int, n *planner.Op, v string, t types.Type) {
	g, f := sg.g, sg.f
	if t == builtins.KafkaRecord { // a Kafka record's text is its value
		if g.boolArg(n, "header") {
			g.errorf(n.Pos, "codegen: csv(header = true) on a kafka source")
			return
		}
		v, t = sg.kafkaValue(v), types.StringType
	}
	rec, ok := decodeSpec(n).Record.(*types.Record)
	if !ok {
		rec, ok = n.Elem.(*types.Record)
	}
	if !ok || basicKind(t) != types.String {
		g.errorf(n.Pos, "codegen: %s on a stream of %s", n.Name, t)
		return
	}
	bad := badField(n)
	// The chain after an outer join is generated once per kind of match: the job's
	// fields and their setup are declared the first time only.
	first := g.job.declareOnce(bad)
	if first {
		g.badRecords(bad, fmt.Sprintf("%s applies the bad-record policy of %s at %s.", bad, n.Name, g.posString(n.Pos)), g.decoderPolicy(n), n)
	}

	var call jen.Code
	var skipHeader bool
	switch n.Name {
	case "csv":
		cols, width, split := decoderField(n)+"Cols", decoderField(n)+"Width", decoderField(n)+"Split"
		header := g.boolArg(n, "header")
		skipHeader = header
		if first {
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
			if header {
				sg.csvHeader(n, rec, i)
			} else {
				idx := make([]jen.Code, len(rec.Fields))
				for k := range idx {
					idx[k] = jen.Lit(k)
				}
				g.ctorFn.emit(jf(cols).Op("=").Index().Int().Values(idx...), jf(width).Op("=").Lit(len(rec.Fields)))
			}
		}
		dec := g.csvDecoder(rec)
		if !header && len(rec.Fields) > 0 {
			dec = g.csvPlainDecoder(rec)
		}
		call = jen.Id(dec).Call(jf(split).Index(jen.Id("p")), jf(cols), jf(width), jen.Id(v))
	case "json":
		dec := decoderField(n) + "JSON"
		if first {
			g.job.field(dec, jen.Index().Qual(g.codecPath, "Decoder"), "")
			g.ctorFn.emit(jf(dec).Op("=").Make(jen.Index().Qual(g.codecPath, "Decoder"), g.partsOf(sg.s)))
		}
		call = jen.Id(g.jsonDecoder(rec)).Call(jen.Op("&").Add(jf(dec)).Index(jen.Id("p")), jen.Id(v))
	}
	w := f.fresh("v")
	rest := sg.chain(i+1, w, n.Elem)
	source := n.Name
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

// badRecords declares the job's field bad, a handler of the bad-record policy policy,
// creates it in newJob and flushes it after the stages of each batch, reporting the
// batch's count; a flush failure is reported as n's:
//
//	j.bad3 = codec.NewBadRecords(codec.Policy{...}, ctx.Settings.Checkpoint, ctx.Recovered)
//	ctx.OnClose(j.bad3)
//	...
//	if err := j.bad3.Flush(int64(b.Time)); err != nil {
//		return rt.Wrap(opCsv_19_65, err)
//	}
//	b.AddBadRecords(j.bad3.TakeNew())
//
// The checkpoint directory and whether the run resumes from it make a dead-letter file
// exactly-once per batch across restarts (runtime/codec/deadletter.go).
func (g *gen) badRecords(bad, comment string, policy jen.Code, n *planner.Op) {
	g.job.field(bad, jen.Op("*").Qual(g.codecPath, "BadRecords"), comment)
	g.ctorFn.emit(jf(bad).Op("=").Qual(g.codecPath, "NewBadRecords").Call(policy,
		jen.Id("ctx").Dot("Settings").Dot("Checkpoint"), jen.Id("ctx").Dot("Recovered")),
		jen.Id("ctx").Dot("OnClose").Call(jf(bad)))
	g.job.afterStages = append(g.job.afterStages, jen.If(jen.Err().Op(":=").Add(jf(bad)).Dot("Flush").Call(jen.Int64().Call(jen.Id("b").Dot("Time"))), jen.Err().Op("!=").Nil()).Block(
		jen.Return(jen.Qual(g.rtPath, "Wrap").Call(g.op(n), jen.Err()))),
		jen.Id("b").Dot("AddBadRecords").Call(jf(bad).Dot("TakeNew").Call()))
}

// sourceName names the source a decoder reads, for bad-record messages.
func (g *gen) sourceName(n *planner.Op) string {
	for _, src := range g.plan.Sources {
		if src.Op == n {
			return src.Name
		}
	}
	return n.Name
}

// csvHeader makes the stage read the header from the first line of the stream before
// its partitions run, so that every partition knows the columns. The decoder is the
// first operator of its stage (the checker makes it follow its source directly); the
// stage reads the source's lines (in) or, when the source has other consumers, the kept
// lines of the source's stage (j.keep0), in the same order:
//
//	if !j.dec3HasHeader {
//		for _, part := range in {
//			if len(part) > 0 {
//				first, _ := source.CutText(part[0])      (first := part[0] for lines)
//				fields, err := j.dec3Split[0].Split(first)
//				...
//				j.dec3Cols, err = codec.HeaderIndex(fields, []string{"user", "url"})
//				...
//				j.dec3Header, j.dec3HasHeader = strings.Clone(first), true
//				break
//			}
//		}
//	}
func (sg *stageGen) csvHeader(n *planner.Op, rec *types.Record, i int) {
	g := sg.g
	d := decoderField(n)
	var lines jen.Code
	// first is the partition's first line: part[0], or the first line of its first text
	// (a files source, textSource).
	first := jen.Id("first").Op(":=").Id("part").Index(jen.Lit(0))
	switch in := sg.s.Inputs; {
	case i != 0 || len(in) != 1:
	case in[0].Kind == planner.FromSource:
		lines = jen.Id("in")
		if textSource(in[0].Source) {
			first = jen.List(jen.Id("first"), jen.Id("_")).Op(":=").Qual(g.srcPath, "CutText").Call(jen.Id("part").Index(jen.Lit(0)))
		}
	case in[0].Kind == planner.FromStage && in[0].Stage.Tail != nil && in[0].Stage.Tail.Class() == builtins.ClassSource:
		lines = jf(keepField(in[0].Stage))
	}
	if lines == nil {
		g.errorf(n.Pos, "codegen: csv(header = true) does not read its source's lines")
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
		jen.For(jen.List(jen.Id("_"), jen.Id("part")).Op(":=").Range().Add(lines)).Block(
			jen.If(jen.Len(jen.Id("part")).Op("==").Lit(0)).Block(jen.Continue()),
			first,
			jen.List(jen.Id("fields"), jen.Err()).Op(":=").Add(jf(d+"Split")).Index(jen.Lit(0)).Dot("Split").Call(jen.Id("first")),
			jen.If(jen.Err().Op("!=").Nil()).Block(wrap()),
			jf(d+"Width").Op("=").Len(jen.Id("fields")),
			jen.List(jf(d+"Cols"), jen.Err()).Op("=").Qual(g.codecPath, "HeaderIndex").Call(jen.Id("fields"), jen.Index().String().Values(names...)),
			jen.If(jen.Err().Op("!=").Nil()).Block(wrap()),
			// The header outlives its batch, whose lines a files source may read the
			// next batches into (planner.Source.Recycle): it is copied.
			jf(d+"Header").Op(",").Add(jf(d+"HasHeader")).Op("=").Qual("strings", "Clone").Call(jen.Id("first")).Op(",").True(),
			jen.Break())))
}

// boolArg is a decoder's literal bool argument (false when absent).
func (g *gen) boolArg(n *planner.Op, name string) bool { return g.literalBool(n.Arg(name), name) }

// literalBool is the value of argument a, called name, which the checker evaluated as a
// constant bool (NamedArg.Const); false when a is nil (the argument is absent).
func (g *gen) literalBool(a *spec.NamedArg, name string) bool {
	if a == nil {
		return false
	}
	if v, ok := a.Const.(bool); ok {
		return v
	}
	g.errorf(a.Value.Pos(), "codegen: %s is not a constant bool", name)
	return false
}

// decoderPolicy is the codec.Policy of decoder n: its onBadRecord argument, else the
// pipeline's policy as --on-bad-record may have changed it (the runtime's and the
// codec's kinds are numbered alike):
//
//	codec.Policy{Kind: codec.PolicyKind(ctx.Settings.OnBadRecord.Kind), Path: ctx.Settings.OnBadRecord.Path}
func (g *gen) decoderPolicy(n *planner.Op) jen.Code { return g.policyValue(decodeSpec(n).OnBadRecord) }

// policyValue is the codec.Policy of an onBadRecord argument, or of the pipeline's
// policy when p is nil.
func (g *gen) policyValue(bp *spec.BadRecordPolicy) jen.Code {
	if bp == nil {
		set := jen.Id("ctx").Dot("Settings").Dot("OnBadRecord")
		return jen.Qual(g.codecPath, "Policy").Values(kv("Kind", jen.Qual(g.codecPath, "PolicyKind").Call(set.Clone().Dot("Kind"))), kv("Path", set.Clone().Dot("Path")))
	}
	p := *bp
	kind := map[spec.BadRecordKind]string{spec.BadRecordFail: "Fail", spec.BadRecordSkip: "Skip", spec.BadRecordDeadLetter: "DeadLetter"}[p.Kind]
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
//		if r.User, err = codec.ParseString(fields[cols[0]], "user"); err != nil {
//			return r, err
//		}
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
			body = append(body, g.csvColumn(fl, jen.Id("r").Dot(ri.fields[k]), col, returnErr)...)
		}
		body = append(body, jen.Return(jen.Id("r"), jen.Nil()))
		return docf("%s decodes one CSV line into a %s: field k is column cols[k] of a\nline of width columns.", name, rec.Name).Line().
			Func().Id(name).Params(jen.Id("sp").Op("*").Qual(g.codecPath, "Splitter"), jen.Id("cols").Index().Int(), jen.Id("width").Int(), jen.Id("line").String()).
			Params(jen.Id("r").Id(ri.name), jen.Err().Error()).Block(body...)
	})
	return name
}

// csvPlainDecoder returns the name of the decoder of CSV lines without a header into
// rec (the record's fields are the line's columns in order), declaring it in decode.go:
//
//	// decodeCSVPlainClick decodes one CSV line without a header into a Click: ...
//	func decodeCSVPlainClick(sp *codec.Splitter, cols []int, width int, line string) (r Click, err error) {
//		var i int
//		var f string
//		rest := line
//		d, ok := sp.ScanDelim()
//		if !ok || strings.IndexByte(rest, '"') >= 0 {
//			goto general
//		}
//		if r.User, rest, ok = codec.CutString(rest, d); !ok {
//			goto general
//		}
//		if r.N, ok = codec.LastInt(rest); !ok {
//			goto general
//		}
//		return r, nil
//	general:
//		return decodeCSVClick(sp, cols, width, line)
//	}
//
// Most lines are read in one pass, field after field, without the splitter's field
// slice or cols: int and time fields (not optional) are parsed by the cutters of
// runtime/codec in the same loop that finds their delimiter (an int by CutDigits,
// inlined, then CutInt for a negative number; a time by CutLong, which reads eight
// digits at a time: its digit loop would be 13 dependent steps); other fields are cut at
// the delimiter and converted as the general decoder converts them; string fields are
// cut and checked by CutString and LastString. The quote check
// over the whole line is there only when the record has a string field, and is one
// fast scan (cheaper than one per field); the digit loops refuse a quote themselves,
// and a quote makes any other conversion fail. Any line that pass refuses (a quote,
// another number of columns, a field outside the cutters' syntax or that does not
// convert, a delimiter the cutters cannot use) goes to the general decoder, so records
// and errors are exactly the general decoder's. The pass is in the decoder itself, not
// a function of its own: a call and a copy of the record less per line.
func (g *gen) csvPlainDecoder(rec *types.Record) string {
	ri := g.record(rec)
	general := g.csvDecoder(rec)
	name := "decodeCSVPlain" + ri.name
	g.helper(name, &g.decodeDecls, func() jen.Code {
		fail := func() jen.Code { return jen.Goto().Id("general") }
		var body []jen.Code
		var quotes, cut, ms, delim bool
		rest, d := jen.Id("rest"), jen.Id("d")
		for k, fl := range rec.Fields {
			last := k == len(rec.Fields)-1
			dst := jen.Id("r").Dot(ri.fields[k])
			switch kind := basicKind(fl.Type); {
			case kind == types.Int || kind == types.Time:
				// The digits are read up to the delimiter (or the end of the line)
				// in one loop, a time's (13 digits in epoch milliseconds) eight at a
				// time:
				//	if r.N, rest, ok = codec.CutDigits(rest, d); !ok {
				//		if r.N, rest, ok = codec.CutInt(rest, d); !ok { goto general }
				//	}
				//	if ms, rest, ok = codec.CutLong(rest, d); !ok { goto general }
				//	r.At = rt.Time(ms)
				//	if ms, ok = codec.LastInt(rest); !ok { goto general }
				//	r.Until = rt.Time(ms)
				into := dst.Clone()
				if kind == types.Time {
					into, ms = jen.Id("ms"), true
				}
				cutter := func(fn string) *jen.Statement {
					return jen.List(into.Clone(), rest.Clone(), jen.Id("ok")).Op("=").Qual(g.codecPath, fn).Call(rest.Clone(), d.Clone())
				}
				if last {
					body = append(body, jen.If(jen.List(into, jen.Id("ok")).Op("=").Qual(g.codecPath, "LastInt").Call(rest.Clone()), jen.Op("!").Id("ok")).Block(fail()))
				} else if kind == types.Time {
					// CutLong is a call, cheaper than the digit loop from about ten
					// digits on.
					delim = true
					body = append(body, jen.If(cutter("CutLong"), jen.Op("!").Id("ok")).Block(fail()))
				} else {
					// CutDigits is inlined, CutInt (a sign) is a call.
					delim = true
					body = append(body, jen.If(cutter("CutDigits"), jen.Op("!").Id("ok")).Block(
						jen.If(cutter("CutInt"), jen.Op("!").Id("ok")).Block(fail())))
				}
				if kind == types.Time {
					body = append(body, dst.Clone().Op("=").Qual(g.rtPath, "Time").Call(jen.Id("ms")))
				}
				continue
			case kind == types.String:
				// Cut and checked in one call, short fields in one pass (CutString):
				//	if r.Name, rest, ok = codec.CutString(rest, d); !ok { goto general }
				//	if r.Note, ok = codec.LastString(rest, d); !ok { goto general }
				quotes, delim = true, true
				if last {
					body = append(body, jen.If(jen.List(dst, jen.Id("ok")).Op("=").Qual(g.codecPath, "LastString").Call(rest.Clone(), d.Clone()), jen.Op("!").Id("ok")).Block(fail()))
				} else {
					body = append(body, jen.If(jen.List(dst, rest.Clone(), jen.Id("ok")).Op("=").Qual(g.codecPath, "CutString").Call(rest.Clone(), d.Clone()), jen.Op("!").Id("ok")).Block(fail()))
				}
				continue
			case kind == types.Bytes:
				quotes = true
			default:
				if o, ok := fl.Type.(*types.Optional); ok {
					ek := basicKind(o.Elem)
					quotes = quotes || ek == types.String || ek == types.Bytes
				}
			}
			delim = true
			col := jen.Id("f")
			if last {
				//	if strings.IndexByte(rest, d) >= 0 { goto general }
				body = append(body, jen.If(jen.Qual("strings", "IndexByte").Call(rest.Clone(), d.Clone()).Op(">=").Lit(0)).Block(fail()))
				col = rest.Clone()
			} else {
				//	i = strings.IndexByte(rest, d)
				//	if i < 0 { goto general }
				//	f, rest = rest[:i], rest[i+1:]
				cut = true
				body = append(body, jen.Id("i").Op("=").Qual("strings", "IndexByte").Call(rest.Clone(), d.Clone()),
					jen.If(jen.Id("i").Op("<").Lit(0)).Block(fail()),
					jen.List(jen.Id("f"), rest.Clone()).Op("=").Add(rest.Clone()).Index(jen.Empty(), jen.Id("i")).Op(",").Add(rest.Clone()).Index(jen.Id("i").Op("+").Lit(1), jen.Empty()))
			}
			body = append(body, g.csvColumn(fl, dst, col, fail)...)
		}
		// Every variable is declared before the first goto, which may not jump over
		// a declaration.
		var head []jen.Code
		if cut {
			head = append(head, jen.Var().Id("i").Int(), jen.Var().Id("f").String())
		}
		if ms {
			head = append(head, jen.Var().Id("ms").Int64())
		}
		dv := jen.Id("d")
		if !delim {
			dv = jen.Id("_")
		}
		head = append(head, jen.Id("rest").Op(":=").Id("line"),
			jen.List(dv, jen.Id("ok")).Op(":=").Id("sp").Dot("ScanDelim").Call())
		refuse := jen.Op("!").Id("ok")
		if quotes {
			//	if !ok || strings.IndexByte(rest, '"') >= 0 { goto general }
			refuse = refuse.Op("||").Qual("strings", "IndexByte").Call(rest.Clone(), jen.LitRune('"')).Op(">=").Lit(0)
		}
		head = append(head, jen.If(refuse).Block(fail()))
		body = append(append(head, body...), jen.Return(jen.Id("r"), jen.Nil()),
			jen.Id("general").Op(":"),
			jen.Return(jen.Id(general).Call(jen.Id("sp"), jen.Id("cols"), jen.Id("width"), jen.Id("line"))))
		return docf("%s decodes one CSV line without a header into a %s: in one pass,\nfield after field, when it can, else (and for any line that pass refuses) with\n%s, which gives the record or the error.", name, rec.Name, general).Line().
			Func().Id(name).Params(jen.Id("sp").Op("*").Qual(g.codecPath, "Splitter"), jen.Id("cols").Index().Int(), jen.Id("width").Int(), jen.Id("line").String()).
			Params(jen.Id("r").Id(ri.name), jen.Err().Error()).Block(body...)
	})
	return name
}

// csvColumn parses the column col into dst, of field fl's type (an empty column is none
// for an optional); fail is the statement run when the column does not convert (the
// general decoder returns the error, returnErr; the one-pass read jumps to it).
func (g *gen) csvColumn(fl types.Field, dst, col *jen.Statement, fail func() jen.Code) []jen.Code {
	if o, ok := fl.Type.(*types.Optional); ok {
		inner := []jen.Code{jen.Var().Id("x").Add(g.goType(o.Elem))}
		inner = append(inner, g.csvField(o.Elem, jen.Id("x"), col, fl.Name, fail)...)
		inner = append(inner, dst.Clone().Op("=").Qual(g.stdPath, "Some").Call(jen.Id("x")))
		return []jen.Code{jen.If(col.Clone().Op("!=").Lit("")).Block(inner...)}
	}
	return g.csvField(fl.Type, dst, col, fl.Name, fail)
}

// csvField parses the column col into dst, of scalar type t; fail as for csvColumn.
func (g *gen) csvField(t types.Type, dst, col *jen.Statement, name string, fail func() jen.Code) []jen.Code {
	parse := func(fn string) []jen.Code {
		return []jen.Code{jen.If(jen.List(dst.Clone(), jen.Err()).Op("=").Qual(g.codecPath, fn).Call(col, jen.Lit(name)), jen.Err().Op("!=").Nil()).Block(fail())}
	}
	switch basicKind(t) {
	case types.String:
		// Text only: invalid UTF-8 or a NUL byte makes a bad record (codec.ParseString).
		return parse("ParseString")
	case types.Bytes:
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
				fail()).
				Else().Block(dst.Clone().Op("=").Qual(g.rtPath, "Time").Call(jen.Id("ms"))),
		}
	}
	g.errorf(g.anyPos(), "codegen: csv cannot decode a field of type %s", t)
	return nil
}

// jsonDecoder returns the name of the JSON decoder of rec, declaring it (and the readers
// and scanners of nested records) in decode.go:
//
//	// decodeJSONClick decodes one JSON object into a Click: in one pass when its
//	// fields come in declared order, written plainly, else (and for any object that
//	// pass refuses) with the Decoder, which gives the record or the error.
//	func decodeJSONClick(d *codec.Decoder, line string) (r Click, err error) {
//		if i := scanJSONClick(line, 0, &r); codec.FastEnd(line, i) {
//			return r, nil
//		}
//		d.Reset(line)
//		if r, err = readJSONClick(d); err != nil {
//			return r, err
//		}
//		return r, d.End()
//	}
//
// The scanner (jsonScanner) exists when every field's type can be scanned
// (jsonFastable); otherwise the decoder starts at d.Reset. The scanner fills the named
// result in place: a local filled by it would then be copied out with 16-byte moves
// right after its 8-byte stores, which cannot be forwarded (about 2 ns a YSB event).
func (g *gen) jsonDecoder(rec *types.Record) string {
	ri := g.record(rec)
	name := "decodeJSON" + ri.name
	read := g.jsonReader(rec)
	g.helper(name, &g.decodeDecls, func() jen.Code {
		var fast []jen.Code
		comment := fmt.Sprintf("%s decodes one JSON object into a %s.", name, rec.Name)
		if jsonFastable(rec, map[*types.Record]bool{}) {
			fast = g.jsonScanCall(rec)
			comment = fmt.Sprintf("%s decodes one JSON object into a %s: in one pass when its\nfields come in declared order, written plainly, else (and for any object that\npass refuses) with the Decoder, which gives the record or the error.", name, rec.Name)
		}
		return doc(comment).Line().
			Func().Id(name).Params(jen.Id("d").Op("*").Qual(g.codecPath, "Decoder"), jen.Id("line").String()).Params(jen.Id("r").Id(ri.name), jen.Err().Error()).Block(append(fast,
			jen.Id("d").Dot("Reset").Call(jen.Id("line")),
			jen.If(jen.List(jen.Id("r"), jen.Err()).Op("=").Id(read).Call(jen.Id("d")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id("r"), jen.Err())),
			jen.Return(jen.Id("r"), jen.Id("d").Dot("End").Call()))...)
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
		// A nested record's own errors (a required field missing) become the
		// decoder's, which the outer reader returns:
		//	if v0, err := readJSONR(d); err != nil { d.Fail(err) } else { dst = v0 }
		v := fmt.Sprintf("v%d", depth)
		return []jen.Code{jen.If(jen.List(jen.Id(v), jen.Err()).Op(":=").Id(g.jsonReader(t)).Call(jen.Id("d")), jen.Err().Op("!=").Nil()).Block(
			jen.Id("d").Dot("Fail").Call(jen.Err())).Else().Block(dst.Clone().Op("=").Id(v))}
	}
	g.errorf(g.anyPos(), "codegen: json cannot decode a field of type %s", t)
	return nil
}

// returnErr is the statement `return r, err`: what a generated decoder does when a field
// does not convert.
func returnErr() jen.Code { return jen.Return(jen.Id("r"), jen.Err()) }

// oversizeOption creates the handler of the lines source src drops for being longer
// than the source's limit (source.DefaultMaxLineBytes) and returns the source's
// OnOversize option, which routes each such line through it (files names the file):
//
//	j.src0Bad = codec.NewBadRecords(codec.Policy{...}, ctx.Settings.Checkpoint, ctx.Recovered)
//	ctx.OnClose(j.src0Bad)
//	j.src0 = source.NewFiles(..., source.FilesOptions{..., OnOversize: j.src0Bad.OversizeInFile("logs", "app.stream:4:9", source.DefaultMaxLineBytes)})
//
// An over-long line is a bad record of whatever reads the source (oversizePolicy).
func (g *gen) oversizeOption(src *planner.Source, files bool) jen.Code {
	policy, at := g.oversizePolicy(src)
	bad := srcField(src) + "Bad"
	g.badRecords(bad, fmt.Sprintf("%s applies the bad-record policy to the lines source %s drops for their length.", bad, src.Name), g.policyValue(policy), src.Op)
	method := "OversizeReceived"
	if files {
		method = "OversizeInFile"
	}
	return kv("OnOversize", jf(bad).Dot(method).Call(jen.Lit(src.Name), jen.Lit(g.posString(at.Pos)), jen.Qual(g.srcPath, "DefaultMaxLineBytes")))
}

// oversizePolicy is the policy over-long lines of src go through, and the node they are
// reported at: when every reader of the source is a decoder (lines, csv, json) and all
// have the same onBadRecord, theirs (at the decoder, when there is one reader);
// otherwise, the source being read raw or by decoders that disagree, the pipeline's
// (at the source).
func (g *gen) oversizePolicy(src *planner.Source) (*spec.BadRecordPolicy, *planner.Op) {
	var readers []*planner.Op
	seen := map[*planner.Op]bool{}
	visit := func(n *planner.Op) {
		if n == nil || seen[n] {
			return
		}
		seen[n] = true
		if slices.Contains(n.Inputs, src.Op) {
			readers = append(readers, n)
		}
	}
	for _, s := range g.plan.Stages {
		visit(s.Head)
		for _, n := range s.Chain {
			visit(n)
		}
	}
	for _, o := range g.plan.Outputs {
		visit(o.Op)
	}
	if len(readers) == 0 {
		return nil, src.Op
	}
	for _, n := range readers {
		if n.Class() != builtins.ClassDecode {
			return nil, src.Op
		}
	}
	first := decodeSpec(readers[0]).OnBadRecord
	for _, n := range readers {
		if p := decodeSpec(n).OnBadRecord; (p == nil) != (first == nil) || (p != nil && *p != *first) {
			return nil, src.Op
		}
	}
	if len(readers) == 1 {
		return first, readers[0]
	}
	return first, src.Op
}
