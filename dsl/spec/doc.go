// Package spec holds what the checker learned of each operator application, one typed
// struct per operator family (Func, EventTime, Keyed, Window, State, Decode, Lookup,
// Output, ...), and the start-up values operators name: arguments, tables, connections
// and sinks (NamedArg, Resource), and bad-record policies.
//
// The checker (dsl/check) fills a Spec for every stream node; the planner copies it onto
// its plan op; code generation reads it. The package sits below all three, so that code
// generation reads operator facts without importing the checker: only its expression
// backend sees the syntax tree behind a Spec's functions and expressions.
package spec
