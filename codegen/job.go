package codegen

import (
	"fmt"
	"slices"

	"github.com/dave/jennifer/jen"

	"streamc.dev/streamc/dsl/builtins"
	"streamc.dev/streamc/dsl/types"
	"streamc.dev/streamc/planner"
)

// jobGen collects the parts of job.go while the stages are generated: the job struct's
// fields, the constructor's statements, RunBatch's statements and the stage methods.
type jobGen struct {
	fields  []jen.Code
	ctor    []jen.Code
	run     []jen.Code
	methods []jen.Code
	opVars  []jen.Code
	// afterStages run once every stage is done, before the outputs (bad-record flushes).
	afterStages []jen.Code
	opNames     map[*planner.Op]string
	// lambdas caches the Go function of each lambda (reduceByKey's f serves both sides).
	lambdas lambdaMemo
	// declared holds the names declareOnce has seen.
	declared map[string]bool
}

// declareOnce reports whether name is asked for the first time. An operator whose code
// can be generated more than once (the chain after an outer join runs in each of its
// match loops) declares its job fields and their setup only the first time.
func (jg *jobGen) declareOnce(name string) bool {
	if jg.declared[name] {
		return false
	}
	if jg.declared == nil {
		jg.declared = map[string]bool{}
	}
	jg.declared[name] = true
	return true
}

// field adds a field to the job struct.
func (jg *jobGen) field(name string, typ jen.Code, comment string) {
	f := jen.Id(name).Add(typ)
	if comment != "" {
		f = doc(comment).Line().Add(f)
	}
	jg.fields = append(jg.fields, f)
}

// op returns the package-level rt.Op variable naming n, declaring it on first use:
//
//	opMap_5_20 = rt.Op{Pos: "wc.stream:5:20", Name: "map"}
func (g *gen) op(n *planner.Op) *jen.Statement {
	if name, ok := g.job.opNames[n]; ok {
		return jen.Id(name)
	}
	name := g.globalFresh(fmt.Sprintf("op%s_%d_%d", exported(n.Name), n.Pos.Line, n.Pos.Col))
	g.job.opNames[n] = name
	g.job.opVars = append(g.job.opVars, jen.Id(name).Op("=").Qual(g.rtPath, "Op").Values(kv("Pos", jen.Lit(g.posString(n.Pos))), kv("Name", jen.Lit(n.Name))))
	return jen.Id(name)
}

// Names of the job's fields, by stage, exchange and source number.
func partsField(s *planner.Stage) string         { return fmt.Sprintf("n%d", s.ID) }
func keepField(s *planner.Stage) string          { return fmt.Sprintf("keep%d", s.ID) }
func exField(x *planner.Exchange) string         { return fmt.Sprintf("x%d", x.ID) }
func combField(x *planner.Exchange) string       { return fmt.Sprintf("comb%d", x.ID) }
func mergeField(s *planner.Stage) string         { return fmt.Sprintf("merge%d", s.ID) }
func bufField(s *planner.Stage) string           { return fmt.Sprintf("buf%d", s.ID) }
func srcField(src *planner.Source) string        { return fmt.Sprintf("src%d", src.ID) }
func stageMethod(s *planner.Stage) string        { return fmt.Sprintf("stage%d", s.ID) }
func exBufField(x *planner.Exchange) string      { return fmt.Sprintf("part%d", x.ID) }
func outArgField(i int, name string) string      { return fmt.Sprintf("out%d%s", i, exported(name)) }
func badField(n *planner.Op) string              { return fmt.Sprintf("bad%d", n.ID) }
func decoderField(n *planner.Op) string          { return fmt.Sprintf("dec%d", n.ID) }
func jf(name string) *jen.Statement              { return jen.Id("j").Dot(name) }
func stageOpsVar(s *planner.Stage) string        { return fmt.Sprintf("stage%dOps", s.ID) }
func (g *gen) partsOf(s *planner.Stage) jen.Code { return jf(partsField(s)) }

