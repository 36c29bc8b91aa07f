package format

import (
	"bytes"
	"sort"
	"strings"

	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl/ast"
)

// maxWidth is the line width the formatter breaks lists and chains to stay within.
const maxWidth = 100

// indentUnit is one level of indentation.
const indentUnit = 4

// Source prints f in the canonical layout:
//
//   - the pipeline line and the settings form the first group, without blank lines;
//     types form the second group, lets and output statements the third; groups are
//     separated by exactly one blank line, and inside the type and statement groups a
//     blank line is kept where the source had one (several collapse to one);
//   - blocks, broken argument lists and continuation lines are indented by 4 spaces;
//   - a method chain stays on one line if it was written on one line and fits in 100
//     columns; otherwise it is printed with one `.op(...)` per line after the first,
//     indented by 4 spaces;
//   - argument lists, lists and tuples that do not fit, or that hold a comment, are
//     printed one element per line with a trailing comma;
//   - records and type bodies written over several lines keep one field per line;
//   - binary operators and "=>" have spaces around them, named arguments are `name = v`;
//   - comments stay where they were, own-line or trailing; strings and numbers are
//     printed as written.
//
// Source is idempotent: formatting its output again gives the same bytes.
func Source(f *ast.File) []byte {
	p := &printer{flatMemo: map[ast.Node]int{}, firstMemo: map[ast.Node]int{}, methodMemo: map[ast.Expr]bool{}}
	p.comments = append(p.comments, f.Comments...)
	sort.SliceStable(p.comments, func(i, j int) bool { return p.comments[i].At.Offset < p.comments[j].At.Offset })
	p.file(f)
	out := bytes.TrimRight(p.buf.Bytes(), "\n")
	if len(out) == 0 {
		return nil
	}
	return append(out, '\n')
}

type printer struct {
	buf        bytes.Buffer
	comments   []*ast.Comment
	next       int  // index of the first comment not printed yet
	atStart    bool // nothing written on the current line yet (indentation pending)
	indent     int  // indentation of the current line
	lastLine   int  // source line where the last printed item ended, for blank lines
	blankOK    bool // blank lines may be kept here (top level, blocks)
	lineStart  int  // offset in buf where the current line starts
	flatMemo   map[ast.Node]int
	firstMemo  map[ast.Node]int
	methodMemo map[ast.Expr]bool
}

// col returns the column (0-based) where the next byte goes.
func (p *printer) col() int {
	if p.atStart {
		return p.indent
	}
	return p.buf.Len() - p.lineStart
}

func (p *printer) write(s string) {
	if s == "" {
		return
	}
	if p.lineEmpty() {
		p.buf.WriteString(strings.Repeat(" ", p.indent))
		p.atStart = false
	}
	p.buf.WriteString(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		p.lineStart = p.buf.Len() - len(s) + i + 1
	}
}

// lineEmpty reports whether nothing is written on the current line: after a newline, or
// before anything at all (a comment trailing a lone ";" at the top of the file).
func (p *printer) lineEmpty() bool { return p.atStart || p.buf.Len() == 0 }

// newline ends the current line; the next write starts a line indented by indent.
func (p *printer) newline(indent int) {
	b := p.buf.Bytes()
	p.buf.Truncate(len(bytes.TrimRight(b, " ")))
	if p.buf.Len() > 0 || p.atStart {
		p.buf.WriteByte('\n')
	}
	p.lineStart = p.buf.Len()
	p.atStart = true
	p.indent = indent
}

// startLine makes sure the next write begins a fresh line at indent.
func (p *printer) startLine(indent int) {
	if !p.atStart {
		p.newline(indent)
	}
	p.indent = indent
}

// blank emits one empty line, unless the output already ends with one or is empty.
func (p *printer) blank() {
	b := p.buf.Bytes()
	if len(b) == 0 || bytes.HasSuffix(b, []byte("\n\n")) {
		return
	}
	p.startLine(p.indent)
	p.buf.WriteByte('\n')
	p.lineStart = p.buf.Len()
}

