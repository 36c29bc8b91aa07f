package codegen

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dave/jennifer/jen"

	"streamc.dev/streamc/dsl/ast"
	"streamc.dev/streamc/dsl/builtins"
	"streamc.dev/streamc/dsl/check"
	"streamc.dev/streamc/dsl/goimport"
	"streamc.dev/streamc/dsl/types"
)

// fn compiles the expressions of one Go function body. Expressions that need statements
// (if, blocks, && over them) append those to stmts and leave a plain Go expression.
type fn struct {
	g     *gen
	names map[*check.Object]string // Go names of the lets and parameters in scope
	taken map[string]bool
	stmts []jen.Code
	// batchTime is the Go expression `batchTime` stands for; nil where it is not
	// available (it is then reported).
	batchTime jen.Code
	usesBatch bool
	next      map[string]int // per base name, the suffix fresh tries first
}

func (g *gen) newFn() *fn {
	return &fn{g: g, names: map[*check.Object]string{}, taken: map[string]bool{}}
}

// fresh returns a local name based on base that is unused in this function.
func (f *fn) fresh(base string) string {
	if base == "" {
		base = "v"
	}
	name := base
	if f.unavailable(name) {
		// Names are never given back, so the first free suffix only grows: start from
		// the one after the last given for base (linear, not quadratic, in the names).
		if f.next == nil {
			f.next = map[string]int{}
		}
		i := max(f.next[base], 2)
		for name = fmt.Sprintf("%s%d", base, i); f.unavailable(name); i++ {
			name = fmt.Sprintf("%s%d", base, i+1)
		}
		f.next[base] = i + 1
	}
	f.taken[name] = true
	return name
}

func (f *fn) unavailable(name string) bool {
	return f.taken[name] || isReserved(name) || f.g.globalName[name]
}

// emit appends statements to the current body.
func (f *fn) emit(s ...jen.Code) { f.stmts = append(f.stmts, s...) }

// sub compiles body with a fresh statement list and returns that list.
func (f *fn) sub(body func()) []jen.Code {
	saved := f.stmts
	f.stmts = nil
	body()
	out := f.stmts
	f.stmts = saved
	return out
}

func (f *fn) typeOf(e ast.Expr) types.Type {
	if t, ok := f.g.info.Types[e]; ok {
		return t
	}
	if p, ok := e.(*ast.ParenExpr); ok {
		return f.typeOf(p.X)
	}
	return nil
}

// expr compiles e to a Go expression, appending to f.stmts whatever must run first.
func (f *fn) expr(e ast.Expr) jen.Code {
	switch e := e.(type) {
	case *ast.ParenExpr:
		return jen.Parens(f.expr(e.X))
	case *ast.IntLit:
		return jen.Lit(int(e.Value))
	case *ast.FloatLit:
		return jen.Lit(e.Value)
	case *ast.StringLit:
		return jen.Lit(e.Value)
	case *ast.BoolLit:
		return jen.Lit(e.Value)
	case *ast.DurationLit:
		return durationCode(e.Value)
	case *ast.NoneLit:
		t, ok := f.typeOf(e).(*types.Optional)
		if !ok {
			f.g.errorf(e.At, "codegen: the type of none is unknown")
			return jen.Nil()
		}
		return jen.Qual(f.g.stdPath, "None").Types(f.g.goType(t.Elem)).Call()
	case *ast.ListLit:
		elems := make([]jen.Code, len(e.Elems))
		for i, x := range e.Elems {
			elems[i] = f.expr(x)
		}
		return f.g.goType(f.typeOf(e)).Values(elems...)
	case *ast.TupleLit:
		t, _ := f.typeOf(e).(*types.Tuple)
		if t == nil {
			f.g.errorf(e.At, "codegen: the type of this tuple is unknown")
			return jen.Nil()
		}
		kvs := make([]jen.Code, len(e.Elems))
		for i, x := range e.Elems {
			kvs[i] = kv(tupleField(i), f.expr(x))
		}
		return f.g.goType(t).Values(kvs...)
	case *ast.RecordLit:
		return f.recordLit(e)
	case *ast.Ident:
		return f.ident(e)
	case *ast.Selector:
		return f.selector(e)
	case *ast.Index:
		return jen.Add(f.expr(e.X)).Index(f.expr(e.Index))
	case *ast.Unary:
		x := f.expr(e.X)
		return jen.Op(e.Op).Add(x)
	case *ast.Binary:
		return f.binary(e)
	case *ast.Call:
		return f.call(e)
	case *ast.IfExpr, *ast.Block:
		t := f.typeOf(e)
		r := f.fresh("r")
		f.emit(jen.Var().Id(r).Add(f.g.goType(t)))
		f.into(e, func(v jen.Code) jen.Code { return jen.Id(r).Op("=").Add(v) })
		return jen.Id(r)
	case *ast.Lambda:
		f.g.errorf(e.At, "codegen: a function as a value")
		return jen.Nil()
	}
	f.g.errorf(e.Pos(), "codegen: unsupported expression %T", e)
	return jen.Nil()
}

