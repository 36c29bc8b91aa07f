package codegen

import (
	"fmt"
	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl/goimport"
	"streamc.dev/streamc/dsl/spec"
	"strings"

	"github.com/dave/jennifer/jen"

	"streamc.dev/streamc/dsl/types"
	"streamc.dev/streamc/planner"
)

// connPath is the import path of connector package name (postgres, sqlite, kafka,
// sqlsink, filesink).
func (g *gen) connPath(name string) string { return g.rtPath + "/connector/" + name }

// sinkField names the job field of output i's sink.
func sinkField(i int) string { return fmt.Sprintf("out%dSink", i) }

// outputName is the stable name of a writeTo in its progress markers (BatchKey, the
// SQL progress table, the Kafka progress topic): the sink's let name when the sink is
// bound by a let and written to by this writeTo only, else "writeTo@" and a hash of the
// output's definition — the writeTo call and everything leading to it — as state sections
// are named (nameStates). Never its rank among the outputs: an output added before it
// would take over its markers, and a batch re-run after a restart would skip records
// the other output never wrote. Moving lines or adding other outputs keeps the name; an
// edit upstream of an unbound output gives it new markers (its re-run batches are
// written again: bind the sink with let to keep them).
func (g *gen) outputName(n *planner.Op, r *spec.Resource) string {
	if r == nil {
		return "writeTo@" + g.definitionHash(n)
	}
	uses := 0
	for _, o := range g.plan.Outputs {
		if a := o.Op.Arg("sink"); o.Op.Name == "writeTo" && a != nil && a.Resource == r {
			uses++
		}
	}
	if r.Let != "" && uses == 1 {
		return "writeTo(" + r.Let + ")"
	}
	return "writeTo@" + g.definitionHash(n)
}

// resourceValue compiles argument name of resource r, evaluated once at start-up; nil
// when the argument is not written. An address (a URL, path, brokers, topic or prefix)
// that comes out empty is an unset environment variable, most likely: newJob stops with
// the resource's position and the expression rather than connect to nothing:
//
//	url := stdlib.Env("DATABASE_URL", "")
//	if url == "" {
//		return nil, errors.New(`x.stream:4:20: postgres: the url env("DATABASE_URL") is empty (...)`)
//	}
func (g *gen) resourceValue(r *spec.Resource, name string) jen.Code {
	a := r.Arg(name)
	if a == nil {
		return nil
	}
	v := g.startupValue(a.Value)
	switch name {
	case "url", "path", "brokers", "topic", "prefix":
		if isStringLit(a.Value) {
			break // written in the program: the checker saw it
		}
		tmp := g.ctorFn.fresh(name)
		g.ctorFn.emit(jen.Id(tmp).Op(":=").Add(v))
		g.failIfEmpty(jen.Id(tmp), r.Pos, r.Op, name, a.Value.Pos(), "")
		return jen.Id(tmp)
	}
	return v
}

// failIfEmpty makes newJob stop when the address value (a source's, a sink's or a
// connection's) comes out empty, which is an unset environment variable most likely,
// naming op's position, what the address is and the expression written at exprAt:
//
//	if value == "" {
//		return nil, errors.New(`x.stream:4:20: postgres: the url env("DATABASE_URL") is empty (...)`)
//	}
func (g *gen) failIfEmpty(value jen.Code, pos diag.Pos, op, what string, exprAt diag.Pos, hint string) {
	if text := g.snippet(exprAt); text != "" {
		what += " " + text
	}
	msg := fmt.Sprintf("%s: %s: the %s is empty (give the environment variable a value, or env(...) a default%s)", g.posString(pos), op, what, hint)
	g.ctorFn.emit(jen.If(jen.Add(value).Op("==").Lit("")).Block(jen.Return(jen.Nil(), jen.Qual("errors", "New").Call(jen.Lit(msg)))))
}

// constBool is a resource's literal bool argument (false when absent).
func (g *gen) constBool(r *spec.Resource, name string) bool { return g.literalBool(r.Arg(name), name) }

