package check

import (
	"fmt"
	"sort"
	"time"

	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl/ast"
	"streamc.dev/streamc/dsl/builtins"
	"streamc.dev/streamc/dsl/goimport"
	"streamc.dev/streamc/dsl/spec"
	"streamc.dev/streamc/dsl/types"
)

// Check type-checks a parsed file and builds its stream graph. The list holds every
// error and warning found, sorted by position; the Program is nil when there is an
// error.
func Check(f *ast.File) (*Program, diag.List) { return CheckWith(f, nil) }

// Importer loads the Go package an import names (the path as written, with any
// @version); dsl.Check gives one that uses package goimport.
type Importer func(path string) (*goimport.Package, error)

// CheckWith is Check for a file that may import Go packages, which imp loads. A file
// with imports and no importer gets an error at each import.
func CheckWith(f *ast.File, imp Importer) (*Program, diag.List) {
	c := newChecker(f)
	c.importer = imp
	c.run()
	c.errs.Sort()
	if c.errs.HasErrors() {
		return nil, c.errs
	}
	c.prog.Warnings = append(diag.List(nil), c.errs...)
	return c.prog, c.errs
}

// scope is a lexical scope: the file's lets, a lambda's parameters, a block's lets.
type scope struct {
	parent *scope
	objs   map[string]*Object
}

func (s *scope) lookup(name string) *Object {
	for ; s != nil; s = s.parent {
		if o, ok := s.objs[name]; ok {
			return o
		}
	}
	return nil
}

// names lists every name visible from s, for suggestions.
func (s *scope) names() []string {
	var out []string
	for ; s != nil; s = s.parent {
		for n := range s.objs {
			out = append(out, n)
		}
	}
	return out
}

// varInfo is an inference variable: a type the checker has not learnt yet (the element
// of a `none` or of `[]`, a state type, a generic builtin's type parameter).
type varInfo struct {
	bound types.Type
	// display is how messages show the variable while unbound ("S" for a state type);
	// "" shows "?".
	display string
	// origin, when set, says what could not be inferred if the variable is still unbound
	// at the end; pos is where to report it.
	origin string
	pos    diag.Pos
}

type checker struct {
	file *ast.File
	errs diag.List
	prog *Program
	info *Info

	records   map[string]*types.Record
	recordPos map[string]diag.Pos
	global    *scope
	scopes    []*scope // the scopes being checked, innermost last
	// later holds the top-level lets not yet declared, to tell "used before its
	// declaration" from "undefined".
	later map[string]*ast.LetDecl
	used  map[*Object]bool
	lets  []*Object // every let, in source order, for the unused-binding warning

	vars    map[*types.TypeVar]*varInfo
	nvars   int
	inFunc  int // depth of lambdas being checked
	batchTm *Object

	// output is the call that ends the top-level statement being checked: the only
	// place an output operator is allowed.
	output     *ast.Call
	outputDone bool // the statement's output node was made
	resources  map[ast.Expr]*Resource
	stateOps   []*Node // state operators and inverse windows, which need checkpoint
	importer   Importer
	packages   []*Object // the imported Go packages, in import order
	// sinkArg is the argument of the writeTo being checked: the only place a Go sink's
	// constructor may be called (its element type is the stream's).
	sinkArg ast.Expr
}

func newChecker(f *ast.File) *checker {
	info := &Info{
		Types:   map[ast.Expr]types.Type{},
		Defs:    map[*ast.Ident]*Object{},
		Uses:    map[*ast.Ident]*Object{},
		Calls:   map[*ast.Call]*Callee{},
		Streams: map[ast.Expr]*Node{},
	}
	global := &scope{objs: map[string]*Object{}}
	return &checker{
		file:      f,
		scopes:    []*scope{global},
		prog:      &Program{File: f, Info: info, Settings: Settings{Pos: map[string]diag.Pos{}}},
		info:      info,
		records:   map[string]*types.Record{},
		recordPos: map[string]diag.Pos{},
		global:    global,
		later:     map[string]*ast.LetDecl{},
		used:      map[*Object]bool{},
		vars:      map[*types.TypeVar]*varInfo{},
		batchTm:   &Object{Kind: BatchTimeObject, Name: "batchTime", Type: types.TimeType},
		resources: map[ast.Expr]*Resource{},
	}
}

