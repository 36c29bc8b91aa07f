package codegen

import (
	"fmt"
	"streamc.dev/streamc/dsl/goimport"
	"streamc.dev/streamc/dsl/spec"
	"strings"

	"github.com/dave/jennifer/jen"

	"streamc.dev/streamc/planner"
)

// genSource creates source src in newJob and describes it for the pipeline descriptor.
// Addresses and paths are expressions evaluated once: the descriptor's Address holds the
// value written in the file (evaluated at start-up), and newJob asks ctx.SourceAddress,
// which applies a --source NAME=ADDRESS override:
//
//	j.src0 = source.NewSocket(ctx.SourceAddress("lines"), source.SocketOptions{...})
//	ctx.RegisterSource("lines", j.src0)
func (g *gen) genSource(src *planner.Source) {
	n := src.Op
	c := g.ctorFn
	field := srcField(src)
	var typ, create jen.Code
	var address jen.Code = jen.Lit("")
	addrArg := func(name string) jen.Code {
		a := n.Arg(name)
		if a == nil {
			g.errorf(n.Pos, "codegen: %s has no %s argument", n.Name, name)
			return jen.Lit("")
		}
		return g.startupValue(a.Value)
	}
	logger := jen.Id("ctx").Dot("Log").Dot("With").Call(jen.Lit("source"), jen.Lit(src.Name))
	maxRate := jen.Float64().Call(jen.Id("ctx").Dot("Settings").Dot("MaxRate"))
	interval := jen.Id("ctx").Dot("Settings").Dot("Batch")
	// Receivers (stdin, socket) keep what they received in a write-ahead log under the
	// checkpoint directory, so that a restart replays it ("" without checkpoints).
	walDir := jen.Id("ctx").Dot("WALDir").Call(jen.Lit(src.Name))
	switch n.Name {
	case "queue":
		a := n.Arg("batches")
		if a == nil {
			g.errorf(n.Pos, "codegen: queue has no batches")
			return
		}
		typ = jen.Op("*").Qual(g.srcPath, "Queue").Types(g.goType(src.Elem))
		batches := c.expr(a.Value)
		create = jen.Qual(g.srcPath, "NewQueue").Call(jen.Lit(src.Name), batches)
		address = jen.Lit(g.snippet(a.Value.Pos()))
	case "stdin":
		typ = jen.Op("*").Qual(g.srcPath, "Lines")
		create = jen.Qual(g.srcPath, "Stdin").Call(jen.Qual(g.srcPath, "LinesOptions").Values(
			kv("Replay", jen.Id("ctx").Dot("Replay")), kv("MaxRate", maxRate), kv("Interval", interval), kv("Logger", logger), kv("WALDir", walDir), g.oversizeOption(src, false)))
		address = jen.Lit("-")
	case "socket":
		typ = jen.Op("*").Qual(g.srcPath, "Socket")
		address = addrArg("address")
		create = jen.Qual(g.srcPath, "NewSocket").Call(jen.Id("ctx").Dot("SourceAddress").Call(jen.Lit(src.Name)),
			jen.Qual(g.srcPath, "SocketOptions").Values(kv("MaxRate", maxRate), kv("Interval", interval), kv("Logger", logger), kv("WALDir", walDir), g.oversizeOption(src, false)))
	case "files":
		typ = jen.Op("*").Qual(g.srcPath, "Files")
		address = addrArg("path")
		create = jen.Qual(g.srcPath, "NewFiles").Call(jen.Id("ctx").Dot("SourceAddress").Call(jen.Lit(src.Name)),
			jen.Qual(g.srcPath, "FilesOptions").Values(g.filesOptions(src, logger)...))
	case "rate":
		typ = jen.Op("*").Qual(g.srcPath, "Rate")
		a := n.Arg("perSecond")
		if a == nil {
			g.errorf(n.Pos, "codegen: rate has no perSecond argument")
			return
		}
		create = jen.Qual(g.srcPath, "NewRate").Call(c.typed(a.Value), jen.Id("ctx").Dot("Settings").Dot("Batch").Dot("Milliseconds").Call(),
			jen.Qual(g.srcPath, "RateOptions").Values(g.recycleOption(src)...))
		address = jen.Lit(g.snippet(a.Value.Pos()))
	case "kafka":
		g.genKafkaSource(src)
		return
	case "goSource":
		// A source written in Go (runtime/gosource): the adapter plans each batch's
		// offsets into the batch log and registers itself.
		a := n.Arg("source")
		if a == nil {
			g.errorf(n.Pos, "codegen: goSource without its Go call")
			return
		}
		typ = jen.Op("*").Qual(goimport.SourcePackage, "Adapter").Types(g.goType(src.Elem))
		g.job.field(field, typ, fmt.Sprintf("%s is source %s: %s at %s.", field, src.Name, g.snippet(a.Value.Pos()), g.posString(n.Pos)))
		c.emit(jf(field).Op("=").Qual(goimport.SourcePackage, "New").Types(g.goType(src.Elem)).Call(
			jen.Id("ctx"), jen.Lit(src.Name), g.goSourceValue(a.Value), jen.Qual(goimport.SourcePackage, "Options").Values()))
		g.sourceInfos = append(g.sourceInfos, jen.Line().Values(kv("Name", jen.Lit(src.Name)), kv("Kind", jen.Lit(n.Name)),
			kv("Address", jen.Lit(g.snippet(a.Value.Pos()))), kv("Pos", jen.Lit(g.posString(n.Pos)))))
		return
	default:
		g.notImplemented(n)
		return
	}
	g.job.field(field, typ, fmt.Sprintf("%s is source %s: %s at %s.", field, src.Name, n.Name, g.posString(n.Pos)))
	if n.Name == "files" || n.Name == "socket" {
		// An empty address is an unset environment variable, most likely: say so rather
		// than watch nothing.
		//	if ctx.SourceAddress("files1") == "" {
		//		return nil, errors.New(`w.stream:3:1: files: the path env("INPUT") is empty: ...`)
		//	}
		what := map[string]string{"files": "path", "socket": "address"}[n.Name]
		g.failIfEmpty(jen.Id("ctx").Dot("SourceAddress").Call(jen.Lit(src.Name)), n.Pos, n.Name, what, n.Arg(what).Value.Pos(),
			"; --source "+src.Name+"=... overrides it")
	}
	// Registered under its let name, which a checkpoint saves the source's position under.
	c.emit(jf(field).Op("=").Add(create), jen.Id("ctx").Dot("RegisterSource").Call(jen.Lit(src.Name), jf(field)))
	g.sourceInfos = append(g.sourceInfos, jen.Line().Values(kv("Name", jen.Lit(src.Name)), kv("Kind", jen.Lit(n.Name)),
		kv("Address", address), kv("Pos", jen.Lit(g.posString(n.Pos)))))
}