// flush prints the comments that start before offset. A trailing comment goes at the
// end of the current line; an own-line comment on its own line at indent. After a
// comment the output is always at the start of a line, since a comment runs to the end
// of its line. gap decides blank lines before own-line comments (see gapBefore).
func (p *printer) flush(offset, indent int, gap func(line int) bool) {
	for p.next < len(p.comments) && p.comments[p.next].At.Offset < offset {
		c := p.comments[p.next]
		p.next++
		// Any white space at the end goes, a carriage return too: printed before the
		// newline it would become part of the line ending, which the parser drops, and
		// a second formatting would differ from the first.
		text := strings.TrimRight(c.Text, " \t\r\f\v")
		if c.Trailing && !p.lineEmpty() {
			p.write(" " + text)
			p.newline(indent)
			continue
		}
		p.startLine(indent)
		if gap != nil && gap(c.At.Line) {
			p.blank()
			p.indent = indent
		}
		p.write(text)
		p.newline(indent)
		p.lastLine = c.At.Line
	}
}

// asWritten keeps one blank line where the source had at least one.
func (p *printer) asWritten(line int) bool {
	return p.lastLine > 0 && line > p.lastLine+1
}

// group classifies top-level declarations for blank lines.
func group(d ast.Decl) int {
	switch d.(type) {
	case *ast.PipelineDecl, *ast.Setting:
		return 0
	case *ast.ImportDecl:
		return 1
	case *ast.TypeDecl:
		return 2
	}
	return 3
}

func (p *printer) file(f *ast.File) {
	for i, d := range f.Decls {
		start := d.Pos()
		// Decide the blank line before this declaration (and its leading comments).
		switch {
		case i == 0:
			p.flush(start.Offset, 0, p.asWritten)
		case group(d) != group(f.Decls[i-1]):
			forced := false
			p.flush(start.Offset, 0, func(line int) bool {
				first := !forced
				forced = true
				return first || p.asWritten(line)
			})
			if !forced {
				p.startLine(0)
				p.blank()
			} else if p.asWritten(start.Line) {
				p.startLine(0)
				p.blank()
			}
		case group(d) == 0:
			p.flush(start.Offset, 0, nil)
		default:
			p.flush(start.Offset, 0, p.asWritten)
			if p.asWritten(start.Line) {
				p.startLine(0)
				p.blank()
			}
		}
		p.startLine(0)
		p.decl(d)
		p.lastLine = end(d).Line
	}
	p.flush(infinite, 0, p.asWritten)
}

func (p *printer) decl(d ast.Decl) {
	switch d := d.(type) {
	case *ast.PipelineDecl:
		p.write("pipeline " + d.Name.Name)
	case *ast.ImportDecl:
		p.write("import ")
		if d.Name != nil {
			p.write(d.Name.Name + " ")
		}
		p.write(d.Path.Raw)
	case *ast.Setting:
		p.write(d.Name.Name + " ")
		p.expr(d.Value)
	case *ast.TypeDecl:
		p.typeDecl(d)
	case *ast.LetDecl:
		p.write("let " + d.Name.Name + " = ")
		p.expr(d.Value)
	case *ast.ExprStmt:
		p.expr(d.X)
	}
}

func (p *printer) typeDecl(d *ast.TypeDecl) {
	p.write("type " + d.Name.Name + " {")
	if len(d.Fields) == 0 && !p.commentsIn(d.At.Offset, d.Rbrace.Offset) {
		p.write("}")
		return
	}
	items := make([]ast.Node, len(d.Fields))
	parts := make([]string, len(d.Fields))
	w := len("type " + d.Name.Name + " {  }")
	for i, f := range d.Fields {
		items[i] = f
		parts[i] = f.Name.Name + ": " + typeString(f.Type)
		w += len(parts[i]) + 2
	}
	broken := multiline(d.At, d.Rbrace) || w > maxWidth ||
		p.commentsBetween(d.At.Offset, d.Rbrace.Offset, items)
	if !broken {
		p.write(" " + strings.Join(parts, ", ") + " }")
		return
	}
	outer := p.indent
	for i, f := range d.Fields {
		p.flush(f.Pos().Offset, outer+indentUnit, nil)
		p.startLine(outer + indentUnit)
		p.write(parts[i])
	}
	p.flush(d.Rbrace.Offset, outer+indentUnit, nil)
	p.startLine(outer)
	p.write("}")
}

// typeString prints a type; types never break over lines.
func typeString(t ast.TypeExpr) string {
	switch t := t.(type) {
	case *ast.NamedType:
		if len(t.Args) == 0 {
			return t.Name.Name
		}
		return t.Name.Name + "[" + typeList(t.Args) + "]"
	case *ast.ListType:
		return "[" + typeString(t.Elem) + "]"
	case *ast.TupleType:
		return "(" + typeList(t.Elems) + ")"
	case *ast.OptionalType:
		return typeString(t.Elem) + "?"
	}
	return ""
}