// genWriteTo runs output i, writeTo(sink), over the kept result of its stage. The sink
// is built in newJob, opens nothing until the first batch writes (pools are lazy), and
// is closed at shutdown through ctx.OnClose. In RunBatch:
//
//	// postgres, sqlite: one transaction per partition with the progress row
//	if err := rt.WriteTx(b, opWriteTo_9_4, "writeTo@3f2a9c01", j.out0Sink, j.keep2); err != nil {
//		return rt.Wrap(opWriteTo_9_4, err)
//	}
//	// kafkaTopic
//	if err := kafka.Write(j.ctx, b, opWriteTo_9_4, j.out0Sink, j.keep2, kafkaMessageString); err != nil { ... }
//	// jsonFiles, csvFiles: one file per batch, replaced atomically
//	if err := b.Output(opWriteTo_9_4, func() error {
//		b.OutputRecords(rt.Len(j.keep2))
//		return filesink.Write(j.out0Sink, "jsonl", int64(b.Time), "", j.keep2, appendJSONClick)
//	}); err != nil { ... }
func (g *gen) genWriteTo(i int, o *planner.Output) {
	n, s := o.Op, o.Stage
	a := n.Arg("sink")
	if sk, ok := a.Type.(*types.Sink); a != nil && ok && sk.Kind == "go" {
		g.genGoSink(i, o, a)
		return
	}
	if a == nil || a.Resource == nil {
		g.errorf(n.Pos, "codegen: writeTo has no sink")
		return
	}
	r := a.Resource
	elem := s.Elem
	name := g.outputName(n, r)
	field := sinkField(i)
	parts := jf(keepField(s))
	op := g.op(n)
	errf := func(what string) jen.Code {
		return jen.If(jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit(g.posString(n.Pos)+": "+what+": %w"), jen.Err())))
	}
	logger := jen.Id("ctx").Dot("Log").Dot("With").Call(jen.Lit("output"), jen.Lit(name))
	var call jen.Code
	var after []jen.Code // statements after a successful call
	var desc string
	switch r.Op {
	case "postgres", "sqlite":
		pkg := g.connPath(r.Op)
		conn := g.connConfig(r)
		sql := g.resourceValue(r, "sql")
		if sql == nil {
			g.errorf(r.Pos, "codegen: %s sink without SQL", r.Op)
			return
		}
		g.job.field(field, jen.Qual(g.rtPath, "TxSink").Types(g.goType(elem)),
			fmt.Sprintf("%s is the %s sink of %s at %s.", field, r.Op, name, g.posString(n.Pos)))
		// With a checkpoint directory, markers are pruned only behind the oldest kept
		// checkpoint (PruneMarkers, called after each checkpoint).
		cfg := []jen.Code{kv("ConnConfig", conn), kv("SQL", sql), kv("Pipeline", jen.Id("ctx").Dot("Pipeline").Dot("Name")),
			kv("Output", jen.Lit(name)), kv("Log", logger),
			kv("Checkpointed", jen.Id("ctx").Dot("Settings").Dot("Checkpoint").Op("!=").Lit(""))}
		if rej := g.sqlRejects(i, n, r, name, logger); rej != nil {
			cfg = append(cfg, kv("Rejects", rej))
			//	if err := j.out0Rejects.Flush(int64(b.Time)); err != nil { return rt.Wrap(op, err) }
			//	b.AddBadRecords(j.out0Rejects.TakeNew())
			// The running batch's time and count, even when the sink writes a lagged
			// event-time batch: dead letters are committed per running batch.
			after = []jen.Code{
				jen.If(jen.Err().Op(":=").Add(rej).Dot("Flush").Call(jen.Int64().Call(jen.Id("b").Dot("Time"))), jen.Err().Op("!=").Nil()).Block(
					jen.Return(jen.Qual(g.rtPath, "Wrap").Call(op, jen.Err()))),
				jen.Id("b").Dot("AddBadRecords").Call(jen.Add(rej).Dot("TakeNew").Call()),
			}
		}
		g.ctorFn.emit(jen.Block(
			jen.List(jen.Id("sink"), jen.Err()).Op(":=").Qual(pkg, "New").Call(jen.Qual(pkg, "Config").Values(cfg...)),
			errf("writeTo"),
			jen.Id("ctx").Dot("OnClose").Call(jen.Id("sink")),
			jen.Id("ctx").Dot("OnCheckpoint").Call(jen.Id("sink").Dot("PruneMarkers")),
			jf(field).Op("=").Qual(pkg, "Tx").Call(jen.Id("sink"), jen.Id(g.sqlArgsFunc(elem)))))
		call = jen.Qual(g.rtPath, "WriteTx").Call(g.batchOf(n.Inputs[0]), op, jen.Lit(name), jf(field), parts)
		desc = fmt.Sprintf("writeTo(%s(%s))", r.Op, g.snippet(r.Arg(firstArgName(r)).Value.Pos()))
	case "kafkaTopic":
		kpkg := g.connPath("kafka")
		brokers, topic := g.resourceValue(r, "brokers"), g.resourceValue(r, "topic")
		if brokers == nil || topic == nil {
			g.errorf(r.Pos, "codegen: kafkaTopic without brokers or topic")
			return
		}
		tx := g.constBool(r, "transactional")
		cfg := []jen.Code{
			kv("Brokers", jen.Qual("strings", "Split").Call(brokers, jen.Lit(","))),
			kv("Topic", topic),
			kv("Transactional", jen.Lit(tx)),
		}
		if src := g.txKafkaSource(); tx && src != nil {
			// Consume–transform–produce: the batch's records and the source's offsets
			// commit in one transaction.
			cfg = append(cfg, kv("Source", jf(srcField(src)).Dot("Source")))
		} else if tx {
			cfg = append(cfg, kv("TransactionalID", jen.Qual(kpkg, "ProcessID").Call(
				jen.Id("ctx").Dot("Pipeline").Dot("Name"), jen.Lit(name), jen.Id("ctx").Dot("Settings").Dot("Checkpoint"))))
		}
		if tx {
			// The progress marker's identity: a batch re-run after a restart (same zero
			// time, restored from the checkpoint) is skipped once its marker committed.
			cfg = append(cfg, kv("Output", jen.Lit(name)), kv("ZeroTime", jen.Int64().Call(jen.Id("ctx").Dot("ZeroTime"))),
				kv("NoCheckpoint", jen.Id("ctx").Dot("Settings").Dot("Checkpoint").Op("==").Lit("")))
		}
		cfg = append(cfg, kv("Log", logger))
		g.job.field(field, jen.Op("*").Qual(kpkg, "Sink"), fmt.Sprintf("%s is the kafkaTopic sink of %s at %s.", field, name, g.posString(n.Pos)))
		g.ctorFn.emit(jen.Block(
			jen.List(jen.Id("sink"), jen.Err()).Op(":=").Qual(kpkg, "NewSink").Call(jen.Qual(kpkg, "SinkConfig").Values(cfg...)),
			errf("writeTo"),
			jen.Id("ctx").Dot("OnClose").Call(jen.Id("sink")),
			jf(field).Op("=").Id("sink")))
		call = jen.Qual(kpkg, "Write").Call(jf("ctx"), g.batchOf(n.Inputs[0]), op, jf(field), parts, jen.Id(g.kafkaMessageFunc(elem)))
		desc = fmt.Sprintf("writeTo(kafkaTopic(%s))", g.snippet(r.Arg("topic").Value.Pos()))
	case "jsonFiles", "csvFiles":
		prefix := g.resourceValue(r, "prefix")
		if prefix == nil {
			g.errorf(r.Pos, "codegen: %s without a prefix", r.Op)
			return
		}
		g.job.field(field, jen.String(), fmt.Sprintf("%s is the prefix of the %s of %s at %s.", field, r.Op, name, g.posString(n.Pos)))
		g.ctorFn.emit(jf(field).Op("=").Add(prefix))
		ext, header, line := "jsonl", jen.Lit(""), g.jsonAppender(elem)
		if r.Op == "csvFiles" {
			ext, line = "csv", g.csvAppender(elem)
			header = jen.Lit(csvHeader(elem))
		}
		bv := g.batchOf(n.Inputs[0])
		// The file holds every element of the batch: that is the output's record count
		// on the operations page.
		call = bv.Clone().Dot("Output").Call(op, jen.Func().Params().Error().Block(
			bv.Clone().Dot("OutputRecords").Call(jen.Qual(g.rtPath, "Len").Call(parts)),
			jen.Return(jen.Qual(g.connPath("filesink"), "Write").Call(jf(field), jen.Lit(ext), jen.Int64().Call(bv.Clone().Dot("Time")), header, parts, jen.Id(line)))))
		desc = fmt.Sprintf("writeTo(%s(%s))", r.Op, g.snippet(r.Arg("prefix").Value.Pos()))
	default:
		g.errorf(r.Pos, "codegen: no code generation for %s (a streamc bug)", r.Op)
		return
	}
	g.job.run = append(g.job.run, g.whenValid(n.Inputs[0], append([]jen.Code{jen.If(jen.Err().Op(":=").Add(call), jen.Err().Op("!=").Nil()).Block(
		jen.Return(jen.Qual(g.rtPath, "Wrap").Call(op, jen.Err())))}, after...)...)...)
	g.outputInfos = append(g.outputInfos, jen.Line().Values(kv("Kind", jen.Lit(n.Name)), kv("Desc", jen.Lit(desc)), kv("Pos", jen.Lit(g.posString(n.Pos)))))
}

