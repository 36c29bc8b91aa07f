package ast

import (
	"time"

	"streamc.dev/streamc/diag"
)

// Node is implemented by every syntax tree node.
type Node interface {
	// Pos is where the node starts.
	Pos() diag.Pos
}

// File is one parsed .stream file.
type File struct {
	Name     string     // the file name as given on the command line
	Decls    []Decl     // top-level declarations in source order
	Comments []*Comment // every comment, in source order, for the formatter
}

// Pos is the start of the file: line 1, column 1, so that a File is a Node and can be
// walked with Inspect.
func (f *File) Pos() diag.Pos { return diag.Pos{File: f.Name, Line: 1, Col: 1} }

// Comment is a `// ...` comment. Text includes the leading slashes.
type Comment struct {
	At   diag.Pos
	Text string
	// Trailing is true when code precedes the comment on its line.
	Trailing bool
}

func (c *Comment) Pos() diag.Pos { return c.At }

// Decl is a top-level declaration: *PipelineDecl, *ImportDecl, *Setting, *TypeDecl,
// *LetDecl or *ExprStmt (a stream expression that ends in an output).
type Decl interface {
	Node
	declNode()
}

// PipelineDecl is `pipeline NAME`.
type PipelineDecl struct {
	At   diag.Pos
	Name *Ident
}

// ImportDecl is `import "path"` or `import NAME "path"`: a Go package whose exported
// functions the program may call as NAME.Func(...). The path is a module's package
// ("github.com/x/y") or a directory beside the file ("./geo"); NAME defaults to the
// package's name.
type ImportDecl struct {
	At   diag.Pos
	Name *Ident // nil when not written
	Path *StringLit
}

// Setting is `NAME VALUE` at top level, e.g. `batch 1s` or `checkpoint "ckpt/x"`.
// Which names exist and what values they take is the checker's business.
type Setting struct {
	Name  *Ident
	Value Expr
}

// TypeDecl is `type NAME { field: type, ... }`.
type TypeDecl struct {
	At     diag.Pos
	Name   *Ident
	Fields []*Field
	Rbrace diag.Pos // the closing brace; lets the formatter keep blank lines as written
}

// Field is one `name: type` of a record type.
type Field struct {
	Name *Ident
	Type TypeExpr
}

// LetDecl is `let NAME = VALUE`, at top level or inside a block.
type LetDecl struct {
	At    diag.Pos
	Name  *Ident
	Value Expr
}

// ExprStmt is an expression used as a statement: at top level a stream expression
// ending in an output, in a block a call for its effect (e.g. `state.update(x)`).
type ExprStmt struct {
	X Expr
}

func (d *PipelineDecl) Pos() diag.Pos { return d.At }
func (d *ImportDecl) Pos() diag.Pos   { return d.At }
func (d *Setting) Pos() diag.Pos      { return d.Name.At }
func (d *TypeDecl) Pos() diag.Pos     { return d.At }
func (d *LetDecl) Pos() diag.Pos      { return d.At }
func (d *ExprStmt) Pos() diag.Pos     { return d.X.Pos() }
func (f *Field) Pos() diag.Pos        { return f.Name.At }

func (*PipelineDecl) declNode() {}
func (*ImportDecl) declNode()   {}
func (*Setting) declNode()      {}
func (*TypeDecl) declNode()     {}
func (*LetDecl) declNode()      {}
func (*ExprStmt) declNode()     {}

// Stmt is a statement inside a block: *LetDecl or *ExprStmt.
type Stmt interface {
	Node
	stmtNode()
}

func (*LetDecl) stmtNode()  {}
func (*ExprStmt) stmtNode() {}

// TypeExpr is a type as written: *NamedType, *ListType, *TupleType or *OptionalType.
type TypeExpr interface {
	Node
	typeNode()
}

// NamedType is a builtin or declared type name, with optional type arguments
// (`State[int]`).
type NamedType struct {
	Name *Ident
	Args []TypeExpr
}

// ListType is `[T]`.
type ListType struct {
	At   diag.Pos
	Elem TypeExpr
}

