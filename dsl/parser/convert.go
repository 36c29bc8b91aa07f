package parser

import (
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"

	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl/ast"
)

// maxOperands bounds the operators of one flat expression and the suffixes of one
// postfix chain. The tree below them nests one level per operator, and every later
// pass walks it recursively; a generated 10 MB `1+1+...` must not exhaust their stacks.
const maxOperands = 10000

// converter turns the participle tree into the ast tree, reporting what the grammar
// accepts but the language does not (misused lambda parameters, missing separators).
type converter struct {
	file  string
	diags *diag.List
}

func (c *converter) pos(p lexer.Position) diag.Pos {
	return diag.Pos{File: c.file, Offset: p.Offset, Line: p.Line, Col: p.Column}
}

// last returns the position of the last token of a production (its closing bracket).
func (c *converter) last(toks []lexer.Token) diag.Pos {
	if len(toks) == 0 {
		return diag.Pos{}
	}
	return c.pos(toks[len(toks)-1].Pos)
}

func (c *converter) ident(g *gIdent) *ast.Ident {
	if g == nil {
		return nil
	}
	return &ast.Ident{At: c.pos(g.Pos), Name: g.Name}
}

// commas checks that the elements and commas of a list alternate: no comma before the
// first element, none doubled, none missing. A trailing comma is allowed. isComma and
// pos describe item i; what names an element in messages ("argument").
func (c *converter) commas(n int, isComma func(int) bool, pos func(int) lexer.Position, what string) {
	wantElem := true
	for i := 0; i < n; i++ {
		if isComma(i) {
			if wantElem {
				c.diags.Add(c.pos(pos(i)), "unexpected \",\"; expected %s", what)
			}
			wantElem = true
			continue
		}
		if !wantElem {
			c.diags.Add(c.pos(pos(i)), "missing \",\" before this %s", strings.TrimPrefix(strings.TrimPrefix(what, "an "), "a "))
		}
		wantElem = false
	}
}

func (c *converter) typeItems(items []*gTypeItem) []ast.TypeExpr {
	c.commas(len(items), func(i int) bool { return items[i].Type == nil },
		func(i int) lexer.Position { return items[i].Pos }, "a type")
	var out []ast.TypeExpr
	for _, it := range items {
		if it.Type != nil {
			out = append(out, c.typ(it.Type))
		}
	}
	return out
}

func (c *converter) name(g *gName) *ast.Ident {
	if g == nil {
		return nil
	}
	return &ast.Ident{At: c.pos(g.Pos), Name: g.Name}
}

func (c *converter) binder(g *gBinder) *ast.Ident {
	if g == nil {
		return nil
	}
	return &ast.Ident{At: c.pos(g.Pos), Name: g.Name}
}

func (c *converter) decl(g *gDecl) ast.Decl {
	switch {
	case g.Pipeline != nil:
		return &ast.PipelineDecl{At: c.pos(g.Pipeline.Pos), Name: c.ident(g.Pipeline.Name)}
	case g.Import != nil:
		d := &ast.ImportDecl{At: c.pos(g.Import.Pos), Name: c.ident(g.Import.Name)}
		lit, ok := c.lit(g.Import.Path).(*ast.StringLit)
		if !ok {
			c.diags.Add(c.pos(g.Import.Path.Pos), "import needs a quoted package path, such as import \"github.com/x/y\" or import geo \"./geo\"")
			return nil
		}
		d.Path = lit
		return d
	case g.Type != nil:
		return c.typeDecl(g.Type)
	case g.Let != nil:
		return c.let(g.Let)
	case g.Setting != nil:
		return &ast.Setting{Name: c.name(g.Setting.Name), Value: c.settingValue(g.Setting.Value)}
	case g.Expr != nil:
		x := c.expr(g.Expr)
		if id, ok := x.(*ast.Ident); ok {
			// A bare name cannot be a statement (it has no output); it is almost always
			// a setting whose value went to the next line.
			c.diags.Add(id.At, "setting %s has no value: a setting's value must be on the same line as its name", id.Name)
		}
		return &ast.ExprStmt{X: x}
	}
	return nil
}

