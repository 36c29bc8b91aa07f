package types

import (
	"strings"
)

// Type is a .stream type. Compare types with Identical, never with ==.
type Type interface {
	// String renders the type as a .stream programmer writes it: `(string, int)`, `[int]`,
	// `int?`, `Click`, `stream[(string, int)]`.
	String() string
	typ()
}

// BasicKind enumerates the scalar types.
type BasicKind int

// The scalar types. Invalid is the type of an expression that failed to check; it is
// identical to everything so that one mistake gives one error, not a cascade.
const (
	Invalid BasicKind = iota
	String
	Int
	Float
	Bool
	Time
	Duration
	Bytes
	Unit // the type of an effect call such as state.update(x); it has no values
)

// MaxTuple is the largest tuple the language has (Scala's Tuple22): the checker rejects
// larger ones, and stdlib declares Tuple2 to Tuple22 for generated code.
const MaxTuple = 22

var basicNames = [...]string{"invalid", "string", "int", "float", "bool", "time", "duration", "bytes", "unit"}

// Basic is a scalar type.
type Basic struct{ Kind BasicKind }

// The scalar types as values.
var (
	InvalidType  = &Basic{Invalid}
	StringType   = &Basic{String}
	IntType      = &Basic{Int}
	FloatType    = &Basic{Float}
	BoolType     = &Basic{Bool}
	TimeType     = &Basic{Time}
	DurationType = &Basic{Duration}
	BytesType    = &Basic{Bytes}
	UnitType     = &Basic{Unit}
)

// BasicByName maps the names a programmer writes to the scalar types.
var BasicByName = map[string]*Basic{
	"string": StringType, "int": IntType, "float": FloatType, "bool": BoolType,
	"time": TimeType, "duration": DurationType, "bytes": BytesType,
}

// List is [Elem].
type List struct{ Elem Type }

// Tuple is (Elems[0], Elems[1], ...), with at least two elements. A 2-tuple is a pair;
// a stream of pairs is keyed.
type Tuple struct{ Elems []Type }

// Optional is Elem? — some(x) or none.
type Optional struct{ Elem Type }

// Field is one field of a record.
type Field struct {
	Name string
	Type Type
}

// Record is a declared record type. Records are nominal: two records are identical only
// if they are the same declaration.
type Record struct {
	Name   string
	Fields []Field
	// GoPath is set for a record that is a Go struct type of an imported package (a
	// function's parameter or result): GoPath is its package's import path, GoName its
	// type name and GoFields its fields' Go names, in Fields order. Name is then
	// "pkg.Type".
	GoPath, GoName string
	GoFields       []string
}

// FieldIndex returns the index of the named field, or -1.
func (r *Record) FieldIndex(name string) int {
	for i, f := range r.Fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// Stream is a DStream: a sequence of batches of Elem. When the stream comes from
// mapWithState, StateKey and StateValue are set, and snapshots() gives the stream of
// (StateKey, StateValue) pairs.
type Stream struct {
	Elem       Type
	StateKey   Type
	StateValue Type
}

// Func is the type of a lambda or builtin function.
type Func struct {
	Params   []Type
	Result   Type
	Variadic bool // the last parameter repeats
}

// State is the handle mapWithState passes to its function; Elem is the state's type.
type State struct{ Elem Type }

// Table is reference data keyed by Key with rows of type Row.
type Table struct {
	Key Type
	Row Type
}

// Sink is where writeTo sends a stream: a database statement, a Kafka topic or files.
// Kind names the connector ("postgres", "sqlite", "kafka", "jsonFiles", "csvFiles"), or
// is "go" for a sink written in Go (runtime/sink.Sink[T]), whose Elem is the element
// type it takes; nil for a generic one, which takes any.
type Sink struct {
	Kind string
	Elem Type
}

// Conn is a database connection description usable for lookups and tables
// ("postgres" or "sqlite").
type Conn struct{ Kind string }

// TypeVar is a placeholder in a builtin's signature (`T` in `len([T]) int`).
type TypeVar struct{ Name string }

func (*Basic) typ()    {}
func (*List) typ()     {}
func (*Tuple) typ()    {}
func (*Optional) typ() {}
func (*Record) typ()   {}
func (*Stream) typ()   {}
func (*Func) typ()     {}
func (*State) typ()    {}
func (*Table) typ()    {}
func (*Sink) typ()     {}
func (*Conn) typ()     {}
func (*TypeVar) typ()  {}

func (t *Basic) String() string    { return basicNames[t.Kind] }
func (t *List) String() string     { return "[" + t.Elem.String() + "]" }
func (t *Optional) String() string { return t.Elem.String() + "?" }
func (t *Record) String() string   { return t.Name }
func (t *Stream) String() string   { return "stream[" + t.Elem.String() + "]" }
func (t *State) String() string    { return "State[" + t.Elem.String() + "]" }
func (t *Table) String() string    { return "table[" + t.Key.String() + ", " + t.Row.String() + "]" }
func (t *Sink) String() string {
	if t.Kind == "go" {
		if t.Elem == nil {
			return "Go sink"
		}
		return "Go sink of " + t.Elem.String()
	}
	return t.Kind + " sink"
}
func (t *Conn) String() string    { return t.Kind + " connection" }
func (t *TypeVar) String() string { return t.Name }

func (t *Tuple) String() string { return "(" + join(t.Elems) + ")" }

func (t *Func) String() string {
	params := join(t.Params)
	if t.Variadic && len(t.Params) > 0 {
		params += "..."
	}
	return "(" + params + ") => " + t.Result.String()
}

func join(ts []Type) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = t.String()
	}
	return strings.Join(parts, ", ")
}