// TupleType is `(A, B, ...)` with at least two elements.
type TupleType struct {
	At    diag.Pos
	Elems []TypeExpr
}

// OptionalType is `T?`.
type OptionalType struct {
	Elem TypeExpr
}

func (t *NamedType) Pos() diag.Pos    { return t.Name.At }
func (t *ListType) Pos() diag.Pos     { return t.At }
func (t *TupleType) Pos() diag.Pos    { return t.At }
func (t *OptionalType) Pos() diag.Pos { return t.Elem.Pos() }

func (*NamedType) typeNode()    {}
func (*ListType) typeNode()     {}
func (*TupleType) typeNode()    {}
func (*OptionalType) typeNode() {}

// Expr is an expression.
type Expr interface {
	Node
	exprNode()
}

// Ident is a name: a binding, a lambda parameter, a builtin, `batchTime`, a record type.
type Ident struct {
	At   diag.Pos
	Name string
}

// IntLit is an integer literal such as 42 or 1_000_000.
type IntLit struct {
	At    diag.Pos
	Raw   string
	Value int64
}

// FloatLit is a floating-point literal such as 0.5 or 1e6.
type FloatLit struct {
	At    diag.Pos
	Raw   string
	Value float64
}

// StringLit is a string literal. "..." strings may span lines (for SQL text) and take
// Go-style escapes; `...` strings are raw. Raw keeps the text as written, quotes included.
type StringLit struct {
	At    diag.Pos
	Raw   string
	Value string
}

// DurationLit is a duration literal: an integer and a unit, e.g. 250ms, 1s, 5m, 1h, 2d,
// or several joined (1h30m).
type DurationLit struct {
	At    diag.Pos
	Raw   string
	Value time.Duration
}

// BoolLit is true or false.
type BoolLit struct {
	At    diag.Pos
	Value bool
}

// NoneLit is `none`, the empty optional.
type NoneLit struct {
	At diag.Pos
}

// ListLit is `[a, b, ...]`.
type ListLit struct {
	At     diag.Pos
	Elems  []Expr
	Rbrack diag.Pos // the closing bracket
}

// TupleLit is `(a, b, ...)` with at least two elements.
type TupleLit struct {
	At     diag.Pos
	Elems  []Expr
	Rparen diag.Pos // the closing parenthesis
}

// ParenExpr is `(x)`; kept so that the formatter can print the source back.
type ParenExpr struct {
	At     diag.Pos
	X      Expr
	Rparen diag.Pos // the closing parenthesis
}

// RecordLit is `Type{field: value, ...}`.
type RecordLit struct {
	Type   *Ident
	Fields []*FieldInit
	Rbrace diag.Pos // the closing brace
}

// FieldInit is one `name: value` of a record literal.
type FieldInit struct {
	Name  *Ident
	Value Expr
}

// Selector is `x.name`: a record field, a tuple element (`._1`, `._2`, ...), or the
// callee of a method call (an operator on a stream, a method on an optional or state).
type Selector struct {
	X   Expr
	Sel *Ident
}

// Call is `fun(args)`. Fun is an *Ident (a builtin function, source or sink) or a
// *Selector (a method: `stream.map(f)`, `opt.orElse(0)`, `state.update(x)`).
type Call struct {
	Fun    Expr
	Lparen diag.Pos
	Args   []*Arg
	Rparen diag.Pos // the closing parenthesis
}

// Arg is one call argument, positional (Name == nil) or named (`timeout = 30m`).
type Arg struct {
	Name  *Ident
	Value Expr
}

// Index is `x[i]` on a list.
type Index struct {
	X      Expr
	Index  Expr
	Rbrack diag.Pos // the closing bracket
}

// Unary is `-x` or `!x`.
type Unary struct {
	At diag.Pos
	Op string
	X  Expr
}

// Binary is `x op y`. Op is one of + - * / % == != < <= > >= && ||.
type Binary struct {
	X     Expr
	Op    string
	OpPos diag.Pos
	Y     Expr
}

