package goimport

import "streamc.dev/streamc/dsl/types"

// Package is an imported Go package as a .stream program sees it.
type Package struct {
	// Path is the Go import path; Name the package name (the default local name).
	Path, Name string
	// Module is the module that provides the package.
	Module Module
	// Funcs are the package's exported functions, by name, including the ones .stream
	// cannot call (Func.Unsupported says why).
	Funcs map[string]*Func
	// Latest is set when the import gave no version and none was found around the
	// .stream file: Module.Version is the latest, which the program should pin.
	Latest bool
}

// Module is a Go module a generated program requires.
type Module struct {
	Path, Version string
	// Dir is set for a module in a local directory, which the generated program's go.mod
	// replaces by that directory (absolute).
	Dir string
}

// Func is an exported function of an imported package.
type Func struct {
	Name string
	// Kind says what the function is to .stream: a function of values, a sink's
	// constructor (writeTo), or a batch callback (foreachBatch).
	Kind FuncKind
	// Elem is the element type of a sink or a batch callback; nil when Generic.
	Elem types.Type
	// Generic is set for a sink constructor or batch callback with one type parameter,
	// the element type: generated code instantiates it with the stream's element type
	// (func Webhook[T any](url string) sink.Sink[T]).
	Generic bool
	Params  []Value
	Result  Value
	// Returns says how the function gives its result: alone, with an error, or with a
	// bool that says whether there is one.
	Returns Returns
	// Unsupported says why .stream cannot call the function; "" when it can.
	Unsupported string
	// GoSig is the Go signature, for messages: func(s string) (int, error).
	GoSig string
}

// FuncKind is what a Go function is to a .stream program.
type FuncKind int

const (
	// FuncValue is called in expressions: func(...) T, (T, error) or (T, bool).
	FuncValue FuncKind = iota
	// FuncSink makes a custom sink for writeTo: func(...) sink.Sink[T] (package
	// streamc.dev/streamc/runtime/sink), maybe generic in T.
	FuncSink
	// FuncBatch is a callback foreachBatch calls once per batch:
	// func(ctx context.Context, t time.Time, elems []T) error, maybe generic in T.
	FuncBatch
	// FuncSource makes a custom source: func(...) gosource.Source[T] (package
	// streamc.dev/streamc/runtime/gosource), T with a .stream type (a source of JSON
	// or CSV lines is a source of strings, decoded with json(T) or csv(T)).
	FuncSource
)

// SourcePackage is the package of the custom-source contract (runtime/gosource).
const SourcePackage = "streamc.dev/streamc/runtime/gosource"

// SinkPackage is the package of the custom-sink contract (runtime/sink).
const SinkPackage = "streamc.dev/streamc/runtime/sink"

// Returns is how a function gives its result.
type Returns int

const (
	ReturnsValue     Returns = iota // func(...) T
	ReturnsWithError                // func(...) (T, error): an error fails the batch
	ReturnsWithOK                   // func(...) (T, bool): T? in .stream
)

// Value is a parameter or result: its .stream type and how the Go value converts.
type Value struct {
	Type types.Type
	Conv Conv
	// GoType is the Go type's name for conversions ("int32"); "" when Conv is ConvNone.
	GoType string
}

// Conv is how a Go value converts to and from its .stream type.
type Conv int

const (
	ConvNone    Conv = iota // the same Go type: no conversion
	ConvNumeric             // another integer or float kind: GoType(x) in, int64(x)/float64(x) out
	ConvTime                // time.Time: rt.Time.Go() in, rt.Time(t.UnixMilli()) out
	ConvPointer             // *T as T?: nil is none (stdlib.PtrOf in, stdlib.OptOfPtr out)
)