// genJob writes job.go: the job struct, newJob, RunBatch, one method per stage and the
// outputs. For word count it produces (abridged):
//
//	type job struct {
//		ctx  *rt.Context
//		n0   int
//		src0 *source.Queue[string]
//		x0   *rt.Exchange[stdlib.Tuple2[string, int64]]
//		...
//	}
//
//	func newJob(ctx *rt.Context) (rt.Job, error) { j := &job{ctx: ctx}; ...; return j, nil }
//
//	func (j *job) RunBatch(b *rt.Batch) error {
//		if err := j.stage0(b); err != nil {
//			return err
//		}
//		...
//		if err := b.Output(opPrint_5_76, func() error {
//			return rt.Print(j.ctx.Stdout, b.Time, 10, j.keep1, renderTuple2_String_Int)
//		}); err != nil {
//			return err
//		}
//		return nil
//	}
func (g *gen) genJob() {
	g.job = &jobGen{opNames: map[*planner.Op]string{}, lambdas: lambdaMemo{}}
	jg := g.job
	jg.field("ctx", jen.Op("*").Qual(g.rtPath, "Context"), "")

	ctorFn := g.newFn()
	g.ctorFn = ctorFn
	views := g.genClocks()
	for _, s := range g.plan.Stages {
		g.stageParts(s)
	}
	for _, src := range g.plan.Sources {
		g.genSource(src)
	}
	for _, x := range g.plan.Exchanges {
		if g.dictSumFrom(x) != nil {
			g.declareDictSum(x) // no exchange: see dictSum
			continue
		}
		if g.dictReplaces(x) {
			continue // the reduce side's sums go to the state in the dictionary
		}
		// x0 = rt.NewExchange[T](j.n0, j.n1)
		comment := fmt.Sprintf("%s carries %s from stage %d to stage %d (%s).", exField(x), x.Elem, x.From.ID, x.To.ID, x.Mode)
		if c := g.idChainOf(x.To); c != nil && (x == c.in || x == c.out) {
			comment = fmt.Sprintf("%s carries %s, keys as ids of the state's dictionary, from stage %d to stage %d (%s).", exField(x), x.Elem, x.From.ID, x.To.ID, x.Mode)
		}
		jg.field(exField(x), jen.Op("*").Qual(g.rtPath, "Exchange").Types(g.exchangeElem(x)), comment)
		ctorFn.emit(jf(exField(x)).Op("=").Qual(g.rtPath, "NewExchange").Types(g.exchangeElem(x)).Call(g.partsOf(x.From), g.partsOf(x.To)))
	}
	for _, s := range g.plan.Stages {
		if x := g.renderedBy(s); x != nil {
			t := jen.Index().Qual(g.rtPath, "Rendered")
			jg.field(keepField(s), t, fmt.Sprintf("%s is the result of stage %d, rendered for print by the partitions of stage %d.", keepField(s), s.ID, x.From.ID))
			ctorFn.emit(jf(keepField(s)).Op("=").Make(t.Clone(), g.partsOf(x.From)))
		} else if g.keepsRuns(s) {
			t := jen.Index().Qual(g.rtPath, "SortedRuns").Types(g.goType(s.Elem))
			jg.field(keepField(s), t, fmt.Sprintf("%s is the kept result of stage %d, per partition: sorted runs, merged as print renders them.", keepField(s), s.ID))
			ctorFn.emit(jf(keepField(s)).Op("=").Make(t.Clone(), g.partsOf(s)))
		} else if s.Keep {
			jg.field(keepField(s), jen.Index().Index().Add(g.goType(s.Elem)), fmt.Sprintf("%s is the kept result of stage %d, per partition.", keepField(s), s.ID))
			ctorFn.emit(jf(keepField(s)).Op("=").Make(jen.Index().Index().Add(g.goType(s.Elem)), g.partsOf(s)))
		}
	}
	g.genTables()
	for _, s := range g.plan.Stages {
		if g.renderedBy(s) != nil {
			continue // its result is rendered by the stage before it (dictsum.go)
		}
		g.genStage(s)
		call := jen.If(jen.Err().Op(":=").Id("j").Dot(stageMethod(s)).Call(g.batchOf(s.Tail)), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))
		jg.run = append(jg.run, g.whenValid(g.stageInput(s), call)...)
	}
	if len(jg.afterStages) > 0 {
		// The dead letters are written outside the process: like the outputs, they
		// wait until the batch's input is durable in the batch log.
		//
		//	if err := b.Logged(); err != nil {
		//		return err
		//	}
		jg.run = append(jg.run, jen.If(jen.Err().Op(":=").Id("b").Dot("Logged").Call(), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())))
		jg.run = append(jg.run, jg.afterStages...)
	}
	for i, o := range g.plan.Outputs {
		g.genOutput(i, o)
	}
	jg.run = append(jg.run, jen.Return(jen.Nil()))
	jg.run = append(views, jg.run...)
	if g.needBT {
		// Function values built once in newJob (a window's reduce function, a filter)
		// read the batch time from the job.
		jg.field("bt", jen.Qual(g.rtPath, "Time"), "bt is the time of the batch being computed, for the functions built in newJob.")
		jg.run = append([]jen.Code{jf("bt").Op("=").Id("b").Dot("Time")}, jg.run...)
	}
	if m := g.drainMethod(); m != nil {
		jg.methods = append(jg.methods, m)
	}

	var decls []jen.Code
	if len(jg.opVars) > 0 {
		decls = append(decls, doc("The operators that can fail at run time, named by their position in the .stream file.").Line().
			Var().Defs(jg.opVars...))
	}
	decls = append(decls,
		doc("job holds what a run needs from batch to batch: sources, exchanges, kept results\nand per-partition buffers, allocated once in newJob and reused.").Line().
			Type().Id("job").Struct(jg.fields...),
		doc("newJob builds the job for one run: it evaluates the sources' arguments once,\ncreates and registers the sources and allocates the buffers.").Line().
			Func().Id("newJob").Params(jen.Id("ctx").Op("*").Qual(g.rtPath, "Context")).Params(jen.Qual(g.rtPath, "Job"), jen.Error()).
			Block(append(append([]jen.Code{jen.Id("j").Op(":=").Op("&").Id("job").Values(kv("ctx", jen.Id("ctx")))}, ctorFn.stmts...), jen.Return(jen.Id("j"), jen.Nil()))...),
		doc("RunBatch computes one batch: the stages in order, then the outputs in the order written.").Line().
			Func().Params(jen.Id("j").Op("*").Id("job")).Id("RunBatch").Params(jen.Id("b").Op("*").Qual(g.rtPath, "Batch")).Error().Block(jg.run...),
	)
	decls = append(decls, jg.methods...)
	g.jobDecls = append(decls, g.jobDecls...)
}

