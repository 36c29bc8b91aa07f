package codegen

import (
	"fmt"
	"streamc.dev/streamc/dsl/spec"
	"streamc.dev/streamc/planner"
	"time"

	"github.com/dave/jennifer/jen"

	"streamc.dev/streamc/dsl/types"
)

// defaultRefresh is table's refresh period when the program gives none (the builtins
// table's default).
const defaultRefresh = 5 * time.Minute

// tableField names the job field of a reference table.
func tableField(i int) string { return fmt.Sprintf("tbl%d", i) }

// genTables loads, in newJob, every table the stream operators join with, in the order
// the operators come, and registers it so that it refreshes in the background:
//
//	{
//		path := "ref/users.csv"
//		tbl, err := join.NewTable("users", func() (map[string]User, error) {
//			rows, err := loadCSVUser(path)
//			if err != nil {
//				return nil, err
//			}
//			m := make(map[string]User, len(rows))
//			for _, r := range rows {
//				m[table_7_40(r)] = r
//			}
//			return m, nil
//		}, 10*time.Minute, ctx.Log.With("table", "users"))
//		if err != nil {
//			return nil, fmt.Errorf("enrich.stream:7:13: table: %w", err)
//		}
//		j.tbl0 = tbl
//		ctx.Register(j.tbl0)
//	}
func (g *gen) genTables() {
	for _, s := range g.plan.Stages {
		for _, n := range s.Chain {
			if n.Name != "joinTable" && n.Name != "leftJoinTable" {
				continue
			}
			a := n.Arg("table")
			if a == nil || a.Resource == nil {
				g.errorf(n.Pos, "codegen: %s has no table", n.Name)
				continue
			}
			r := a.Resource
			if _, done := g.tables[r]; done {
				continue
			}
			if r.Op == "tableQuery" {
				g.genTableQuery(r)
				continue
			}
			if r.Op != "table" {
				g.errorf(r.Pos, "codegen: no code generation for %s (a streamc bug)", r.Op)
				g.tables[r] = ""
				continue
			}
			g.genTable(r)
		}
	}
}

func (g *gen) genTable(r *spec.Resource) {
	field := tableField(len(g.tables))
	g.tables[r] = field
	tt, ok := r.Type.(*types.Table)
	if !ok || r.KeyFn == nil || r.Arg("path") == nil {
		g.errorf(r.Pos, "codegen: table without a key function or a path")
		return
	}
	name := r.Let
	if name == "" {
		name = fmt.Sprintf("table%d", len(g.tables))
	}
	kt, row := tt.Key, tt.Row
	mapType := jen.Map(g.goType(kt)).Add(g.goType(row))
	key := g.lambdaFor(&planner.Op{Name: "table", Pos: r.Pos}, r.KeyFn, row)
	if key.batch {
		g.errorf(r.KeyFn.At, "codegen: batchTime in a table's key function, which the checker rejects")
	}
	load := g.fileLoader(row, csvPath(r.Arg("path").Value))
	refresh := r.Refresh
	if refresh == 0 {
		refresh = defaultRefresh
	}
	g.job.field(field, jen.Op("*").Qual(g.joinPath, "Table").Types(g.goType(kt), g.goType(row)),
		fmt.Sprintf("%s is table %s at %s, reloaded every %v.", field, name, g.posString(r.Pos), refresh))
	loader := jen.Func().Params().Params(mapType, jen.Error()).Block(
		jen.List(jen.Id("rows"), jen.Err()).Op(":=").Id(load).Call(jen.Id("path")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		jen.Id("m").Op(":=").Make(mapType.Clone(), jen.Len(jen.Id("rows"))),
		jen.For(jen.List(jen.Id("_"), jen.Id("r")).Op(":=").Range().Id("rows")).Block(
			jen.Id("m").Index(key.call(nil, jen.Id("r"))).Op("=").Id("r")),
		jen.Return(jen.Id("m"), jen.Nil()))
	g.ctorFn.emit(jen.Block(
		jen.Id("path").Op(":=").Add(g.startupValue(r.Arg("path").Value)),
		jen.List(jen.Id("tbl"), jen.Err()).Op(":=").Qual(g.joinPath, "NewTable").Call(jen.Lit(name), loader, durationCode(refresh),
			jen.Id("ctx").Dot("Log").Dot("With").Call(jen.Lit("table"), jen.Lit(name))),
		jen.If(jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit(g.posString(r.Pos)+": table: %w"), jen.Err()))),
		jf(field).Op("=").Id("tbl"),
		jen.Id("ctx").Dot("Register").Call(jf(field))))
}

