package format

import (
	"sort"
	"strings"

	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl/ast"
)

// end returns the position just past the last token of n (Offset and Line are set).
// It relies on the closing-bracket positions the parser records; for a tree built by
// hand, where positions are zero, it returns a zero position.
func end(n ast.Node) diag.Pos {
	after := func(p diag.Pos, text string) diag.Pos {
		p.Offset += len(text)
		p.Line += strings.Count(text, "\n")
		return p
	}
	switch n := n.(type) {
	case *ast.Ident:
		return after(n.At, n.Name)
	case *ast.IntLit:
		return after(n.At, n.Raw)
	case *ast.FloatLit:
		return after(n.At, n.Raw)
	case *ast.StringLit:
		return after(n.At, n.Raw)
	case *ast.DurationLit:
		return after(n.At, n.Raw)
	case *ast.BoolLit:
		if n.Value {
			return after(n.At, "true")
		}
		return after(n.At, "false")
	case *ast.NoneLit:
		return after(n.At, "none")
	case *ast.ListLit:
		return after(n.Rbrack, "]")
	case *ast.TupleLit:
		return after(n.Rparen, ")")
	case *ast.ParenExpr:
		return after(n.Rparen, ")")
	case *ast.RecordLit:
		return after(n.Rbrace, "}")
	case *ast.Selector:
		return end(n.Sel)
	case *ast.Call:
		return after(n.Rparen, ")")
	case *ast.Index:
		return after(n.Rbrack, "]")
	case *ast.Unary:
		return end(n.X)
	case *ast.Binary:
		return end(n.Y)
	case *ast.IfExpr:
		return end(n.Else)
	case *ast.Lambda:
		return end(n.Body)
	case *ast.Block:
		return after(n.Rbrace, "}")
	case *ast.PipelineDecl:
		return end(n.Name)
	case *ast.ImportDecl:
		return end(n.Path)
	case *ast.Setting:
		return end(n.Value)
	case *ast.TypeDecl:
		return after(n.Rbrace, "}")
	case *ast.LetDecl:
		return end(n.Value)
	case *ast.ExprStmt:
		return end(n.X)
	case *ast.Arg:
		return end(n.Value)
	case *ast.FieldInit:
		return end(n.Value)
	case *ast.Field:
		return typeEnd(n.Type)
	}
	return diag.Pos{}
}

// typeEnd approximates the end of a type: type expressions keep no closing positions,
// and a type is only ever followed by a separator, so assuming that its closing
// brackets follow its last name directly is close enough for placing comments.
func typeEnd(t ast.TypeExpr) diag.Pos {
	closer := func(p diag.Pos) diag.Pos {
		p.Offset++
		return p
	}
	switch t := t.(type) {
	case *ast.NamedType:
		if len(t.Args) > 0 {
			return closer(typeEnd(t.Args[len(t.Args)-1]))
		}
		return end(t.Name)
	case *ast.ListType:
		return closer(typeEnd(t.Elem))
	case *ast.TupleType:
		if len(t.Elems) > 0 {
			return closer(typeEnd(t.Elems[len(t.Elems)-1]))
		}
		return closer(t.At)
	case *ast.OptionalType:
		return closer(typeEnd(t.Elem))
	}
	return diag.Pos{}
}

// commentsIn reports whether a comment starts in [from, to).
func (p *printer) commentsIn(from, to int) bool {
	i := sort.Search(len(p.comments), func(i int) bool { return p.comments[i].At.Offset >= from })
	return i < len(p.comments) && p.comments[i].At.Offset < to
}

// commentsBetween reports whether a comment lies inside the span of container but
// outside all of the spans of its items: such a comment needs the container broken
// over lines so that it has a line to stand on.
func (p *printer) commentsBetween(from, to int, items []ast.Node) bool {
	at := from
	for _, it := range items {
		if p.commentsIn(at, it.Pos().Offset) {
			return true
		}
		at = end(it).Offset
	}
	return p.commentsIn(at, to)
}

const infinite = 1 << 30

// flat returns the width of x printed on one line, or infinite when x cannot be: it
// holds a block with statements, a multi-line string, a comment, a record or chain
// that was written over several lines.
func (p *printer) flat(x ast.Node) int {
	if w, ok := p.flatMemo[x]; ok {
		return w
	}
	w := p.computeFlat(x)
	if w >= infinite {
		w = infinite
	}
	p.flatMemo[x] = w
	return w
}

func sum(ws ...int) int {
	t := 0
	for _, w := range ws {
		if w >= infinite {
			return infinite
		}
		t += w
	}
	return t
}