// stageParts declares a stage's partition count and computes it in newJob:
//
//	j.n0 = ctx.Settings.Partitions     (default)
//	j.n1 = 4                           (fixed)
//	j.n2 = j.n0                        (same as its input)
//	j.n3 = j.n1 + j.n2                 (union)
func (g *gen) stageParts(s *planner.Stage) {
	g.job.field(partsField(s), jen.Int(), "")
	var v jen.Code
	switch s.Parts.Kind {
	case planner.PartsDefault:
		v = jen.Id("ctx").Dot("Settings").Dot("Partitions")
	case planner.PartsFixed:
		v = jen.Lit(s.Parts.N)
	case planner.PartsSame:
		v = jen.Lit(1)
		for _, in := range s.Inputs {
			if in.Kind == planner.FromStage {
				v = g.partsOf(in.Stage)
			}
		}
	case planner.PartsWindow:
		//	j.n2 = j.n1 * int(j.spec5.Length/j.spec5.Interval)
		spec := g.windowSpec(s.Head)
		v = jen.Add(g.partsOf(s.Inputs[0].Stage)).Op("*").Int().Call(jf(spec).Dot("Length").Op("/").Add(jf(spec)).Dot("Interval"))
	case planner.PartsSum:
		var sum *jen.Statement
		for _, in := range s.Inputs {
			if in.Kind != planner.FromStage {
				continue
			}
			if sum == nil {
				sum = jen.Add(g.partsOf(in.Stage))
			} else {
				sum = sum.Op("+").Add(g.partsOf(in.Stage))
			}
		}
		v = sum
	}
	g.ctorFn.emit(jf(partsField(s)).Op("=").Add(v))
}