func typeList(ts []ast.TypeExpr) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = typeString(t)
	}
	return strings.Join(parts, ", ")
}

func writeParams(b *strings.Builder, l *ast.Lambda) {
	if len(l.Params) == 1 && l.Params[0].Name != nil && l.Params[0].Type == nil {
		b.WriteString(l.Params[0].Name.Name)
		return
	}
	writeParamList(b, l.Params)
}

func writeParamList(b *strings.Builder, ps []*ast.Param) {
	b.WriteByte('(')
	for i, p := range ps {
		if i > 0 {
			b.WriteString(", ")
		}
		if p.Name == nil {
			writeParamList(b, p.Tuple)
			continue
		}
		b.WriteString(p.Name.Name)
		if p.Type != nil {
			b.WriteString(": " + typeString(p.Type))
		}
	}
	b.WriteByte(')')
}

// precedence of binary operators, as the parser folds them.
var precedence = map[string]int{
	"||": 1, "&&": 2, "==": 3, "!=": 3, "<": 4, "<=": 4, ">": 4, ">=": 4,
	"+": 5, "-": 5, "*": 6, "/": 6, "%": 6,
}

// needParens reports whether operand x of parent needs parentheses to keep the tree's
// shape. Parsed trees keep their parentheses as ParenExpr nodes, so this matters only
// for trees built by hand.
func needParens(x ast.Expr, parent *ast.Binary, right bool) bool {
	switch x := x.(type) {
	case *ast.Binary:
		if right {
			return precedence[x.Op] <= precedence[parent.Op]
		}
		return precedence[x.Op] < precedence[parent.Op]
	case *ast.Lambda:
		return true
	}
	return false
}

func (p *printer) expr(x ast.Expr) {
	switch x := x.(type) {
	case nil:
	case *ast.Ident:
		p.write(x.Name)
	case *ast.IntLit:
		p.write(x.Raw)
	case *ast.FloatLit:
		p.write(x.Raw)
	case *ast.DurationLit:
		p.write(x.Raw)
	case *ast.StringLit:
		p.write(x.Raw)
	case *ast.BoolLit:
		if x.Value {
			p.write("true")
		} else {
			p.write("false")
		}
	case *ast.NoneLit:
		p.write("none")
	case *ast.ListLit:
		p.list("[", "]", exprNodes(x.Elems), x.At, x.Rbrack)
	case *ast.TupleLit:
		p.list("(", ")", exprNodes(x.Elems), x.At, x.Rparen)
	case *ast.ParenExpr:
		p.write("(")
		p.expr(x.X)
		p.write(")")
	case *ast.RecordLit:
		p.record(x)
	case *ast.Selector, *ast.Call, *ast.Index:
		p.chain(x)
	case *ast.Unary:
		p.write(x.Op)
		if _, ok := x.X.(*ast.Binary); ok {
			p.write("(")
			p.expr(x.X)
			p.write(")")
		} else {
			p.expr(x.X)
		}
	case *ast.Binary:
		p.operand(x.X, needParens(x.X, x, false))
		p.write(" " + x.Op + " ")
		p.operand(x.Y, needParens(x.Y, x, true))
	case *ast.IfExpr:
		p.ifExpr(x)
	case *ast.Lambda:
		var b strings.Builder
		writeParams(&b, x)
		p.write(b.String() + " => ")
		p.expr(x.Body)
	case *ast.Block:
		p.block(x)
	}
}

func (p *printer) operand(x ast.Expr, parens bool) {
	if parens {
		p.write("(")
	}
	p.expr(x)
	if parens {
		p.write(")")
	}
}

// list prints items between open and close, inline when they fit and hold no comment,
// else one per line with a trailing comma.
func (p *printer) list(open, close string, items []ast.Node, from, to diag.Pos) {
	w := p.listWidth(items)
	if p.commentsBetween(from.Offset, to.Offset, items) || sum(p.col(), len(open), w, len(close)) > maxWidth {
		p.broken(open, close, items, to)
		return
	}
	p.write(open)
	for i, it := range items {
		if i > 0 {
			p.write(", ")
		}
		p.node(it)
	}
	p.write(close)
}

