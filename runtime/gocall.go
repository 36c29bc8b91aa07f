package runtime

// Go functions a pipeline imports (`import geo "./geo"`) are called from the fused loops
// like builtins. One that returns (T, error) fails the batch when the error is not nil:
// the call panics with a *CallError, which Guard and GuardFused turn into the batch's
// error, attributed to the operator and naming the call and its .stream position:
//
//	clicks.stream:8:5: map: geo.Parse at clicks.stream:8:17: empty input
//
// (A failed batch is retried and the pipeline stops if it keeps failing, as for any
// error of an operator; a record the function cannot handle is better filtered before
// the call, or returned as none from a (T, bool) function.)

// CallError is the error a Go function returned to a pipeline's expression.
type CallError struct {
	Call string // "geo.Parse at clicks.stream:8:17"
	Err  error
}

func (e *CallError) Error() string { return e.Call + ": " + e.Err.Error() }

// Unwrap returns the function's error.
func (e *CallError) Unwrap() error { return e.Err }

// GoResult checks the error of a Go call whose result has Go type T. Generated code
// passes the call's results straight to Of:
//
//	v := rt.GoResult[int64]{Call: "geo.Parse at p.stream:8:17"}.Of(geo.Parse(ip))
type GoResult[T any] struct{ Call string }

// Of returns v, or panics with a *CallError when err is not nil.
func (g GoResult[T]) Of(v T, err error) T {
	if err != nil {
		panic(&CallError{Call: g.Call, Err: err})
	}
	return v
}

// recovered is the error for a recovered panic value: a Go call's error as it is, any
// other panic with its stack.
func recovered(v any) error {
	if ce, ok := v.(*CallError); ok {
		return ce
	}
	return newPanicError(v)
}