func (c *checker) errorf(pos diag.Pos, format string, args ...any) {
	c.errs.Add(pos, format, args...)
}

// startPos is where file-level errors (no pipeline, no batch, no outputs) are reported.
func (c *checker) startPos() diag.Pos {
	for _, d := range c.file.Decls {
		if p, ok := d.(*ast.PipelineDecl); ok {
			return p.Pos()
		}
	}
	return diag.Pos{File: c.file.Name, Line: 1, Col: 1}
}

func (c *checker) run() {
	c.settings()
	c.imports()
	c.declareRecords()
	for _, d := range c.file.Decls {
		if l, ok := d.(*ast.LetDecl); ok {
			if _, dup := c.later[l.Name.Name]; !dup {
				c.later[l.Name.Name] = l
			}
		}
	}
	for _, d := range c.file.Decls {
		switch d := d.(type) {
		case *ast.LetDecl:
			c.topLet(d)
		case *ast.ExprStmt:
			c.topStmt(d)
		}
	}
	c.finish()
}

// topLet checks `let NAME = VALUE` at top level, where the value may be a stream, a
// table, a connection, a sink or an ordinary value.
func (c *checker) topLet(d *ast.LetDecl) {
	delete(c.later, d.Name.Name)
	if lam, ok := ast.Unparen(d.Value).(*ast.Lambda); ok {
		c.errorf(lam.Pos(), "a function cannot be bound by let: write it where it is used, as an operator argument")
		c.declare(c.global, d.Name, ValueBinding, types.InvalidType, d, nil)
		return
	}
	t := c.value(d.Value, nil)
	kind := ValueBinding
	node := c.info.Streams[d.Value]
	if _, ok := t.(*types.Stream); ok && node != nil {
		kind = StreamBinding
		if node.Let == "" {
			node.Let = d.Name.Name
		}
	}
	if r := c.resources[d.Value]; r != nil {
		if r.Let == "" {
			r.Let = d.Name.Name
		}
		c.resources[d.Name] = r
	}
	c.declare(c.global, d.Name, kind, t, d, node)
}

// declare adds a name to s, reporting a redeclaration in the same scope.
func (c *checker) declare(s *scope, id *ast.Ident, kind ObjectKind, t types.Type, decl ast.Node, node *Node) *Object {
	obj := &Object{Kind: kind, Name: id.Name, Pos: id.At, Type: t, Decl: decl, Node: node}
	c.info.Defs[id] = obj
	if id.Name == "_" {
		return obj
	}
	if prev, ok := s.objs[id.Name]; ok {
		c.errorf(id.At, "%s redeclared; previous declaration at line %d", id.Name, prev.Pos.Line)
		return obj
	}
	s.objs[id.Name] = obj
	if kind == StreamBinding || kind == ValueBinding {
		c.lets = append(c.lets, obj)
	}
	return obj
}

// topStmt checks a top-level expression statement: a stream chain ending in an output.
func (c *checker) topStmt(d *ast.ExprStmt) {
	x := ast.Unparen(d.X)
	call, _ := x.(*ast.Call)
	c.output, c.outputDone = call, false
	t := c.expr(d.X, nil)
	c.output = nil
	if c.outputDone {
		return
	}
	if types.IsInvalid(t) {
		return
	}
	if _, ok := t.(*types.Stream); ok {
		c.errorf(d.Pos(), "result of %s is not used: a stream must end in an output such as print()", exprString(d.X))
		return
	}
	c.errorf(d.Pos(), "%s is not a stream: a top-level statement must be a stream ending in an output such as print()", exprString(d.X))
}