// joinTable emits joinTable or leftJoinTable in a fused loop: a lookup in the version of
// the table the partition took when it started (no shuffle):
//
//	tbl0 := j.tbl0.Rows()          (once per partition)
//	...
//	if row, ok := tbl0[v.F1]; ok {
//		v2 := stdlib.Tuple2[K, stdlib.Tuple2[V, R]]{F1: v.F1, F2: stdlib.Tuple2[V, R]{F1: v.F2, F2: row}}
//		...
//	}
func (sg *stageGen) joinTable(i int, n *planner.Op, v string) {
	g, f := sg.g, sg.f
	a := n.Arg("table")
	if a == nil || a.Resource == nil || g.tables[a.Resource] == "" {
		return // reported by genTables
	}
	field := g.tables[a.Resource]
	sg.localOnce(field, jen.Id(field).Op(":=").Add(jf(field)).Dot("Rows").Call())
	_, inner, _ := types.KeyValue(n.Elem)
	w, row, ok := f.fresh("v"), f.fresh("row"), f.fresh("ok")
	rowVal := jen.Id(row)
	if n.Name == "leftJoinTable" {
		_, rt, _ := types.KeyValue(inner)
		rowVal = g.goType(rt).Values(kv("V", jen.Id(row)), kv("Ok", jen.Id(ok)))
	}
	f.emit(sg.enter(n))
	val := g.goType(n.Elem).Values(kv("F1", jen.Id(v).Dot("F1")), kv("F2", g.goType(inner).Values(kv("F1", jen.Id(v).Dot("F2")), kv("F2", rowVal))))
	rest := assign(w, val, sg.chain(i+1, w, n.Elem))
	if n.Name == "leftJoinTable" {
		f.emit(jen.List(jen.Id(row), jen.Id(ok)).Op(":=").Id(field).Index(jen.Id(v).Dot("F1")))
		f.emit(rest...)
		return
	}
	f.emit(jen.If(jen.List(jen.Id(row), jen.Id(ok)).Op(":=").Id(field).Index(jen.Id(v).Dot("F1")), jen.Id(ok)).Block(rest...))
}

