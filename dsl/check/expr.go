package check

import (
	"math"
	"strconv"
	"strings"

	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl/ast"
	"streamc.dev/streamc/dsl/builtins"
	"streamc.dev/streamc/dsl/types"
)

// expr checks e and records its type. want, when not nil, is the type the context
// expects: it gives `none`, `[]` and lambdas their types (bidirectional checking). The
// caller still checks the result against want.
func (c *checker) expr(e ast.Expr, want types.Type) types.Type {
	t := c.expr1(e, want)
	if t == nil {
		t = types.InvalidType
	}
	c.info.Types[e] = t
	return t
}

// value checks e as a value: an expression that has one (state.update(x) has none).
func (c *checker) value(e ast.Expr, want types.Type) types.Type {
	t := c.expr(e, want)
	if isUnit(c.shallow(t)) {
		c.errorf(e.Pos(), "%s (no value) used as value", exprString(e))
		return types.InvalidType
	}
	return t
}

func isUnit(t types.Type) bool {
	b, ok := t.(*types.Basic)
	return ok && b.Kind == types.Unit
}

// assign checks that a value of type got may stand where want is expected; context
// names the place for the message ("argument sep of split").
func (c *checker) assign(e ast.Expr, got, want types.Type, context string) bool {
	if want == nil || c.unify(got, want) {
		return true
	}
	c.errorf(e.Pos(), "cannot use %s (%s) as %s in %s%s", exprString(e), c.typeString(got), c.typeString(want), context, conversionHint(c.resolve(got), c.resolve(want)))
	c.poison(got)
	c.poison(want)
	return false
}

// conversionHint suggests the explicit conversion .stream requires instead of the
// implicit ones it does not do.
func conversionHint(got, want types.Type) string {
	switch {
	case types.Identical(got, types.IntType) && types.Identical(want, types.FloatType):
		return ": convert it with toFloat(x)"
	case types.Identical(got, types.FloatType) && types.Identical(want, types.IntType):
		return ": convert it with toInt(x) or round(x)"
	}
	if o, ok := want.(*types.Optional); ok && types.Identical(o.Elem, got) {
		return ": wrap it with some(x)"
	}
	if o, ok := got.(*types.Optional); ok && types.Identical(o.Elem, want) {
		return ": unwrap it with .getOrElse(default)"
	}
	return ""
}

func (c *checker) expr1(e ast.Expr, want types.Type) types.Type {
	switch e := e.(type) {
	case *ast.IntLit:
		return types.IntType
	case *ast.FloatLit:
		return types.FloatType
	case *ast.StringLit:
		return types.StringType
	case *ast.DurationLit:
		return types.DurationType
	case *ast.BoolLit:
		return types.BoolType
	case *ast.NoneLit:
		if o, ok := c.shallow(want).(*types.Optional); ok {
			return o
		}
		return &types.Optional{Elem: c.newVar("cannot infer the type of none: use it where an optional of known type is expected, e.g. if ok { some(1) } else { none }", e.At)}
	case *ast.ParenExpr:
		t := c.expr(e.X, want)
		if n := c.info.Streams[e.X]; n != nil {
			c.info.Streams[e] = n
		}
		if r := c.resources[e.X]; r != nil {
			c.resources[e] = r
		}
		return t
	case *ast.Ident:
		return c.ident(e)
	case *ast.TupleLit:
		if n := len(e.Elems); n > types.MaxTuple {
			c.errorf(e.At, "a tuple has at most %d elements; this one has %d: use a record type", types.MaxTuple, n)
			for _, x := range e.Elems {
				c.value(x, nil)
			}
			return types.InvalidType
		}
		var wants []types.Type
		if tt, ok := c.shallow(want).(*types.Tuple); ok && len(tt.Elems) == len(e.Elems) {
			wants = tt.Elems
		}
		elems := make([]types.Type, len(e.Elems))
		for i, x := range e.Elems {
			var w types.Type
			if wants != nil {
				w = wants[i]
			}
			elems[i] = c.value(x, w)
		}
		return &types.Tuple{Elems: elems}
	case *ast.ListLit:
		return c.listLit(e, want)
	case *ast.RecordLit:
		return c.recordLit(e)
	case *ast.Selector:
		return c.selector(e)
	case *ast.Index:
		xt := c.shallow(c.value(e.X, nil))
		it := c.value(e.Index, types.IntType)
		c.assign(e.Index, it, types.IntType, "index")
		switch xt := xt.(type) {
		case *types.List:
			return xt.Elem
		case *types.Tuple:
			c.errorf(e.Index.Pos(), "cannot index a tuple: select its elements with ._1, ._2, ...")
			return types.InvalidType
		}
		if types.Identical(xt, types.StringType) && !types.IsInvalid(xt) {
			c.errorf(e.X.Pos(), "cannot index a string: use substr(s, start, end)")
			return types.InvalidType
		}
		if !types.IsInvalid(xt) {
			c.errorf(e.X.Pos(), "cannot index %s (%s): only lists can be indexed", exprString(e.X), c.typeString(xt))
		}
		return types.InvalidType
	case *ast.Unary:
		return c.unary(e)
	case *ast.Binary:
		return c.binary(e)
	case *ast.IfExpr:
		return c.ifExpr(e, want)
	case *ast.Block:
		return c.block(e, want)
	case *ast.Lambda:
		c.errorf(e.At, "a function can only be an argument of an operator, such as map(x => ...)")
		return types.InvalidType
	case *ast.Call:
		if recv, name, ok := e.MethodName(); ok {
			if id, pkg := c.goPackage(recv); pkg != nil {
				return c.goCall(e, id, name, pkg, want)
			}
			return c.methodCall(e, recv, name, want)
		}
		id, ok := e.Fun.(*ast.Ident)
		if !ok {
			c.value(e.Fun, nil)
			c.errorf(e.Fun.Pos(), "cannot call %s: only builtin functions, sources, sinks and methods can be called", exprString(e.Fun))
			return types.InvalidType
		}
		return c.funcCall(e, id, want)
	}
	return types.InvalidType
}

