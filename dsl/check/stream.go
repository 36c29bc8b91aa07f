package check

import (
	"fmt"
	"time"

	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl/ast"
	"streamc.dev/streamc/dsl/builtins"
	"streamc.dev/streamc/dsl/spec"
	"streamc.dev/streamc/dsl/types"
)

// This file checks the stream graph: sources, decoders, operators, windows, state,
// reference data, outputs and sinks. Each operator application becomes a Node; the
// builtins.Ops table gives the parameter names that arguments bind to.

func specs(op *builtins.Op) []paramSpec {
	ps := make([]paramSpec, len(op.Params))
	for i, p := range op.Params {
		ps[i] = paramSpec{name: p.Name, optional: p.Optional, typ: p.Type}
	}
	return ps
}

// args is a call's arguments bound to an op's parameters.
type args struct {
	op    *builtins.Op
	bound []ast.Expr
	extra []ast.Expr
}

func (a *args) get(name string) ast.Expr {
	for i, p := range a.op.Params {
		if p.Name == name {
			return a.bound[i]
		}
	}
	return nil
}

func (a *args) param(name string) builtins.OpParam {
	for _, p := range a.op.Params {
		if p.Name == name {
			return p
		}
	}
	return builtins.OpParam{Name: name}
}

// addNode appends n to the graph; its inputs were added before it.
func (c *checker) addNode(n *Node) {
	n.ID = len(c.prog.Nodes)
	if n.Desc == nil || n.Desc.Plan.Class == builtins.ClassNone {
		panic(fmt.Sprintf("check: node %s has no operator descriptor", n.Op))
	}
	if n.Spec == nil || n.Spec.Family() != n.Desc.Plan.Family {
		panic(fmt.Sprintf("check: node %s has spec %T, not one of family %s", n.Op, n.Spec, n.Desc.Plan.Family))
	}
	c.prog.Nodes = append(c.prog.Nodes, n)
	if n.Class() == builtins.ClassOutput {
		c.prog.Outputs = append(c.prog.Outputs, n)
	}
}

// valueArg checks a plain argument (an address, a path, SQL text) against the basic
// type its table entry names and returns it by parameter name.
func (c *checker) valueArg(op string, a *args, name string) *NamedArg {
	e := a.get(name)
	if e == nil {
		return nil
	}
	want := types.Type(types.BasicByName[a.param(name).Type])
	t := c.value(e, want)
	if want != nil {
		c.assign(e, t, want, "argument "+name+" of "+op)
	}
	return &NamedArg{Name: name, Value: e, Type: t}
}

// constant evaluates a literal, possibly parenthesised, negated or named by a top-level
// let; ok is false for anything computed at run time.
func (c *checker) constant(e ast.Expr) (any, bool) {
	switch e := ast.Unparen(e).(type) {
	case *ast.IntLit:
		return e.Value, true
	case *ast.FloatLit:
		return e.Value, true
	case *ast.StringLit:
		return e.Value, true
	case *ast.DurationLit:
		return e.Value, true
	case *ast.BoolLit:
		return e.Value, true
	case *ast.Unary:
		v, ok := c.constant(e.X)
		if !ok || e.Op != "-" {
			return nil, false
		}
		switch v := v.(type) {
		case int64:
			return -v, true
		case float64:
			return -v, true
		case time.Duration:
			return -v, true
		}
	case *ast.Ident:
		if o := c.global.objs[e.Name]; o != nil && c.lookup(e.Name) == o {
			if l, ok := o.Decl.(*ast.LetDecl); ok {
				return c.constant(l.Value)
			}
		}
	}
	return nil, false
}

func (c *checker) constInt(e ast.Expr, what string, minimum int64) (int64, bool) {
	t := c.value(e, types.IntType)
	if !c.assign(e, t, types.IntType, what) {
		return 0, false
	}
	v, ok := c.constant(e)
	if !ok {
		c.errorf(e.Pos(), "%s must be a constant int, such as 4", what)
		return 0, false
	}
	if n := v.(int64); n < minimum {
		c.errorf(e.Pos(), "%s must be at least %d, got %d", what, minimum, n)
		return 0, false
	}
	return v.(int64), true
}

func (c *checker) constDuration(e ast.Expr, what string) (time.Duration, bool) {
	t := c.value(e, types.DurationType)
	if !c.assign(e, t, types.DurationType, what) {
		return 0, false
	}
	v, ok := c.constant(e)
	if !ok {
		c.errorf(e.Pos(), "%s must be a constant duration, such as 30s", what)
		return 0, false
	}
	return v.(time.Duration), true
}

func (c *checker) constBool(e ast.Expr, what string) (bool, bool) {
	t := c.value(e, types.BoolType)
	if !c.assign(e, t, types.BoolType, what) {
		return false, false
	}
	v, ok := c.constant(e)
	if !ok {
		c.errorf(e.Pos(), "%s must be true or false", what)
		return false, false
	}
	return v.(bool), true
}

func (c *checker) constString(e ast.Expr, what string) (string, bool) {
	t := c.value(e, types.StringType)
	if !c.assign(e, t, types.StringType, what) {
		return "", false
	}
	v, ok := c.constant(e)
	if !ok {
		c.errorf(e.Pos(), "%s must be a string literal", what)
		return "", false
	}
	return v.(string), true
}

// streamArg checks an argument that must be a stream (join's other, union's streams).
func (c *checker) streamArg(e ast.Expr, what string) (*types.Stream, *Node) {
	t := c.shallow(c.value(e, nil))
	st, ok := t.(*types.Stream)
	if !ok {
		if !types.IsInvalid(t) {
			c.errorf(e.Pos(), "%s must be a stream, not %s (%s)", what, exprString(e), c.typeString(t))
		}
		return nil, nil
	}
	return st, c.info.Streams[e]
}

