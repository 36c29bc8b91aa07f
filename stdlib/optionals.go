package stdlib

// The value methods on optionals, as functions taking the optional first: generated
// code calls stdlib.OptGetOrElse(o, d) for o.getOrElse(d) (the builtin table names these
// functions). They are the methods of Opt spelled as functions so that codegen treats
// builtin functions and methods alike.

// OptGet returns the value of o and panics when o is none (the .stream get()); the
// runtime turns the panic into an error naming the operator's position.
func OptGet[T any](o Opt[T]) T { return o.Get() }

// OptGetOrElse returns the value of o, or d when o is none (getOrElse and orElse).
func OptGetOrElse[T any](o Opt[T], d T) T {
	if o.Ok {
		return o.V
	}
	return d
}

// OptIsSome reports whether o holds a value (isSome and Scala's isDefined).
func OptIsSome[T any](o Opt[T]) bool { return o.Ok }

// OptIsNone reports whether o is none (isNone and Scala's isEmpty).
func OptIsNone[T any](o Opt[T]) bool { return !o.Ok }