// stageGen generates one stage's method.
type stageGen struct {
	g   *gen
	s   *planner.Stage
	f   *fn
	ops []*planner.Op
	// pre runs before the partitions (source reads, exchange resets); setup and flush
	// run in each partition before and after its loop; preLoop runs after pre, once the
	// input is known.
	pre, preLoop, setup, flush []jen.Code
	// post runs after the partitions, on one goroutine.
	post         []jen.Code
	keepDeclared bool
}

// opIndex returns the index of n in the stage's rt.GuardFused table.
func (sg *stageGen) opIndex(n *planner.Op) int {
	for i, o := range sg.ops {
		if o == n {
			return i
		}
	}
	sg.ops = append(sg.ops, n)
	return len(sg.ops) - 1
}

// enter returns the statement that marks n as the running operator.
func (sg *stageGen) enter(n *planner.Op) jen.Code {
	return jen.Id("cur").Op("=").Lit(sg.opIndex(n))
}

// genStage writes the method of stage s:
//
//	// stage0 runs flatMap -> map and the map side of x0, per partition of source lines.
//	func (j *job) stage0(b *rt.Batch) error {
//		in, err := j.src0.Batch(int64(b.Time), j.n0)
//		if err != nil {
//			return rt.Wrap(opQueue_4_13, err)
//		}
//		b.AddInput(rt.Len(in))
//		j.x0.Reset()
//		return b.Parallel(j.n0, func(p int) (err error) {
//			cur := 0
//			defer rt.GuardFused(stage0Ops, &cur, &err)
//			comb0 := j.comb0[p]
//			comb0.Reset()
//			for _, v := range in[p] {
//				cur = 0
//				for _, v2 := range flatMap_5_15(v) {
//					...
//				}
//			}
//			out0 := j.x0.Out(p)
//			...
//			return nil
//		})
//	}
func (g *gen) genStage(s *planner.Stage) {
	sg := &stageGen{g: g, s: s, f: g.newFn()}
	for _, name := range stageLocals {
		sg.f.taken[name] = true
	}
	sg.f.batchTime = jen.Id("b").Dot("Time")
	if s.Head != nil {
		sg.opIndex(s.Head)
	} else if len(s.Chain) > 0 {
		sg.opIndex(s.Chain[0])
	} else if s.Tail != nil {
		sg.opIndex(s.Tail)
	}
	for _, x := range s.Out {
		// An exchange is emptied by the stage that fills it, before it does.
		if !g.dictReplaces(x) {
			sg.pre = append(sg.pre, jf(exField(x)).Dot("Reset").Call())
		}
	}
	body := sg.f.sub(func() { sg.produce() })
	var fnBody []jen.Code
	fnBody = append(fnBody,
		jen.Id("cur").Op(":=").Lit(0),
		jen.Defer().Qual(g.rtPath, "GuardFused").Call(jen.Id(stageOpsVar(s)), jen.Op("&").Id("cur"), jen.Op("&").Err()))
	fnBody = append(fnBody, sg.setup...)
	fnBody = append(fnBody, body...)
	fnBody = append(fnBody, sg.flush...)
	fnBody = append(fnBody, jen.Return(jen.Nil()))

	var stmts []jen.Code
	stmts = append(stmts, sg.pre...)
	stmts = append(stmts, sg.preLoop...)
	parallel := jen.Id("b").Dot("Parallel").Call(g.partsOf(s),
		jen.Func().Params(jen.Id("p").Int()).Params(jen.Err().Error()).Block(fnBody...))
	if len(sg.post) == 0 {
		stmts = append(stmts, jen.Return(parallel))
	} else {
		stmts = append(stmts, jen.If(jen.Err().Op(":=").Add(parallel), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())))
		stmts = append(stmts, sg.post...)
		stmts = append(stmts, jen.Return(jen.Nil()))
	}

	ops := make([]jen.Code, len(sg.ops))
	for i, n := range sg.ops {
		ops[i] = g.op(n)
	}
	g.job.methods = append(g.job.methods,
		docf("%s lists the operators of stage %d, for rt.GuardFused.", stageOpsVar(s), s.ID).Line().
			Var().Id(stageOpsVar(s)).Op("=").Index().Qual(g.rtPath, "Op").Values(ops...),
		doc(g.describeStage(s)).Line().
			Func().Params(jen.Id("j").Op("*").Id("job")).Id(stageMethod(s)).Params(jen.Id("b").Op("*").Qual(g.rtPath, "Batch")).Error().Block(stmts...))
}