// sqlRejects declares the job's field out<i>Rejects, the policy of SQL sink r for the
// rows its database rejects, when its onBadRecord is skip or deadLetter, and returns the
// field (nil under fail, the default). Its dead-letter file is exactly-once per batch
// across restarts as the decoders' are (runtime/connector/sqlsink.Rejects):
//
//	j.out0Rejects = sqlsink.NewRejects(codec.NewBadRecords(codec.Policy{...},
//		ctx.Settings.Checkpoint, ctx.Recovered), "writeTo@3f2a9c01", "x.stream:9:4", logger)
//	ctx.OnClose(j.out0Rejects)
func (g *gen) sqlRejects(i int, n *planner.Op, r *spec.Resource, name string, logger jen.Code) jen.Code {
	p := r.OnBadRecord
	if p == nil || p.Kind == spec.BadRecordFail {
		return nil
	}
	field := sinkField(i) + "Rejects"
	g.job.field(field, jen.Op("*").Qual(g.connPath("sqlsink"), "Rejects"),
		fmt.Sprintf("%s routes the rows the %s sink of %s rejects (onBadRecord %s).", field, r.Op, name, map[spec.BadRecordKind]string{spec.BadRecordSkip: "skip", spec.BadRecordDeadLetter: "deadLetter"}[p.Kind]))
	kind := map[spec.BadRecordKind]string{spec.BadRecordSkip: "Skip", spec.BadRecordDeadLetter: "DeadLetter"}[p.Kind]
	policy := []jen.Code{kv("Kind", jen.Qual(g.codecPath, kind))}
	if p.Path != "" {
		policy = append(policy, kv("Path", jen.Lit(p.Path)))
	}
	g.ctorFn.emit(jf(field).Op("=").Qual(g.connPath("sqlsink"), "NewRejects").Call(
		jen.Qual(g.codecPath, "NewBadRecords").Call(jen.Qual(g.codecPath, "Policy").Values(policy...),
			jen.Id("ctx").Dot("Settings").Dot("Checkpoint"), jen.Id("ctx").Dot("Recovered")),
		jen.Lit(name), jen.Lit(g.posString(n.Pos)), logger),
		jen.Id("ctx").Dot("OnClose").Call(jf(field)))
	return jf(field)
}