// finish resolves inferred types, reports what could not be inferred and the file-level
// rules (outputs, checkpoint), and warns about unused bindings.
func (c *checker) finish() {
	// Variables created for `none`, `[]`, state types, in creation order so that the
	// report is deterministic.
	type pending struct {
		v  *types.TypeVar
		vi *varInfo
	}
	var unbound []pending
	for v, vi := range c.vars {
		if vi.origin != "" && c.isUnbound(v) {
			unbound = append(unbound, pending{v, vi})
		}
	}
	sort.Slice(unbound, func(i, j int) bool { return unbound[i].v.Name < unbound[j].v.Name })
	for _, u := range unbound {
		if c.isUnbound(u.v) {
			c.errorf(u.vi.pos, "%s", u.vi.origin)
			u.vi.bound = types.InvalidType
		}
	}
	for e, t := range c.info.Types {
		c.info.Types[e] = c.final(t)
	}
	for _, o := range c.info.Defs {
		o.Type = c.final(o.Type)
	}
	for _, cl := range c.info.Calls {
		cl.Sig = c.final(cl.Sig).(*types.Func)
		if cl.Recv != nil {
			cl.Recv = c.final(cl.Recv)
		}
	}
	for _, n := range c.prog.Nodes {
		if n.Elem != nil {
			n.Elem = c.final(n.Elem)
		}
		switch sp := n.Spec.(type) {
		case *spec.Decode:
			if sp.Record != nil {
				sp.Record = c.final(sp.Record)
			}
		case *spec.Lookup:
			if sp.Row != nil {
				sp.Row = c.final(sp.Row)
			}
		}
		for _, a := range n.Args {
			a.Type = c.final(a.Type)
		}
	}
	for _, r := range c.prog.Resources {
		r.Type = c.final(r.Type)
		for _, a := range r.Args {
			a.Type = c.final(a.Type)
		}
	}

	c.checkSlides()
	if len(c.prog.Outputs) == 0 && !c.errs.HasErrors() {
		c.errorf(c.startPos(), "no output operations registered, so nothing to execute: end a stream with an output such as print()")
	}
	if c.prog.Settings.Checkpoint == "" {
		for _, n := range c.stateOps {
			what := n.Op + " keeps state across batches"
			switch {
			case hasInverse(n):
				what = n.Op + " with an inverse function keeps the previous window"
			case n.Op == "countByWindow" || n.Op == "countByValueAndWindow":
				what = n.Op + " is computed with an inverse function (as in Spark) and keeps the previous window"
			}
			c.errorf(n.Pos, "the checkpoint directory has not been set: %s and needs one; add a line such as `checkpoint \"ckpt/%s\"`", what, pipelineDirName(c.prog.Name))
		}
	}
	c.usedImports()
	for _, o := range c.lets {
		// A binding whose value failed has had its error; "not used" would be noise.
		if !c.used[o] && !types.IsInvalid(c.final(o.Type)) {
			c.errs.Warn(o.Pos, "%q declared and not used", o.Name)
		}
	}
}

// hasInverse reports whether n is a window with an inverse function.
func hasInverse(n *Node) bool {
	w, ok := n.Spec.(*spec.Window)
	return ok && w.Inv != nil
}

func pipelineDirName(name string) string {
	if name == "" {
		return "pipeline"
	}
	return name
}