// streamFunc checks a call of a source, union, table, connection or sink function.
func (c *checker) streamFunc(e *ast.Call, id *ast.Ident, ops []*builtins.Op) types.Type {
	op := ops[0]
	if len(ops) > 1 {
		// postgres and sqlite: with SQL text they are sinks, without, connections.
		positional, hasSQL := 0, false
		for _, a := range e.Args {
			if a.Name == nil {
				positional++
			} else if a.Name.Name == "sql" {
				hasSQL = true
			}
		}
		for _, o := range ops {
			if (o.Kind == builtins.Sink) == (hasSQL || positional >= 2) {
				op = o
			}
		}
	}
	if c.inFunc > 0 {
		c.errorf(id.At, "%s is a %s: it cannot be used inside a function", id.Name, op.Kind)
		return types.InvalidType
	}
	bound, extra, ok := c.bindArgs(id.Name, id.At, e, specs(op), op.Variadic)
	if !ok {
		return types.InvalidType
	}
	a := &args{op: op, bound: bound, extra: extra}
	switch op.Kind {
	case builtins.Source:
		return c.source(e, id, a)
	case builtins.Operator: // union(a, b, ...)
		n := &Node{Op: "union", Desc: op, Pos: id.At, Call: e, Spec: &spec.Func{}}
		var elem types.Type
		for _, x := range append([]ast.Expr{a.get("streams")}, a.extra...) {
			st, in := c.streamArg(x, "an argument of union")
			if st == nil || in == nil {
				return types.InvalidType
			}
			if elem != nil && !c.unify(elem, st.Elem) {
				c.errorf(x.Pos(), "union needs streams of the same element type: stream[%s] and stream[%s]", c.typeString(elem), c.typeString(st.Elem))
				return types.InvalidType
			}
			if elem == nil {
				elem = st.Elem
			}
			n.Inputs = append(n.Inputs, in)
		}
		if len(n.Inputs) < 2 {
			c.errorf(id.At, "union needs at least two streams")
			return types.InvalidType
		}
		n.Elem = elem
		c.addNode(n)
		c.info.Streams[e] = n
		return &types.Stream{Elem: elem}
	}
	return c.resource(e, id, a)
}

func (c *checker) source(e *ast.Call, id *ast.Ident, a *args) types.Type {
	n := &Node{Op: id.Name, Desc: a.op, Pos: id.At, Call: e, Elem: types.StringType, Spec: &spec.Source{}}
	add := func(na *NamedArg) {
		if na != nil {
			n.Args = append(n.Args, na)
		}
	}
	switch id.Name {
	case "socket":
		add(c.valueArg(id.Name, a, "address"))
	case "files":
		add(c.valueArg(id.Name, a, "path"))
	case "kafka":
		n.Elem = builtins.KafkaRecord
		for _, p := range []string{"brokers", "topic", "group"} {
			add(c.valueArg(id.Name, a, p))
		}
		if x := a.get("maxRatePerPartition"); x != nil {
			c.constInt(x, "maxRatePerPartition", 1)
			add(&NamedArg{Name: "maxRatePerPartition", Value: x, Type: types.IntType})
		}
		if x := a.get("startFrom"); x != nil {
			if v, ok := c.constString(x, "startFrom"); ok && v != "earliest" && v != "latest" {
				c.errorf(x.Pos(), "startFrom must be \"earliest\" or \"latest\", got %q", v)
			}
			add(&NamedArg{Name: "startFrom", Value: x, Type: types.StringType})
		}
	case "queue":
		x := a.get("batches")
		t := c.resolve(c.value(x, nil))
		outer, ok := t.(*types.List)
		var inner *types.List
		if ok {
			inner, ok = c.shallow(outer.Elem).(*types.List)
		}
		switch {
		case types.IsInvalid(t):
			n.Elem = types.InvalidType
		case ok && !c.known(inner.Elem) || !ok && c.hasVars(t):
			c.errorf(x.Pos(), "cannot infer the element type of queue: every batch is empty; give at least one element")
			c.poison(t)
			n.Elem = types.InvalidType
		case !ok:
			c.errorf(x.Pos(), "queue needs a list of batches, each a list of elements, e.g. queue([[\"a\"], [\"b\", \"c\"]]); got %s", c.typeString(t))
			n.Elem = types.InvalidType
		default:
			n.Elem = inner.Elem
		}
		add(&NamedArg{Name: "batches", Value: x, Type: t})
	case "rate":
		x := a.get("perSecond")
		na := c.valueArg(id.Name, a, "perSecond")
		if v, ok := c.constant(x); ok {
			if i, isInt := v.(int64); isInt && i < 1 {
				c.errorf(x.Pos(), "rate needs a positive number of records a second, got %d", i)
			}
		}
		add(na)
		n.Elem = types.IntType
	}
	c.addNode(n)
	c.info.Streams[e] = n
	return &types.Stream{Elem: n.Elem}
}

// resource checks a table, connection or sink call.
func (c *checker) resource(e *ast.Call, id *ast.Ident, a *args) types.Type {
	r := &Resource{Op: id.Name, Kind: a.op.Kind, Pos: id.At}
	add := func(na *NamedArg) {
		if na != nil {
			r.Args = append(r.Args, na)
		}
	}
	switch a.op.Kind {
	case builtins.Connection:
		r.Type = &types.Conn{Kind: id.Name}
		add(c.valueArg(id.Name, a, "url"))
		add(c.valueArg(id.Name, a, "path"))
		c.poolArgs(r, a)
	case builtins.Sink:
		kind := id.Name
		if kind == "kafkaTopic" {
			kind = "kafka"
		}
		r.Type = &types.Sink{Kind: kind}
		for _, p := range []string{"url", "path", "brokers", "topic", "prefix"} {
			add(c.valueArg(id.Name, a, p))
		}
		if x := a.get("sql"); x != nil {
			c.constString(x, "the SQL of a "+id.Name+" sink")
			add(&NamedArg{Name: "sql", Value: x, Type: types.StringType})
		}
		if x := a.get("transactional"); x != nil {
			na := &NamedArg{Name: "transactional", Value: x, Type: types.BoolType}
			if v, ok := c.constBool(x, "transactional"); ok {
				na.Const = v
			}
			add(na)
		}
		if x := a.get("onBadRecord"); x != nil {
			if p, ok := c.badRecordPolicy(x, "onBadRecord"); ok {
				r.OnBadRecord = &p
			}
		}
		c.poolArgs(r, a)
	case builtins.Reference:
		if id.Name == "table" {
			add(c.valueArg(id.Name, a, "path"))
		} else {
			add(c.connArg(id.Name, a.get("conn")))
			if x := a.get("sql"); x != nil {
				c.constString(x, "the SQL of tableQuery")
				add(&NamedArg{Name: "sql", Value: x, Type: types.StringType})
			}
		}
		row := c.recordArg(a.get("T"), id.Name, false)
		r.Row = row
		lam, key := c.lambda(a.get("key"), id.Name+"'s key function", []types.Type{row}, nil)
		r.KeyFn = lam
		c.checkKey(id.Name, lam, key)
		c.noBatchTime(lam, id.Name+"'s key function", "it keys the rows when the table loads, outside any batch")
		if x := a.get("refresh"); x != nil {
			if d, ok := c.constDuration(x, "refresh"); ok {
				if d <= 0 {
					c.errorf(x.Pos(), "refresh period %v must be positive", d)
				}
				r.Refresh = d
			}
		}
		r.Type = &types.Table{Key: key, Row: row}
	}
	c.resources[e] = r
	c.prog.Resources = append(c.prog.Resources, r)
	return r.Type
}