// describeStage is the comment above a stage's method.
func (g *gen) describeStage(s *planner.Stage) string {
	// Appended to one buffer: a stage may fuse thousands of operators.
	d := fmt.Appendf(nil, "%s computes stage %d", stageMethod(s), s.ID)
	if s.Cut != "" {
		d = fmt.Appendf(d, " (%s)", s.Cut)
	}
	d = append(d, ':')
	if s.Head != nil {
		d = fmt.Appendf(d, " %s at %d:%d;", s.Head.Name, s.Head.Pos.Line, s.Head.Pos.Col)
	}
	for _, n := range s.Chain {
		d = fmt.Appendf(d, " %s at %d:%d;", n.Name, n.Pos.Line, n.Pos.Col)
	}
	for _, x := range s.Out {
		if g.dictSumFrom(x) != nil {
			d = fmt.Appendf(d, " adds into %s for %s at %d:%d;", dictField(x), x.Op.Name, x.Op.Pos.Line, x.Op.Pos.Col)
			continue
		}
		if g.dictRenders(x) {
			d = fmt.Appendf(d, " renders for print the result of %s at %d:%d;", x.Op.Name, x.Op.Pos.Line, x.Op.Pos.Col)
			continue
		}
		if g.dictReplaces(x) {
			d = fmt.Appendf(d, " adds to the totals of %s for %s at %d:%d;", dictField(g.dictSumOf(s).in), x.Op.Name, x.Op.Pos.Line, x.Op.Pos.Col)
			continue
		}
		d = fmt.Appendf(d, " writes %s for %s at %d:%d;", exField(x), x.Op.Name, x.Op.Pos.Line, x.Op.Pos.Col)
	}
	if s.Keep {
		d = append(d, " keeps its result;"...)
	}
	return string(d[:len(d)-1]) + "."
}

// textSource reports whether src is read with TextBatch (a files source): its partitions
// get texts of whole lines and cut them into lines themselves (source.FilesOptions.Text).
func textSource(src *planner.Source) bool { return src.Op.Name == "files" }