// firstArgName is the argument naming where a database resource points.
func firstArgName(r *spec.Resource) string {
	if r.Op == "sqlite" {
		return "path"
	}
	return "url"
}

// connConfig is the ConnConfig literal of a postgres or sqlite resource (a sink or a
// connection): its URL or path, maxConns and idleTimeout. Handles with equal settings
// share one pool in the process.
func (g *gen) connConfig(r *spec.Resource) jen.Code {
	pkg := g.connPath(r.Op)
	var d []jen.Code
	loc := g.resourceValue(r, firstArgName(r))
	if loc == nil {
		g.errorf(r.Pos, "codegen: %s without a %s", r.Op, firstArgName(r))
		loc = jen.Lit("")
	}
	if r.Op == "sqlite" {
		d = append(d, kv("Path", loc))
	} else {
		d = append(d, kv("URL", loc))
	}
	if v := g.resourceValue(r, "maxConns"); v != nil {
		d = append(d, kv("MaxConns", jen.Int().Call(v)))
	}
	if v := g.resourceValue(r, "idleTimeout"); v != nil {
		d = append(d, kv("IdleTimeout", v))
	}
	return jen.Qual(pkg, "ConnConfig").Values(d...)
}

// sqlFields are the Go expressions of the statement arguments of an element v of type t:
// a tuple's elements or a record's fields in order, or v itself.
func (g *gen) sqlFields(t types.Type, v *jen.Statement) ([]types.Type, []*jen.Statement) {
	switch t := t.(type) {
	case *types.Tuple:
		var xs []*jen.Statement
		for k := range t.Elems {
			xs = append(xs, v.Clone().Dot(tupleField(k)))
		}
		return t.Elems, xs
	case *types.Record:
		ri := g.record(t)
		var ts []types.Type
		var xs []*jen.Statement
		for k, f := range t.Fields {
			ts = append(ts, f.Type)
			xs = append(xs, v.Clone().Dot(ri.fields[k]))
		}
		return ts, xs
	}
	return []types.Type{t}, []*jen.Statement{v}
}