// lookup finds a name in the current scope.
func (c *checker) lookup(name string) *Object {
	return c.scope().lookup(name)
}

func (c *checker) ident(e *ast.Ident) types.Type {
	obj := c.lookup(e.Name)
	if obj == nil && e.Name == "batchTime" {
		if c.inFunc > 0 {
			c.info.Uses[e] = c.batchTm
			return types.TimeType
		}
		c.errorf(e.At, "batchTime is only available inside a function, where it is the time of the batch being computed")
		return types.InvalidType
	}
	if obj != nil {
		c.info.Uses[e] = obj
		c.used[obj] = true
		if obj.Kind == PackageObject {
			c.errorf(e.At, "%s is a Go package, not a value: call its functions, as %s.Name(x)", e.Name, e.Name)
			return types.InvalidType
		}
		if obj.Kind == StreamBinding && c.inFunc > 0 {
			c.errorf(e.At, "stream %s cannot be used inside a function: combine streams with join, union or cogroup", e.Name)
			return types.InvalidType
		}
		if r := c.resources[obj.declIdent()]; r != nil {
			c.resources[e] = r
		}
		if obj.Node != nil {
			c.info.Streams[e] = obj.Node
		}
		return obj.Type
	}
	if l := c.later[e.Name]; l != nil {
		c.errorf(e.At, "%s used before its declaration at line %d", e.Name, l.Pos().Line)
		return types.InvalidType
	}
	if _, ok := c.records[e.Name]; ok {
		c.errorf(e.At, "%s is a type, not a value: write a record as %s{field: value, ...}", e.Name, e.Name)
		return types.InvalidType
	}
	if builtins.Lookup(e.Name) != nil || len(builtins.LookupOps(e.Name)) > 0 && !builtins.LookupOps(e.Name)[0].Method {
		c.errorf(e.At, "%s is a function: call it, as in %s(...)", e.Name, e.Name)
		return types.InvalidType
	}
	c.errorf(e.At, "undefined name %q%s", e.Name, didYouMean(e.Name, append(c.valueNames(), funcNames()...)))
	return types.InvalidType
}

// declIdent returns the identifier that declared o, the key of the checker's resource
// map for let-bound tables, connections and sinks.
func (o *Object) declIdent() ast.Expr {
	if l, ok := o.Decl.(*ast.LetDecl); ok {
		return l.Name
	}
	return nil
}

// valueNames lists the names a value may be: visible bindings, batchTime in functions.
func (c *checker) valueNames() []string {
	names := c.scope().names()
	if c.inFunc > 0 {
		names = append(names, "batchTime")
	}
	return names
}

// funcNames lists the functions a call may name: builtins, sources, tables, sinks.
func funcNames() []string {
	var names []string
	for _, f := range builtins.Funcs {
		names = append(names, f.Name)
	}
	for _, o := range builtins.Ops {
		if !o.Method {
			names = append(names, o.Name)
		}
	}
	return names
}

func (c *checker) listLit(e *ast.ListLit, want types.Type) types.Type {
	var elem types.Type
	given := false
	if l, ok := c.shallow(want).(*types.List); ok {
		elem, given = l.Elem, true
	} else {
		elem = c.newVar("cannot infer the element type of an empty list: use it where a list of known type is expected", e.At)
	}
	for _, x := range e.Elems {
		t := c.value(x, c.resolve(elem))
		if given {
			c.assign(x, t, elem, "list element")
			continue
		}
		if !c.unify(elem, t) {
			c.errorf(x.Pos(), "list elements have different types: %s and %s", c.typeString(elem), c.typeString(t))
			c.poison(t)
		}
	}
	return &types.List{Elem: elem}
}

