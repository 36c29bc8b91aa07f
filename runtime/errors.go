package runtime

import (
	"errors"
	"fmt"
	goruntime "runtime"
)

// Op names an operator application in the .stream file: where it is written and what it
// is. Generated code declares one package-level Op per operator that can fail at run
// time and passes it to Guard, GuardFused or Wrap.
type Op struct {
	Pos  string // "clicks.stream:7:12"
	Name string // "reduceByKey"
}

// OpError is a run-time failure attributed to the operator that caused it, so that every
// error a pipeline reports points into the .stream file:
//
//	clicks.stream:7:12: reduceByKey: panic: runtime error: integer divide by zero
type OpError struct {
	Pos string // "clicks.stream:7:12"
	Op  string // "reduceByKey"
	Err error
}

// Error renders the error as "pos: op: err".
func (e *OpError) Error() string { return e.Pos + ": " + e.Op + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *OpError) Unwrap() error { return e.Err }

// PanicError is a panic recovered inside a partition function or a batch. Stack holds the
// goroutine's stack at the panic, for debug logging; Error does not include it.
type PanicError struct {
	Value any
	Stack []byte
}

// Error renders the panic value as "panic: value".
func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// Unwrap returns the panic value when it is an error (e.g. a runtime.Error).
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// newPanicError captures the current stack; call it from the deferred function that
// recovered v.
func newPanicError(v any) *PanicError {
	if pe, ok := v.(*PanicError); ok {
		return pe
	}
	buf := make([]byte, 16<<10)
	buf = buf[:goruntime.Stack(buf, false)]
	return &PanicError{Value: v, Stack: buf}
}

// Wrap attributes err to the operator op. It returns nil for a nil err and leaves an
// error that is already an *OpError unchanged, so that the innermost position wins.
func Wrap(op Op, err error) error {
	if err == nil {
		return nil
	}
	var oe *OpError
	if errors.As(err, &oe) {
		return err
	}
	return &OpError{Pos: op.Pos, Op: op.Name, Err: err}
}

// Guard turns a panic in the rest of the calling function into an *OpError for op, and
// attributes a returned error to op too. It must be deferred directly, with a pointer to
// the function's named error result:
//
//	func(p int) (err error) {
//		defer rt.Guard(opReduce, &err)
//		...
//	}
func Guard(op Op, err *error) {
	if v := recover(); v != nil {
		*err = &OpError{Pos: op.Pos, Op: op.Name, Err: recovered(v)}
		return
	}
	*err = Wrap(op, *err)
}

// GuardFused is Guard for a fused loop running several operators: ops lists them in
// chain order and *cur is the index of the one running, which the loop sets before
// calling into each operator's code. A panic or returned error is attributed to
// ops[*cur]. Setting *cur costs one store to a stack slot per operator per record.
//
//	func(p int) (err error) {
//		cur := 0
//		defer rt.GuardFused(stage0Ops, &cur, &err)
//		for _, l := range in[p] {
//			cur = 0 // flatMap
//			for _, w := range words(l) {
//				cur = 1 // map
//				...
func GuardFused(ops []Op, cur *int, err *error) {
	v := recover()
	if v == nil && *err == nil {
		return
	}
	op := Op{Pos: "?", Name: "?"}
	if *cur >= 0 && *cur < len(ops) {
		op = ops[*cur]
	}
	if v != nil {
		*err = &OpError{Pos: op.Pos, Op: op.Name, Err: recovered(v)}
		return
	}
	*err = Wrap(op, *err)
}
