// Package builtins is the one table of everything a .stream program can call without
// declaring it: builtin functions (split, lower, sum, env, ...), value methods on
// optionals and on mapWithState's State, and the signatures of sources, decoders,
// stream operators, tables, connections, outputs and sinks.
//
// Three parties read the table, so that they cannot drift apart:
//   - the type checker (dsl/check) resolves calls against Funcs and Methods, and binds
//     operator arguments by the parameter names in Ops;
//   - the language reference (docs) is generated from Doc and Example (Markdown renders
//     the tables), and a test in dsl/check checks that every Example type-checks;
//   - the standard library (stdlib) implements each Func under its GoName, and a test
//     there compares the implementation with this table.
//
// Generic signatures use *types.TypeVar placeholders whose constraints are listed in
// Func.TypeParams; the checker instantiates them afresh at each call.
package builtins