func (c *checker) recordLit(e *ast.RecordLit) types.Type {
	r, ok := c.records[e.Type.Name]
	if !ok {
		if e.Type.Name == builtins.KafkaRecord.Name {
			r = builtins.KafkaRecord
		} else {
			c.errorf(e.Type.At, "undefined type %q%s", e.Type.Name, didYouMean(e.Type.Name, c.typeNames()))
			for _, f := range e.Fields {
				c.value(f.Value, nil)
			}
			return types.InvalidType
		}
	}
	c.info.Uses[e.Type] = &Object{Kind: RecordObject, Name: r.Name, Pos: c.recordPos[r.Name], Type: r}
	seen := map[string]bool{}
	for _, f := range e.Fields {
		i := r.FieldIndex(f.Name.Name)
		if i < 0 {
			c.errorf(f.Name.At, "type %s has no field %q%s", r.Name, f.Name.Name, didYouMean(f.Name.Name, fieldNames(r)))
			c.value(f.Value, nil)
			continue
		}
		if seen[f.Name.Name] {
			c.errorf(f.Name.At, "field %s given twice", f.Name.Name)
		}
		seen[f.Name.Name] = true
		ft := r.Fields[i].Type
		c.assign(f.Value, c.value(f.Value, ft), ft, "field "+f.Name.Name+" of "+r.Name)
	}
	var missing []string
	for _, f := range r.Fields {
		if _, opt := f.Type.(*types.Optional); !seen[f.Name] && !opt {
			missing = append(missing, f.Name)
		}
	}
	if len(missing) > 0 {
		c.errorf(e.Type.At, "missing %s in %s literal: %s (only optional fields may be left out)", plural(len(missing), "field"), r.Name, strings.Join(missing, ", "))
	}
	return r
}

func fieldNames(r *types.Record) []string {
	names := make([]string, len(r.Fields))
	for i, f := range r.Fields {
		names[i] = f.Name
	}
	return names
}

func (c *checker) selector(e *ast.Selector) types.Type {
	xt := c.shallow(c.value(e.X, nil))
	name := e.Sel.Name
	switch t := xt.(type) {
	case *types.Record:
		if i := t.FieldIndex(name); i >= 0 {
			return t.Fields[i].Type
		}
		c.errorf(e.Sel.At, "type %s has no field %q%s", t.Name, name, didYouMean(name, fieldNames(t)))
		return types.InvalidType
	case *types.Tuple:
		if strings.HasPrefix(name, "_") {
			if i, err := strconv.Atoi(name[1:]); err == nil && i >= 1 {
				if i <= len(t.Elems) {
					return t.Elems[i-1]
				}
				c.errorf(e.Sel.At, "%s has no element %s: it has %s, _1 to _%d", c.typeString(t), name, plural(len(t.Elems), "element"), len(t.Elems))
				return types.InvalidType
			}
		}
		c.errorf(e.Sel.At, "%s has no field %q: select tuple elements with ._1 to ._%d, or name them in the lambda's parameters", c.typeString(t), name, len(t.Elems))
		return types.InvalidType
	case *types.Stream:
		if len(builtins.LookupOps(name)) > 0 {
			c.errorf(e.Sel.At, "%s is an operator: call it, as in .%s(...)", name, name)
		} else {
			c.errorf(e.Sel.At, "%s has no field %q: to work on each element use .map(x => x.%s)", c.typeString(t), name, name)
		}
		return types.InvalidType
	case *types.Optional:
		c.errorf(e.Sel.At, "cannot select %s of the optional %s: unwrap it first with .get() or .getOrElse(default)", name, c.typeString(t))
		return types.InvalidType
	}
	if !types.IsInvalid(xt) {
		c.errorf(e.Sel.At, "%s has no field %q", c.typeString(xt), name)
	}
	return types.InvalidType
}

func (c *checker) unary(e *ast.Unary) types.Type {
	t := c.shallow(c.value(e.X, nil))
	if types.IsInvalid(t) {
		return types.InvalidType
	}
	switch e.Op {
	case "-":
		if types.IsNumeric(t) || types.Identical(t, types.DurationType) {
			return t
		}
		c.errorf(e.At, "operator - not defined on %s (%s): it needs a number or a duration", exprString(e.X), c.typeString(t))
	case "!":
		if types.Identical(t, types.BoolType) {
			return t
		}
		c.errorf(e.At, "operator ! not defined on %s (%s): it needs a bool", exprString(e.X), c.typeString(t))
	}
	return types.InvalidType
}

