package codegen

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"streamc.dev/streamc/dsl/ast"
	"streamc.dev/streamc/dsl/check"
	"streamc.dev/streamc/dsl/spec"
	"streamc.dev/streamc/dsl/types"
	"streamc.dev/streamc/planner"
)

// lambdaInfo is a lambda compiled to a top-level Go function.
type lambdaInfo struct {
	name string
	// spread says the function takes the fields of one tuple argument as separate
	// parameters: `(word, n) => ...` applied to a pair is called as f(v.F1, v.F2).
	spread int
	batch  bool // the function takes batchTime as its last parameter
	result types.Type
}

// call builds a call of the lambda's function. args are Go expressions of the operator's
// arguments; when the function spreads a tuple, args holds that tuple, which must be a
// plain variable (it is read once per field).
func (li *lambdaInfo) call(batchTime jen.Code, args ...jen.Code) *jen.Statement {
	if li.spread > 0 {
		spread := make([]jen.Code, li.spread)
		for i := range spread {
			spread[i] = jen.Add(args[0]).Dot(tupleField(i))
		}
		args = spread
	}
	if li.batch {
		args = append(args, batchTime)
	}
	return jen.Id(li.name).Call(args...)
}

// lambda compiles lambda l, an argument of operator n applied to values of the types
// args, into a Go function in funcs.go named after the operator and the lambda's position:
//
//	// map_5_20 is the function of map at wc.stream:5:20:
//	//
//	//	w => (w, 1)
//	func map_5_20(w string) stdlib.Tuple2[string, int64] {
//		return stdlib.Tuple2[string, int64]{F1: w, F2: 1}
//	}
//
// A lambda of k parameters applied to one k-tuple destructures it; tuple patterns among
// the parameters are destructured in the body; unused parameters are `_`; batchTime
// becomes a trailing parameter when the body uses it.
func (g *gen) lambda(n *planner.Op, l *ast.Lambda, args ...types.Type) *lambdaInfo {
	if l == nil {
		g.errorf(n.Pos, "codegen: %s has no function", n.Name)
		return &lambdaInfo{name: "nil"}
	}
	li := &lambdaInfo{name: g.globalFresh(fmt.Sprintf("%s_%d_%d", n.Name, l.At.Line, l.At.Col))}
	if len(l.Params) > 1 && len(args) == 1 {
		if tt, ok := args[0].(*types.Tuple); ok && len(tt.Elems) == len(l.Params) {
			li.spread = len(l.Params)
			args = tt.Elems
		}
	}
	if len(args) != len(l.Params) {
		g.errorf(l.At, "codegen: %s's function takes %d parameters, the operator passes %d", n.Name, len(l.Params), len(args))
		return li
	}
	f := g.newFn()
	f.batchTime = jen.Id("batchTime")
	params := make([]jen.Code, len(l.Params))
	for i, p := range l.Params {
		params[i] = f.param(p, args[i])
	}
	li.result = g.lambdaResult(l)
	f.into(l.Body, func(v jen.Code) jen.Code { return jen.Return(v) })
	if f.usesBatch {
		li.batch = true
		params = append(params, jen.Id("batchTime").Qual(g.rtPath, "Time"))
	}
	comment := fmt.Sprintf("%s is the function of %s at %s", li.name, n.Name, g.posString(l.At))
	if text := g.snippet(l.At); text != "" {
		comment += ":\n\n\t" + strings.ReplaceAll(text, "\n", "\n\t")
	} else {
		comment += "."
	}
	g.funcDecls = append(g.funcDecls, doc(comment).Line().
		Func().Id(li.name).Params(params...).Add(g.goType(li.result)).Block(f.stmts...))
	return li
}

// lambdaResult is the type a lambda returns.
func (g *gen) lambdaResult(l *ast.Lambda) types.Type {
	if ft, ok := g.info.Types[l].(*types.Func); ok && ft.Result != nil {
		return ft.Result
	}
	if t := g.info.Types[l.Body]; t != nil {
		return t
	}
	g.errorf(l.At, "codegen: the result type of this function is unknown")
	return types.UnitType
}

