package stdlib

// Tuple2 is the Go type of a .stream pair (A, B). Tuples are plain comparable structs
// (when their element types are), so a pair can be a map key and == compares it field
// by field. F1, F2, ... correspond to the language's ._1, ._2, ...
type Tuple2[A, B any] struct {
	F1 A
	F2 B
}

// Tuple3 is the Go type of a .stream triple (A, B, C).
type Tuple3[A, B, C any] struct {
	F1 A
	F2 B
	F3 C
}

// Tuple4 is the Go type of a .stream 4-tuple.
type Tuple4[A, B, C, D any] struct {
	F1 A
	F2 B
	F3 C
	F4 D
}

// Tuple5 is the Go type of a .stream 5-tuple.
type Tuple5[A, B, C, D, E any] struct {
	F1 A
	F2 B
	F3 C
	F4 D
	F5 E
}

// Tuple6 is the Go type of a .stream 6-tuple.
type Tuple6[A, B, C, D, E, F any] struct {
	F1 A
	F2 B
	F3 C
	F4 D
	F5 E
	F6 F
}

// MaxTuple is the largest tuple the language supports; the checker rejects larger ones.
const MaxTuple = 6

// Opt is the Go type of a .stream optional T?: some(v) has Ok true, none has the zero
// value. It is a value type (no pointer), comparable when T is, so optionals cost no
// allocation.
type Opt[T any] struct {
	V  T
	Ok bool
}

// Some returns the optional holding v.
func Some[T any](v T) Opt[T] { return Opt[T]{V: v, Ok: true} }

// None returns the empty optional of T.
func None[T any]() Opt[T] { return Opt[T]{} }

// GetOrElse returns the value of o, or d when o is none.
func (o Opt[T]) GetOrElse(d T) T {
	if o.Ok {
		return o.V
	}
	return d
}

// Get returns the value of o and panics when o is none; generated code turns the panic
// into an error naming the .stream position of the operator that called get().
func (o Opt[T]) Get() T {
	if !o.Ok {
		panic(errGetNone)
	}
	return o.V
}

type getNoneError struct{}

func (getNoneError) Error() string { return "get() called on none" }

var errGetNone error = getNoneError{}
