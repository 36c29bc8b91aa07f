// Package check is the type checker of the .stream language. It takes the syntax tree
// of one file and produces the checked Program the planner lowers: settings with
// defaults, record types, and the stream graph (Nodes, in an order where inputs come
// first, and Outputs, in the order they run), together with Info, which records beside
// the tree the type of every expression, what every name refers to, which builtin every
// call resolves to, and which node every stream expression denotes.
//
// The checker collects every error rather than stopping at the first, reports each
// mistake once (a failed expression gets types.InvalidType, which is compatible with
// everything), and sorts the list by position. Unknown names, settings, operators,
// fields and types get a "did you mean" suggestion when a known one is close.
//
// Typing is bidirectional: an operator knows the parameter types of the function it
// takes (map on stream[(string, int)] passes (string, int)), so lambda parameters are
// never annotated, and the function's body gives the result. What is not known from
// context — the element of `none` or `[]`, a state type — is an inference variable,
// bound by unification on first use (mapWithState's state type comes from `initial`, an
// annotation `state: State[int]`, or the first call that supplies a value, such as
// state.update(x) or state.getOrElse(0)).
//
// Decisions the spec left open, fixed here and in docs/language.md:
//   - No implicit numeric conversion: int + float is an error suggesting toFloat(x), and
//     a float parameter does not accept an int literal (write 1.0).
//   - % is defined on ints only; durations scale by ints (2 * 1s, 1m / 2).
//   - Top-level lets are visible after their declaration only; using one earlier is an
//     error that names its line. A function cannot be bound by let.
//   - Sink SQL, lookup SQL, window durations, partitions and counts must be constants
//     (literals or lets of literals), so that they can be checked here.
//   - Inverse-function windows, like state operators, need `checkpoint` (as in Spark).
package check
