package codegen

import (
	"fmt"
	"streamc.dev/streamc/dsl/spec"
	"streamc.dev/streamc/planner"
	"time"

	"github.com/dave/jennifer/jen"

	"streamc.dev/streamc/dsl/types"
)

// defaultQueryRefresh is tableQuery's refresh period when the program gives none (the
// builtins table's default).
const defaultQueryRefresh = time.Minute

// pgxPath is the import path of pgx, whose Rows the PostgreSQL scan functions take.
const pgxPath = "github.com/jackc/pgx/v5"

// lookupField names the job field of lookup n's per-partition caches.
func lookupField(n *planner.Op) string { return fmt.Sprintf("lk%d", n.ID) }

// dbConn emits, in newJob, the statements opening a handle on the pool of connection
// resource conn (a postgres(url) or sqlite(path)) into the local variable name and
// closing it at shutdown; it returns the connector's package path. Handles with equal
// settings share one pool in the process, created by the first query.
func (g *gen) dbConn(conn *spec.Resource, name string) ([]jen.Code, string, bool) {
	if conn == nil || (conn.Op != "postgres" && conn.Op != "sqlite") {
		return nil, "", false
	}
	pkg := g.connPath(conn.Op)
	return []jen.Code{
		jen.Id(name).Op(":=").Qual(pkg, "NewConn").Call(g.connConfig(conn)),
		jen.Id("ctx").Dot("OnClose").Call(jen.Id(name)),
	}, pkg, true
}

// rowsType is the type of the query results a scan function of the connector reads.
func (g *gen) rowsType(pkg string) jen.Code {
	if pkg == g.connPath("postgres") {
		return jen.Qual(pgxPath, "Rows")
	}
	return jen.Op("*").Qual("database/sql", "Rows")
}

// scanRowFunc returns the name of the function reading one result row into a record of
// type rec, columns in field order, declaring it in decode.go. Times are read as
// time.Time and optional fields through pointers (NULL is none):
//
//	func scanRowDept(rows interface{ Scan(dest ...any) error }) (r Dept, err error) {
//		err = rows.Scan(&r.ID, &r.Name)
//		return r, err
//	}
func (g *gen) scanRowFunc(rec *types.Record) string {
	ri := g.record(rec)
	name := "scanRow" + ri.name
	g.helper(name, &g.decodeDecls, func() jen.Code {
		var pre, dests, post []jen.Code
		for k, f := range rec.Fields {
			dst := jen.Id("r").Dot(ri.fields[k])
			tmp := fmt.Sprintf("c%d", k)
			ft := f.Type
			opt, isOpt := ft.(*types.Optional)
			if isOpt {
				ft = opt.Elem
			}
			goT := g.goType(ft)
			conv := func(x jen.Code) jen.Code { return x }
			if basicKind(ft) == types.Time {
				goT = jen.Qual("time", "Time")
				conv = func(x jen.Code) jen.Code { return jen.Qual(g.rtPath, "TimeOf").Call(x) }
			}
			switch {
			case isOpt:
				pre = append(pre, jen.Var().Id(tmp).Op("*").Add(goT))
				dests = append(dests, jen.Op("&").Id(tmp))
				post = append(post, jen.If(jen.Id(tmp).Op("!=").Nil()).Block(
					dst.Clone().Op("=").Add(g.goType(f.Type)).Values(kv("V", conv(jen.Op("*").Id(tmp))), kv("Ok", jen.True()))))
			case basicKind(ft) == types.Time:
				pre = append(pre, jen.Var().Id(tmp).Add(goT))
				dests = append(dests, jen.Op("&").Id(tmp))
				post = append(post, dst.Clone().Op("=").Add(conv(jen.Id(tmp))))
			default:
				dests = append(dests, jen.Op("&").Add(dst))
			}
		}
		body := append(pre, jen.If(jen.Err().Op("=").Id("rows").Dot("Scan").Call(dests...), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id("r"), jen.Err())))
		body = append(body, post...)
		body = append(body, jen.Return(jen.Id("r"), jen.Nil()))
		return docf("%s reads one result row into a %s, columns in field order.", name, rec.Name).Line().
			Func().Id(name).Params(jen.Id("rows").Interface(jen.Id("Scan").Params(jen.Id("dest").Op("...").Any()).Error())).
			Params(jen.Id("r").Id(ri.name), jen.Err().Error()).Block(body...)
	})
	return name
}

