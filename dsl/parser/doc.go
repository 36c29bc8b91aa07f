// Package parser turns .stream source into the syntax tree of package dsl/ast.
//
// ParseFile is the only entry point. The grammar is written for participle
// (github.com/alecthomas/participle/v2) in grammar.go; its types never leave this
// package: convert.go builds the ast tree from them, filling every position (file, byte
// offset, 1-based line and byte column). The lexer is hand-written (lexer.go) and hands
// participle tokens through a lexer.Definition.
//
// # Lexical rules
//
// Comments run from // to the end of the line and are collected in ast.File.Comments
// (Trailing when code precedes them on their line). Durations are digits immediately
// followed by a unit (ns us ms s m h d), possibly joined: 250ms, 1h30m. Integers may
// hold underscores between digits; floats have a fraction or an exponent. "..." strings
// take Go escapes and may span lines; `...` strings are raw.
//
// # Newlines
//
// The lexer decides which newlines matter, as Go inserts semicolons. A newline counts
// only when the last token can end an expression (a name, a literal, `)`, `]`, `}`, `?`,
// or the keywords pipeline, type, let, true, false, none), the innermost open bracket is
// `{` or none, and the next line does not start with `.` (a method chain continues) or
// `else`. Inside ( ) and [ ] newlines never matter, and a line that ends in an operator,
// `=>`, `=` or `,` continues on the next. At top level a counting newline (or `;`) ends a
// declaration, so a setting's value must be on the setting's line; inside braces it
// separates block statements, type fields or record fields (as `;` and `,` also do).
//
// # Settings and statements
//
// A top-level line that starts with a name followed by a literal, a name or `-` is a
// setting (`batch 1s`, `onBadRecord skip`, `onBadRecord deadLetter("x")`); a line
// `name.op(...)` or `name(...)` is an expression statement. A bare name on a line is
// reported as a setting without a value.
//
// # Record literals
//
// `Name{field: value}` is a record literal wherever a name is directly followed by `{`,
// except in an if condition: there the first `{` at the condition's nesting level opens
// the then-branch, so `if ready { ... }` is never misread. A record literal inside an if
// condition must be parenthesised, as a composite literal in Go:
// `if c == (Point{x: 1}) { ... } else { ... }`.
//
// # Lambdas and lists
//
// Lambda parameters are parsed as a parenthesised expression and checked afterwards
// (`x => e`, `() => e`, `(a, b) => e`, `(s: string) => e`, `(k, (a, b)) => e`). In
// argument lists, lists, tuples and record or type bodies a trailing comma is allowed.
// Named arguments (`name = value`) may appear in any order among positional ones; the
// checker decides what a call accepts.
//
// # Errors and limits
//
// Errors are diagnostics in the language's terms (`unexpected ")"; expected an
// expression`), never participle's. After an error the parser skips to the next
// declaration, so one run reports several errors (at most 10 syntax errors). Input is
// bounded so that no file can crash or hang the compiler: constructs nest at most 200
// deep ("expression nested too deeply"), one expression has at most 10000 operators, a
// file at most 250000 tokens; a panic would be reported as an internal error.
package parser
