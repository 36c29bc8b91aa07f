// Package types is the type system of the .stream language: the types the checker infers
// for expressions and streams, their identity, and how they print.
//
// Values: string, int (64-bit), float (64-bit), bool, time, duration, bytes, lists [T],
// tuples (A, B, ...), optionals T?, and declared records. Besides value types the checker
// uses Stream (a DStream of some element type), Func (lambdas and builtins), State (the
// state handle passed to mapWithState), Table (reference data), Sink and Conn (database
// and Kafka endpoints), and TypeVar in builtin signatures.
package types
