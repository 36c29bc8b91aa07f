package parser

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The participle grammar. These types never leave the package: convert.go turns them
// into the dsl/ast tree. Newlines reach the grammar only where they matter (see scanner),
// as NL tokens inside braces; top-level separators are cut out before parsing, so that
// gDecl is the root and each declaration is parsed on its own.
//
// Expressions are parsed as a flat list of operands and binary operators (gExpr.Head,
// gExpr.Ops) and folded by precedence in convert.go, which keeps the grammar shallow.
// Lambda parameters are parsed with the same rules as a parenthesised expression (a
// "cover grammar", as JavaScript's): `(a, (b, c)) => e` is first a tuple expression
// followed by "=>", and convert.go checks that the tuple is a valid parameter list. This
// needs no backtracking over arbitrarily long parameter lists.

// gDecl is one top-level declaration.
type gDecl struct {
	Pipeline *gPipeline `parser:"  @@"`
	Import   *gImport   `parser:"| @@"`
	Type     *gTypeDecl `parser:"| @@"`
	Let      *gLet      `parser:"| @@"`
	Setting  *gSetting  `parser:"| @@"`
	Expr     *gExpr     `parser:"| @@"`
}

type gIdent struct {
	Pos  lexer.Position
	Name string `parser:"@Ident"`
}

// gName is a name that the scanner classified (see classify); the grammar names the
// token type where it uses one.
type gName struct {
	Pos  lexer.Position
	Name string `parser:"@(RecordName | Binder | SettingName)"`
}

type gPipeline struct {
	Pos  lexer.Position
	Name *gIdent `parser:"'pipeline' @@"`
}

// gImport is `import "path"` or `import NAME "path"`; the converter checks that the
// path is a string.
type gImport struct {
	Pos  lexer.Position
	Name *gIdent `parser:"'import' @@?"`
	Path *gLit   `parser:"@@"`
}

// gSetting is `NAME VALUE`: a name followed by a token that can start a value. Any
// other line that starts with a name (`name.op(...)`, `name(...)`) is an expression.
type gSetting struct {
	Name  *gName         `parser:"@@"`
	Value *gSettingValue `parser:"@@"`
}

type gSettingValue struct {
	Pos  lexer.Position
	Neg  string  `parser:"@'-'?"`
	Lit  *gLit   `parser:"( @@"`
	Name *gIdent `parser:"| @@"`
	Args *gArgs  `parser:"  @@? )"`
}

type gTypeDecl struct {
	Pos    lexer.Position
	Name   *gName        `parser:"'type' @@ LBrace"`
	Items  []*gFieldItem `parser:"@@* '}'"`
	Tokens []lexer.Token
}

// gFieldItem is a field or a separator; convert.go checks that fields are separated.
type gFieldItem struct {
	Pos   lexer.Position
	Sep   string  `parser:"  @(NL | ',')"`
	Field *gField `parser:"| @@"`
}

type gField struct {
	Name *gIdent `parser:"@@ ':'"`
	Type *gType  `parser:"@@"`
}

type gType struct {
	Pos   lexer.Position
	List  *gType       `parser:"(  '[' @@ ']'"`
	Tuple []*gTypeItem `parser:" | '(' @@* ')'"`
	Name  *gIdent      `parser:" | @@"`
	Args  []*gTypeItem `parser:"   ( '[' @@* ']' )? )"`
	Opt   []string     `parser:"@'?'*"`
}

// gTypeItem is a type or a comma in a list of types; convert.go checks the commas, as for
// every comma-separated list (see gArgItem).
type gTypeItem struct {
	Pos   lexer.Position
	Comma string `parser:"  @','"`
	Type  *gType `parser:"| @@"`
}

type gLet struct {
	Pos   lexer.Position
	Name  *gName `parser:"'let' @@ '='"`
	Value *gExpr `parser:"@@"`
}

// gExpr is operands joined by binary operators, optionally followed by "=>" and a body,
// in which case the operand is the lambda's parameter list.
type gExpr struct {
	Pos   lexer.Position
	Head  *gUnary   `parser:"@@"`
	Ops   []*gBinOp `parser:"@@*"`
	Arrow *gArrow   `parser:"@@?"`
}

type gBinOp struct {
	Pos lexer.Position
	Op  string  `parser:"@('||' | '&&' | '==' | '!=' | '<=' | '>=' | '<' | '>' | '+' | '-' | '*' | '/' | '%')"`
	Y   *gUnary `parser:"@@"`
}

type gArrow struct {
	Pos   lexer.Position
	Block *gBlock `parser:"'=>' ( @@"`
	Expr  *gExpr  `parser:"     | @@ )"`
}

// gUnary is a prefix operator applied to an operand, or a primary expression with its
// postfix suffixes (calls, selectors, indexes).
type gUnary struct {
	Pos      lexer.Position
	Op       string     `parser:"( @('-' | '!')"`
	X        *gUnary    `parser:"  @@"`
	Primary  *gPrimary  `parser:"| @@"`
	Suffixes []*gSuffix `parser:"  @@* )"`
}