// into compiles e so that its value is handed to sink, which makes the statement that
// stores or returns it. if-expressions and blocks hand each branch's value over in that
// branch, which is how `x => if c { a } else { b }` becomes
//
//	if c {
//		return a
//	} else {
//		return b
//	}
func (f *fn) into(e ast.Expr, sink func(jen.Code) jen.Code) {
	switch e := e.(type) {
	case *ast.ParenExpr:
		f.into(e.X, sink)
	case *ast.Block:
		f.block(e, sink)
	case *ast.IfExpr:
		f.emit(f.ifStmt(e, sink))
	default:
		f.emit(sink(f.expr(e)))
	}
}

// ifStmt builds the Go if statement for e; its condition's statements go to f.stmts.
func (f *fn) ifStmt(e *ast.IfExpr, sink func(jen.Code) jen.Code) *jen.Statement {
	cond := f.expr(e.Cond)
	then := f.sub(func() { f.block(e.Then, sink) })
	st := jen.If(cond).Block(then...)
	if elif, ok := e.Else.(*ast.IfExpr); ok {
		// `else if` needs a condition without statements of its own.
		var inner *jen.Statement
		pre := f.sub(func() { inner = f.ifStmt(elif, sink) })
		if len(pre) == 0 {
			return st.Else().Add(inner)
		}
		return st.Else().Block(append(pre, inner)...)
	}
	els := f.sub(func() { f.into(e.Else, sink) })
	return st.Else().Block(els...)
}

// block compiles the lets and statements of b, then hands its result to sink.
func (f *fn) block(b *ast.Block, sink func(jen.Code) jen.Code) {
	for _, s := range b.Stmts {
		switch s := s.(type) {
		case *ast.LetDecl:
			v := f.typed(s.Value)
			obj := f.g.info.Defs[s.Name]
			name := f.fresh(s.Name.Name)
			if obj != nil {
				f.names[obj] = name
			}
			if !f.used(obj) {
				f.emit(jen.Id("_").Op("=").Add(v))
				continue
			}
			f.emit(jen.Id(name).Op(":=").Add(v))
		case *ast.ExprStmt:
			x := f.expr(s.X)
			if _, isCall := ast.Unparen(s.X).(*ast.Call); isCall {
				f.emit(x)
			} else {
				f.emit(jen.Id("_").Op("=").Add(x))
			}
		}
	}
	if b.Result == nil {
		f.g.errorf(b.At, "codegen: this block has no result")
		return
	}
	f.into(b.Result, sink)
}

// used reports whether obj is referred to anywhere (Info.Uses); unused lets and
// parameters become `_` so that the Go compiler does not reject them.
func (f *fn) used(obj *check.Object) bool {
	if obj == nil {
		return true
	}
	if f.g.usedObjs == nil {
		f.g.usedObjs = map[*check.Object]bool{}
		for _, o := range f.g.info.Uses {
			f.g.usedObjs[o] = true
		}
	}
	return f.g.usedObjs[obj]
}

// typed is expr, with an integer constant expression converted to int64 so that Go does
// not give it its default type int (in `x := 5` or `stdlib.Some(5)`).
func (f *fn) typed(e ast.Expr) jen.Code {
	c := f.expr(e)
	if isConst(e) {
		if b, ok := f.typeOf(e).(*types.Basic); ok && b.Kind == types.Int {
			return jen.Int64().Call(c)
		}
	}
	return c
}

// isConst reports whether e is a constant expression in Go (literals and operators on them).
func isConst(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.IntLit, *ast.FloatLit:
		return true
	case *ast.ParenExpr:
		return isConst(e.X)
	case *ast.Unary:
		return isConst(e.X)
	case *ast.Binary:
		return isConst(e.X) && isConst(e.Y)
	}
	return false
}

