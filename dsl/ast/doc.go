// Package ast declares the syntax tree of a .stream file.
//
// The parser (package dsl/parser) produces it, the type checker (dsl/check) annotates it
// from the side (check.Info), and the formatter (dsl/format) prints it back. Every node
// keeps the position where it starts, so that any later stage — the planner, code
// generation, even the running binary — can name the .stream line it came from.
//
// The tree is streamc's own: nothing outside dsl/parser sees the parser library's types.
package ast