// checkKey checks that a key function's result may be a key.
func (c *checker) checkKey(op string, lam *ast.Lambda, key types.Type) {
	if lam != nil && c.known(key) && !types.Comparable(c.resolve(key)) {
		c.errorf(lam.Body.Pos(), "%s's key function returns %s, which cannot be a key", op, c.typeString(key))
	}
}

func (c *checker) poolArgs(r *Resource, a *args) {
	if x := a.get("maxConns"); x != nil {
		c.constInt(x, "maxConns", 1)
		r.Args = append(r.Args, &NamedArg{Name: "maxConns", Value: x, Type: types.IntType})
	}
	if x := a.get("idleTimeout"); x != nil {
		if d, ok := c.constDuration(x, "idleTimeout"); ok && d <= 0 {
			c.errorf(x.Pos(), "idleTimeout %v must be positive", d)
		}
		r.Args = append(r.Args, &NamedArg{Name: "idleTimeout", Value: x, Type: types.DurationType})
	}
}

// connArg checks a connection argument (of tableQuery and lookup).
func (c *checker) connArg(op string, x ast.Expr) *NamedArg {
	t := c.shallow(c.value(x, nil))
	if _, ok := t.(*types.Conn); !ok {
		if !types.IsInvalid(t) {
			c.errorf(x.Pos(), "%s needs a database connection such as postgres(url) or sqlite(path), not %s (%s)", op, exprString(x), c.typeString(t))
		}
		return nil
	}
	return &NamedArg{Name: "conn", Value: x, Type: t, Resource: c.resources[x]}
}

// pairOf splits a keyed stream's element type; ok is false (after an error) when the
// elements are not pairs with comparable keys.
func (c *checker) pairOf(op string, pos diag.Pos, t types.Type) (k, v types.Type, ok bool) {
	t = c.resolve(t)
	if types.IsInvalid(t) {
		return types.InvalidType, types.InvalidType, true
	}
	k, v, isPair := types.KeyValue(t)
	if !isPair {
		c.errorf(pos, "%s needs a stream of (key, value) pairs; this stream's elements are %s: make pairs first, e.g. .map(x => (x, 1))", op, c.typeString(t))
		return nil, nil, false
	}
	if c.known(k) && !types.Comparable(k) {
		c.errorf(pos, "%s needs comparable keys; %s cannot be a key", op, c.typeString(k))
		return nil, nil, false
	}
	return k, v, true
}

// reduceFn checks an associative function (V, V) => V.
func (c *checker) reduceFn(what string, e ast.Expr, v types.Type) *ast.Lambda {
	lam, res := c.lambda(e, what, []types.Type{v, v}, v)
	if lam != nil && !c.unify(res, v) {
		c.errorf(lam.Body.Pos(), "%s must return %s, the type of its parameters, as in (%s, %s) => %s; this one returns %s", what, c.typeString(v), c.typeString(v), c.typeString(v), c.typeString(v), c.typeString(res))
	}
	return lam
}

// windowDurations reads a window's length and slide: constant, positive multiples of the
// batch interval (Spark's rule). The slide defaults to the batch interval and may
// exceed the length (sampling windows).
func (c *checker) windowDurations(lenE, slideE ast.Expr) *spec.Window {
	batch := c.prog.Settings.Batch
	check := func(e ast.Expr, what string) time.Duration {
		d, ok := c.constDuration(e, what)
		if !ok {
			return 0
		}
		if d <= 0 {
			c.errorf(e.Pos(), "%s %v must be positive", what, d)
			return 0
		}
		if batch > 0 && d%batch != 0 {
			c.errorf(e.Pos(), "%s %v must be a multiple of the batch interval %v", what, d, batch)
		}
		return d
	}
	sp := &spec.Window{Len: check(lenE, "window duration"), Slide: batch}
	if slideE != nil {
		sp.Slide = check(slideE, "slide duration")
		sp.SlideSet = true
	}
	return sp
}

// partitionsArg reads the optional `partitions =` argument: 0 when not given.
func (c *checker) partitionsArg(a *args) int {
	if x := a.get("partitions"); x != nil {
		if v, ok := c.constInt(x, "partitions", 1); ok {
			return int(v)
		}
	}
	return 0
}

// opNames lists the stream methods, for suggestions.
func opNames() []string {
	var names []string
	for _, o := range builtins.Ops {
		if o.Method {
			names = append(names, o.Name)
		}
	}
	return names
}

// streamOp checks `recv.name(args)` on a stream and adds its node.
func (c *checker) streamOp(e *ast.Call, recv ast.Expr, st *types.Stream, name *ast.Ident) types.Type {
	var ops []*builtins.Op
	for _, o := range builtins.LookupOps(name.Name) {
		if o.Method {
			ops = append(ops, o)
		}
	}
	if len(ops) == 0 {
		if builtins.Lookup(name.Name) != nil {
			c.errorf(name.At, "unknown operator %q on %s: %s is a function on values; apply it to each element with .map(x => %s(x, ...))", name.Name, c.typeString(st), name.Name, name.Name)
		} else {
			c.errorf(name.At, "unknown operator %q on %s%s", name.Name, c.typeString(st), didYouMean(name.Name, opNames()))
		}
		return types.InvalidType
	}
	in := c.info.Streams[recv]
	if in == nil {
		return types.InvalidType
	}
	op := ops[0]
	if len(ops) > 1 {
		// reduceByWindow and reduceByKeyAndWindow: a second function is the inverse.
		positional := 0
		for _, a := range e.Args {
			if a.Name == nil {
				positional++
				if _, isLam := ast.Unparen(a.Value).(*ast.Lambda); isLam && positional == 2 {
					op = ops[1]
				}
			} else if a.Name.Name == "inv" {
				op = ops[1]
			}
		}
	}
	if op.Kind == builtins.Output && e != c.output {
		c.errorf(name.At, "%s is an output: it ends a statement and has no value", name.Name)
		return types.InvalidType
	}
	if c.inFunc > 0 {
		c.errorf(name.At, "stream operator %s cannot be used inside a function", name.Name)
		return types.InvalidType
	}
	bound, extra, ok := c.bindArgs(name.Name, name.At, e, specs(op), op.Variadic)
	if !ok {
		return types.InvalidType
	}
	a := &args{op: op, bound: bound, extra: extra}
	n := &Node{Op: name.Name, Desc: op, Pos: name.At, Call: e, Inputs: []*Node{in}}
	t := c.resolve(st.Elem)
	result, ok := c.operator(n, a, st, t, name)
	if !ok {
		return types.InvalidType
	}
	if n.Class() != builtins.ClassOutput && !isValueType(c.resolve(n.Elem)) {
		c.errorf(name.At, "%s would make a stream of %s: stream elements must be values (scalars, lists, tuples, optionals, records)", name.Name, c.typeString(n.Elem))
		return types.InvalidType
	}
	c.addNode(n)
	if n.Class() == builtins.ClassOutput {
		c.outputDone = true
		return types.UnitType
	}
	c.info.Streams[e] = n
	if result != nil {
		return result
	}
	return &types.Stream{Elem: n.Elem}
}