// durationCode writes d as Go does: 5 * time.Second, 1500 * time.Millisecond.
func durationCode(d time.Duration) jen.Code {
	units := []struct {
		d    time.Duration
		name string
	}{{time.Hour, "Hour"}, {time.Minute, "Minute"}, {time.Second, "Second"}, {time.Millisecond, "Millisecond"}, {time.Microsecond, "Microsecond"}}
	if d == 0 {
		return jen.Qual("time", "Duration").Call(jen.Lit(0))
	}
	for _, u := range units {
		if d%u.d == 0 {
			if d == u.d {
				return jen.Qual("time", u.name)
			}
			return jen.Lit(int(d/u.d)).Op("*").Qual("time", u.name)
		}
	}
	return jen.Qual("time", "Duration").Call(jen.Lit(int(d)))
}

func (f *fn) ident(e *ast.Ident) jen.Code {
	obj := f.g.info.Uses[e]
	if obj == nil {
		f.g.errorf(e.At, "codegen: %s is not resolved", e.Name)
		return jen.Nil()
	}
	switch obj.Kind {
	case check.BatchTimeObject:
		f.usesBatch = true
		if f.batchTime == nil {
			f.g.errorf(e.At, "codegen: batchTime outside an operator's function")
			return jen.Nil()
		}
		return f.batchTime
	case check.ParamObject, check.ValueBinding:
		if name, ok := f.names[obj]; ok {
			return jen.Id(name)
		}
		if obj.Kind == check.ValueBinding {
			return jen.Id(f.g.topLet(obj))
		}
	}
	f.g.errorf(e.At, "codegen: %s cannot be used in an expression here", e.Name)
	return jen.Nil()
}

// topLet returns the package-level variable holding a top-level `let` of a value,
// declaring it in funcs.go on first use:
//
//	// threshold is `let threshold` at wc.stream:4:1.
//	var threshold = int64(10)
func (g *gen) topLet(obj *check.Object) string {
	if name, ok := g.topLets[obj]; ok {
		return name
	}
	name := g.globalFresh(obj.Name)
	g.topLets[obj] = name
	decl, ok := obj.Decl.(*ast.LetDecl)
	if !ok {
		g.errorf(obj.Pos, "codegen: %s has no value", obj.Name)
		return name
	}
	f := g.newFn()
	v := f.typed(decl.Value)
	if f.usesBatch {
		g.errorf(decl.At, "codegen: batchTime in a top-level let")
	}
	if len(f.stmts) > 0 {
		v = jen.Func().Params().Add(g.goType(obj.Type)).Block(append(f.stmts, jen.Return(v))...).Call()
	}
	g.funcDecls = append(g.funcDecls, docf("%s is `let %s` at %s.", name, obj.Name, g.posString(decl.At)).Line().
		Var().Id(name).Op("=").Add(v))
	return name
}

func (f *fn) recordLit(e *ast.RecordLit) jen.Code {
	r, ok := f.typeOf(e).(*types.Record)
	if !ok {
		f.g.errorf(e.Type.At, "codegen: the type of this record is unknown")
		return jen.Nil()
	}
	ri := f.g.record(r)
	var kvs []jen.Code
	for _, fi := range e.Fields {
		i := r.FieldIndex(fi.Name.Name)
		if i < 0 {
			f.g.errorf(fi.Name.At, "codegen: %s has no field %s", r.Name, fi.Name.Name)
			continue
		}
		kvs = append(kvs, kv(ri.fields[i], f.expr(fi.Value)))
	}
	return jen.Id(ri.name).Values(kvs...)
}

func (f *fn) selector(e *ast.Selector) jen.Code {
	x := f.expr(e.X)
	switch t := f.typeOf(e.X).(type) {
	case *types.Tuple:
		if n, err := strconv.Atoi(strings.TrimPrefix(e.Sel.Name, "_")); err == nil && n >= 1 && n <= len(t.Elems) {
			return jen.Add(x).Dot(tupleField(n - 1))
		}
	case *types.Record:
		if i := t.FieldIndex(e.Sel.Name); i >= 0 {
			return jen.Add(x).Dot(f.g.record(t).fields[i])
		}
	}
	f.g.errorf(e.Sel.At, "codegen: cannot select %s here", e.Sel.Name)
	return jen.Nil()
}

func basicKind(t types.Type) types.BasicKind {
	if b, ok := t.(*types.Basic); ok {
		return b.Kind
	}
	return types.Invalid
}