// sqlArgsFunc returns the name of the function appending the statement arguments of an
// element of type t (no reflection; times as time.Time, none as NULL), declaring it in
// job.go:
//
//	func sqlArgsTuple2_String_Int(dst []any, v stdlib.Tuple2[string, int64]) []any {
//		dst = append(dst, v.F1)
//		dst = append(dst, v.F2)
//		return dst
//	}
func (g *gen) sqlArgsFunc(t types.Type) string {
	name := "sqlArgs" + g.mangle(t)
	g.helper(name, &g.jobDecls, func() jen.Code {
		ts, xs := g.sqlFields(t, jen.Id("v"))
		var body []jen.Code
		for k, ft := range ts {
			x := xs[k]
			if o, ok := ft.(*types.Optional); ok {
				body = append(body, jen.If(x.Clone().Dot("Ok")).Block(
					jen.Id("dst").Op("=").Append(jen.Id("dst"), sqlScalar(o.Elem, x.Clone().Dot("V")))).
					Else().Block(jen.Id("dst").Op("=").Append(jen.Id("dst"), jen.Nil())))
				continue
			}
			body = append(body, jen.Id("dst").Op("=").Append(jen.Id("dst"), sqlScalar(ft, x)))
		}
		body = append(body, jen.Return(jen.Id("dst")))
		return docf("%s appends the SQL statement arguments of a %s: its fields in order.", name, t).Line().
			Func().Id(name).Params(jen.Id("dst").Index().Any(), jen.Id("v").Add(g.goType(t))).Index().Any().Block(body...)
	})
	return name
}

// sqlScalar converts a scalar to what the database drivers bind: times as time.Time.
func sqlScalar(t types.Type, x *jen.Statement) jen.Code {
	if basicKind(t) == types.Time {
		return x.Dot("Go").Call()
	}
	return x
}