// binary types `x op y`. There is no implicit conversion between int and float: mixing
// them is an error that suggests toFloat. Strings concatenate with +; times and
// durations follow Go's arithmetic (time - time = duration, time + duration = time).
func (c *checker) binary(e *ast.Binary) types.Type {
	var xt, yt types.Type
	// `x == none` needs x's type to type the none, so the none side goes second.
	if _, isNone := ast.Unparen(e.X).(*ast.NoneLit); isNone {
		yt = c.value(e.Y, nil)
		xt = c.value(e.X, yt)
	} else {
		xt = c.value(e.X, nil)
		yt = c.value(e.Y, xt)
	}
	if types.IsInvalid(c.shallow(xt)) || types.IsInvalid(c.shallow(yt)) {
		return types.InvalidType
	}
	switch e.Op {
	case "&&", "||":
		if types.Identical(c.shallow(xt), types.BoolType) && types.Identical(c.shallow(yt), types.BoolType) {
			return types.BoolType
		}
		c.errorf(e.OpPos, "operator %s needs bool operands, got %s and %s", e.Op, c.typeString(xt), c.typeString(yt))
		return types.InvalidType
	case "==", "!=":
		if !c.unify(xt, yt) {
			c.errorf(e.OpPos, "cannot compare %s and %s with %s: the types differ%s", c.typeString(xt), c.typeString(yt), e.Op, mixHint(c.resolve(xt), c.resolve(yt)))
			return types.InvalidType
		}
		if t := c.resolve(xt); c.known(t) && !types.Comparable(t) {
			c.errorf(e.OpPos, "cannot compare %s values with %s", c.typeString(t), e.Op)
			return types.InvalidType
		}
		return types.BoolType
	case "<", "<=", ">", ">=":
		if !c.unify(xt, yt) {
			c.errorf(e.OpPos, "cannot compare %s and %s with %s: the types differ%s", c.typeString(xt), c.typeString(yt), e.Op, mixHint(c.resolve(xt), c.resolve(yt)))
			return types.InvalidType
		}
		if t := c.resolve(xt); c.known(t) && !types.Ordered(t) {
			c.errorf(e.OpPos, "operator %s not defined on %s: it is not an ordered type", e.Op, c.typeString(t))
			return types.InvalidType
		}
		return types.BoolType
	}
	// Arithmetic. Unknown operands (a state not inferred yet) take the other's type.
	x, y := c.shallow(xt), c.shallow(yt)
	if _, ok := x.(*types.TypeVar); ok {
		c.unify(x, y)
	} else if _, ok := y.(*types.TypeVar); ok {
		c.unify(y, x)
	}
	x, y = c.resolve(xt), c.resolve(yt)
	is := func(t types.Type, k types.BasicKind) bool {
		b, ok := t.(*types.Basic)
		return ok && b.Kind == k
	}
	switch e.Op {
	case "+":
		lx, xList := x.(*types.List)
		ly, yList := y.(*types.List)
		switch {
		case xList && yList:
			// List concatenation: the elements must have one type ([] + xs infers it).
			if c.unify(lx.Elem, ly.Elem) {
				return &types.List{Elem: c.resolve(lx.Elem)}
			}
		case is(x, types.Time) && is(y, types.Duration), is(x, types.Duration) && is(y, types.Time):
			return types.TimeType
		case types.Identical(x, y) && (types.IsNumeric(x) || is(x, types.String) || is(x, types.Duration)):
			return x
		}
	case "-":
		switch {
		case is(x, types.Time) && is(y, types.Time):
			return types.DurationType
		case is(x, types.Time) && is(y, types.Duration):
			return types.TimeType
		case types.Identical(x, y) && (types.IsNumeric(x) || is(x, types.Duration)):
			return x
		}
	case "*":
		switch {
		case is(x, types.Duration) && is(y, types.Int), is(x, types.Int) && is(y, types.Duration):
			return types.DurationType
		case types.Identical(x, y) && types.IsNumeric(x):
			return x
		}
	case "/":
		switch {
		case is(x, types.Duration) && is(y, types.Int):
			c.divisorNotZero(e)
			return types.DurationType
		case types.Identical(x, y) && types.IsNumeric(x):
			if is(x, types.Int) {
				c.divisorNotZero(e)
			}
			return x
		}
	case "%":
		if is(x, types.Int) && is(y, types.Int) {
			c.divisorNotZero(e)
			return x
		}
		if types.Identical(x, y) && is(x, types.Float) {
			c.errorf(e.OpPos, "operator %% not defined on float: it needs ints")
			return types.InvalidType
		}
	}
	if types.IsNumeric(x) && types.IsNumeric(y) {
		c.errorf(e.OpPos, "mismatched types %s and %s in %s: there is no implicit conversion; convert the int with toFloat(x)", c.typeString(x), c.typeString(y), e.Op)
		return types.InvalidType
	}
	if !types.Identical(x, y) {
		c.errorf(e.OpPos, "mismatched types %s and %s in %s", c.typeString(x), c.typeString(y), e.Op)
		return types.InvalidType
	}
	c.errorf(e.OpPos, "operator %s not defined on %s", e.Op, c.typeString(x))
	return types.InvalidType
}

func mixHint(x, y types.Type) string {
	if types.IsNumeric(x) && types.IsNumeric(y) {
		return "; convert the int with toFloat(x)"
	}
	return ""
}