func (f *fn) binary(e *ast.Binary) jen.Code {
	if e.Op == "&&" || e.Op == "||" {
		x := f.expr(e.X)
		var y jen.Code
		pre := f.sub(func() { y = f.expr(e.Y) })
		if len(pre) == 0 {
			return jen.Add(x).Op(e.Op).Add(y)
		}
		// The right side needs statements: evaluate it only when it decides the result.
		//	r := x
		//	if r {  (if !r for ||)
		//		...; r = y
		//	}
		r := f.fresh("r")
		f.emit(jen.Id(r).Op(":=").Add(x))
		cond := jen.Id(r)
		if e.Op == "||" {
			cond = jen.Op("!").Id(r)
		}
		f.emit(jen.If(cond).Block(append(pre, jen.Id(r).Op("=").Add(y))...))
		return jen.Id(r)
	}
	tx, ty := f.typeOf(e.X), f.typeOf(e.Y)
	x, y := f.operand(e.Op, e.X), f.operand(e.Op, e.Y)
	kx, ky := basicKind(tx), basicKind(ty)
	if _, isList := tx.(*types.List); isList && e.Op == "+" {
		// List concatenation makes a new list: neither operand is modified.
		return jen.Qual(f.g.stdPath, "ConcatLists").Call(x, y)
	}
	switch e.Op {
	case "+", "-":
		switch {
		case kx == types.Time && ky == types.Duration:
			if e.Op == "-" {
				return jen.Add(x).Dot("Add").Call(jen.Op("-").Parens(y))
			}
			return jen.Add(x).Dot("Add").Call(y)
		case kx == types.Duration && ky == types.Time && e.Op == "+":
			return jen.Add(y).Dot("Add").Call(x)
		case kx == types.Time && ky == types.Time && e.Op == "-":
			return jen.Add(x).Dot("Sub").Call(y)
		}
	case "*", "/":
		switch {
		case kx == types.Duration && ky == types.Int:
			return jen.Add(x).Op(e.Op).Qual("time", "Duration").Call(y)
		case kx == types.Int && ky == types.Duration && e.Op == "*":
			return jen.Qual("time", "Duration").Call(x).Op("*").Add(y)
		case kx == types.Duration && ky == types.Float:
			return jen.Qual("time", "Duration").Call(jen.Float64().Call(x).Op(e.Op).Add(y))
		}
	case "%":
		if kx == types.Float {
			return jen.Qual("math", "Mod").Call(x, y)
		}
	}
	if (e.Op == "/" || e.Op == "%") && isConst(e.Y) {
		// Go rejects a constant division by a constant zero; .stream follows IEEE 754 for
		// floats (0.0 / 0.0 is NaN, 1.0 / 0.0 is +Inf), so a zero float divisor becomes
		// a variable that Go evaluates at run time. An integer one is an error.
		if v, ok := constValue(e.Y); ok && v == 0 {
			if kx == types.Float || ky == types.Float {
				return jen.Add(x).Op(e.Op).Id(f.g.floatZero())
			}
			if kx == types.Int {
				f.g.errorf(e.OpPos, "codegen: integer division by a constant zero")
				return jen.Lit(0)
			}
		}
	}
	switch e.Op {
	case "<", "<=", ">", ">=":
		if !orderedInGo(tx) {
			return jen.Add(f.g.compareFunc(tx)).Call(x, y).Op(e.Op).Lit(0)
		}
	case "==", "!=":
		if _, isList := tx.(*types.List); isList {
			eq := jen.Qual("slices", "Equal").Call(x, y)
			if e.Op == "!=" {
				return jen.Op("!").Add(eq)
			}
			return eq
		}
	}
	return jen.Add(x).Op(e.Op).Add(y)
}

// operand compiles an operand of the binary operator op. Go puts == and < on one
// precedence level where .stream has two, so a comparison inside a comparison keeps
// parentheses.
func (f *fn) operand(op string, x ast.Expr) jen.Code {
	c := f.expr(x)
	if inner, ok := x.(*ast.Binary); ok && isComparison(op) && isComparison(inner.Op) {
		return jen.Parens(c)
	}
	return c
}

func isComparison(op string) bool {
	switch op {
	case "==", "!=", "<", "<=", ">", ">=":
		return true
	}
	return false
}

// orderedInGo reports whether Go's < works on t's Go type.
func orderedInGo(t types.Type) bool {
	switch basicKind(t) {
	case types.String, types.Int, types.Float, types.Time, types.Duration, types.Bytes:
		return true
	}
	return false
}