// param declares parameter p of type t and returns its Go declaration. A tuple pattern
// becomes one parameter whose used parts are bound at the top of the body:
//
//	(k, (a, b)) => ...   →   func f(k string, p2 stdlib.Tuple2[int64, int64]) { a := p2.F1; ... }
func (f *fn) param(p *ast.Param, t types.Type) jen.Code {
	if p.Name != nil {
		obj := f.g.info.Defs[p.Name]
		if obj != nil && !f.used(obj) {
			return jen.Id("_").Add(f.g.goType(t))
		}
		name := f.fresh(p.Name.Name)
		if obj != nil {
			f.names[obj] = name
		}
		return jen.Id(name).Add(f.g.goType(t))
	}
	if !f.patternUsed(p) {
		return jen.Id("_").Add(f.g.goType(t))
	}
	name := f.fresh("p")
	f.destructure(p, jen.Id(name), t)
	return jen.Id(name).Add(f.g.goType(t))
}

// destructure binds the used names of pattern p to the parts of v, of type t.
func (f *fn) destructure(p *ast.Param, v *jen.Statement, t types.Type) {
	if p.Name != nil {
		obj := f.g.info.Defs[p.Name]
		if obj != nil && !f.used(obj) {
			return
		}
		name := f.fresh(p.Name.Name)
		if obj != nil {
			f.names[obj] = name
		}
		f.emit(jen.Id(name).Op(":=").Add(v))
		return
	}
	tt, ok := t.(*types.Tuple)
	if !ok || len(tt.Elems) != len(p.Tuple) {
		f.g.errorf(p.At, "codegen: this pattern does not match %s", t)
		return
	}
	for i, sub := range p.Tuple {
		if f.patternUsed(sub) {
			f.destructure(sub, jen.Add(v).Dot(tupleField(i)), tt.Elems[i])
		}
	}
}

// patternUsed reports whether any name in pattern p is used.
func (f *fn) patternUsed(p *ast.Param) bool {
	if p.Name != nil {
		return f.used(f.g.info.Defs[p.Name])
	}
	for _, sub := range p.Tuple {
		if f.patternUsed(sub) {
			return true
		}
	}
	return false
}

// funcValue is lambda l of n as a Go function value with parameters of the types
// params, for the runtime structures that call it (a window's reduce function, an
// update function). A function that reads batchTime gets it from j.bt:
//
//	func(a int64, b int64) int64 { return reduceByWindow_5_30(a, b, j.bt) }
func (g *gen) funcValue(n *planner.Op, l *ast.Lambda, params ...types.Type) jen.Code {
	li := g.lambdaFor(n, l, params...)
	if !li.batch && li.spread == 0 {
		return jen.Id(li.name)
	}
	if li.batch {
		g.needBT = true
	}
	var decl, args []jen.Code
	if li.spread > 0 {
		// The function destructures one tuple: build it from the parameters.
		//	func(x stdlib.Tuple2[K, V]) bool { return f(x.F1, x.F2) }
		decl = append(decl, jen.Id("x").Add(g.goType(params[0])))
		args = append(args, jen.Id("x"))
	} else {
		for i, t := range params {
			name := fmt.Sprintf("a%d", i)
			decl = append(decl, jen.Id(name).Add(g.goType(t)))
			args = append(args, jen.Id(name))
		}
	}
	return jen.Func().Params(decl...).Add(g.goType(li.result)).Block(jen.Return(li.call(g.btOf(n), args...)))
}

// lambdaFor compiles a lambda of n once.
func (g *gen) lambdaFor(n *planner.Op, l *ast.Lambda, args ...types.Type) *lambdaInfo {
	if li, ok := g.job.lambdas[l]; ok {
		return li
	}
	li := g.lambda(n, l, args...)
	g.job.lambdas[l] = li
	return li
}

