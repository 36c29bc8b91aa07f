// Package stdlib holds what generated pipelines call from .stream expressions: the value
// types behind tuples and optionals, and the builtin functions of the language (split,
// words, lower, sum, ...), one Go function per entry of the builtin table in
// dsl/builtins (a test keeps the two in step).
//
// Everything here is plain, typed Go: generated code calls it directly, so the Go
// compiler can inline the small functions into the fused per-record loops.
package stdlib