// genOutput runs output i, in RunBatch, over the kept result of its stage:
//
//	if err := b.Output(opPrint_5_76, func() error {
//		return rt.Print(j.ctx.Stdout, b.Time, 10, j.keep1, renderTuple2_String_Int)
//	}); err != nil {
//		return err
//	}
func (g *gen) genOutput(i int, o *planner.Output) {
	n := o.Op
	s := o.Stage
	render := g.renderFunc(s.Elem)
	var call jen.Code
	var desc string
	switch n.Name {
	case "print":
		num := outputSpec(n).N // the checker fills in the default, 10
		desc = fmt.Sprintf("print(%d)", num)
		args := []jen.Code{jf("ctx").Dot("Stdout"), g.batchOf(n.Inputs[0]).Dot("Time"), jen.Lit(num), jf(keepField(s))}
		switch {
		case g.renderedBy(s) != nil: // rendered by the stage before (dictsum.go)
			call = jen.Qual(g.rtPath, "PrintRendered").Call(args...)
		case g.keepsRuns(s):
			call = jen.Qual(g.rtPath, "PrintSorted").Call(append(args, render)...)
		default:
			call = jen.Qual(g.rtPath, "Print").Call(append(args, render)...)
		}
	case "saveAsTextFiles":
		prefix, suffix := outArgField(i, "prefix"), outArgField(i, "suffix")
		var texts []string
		for _, name := range []string{"prefix", "suffix"} {
			field := outArgField(i, name)
			g.job.field(field, jen.String(), "")
			var v jen.Code = jen.Lit("")
			if a := n.Arg(name); a != nil {
				v = g.startupValue(a.Value)
				texts = append(texts, g.snippet(a.Value.Pos()))
			}
			g.ctorFn.emit(jf(field).Op("=").Add(v))
		}
		desc = "saveAsTextFiles(" + strings.Join(texts, ", ") + ")"
		call = jen.Qual(g.rtPath, "SaveAsTextFiles").Call(jf(prefix), jf(suffix), g.batchOf(n.Inputs[0]).Dot("Time"), jf(keepField(s)), render)
	case "writeTo":
		g.genWriteTo(i, o)
		return
	case "foreachBatch":
		g.genForeachBatch(i, o)
		return
	default:
		g.notImplemented(n)
		return
	}
	// b.Output retries a failed output with backoff, then fails the batch naming n.
	output := g.batchOf(n.Inputs[0]).Dot("Output").Call(g.op(n), jen.Func().Params().Error().Block(jen.Return(call)))
	g.job.run = append(g.job.run, g.whenValid(n.Inputs[0], jen.If(jen.Err().Op(":=").Add(output), jen.Err().Op("!=").Nil()).Block(
		jen.Return(jen.Err())))...)
	g.outputInfos = append(g.outputInfos, jen.Line().Values(kv("Kind", jen.Lit(n.Name)), kv("Desc", jen.Lit(desc)), kv("Pos", jen.Lit(g.posString(n.Pos)))))
}