// reduceFn is the reduce function of a keyed reduce or a window: the operators whose
// combine code generation shares (keyedCombine, the partial reduce of a gather).
func reduceFn(n *planner.Op) *ast.Lambda {
	switch sp := n.Spec.(type) {
	case *spec.Keyed:
		return sp.Fn
	case *spec.Window:
		return sp.Fn
	case *spec.Func:
		return sp.Fn
	}
	return nil
}

func (g *gen) flatLoop(n *planner.Op, t types.Type) *flatLoop {
	l := funcSpec(n).Fn
	if l == nil {
		return nil
	}
	call, ok := ast.Unparen(l.Body).(*ast.Call)
	if !ok {
		return nil
	}
	callee := g.info.Calls[call]
	if callee == nil || callee.Kind != check.BuiltinFunc || callee.Func == nil {
		return nil
	}
	// Arguments by name or position, as the builtin's parameters list them.
	args := map[string]ast.Expr{}
	for k, a := range call.Args {
		switch {
		case a.Name != nil:
			args[a.Name.Name] = a.Value
		case k < len(callee.Func.Params):
			args[callee.Func.Params[k].Name] = a.Value
		}
	}
	// sub compiles argument e: the element itself when e is the lambda's one parameter, a
	// literal as is, anything else as a function of the element.
	self := func(e ast.Expr) bool {
		x, ok := ast.Unparen(e).(*ast.Ident)
		if !ok {
			return false
		}
		obj := g.info.Uses[x]
		return obj != nil && obj.Kind == check.ParamObject && len(l.Params) == 1 &&
			l.Params[0].Name != nil && g.info.Defs[l.Params[0].Name] == obj
	}
	sub := func(e ast.Expr) func(bt jen.Code, v string) jen.Code {
		if x, ok := ast.Unparen(e).(*ast.StringLit); ok {
			return func(jen.Code, string) jen.Code { return jen.Lit(x.Value) }
		}
		if self(e) {
			return func(_ jen.Code, v string) jen.Code { return jen.Id(v) }
		}
		li := g.lambda(n, &ast.Lambda{At: l.At, Params: l.Params, Body: e}, t)
		return func(bt jen.Code, v string) jen.Code { return li.call(bt, jen.Id(v)) }
	}
	switch {
	case callee.Func.Name == "words" && len(call.Args) == 1:
		if s, ok := args["s"]; ok && basicKind(g.info.Types[s]) == types.String {
			return &flatLoop{kind: "words", arg: sub(s), self: self(s)}
		}
	case callee.Func.Name == "split" && len(call.Args) == 2:
		s, sep := args["s"], args["sep"]
		if s != nil && sep != nil && basicKind(g.info.Types[s]) == types.String && basicKind(g.info.Types[sep]) == types.String {
			return &flatLoop{kind: "split", arg: sub(s), sep: sub(sep)}
		}
	}
	return nil
}

// lambdaMemo holds the Go function compiled for each lambda of a job.
type lambdaMemo map[*ast.Lambda]*lambdaInfo

// wordPairValue recognises map(w => (w, c)) where c does not read w (nor batchTime), and
// returns how to compile c in a stage's function: the value a fused word count
// (combineWords) pairs with every word of an element.
func (g *gen) wordPairValue(m *planner.Op) (func(f *fn) jen.Code, bool) {
	l := funcSpec(m).Fn
	if l == nil || len(l.Params) != 1 || l.Params[0].Name == nil {
		return nil, false
	}
	tup, ok := ast.Unparen(l.Body).(*ast.TupleLit)
	if !ok || len(tup.Elems) != 2 {
		return nil, false
	}
	word := g.info.Defs[l.Params[0].Name]
	if id, ok := ast.Unparen(tup.Elems[0]).(*ast.Ident); !ok || word == nil || g.info.Uses[id] != word {
		return nil, false
	}
	reads := false
	ast.Inspect(tup.Elems[1], func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if o := g.info.Uses[id]; o == word || o != nil && o.Kind == check.BatchTimeObject {
				reads = true
			}
		}
		return !reads
	})
	if reads {
		return nil, false
	}
	e := tup.Elems[1]
	return func(f *fn) jen.Code { return f.typed(e) }, true
}