// settings checks the pipeline declaration and the top-level settings.
func (c *checker) settings() {
	var pipeline *ast.PipelineDecl
	seen := map[string]diag.Pos{}
	st := &c.prog.Settings
	for _, d := range c.file.Decls {
		switch d := d.(type) {
		case *ast.PipelineDecl:
			if pipeline != nil {
				c.errorf(d.Pos(), "pipeline declared twice; previous declaration at line %d", pipeline.Pos().Line)
				continue
			}
			pipeline = d
			if d.Name != nil {
				c.prog.Name = d.Name.Name
			}
		case *ast.Setting:
			name := d.Name.Name
			if !knownSetting(name) {
				c.errorf(d.Name.At, "unknown setting %q%s", name, didYouMean(name, settingNames()))
				continue
			}
			if prev, dup := seen[name]; dup {
				c.errorf(d.Name.At, "setting %s is set twice; previous setting at line %d", name, prev.Line)
				continue
			}
			seen[name] = d.Name.At
			st.Pos[name] = d.Name.At
			c.setting(d, st)
		}
	}
	if pipeline == nil {
		c.errorf(diag.Pos{File: c.file.Name, Line: 1, Col: 1}, "missing pipeline name: start the file with a line such as `pipeline wordcount`")
	}
	if _, ok := seen["batch"]; !ok {
		c.errorf(c.startPos(), "missing batch interval: add a line such as `batch 1s`")
	}
	if st.Batch > 0 && st.CheckpointEvery > 0 && st.CheckpointEvery%st.Batch != 0 {
		c.errorf(st.Pos["checkpointEvery"], "checkpoint interval %v must be a multiple of the batch interval %v", st.CheckpointEvery, st.Batch)
	}
}

func settingNames() []string {
	names := make([]string, len(builtins.Settings))
	for i, s := range builtins.Settings {
		names[i] = s.Name
	}
	return names
}

func knownSetting(name string) bool {
	for _, s := range builtins.Settings {
		if s.Name == name {
			return true
		}
	}
	return false
}

// setting checks one setting's value and stores it.
func (c *checker) setting(d *ast.Setting, st *Settings) {
	name, v := d.Name.Name, ast.Unparen(d.Value)
	pos := v.Pos()
	durationValue := func() (time.Duration, bool) {
		lit, ok := v.(*ast.DurationLit)
		if !ok {
			c.errorf(pos, "setting %s needs a duration such as 10s, got %s", name, exprString(v))
			return 0, false
		}
		if lit.Value <= 0 {
			c.errorf(pos, "setting %s must be positive, got %v", name, lit.Value)
			return 0, false
		}
		return lit.Value, true
	}
	stringValue := func() (string, bool) {
		lit, ok := v.(*ast.StringLit)
		if !ok {
			c.errorf(pos, "setting %s needs a string such as %q, got %s", name, settingExample[name], exprString(v))
			return "", false
		}
		if lit.Value == "" {
			c.errorf(pos, "setting %s must not be empty", name)
			return "", false
		}
		return lit.Value, true
	}
	intValue := func() (int64, bool) {
		lit, ok := v.(*ast.IntLit)
		if !ok {
			c.errorf(pos, "setting %s needs an int such as %s, got %s", name, settingExample[name], exprString(v))
			return 0, false
		}
		if lit.Value < 1 {
			c.errorf(pos, "setting %s must be at least 1, got %d", name, lit.Value)
			return 0, false
		}
		return lit.Value, true
	}
	switch name {
	case "batch":
		d, ok := durationValue()
		// Batch times are whole milliseconds, as in Spark; a finer interval could not
		// be represented, so it is refused here rather than when the binary starts.
		if ok && d%time.Millisecond != 0 {
			c.errorf(pos, "batch interval %v must be a whole number of milliseconds", d)
			return
		}
		st.Batch = d
	case "checkpointEvery":
		st.CheckpointEvery, _ = durationValue()
	case "stopTimeout":
		st.StopTimeout, _ = durationValue()
	case "checkpoint":
		st.Checkpoint, _ = stringValue()
	case "http":
		st.HTTP, _ = stringValue()
	case "partitions":
		n, _ := intValue()
		st.Partitions = int(n)
	case "maxRate":
		st.MaxRate, _ = intValue()
	case "initialRate":
		st.InitialRate, _ = intValue()
	case "backpressure":
		lit, ok := v.(*ast.BoolLit)
		if !ok {
			c.errorf(pos, "setting backpressure needs true or false, got %s", exprString(v))
			return
		}
		st.Backpressure = lit.Value
	case "onBadRecord":
		if p, ok := c.badRecordPolicy(v, "setting onBadRecord"); ok {
			st.OnBadRecord = p
		}
	}
}