func (f *fn) call(e *ast.Call) jen.Code {
	callee := f.g.info.Calls[e]
	if callee == nil {
		f.g.errorf(e.Pos(), "codegen: this call is not resolved")
		return jen.Nil()
	}
	switch callee.Kind {
	case check.ValueMethod:
		return f.method(e, callee)
	case check.GoFunc:
		return f.goCall(e, callee)
	case check.ListMethod:
		return f.listMethod(e, callee)
	}
	bf := f.g.builtin(callee)
	if bf == nil {
		f.g.errorf(e.Pos(), "codegen: no builtin %s", callee.Name)
		return jen.Nil()
	}
	args := f.bindArgs(e, bf)
	switch bf.Name {
	case "toString":
		// The value renders as print renders it, with the pipeline's own renderers.
		return jen.String().Call(jen.Add(f.g.renderFunc(f.typeOf(e.Args[0].Value))).Call(jen.Nil(), args[0]))
	case "hash":
		return jen.Int64().Call(jen.Add(f.g.hashFunc(f.typeOf(e.Args[0].Value))).Call(args[0]))
	}
	return jen.Qual(f.g.stdPath, bf.GoName).Call(args...)
}

// bindArgs orders a builtin call's arguments by parameter (positional ones first, then
// named ones), fills in defaults, and converts integer constants passed to generic
// functions to int64.
func (f *fn) bindArgs(e *ast.Call, bf *builtins.Func) []jen.Code {
	var out []jen.Code
	byName := map[string]ast.Expr{}
	var positional []ast.Expr
	for _, a := range e.Args {
		if a.Name != nil {
			byName[a.Name.Name] = a.Value
		} else {
			positional = append(positional, a.Value)
		}
	}
	arg := func(x ast.Expr) jen.Code {
		if len(bf.TypeParams) > 0 {
			return f.typed(x)
		}
		return f.expr(x)
	}
	for i, p := range bf.Params {
		switch {
		case bf.Variadic && i == len(bf.Params)-1:
			for _, x := range positional[min(i, len(positional)):] {
				out = append(out, arg(x))
			}
		case i < len(positional):
			out = append(out, arg(positional[i]))
		case byName[p.Name] != nil:
			out = append(out, arg(byName[p.Name]))
		case p.Default != "":
			out = append(out, defaultCode(p.Default))
		default:
			f.g.errorf(e.Pos(), "codegen: missing argument %s of %s", p.Name, bf.Name)
		}
	}
	return out
}

// defaultCode is a parameter default written as .stream source: a string, int, float or
// bool literal.
func defaultCode(src string) jen.Code {
	if s, err := strconv.Unquote(src); err == nil {
		return jen.Lit(s)
	}
	if i, err := strconv.ParseInt(src, 10, 64); err == nil {
		return jen.Int64().Call(jen.Lit(int(i)))
	}
	if v, err := strconv.ParseFloat(src, 64); err == nil {
		return jen.Lit(v)
	}
	if src == "true" || src == "false" {
		return jen.Lit(src == "true")
	}
	return jen.Id(src)
}

// builtin finds the table entry a call resolved to, telling overloads apart by their
// first parameter (len and contains on strings and on lists).
func (g *gen) builtin(c *check.Callee) *builtins.Func {
	fs := builtins.Overloads(c.Name)
	if len(fs) <= 1 || c.Sig == nil || len(c.Sig.Params) == 0 {
		return builtins.Lookup(c.Name)
	}
	_, argList := c.Sig.Params[0].(*types.List)
	for _, bf := range fs {
		if len(bf.Params) == 0 {
			continue
		}
		_, paramList := bf.Params[0].Type.(*types.List)
		if paramList == argList && len(bf.Params) == len(c.Sig.Params) {
			return bf
		}
	}
	return fs[0]
}