func (p *printer) computeFlat(x ast.Node) int {
	if x == nil {
		return 0
	}
	if x.Pos().IsValid() && p.commentsIn(x.Pos().Offset, end(x).Offset) {
		return infinite
	}
	switch x := x.(type) {
	case *ast.Ident:
		return len(x.Name)
	case *ast.IntLit:
		return len(x.Raw)
	case *ast.FloatLit:
		return len(x.Raw)
	case *ast.DurationLit:
		return len(x.Raw)
	case *ast.StringLit:
		if strings.Contains(x.Raw, "\n") {
			return infinite
		}
		return len(x.Raw)
	case *ast.BoolLit:
		if x.Value {
			return 4
		}
		return 5
	case *ast.NoneLit:
		return 4
	case *ast.ListLit:
		return sum(2, p.listWidth(exprNodes(x.Elems)))
	case *ast.TupleLit:
		return sum(2, p.listWidth(exprNodes(x.Elems)))
	case *ast.ParenExpr:
		return sum(2, p.flat(x.X))
	case *ast.RecordLit:
		if multiline(x.Type.At, x.Rbrace) {
			return infinite
		}
		items := make([]ast.Node, len(x.Fields))
		for i, f := range x.Fields {
			items[i] = f
		}
		return sum(len(x.Type.Name), 2, p.listWidth(items))
	case *ast.FieldInit:
		return sum(len(x.Name.Name), 2, p.flat(x.Value))
	case *ast.Selector, *ast.Call, *ast.Index:
		if p.splitHere(x.(ast.Expr)) {
			return infinite
		}
		switch x := x.(type) {
		case *ast.Selector:
			return sum(p.flat(x.X), 1, len(x.Sel.Name))
		case *ast.Call:
			return sum(p.flat(x.Fun), 2, p.listWidth(argNodes(x.Args)))
		case *ast.Index:
			return sum(p.flat(x.X), 2, p.flat(x.Index))
		}
	case *ast.Arg:
		if x.Name != nil {
			return sum(len(x.Name.Name), 3, p.flat(x.Value))
		}
		return p.flat(x.Value)
	case *ast.Unary:
		return sum(len(x.Op), p.flat(x.X))
	case *ast.Binary:
		w := sum(p.flat(x.X), len(x.Op)+2, p.flat(x.Y))
		if needParens(x.X, x, false) {
			w = sum(w, 2)
		}
		if needParens(x.Y, x, true) {
			w = sum(w, 2)
		}
		return w
	case *ast.IfExpr:
		return sum(3, p.flat(x.Cond), 1, p.flat(x.Then), 6, p.flat(x.Else))
	case *ast.Lambda:
		return sum(p.paramsWidth(x), 4, p.flat(x.Body))
	case *ast.Block:
		if len(x.Stmts) > 0 || multiline(x.At, x.Rbrace) {
			return infinite
		}
		if x.Result == nil {
			return 2
		}
		return sum(4, p.flat(x.Result))
	}
	return infinite
}

// firstLine returns the width of the first line of x as the printer lays it out when
// nothing is broken for width: up to the "{" of a block, the first line of a
// multi-line string, and so on.
func (p *printer) firstLine(x ast.Node) int {
	if w, ok := p.firstMemo[x]; ok {
		return w
	}
	w := p.computeFirstLine(x)
	p.firstMemo[x] = w
	return w
}

func (p *printer) computeFirstLine(x ast.Node) int {
	if w := p.flat(x); w < infinite {
		return w
	}
	switch x := x.(type) {
	case *ast.StringLit:
		return strings.IndexByte(x.Raw, '\n')
	case *ast.ListLit, *ast.TupleLit:
		return 1
	case *ast.ParenExpr:
		return sum(1, p.firstLine(x.X))
	case *ast.RecordLit:
		return len(x.Type.Name) + 1
	case *ast.Selector:
		return p.firstLine(x.X)
	case *ast.Index:
		return p.firstLine(x.X)
	case *ast.Call:
		if p.flat(x.Fun) >= infinite {
			return p.firstLine(x.Fun)
		}
		return sum(p.flat(x.Fun), p.argsFirstLine(x))
	case *ast.Arg:
		if x.Name != nil {
			return sum(len(x.Name.Name), 3, p.firstLine(x.Value))
		}
		return p.firstLine(x.Value)
	case *ast.Unary:
		return sum(len(x.Op), p.firstLine(x.X))
	case *ast.Binary:
		if w := p.flat(x.X); w < infinite {
			return sum(w, len(x.Op)+2, p.firstLine(x.Y))
		}
		return p.firstLine(x.X)
	case *ast.IfExpr:
		if w := p.flat(x.Cond); w < infinite {
			return w + 5
		}
		return sum(3, p.firstLine(x.Cond))
	case *ast.Lambda:
		return sum(p.paramsWidth(x), 4, p.firstLine(x.Body))
	case *ast.Block:
		return 1
	}
	return infinite
}

// argsFirstLine is the width from "(" to the end of the first line of a call's
// arguments printed inline.
func (p *printer) argsFirstLine(c *ast.Call) int {
	w := 1
	for i, a := range c.Args {
		if i > 0 {
			w += 2
		}
		if f := p.flat(a); f < infinite {
			w = sum(w, f)
			continue
		}
		return sum(w, p.firstLine(a))
	}
	return w + 1
}

func (p *printer) listWidth(items []ast.Node) int {
	w := 0
	for i, it := range items {
		if i > 0 {
			w += 2
		}
		w = sum(w, p.flat(it))
	}
	return w
}

func (p *printer) paramsWidth(l *ast.Lambda) int {
	var b strings.Builder
	writeParams(&b, l)
	return len(b.String())
}

func multiline(from, to diag.Pos) bool { return to.Line > from.Line }

func exprNodes(xs []ast.Expr) []ast.Node {
	out := make([]ast.Node, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

func argNodes(xs []*ast.Arg) []ast.Node {
	out := make([]ast.Node, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}