// produce emits the loop that hands every element of the stage's input (after its head
// operator, if any) to the chain.
func (sg *stageGen) produce() {
	s, g, f := sg.s, sg.g, sg.f
	if s.Head != nil {
		sg.head()
		return
	}
	var inType types.Type
	switch {
	case len(s.Inputs) == 1 && s.Inputs[0].Kind == planner.FromSource:
		src := s.Inputs[0].Source
		bt := jen.Int64().Call(jen.Id("b").Dot("Time"))
		wrap := jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Qual(g.rtPath, "Wrap").Call(g.op(src.Op), jen.Err())))
		texts := textSource(src)
		// textBatch reads the batch's texts, first of the statements before the
		// partitions (the word counts' use in); counted says the source counts their
		// lines, else the partitions do:
		//	in, lines, err := j.src0.TextBatch(int64(b.Time), j.n0)   (or in, _, err :=)
		//	...
		//	b.AddInput(lines)                                          (counted)
		at := len(sg.pre)
		textBatch := func(counted bool) {
			lines := jen.Id("_")
			if counted {
				lines = jen.Id("lines")
			}
			read := []jen.Code{jen.List(jen.Id("in"), lines, jen.Err()).Op(":=").Add(jf(srcField(src))).Dot("TextBatch").Call(bt, g.partsOf(s)), wrap}
			if counted {
				read = append(read, jen.Id("b").Dot("AddInput").Call(jen.Id("lines")))
			}
			sg.pre = slices.Insert(sg.pre, at, read...)
		}
		if !texts {
			// in, err := j.src0.Batch(int64(b.Time), j.n0)
			sg.pre = append(sg.pre,
				jen.List(jen.Id("in"), jen.Err()).Op(":=").Add(jf(srcField(src))).Dot("Batch").Call(bt, g.partsOf(s)),
				wrap, jen.Id("b").Dot("AddInput").Call(jen.Qual(g.rtPath, "Len").Call(jen.Id("in"))))
		}
		inType = src.Elem
		v := f.fresh("v")
		if sg.wordLines() { // the partition's lines in one call (flatmap.go); texts are lines run together
			if texts {
				textBatch(true)
			}
			return
		}
		if !texts {
			f.emit(rangeLoop(v, jen.Id("in").Index(jen.Id("p")), sg.chain(0, v, inType)))
			return
		}
		// The partitions count the lines they cut, and the source does not pass over
		// every file to count them (source.Files.CountInPartitions).
		textBatch(false)
		g.ctorFn.emit(jf(srcField(src)).Dot("CountInPartitions").Call())
		// The partition cuts its texts into lines as it reads them (source.CutText,
		// written out so that nothing in it is a call but the vectorised IndexByte),
		// counting them:
		//	lines := 0
		//	for _, text := range in[p] {
		//		for text != "" {
		//			lines++
		//			v := text
		//			if i := strings.IndexByte(text, '\n'); i >= 0 {
		//				v, text = source.TrimCR(text[:i]), text[i+1:]
		//			} else {
		//				text = ""
		//			}
		//			...
		//		}
		//	}
		//	b.AddInput(lines)
		//	j.src0.AddLines(lines)
		text, i, n := f.fresh("text"), f.fresh("i"), f.fresh("lines")
		rest := sg.chain(0, v, inType)
		line, head := jen.Id(v), []jen.Code{jen.Id(v).Op(":=").Id(text)}
		if !usesIdent(rest, v) {
			line, head = jen.Id("_"), nil
		}
		head = append([]jen.Code{jen.Id(n).Op("++")}, head...)
		body := append(head, jen.If(jen.Id(i).Op(":=").Qual("strings", "IndexByte").Call(jen.Id(text), jen.LitRune('\n')), jen.Id(i).Op(">=").Lit(0)).Block(
			jen.List(line, jen.Id(text)).Op("=").Qual(g.srcPath, "TrimCR").Call(jen.Id(text).Index(jen.Empty(), jen.Id(i))).Op(",").Id(text).Index(jen.Id(i).Op("+").Lit(1), jen.Empty())).
			Else().Block(jen.Id(text).Op("=").Lit("")))
		body = append(body, rest...)
		f.emit(jen.Id(n).Op(":=").Lit(0),
			jen.For(jen.List(jen.Id("_"), jen.Id(text)).Op(":=").Range().Id("in").Index(jen.Id("p"))).Block(
				jen.For(jen.Id(text).Op("!=").Lit("")).Block(body...)),
			jen.Id("b").Dot("AddInput").Call(jen.Id(n)),
			jf(srcField(src)).Dot("AddLines").Call(jen.Id(n)))
	case len(s.Inputs) == 1 && s.Inputs[0].Kind == planner.FromStage:
		inType = s.Inputs[0].Stage.Elem
		v := f.fresh("v")
		f.emit(rangeLoop(v, jf(keepField(s.Inputs[0].Stage)).Index(jen.Id("p")), sg.chain(0, v, inType)))
	case len(s.Inputs) > 1:
		// A union: partition p is partition p - offset of the input it falls in.
		//	var in []T
		//	switch {
		//	case p < j.n1:
		//		in = j.keep1[p]
		//	case p < j.n1+j.n2:
		//		in = j.keep2[p-j.n1]
		//	}
		var cases []jen.Code
		var before []*planner.Stage // the inputs whose partitions come first
		sum := func(stages []*planner.Stage) *jen.Statement {
			st := jen.Add(g.partsOf(stages[0]))
			for _, s := range stages[1:] {
				st = st.Op("+").Add(g.partsOf(s))
			}
			return st
		}
		for _, in := range s.Inputs {
			if in.Kind != planner.FromStage {
				g.errorf(s.Tail.Pos, "codegen: union of a non-kept input")
				return
			}
			idx := jen.Id("p")
			if len(before) > 0 {
				idx = jen.Id("p").Op("-").Parens(sum(before))
			}
			before = append(before, in.Stage)
			cases = append(cases, jen.Case(jen.Id("p").Op("<").Add(sum(before))).Block(jen.Id("in").Op("=").Add(jf(keepField(in.Stage))).Index(idx)))
		}
		// The elements read are the inputs' (a union's inputs all have its element
		// type), not the stage's: the chain fused after the union may change the type.
		inType = s.Inputs[0].Stage.Elem
		f.emit(jen.Var().Id("in").Index().Add(g.goType(inType)), jen.Switch().Block(cases...))
		v := f.fresh("v")
		f.emit(rangeLoop(v, jen.Id("in"), sg.chain(0, v, inType)))
	default:
		g.errorf(s.Tail.Pos, "codegen: stage %d has no input it can read", s.ID)
	}
}