// method compiles a method on an optional directly on stdlib.Opt:
//
//	x.get()          → x.Get()
//	x.getOrElse(d)   → x.GetOrElse(d)      (orElse too)
//	x.isSome()       → x.Ok                (isDefined too)
//	x.isNone()       → !x.Ok               (isEmpty too)
func (f *fn) method(e *ast.Call, c *check.Callee) jen.Code {
	recv, name, _ := e.MethodName()
	if _, ok := c.Recv.(*types.State); ok {
		return f.stateMethod(e, c)
	}
	if _, ok := c.Recv.(*types.Optional); !ok {
		f.g.errorf(e.Pos(), "codegen: method %s on %s", name.Name, c.Recv)
		return jen.Nil()
	}
	x := f.expr(recv)
	switch name.Name {
	case "get":
		return jen.Add(x).Dot("Get").Call()
	case "getOrElse", "orElse":
		if len(e.Args) != 1 {
			f.g.errorf(e.Pos(), "codegen: %s takes one argument", name.Name)
			return jen.Nil()
		}
		return jen.Add(x).Dot("GetOrElse").Call(f.expr(e.Args[0].Value))
	case "isSome", "isDefined":
		return jen.Add(x).Dot("Ok")
	case "isNone", "isEmpty":
		return jen.Op("!").Add(x).Dot("Ok")
	}
	f.g.errorf(name.At, "codegen: unknown method %s", name.Name)
	return jen.Nil()
}

// stateMethod compiles a method of mapWithState's State handle as the call of the
// *state.State method the builtin table names (its GoName):
//
//	state.get()          → state.Get()
//	state.getOrElse(d)   → state.GetOrElse(d)      (orElse too)
//	state.exists()       → state.Exists()
//	state.update(s)      → state.Update(s)
//	state.remove()       → state.Remove()
//	state.isTimingOut()  → state.IsTimingOut()
func (f *fn) stateMethod(e *ast.Call, c *check.Callee) jen.Code {
	recv, name, _ := e.MethodName()
	if c.Func == nil || c.Func.GoName == "" {
		f.g.errorf(name.At, "codegen: unknown method %s", name.Name)
		return jen.Nil()
	}
	x := f.expr(recv)
	args := make([]jen.Code, len(e.Args))
	for i, a := range e.Args {
		args[i] = f.typed(a.Value)
	}
	return jen.Add(x).Dot(c.Func.GoName).Call(args...)
}

// constValue evaluates a constant numeric expression (literals and + - * / on them).
func constValue(e ast.Expr) (float64, bool) {
	switch e := e.(type) {
	case *ast.IntLit:
		return float64(e.Value), true
	case *ast.FloatLit:
		return e.Value, true
	case *ast.ParenExpr:
		return constValue(e.X)
	case *ast.Unary:
		v, ok := constValue(e.X)
		return -v, ok && e.Op == "-"
	case *ast.Binary:
		x, okx := constValue(e.X)
		y, oky := constValue(e.Y)
		if !okx || !oky {
			return 0, false
		}
		switch e.Op {
		case "+":
			return x + y, true
		case "-":
			return x - y, true
		case "*":
			return x * y, true
		case "/":
			if y == 0 {
				return 0, false
			}
			return x / y, true
		}
	}
	return 0, false
}

// floatZero returns the package-level variable holding 0.0, declaring it on first use:
// dividing by it happens at run time, as IEEE 754 has it, where Go would reject a
// constant division by zero.
func (g *gen) floatZero() string {
	g.helper("floatZero", &g.funcDecls, func() jen.Code {
		return doc("floatZero is 0.0 as a variable: a float division by a constant zero is evaluated at\nrun time (giving NaN or an infinity, as in Scala) instead of being rejected by Go.").Line().
			Var().Id("floatZero").Float64()
	})
	return "floatZero"
}

// startupValue compiles an expression evaluated once at start-up, in a package-level
// initializer: a literal, env("X", default = "d"), or anything else without batchTime.
func (g *gen) startupValue(e ast.Expr) jen.Code {
	f := g.newFn()
	v := f.typed(e)
	if f.usesBatch {
		g.errorf(e.Pos(), "codegen: batchTime in a start-up value, which the checker rejects")
	}
	if len(f.stmts) > 0 {
		return jen.Func().Params().Add(g.goType(f.typeOf(e))).Block(append(f.stmts, jen.Return(v))...).Call()
	}
	return v
}

// csvPath reports whether a file path written in the program names a CSV file; other
// files are JSON lines.
func csvPath(e ast.Expr) bool {
	lit, ok := ast.Unparen(e).(*ast.StringLit)
	return ok && strings.HasSuffix(strings.ToLower(lit.Value), ".csv")
}

func isStringLit(e ast.Expr) bool {
	_, ok := ast.Unparen(e).(*ast.StringLit)
	return ok
}

// exprState is what the expression backend keeps of the checker's side tables: the
// types, uses and calls of the expressions inside lambdas and start-up values. It is the
// only part of code generation that sees the syntax tree and the checker (the
// dependency rules in architecture_test.go hold the rest to the plan).
type exprState struct {
	info    *check.Info
	lambdas map[*ast.Lambda]string
	topLets map[*check.Object]string
	// usedObjs are the objects referred to anywhere, from Info.Uses.
	usedObjs map[*check.Object]bool
}

