package stdlib

// OptOf makes an optional from the (value, ok) results of a Go function a pipeline
// imports: func(...) (T, bool) is T? in .stream. Generated code passes the call's
// results straight in: stdlib.OptOf(geo.Lookup(ip)).
func OptOf[T any](v T, ok bool) Opt[T] { return Opt[T]{V: v, Ok: ok} }

// PtrOf passes an optional to a Go function taking *T: nil for none, else a pointer
// to a copy of the value.
func PtrOf[T any](o Opt[T]) *T {
	if !o.Ok {
		return nil
	}
	v := o.V
	return &v
}

// OptOfPtr is the *T result of a Go function as T?: none for nil.
func OptOfPtr[T any](p *T) Opt[T] {
	if p == nil {
		return Opt[T]{}
	}
	return Opt[T]{V: *p, Ok: true}
}

// OptMap converts the value of an optional, for (T, bool) functions whose T converts
// to its .stream type (int32 to int64, time.Time to rt.Time).
func OptMap[T, U any](o Opt[T], f func(T) U) Opt[U] {
	if !o.Ok {
		return Opt[U]{}
	}
	return Opt[U]{V: f(o.V), Ok: true}
}