// chain returns the statements that run chain operators i.. on element v of type t and
// then hand the result to the stage's sinks.
func (sg *stageGen) chain(i int, v string, t types.Type) []jen.Code {
	return sg.f.sub(func() { sg.chainInto(i, v, t) })
}

func (sg *stageGen) chainInto(i int, v string, t types.Type) {
	s, g, f := sg.s, sg.g, sg.f
	if i == len(s.Chain) {
		sg.sinks(v, t)
		return
	}
	n := s.Chain[i]
	bt := jen.Id("b").Dot("Time")
	switch n.Name {
	case "lines":
		if t == builtins.KafkaRecord { // a Kafka record's text is its value
			//	text := v.Value      (or _ = v.Value when the rest does not read it: a count)
			w := f.fresh("text")
			rest := sg.chain(i+1, w, types.StringType)
			f.emit(assign(w, jen.Id(v).Dot(g.record(builtins.KafkaRecord).fields[4]), rest)...)
			return
		}
		sg.chainInto(i+1, v, types.StringType)
	case "csv", "json":
		sg.decode(i, n, v, t)
	case "map":
		li := g.lambdaFor(n, funcSpec(n).Fn, t)
		f.emit(sg.enter(n))
		w := f.fresh("v")
		declare := f.declareLater(w)
		sg.chainInto(i+1, w, n.Elem)
		declare(li.call(bt, jen.Id(v)))
	case "filter":
		li := g.lambdaFor(n, funcSpec(n).Fn, t)
		f.emit(sg.enter(n))
		f.emit(jen.If(li.call(bt, jen.Id(v))).Block(sg.chain(i+1, v, n.Elem)...))
	case "flatMap":
		sg.flatMap(i, n, v, t)
	case "joinTable", "leftJoinTable":
		sg.joinTable(i, n, v)
	case "mapValues", "flatMapValues":
		kt, vt, ok := types.KeyValue(t)
		if !ok {
			g.errorf(n.Pos, "codegen: %s on a stream of %s", n.Name, t)
			return
		}
		_, wt, _ := types.KeyValue(n.Elem)
		li := g.lambdaFor(n, funcSpec(n).Fn, vt)
		f.emit(sg.enter(n))
		pair := func(val jen.Code) jen.Code {
			return g.goType(types.Pair(kt, wt)).Values(kv("F1", jen.Id(v).Dot("F1")), kv("F2", val))
		}
		w := f.fresh("v")
		if n.Name == "mapValues" {
			declare := f.declareLater(w)
			sg.chainInto(i+1, w, n.Elem)
			declare(pair(li.call(bt, jen.Id(v).Dot("F2"))))
			return
		}
		x := f.fresh("x")
		rest := sg.chain(i+1, w, n.Elem)
		body := assign(w, pair(jen.Id(x)), rest)
		f.emit(rangeLoop(x, li.call(bt, jen.Id(v).Dot("F2")), body))
	default:
		g.notImplemented(n)
	}
}