type gSuffix struct {
	Pos   lexer.Position
	Sel   *gIdent `parser:"  '.' @@"`
	Call  *gArgs  `parser:"| @@"`
	Index *gIndex `parser:"| @@"`
}

type gArgs struct {
	Pos    lexer.Position
	Args   []*gArgItem `parser:"'(' @@* ')'"`
	Tokens []lexer.Token
}

// gArgItem is an argument or a comma. Lists are parsed as any sequence of elements and
// commas, and convert.go checks that they alternate (a trailing comma is allowed): the
// grammar then never has to look past a comma to see whether an element follows.
type gArgItem struct {
	Pos   lexer.Position
	Comma string `parser:"  @','"`
	Arg   *gArg  `parser:"| @@"`
}

// gArg's name is a Binder only (a name right before "="): a RecordName starts a record
// literal argument, `f(Visit{n: 1})`, not a named argument.
type gArg struct {
	Name  *gBinder `parser:"( @@ '=' )?"`
	Value *gExpr   `parser:"@@"`
}

type gBinder struct {
	Pos  lexer.Position
	Name string `parser:"@Binder"`
}

type gIndex struct {
	Pos    lexer.Position
	X      *gExpr `parser:"'[' @@ ']'"`
	Tokens []lexer.Token
}

// gPrimary is an operand. Single-token operands are captured here directly rather than
// through gIdent and gLit: a primary is parsed for every operand, and each production
// level costs participle an allocation per alternative tried.
type gPrimary struct {
	Pos      lexer.Position
	Ident    string   `parser:"  @Ident"`
	Int      string   `parser:"| @Int"`
	String   string   `parser:"| @String"`
	Paren    *gParen  `parser:"| @@"`
	Record   *gRecord `parser:"| @@"`
	Duration string   `parser:"| @Duration"`
	Float    string   `parser:"| @Float"`
	List     *gList   `parser:"| @@"`
	Bool     string   `parser:"| @('true' | 'false')"`
	None     string   `parser:"| @'none'"`
	If       *gIf     `parser:"| @@"`
}

type gLit struct {
	Pos      lexer.Position
	Int      string `parser:"  @Int"`
	Float    string `parser:"| @Float"`
	Duration string `parser:"| @Duration"`
	String   string `parser:"| @String"`
	Bool     string `parser:"| @('true' | 'false')"`
	None     string `parser:"| @'none'"`
}

type gRecord struct {
	Type   *gName         `parser:"@@ LBrace"`
	Items  []*gRecordItem `parser:"@@* '}'"`
	Tokens []lexer.Token
}

type gRecordItem struct {
	Pos   lexer.Position
	Sep   string      `parser:"  @(NL | ',')"`
	Field *gFieldInit `parser:"| @@"`
}

type gFieldInit struct {
	Name  *gIdent `parser:"@@ ':'"`
	Value *gExpr  `parser:"@@"`
}

// gParen is `(...)`: a parenthesised expression, a tuple, or a lambda's parameters.
type gParen struct {
	Pos    lexer.Position
	Items  []*gCoverItem `parser:"'(' @@* ')'"`
	Tokens []lexer.Token
}

type gCoverItem struct {
	Pos   lexer.Position
	Comma string      `parser:"  @','"`
	Elem  *gCoverElem `parser:"| @@"`
}

// gCoverElem is an element of a parenthesised list; the type is allowed only in lambda
// parameters (`(s: string) => ...`).
type gCoverElem struct {
	X    *gExpr `parser:"@@"`
	Type *gType `parser:"( ':' @@ )?"`
}

type gList struct {
	Pos    lexer.Position
	Items  []*gListItem `parser:"'[' @@* ']'"`
	Tokens []lexer.Token
}

type gListItem struct {
	Pos   lexer.Position
	Comma string `parser:"  @','"`
	Elem  *gExpr `parser:"| @@"`
}

type gIf struct {
	Pos    lexer.Position
	Cond   *gExpr  `parser:"'if' @@"`
	Then   *gBlock `parser:"@@ 'else'"`
	ElseIf *gIf    `parser:"( @@"`
	Else   *gBlock `parser:"| @@ )"`
}

// gBlock is `{ stmts }`; statements are separated by NL tokens (a newline or ";").
type gBlock struct {
	Pos    lexer.Position
	Open   string       `parser:"@(LBrace | IfBrace)"`
	Items  []*gStmtItem `parser:"@@* '}'"`
	Tokens []lexer.Token
}

type gStmtItem struct {
	Pos  lexer.Position
	Sep  string `parser:"  @NL"`
	Let  *gLet  `parser:"| @@"`
	Expr *gExpr `parser:"| @@"`
}

// lookahead is how far participle may read into an alternative before committing to it:
// not at all. Every choice is decided by its first token or by an explicit lookahead
// group such as (?= Ident LBrace), so that an error is reported where it is (after
// `1 +` the operand is missing) rather than where a backtracking parser gave up.
const lookahead = 0

var declParser = participle.MustBuild[gDecl](
	participle.Lexer(definition{}),
	participle.UseLookahead(lookahead),
)