// kafkaMessageFunc returns the name of the function giving an element's Kafka key and
// value: a string is the value (no key), a (string, string) pair the key and value.
func (g *gen) kafkaMessageFunc(t types.Type) string {
	name := "kafkaMessage" + g.mangle(t)
	g.helper(name, &g.jobDecls, func() jen.Code {
		var ret jen.Code
		if basicKind(t) == types.String {
			ret = jen.Return(jen.Nil(), jen.Index().Byte().Call(jen.Id("v")))
		} else {
			ret = jen.Return(jen.Index().Byte().Call(jen.Id("v").Dot("F1")), jen.Index().Byte().Call(jen.Id("v").Dot("F2")))
		}
		return docf("%s gives the Kafka key and value of a %s.", name, t).Line().
			Func().Id(name).Params(jen.Id("v").Add(g.goType(t))).Params(jen.List(jen.Id("key"), jen.Id("value")).Index().Byte()).Block(ret)
	})
	return name
}

// csvHeader is the header line of csvFiles: a record's field names; none for tuples
// and scalars.
func csvHeader(t types.Type) string {
	rec, ok := t.(*types.Record)
	if !ok {
		return ""
	}
	names := make([]string, len(rec.Fields))
	for i, f := range rec.Fields {
		names[i] = f.Name
	}
	return strings.Join(names, ",")
}

// csvAppender returns the name of the function appending an element as one CSV line
// (without the newline), declared in render.go: fields in order, text quoted as RFC
// 4180 asks, none empty, times in RFC 3339.
func (g *gen) csvAppender(t types.Type) string {
	name := "appendCSV" + g.mangle(t)
	g.helper(name, &g.renderDecls, func() jen.Code {
		ts, xs := g.sqlFields(t, jen.Id("v"))
		var body []jen.Code
		for k, ft := range ts {
			if k > 0 {
				body = append(body, jen.Id("dst").Op("=").Append(jen.Id("dst"), jen.LitRune(',')))
			}
			x := xs[k]
			if o, ok := ft.(*types.Optional); ok {
				body = append(body, jen.If(x.Clone().Dot("Ok")).Block(g.csvScalar(o.Elem, x.Clone().Dot("V"))))
				continue
			}
			body = append(body, g.csvScalar(ft, x))
		}
		body = append(body, jen.Return(jen.Id("dst")))
		return docf("%s appends a %s as one CSV line.", name, t).Line().
			Func().Id(name).Params(jen.Id("dst").Index().Byte(), jen.Id("v").Add(g.goType(t))).Index().Byte().Block(body...)
	})
	return name
}

func (g *gen) csvScalar(t types.Type, x *jen.Statement) jen.Code {
	set := func(v jen.Code) jen.Code { return jen.Id("dst").Op("=").Add(v) }
	switch basicKind(t) {
	case types.String, types.Bytes:
		return set(jen.Qual(g.connPath("filesink"), "AppendCSVField").Call(jen.Id("dst"), x))
	case types.Duration:
		return set(jen.Qual(g.connPath("filesink"), "AppendCSVField").Call(jen.Id("dst"), x.Dot("String").Call()))
	}
	return set(g.scalarAppend(t, x))
}

// scalarAppend appends a number, bool or time as text (times in RFC 3339, UTC).
func (g *gen) scalarAppend(t types.Type, x *jen.Statement) jen.Code {
	switch basicKind(t) {
	case types.Int:
		return jen.Qual("strconv", "AppendInt").Call(jen.Id("dst"), x, jen.Lit(10))
	case types.Float:
		return jen.Qual(g.rtPath, "AppendFloat").Call(jen.Id("dst"), x)
	case types.Bool:
		return jen.Qual("strconv", "AppendBool").Call(jen.Id("dst"), x)
	case types.Time:
		return jen.Qual(g.rtPath, "AppendTime").Call(jen.Id("dst"), x.Dot("Go").Call())
	}
	return jen.Qual(g.rtPath, "AppendString").Call(jen.Id("dst"), jen.Qual("fmt", "Sprint").Call(x))
}