var settingExample = map[string]string{
	"checkpoint": "ckpt/app", "http": ":4040", "partitions": "4", "maxRate": "10000", "initialRate": "1000",
}

// badRecordPolicy reads `fail`, `skip` or `deadLetter("path")`.
func (c *checker) badRecordPolicy(v ast.Expr, what string) (BadRecordPolicy, bool) {
	v = ast.Unparen(v)
	switch v := v.(type) {
	case *ast.Ident:
		switch v.Name {
		case "fail":
			return BadRecordPolicy{Kind: BadRecordFail}, true
		case "skip":
			return BadRecordPolicy{Kind: BadRecordSkip}, true
		}
	case *ast.Call:
		if id, ok := v.Fun.(*ast.Ident); ok && id.Name == "deadLetter" {
			if len(v.Args) == 1 && v.Args[0].Name == nil {
				if s, ok := ast.Unparen(v.Args[0].Value).(*ast.StringLit); ok && s.Value != "" {
					return BadRecordPolicy{Kind: BadRecordDeadLetter, Path: s.Value}, true
				}
			}
			c.errorf(v.Pos(), "deadLetter takes one argument, the path of the dead-letter file, e.g. deadLetter(\"bad.jsonl\")")
			return BadRecordPolicy{}, false
		}
	}
	c.errorf(v.Pos(), "%s must be fail, skip or deadLetter(\"path\"), got %s", what, exprString(v))
	return BadRecordPolicy{}, false
}

// declareRecords declares the record types, then resolves their fields, so that records
// may refer to each other in any order.
func (c *checker) declareRecords() {
	var decls []*ast.TypeDecl
	for _, d := range c.file.Decls {
		td, ok := d.(*ast.TypeDecl)
		if !ok {
			continue
		}
		name := td.Name.Name
		if _, basic := types.BasicByName[name]; basic || name == builtins.KafkaRecord.Name || name == "State" {
			c.errorf(td.Name.At, "cannot declare type %s: the name is predeclared", name)
			continue
		}
		if prev, dup := c.recordPos[name]; dup {
			c.errorf(td.Name.At, "type %s redeclared; previous declaration at line %d", name, prev.Line)
			continue
		}
		r := &types.Record{Name: name}
		c.records[name] = r
		c.recordPos[name] = td.Name.At
		c.prog.Records = append(c.prog.Records, r)
		decls = append(decls, td)
	}
	for _, td := range decls {
		r := c.records[td.Name.Name]
		seen := map[string]diag.Pos{}
		for _, f := range td.Fields {
			if prev, dup := seen[f.Name.Name]; dup {
				c.errorf(f.Name.At, "duplicate field %s in type %s; previous at line %d", f.Name.Name, r.Name, prev.Line)
				continue
			}
			seen[f.Name.Name] = f.Name.At
			r.Fields = append(r.Fields, types.Field{Name: f.Name.Name, Type: c.typeExpr(f.Type, false)})
		}
	}
	for _, td := range decls {
		r := c.records[td.Name.Name]
		if c.contains(r, r, map[*types.Record]bool{}) {
			c.errorf(td.Name.At, "invalid recursive type %s: a record can contain itself only inside a list", r.Name)
		}
	}
}

// contains reports whether t holds a value of record r other than through a list
// (lists are references; anything else would make an infinitely large value).
func (c *checker) contains(t types.Type, r *types.Record, seen map[*types.Record]bool) bool {
	switch t := t.(type) {
	case *types.Record:
		if seen[t] {
			return false
		}
		seen[t] = true
		for _, f := range t.Fields {
			if f.Type == r || c.contains(f.Type, r, seen) {
				return true
			}
		}
	case *types.Tuple:
		for _, e := range t.Elems {
			if e == r || c.contains(e, r, seen) {
				return true
			}
		}
	case *types.Optional:
		return t.Elem == r || c.contains(t.Elem, r, seen)
	}
	return false
}