// broken prints items one per line, indented one level deeper than the current line.
func (p *printer) broken(open, close string, items []ast.Node, to diag.Pos) {
	outer := p.indent
	inner := outer + indentUnit
	p.write(open)
	for _, it := range items {
		p.flush(it.Pos().Offset, inner, nil)
		p.startLine(inner)
		p.node(it)
		p.write(",")
	}
	p.flush(to.Offset, inner, nil)
	p.startLine(outer)
	p.write(close)
}

func (p *printer) node(n ast.Node) {
	switch n := n.(type) {
	case *ast.Arg:
		if n.Name != nil {
			p.write(n.Name.Name + " = ")
		}
		p.expr(n.Value)
	case *ast.FieldInit:
		p.write(n.Name.Name + ": ")
		p.expr(n.Value)
	case ast.Expr:
		p.expr(n)
	}
}

func (p *printer) record(r *ast.RecordLit) {
	items := make([]ast.Node, len(r.Fields))
	for i, f := range r.Fields {
		items[i] = f
	}
	if len(items) == 0 && !p.commentsIn(r.Type.At.Offset, r.Rbrace.Offset) {
		p.write(r.Type.Name + "{}")
		return
	}
	if w := p.flat(r); w < infinite && p.col()+w <= maxWidth {
		p.write(r.Type.Name + "{")
		for i, it := range items {
			if i > 0 {
				p.write(", ")
			}
			p.node(it)
		}
		p.write("}")
		return
	}
	outer := p.indent
	p.write(r.Type.Name + "{")
	for _, it := range items {
		p.flush(it.Pos().Offset, outer+indentUnit, nil)
		p.startLine(outer + indentUnit)
		p.node(it)
	}
	p.flush(r.Rbrace.Offset, outer+indentUnit, nil)
	p.startLine(outer)
	p.write("}")
}

func (p *printer) ifExpr(x *ast.IfExpr) {
	if w := p.flat(x); w < infinite && p.col()+w <= maxWidth {
		p.write("if ")
		p.expr(x.Cond)
		p.write(" ")
		p.inlineBlock(x.Then)
		p.write(" else ")
		if b, ok := x.Else.(*ast.Block); ok {
			p.inlineBlock(b)
		} else {
			p.expr(x.Else)
		}
		return
	}
	p.write("if ")
	p.expr(x.Cond)
	p.write(" ")
	p.multiBlock(x.Then)
	p.write(" else ")
	switch e := x.Else.(type) {
	case *ast.Block:
		p.multiBlock(e)
	case *ast.IfExpr:
		p.ifExpr(e)
	default:
		p.expr(e)
	}
}

func (p *printer) block(b *ast.Block) {
	if w := p.flat(b); w < infinite && p.col()+w <= maxWidth {
		p.inlineBlock(b)
		return
	}
	p.multiBlock(b)
}

func (p *printer) inlineBlock(b *ast.Block) {
	if b.Result == nil {
		p.write("{}")
		return
	}
	p.write("{ ")
	p.expr(b.Result)
	p.write(" }")
}

// multiBlock prints a block one statement per line, one level deeper than the line
// where it opens; blank lines between statements are kept as written.
func (p *printer) multiBlock(b *ast.Block) {
	outer := p.indent
	inner := outer + indentUnit
	p.write("{")
	stmts := make([]ast.Node, 0, len(b.Stmts)+1)
	for _, s := range b.Stmts {
		stmts = append(stmts, s)
	}
	if b.Result != nil {
		stmts = append(stmts, b.Result)
	}
	savedLast := p.lastLine
	p.lastLine = b.At.Line
	first := true
	for _, s := range stmts {
		start := s.Pos()
		gap := p.asWritten
		if first {
			gap = nil // no blank line right after "{"
		}
		p.flush(start.Offset, inner, gap)
		p.startLine(inner)
		if !first && p.asWritten(start.Line) {
			p.blank()
			p.indent = inner
		}
		first = false
		switch s := s.(type) {
		case *ast.LetDecl:
			p.write("let " + s.Name.Name + " = ")
			p.expr(s.Value)
		case *ast.ExprStmt:
			p.expr(s.X)
		case ast.Expr:
			p.expr(s)
		}
		p.lastLine = end(s).Line
	}
	p.flush(b.Rbrace.Offset, inner, nil)
	p.startLine(outer)
	p.write("}")
	p.lastLine = savedLast
}