// genTableQuery builds tableQuery(conn, sql, T, key, refresh) in newJob: a table whose
// rows a query loads, before the first batch and then every refresh in the background,
// joined like a file table (joinTable and leftJoinTable read its Rows):
//
//	{
//		conn := sqlite.NewConn(sqlite.ConnConfig{Path: "ref/accounts.db"})
//		ctx.OnClose(conn)
//		j.tbl0 = sqlite.QueryTable("accounts", conn, "select ...", 30*time.Second, ctx.Log.With("table", "accounts"),
//			func(rows *sql.Rows) (string, Account, error) {
//				r, err := scanRowAccount(rows)
//				return tableQuery_7_16(r), r, err
//			})
//		ctx.Register(j.tbl0)
//	}
func (g *gen) genTableQuery(r *spec.Resource) {
	field := tableField(len(g.tables))
	g.tables[r] = field
	tt, ok := r.Type.(*types.Table)
	rec, isRec := r.Row.(*types.Record)
	ca := r.Arg("conn")
	if !ok || !isRec || r.KeyFn == nil || ca == nil || r.Arg("sql") == nil {
		g.errorf(r.Pos, "codegen: tableQuery without a connection, SQL, row record or key function")
		return
	}
	open, pkg, ok := g.dbConn(ca.Resource, "conn")
	if !ok {
		g.errorf(ca.Value.Pos(), "codegen: tableQuery's connection must be postgres(url) or sqlite(path)")
		return
	}
	name := r.Let
	if name == "" {
		name = fmt.Sprintf("table%d", len(g.tables))
	}
	key := g.lambdaFor(&planner.Op{Name: "tableQuery", Pos: r.Pos}, r.KeyFn, rec)
	if key.batch {
		g.errorf(r.KeyFn.At, "codegen: batchTime in the key function of a table")
	}
	refresh := r.Refresh
	if refresh == 0 {
		refresh = defaultQueryRefresh
	}
	kt := g.goType(tt.Key)
	g.job.field(field, jen.Op("*").Qual(g.connPath("sqlsink"), "Table").Types(kt, g.goType(rec)),
		fmt.Sprintf("%s is table %s at %s: a query's rows, reloaded every %v.", field, name, g.posString(r.Pos), refresh))
	scan := jen.Func().Params(jen.Id("rows").Add(g.rowsType(pkg))).Params(kt.Clone(), g.goType(rec), jen.Error()).Block(
		jen.List(jen.Id("r"), jen.Err()).Op(":=").Id(g.scanRowFunc(rec)).Call(jen.Id("rows")),
		jen.Return(key.call(nil, jen.Id("r")), jen.Id("r"), jen.Err()))
	stmts := append(open,
		jf(field).Op("=").Qual(pkg, "QueryTable").Call(jen.Lit(name), jen.Id("conn"), g.startupValue(r.Arg("sql").Value), durationCode(refresh),
			jen.Id("ctx").Dot("Log").Dot("With").Call(jen.Lit("table"), jen.Lit(name)), scan),
		jen.Id("ctx").Dot("Register").Call(jf(field)))
	g.ctorFn.emit(jen.Block(stmts...))
}