func newExprState(info *check.Info) exprState {
	if info == nil {
		info = &check.Info{}
	}
	return exprState{info: info, lambdas: map[*ast.Lambda]string{}, topLets: map[*check.Object]string{}}
}

// goCall compiles a call of an imported Go function. Arguments convert to the Go
// parameter types (int64 to int32, rt.Time to time.Time), the result back; (T, error)
// results pass through rt.GoResult, which fails the batch on an error, naming the call
// and its position; (T, bool) results become an optional:
//
//	geo.Country(ip)
//	float64(geo.Score(int(n), float32(1.5)))
//	rt.GoResult[int64]{Call: "geo.Parse at p.stream:8:15"}.Of(geo.Parse(ip))
//	stdlib.OptOf(geo.Lookup(ip))
func (f *fn) goCall(e *ast.Call, c *check.Callee) jen.Code {
	g, gf := f.g, c.Go
	call := jen.Qual(c.Pkg.Path, gf.Name).Call(f.goArgs(e, gf)...)
	res := gf.Result
	goRes := func() jen.Code { // the Go type of the function's first result
		switch res.Conv {
		case goimport.ConvNumeric:
			return jen.Id(res.GoType)
		case goimport.ConvTime:
			return jen.Qual("time", "Time")
		case goimport.ConvPointer:
			return jen.Op("*").Add(g.goType(res.Type.(*types.Optional).Elem))
		}
		if o, ok := res.Type.(*types.Optional); ok {
			return g.goType(o.Elem)
		}
		return g.goType(res.Type)
	}
	// conv converts a value of the Go result type to its .stream type.
	conv := func(v jen.Code) jen.Code {
		elem := res.Type
		if o, ok := elem.(*types.Optional); ok {
			elem = o.Elem
		}
		switch res.Conv {
		case goimport.ConvNumeric:
			return g.goType(elem).Call(v)
		case goimport.ConvTime:
			return jen.Qual(g.rtPath, "Time").Call(jen.Add(v).Dot("UnixMilli").Call())
		case goimport.ConvPointer:
			return jen.Qual(g.stdPath, "OptOfPtr").Call(v)
		}
		return v
	}
	switch gf.Returns {
	case goimport.ReturnsWithError:
		where := c.Name + " at " + g.posString(e.Fun.(*ast.Selector).Sel.At)
		return conv(jen.Qual(g.rtPath, "GoResult").Types(goRes()).Values(jen.Id("Call").Op(":").Lit(where)).Dot("Of").Call(call))
	case goimport.ReturnsWithOK:
		opt := jen.Qual(g.stdPath, "OptOf").Call(call)
		if res.Conv == goimport.ConvNone {
			return opt
		}
		elem := res.Type.(*types.Optional).Elem
		return jen.Qual(g.stdPath, "OptMap").Call(opt, jen.Func().Params(jen.Id("v").Add(goRes())).Add(g.goType(elem)).Block(jen.Return(conv(jen.Id("v")))))
	}
	return conv(call)
}

// goArgs compiles the arguments of a Go call, converted to the Go parameter types.
func (f *fn) goArgs(e *ast.Call, gf *goimport.Func) []jen.Code {
	args := make([]jen.Code, len(e.Args))
	for i, a := range e.Args {
		x := f.typed(a.Value)
		if pr, ok := gf.Params[i].Type.(*types.Record); ok {
			if ar, ok := f.typeOf(a.Value).(*types.Record); ok && ar != pr {
				// A record of the program passed for a Go struct with the same fields:
				//	r := <arg>; geo.Point{Lat: r.Lat, Lon: r.Lon}
				r := f.fresh("r")
				f.emit(jen.Id(r).Op(":=").Add(x))
				kvs := make([]jen.Code, len(pr.GoFields))
				for k, gname := range pr.GoFields {
					kvs[k] = jen.Id(gname).Op(":").Id(r).Dot(f.g.record(ar).fields[k])
				}
				x = jen.Qual(pr.GoPath, pr.GoName).Values(kvs...)
			}
		}
		switch p := gf.Params[i]; p.Conv {
		case goimport.ConvNumeric:
			x = jen.Id(p.GoType).Call(x)
		case goimport.ConvTime:
			x = jen.Add(x).Dot("Go").Call()
		case goimport.ConvPointer:
			x = jen.Qual(f.g.stdPath, "PtrOf").Call(x)
		}
		args[i] = x
	}
	return args
}

