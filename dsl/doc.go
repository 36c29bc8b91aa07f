// Package dsl is the front end of streamc: it turns the text of a .stream file into a
// checked program, or into diagnostics.
//
// The work is split over sub-packages, each with one job: ast (the syntax tree), parser
// (participle grammar and lexer, producing the tree), check (types, names, operator
// rules; produces the stream graph the planner reads), types (the type system), builtins
// (the one table of builtin function signatures), and format (`streamc fmt`). This
// package ties them together for the CLI and the tests.
package dsl