func (c *converter) settingValue(g *gSettingValue) ast.Expr {
	var x ast.Expr
	switch {
	case g.Lit != nil:
		x = c.lit(g.Lit)
	case g.Args != nil:
		x = c.call(c.ident(g.Name), g.Args)
	default:
		x = c.ident(g.Name)
	}
	if g.Neg != "" {
		x = &ast.Unary{At: c.pos(g.Pos), Op: "-", X: x}
	}
	return x
}

func (c *converter) typeDecl(g *gTypeDecl) *ast.TypeDecl {
	d := &ast.TypeDecl{At: c.pos(g.Pos), Name: c.name(g.Name), Rbrace: c.last(g.Tokens)}
	sep := true
	for _, it := range g.Items {
		if it.Field == nil {
			sep = true
			continue
		}
		if !sep {
			c.diags.Add(c.pos(it.Pos), "expected \",\" or a newline between fields")
		}
		sep = false
		d.Fields = append(d.Fields, &ast.Field{Name: c.ident(it.Field.Name), Type: c.typ(it.Field.Type)})
	}
	return d
}

func (c *converter) typ(g *gType) ast.TypeExpr {
	var t ast.TypeExpr
	switch {
	case g.List != nil:
		t = &ast.ListType{At: c.pos(g.Pos), Elem: c.typ(g.List)}
	case g.Name == nil:
		elems := c.typeItems(g.Tuple)
		if len(elems) < 2 {
			c.diags.Add(c.pos(g.Pos), "a tuple type needs at least two elements")
		}
		if len(elems) == 1 {
			t = elems[0]
			break
		}
		t = &ast.TupleType{At: c.pos(g.Pos), Elems: elems}
	default:
		t = &ast.NamedType{Name: c.ident(g.Name), Args: c.typeItems(g.Args)}
	}
	for range g.Opt {
		t = &ast.OptionalType{Elem: t}
	}
	return t
}

func (c *converter) let(g *gLet) *ast.LetDecl {
	return &ast.LetDecl{At: c.pos(g.Pos), Name: c.name(g.Name), Value: c.expr(g.Value)}
}

// precedence of the binary operators, higher binds tighter; all are left-associative.
var precedence = map[string]int{
	"||": 1, "&&": 2,
	"==": 3, "!=": 3,
	"<": 4, "<=": 4, ">": 4, ">=": 4,
	"+": 5, "-": 5,
	"*": 6, "/": 6, "%": 6,
}

func (c *converter) expr(g *gExpr) ast.Expr {
	if g.Arrow != nil {
		return c.lambda(g)
	}
	if len(g.Ops) > maxOperands {
		c.diags.Add(c.pos(g.Ops[maxOperands].Pos), "expression too long (more than %d operators)", maxOperands)
		return c.unary(g.Head)
	}
	// Fold operands and operators by precedence with an operator stack (shunting-yard),
	// iteratively, so that long expressions cost no recursion.
	operands := []ast.Expr{c.unary(g.Head)}
	var ops []*gBinOp
	reduce := func() {
		op := ops[len(ops)-1]
		ops = ops[:len(ops)-1]
		n := len(operands)
		operands = append(operands[:n-2], &ast.Binary{X: operands[n-2], Op: op.Op, OpPos: c.pos(op.Pos), Y: operands[n-1]})
	}
	for _, op := range g.Ops {
		for len(ops) > 0 && precedence[ops[len(ops)-1].Op] >= precedence[op.Op] {
			reduce()
		}
		ops = append(ops, op)
		operands = append(operands, c.unary(op.Y))
	}
	for len(ops) > 0 {
		reduce()
	}
	return operands[0]
}

func (c *converter) unary(g *gUnary) ast.Expr {
	if g.Primary == nil {
		return &ast.Unary{At: c.pos(g.Pos), Op: g.Op, X: c.unary(g.X)}
	}
	x := c.primary(g.Primary)
	if len(g.Suffixes) > maxOperands {
		c.diags.Add(c.pos(g.Suffixes[maxOperands].Pos), "expression too long (more than %d operators)", maxOperands)
		return x
	}
	for _, s := range g.Suffixes {
		switch {
		case s.Sel != nil:
			x = &ast.Selector{X: x, Sel: c.ident(s.Sel)}
		case s.Call != nil:
			x = c.call(x, s.Call)
		default:
			x = &ast.Index{X: x, Index: c.expr(s.Index.X), Rbrack: c.last(s.Index.Tokens)}
		}
	}
	return x
}