// chainParts flattens a postfix expression into its root and its suffixes in source
// order (each part is the Selector, Call or Index node that adds one suffix).
func chainParts(x ast.Expr) (root ast.Expr, parts []ast.Expr) {
	for {
		switch n := x.(type) {
		case *ast.Selector:
			parts = append(parts, n)
			x = n.X
			continue
		case *ast.Call:
			parts = append(parts, n)
			x = n.Fun
			continue
		case *ast.Index:
			parts = append(parts, n)
			x = n.X
			continue
		}
		break
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return x, parts
}

// methodSelectors returns the indexes in parts of the selectors that name a method
// (a selector directly followed by its call): the places a chain can break.
func methodSelectors(parts []ast.Expr) []int {
	var out []int
	for i, part := range parts {
		if _, ok := part.(*ast.Selector); ok && i+1 < len(parts) {
			if c, ok := parts[i+1].(*ast.Call); ok && c.Fun == part {
				out = append(out, i)
			}
		}
	}
	return out
}

// hasMethod reports whether the postfix chain x contains a method call.
func (p *printer) hasMethod(x ast.Expr) bool {
	if v, ok := p.methodMemo[x]; ok {
		return v
	}
	v := false
	switch n := x.(type) {
	case *ast.Call:
		_, isSel := n.Fun.(*ast.Selector)
		v = isSel || p.hasMethod(n.Fun)
	case *ast.Selector:
		v = p.hasMethod(n.X)
	case *ast.Index:
		v = p.hasMethod(n.X)
	}
	p.methodMemo[x] = v
	return v
}

// splitHere reports whether the postfix node x is a method call, not the first of its
// chain, whose name started a line in the source.
func (p *printer) splitHere(x ast.Expr) bool {
	c, ok := x.(*ast.Call)
	if !ok {
		return false
	}
	sel, ok := c.Fun.(*ast.Selector)
	return ok && p.hasMethod(sel.X) && sel.Sel.At.Line > end(sel.X).Line
}

// breakPoints returns the indexes in parts of the methods a chain may break before:
// every method after the first, and the first too when it follows a call
// (`files("in").flatMap(...)` may break before .flatMap, `lines.map(...)` may not break
// before .map).
func breakPoints(parts []ast.Expr) []int {
	ms := methodSelectors(parts)
	if len(ms) == 0 {
		return nil
	}
	for _, part := range parts[:ms[0]] {
		if _, ok := part.(*ast.Call); ok {
			return ms
		}
	}
	return ms[1:]
}

// splitInSource reports whether a method at one of the chain's break points started a
// line in the source.
func (p *printer) splitInSource(x ast.Expr) bool {
	_, parts := chainParts(x)
	for _, i := range breakPoints(parts) {
		sel := parts[i].(*ast.Selector)
		if sel.Sel.At.Line > end(sel.X).Line {
			return true
		}
	}
	return false
}

func (p *printer) chain(x ast.Expr) {
	root, parts := chainParts(x)
	points := breakPoints(parts)
	split := false
	if len(points) > 0 {
		split = p.splitInSource(x) || sum(p.col(), p.firstLine(x)) > maxWidth
	}
	breakAt := map[int]bool{}
	// A comment before a method needs a line of its own: the chain is split, and broken
	// before that method too when it is not a break point (`lines //c` then `.map(...)`),
	// so that the comment stays there from one formatting to the next.
	for _, i := range methodSelectors(parts) {
		sel := parts[i].(*ast.Selector)
		if p.commentsIn(end(sel.X).Offset, sel.Sel.At.Offset) {
			split, breakAt[i] = true, true
		}
	}
	if split {
		for _, i := range points {
			breakAt[i] = true
		}
	}
	base := p.indent
	p.expr(root)
	for i, part := range parts {
		switch n := part.(type) {
		case *ast.Selector:
			if breakAt[i] {
				p.flush(n.Sel.At.Offset, base+indentUnit, nil)
				p.startLine(base + indentUnit)
			}
			p.write("." + n.Sel.Name)
		case *ast.Call:
			p.args(n)
		case *ast.Index:
			p.write("[")
			p.expr(n.Index)
			p.write("]")
		}
	}
}

func (p *printer) args(c *ast.Call) {
	items := argNodes(c.Args)
	if p.commentsBetween(c.Lparen.Offset, c.Rparen.Offset, items) || sum(p.col(), p.argsFirstLine(c)) > maxWidth {
		p.broken("(", ")", items, c.Rparen)
		return
	}
	p.write("(")
	for i, it := range items {
		if i > 0 {
			p.write(", ")
		}
		p.node(it)
	}
	p.write(")")
}