// operator types one operator application, filling n and its Spec. It dispatches on the
// operator's family (its descriptor's Plan.Family): one method per family, each
// filling that family's spec struct. It returns the result stream type when it is more
// than stream[n.Elem] (mapWithState), and ok == false after an error that leaves no
// meaningful stream.
func (c *checker) operator(n *Node, a *args, st *types.Stream, t types.Type, name *ast.Ident) (types.Type, bool) {
	var ok bool
	switch n.Desc.Plan.Family {
	case builtins.FamilyDecode:
		ok = c.decodeOp(n, a, t)
	case builtins.FamilyFunc:
		ok = c.funcOp(n, a, st, t)
	case builtins.FamilyEventTime:
		ok = c.eventTimeOp(n, a, t)
	case builtins.FamilyKeyed:
		ok = c.keyedOp(n, a, t)
	case builtins.FamilyWindow:
		ok = c.windowOp(n, a, t)
	case builtins.FamilyState:
		return c.stateOp(n, a, st, t)
	case builtins.FamilyTableJoin:
		ok = c.tableJoinOp(n, a, t)
	case builtins.FamilyLookup:
		ok = c.lookupOp(n, a, t)
	case builtins.FamilyOutput:
		ok = c.outputOp(n, a, t)
	default:
		panic(fmt.Sprintf("check: operator %s has family %s, which no checker method handles", n.Op, n.Desc.Plan.Family))
	}
	return nil, ok
}

// decodeOp checks lines, csv and json.
func (c *checker) decodeOp(n *Node, a *args, t types.Type) bool {
	op, pos := n.Op, n.Pos
	sp := &spec.Decode{}
	n.Spec = sp
	if !types.IsInvalid(t) && !types.Identical(t, types.StringType) && t != builtins.KafkaRecord {
		c.errorf(pos, "%s decodes a stream of string or KafkaRecord; this stream's elements are %s", op, c.typeString(t))
		return false
	}
	n.Elem = types.StringType
	if op != "lines" {
		sp.Record = c.recordArg(a.get("T"), op, op == "csv")
		n.Elem = sp.Record
	}
	if x := a.get("header"); x != nil {
		na := &NamedArg{Name: "header", Value: x, Type: types.BoolType}
		if h, ok := c.constBool(x, "header"); ok {
			na.Const = h
			sp.Header = h
			if h {
				c.headerInput(n, t)
			}
		}
		n.Args = append(n.Args, na)
	}
	if x := a.get("delimiter"); x != nil {
		if d, ok := c.constString(x, "delimiter"); ok && len([]rune(d)) != 1 {
			c.errorf(x.Pos(), "csv delimiter must be a single character, got %q", d)
		}
		n.Args = append(n.Args, &NamedArg{Name: "delimiter", Value: x, Type: types.StringType})
	}
	if x := a.get("onBadRecord"); x != nil {
		if p, ok := c.badRecordPolicy(x, "onBadRecord"); ok {
			sp.OnBadRecord = &p
		}
	}
	return true
}

// funcOp checks the element-wise and whole-batch operators with at most one function.
func (c *checker) funcOp(n *Node, a *args, st *types.Stream, t types.Type) bool {
	op, pos := n.Op, n.Pos
	what := op + "'s function"
	sp := &spec.Func{}
	n.Spec = sp
	switch op {
	case "map":
		sp.Fn, n.Elem = c.lambda(a.get("f"), what, []types.Type{t}, nil)
	case "flatMap", "mapPartitions":
		param := t
		if op == "mapPartitions" {
			param = &types.List{Elem: t}
		}
		lam, res := c.lambda(a.get("f"), what, []types.Type{param}, nil)
		sp.Fn, n.Elem = lam, c.listElem(what, lam, res)
	case "filter":
		lam, res := c.lambda(a.get("f"), what, []types.Type{t}, types.BoolType)
		if lam != nil && !c.unify(res, types.BoolType) {
			c.errorf(lam.Body.Pos(), "%s must return bool, not %s", what, c.typeString(res))
		}
		sp.Fn, n.Elem = lam, t
	case "mapValues", "flatMapValues":
		k, v, ok := c.pairOf(op, pos, t)
		if !ok {
			return false
		}
		lam, w := c.lambda(a.get("f"), what, []types.Type{v}, nil)
		if op == "flatMapValues" {
			w = c.listElem(what, lam, w)
		}
		sp.Fn, n.Elem = lam, types.Pair(k, w)
	case "glom":
		n.Elem = &types.List{Elem: t}
	case "transform":
		lam, res := c.lambda(a.get("f"), what, []types.Type{&types.List{Elem: t}}, nil)
		sp.Fn, n.Elem = lam, c.listElem(what, lam, res)
	case "transformWith":
		ot, in := c.streamArg(a.get("other"), "transformWith's other stream")
		if ot == nil || in == nil {
			return false
		}
		n.Inputs = append(n.Inputs, in)
		lam, res := c.lambda(a.get("f"), what, []types.Type{&types.List{Elem: t}, &types.List{Elem: c.resolve(ot.Elem)}}, nil)
		sp.Fn, n.Elem = lam, c.listElem(what, lam, res)
	case "count":
		n.Elem = types.IntType
	case "reduce":
		sp.Fn, n.Elem = c.reduceFn(what, a.get("f"), t), t
	case "union":
		for _, x := range append([]ast.Expr{a.get("others")}, a.extra...) {
			ot, in := c.streamArg(x, "an argument of union")
			if ot == nil || in == nil {
				return false
			}
			if !c.unify(t, ot.Elem) {
				c.errorf(x.Pos(), "union needs streams of the same element type: %s and %s", c.typeString(st), c.typeString(ot))
				return false
			}
			n.Inputs = append(n.Inputs, in)
		}
		n.Elem = t
	case "sortBy":
		lam, key := c.lambda(a.get("f"), what, []types.Type{t}, nil)
		if lam != nil && c.known(key) && !types.Ordered(c.resolve(key)) {
			c.errorf(lam.Body.Pos(), "sortBy needs an ordered sort key; %s is not ordered (sort by one of its fields)", c.typeString(key))
		}
		sp.Fn, n.Elem = lam, t
		sp.Ascending = c.ascending(a)
	case "sortByKey":
		k, _, ok := c.pairOf(op, pos, t)
		if !ok {
			return false
		}
		if c.known(k) && !types.Ordered(c.resolve(k)) {
			c.errorf(pos, "sortByKey needs ordered keys; %s is not ordered", c.typeString(k))
		}
		n.Elem = t
		sp.Ascending = c.ascending(a)
	case "top", "takeOrdered":
		if v, ok := c.constInt(a.get("n"), op+"'s n", 1); ok {
			sp.N = int(v)
		}
		if x := a.get("key"); x != nil {
			lam, key := c.lambda(x, op+"'s key function", []types.Type{t}, nil)
			if lam != nil && c.known(key) && !types.Ordered(c.resolve(key)) {
				c.errorf(lam.Body.Pos(), "%s needs an ordered key; %s is not ordered", op, c.typeString(key))
			}
			sp.Fn = lam
		} else if c.known(t) && !types.Ordered(t) {
			c.errorf(pos, "%s needs ordered elements or a key function (key = x => ...); %s is not ordered", op, c.typeString(t))
		}
		n.Elem = t
	default:
		panic(fmt.Sprintf("check: operator %s is in the builtins table but not checked", op))
	}
	return true
}