func (c *checker) ifExpr(e *ast.IfExpr, want types.Type) types.Type {
	ct := c.value(e.Cond, types.BoolType)
	c.assign(e.Cond, ct, types.BoolType, "if condition")
	t1 := c.block(e.Then, want)
	w := want
	if w == nil {
		w = t1
	}
	t2 := c.expr(e.Else, w)
	if isUnit(c.shallow(t2)) {
		c.errorf(e.Else.Pos(), "else branch has no value")
		return types.InvalidType
	}
	if !c.unify(t1, t2) {
		c.errorf(e.Else.Pos(), "if and else branches have different types: %s and %s", c.typeString(t1), c.typeString(t2))
		c.poison(t1)
		c.poison(t2)
		return types.InvalidType
	}
	return t1
}

// block checks `{ stmts; result }` in a new scope.
func (c *checker) block(b *ast.Block, want types.Type) types.Type {
	s := c.push()
	defer c.pop()
	for _, st := range b.Stmts {
		switch st := st.(type) {
		case *ast.LetDecl:
			if _, ok := ast.Unparen(st.Value).(*ast.Lambda); ok {
				c.errorf(st.Value.Pos(), "a function cannot be bound by let: write it where it is used, as an operator argument")
				c.declare(s, st.Name, ValueBinding, types.InvalidType, st, nil)
				continue
			}
			t := c.value(st.Value, nil)
			c.declare(s, st.Name, ValueBinding, t, st, nil)
		case *ast.ExprStmt:
			t := c.shallow(c.expr(st.X, nil))
			if !isUnit(t) && !types.IsInvalid(t) {
				c.errorf(st.Pos(), "value of %s is not used: a block's statements are lets and calls such as state.update(x); its last line is its value", exprString(st.X))
			}
		}
	}
	if b.Result == nil {
		c.errorf(b.At, "block has no value: end it with the expression it evaluates to")
		return types.InvalidType
	}
	return c.value(b.Result, want)
}

func (c *checker) scope() *scope {
	return c.scopes[len(c.scopes)-1]
}

func (c *checker) push() *scope {
	s := &scope{parent: c.scope(), objs: map[string]*Object{}}
	c.scopes = append(c.scopes, s)
	return s
}

func (c *checker) pop() { c.scopes = c.scopes[:len(c.scopes)-1] }

// lambda checks a function argument against the parameter types its operator gives
// (params) and the result it expects (want, nil when the body decides). A lambda of k
// parameters applied to one k-tuple destructures it. It returns the lambda and its
// result type; a non-lambda argument is an error.
func (c *checker) lambda(e ast.Expr, what string, params []types.Type, want types.Type) (*ast.Lambda, types.Type) {
	lam, ok := ast.Unparen(e).(*ast.Lambda)
	if !ok {
		c.value(e, nil)
		if !types.IsInvalid(c.info.Types[e]) {
			c.errorf(e.Pos(), "%s must be a function such as %s, not %s", what, lambdaExample(len(params)), exprString(e))
		}
		return nil, types.InvalidType
	}
	n := len(lam.Params)
	bindTo := params
	if n != len(params) {
		if len(params) == 1 {
			if tt, ok := c.shallow(params[0]).(*types.Tuple); ok && len(tt.Elems) == n {
				bindTo = tt.Elems
			}
		}
	}
	if len(bindTo) != n {
		if len(params) == 1 {
			if tt, ok := c.shallow(params[0]).(*types.Tuple); ok {
				c.errorf(lam.At, "%s takes 1 parameter of type %s (or %d naming its parts), but this function has %d", what, c.typeString(tt), len(tt.Elems), n)
				return lam, types.InvalidType
			}
		}
		c.errorf(lam.At, "%s takes %s (%s), but this function has %d", what, plural(len(params), "parameter"), c.typeList(params), n)
		return lam, types.InvalidType
	}
	s := c.push()
	c.inFunc++
	defer func() { c.inFunc--; c.pop() }()
	ptypes := make([]types.Type, n)
	for i, p := range lam.Params {
		ptypes[i] = c.param(s, p, bindTo[i], what)
	}
	var res types.Type
	if b, ok := lam.Body.(*ast.Block); ok {
		res = c.block(b, want)
		c.info.Types[b] = res
	} else {
		res = c.value(lam.Body, want)
	}
	c.info.Types[lam] = &types.Func{Params: params, Result: res}
	return lam, res
}

func lambdaExample(n int) string {
	switch n {
	case 1:
		return "x => ..."
	case 2:
		return "(a, b) => ..."
	}
	return "(a, b, c) => ..."
}

func (c *checker) typeList(ts []types.Type) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = c.typeString(t)
	}
	return strings.Join(parts, ", ")
}