// typeNames lists the type names a program may write, for suggestions.
func (c *checker) typeNames() []string {
	names := []string{builtins.KafkaRecord.Name}
	for n := range types.BasicByName {
		names = append(names, n)
	}
	for n := range c.records {
		names = append(names, n)
	}
	return names
}

// typeExpr resolves a written type. State[T] is allowed only on a lambda parameter.
func (c *checker) typeExpr(t ast.TypeExpr, allowState bool) types.Type {
	switch t := t.(type) {
	case *ast.NamedType:
		name := t.Name.Name
		if name == "State" {
			if !allowState {
				c.errorf(t.Pos(), "State[T] is only allowed on the state parameter of a mapWithState function")
				return types.InvalidType
			}
			if len(t.Args) != 1 {
				c.errorf(t.Pos(), "State takes one type argument, e.g. State[int]")
				return types.InvalidType
			}
			return &types.State{Elem: c.typeExpr(t.Args[0], false)}
		}
		if len(t.Args) > 0 {
			c.errorf(t.Pos(), "type %s takes no type arguments", name)
			return types.InvalidType
		}
		if b, ok := types.BasicByName[name]; ok {
			return b
		}
		if name == builtins.KafkaRecord.Name {
			return builtins.KafkaRecord
		}
		if r, ok := c.records[name]; ok {
			return r
		}
		c.errorf(t.Pos(), "undefined type %q%s", name, didYouMean(name, c.typeNames()))
		return types.InvalidType
	case *ast.ListType:
		return &types.List{Elem: c.typeExpr(t.Elem, false)}
	case *ast.TupleType:
		if n := len(t.Elems); n > types.MaxTuple {
			c.errorf(t.At, "a tuple has at most %d elements; this one has %d: use a record type", types.MaxTuple, n)
			return types.InvalidType
		}
		elems := make([]types.Type, len(t.Elems))
		for i, e := range t.Elems {
			elems[i] = c.typeExpr(e, false)
		}
		return &types.Tuple{Elems: elems}
	case *ast.OptionalType:
		return &types.Optional{Elem: c.typeExpr(t.Elem, false)}
	}
	return types.InvalidType
}

// lookupRecordArg resolves an argument that names a record type (json(Click)).
func (c *checker) recordArg(e ast.Expr, op string, scalarOnly bool) types.Type {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		c.errorf(e.Pos(), "%s needs a record type name, e.g. %s(Click); got %s", op, op, exprString(e))
		return types.InvalidType
	}
	var t types.Type
	switch {
	case c.records[id.Name] != nil:
		t = c.records[id.Name]
		c.info.Uses[id] = &Object{Kind: RecordObject, Name: id.Name, Pos: c.recordPos[id.Name], Type: t}
	case id.Name == builtins.KafkaRecord.Name:
		t = builtins.KafkaRecord
	case types.BasicByName[id.Name] != nil:
		c.errorf(id.At, "%s needs a record type, e.g. %s(Click); %s is not a record type", op, op, id.Name)
		return types.InvalidType
	default:
		c.errorf(id.At, "undefined type %q%s", id.Name, didYouMean(id.Name, c.typeNames()))
		return types.InvalidType
	}
	c.info.Types[e] = t
	if scalarOnly {
		for _, f := range t.(*types.Record).Fields {
			if !isScalar(f.Type) {
				c.errorf(id.At, "%s cannot decode field %s of type %s: %s fields must be scalars (string, int, float, bool, time, duration, bytes) or optionals of them", op, f.Name, f.Type, op)
				return types.InvalidType
			}
		}
	}
	return t
}

func isScalar(t types.Type) bool {
	if o, ok := t.(*types.Optional); ok {
		t = o.Elem
	}
	b, ok := t.(*types.Basic)
	return ok && b.Kind != types.Unit
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