func (c *converter) call(fun ast.Expr, g *gArgs) *ast.Call {
	call := &ast.Call{Fun: fun, Lparen: c.pos(g.Pos), Rparen: c.last(g.Tokens)}
	c.commas(len(g.Args), func(i int) bool { return g.Args[i].Arg == nil },
		func(i int) lexer.Position { return g.Args[i].Pos }, "an argument")
	for _, it := range g.Args {
		if a := it.Arg; a != nil {
			call.Args = append(call.Args, &ast.Arg{Name: c.binder(a.Name), Value: c.expr(a.Value)})
		}
	}
	return call
}

func (c *converter) primary(g *gPrimary) ast.Expr {
	switch {
	case g.If != nil:
		return c.ifExpr(g.If)
	case g.Record != nil:
		return c.record(g.Record)
	case g.Ident != "":
		return &ast.Ident{At: c.pos(g.Pos), Name: g.Ident}
	case g.Paren != nil:
		return c.paren(g.Paren)
	case g.List != nil:
		items := g.List.Items
		l := &ast.ListLit{At: c.pos(g.List.Pos), Rbrack: c.last(g.List.Tokens)}
		c.commas(len(items), func(i int) bool { return items[i].Elem == nil },
			func(i int) lexer.Position { return items[i].Pos }, "an element")
		for _, it := range items {
			if it.Elem != nil {
				l.Elems = append(l.Elems, c.expr(it.Elem))
			}
		}
		return l
	default:
		return c.lit(&gLit{Pos: g.Pos, Int: g.Int, Float: g.Float, Duration: g.Duration,
			String: g.String, Bool: g.Bool, None: g.None})
	}
}

func (c *converter) lit(g *gLit) ast.Expr {
	at := c.pos(g.Pos)
	switch {
	case g.Int != "":
		v, _ := parseInt(g.Int) // range errors were reported by the scanner
		return &ast.IntLit{At: at, Raw: g.Int, Value: v}
	case g.Float != "":
		v, _ := strconv.ParseFloat(strings.ReplaceAll(g.Float, "_", ""), 64)
		return &ast.FloatLit{At: at, Raw: g.Float, Value: v}
	case g.Duration != "":
		v, _ := parseDuration(g.Duration)
		return &ast.DurationLit{At: at, Raw: g.Duration, Value: v}
	case g.String != "":
		return &ast.StringLit{At: at, Raw: g.String, Value: unquote(g.String)}
	case g.Bool != "":
		return &ast.BoolLit{At: at, Value: g.Bool == "true"}
	default:
		return &ast.NoneLit{At: at}
	}
}

func (c *converter) record(g *gRecord) *ast.RecordLit {
	r := &ast.RecordLit{Type: c.name(g.Type), Rbrace: c.last(g.Tokens)}
	sep := true
	for _, it := range g.Items {
		if it.Field == nil {
			sep = true
			continue
		}
		if !sep {
			c.diags.Add(c.pos(it.Pos), "expected \",\" or a newline between fields")
		}
		sep = false
		r.Fields = append(r.Fields, &ast.FieldInit{Name: c.ident(it.Field.Name), Value: c.expr(it.Field.Value)})
	}
	return r
}

func (c *converter) ifExpr(g *gIf) *ast.IfExpr {
	x := &ast.IfExpr{At: c.pos(g.Pos), Cond: c.expr(g.Cond), Then: c.block(g.Then)}
	if g.ElseIf != nil {
		x.Else = c.ifExpr(g.ElseIf)
	} else {
		x.Else = c.block(g.Else)
	}
	return x
}

func (c *converter) block(g *gBlock) *ast.Block {
	b := &ast.Block{At: c.pos(g.Pos), Rbrace: c.last(g.Tokens)}
	sep := true
	for _, it := range g.Items {
		if it.Sep != "" {
			sep = true
			continue
		}
		if !sep {
			c.diags.Add(c.pos(it.Pos), "expected a newline or \";\" between statements")
		}
		sep = false
		if it.Let != nil {
			b.Stmts = append(b.Stmts, c.let(it.Let))
		} else {
			b.Stmts = append(b.Stmts, &ast.ExprStmt{X: c.expr(it.Expr)})
		}
	}
	// The block's value is its last statement when that is an expression.
	if n := len(b.Stmts); n > 0 {
		if es, ok := b.Stmts[n-1].(*ast.ExprStmt); ok {
			b.Result = es.X
			b.Stmts = b.Stmts[:n-1]
		}
	}
	return b
}