// isSumLambda reports whether l is (a, b) => a + b (or b + a): the reduce function that
// rt.CountWords applies in place, without a call per word. The operands must be the
// parameters themselves, so that nothing else (a conversion, a constant, a call) is lost.
func (g *gen) isSumLambda(l *ast.Lambda) bool {
	a, b, ok := g.twoParams(l)
	if !ok {
		return false
	}
	bin, ok := ast.Unparen(l.Body).(*ast.Binary)
	return ok && bin.Op == "+" &&
		(g.isParam(bin.X, a) && g.isParam(bin.Y, b) || g.isParam(bin.X, b) && g.isParam(bin.Y, a))
}

// twoParams returns the objects of the two named parameters of l.
func (g *gen) twoParams(l *ast.Lambda) (a, b *check.Object, ok bool) {
	if l == nil || len(l.Params) != 2 || l.Params[0].Name == nil || l.Params[1].Name == nil {
		return nil, nil, false
	}
	a, b = g.info.Defs[l.Params[0].Name], g.info.Defs[l.Params[1].Name]
	return a, b, a != nil && b != nil
}

// isParam reports whether e is (in parentheses or not) the parameter o itself.
func (g *gen) isParam(e ast.Expr, o *check.Object) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && g.info.Uses[id] == o
}

// isRunningSumLambda reports whether l is updateStateByKey's running sum of word count,
// (news, total) => some(sum(news) + total.getOrElse(0)) (or orElse(0), which also gives
// the int; the operands of + in either order): state.SumID adds each value to its key's
// state at once instead of grouping the batch's values and calling the function per
// key. Anything else (another default, a conversion, a third parameter) is called as
// written.
func (g *gen) isRunningSumLambda(l *ast.Lambda) bool {
	news, total, ok := g.twoParams(l)
	if !ok {
		return false
	}
	some, ok := g.builtinCall(l.Body, "some", 1)
	if !ok {
		return false
	}
	bin, ok := ast.Unparen(some.Args[0].Value).(*ast.Binary)
	if !ok || bin.Op != "+" {
		return false
	}
	isSum := func(e ast.Expr) bool {
		c, ok := g.builtinCall(e, "sum", 1)
		return ok && g.isParam(c.Args[0].Value, news)
	}
	isTotal := func(e ast.Expr) bool {
		c, ok := ast.Unparen(e).(*ast.Call)
		if !ok || len(c.Args) != 1 || c.Args[0].Name != nil {
			return false
		}
		callee := g.info.Calls[c]
		sel, ok := c.Fun.(*ast.Selector)
		if !ok || callee == nil || callee.Kind != check.ValueMethod || callee.Name != "getOrElse" && callee.Name != "orElse" ||
			callee.Sig == nil || !types.Identical(callee.Sig.Result, types.IntType) || !g.isParam(sel.X, total) {
			return false
		}
		zero, ok := ast.Unparen(c.Args[0].Value).(*ast.IntLit)
		return ok && zero.Value == 0
	}
	return isSum(bin.X) && isTotal(bin.Y) || isTotal(bin.X) && isSum(bin.Y)
}

// builtinCall returns e as a call of the builtin function name with n positional
// arguments.
func (g *gen) builtinCall(e ast.Expr, name string, n int) (*ast.Call, bool) {
	c, ok := ast.Unparen(e).(*ast.Call)
	if !ok || len(c.Args) != n {
		return nil, false
	}
	for _, a := range c.Args {
		if a.Name != nil {
			return nil, false
		}
	}
	callee := g.info.Calls[c]
	return c, callee != nil && callee.Kind == check.BuiltinFunc && callee.Name == name
}