// param binds one lambda parameter (a name, or a destructuring pattern) to type t.
func (c *checker) param(s *scope, p *ast.Param, t types.Type, what string) types.Type {
	if p.Name != nil {
		if p.Type != nil {
			ann := c.typeExpr(p.Type, true)
			if !c.unify(ann, t) {
				c.errorf(p.Type.Pos(), "parameter %s is declared %s, but %s passes %s", p.Name.Name, c.typeString(ann), what, c.typeString(t))
				c.poison(t)
			}
		}
		c.declare(s, p.Name, ParamObject, t, p, nil)
		return t
	}
	tt, ok := c.shallow(t).(*types.Tuple)
	if !ok || len(tt.Elems) != len(p.Tuple) {
		if !types.IsInvalid(c.shallow(t)) {
			c.errorf(p.At, "cannot destructure %s into %s", c.typeString(t), plural(len(p.Tuple), "part"))
		}
		for _, q := range p.Tuple {
			c.param(s, q, types.InvalidType, what)
		}
		return types.InvalidType
	}
	for i, q := range p.Tuple {
		c.param(s, q, tt.Elems[i], what)
	}
	return t
}

// paramSpec is a parameter for argument binding.
type paramSpec struct {
	name     string
	optional bool
	typ      string // shown when the argument is missing
}

func funcSpecs(f *builtins.Func) []paramSpec {
	ps := make([]paramSpec, len(f.Params))
	for i, p := range f.Params {
		ps[i] = paramSpec{name: p.Name, optional: p.Default != "", typ: p.Type.String()}
	}
	return ps
}

// bindArgs matches a call's arguments to parameters: named ones by name, then
// positional ones to the remaining parameters in order (so `mapWithState(timeout = 30m,
// f)` binds f). With variadic, the last parameter takes every further positional
// argument (returned in extra). ok is false after an error.
func (c *checker) bindArgs(what string, pos diag.Pos, call *ast.Call, params []paramSpec, variadic bool) (bound []ast.Expr, extra []ast.Expr, ok bool) {
	bound = make([]ast.Expr, len(params))
	ok = true
	names := make([]string, len(params))
	for i, p := range params {
		names[i] = p.name
	}
	for _, a := range call.Args {
		if a.Name == nil {
			continue
		}
		i := indexOf(names, a.Name.Name)
		if i < 0 || variadic && i == len(params)-1 {
			c.errorf(a.Name.At, "%s has no parameter %q%s", what, a.Name.Name, didYouMean(a.Name.Name, names))
			ok = false
			continue
		}
		if bound[i] != nil {
			c.errorf(a.Name.At, "argument %s given twice", a.Name.Name)
			ok = false
			continue
		}
		bound[i] = a.Value
	}
	next := 0
	for _, a := range call.Args {
		if a.Name != nil {
			continue
		}
		for next < len(params) && bound[next] != nil {
			next++
		}
		if next < len(params) {
			bound[next] = a.Value
			next++
			continue
		}
		if variadic && len(params) > 0 {
			extra = append(extra, a.Value)
			continue
		}
		c.errorf(a.Value.Pos(), "too many arguments in call to %s: it takes %s", what, describeParams(params))
		return bound, extra, false
	}
	var missing []string
	for i, p := range params {
		if bound[i] == nil && !p.optional {
			missing = append(missing, p.name+" ("+p.typ+")")
		}
	}
	if len(missing) > 0 {
		c.errorf(pos, "not enough arguments in call to %s: missing %s", what, strings.Join(missing, ", "))
		ok = false
	}
	return bound, extra, ok
}