// eventTimeOp checks eventTime(f, lateness).
func (c *checker) eventTimeOp(n *Node, a *args, t types.Type) bool {
	what := n.Op + "'s function"
	sp := &spec.EventTime{}
	n.Spec = sp
	lam, res := c.lambda(a.get("f"), what, []types.Type{t}, types.TimeType)
	if lam != nil && !c.unify(res, types.TimeType) {
		c.errorf(lam.Body.Pos(), "%s must return the element's time, not %s", what, c.typeString(res))
	}
	sp.Fn, n.Elem = lam, t
	if x := a.get("lateness"); x != nil {
		if d, ok := c.constDuration(x, "lateness"); ok {
			if d < 0 {
				c.errorf(x.Pos(), "lateness %v must not be negative", d)
			}
			sp.Lateness = d
		}
	}
	return true
}

// keyedOp checks the operators that shuffle: keyed reduces, counts, distinct,
// repartition, joins and cogroup.
func (c *checker) keyedOp(n *Node, a *args, t types.Type) bool {
	op, pos := n.Op, n.Pos
	what := op + "'s function"
	sp := &spec.Keyed{Partitions: c.partitionsArg(a)}
	n.Spec = sp
	switch op {
	case "countByValue", "distinct":
		if c.known(t) && !types.Comparable(t) {
			c.errorf(pos, "%s needs comparable elements; %s values cannot be compared", op, c.typeString(t))
			return false
		}
		n.Elem = t
		if op == "countByValue" {
			n.Elem = types.Pair(t, types.IntType)
		}
	case "countByKey":
		k, _, ok := c.pairOf(op, pos, t)
		if !ok {
			return false
		}
		n.Elem = types.Pair(k, types.IntType)
	case "repartition":
		if v, ok := c.constInt(a.get("n"), "repartition's partition count", 1); ok {
			sp.N = int(v)
		}
		n.Elem = t
	case "reduceByKey":
		k, v, ok := c.pairOf(op, pos, t)
		if !ok {
			return false
		}
		sp.Fn, n.Elem = c.reduceFn(what, a.get("f"), v), types.Pair(k, v)
	case "groupByKey":
		k, v, ok := c.pairOf(op, pos, t)
		if !ok {
			return false
		}
		n.Elem = types.Pair(k, &types.List{Elem: v})
	case "aggregateByKey":
		k, v, ok := c.pairOf(op, pos, t)
		if !ok {
			return false
		}
		zero := a.get("zero")
		acc := c.value(zero, nil)
		sp.Zero = zero
		seq, res := c.lambda(a.get("seq"), "aggregateByKey's seq function", []types.Type{acc, v}, acc)
		if seq != nil && !c.unify(res, acc) {
			c.errorf(seq.Body.Pos(), "aggregateByKey's seq function must return the accumulator type %s (the zero value's), not %s", c.typeString(acc), c.typeString(res))
		}
		sp.Fn = seq
		sp.Comb = c.reduceFn("aggregateByKey's comb function", a.get("comb"), acc)
		n.Elem = types.Pair(k, acc)
	case "join", "leftOuterJoin", "rightOuterJoin", "fullOuterJoin", "cogroup":
		return c.joinOp(n, a, t)
	default:
		panic(fmt.Sprintf("check: operator %s is in the builtins table but not checked", op))
	}
	return true
}

// joinOp checks join, the outer joins and cogroup.
func (c *checker) joinOp(n *Node, a *args, t types.Type) bool {
	op, pos := n.Op, n.Pos
	k, v, ok := c.pairOf(op, pos, t)
	if !ok {
		return false
	}
	other := a.get("other")
	ot, in := c.streamArg(other, op+"'s other stream")
	if ot == nil || in == nil {
		return false
	}
	ot2 := c.resolve(ot.Elem)
	k2, w, isPair := types.KeyValue(ot2)
	if !isPair {
		if !types.IsInvalid(ot2) {
			c.errorf(other.Pos(), "%s needs the other stream to have (key, value) pairs too; its elements are %s", op, c.typeString(ot2))
		}
		return false
	}
	if !c.unify(k, k2) {
		c.errorf(other.Pos(), "%s needs both streams to have the same key type; this stream's keys are %s, the other's %s", op, c.typeString(k), c.typeString(k2))
		return false
	}
	n.Inputs = append(n.Inputs, in)
	switch op {
	case "join":
		n.Elem = types.Pair(k, types.Pair(v, w))
	case "leftOuterJoin":
		n.Elem = types.Pair(k, types.Pair(v, &types.Optional{Elem: w}))
	case "rightOuterJoin":
		n.Elem = types.Pair(k, types.Pair(&types.Optional{Elem: v}, w))
	case "fullOuterJoin":
		n.Elem = types.Pair(k, types.Pair(&types.Optional{Elem: v}, &types.Optional{Elem: w}))
	case "cogroup":
		n.Elem = types.Pair(k, types.Pair(&types.List{Elem: v}, &types.List{Elem: w}))
	}
	return true
}