// paren converts `(...)` outside a lambda's parameters: a parenthesised expression or a
// tuple.
func (c *converter) paren(g *gParen) ast.Expr {
	at := c.pos(g.Pos)
	end := c.last(g.Tokens)
	elems := c.coverElems(g)
	for _, e := range elems {
		if e.Type != nil {
			c.diags.Add(c.pos(e.Type.Pos), "unexpected type annotation: types are written only on lambda parameters, as in (s: string) => ...")
		}
	}
	switch len(elems) {
	case 0:
		c.diags.Add(at, "empty parentheses: expected an expression (or \"=>\" after a lambda's empty parameter list)")
		return &ast.TupleLit{At: at, Rparen: end}
	case 1:
		return &ast.ParenExpr{At: at, X: c.expr(elems[0].X), Rparen: end}
	}
	t := &ast.TupleLit{At: at, Rparen: end}
	for _, e := range elems {
		t.Elems = append(t.Elems, c.expr(e.X))
	}
	return t
}

// coverElems checks the commas of a parenthesised list and returns its elements.
func (c *converter) coverElems(g *gParen) []*gCoverElem {
	c.commas(len(g.Items), func(i int) bool { return g.Items[i].Elem == nil },
		func(i int) lexer.Position { return g.Items[i].Pos }, "an element")
	var out []*gCoverElem
	for _, it := range g.Items {
		if it.Elem != nil {
			out = append(out, it.Elem)
		}
	}
	return out
}

func (c *converter) lambda(g *gExpr) ast.Expr {
	l := &ast.Lambda{At: c.pos(g.Pos)}
	if len(g.Ops) > 0 {
		c.diags.Add(c.pos(g.Arrow.Pos), "invalid lambda parameters before \"=>\": expected a name or a parenthesised list of names")
	} else if h := g.Head; h.Primary == nil || len(h.Suffixes) > 0 || (h.Primary.Ident == "" && h.Primary.Paren == nil) {
		c.diags.Add(c.pos(g.Arrow.Pos), "invalid lambda parameters before \"=>\": expected a name or a parenthesised list of names")
	} else if h.Primary.Ident != "" {
		id := &ast.Ident{At: c.pos(h.Primary.Pos), Name: h.Primary.Ident}
		l.Params = []*ast.Param{{At: id.At, Name: id}}
	} else {
		l.Params = c.params(h.Primary.Paren)
	}
	if g.Arrow.Block != nil {
		l.Body = c.block(g.Arrow.Block)
	} else {
		l.Body = c.expr(g.Arrow.Expr)
	}
	return l
}

// params converts a parenthesised list to lambda parameters: names with optional types,
// and nested lists that destructure tuples.
func (c *converter) params(g *gParen) []*ast.Param {
	ps := []*ast.Param{}
	for _, e := range c.coverElems(g) {
		at := c.pos(e.X.Pos)
		h := e.X.Head
		if len(e.X.Ops) > 0 || e.X.Arrow != nil || h.Primary == nil || len(h.Suffixes) > 0 ||
			(h.Primary.Ident == "" && h.Primary.Paren == nil) {
			c.diags.Add(at, "invalid lambda parameter: expected a name, a name with a type (s: string) or a tuple pattern (a, b)")
			continue
		}
		if h.Primary.Ident != "" {
			param := &ast.Param{At: at, Name: &ast.Ident{At: at, Name: h.Primary.Ident}}
			if e.Type != nil {
				param.Type = c.typ(e.Type)
			}
			ps = append(ps, param)
			continue
		}
		if e.Type != nil {
			c.diags.Add(c.pos(e.Type.Pos), "a tuple pattern cannot have a type; annotate its names instead")
		}
		inner := c.params(h.Primary.Paren)
		if len(inner) < 2 {
			c.diags.Add(at, "a tuple pattern needs at least two names")
		}
		ps = append(ps, &ast.Param{At: at, Tuple: inner})
	}
	return ps
}