// sinks hands element v to the stage's exchanges (their map side) and kept result.
func (sg *stageGen) sinks(v string, t types.Type) {
	for _, x := range sg.s.Out {
		sg.mapSide(x, v, t)
	}
	if sg.s.Keep {
		//	keep := rt.Reuse(j.keep0[p])      (setup)
		//	keep = append(keep, v)
		//	j.keep0[p] = keep           (flush)
		k := "keep"
		if !sg.keepDeclared {
			sg.keepDeclared = true
			sg.setup = append(sg.setup, jen.Id(k).Op(":=").Qual(sg.g.rtPath, "Reuse").Call(jf(keepField(sg.s)).Index(jen.Id("p"))))
			sg.flush = append(sg.flush, jf(keepField(sg.s)).Index(jen.Id("p")).Op("=").Id(k))
		}
		sg.f.emit(jen.Id(k).Op("=").Append(jen.Id(k), jen.Id(v)))
	}
}

// bucket is the statement choosing the destination partition of key k in out:
//
//	d := rt.Bucket(hashK(k), len(out))
func (sg *stageGen) bucket(d string, keyType types.Type, k jen.Code, out string) jen.Code {
	return jen.Id(d).Op(":=").Qual(sg.g.rtPath, "Bucket").Call(jen.Add(sg.g.hashFunc(keyType)).Call(k), jen.Len(jen.Id(out)))
}

// localOnce declares a per-partition local in setup the first time name is asked for.
func (sg *stageGen) localOnce(name string, setup ...jen.Code) bool {
	if sg.f.taken[name] {
		return false
	}
	sg.f.taken[name] = true
	sg.setup = append(sg.setup, setup...)
	return true
}

// rangeLoop is `for _, v := range over { body }`, or `for range over` when body does not
// use v (a count after a map), which Go would reject as unused.
func rangeLoop(v string, over jen.Code, body []jen.Code) jen.Code {
	if usesIdent(body, v) {
		return jen.For(jen.List(jen.Id("_"), jen.Id(v)).Op(":=").Range().Add(over)).Block(body...)
	}
	return jen.For(jen.Range().Add(over)).Block(body...)
}

// assign is `v := value` followed by rest, or `_ = value` when rest does not use v.
func assign(v string, value jen.Code, rest []jen.Code) []jen.Code {
	if usesIdent(rest, v) {
		return append([]jen.Code{jen.Id(v).Op(":=").Add(value)}, rest...)
	}
	return append([]jen.Code{jen.Id("_").Op("=").Add(value)}, rest...)
}