// windowOp checks the windowed operators.
func (c *checker) windowOp(n *Node, a *args, t types.Type) bool {
	op, pos := n.Op, n.Pos
	what := op + "'s function"
	sp := c.windowDurations(a.get("len"), a.get("slide"))
	n.Spec = sp
	switch op {
	case "window":
		n.Elem = t
	case "countByWindow":
		n.Elem = types.IntType
		c.stateOps = append(c.stateOps, n)
	case "reduceByWindow":
		sp.Fn = c.reduceFn(what, a.get("f"), t)
		if x := a.get("inv"); x != nil {
			sp.Inv = c.reduceFn(op+"'s inverse function", x, t)
			c.stateOps = append(c.stateOps, n)
		}
		n.Elem = t
	case "reduceByKeyAndWindow":
		k, v, ok := c.pairOf(op, pos, t)
		if !ok {
			return false
		}
		sp.Fn = c.reduceFn(what, a.get("f"), v)
		if x := a.get("inv"); x != nil {
			sp.Inv = c.reduceFn(op+"'s inverse function", x, v)
			c.stateOps = append(c.stateOps, n)
		}
		if x := a.get("filter"); x != nil {
			lam, res := c.lambda(x, op+"'s filter function", []types.Type{types.Pair(k, v)}, types.BoolType)
			if lam != nil && !c.unify(res, types.BoolType) {
				c.errorf(lam.Body.Pos(), "%s's filter function must return bool, not %s", op, c.typeString(res))
			}
			sp.Filter = lam
		}
		n.Elem = types.Pair(k, v)
		sp.Partitions = c.partitionsArg(a)
	case "countByValueAndWindow":
		if c.known(t) && !types.Comparable(t) {
			c.errorf(pos, "%s needs comparable elements; %s values cannot be compared", op, c.typeString(t))
			return false
		}
		n.Elem = types.Pair(t, types.IntType)
		sp.Partitions = c.partitionsArg(a)
		c.stateOps = append(c.stateOps, n)
	case "groupByKeyAndWindow":
		k, v, ok := c.pairOf(op, pos, t)
		if !ok {
			return false
		}
		n.Elem = types.Pair(k, &types.List{Elem: v})
		sp.Partitions = c.partitionsArg(a)
	default:
		panic(fmt.Sprintf("check: operator %s is in the builtins table but not checked", op))
	}
	return true
}

// stateOp checks updateStateByKey, mapWithState and snapshots.
func (c *checker) stateOp(n *Node, a *args, st *types.Stream, t types.Type) (types.Type, bool) {
	switch n.Op {
	case "updateStateByKey":
		return c.updateStateByKey(n, a, t, n.Pos)
	case "mapWithState":
		return c.mapWithState(n, a, t, n.Pos)
	case "snapshots":
		n.Spec = &spec.State{}
		if st.StateKey == nil {
			c.errorf(n.Pos, "snapshots applies to the result of mapWithState; this stream is %s", c.typeString(st))
			return nil, false
		}
		n.Elem = types.Pair(st.StateKey, st.StateValue)
		return nil, true
	}
	panic(fmt.Sprintf("check: operator %s is in the builtins table but not checked", n.Op))
}

// tableJoinOp checks joinTable and leftJoinTable.
func (c *checker) tableJoinOp(n *Node, a *args, t types.Type) bool {
	op, pos := n.Op, n.Pos
	n.Spec = &spec.TableJoin{}
	k, v, ok := c.pairOf(op, pos, t)
	if !ok {
		return false
	}
	x := a.get("table")
	tt, isTable := c.shallow(c.value(x, nil)).(*types.Table)
	if !isTable {
		if !types.IsInvalid(c.info.Types[x]) {
			c.errorf(x.Pos(), "%s needs a table such as table(\"users.csv\", User, key = u => u.id), not %s (%s)", op, exprString(x), c.typeString(c.info.Types[x]))
		}
		return false
	}
	if !c.unify(k, tt.Key) {
		c.errorf(x.Pos(), "%s needs the stream's keys to have the table's key type %s; they are %s", op, c.typeString(tt.Key), c.typeString(k))
		return false
	}
	var row types.Type = tt.Row
	if op == "leftJoinTable" {
		row = &types.Optional{Elem: row}
	}
	n.Elem = types.Pair(k, types.Pair(v, row))
	n.Args = append(n.Args, &NamedArg{Name: "table", Value: x, Type: tt, Resource: c.resources[x]})
	return true
}

// lookupOp checks lookup(conn, sql, T, key).
func (c *checker) lookupOp(n *Node, a *args, t types.Type) bool {
	op := n.Op
	sp := &spec.Lookup{}
	n.Spec = sp
	if na := c.connArg(op, a.get("conn")); na != nil {
		n.Args = append(n.Args, na)
	}
	if x := a.get("sql"); x != nil {
		if sql, ok := c.constString(x, "lookup's SQL"); ok {
			if np, _ := sqlParams(sql); np != 1 {
				c.errorf(x.Pos(), "lookup's SQL must have exactly one parameter, the batch of keys (as in where id = any($1)); this one has %d", np)
			}
		}
		n.Args = append(n.Args, &NamedArg{Name: "sql", Value: x, Type: types.StringType})
	}
	sp.Row = c.recordArg(a.get("T"), op, false)
	lam, key := c.lambda(a.get("key"), "lookup's key function", []types.Type{t}, nil)
	c.checkKey(op, lam, key)
	c.lookupKey(n, sp.Row, lam, key)
	sp.Key = lam
	n.Elem = types.Pair(t, &types.Optional{Elem: sp.Row})
	return true
}

// outputOp checks print, saveAsTextFiles and writeTo.
func (c *checker) outputOp(n *Node, a *args, t types.Type) bool {
	op := n.Op
	sp := &spec.Output{}
	n.Spec = sp
	switch op {
	case "print":
		sp.N = 10
		if x := a.get("n"); x != nil {
			if v, ok := c.constInt(x, "print's n", 1); ok {
				sp.N = int(v)
			}
		}
	case "saveAsTextFiles":
		for _, p := range []string{"prefix", "suffix"} {
			if na := c.valueArg(op, a, p); na != nil {
				n.Args = append(n.Args, na)
			}
		}
	case "writeTo":
		x := a.get("sink")
		c.sinkArg = ast.Unparen(x)
		sk, isSink := c.shallow(c.value(x, nil)).(*types.Sink)
		c.sinkArg = nil
		if !isSink {
			if !types.IsInvalid(c.info.Types[x]) {
				c.errorf(x.Pos(), "writeTo needs a sink such as jsonFiles(\"out/x\") or postgres(url, sql), not %s (%s)", exprString(x), c.typeString(c.info.Types[x]))
			}
			return false
		}
		r := c.resources[x]
		n.Args = append(n.Args, &NamedArg{Name: "sink", Value: x, Type: sk, Resource: r})
		c.sinkFits(sk, r, t, x)
		c.poolOptions(n, a, sk)
	case "foreachBatch":
		return c.foreachBatch(n, sp, a.get("f"), t)
	default:
		panic(fmt.Sprintf("check: operator %s is in the builtins table but not checked", op))
	}
	return true
}