func describeParams(ps []paramSpec) string {
	if len(ps) == 0 {
		return "no arguments"
	}
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.name
		if p.optional {
			parts[i] += " = ..."
		}
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func indexOf(names []string, name string) int {
	for i, n := range names {
		if n == name {
			return i
		}
	}
	return -1
}

// funcCall checks `name(args)`: a builtin function, or a source, table, connection or
// sink (which stream.go handles).
func (c *checker) funcCall(e *ast.Call, id *ast.Ident, want types.Type) types.Type {
	if obj := c.lookup(id.Name); obj != nil {
		c.info.Uses[id] = obj
		c.used[obj] = true
		c.errorf(id.At, "cannot call %s: it is a %s, not a function", id.Name, c.typeString(obj.Type))
		return types.InvalidType
	}
	var ops []*builtins.Op
	for _, o := range builtins.LookupOps(id.Name) {
		if !o.Method {
			ops = append(ops, o)
		}
	}
	if len(ops) > 0 {
		return c.streamFunc(e, id, ops)
	}
	fs := builtins.Overloads(id.Name)
	if len(fs) == 0 {
		if id.Name == "deadLetter" {
			c.errorf(id.At, "deadLetter(path) is only valid as an onBadRecord value")
		} else {
			c.errorf(id.At, "undefined function %q%s", id.Name, didYouMean(id.Name, funcNames()))
		}
		for _, a := range e.Args {
			if _, ok := ast.Unparen(a.Value).(*ast.Lambda); !ok {
				c.value(a.Value, nil)
			}
		}
		return types.InvalidType
	}
	f := fs[0]
	var first types.Type
	if len(fs) > 1 && len(e.Args) > 0 && e.Args[0].Name == nil {
		first = c.value(e.Args[0].Value, nil)
		ft := c.shallow(first)
		f = nil
		for _, cand := range fs {
			if sameShape(cand.Params[0].Type, ft) {
				f = cand
				break
			}
		}
		if f == nil {
			if !types.IsInvalid(ft) {
				alts := make([]string, len(fs))
				for i, cand := range fs {
					alts[i] = cand.Params[0].Type.String()
				}
				c.errorf(e.Args[0].Value.Pos(), "%s takes %s as its first argument, not %s", id.Name, strings.Join(alts, " or "), c.typeString(ft))
			}
			return types.InvalidType
		}
	}
	return c.callFunc(e, id.At, f, nil, first, want)
}

// sameShape reports whether an argument of type t could match parameter type p at the
// top level (string against string, a list against a list), to pick an overload.
func sameShape(p, t types.Type) bool {
	switch p := p.(type) {
	case *types.List:
		_, ok := t.(*types.List)
		return ok
	case *types.Basic:
		b, ok := t.(*types.Basic)
		return ok && b.Kind == p.Kind
	}
	return true
}

// constraintText describes a constraint for messages.
var constraintText = map[builtins.Constraint]string{
	builtins.Numeric:    "a number (int or float)",
	builtins.Ordered:    "an ordered type (a number, string, time, duration, bool, or a tuple or list of them)",
	builtins.Comparable: "a comparable type",
}

// callFunc checks a call of builtin f (a method when recv is set) with its type
// parameters instantiated afresh. first, when set, is the already checked type of the
// first argument.
func (c *checker) callFunc(e *ast.Call, pos diag.Pos, f *builtins.Func, recv types.Type, first types.Type, want types.Type) types.Type {
	inst := map[string]*types.TypeVar{}
	for _, tp := range f.TypeParams {
		inst[tp.Name] = c.newVar("", pos)
	}
	sub := func(t types.Type) types.Type {
		if t == nil {
			return nil
		}
		return c.subst(t, func(v *types.TypeVar) types.Type {
			if w, ok := inst[v.Name]; ok {
				return w
			}
			return v
		})
	}
	if recv != nil {
		c.unify(sub(f.Recv), recv)
	}
	params := make([]types.Type, len(f.Params))
	for i, p := range f.Params {
		params[i] = sub(p.Type)
	}
	result := sub(f.Result)
	what := f.Name
	kind := BuiltinFunc
	if recv != nil {
		what = "." + f.Name
		kind = ValueMethod
	}
	bound, extra, ok := c.bindArgs(what, pos, e, funcSpecs(f), f.Variadic)
	if !ok {
		for _, a := range e.Args {
			if first == nil || a != e.Args[0] {
				c.value(a.Value, nil)
			}
		}
		return types.InvalidType
	}
	check := func(a ast.Expr, p types.Type, name string, i int) {
		var t types.Type
		if i == 0 && first != nil {
			t = first
		} else {
			t = c.value(a, c.resolve(p))
		}
		c.assign(a, t, p, "argument "+name+" of "+what)
	}
	for i, a := range bound {
		if a != nil {
			check(a, params[i], f.Params[i].Name, i)
		}
	}
	for _, a := range extra {
		check(a, params[len(params)-1], f.Params[len(params)-1].Name, -1)
	}
	for _, tp := range f.TypeParams {
		t := c.resolve(inst[tp.Name])
		if c.known(t) && !tp.Constraint.Satisfied(t) {
			c.errorf(pos, "%s needs %s, not %s", what, constraintText[tp.Constraint], c.typeString(t))
			return types.InvalidType
		}
	}
	c.info.Calls[e] = &Callee{Kind: kind, Name: f.Name, Sig: &types.Func{Params: params, Result: result, Variadic: f.Variadic}, Recv: recv, Func: f}
	return result
}

// methodCall checks `recv.name(args)`: a stream operator, or a method on an optional or
// a State.
func (c *checker) methodCall(e *ast.Call, recv ast.Expr, name *ast.Ident, want types.Type) types.Type {
	rt := c.shallow(c.expr(recv, nil))
	switch rt := rt.(type) {
	case *types.Stream:
		return c.streamOp(e, recv, rt, name)
	case *types.List:
		if listMethods[name.Name] != "" {
			return c.listMethod(e, rt, name)
		}
	case *types.Optional, *types.State:
		f := builtins.LookupMethod(rt, name.Name)
		if f == nil {
			c.errorf(name.At, "%s has no method %q%s", c.typeString(rt), name.Name, didYouMean(name.Name, builtins.MethodNames(rt)))
			return types.InvalidType
		}
		return c.callFunc(e, name.At, f, rt, nil, want)
	}
	if types.IsInvalid(rt) {
		// The receiver's error is reported already; check the arguments for their own
		// errors, but not lambdas (their parameter types are unknown) nor type names,
		// which decoders take (json(Click)).
		for _, a := range e.Args {
			switch v := ast.Unparen(a.Value).(type) {
			case *ast.Lambda:
				continue
			case *ast.Ident:
				if _, ok := c.records[v.Name]; ok {
					continue
				}
			}
			c.value(a.Value, nil)
		}
		return types.InvalidType
	}
	if isUnit(rt) {
		c.errorf(recv.Pos(), "%s (no value) used as value", exprString(recv))
		return types.InvalidType
	}
	if builtins.Lookup(name.Name) != nil {
		c.errorf(name.At, "%s has no method %q: %s is a function; call it as %s(x, ...)", c.typeString(rt), name.Name, name.Name, name.Name)
		return types.InvalidType
	}
	if r, ok := rt.(*types.Record); ok && r.FieldIndex(name.Name) >= 0 {
		c.errorf(name.At, "%s is a field of %s, not a method: write it without parentheses", name.Name, r.Name)
		return types.InvalidType
	}
	c.errorf(name.At, "%s has no method %q", c.typeString(rt), name.Name)
	return types.InvalidType
}

// divisorNotZero reports an integer division (or remainder) by a constant zero, which
// could only fail at run time (float division by zero is +Inf or NaN, as in Scala). The
// divisor is folded as Go folds the constant expression it becomes, so (1 - 1) and
// (1 / 2) are zero too.
func (c *checker) divisorNotZero(e *ast.Binary) {
	if v, ok := c.intConstant(e.Y); ok && v == 0 {
		c.errorf(e.Y.Pos(), "integer division by zero: the divisor of %s is the constant 0", e.Op)
	}
}

// intConstant folds an integer constant expression: int literals, lets of constants,
// parentheses, negation and + - * / % between constants, with Go's integer arithmetic
// (division truncates). ok is false for anything else, for a division by zero inside
// (reported where it is) and on overflow.
func (c *checker) intConstant(e ast.Expr) (int64, bool) {
	switch e := ast.Unparen(e).(type) {
	case *ast.Binary:
		x, okx := c.intConstant(e.X)
		y, oky := c.intConstant(e.Y)
		if !okx || !oky {
			return 0, false
		}
		switch e.Op {
		case "+":
			if r := x + y; (r > x) == (y > 0) {
				return r, true
			}
		case "-":
			if r := x - y; (r < x) == (y > 0) {
				return r, true
			}
		case "*":
			if x == 0 || y == 0 {
				return 0, true
			}
			if r := x * y; r/y == x && !(x == -1 && y == math.MinInt64) && !(y == -1 && x == math.MinInt64) {
				return r, true
			}
		case "/", "%":
			if y == 0 || (x == math.MinInt64 && y == -1) {
				return 0, false
			}
			if e.Op == "/" {
				return x / y, true
			}
			return x % y, true
		}
		return 0, false
	case *ast.Unary:
		if e.Op == "-" {
			if v, ok := c.intConstant(e.X); ok && v != math.MinInt64 {
				return -v, true
			}
		}
		return 0, false
	case *ast.Ident:
		if o := c.global.objs[e.Name]; o != nil && c.lookup(e.Name) == o {
			if l, ok := o.Decl.(*ast.LetDecl); ok {
				return c.intConstant(l.Value)
			}
		}
		return 0, false
	}
	v, ok := c.constant(e)
	i, isInt := v.(int64)
	return i, ok && isInt
}

// listMethods are the methods of lists that take a function, with their signatures for
// messages; the other list functions (len, sum, sort, ...) are builtins.
var listMethods = map[string]string{
	"map":     "xs.map(f: T => U) → [U]",
	"filter":  "xs.filter(f: T => bool) → [T]",
	"flatMap": "xs.flatMap(f: T => [U]) → [U]",
	"exists":  "xs.exists(f: T => bool) → bool",
	"forall":  "xs.forall(f: T => bool) → bool",
}

// listMethod checks xs.map(f), filter, flatMap, exists and forall: Scala's methods on
// collections, with the function written in place.
func (c *checker) listMethod(e *ast.Call, lt *types.List, name *ast.Ident) types.Type {
	what := "the function of " + name.Name
	if len(e.Args) != 1 || e.Args[0].Name != nil {
		c.errorf(name.At, "%s takes one function: %s", name.Name, listMethods[name.Name])
		c.argsForErrors(e)
		return types.InvalidType
	}
	elem := c.resolve(lt.Elem)
	var result types.Type
	switch name.Name {
	case "map":
		_, res := c.lambda(e.Args[0].Value, what, []types.Type{elem}, nil)
		result = &types.List{Elem: res}
	case "flatMap":
		lam, res := c.lambda(e.Args[0].Value, what, []types.Type{elem}, nil)
		result = &types.List{Elem: c.listElem(what, lam, res)}
	default: // filter, exists, forall
		lam, res := c.lambda(e.Args[0].Value, what, []types.Type{elem}, types.BoolType)
		if lam != nil && !c.unify(res, types.BoolType) {
			c.errorf(lam.Body.Pos(), "%s must return bool, not %s", what, c.typeString(res))
		}
		result = types.BoolType
		if name.Name == "filter" {
			result = lt
		}
	}
	c.info.Calls[e] = &Callee{Kind: ListMethod, Name: name.Name, Recv: lt, Sig: &types.Func{Result: result}}
	return result
}