// jsonAppender returns the name of the function appending an element as one JSON value
// (jsonFiles), declared in render.go: a record as an object by field name, a tuple or
// list as an array, none as null, a time as an RFC 3339 string, a duration as Go
// writes it.
func (g *gen) jsonAppender(t types.Type) string {
	name := "appendJSON" + g.mangle(t)
	g.helper(name, &g.renderDecls, func() jen.Code {
		body := append(g.jsonValueAppend(t, jen.Id("v"), 0), jen.Return(jen.Id("dst")))
		return docf("%s appends a %s as JSON.", name, t).Line().
			Func().Id(name).Params(jen.Id("dst").Index().Byte(), jen.Id("v").Add(g.goType(t))).Index().Byte().Block(body...)
	})
	return name
}

func (g *gen) jsonValueAppend(t types.Type, x *jen.Statement, depth int) []jen.Code {
	set := func(v jen.Code) jen.Code { return jen.Id("dst").Op("=").Add(v) }
	lit := func(s string) jen.Code { return set(jen.Append(jen.Id("dst"), jen.Lit(s).Op("..."))) }
	str := func(v jen.Code) jen.Code {
		return set(jen.Qual(g.codecPath, "AppendJSONString").Call(jen.Id("dst"), v))
	}
	switch t := t.(type) {
	case *types.Basic:
		switch t.Kind {
		case types.String, types.Bytes:
			return []jen.Code{str(x)}
		case types.Duration:
			return []jen.Code{str(x.Dot("String").Call())}
		case types.Time:
			return []jen.Code{lit(`"`), set(g.scalarAppend(t, x)), lit(`"`)}
		case types.Float:
			// JSON has no NaN or infinities.
			return []jen.Code{jen.If(jen.Qual("math", "IsNaN").Call(x).Op("||").Qual("math", "IsInf").Call(x, jen.Lit(0))).Block(lit("null")).
				Else().Block(set(jen.Qual("strconv", "AppendFloat").Call(jen.Id("dst"), x, jen.LitByte('g'), jen.Lit(-1), jen.Lit(64))))}
		case types.Unit:
			return []jen.Code{lit("null")}
		}
		return []jen.Code{set(g.scalarAppend(t, x))}
	case *types.Optional:
		return []jen.Code{jen.If(x.Clone().Dot("Ok")).Block(g.jsonValueAppend(t.Elem, x.Clone().Dot("V"), depth+1)...).Else().Block(lit("null"))}
	case *types.List:
		e, i := fmt.Sprintf("e%d", depth), fmt.Sprintf("i%d", depth)
		return []jen.Code{lit("["),
			jen.For(jen.List(jen.Id(i), jen.Id(e)).Op(":=").Range().Add(x)).Block(append([]jen.Code{
				jen.If(jen.Id(i).Op(">").Lit(0)).Block(lit(","))}, g.jsonValueAppend(t.Elem, jen.Id(e), depth+1)...)...),
			lit("]")}
	case *types.Tuple:
		out := []jen.Code{lit("[")}
		for k, e := range t.Elems {
			if k > 0 {
				out = append(out, lit(","))
			}
			out = append(out, g.jsonValueAppend(e, x.Clone().Dot(tupleField(k)), depth+1)...)
		}
		return append(out, lit("]"))
	case *types.Record:
		ri := g.record(t)
		out := []jen.Code{}
		if len(t.Fields) == 0 {
			out = append(out, lit("{"))
		}
		for k, f := range t.Fields {
			sep := ","
			if k == 0 {
				sep = "{"
			}
			// Field names are identifiers: they need no escaping.
			out = append(out, lit(sep+`"`+f.Name+`":`))
			out = append(out, g.jsonValueAppend(f.Type, x.Clone().Dot(ri.fields[k]), depth+1)...)
		}
		return append(out, lit("}"))
	}
	g.errorf(g.anyPos(), "codegen: jsonFiles cannot write values of type %s", t)
	return nil
}