// noBatchTime reports the uses of batchTime in a function that runs outside any batch.
func (c *checker) noBatchTime(lam *ast.Lambda, what, why string) {
	if lam == nil {
		return
	}
	ast.Inspect(lam, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && c.info.Uses[id] == c.batchTm {
			c.errorf(id.At, "batchTime is not available in %s: %s", what, why)
		}
		return true
	})
}

// headerInput checks the input of csv(header = true) (n, on elements of type t). A
// header is the first line of each file, so the decoder must read the lines of a source
// as it delivers them: neither after another operator (a filter may drop the header, a
// map change it) nor on a Kafka source, whose records are rows with no file around them.
// Other consumers of the same source are fine: they read the same lines.
func (c *checker) headerInput(n *Node, t types.Type) {
	if t == builtins.KafkaRecord {
		c.errorf(n.Pos, "csv(header = true) is not supported on a kafka source: every record is a row")
		return
	}
	if len(n.Inputs) == 1 && n.Inputs[0].Class() != builtins.ClassSource {
		in := n.Inputs[0]
		c.errorf(n.Pos, "csv with header = true must follow its source directly: the header is the first line of each file, and %s at %d:%d stands between them", in.Op, in.Pos.Line, in.Pos.Col)
	}
}

// lookupKey checks that lookup's key function (lam, returning key) gives the type of the
// first column of the row record: a row matches the key equal to its first column.
func (c *checker) lookupKey(n *Node, row types.Type, lam *ast.Lambda, key types.Type) {
	rec, ok := row.(*types.Record)
	if !ok || lam == nil {
		return
	}
	if len(rec.Fields) == 0 {
		c.errorf(n.Pos, "lookup matches a row by its first column, and %s has no fields", rec.Name)
		return
	}
	kt, first := c.resolve(key), rec.Fields[0]
	if c.known(kt) && !types.IsInvalid(kt) && !types.Identical(kt, first.Type) {
		c.errorf(n.Pos, "lookup matches a row by its first column: the key function returns %s, but %s's first field %s is %s", c.typeString(kt), rec.Name, first.Name, c.typeString(first.Type))
	}
}

// listElem checks that a function returned a list and gives its element type.
func (c *checker) listElem(what string, lam *ast.Lambda, res types.Type) types.Type {
	if lam == nil {
		return types.InvalidType
	}
	res = c.shallow(res)
	if l, ok := res.(*types.List); ok {
		return l.Elem
	}
	if !types.IsInvalid(res) {
		c.errorf(lam.Body.Pos(), "%s must return a list, such as [x] or split(x, \" \"); this one returns %s", what, c.typeString(res))
	}
	return types.InvalidType
}

func (c *checker) ascending(a *args) bool {
	if x := a.get("ascending"); x != nil {
		v, _ := c.constBool(x, "ascending")
		return v
	}
	return true
}

// initialState checks `initial =` of a state operator: a list of (key, state) pairs or
// the path of a JSON lines file.
func (c *checker) initialState(n *Node, sp *spec.State, x ast.Expr, k, s types.Type) {
	if x == nil {
		return
	}
	sp.Initial = x
	want := &types.List{Elem: types.Pair(k, s)}
	if _, isStr := ast.Unparen(x).(*ast.StringLit); isStr {
		c.value(x, types.StringType)
		return
	}
	t := c.value(x, want)
	if types.Identical(c.shallow(t), types.StringType) {
		return
	}
	c.assign(x, t, want, "the initial state of "+n.Op)
}

func (c *checker) updateStateByKey(n *Node, a *args, t types.Type, pos diag.Pos) (types.Type, bool) {
	k, v, ok := c.pairOf(n.Op, pos, t)
	if !ok {
		return nil, false
	}
	sp := &spec.State{Partitions: c.partitionsArg(a)}
	n.Spec = sp
	s := c.newVar("cannot infer the state type of updateStateByKey: return some(value) of a known type, or give initial = [(key, state), ...]", pos)
	c.vars[s].display = "S"
	c.initialState(n, sp, a.get("initial"), k, s)
	f := a.get("f")
	params := []types.Type{&types.List{Elem: v}, &types.Optional{Elem: s}}
	if lam, isLam := ast.Unparen(f).(*ast.Lambda); isLam && len(lam.Params) == 3 {
		params = append([]types.Type{k}, params...)
	}
	lam, res := c.lambda(f, "updateStateByKey's function", params, &types.Optional{Elem: s})
	if lam != nil && !types.IsInvalid(c.shallow(res)) {
		if _, isOpt := c.shallow(res).(*types.Optional); !isOpt {
			c.errorf(lam.Body.Pos(), "updateStateByKey's function must return the new state as an optional (some(s), or none to remove the key); this one returns %s", c.typeString(res))
			c.poison(s)
		} else if !c.unify(res, &types.Optional{Elem: s}) {
			c.errorf(lam.Body.Pos(), "updateStateByKey's function returns %s, but the state is %s", c.typeString(res), c.typeString(&types.Optional{Elem: s}))
		}
	}
	sp.Fn = lam
	n.Elem = types.Pair(k, s)
	c.stateOps = append(c.stateOps, n)
	return nil, true
}

func (c *checker) mapWithState(n *Node, a *args, t types.Type, pos diag.Pos) (types.Type, bool) {
	k, v, ok := c.pairOf(n.Op, pos, t)
	if !ok {
		return nil, false
	}
	sp := &spec.State{Partitions: c.partitionsArg(a)}
	n.Spec = sp
	s := c.newVar("cannot infer the state type of mapWithState: give initial = [(key, state), ...], annotate the parameter (state: State[int]), or call state.update(x)", pos)
	c.vars[s].display = "S"
	c.initialState(n, sp, a.get("initial"), k, s)
	lam, res := c.lambda(a.get("f"), "mapWithState's function", []types.Type{k, &types.Optional{Elem: v}, &types.State{Elem: s}}, nil)
	sp.Fn = lam
	e := res
	if o, isOpt := c.shallow(res).(*types.Optional); isOpt {
		e, sp.Optional = o.Elem, true
	}
	n.Elem = e
	if x := a.get("timeout"); x != nil {
		if d, ok := c.constDuration(x, "mapWithState's timeout"); ok {
			if d <= 0 {
				c.errorf(x.Pos(), "mapWithState's timeout %v must be positive", d)
			}
			sp.Timeout = d
		}
	}
	c.stateOps = append(c.stateOps, n)
	return &types.Stream{Elem: e, StateKey: k, StateValue: s}, true
}