// goSinkValue compiles the Go sink constructor call written as writeTo's argument,
// evaluated once in newJob; a generic constructor is instantiated with the stream's
// element type:
//
//	hooks.Webhook[stdlib.Tuple2[string, int64]](url)
func (g *gen) goSinkValue(x ast.Expr, elem types.Type) jen.Code {
	e, _ := ast.Unparen(x).(*ast.Call)
	var c *check.Callee
	if e != nil {
		c = g.info.Calls[e]
	}
	if c == nil || c.Kind != check.GoFunc || c.Go.Kind != goimport.FuncSink {
		g.errorf(x.Pos(), "codegen: writeTo's Go sink is not a call of a sink constructor")
		return jen.Nil()
	}
	f := g.newFn()
	fun := jen.Qual(c.Pkg.Path, c.Go.Name)
	if c.Go.Generic {
		fun = fun.Types(g.goType(elem))
	}
	v := fun.Call(f.goArgs(e, c.Go)...)
	if f.usesBatch {
		g.errorf(x.Pos(), "codegen: batchTime in a start-up value, which the checker rejects")
	}
	if len(f.stmts) > 0 {
		return jen.Func().Params().Qual(goimport.SinkPackage, "Sink").Types(g.goType(elem)).Block(append(f.stmts, jen.Return(v))...).Call()
	}
	return v
}

// goSourceValue compiles the call of a Go source constructor, evaluated once in newJob:
//
//	feed.Events(path)
func (g *gen) goSourceValue(x ast.Expr) jen.Code {
	e, _ := ast.Unparen(x).(*ast.Call)
	var c *check.Callee
	if e != nil {
		c = g.info.Calls[e]
	}
	if c == nil || c.Kind != check.GoFunc || c.Go.Kind != goimport.FuncSource {
		g.errorf(x.Pos(), "codegen: a Go source is not a call of a source constructor")
		return jen.Nil()
	}
	f := g.newFn()
	v := jen.Qual(c.Pkg.Path, c.Go.Name).Call(f.goArgs(e, c.Go)...)
	if len(f.stmts) > 0 {
		return jen.Func().Params().Qual(goimport.SourcePackage, "Source").Types(g.goType(c.Go.Elem)).Block(append(f.stmts, jen.Return(v))...).Call()
	}
	return v
}

// listMethod compiles xs.map(f), filter, flatMap, exists and forall on a list: the
// function becomes a Go closure (it may read the enclosing function's names) passed to
// the generic helper in the standard library:
//
//	stdlib.MapList(xs, func(x int64) int64 { return x + k })
func (f *fn) listMethod(e *ast.Call, c *check.Callee) jen.Code {
	recv, name, _ := e.MethodName()
	lt, _ := c.Recv.(*types.List)
	lam, _ := ast.Unparen(e.Args[0].Value).(*ast.Lambda)
	if lt == nil || lam == nil {
		f.g.errorf(e.Pos(), "codegen: %s on %s without a function", name.Name, c.Recv)
		return jen.Nil()
	}
	helper := map[string]string{"map": "MapList", "filter": "FilterList", "flatMap": "FlatMapList", "exists": "ExistsList", "forall": "ForallList"}[name.Name]
	xs := f.expr(recv)
	return jen.Qual(f.g.stdPath, helper).Call(xs, f.closure(lam, lt.Elem))
}

// closure compiles lambda l, applied to values of type arg, into a Go function literal
// within f, so that its body can use f's names. A lambda of k parameters applied to a
// k-tuple destructures it.
func (f *fn) closure(l *ast.Lambda, arg types.Type) jen.Code {
	var decl jen.Code
	body := f.sub(func() {
		if tt, ok := arg.(*types.Tuple); ok && len(l.Params) > 1 && len(tt.Elems) == len(l.Params) {
			p := f.fresh("p")
			decl = jen.Id(p).Add(f.g.goType(arg))
			for i, lp := range l.Params {
				if f.patternUsed(lp) {
					f.destructure(lp, jen.Id(p).Dot(tupleField(i)), tt.Elems[i])
				}
			}
		} else {
			decl = f.param(l.Params[0], arg)
		}
		f.into(l.Body, func(v jen.Code) jen.Code { return jen.Return(v) })
	})
	return jen.Func().Params(decl).Add(f.g.goType(f.g.lambdaResult(l))).Block(body...)
}