// lookupHead emits lookup(conn, sql, T, key) as the head of its stage (the planner
// makes it one, over its input's kept partitions). Each partition first collects the
// distinct keys of its batch, fetches them in one query on a pooled connection, then
// runs its fused loop with each element paired with its row, or none. The row a key
// selects is the one whose first column equals it.
//
//	cache := j.lk5[p]
//	cache.Reset()
//	for _, v := range j.keep0[p] {
//		cache.Add(lookup_7_10(v))
//	}
//	if err := cache.Fetch(j.ctx.Ctx); err != nil {
//		return err
//	}
//	for _, v := range j.keep0[p] {
//		row, ok := cache.Get(lookup_7_10(v))
//		v2 := stdlib.Tuple2[E, stdlib.Opt[Dept]]{F1: v, F2: stdlib.Opt[Dept]{V: row, Ok: ok}}
//		...
//	}
func (sg *stageGen) lookupHead(n *planner.Op) {
	s, g, f := sg.s, sg.g, sg.f
	if len(s.Inputs) != 1 || s.Inputs[0].Stage == nil || s.Inputs[0].Stage.Elem == nil {
		g.errorf(n.Pos, "codegen: lookup without a kept input")
		return
	}
	from := s.Inputs[0].Stage
	rec, ok := lookupSpec(n).Row.(*types.Record)
	ca := n.Arg("conn")
	sqlArg := n.Arg("sql")
	if !ok || ca == nil || sqlArg == nil || lookupSpec(n).Key == nil || len(rec.Fields) == 0 {
		g.errorf(n.Pos, "codegen: lookup without a connection, SQL, row record or key function")
		return
	}
	open, pkg, ok := g.dbConn(ca.Resource, "conn")
	if !ok {
		g.errorf(ca.Value.Pos(), "codegen: lookup's connection must be postgres(url) or sqlite(path)")
		return
	}
	elem := n.Inputs[0].Elem
	key := g.lambdaFor(n, lookupSpec(n).Key, elem)
	kt := key.result
	if !types.Identical(kt, rec.Fields[0].Type) {
		g.errorf(n.Pos, "codegen: lookup's key function returns %s, but %s's first field %s is %s", kt, rec.Name, rec.Fields[0].Name, rec.Fields[0].Type)
		return
	}
	ri := g.record(rec)
	field := lookupField(n)
	cacheType := jen.Op("*").Qual(g.connPath("sqlsink"), "LookupCache").Types(g.goType(kt), g.goType(rec))
	g.job.field(field, jen.Index().Add(cacheType), fmt.Sprintf("%s holds the per-partition caches of lookup at %s.", field, g.posString(n.Pos)))
	scan := jen.Func().Params(jen.Id("rows").Add(g.rowsType(pkg))).Params(g.goType(kt), g.goType(rec), jen.Error()).Block(
		jen.List(jen.Id("r"), jen.Err()).Op(":=").Id(g.scanRowFunc(rec)).Call(jen.Id("rows")),
		jen.Return(jen.Id("r").Dot(ri.fields[0]), jen.Id("r"), jen.Err()))
	stmts := open
	sql := g.startupValue(sqlArg.Value)
	if pkg == g.connPath("postgres") {
		stmts = append(stmts, jen.Id("lk").Op(":=").Qual(pkg, "NewLookup").Call(jen.Id("conn"), sql, scan))
	} else {
		stmts = append(stmts,
			jen.List(jen.Id("lk"), jen.Err()).Op(":=").Qual(pkg, "NewLookup").Call(jen.Id("conn"), sql, scan),
			jen.If(jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit(g.posString(n.Pos)+": lookup: %w"), jen.Err()))),
			jen.Id("ctx").Dot("OnClose").Call(jen.Id("lk")))
	}
	stmts = append(stmts,
		jf(field).Op("=").Make(jen.Index().Add(cacheType), g.partsOf(s)),
		jen.For(jen.Id("p").Op(":=").Range().Add(jf(field))).Block(jf(field).Index(jen.Id("p")).Op("=").Id("lk").Dot("Cache").Call()))
	g.ctorFn.emit(jen.Block(stmts...))

	bt := jen.Id("b").Dot("Time")
	in := jf(keepField(from)).Index(jen.Id("p"))
	cache := f.fresh("cache")
	v := f.fresh("v")
	f.emit(sg.enter(n),
		jen.Id(cache).Op(":=").Add(jf(field)).Index(jen.Id("p")),
		jen.Id(cache).Dot("Reset").Call(),
		jen.For(jen.List(jen.Id("_"), jen.Id(v)).Op(":=").Range().Add(in)).Block(jen.Id(cache).Dot("Add").Call(key.call(bt, jen.Id(v)))),
		jen.If(jen.Err().Op(":=").Id(cache).Dot("Fetch").Call(jf("ctx").Dot("Ctx")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())))
	row, okv, w := f.fresh("row"), f.fresh("ok"), f.fresh("v")
	optT := g.goType(&types.Optional{Elem: rec})
	body := []jen.Code{jen.List(jen.Id(row), jen.Id(okv)).Op(":=").Id(cache).Dot("Get").Call(key.call(bt, jen.Id(v)))}
	val := g.goType(n.Elem).Values(kv("F1", jen.Id(v)), kv("F2", optT.Values(kv("V", jen.Id(row)), kv("Ok", jen.Id(okv)))))
	body = append(body, assign(w, val, sg.chain(0, w, n.Elem))...)
	f.emit(jen.For(jen.List(jen.Id("_"), jen.Id(v)).Op(":=").Range().Add(in)).Block(body...))
}