// sinkFits checks that a stream's elements can be written to a sink.
func (c *checker) sinkFits(sk *types.Sink, r *Resource, t types.Type, at ast.Expr) {
	if !c.known(t) {
		return
	}
	switch sk.Kind {
	case "go":
		if sk.Elem != nil && !types.Identical(t, sk.Elem) {
			c.errorf(at.Pos(), "%s takes elements of type %s; this stream's elements are %s", exprString(at), c.typeString(sk.Elem), c.typeString(t))
		}
	case "postgres", "sqlite":
		var fields []types.Type
		switch t := t.(type) {
		case *types.Tuple:
			fields = t.Elems
		case *types.Record:
			for _, f := range t.Fields {
				fields = append(fields, f.Type)
			}
		default:
			fields = []types.Type{t}
		}
		for i, f := range fields {
			if !isScalar(f) {
				c.errorf(at.Pos(), "cannot bind field %d of %s to a SQL parameter: it is %s, not a scalar; flatten the elements with .map(...)", i+1, c.typeString(t), c.typeString(f))
				return
			}
		}
		if r == nil {
			return
		}
		sqlArg := r.Arg("sql")
		if sqlArg == nil {
			return
		}
		sql, ok := c.constant(sqlArg.Value)
		if !ok {
			return
		}
		if np, style := sqlParams(sql.(string)); np != len(fields) {
			c.errorf(at.Pos(), "the SQL statement has %s (%s), but the stream's elements %s have %s", plural(np, "parameter"), style, c.typeString(t), plural(len(fields), "field"))
		}
	case "kafka":
		if types.Identical(t, types.StringType) || types.Identical(t, types.Pair(types.StringType, types.StringType)) {
			return
		}
		c.errorf(at.Pos(), "kafkaTopic writes strings (values) or (string, string) pairs (key, value); this stream's elements are %s: convert them first, e.g. with .map(x => toString(x))", c.typeString(t))
	case "csvFiles":
		var fields []types.Type
		switch t := t.(type) {
		case *types.Tuple:
			fields = t.Elems
		case *types.Record:
			for _, f := range t.Fields {
				fields = append(fields, f.Type)
			}
		default:
			fields = []types.Type{t}
		}
		for _, f := range fields {
			if !isScalar(f) {
				c.errorf(at.Pos(), "csvFiles writes rows of scalars; %s has a field of type %s", c.typeString(t), c.typeString(f))
				return
			}
		}
	}
}

// isValueType reports whether t can be a stream element: a value, not a connection,
// sink, table, state handle, function or stream. Unresolved and invalid types pass, so
// that an earlier error is not repeated.
func isValueType(t types.Type) bool {
	switch t := t.(type) {
	case *types.Basic:
		return t.Kind != types.Unit
	case *types.List:
		return isValueType(t.Elem)
	case *types.Optional:
		return isValueType(t.Elem)
	case *types.Tuple:
		for _, e := range t.Elems {
			if !isValueType(e) {
				return false
			}
		}
		return true
	case *types.Record:
		return true
	case *types.Conn, *types.Sink, *types.Table, *types.State, *types.Func, *types.Stream:
		return false
	}
	return true
}

// checkSlides checks Spark's rules on slide durations over the finished graph. Every
// stream has one: a source's is the batch interval, a windowed operator's is its slide
// (its input's when the call gives none), any other operator's is its input's. Union,
// join and cogroup need inputs that slide together; a window of a windowed stream needs
// a length and a slide that are multiples of its input's slide.
//
// It checks the clocks too. Every stream runs on the arrival clock, or on the event-time
// clock of the eventTime upstream of it, whose batches lag the arrival clock's. eventTime
// needs a stream on the arrival clock with data at every batch (it re-assigns elements to
// the batch of their own time); union, join and cogroup need inputs on one clock.
func (c *checker) checkSlides() {
	batch := c.prog.Settings.Batch
	if batch <= 0 {
		return
	}
	slides := map[*Node]time.Duration{}
	clocks := map[*Node]*Node{} // the eventTime whose clock a stream runs on; nil for arrival
	for _, n := range c.prog.Nodes {
		if len(n.Inputs) == 0 {
			slides[n] = batch
			continue
		}
		in := slides[n.Inputs[0]]
		clock := clocks[n.Inputs[0]]
		if n.Op == "eventTime" {
			switch {
			case clock != nil:
				c.errorf(n.Pos, "eventTime needs a stream on arrival time; this one is already on the event time of eventTime at %s", clock.Pos)
			case in != batch && in > 0:
				c.errorf(n.Pos, "eventTime needs a stream with data at every batch; this one slides every %s", slideText(in, batch))
			}
			clock = n
		}
		for _, o := range n.Inputs[1:] {
			if oc := clocks[o]; oc != clock {
				c.errorf(n.Pos, "%s needs streams on the same clock: %s, %s", n.Op, clockText(clock), clockText(oc))
				break
			}
		}
		clocks[n] = clock
		if !n.Desc.Plan.Slides {
			slides[n] = in
			for _, o := range n.Inputs[1:] {
				if s := slides[o]; s != in && s > 0 && in > 0 {
					c.errorf(n.Pos, "%s needs streams with the same slide duration (Spark requires it): one slides every %s, another every %s", n.Op, slideText(in, batch), slideText(s, batch))
					break
				}
			}
			continue
		}
		w := n.Spec.(*spec.Window)
		slides[n] = in
		if w.SlideSet {
			slides[n] = w.Slide
		}
		if in == batch || in <= 0 {
			continue // windowDurations checked the multiples of the batch interval
		}
		if w.Len > 0 && w.Len%in != 0 {
			c.errorf(n.Pos, "%s: the window duration %v must be a multiple of the input stream's slide duration %v", n.Op, w.Len, in)
		}
		if w.SlideSet && w.Slide > 0 && w.Slide%in != 0 {
			c.errorf(n.Pos, "%s: the slide duration %v must be a multiple of the input stream's slide duration %v", n.Op, w.Slide, in)
		}
	}
}

// clockText describes a clock in messages: nil is the arrival clock, else the eventTime
// whose event-time clock it is.
func clockText(ev *Node) string {
	if ev == nil {
		return "one is on arrival time"
	}
	return "one is on the event time of eventTime at " + ev.Pos.String()
}

// slideText describes a slide duration in messages.
func slideText(d, batch time.Duration) string {
	if d == batch {
		return d.String() + " (the batch interval)"
	}
	return d.String()
}