// IfExpr is `if cond { ... } else { ... }`; Else is a *Block or, for `else if`, an
// *IfExpr. Else is required: an if is an expression and must have a value.
type IfExpr struct {
	At   diag.Pos
	Cond Expr
	Then *Block
	Else Expr
}

// Lambda is `x => body`, `(a, b) => body` or `((k, v), n) => body`. Body is an
// expression or a *Block.
type Lambda struct {
	At     diag.Pos
	Params []*Param
	Body   Expr
}

// Param is a lambda parameter: a name with an optional type (`s: string`), or a
// destructuring pattern over a tuple (`(k, v)`), which may nest.
type Param struct {
	At    diag.Pos
	Name  *Ident   // nil when Tuple is set
	Tuple []*Param // the parts of a destructured tuple
	Type  TypeExpr // optional annotation on a named parameter
}

// Block is `{ stmts; result }`: local lets and effect calls, then the expression whose
// value the block has. Result is nil when the block ends in a statement; the checker
// decides whether that is allowed where the block stands.
type Block struct {
	At     diag.Pos
	Stmts  []Stmt
	Result Expr
	Rbrace diag.Pos // the closing brace
}

func (x *Ident) Pos() diag.Pos       { return x.At }
func (x *IntLit) Pos() diag.Pos      { return x.At }
func (x *FloatLit) Pos() diag.Pos    { return x.At }
func (x *StringLit) Pos() diag.Pos   { return x.At }
func (x *DurationLit) Pos() diag.Pos { return x.At }
func (x *BoolLit) Pos() diag.Pos     { return x.At }
func (x *NoneLit) Pos() diag.Pos     { return x.At }
func (x *ListLit) Pos() diag.Pos     { return x.At }
func (x *TupleLit) Pos() diag.Pos    { return x.At }
func (x *ParenExpr) Pos() diag.Pos   { return x.At }
func (x *RecordLit) Pos() diag.Pos   { return x.Type.At }
func (x *Selector) Pos() diag.Pos    { return x.X.Pos() }
func (x *Call) Pos() diag.Pos        { return x.Fun.Pos() }
func (x *Index) Pos() diag.Pos       { return x.X.Pos() }
func (x *Unary) Pos() diag.Pos       { return x.At }
func (x *Binary) Pos() diag.Pos      { return x.X.Pos() }
func (x *IfExpr) Pos() diag.Pos      { return x.At }
func (x *Lambda) Pos() diag.Pos      { return x.At }
func (x *Block) Pos() diag.Pos       { return x.At }
func (p *Param) Pos() diag.Pos       { return p.At }
func (a *Arg) Pos() diag.Pos {
	if a.Name != nil {
		return a.Name.At
	}
	return a.Value.Pos()
}
func (f *FieldInit) Pos() diag.Pos { return f.Name.At }

func (*Ident) exprNode()       {}
func (*IntLit) exprNode()      {}
func (*FloatLit) exprNode()    {}
func (*StringLit) exprNode()   {}
func (*DurationLit) exprNode() {}
func (*BoolLit) exprNode()     {}
func (*NoneLit) exprNode()     {}
func (*ListLit) exprNode()     {}
func (*TupleLit) exprNode()    {}
func (*ParenExpr) exprNode()   {}
func (*RecordLit) exprNode()   {}
func (*Selector) exprNode()    {}
func (*Call) exprNode()        {}
func (*Index) exprNode()       {}
func (*Unary) exprNode()       {}
func (*Binary) exprNode()      {}
func (*IfExpr) exprNode()      {}
func (*Lambda) exprNode()      {}
func (*Block) exprNode()       {}

// MethodName returns the name and receiver of a method call (`recv.name(...)`), or
// ok == false when c calls a plain function.
func (c *Call) MethodName() (recv Expr, name *Ident, ok bool) {
	if s, isSel := c.Fun.(*Selector); isSel {
		return s.X, s.Sel, true
	}
	return nil, nil, false
}

// Unparen strips any parentheses around x.
func Unparen(x Expr) Expr {
	for {
		p, ok := x.(*ParenExpr)
		if !ok {
			return x
		}
		x = p.X
	}
}
