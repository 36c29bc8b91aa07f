package spec

import (
	"time"

	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl/ast"
	"streamc.dev/streamc/dsl/builtins"
	"streamc.dev/streamc/dsl/goimport"
	"streamc.dev/streamc/dsl/types"
)

// Spec is the typed specification of one operator application. Which struct an
// operator gets is fixed by its descriptor (builtins.Plan.Family); a node without a Spec,
// or with another family's, is a checker bug.
type Spec interface{ Family() builtins.Family }

// Source is a source (socket, files, stdin, kafka, queue, rate): its arguments are the
// node's Args.
type Source struct{}

// Decode is a decoder (lines, csv, json).
type Decode struct {
	// Record is the record type csv(T) and json(T) decode into; nil for lines.
	Record types.Type
	// Header is csv's header = true: columns are matched by name from each file's first
	// line.
	Header bool
	// OnBadRecord is the decoder's own policy; nil means the pipeline's setting.
	OnBadRecord *BadRecordPolicy
}

// Func is an element-wise or whole-batch operator with at most one function: map,
// flatMap, filter, mapValues, flatMapValues, mapPartitions, glom, count, reduce,
// sortBy, sortByKey, top, takeOrdered and union.
type Func struct {
	Fn *ast.Lambda // nil for glom, count, sortByKey, union, and top/takeOrdered without key
	// N is top's and takeOrdered's n.
	N int
	// Ascending is sortBy's and sortByKey's order.
	Ascending bool
}

// EventTime is eventTime(f, lateness).
type EventTime struct {
	Fn       *ast.Lambda // the element's event time
	Lateness time.Duration
}

// Keyed is an operator that shuffles its input: reduceByKey, aggregateByKey, groupByKey,
// countByKey, countByValue, distinct, repartition, and the joins and cogroup.
type Keyed struct {
	// Fn is reduceByKey's function, or aggregateByKey's seq function.
	Fn *ast.Lambda
	// Zero and Comb are aggregateByKey's zero value and comb function.
	Zero ast.Expr
	Comb *ast.Lambda
	// Partitions is the `partitions =` argument (0 = the pipeline's default); N is
	// repartition's count.
	Partitions, N int
}

// Window is a windowed operator: window, countByWindow, reduceByWindow,
// reduceByKeyAndWindow, countByValueAndWindow, groupByKeyAndWindow.
type Window struct {
	Len time.Duration
	// Slide is the slide written in the call; SlideSet is false when the call gives
	// none, and the window then slides with its input (Spark's default), whatever the
	// batch interval is at run time. Slide holds the file's batch interval then.
	Slide    time.Duration
	SlideSet bool
	// Fn is the reduce function; Inv its inverse (incremental windows); Filter
	// reduceByKeyAndWindow's `filter =`.
	Fn, Inv, Filter *ast.Lambda
	Partitions      int
}

// State is a state operator: updateStateByKey, mapWithState, or snapshots (which reads
// the store of the mapWithState before it and has an empty State).
type State struct {
	Fn *ast.Lambda
	// Initial is the `initial =` expression: a list of (key, state) pairs, or a file
	// path string.
	Initial ast.Expr
	// Timeout is mapWithState's idle timeout (0 = none).
	Timeout time.Duration
	// Optional is set on mapWithState when its function returns E? (the node's element
	// type is E): a none result emits nothing.
	Optional   bool
	Partitions int
}

// TableJoin is joinTable or leftJoinTable; the table is the node's "table" argument.
type TableJoin struct{}

// Lookup is lookup(conn, sql, T, key): the connection and SQL are the node's Args.
type Lookup struct {
	Row types.Type
	Key *ast.Lambda
}

// Output is an output: print (N), saveAsTextFiles (Args prefix, suffix), writeTo (Args
// sink, and for a Go sink maxConns and idleTimeout), foreachBatch (Go).
type Output struct {
	N int // print's count
	// Go and GoPkg are foreachBatch's Go function and its package.
	Go    *goimport.Func
	GoPkg *goimport.Package
}

func (*Source) Family() builtins.Family    { return builtins.FamilySource }
func (*Decode) Family() builtins.Family    { return builtins.FamilyDecode }
func (*Func) Family() builtins.Family      { return builtins.FamilyFunc }
func (*EventTime) Family() builtins.Family { return builtins.FamilyEventTime }
func (*Keyed) Family() builtins.Family     { return builtins.FamilyKeyed }
func (*Window) Family() builtins.Family    { return builtins.FamilyWindow }
func (*State) Family() builtins.Family     { return builtins.FamilyState }
func (*TableJoin) Family() builtins.Family { return builtins.FamilyTableJoin }
func (*Lookup) Family() builtins.Family    { return builtins.FamilyLookup }
func (*Output) Family() builtins.Family    { return builtins.FamilyOutput }

// NamedArg is an argument of a source, decoder, output or sink, by parameter name.
type NamedArg struct {
	Name  string
	Value ast.Expr
	Type  types.Type
	// Resource is set when the argument is a table, connection or sink (writeTo's sink,
	// joinTable's table, lookup's and tableQuery's conn).
	Resource *Resource
	// Const is the value of an argument that must be a constant (a literal or a let of
	// one), as the checker evaluated it: a bool for csv's header and kafkaTopic's
	// transactional. Nil for the other arguments.
	Const any
}

// Resource is a table, connection or sink: a call of table, tableQuery, postgres,
// sqlite, kafkaTopic, jsonFiles or csvFiles, bound by a let or written in place. It is
// built once at start-up.
type Resource struct {
	Op   string          // the function called: "table", "postgres", "kafkaTopic", ...
	Kind builtins.OpKind // builtins.Reference, builtins.Connection or builtins.Sink
	Pos  diag.Pos        // the position of the call
	Let  string          // the let binding, if any
	Type types.Type      // *types.Table, *types.Conn or *types.Sink
	// Args are the call's arguments by parameter name (only those written; defaults are
	// in the builtins table). A tableQuery's "conn" argument carries its Resource.
	Args []*NamedArg
	// Row, KeyFn and Refresh describe a table: its row record type, the function giving a
	// row's key (Table.Key is its result), and the reload period (0 = the default).
	Row     types.Type
	KeyFn   *ast.Lambda
	Refresh time.Duration
	// OnBadRecord is a SQL sink's `onBadRecord =` policy for the rows the database
	// rejects; nil means fail (the pipeline's onBadRecord setting is the decoders').
	OnBadRecord *BadRecordPolicy
}

// Arg returns the argument named name, or nil.
func (r *Resource) Arg(name string) *NamedArg { return ArgOf(r.Args, name) }

// ArgOf returns the argument named name in args, or nil.
func ArgOf(args []*NamedArg, name string) *NamedArg {
	for _, a := range args {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// BadRecordPolicy says what happens to a record that fails to decode.
type BadRecordPolicy struct {
	Kind BadRecordKind
	Path string // for DeadLetter: the file that receives bad records (JSON lines)
}

// BadRecordKind enumerates the bad-record policies.
type BadRecordKind int

const (
	// BadRecordFail stops the pipeline with an error naming the record and the source.
	BadRecordFail BadRecordKind = iota
	// BadRecordSkip counts the record (in metrics and logs) and drops it.
	BadRecordSkip
	// BadRecordDeadLetter counts the record and appends it, with the error, to a file.
	BadRecordDeadLetter
)