// fileLoader returns the name of a function reading a whole file of values of type t,
// declaring it in decode.go: CSV (a record's fields or a tuple's elements in columns,
// after an optional header line naming a record's fields) or JSON lines (a record per
// line as an object, a tuple as an array). Blank lines are skipped; an error names the
// file and line.
//
//	func loadJSONTuple2_String_Int(path string) ([]stdlib.Tuple2[string, int64], error) {
//		data, err := os.ReadFile(path)
//		...
//		for i, line := range strings.Split(string(data), "\n") {
//			...
//		}
//	}
func (g *gen) fileLoader(t types.Type, csv bool) string {
	format := "JSON"
	if csv {
		format = "CSV"
	}
	name := "load" + format + g.mangle(t)
	g.helper(name, &g.decodeDecls, func() jen.Code {
		lineErr := func() jen.Code {
			return jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("%s:%d: %w"), jen.Id("path"), jen.Id("i").Op("+").Lit(1), jen.Err()))
		}
		var setup, loop []jen.Code
		loop = append(loop,
			jen.Id("line").Op("=").Qual("strings", "TrimRight").Call(jen.Id("line"), jen.Lit("\r")),
			jen.If(jen.Qual("strings", "TrimSpace").Call(jen.Id("line")).Op("==").Lit("")).Block(jen.Continue()))
		rec, isRec := t.(*types.Record)
		if csv {
			var dec string
			var width int
			if isRec {
				dec, width = g.csvDecoder(rec), len(rec.Fields)
			} else {
				dec, width = g.csvTupleDecoder(t), len(t.(*types.Tuple).Elems)
			}
			idx := make([]jen.Code, width)
			for k := range idx {
				idx[k] = jen.Lit(k)
			}
			setup = append(setup,
				jen.Id("sp").Op(":=").Qual(g.codecPath, "MustSplitter").Call(jen.Lit(",")),
				jen.List(jen.Id("cols"), jen.Id("width")).Op(":=").List(jen.Index().Int().Values(idx...), jen.Lit(width)),
				jen.Id("first").Op(":=").True())
			if isRec {
				// A first line naming the record's fields is a header: it gives the columns.
				names := make([]jen.Code, len(rec.Fields))
				for k, fl := range rec.Fields {
					names[k] = jen.Lit(fl.Name)
				}
				loop = append(loop, jen.If(jen.Id("first")).Block(
					jen.Id("first").Op("=").False(),
					jen.If(jen.List(jen.Id("fields"), jen.Err()).Op(":=").Id("sp").Dot("Split").Call(jen.Id("line")), jen.Err().Op("==").Nil()).Block(
						jen.If(jen.List(jen.Id("idx"), jen.Err()).Op(":=").Qual(g.codecPath, "HeaderIndex").Call(jen.Id("fields"), jen.Index().String().Values(names...)), jen.Err().Op("==").Nil()).Block(
							jen.List(jen.Id("cols"), jen.Id("width")).Op("=").List(jen.Id("idx"), jen.Len(jen.Id("fields"))),
							jen.Continue()))))
			} else {
				setup = setup[:len(setup)-1]
			}
			loop = append(loop,
				jen.List(jen.Id("r"), jen.Err()).Op(":=").Id(dec).Call(jen.Id("sp"), jen.Id("cols"), jen.Id("width"), jen.Id("line")),
				jen.If(jen.Err().Op("!=").Nil()).Block(lineErr()),
				jen.Id("out").Op("=").Append(jen.Id("out"), jen.Id("r")))
		} else if isRec {
			setup = append(setup, jen.Var().Id("d").Qual(g.codecPath, "Decoder"))
			loop = append(loop,
				jen.List(jen.Id("r"), jen.Err()).Op(":=").Id(g.jsonDecoder(rec)).Call(jen.Op("&").Id("d"), jen.Id("line")),
				jen.If(jen.Err().Op("!=").Nil()).Block(lineErr()),
				jen.Id("out").Op("=").Append(jen.Id("out"), jen.Id("r")))
		} else {
			setup = append(setup, jen.Var().Id("d").Qual(g.codecPath, "Decoder"))
			loop = append(loop, jen.Id("d").Dot("Reset").Call(jen.Id("line")), jen.Var().Id("r").Add(g.goType(t)))
			loop = append(loop, g.jsonValue(t, jen.Id("r"), 0)...)
			loop = append(loop,
				jen.If(jen.Err().Op(":=").Id("d").Dot("Err").Call(), jen.Err().Op("!=").Nil()).Block(lineErr()),
				jen.If(jen.Err().Op(":=").Id("d").Dot("End").Call(), jen.Err().Op("!=").Nil()).Block(lineErr()),
				jen.Id("out").Op("=").Append(jen.Id("out"), jen.Id("r")))
		}
		body := []jen.Code{
			jen.List(jen.Id("data"), jen.Err()).Op(":=").Qual("os", "ReadFile").Call(jen.Id("path")),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		}
		body = append(body, setup...)
		body = append(body, jen.Var().Id("out").Index().Add(g.goType(t)),
			jen.For(jen.List(jen.Id("i"), jen.Id("line")).Op(":=").Range().Qual("strings", "Split").Call(jen.String().Call(jen.Id("data")), jen.Lit("\n"))).Block(loop...),
			jen.Return(jen.Id("out"), jen.Nil()))
		return docf("%s reads a %s file of %s values, one per line.", name, format, t).Line().
			Func().Id(name).Params(jen.Id("path").String()).Params(jen.Index().Add(g.goType(t)), jen.Error()).Block(body...)
	})
	return name
}

// csvTupleDecoder returns the name of a function decoding one CSV line into a tuple of
// scalars, column k into element k (the shape of csvDecoder's, for initial states).
func (g *gen) csvTupleDecoder(t types.Type) string {
	name := "decodeCSV" + g.mangle(t)
	g.helper(name, &g.decodeDecls, func() jen.Code {
		tt := t.(*types.Tuple)
		body := []jen.Code{
			jen.List(jen.Id("fields"), jen.Err()).Op(":=").Id("sp").Dot("SplitN").Call(jen.Id("line"), jen.Id("width")),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id("r"), jen.Err())),
		}
		for k, e := range tt.Elems {
			body = append(body, g.csvField(e, jen.Id("r").Dot(tupleField(k)), jen.Id("fields").Index(jen.Id("cols").Index(jen.Lit(k))), fmt.Sprintf("column %d", k+1), returnErr)...)
		}
		body = append(body, jen.Return(jen.Id("r"), jen.Nil()))
		return docf("%s decodes one CSV line into a %s: element k is column cols[k].", name, t).Line().
			Func().Id(name).Params(jen.Id("sp").Op("*").Qual(g.codecPath, "Splitter"), jen.Id("cols").Index().Int(), jen.Id("width").Int(), jen.Id("line").String()).
			Params(jen.Id("r").Add(g.goType(t)), jen.Err().Error()).Block(body...)
	})
	return name
}