// Pair returns the tuple type (k, v).
func Pair(k, v Type) *Tuple { return &Tuple{Elems: []Type{k, v}} }

// KeyValue returns the key and value types of a pair type, or ok == false when t is not
// a pair.
func KeyValue(t Type) (k, v Type, ok bool) {
	if tt, isTuple := t.(*Tuple); isTuple && len(tt.Elems) == 2 {
		return tt.Elems[0], tt.Elems[1], true
	}
	return nil, nil, false
}

// IsInvalid reports whether t is the invalid type (or nil).
func IsInvalid(t Type) bool {
	b, ok := t.(*Basic)
	return t == nil || ok && b.Kind == Invalid
}

// IsNumeric reports whether t is int or float.
func IsNumeric(t Type) bool {
	b, ok := t.(*Basic)
	return ok && (b.Kind == Int || b.Kind == Float)
}

// Comparable reports whether values of t can be compared with == and used as keys
// (of reduceByKey, joins, countByValue, distinct, state). Scalars, and tuples, optionals
// and records made of them, are; lists are not (they compile to Go slices, which cannot
// be map keys), nor are functions, states, streams and the other non-value types.
func Comparable(t Type) bool {
	switch t := t.(type) {
	case *Basic:
		return t.Kind != Unit
	case *Optional:
		return Comparable(t.Elem)
	case *Tuple:
		for _, e := range t.Elems {
			if !Comparable(e) {
				return false
			}
		}
		return true
	case *Record:
		for _, f := range t.Fields {
			if !Comparable(f.Type) {
				return false
			}
		}
		return true
	}
	return false
}

// Ordered reports whether values of t have an order (for <, sortBy, top, takeOrdered):
// numbers, strings, times, durations, bools, and tuples, lists and optionals of them.
func Ordered(t Type) bool {
	switch t := t.(type) {
	case *Basic:
		return t.Kind != Unit && t.Kind != Bytes
	case *List:
		return Ordered(t.Elem)
	case *Optional:
		return Ordered(t.Elem)
	case *Tuple:
		for _, e := range t.Elems {
			if !Ordered(e) {
				return false
			}
		}
		return true
	}
	return false
}

// Identical reports whether a and b are the same type. The invalid type is identical to
// every type, so that an error already reported does not cause more.
func Identical(a, b Type) bool {
	if IsInvalid(a) || IsInvalid(b) {
		return true
	}
	switch a := a.(type) {
	case *Basic:
		b, ok := b.(*Basic)
		return ok && a.Kind == b.Kind
	case *List:
		b, ok := b.(*List)
		return ok && Identical(a.Elem, b.Elem)
	case *Optional:
		b, ok := b.(*Optional)
		return ok && Identical(a.Elem, b.Elem)
	case *Tuple:
		b, ok := b.(*Tuple)
		return ok && identicalAll(a.Elems, b.Elems)
	case *Record:
		return a == b
	case *Stream:
		b, ok := b.(*Stream)
		return ok && Identical(a.Elem, b.Elem)
	case *Func:
		b, ok := b.(*Func)
		return ok && a.Variadic == b.Variadic && identicalAll(a.Params, b.Params) && Identical(a.Result, b.Result)
	case *State:
		b, ok := b.(*State)
		return ok && Identical(a.Elem, b.Elem)
	case *Table:
		b, ok := b.(*Table)
		return ok && Identical(a.Key, b.Key) && Identical(a.Row, b.Row)
	case *Sink:
		b, ok := b.(*Sink)
		return ok && a.Kind == b.Kind && (a.Elem == nil) == (b.Elem == nil) && (a.Elem == nil || Identical(a.Elem, b.Elem))
	case *Conn:
		b, ok := b.(*Conn)
		return ok && a.Kind == b.Kind
	case *TypeVar:
		b, ok := b.(*TypeVar)
		return ok && a.Name == b.Name
	}
	return false
}

func identicalAll(a, b []Type) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !Identical(a[i], b[i]) {
			return false
		}
	}
	return true
}

// HasStrings reports whether a value of type t may hold a string (or bytes, which are
// strings in generated code); unknown and non-value types may.
func HasStrings(t Type) bool {
	switch t := t.(type) {
	case *Basic:
		return t.Kind == String || t.Kind == Bytes
	case *List:
		return HasStrings(t.Elem)
	case *Optional:
		return HasStrings(t.Elem)
	case *Tuple:
		for _, e := range t.Elems {
			if HasStrings(e) {
				return true
			}
		}
		return false
	case *Record:
		for _, f := range t.Fields {
			if HasStrings(f.Type) {
				return true
			}
		}
		return false
	}
	return true
}
