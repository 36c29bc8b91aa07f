package stdlib

// The tuple types Tuple2 to Tuple22 and MaxTuple are in tuples.go, written by gentuples.go.

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