// genMain writes main.go: the runtime version pin, the pipeline descriptor and main.
//
//	var _ rt.EnforceVersion0_1
//
//	var pipeline = &rt.Pipeline{
//		Name:       "wc",
//		SourceFile: "wc.stream",
//		Defaults:   rt.Settings{Batch: time.Second},
//		Sources:    []rt.SourceInfo{{Name: "lines", Kind: "socket", Address: "localhost:9999", Pos: "wc.stream:3:13"}},
//		Outputs:    []rt.OutputInfo{{Kind: "print", Desc: "print(10)", Pos: "wc.stream:5:70"}},
//		New:        newJob,
//	}
//
//	func main() { os.Exit(rt.Main(pipeline)) }
//
// A pipeline with the http setting links the operations server (web UI, REST API,
// Prometheus metrics: runtime/observe, with its client library) and carries its plan
// for the page's picture; one without does without them (it serves /healthz and /ready
// on --http, and says the UI is not linked):
//
//	func main() {
//		observe.Enable()
//		os.Exit(rt.Main(pipeline))
//	}
func (g *gen) genMain() {
	st := g.plan.Settings
	set := []jen.Code{kv("Batch", durationCode(st.Batch))}
	if st.Partitions > 0 {
		set = append(set, kv("Partitions", jen.Lit(st.Partitions)))
	}
	if st.Checkpoint != "" {
		set = append(set, kv("Checkpoint", jen.Lit(st.Checkpoint)))
	}
	if st.CheckpointEvery > 0 {
		set = append(set, kv("CheckpointEvery", durationCode(st.CheckpointEvery)))
	}
	if st.MaxRate > 0 {
		set = append(set, kv("MaxRate", jen.Lit(int(st.MaxRate))))
	}
	if st.Backpressure {
		set = append(set, kv("Backpressure", jen.True()))
	}
	if st.InitialRate > 0 {
		set = append(set, kv("InitialRate", jen.Lit(int(st.InitialRate))))
	}
	if st.HTTP != "" {
		set = append(set, kv("HTTP", jen.Lit(st.HTTP)))
	}
	if st.StopTimeout > 0 {
		set = append(set, kv("StopTimeout", durationCode(st.StopTimeout)))
	}
	if st.OnBadRecord.Kind != spec.BadRecordFail {
		set = append(set, kv("OnBadRecord", g.policyCode(st.OnBadRecord)))
	}
	g.mainDecls = append(g.mainDecls,
		doc("The generated code is written against this version of the runtime API.").Line().
			Var().Id("_").Qual(g.rtPath, "EnforceVersion0_1"),
		docf("pipeline describes the %s pipeline to the runtime: its settings, sources and outputs.", g.plan.Name).Line().
			Var().Id("pipeline").Op("=").Op("&").Qual(g.rtPath, "Pipeline").Values(
			jen.Line().Add(kv("Name", jen.Lit(g.plan.Name))),
			jen.Line().Add(kv("SourceFile", jen.Lit(g.opts.SourcePath))),
			jen.Line().Add(kv("Defaults", jen.Qual(g.rtPath, "Settings").Values(set...))),
			jen.Line().Add(kv("Sources", jen.Index().Qual(g.rtPath, "SourceInfo").Values(append(g.sourceInfos, jen.Line())...))),
			jen.Line().Add(kv("Outputs", jen.Index().Qual(g.rtPath, "OutputInfo").Values(append(g.outputInfos, jen.Line())...))),
			g.stateInfosField(),
			g.planField(),
			jen.Line().Add(kv("New", jen.Id("newJob"))),
			jen.Line(),
		),
	)
	run := []jen.Code{jen.Qual("os", "Exit").Call(jen.Qual(g.rtPath, "Main").Call(jen.Id("pipeline")))}
	if st.HTTP != "" {
		run = append([]jen.Code{jen.Qual(g.rtPath+"/observe", "Enable").Call()}, run...)
	}
	g.mainDecls = append(g.mainDecls, jen.Func().Id("main").Params().Block(run...))
}