// genGoSink runs output i, writeTo of a sink written in Go (runtime/sink): its pool,
// made in newJob, opens connections lazily, reuses them across partitions and batches,
// bounds them by maxConns and closes them when idle and at shutdown; each batch writes
// its partitions in parallel, each once per Batch.Key, with retries:
//
//	j.out0Pool = sink.NewPool[T](ctx, "writeTo@3f2a9c01", hooks.Webhook[T](url), sink.Options{MaxConns: 4})
//
//	if err := sink.Output(b, opWriteTo_9_4, j.out0Pool, j.keep2); err != nil {
//		return err
//	}
func (g *gen) genGoSink(i int, o *planner.Output, a *spec.NamedArg) {
	n, s := o.Op, o.Stage
	elem := s.Elem
	name := g.outputName(n, nil)
	field := fmt.Sprintf("out%dPool", i)
	pkg := goimport.SinkPackage
	g.job.field(field, jen.Op("*").Qual(pkg, "Pool").Types(g.goType(elem)),
		fmt.Sprintf("%s holds the connections of the Go sink of %s at %s.", field, name, g.posString(n.Pos)))
	var opts []jen.Code
	if x := n.Arg("maxConns"); x != nil {
		opts = append(opts, kv("MaxConns", jen.Int().Call(g.startupValue(x.Value))))
	}
	if x := n.Arg("idleTimeout"); x != nil {
		opts = append(opts, kv("IdleTimeout", g.startupValue(x.Value)))
	}
	g.ctorFn.emit(jf(field).Op("=").Qual(pkg, "NewPool").Types(g.goType(elem)).Call(
		jen.Id("ctx"), jen.Lit(name), g.goSinkValue(a.Value, elem), jen.Qual(pkg, "Options").Values(opts...)))
	call := jen.Qual(pkg, "Output").Call(g.batchOf(n.Inputs[0]), g.op(n), jf(field), jf(keepField(s)))
	g.job.run = append(g.job.run, g.whenValid(n.Inputs[0], jen.If(jen.Err().Op(":=").Add(call), jen.Err().Op("!=").Nil()).Block(
		jen.Return(jen.Err())))...)
	desc := "writeTo(" + g.snippet(a.Value.Pos()) + ")"
	g.outputInfos = append(g.outputInfos, jen.Line().Values(kv("Kind", jen.Lit(n.Name)), kv("Desc", jen.Lit(desc)), kv("Pos", jen.Lit(g.posString(n.Pos)))))
}

// genForeachBatch runs output i, foreachBatch(pkg.F): F gets the batch time and all the
// batch's elements once per batch, under the output's retries:
//
//	if err := sink.ForeachBatch(b, opForeachBatch_9_4, alerts.Notify[T], j.keep2); err != nil {
//		return err
//	}
func (g *gen) genForeachBatch(i int, o *planner.Output) {
	n, s := o.Op, o.Stage
	sp := outputSpec(n)
	if sp.Go == nil {
		g.errorf(n.Pos, "codegen: foreachBatch without its Go function")
		return
	}
	fun := jen.Qual(sp.GoPkg.Path, sp.Go.Name)
	if sp.Go.Generic {
		fun = fun.Types(g.goType(s.Elem))
	}
	call := jen.Qual(goimport.SinkPackage, "ForeachBatch").Call(g.batchOf(n.Inputs[0]), g.op(n), fun, jf(keepField(s)))
	g.job.run = append(g.job.run, g.whenValid(n.Inputs[0], jen.If(jen.Err().Op(":=").Add(call), jen.Err().Op("!=").Nil()).Block(
		jen.Return(jen.Err())))...)
	desc := "foreachBatch(" + sp.GoPkg.Name + "." + sp.Go.Name + ")"
	g.outputInfos = append(g.outputInfos, jen.Line().Values(kv("Kind", jen.Lit(n.Name)), kv("Desc", jen.Lit(desc)), kv("Pos", jen.Lit(g.posString(n.Pos)))))
}