// planField is the descriptor's Plan, the plan as explain prints it, which the web
// page draws; only for a pipeline that links the page (the http setting).
func (g *gen) planField() jen.Code {
	if g.plan.Settings.HTTP == "" {
		return jen.Null()
	}
	return jen.Line().Add(kv("Plan", jen.Lit(g.plan.String())))
}

// policyCode is the runtime's value of a bad-record policy.
func (g *gen) policyCode(p spec.BadRecordPolicy) jen.Code {
	kind := map[spec.BadRecordKind]string{spec.BadRecordFail: "BadRecordFail", spec.BadRecordSkip: "BadRecordSkip", spec.BadRecordDeadLetter: "BadRecordDeadLetter"}[p.Kind]
	d := []jen.Code{kv("Kind", jen.Qual(g.rtPath, kind))}
	if p.Path != "" {
		d = append(d, kv("Path", jen.Lit(p.Path)))
	}
	return jen.Qual(g.rtPath, "BadRecordPolicy").Values(d...)
}

// filesOptions are the options of a files source.
func (g *gen) filesOptions(src *planner.Source, logger jen.Code) []jen.Code {
	// Over-long lines are bad records (decode.go's oversizeOption); the stage reading
	// the source cuts its lines (textSource).
	return append([]jen.Code{kv("Replay", jen.Id("ctx").Dot("Replay")), kv("Logger", logger), g.oversizeOption(src, true), kv("Text", jen.True())}, g.recycleOption(src)...)
}

// recycleOption sets a source's Recycle option when the plan proved it.
func (g *gen) recycleOption(src *planner.Source) []jen.Code {
	if src.Recycle {
		return []jen.Code{kv("Recycle", jen.True())}
	}
	return nil
}
