package check

import (
	"time"

	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl/ast"
	"streamc.dev/streamc/dsl/builtins"
	"streamc.dev/streamc/dsl/types"
)

// Program is a checked .stream file: the resolved settings, the declared records, and
// the stream graph the planner lowers. It is only produced for a file without errors
// (warnings are allowed and are in Warnings).
type Program struct {
	File     *ast.File
	Name     string // the pipeline name (from `pipeline NAME`)
	Settings Settings
	Records  []*types.Record // declared record types, in declaration order
	// Nodes holds every stream node once, in an order where inputs come before the
	// nodes that use them, and otherwise in source order (deterministic).
	Nodes []*Node
	// Outputs are the output nodes (print, saveAsTextFiles, writeTo, ...) in the order
	// written: the order in which they run each batch.
	Outputs []*Node
	// Resources are the tables, connections and sinks the program uses, in source order:
	// the values built once at start-up and shared by the nodes that name them.
	Resources []*Resource
	Info      *Info
	Warnings  diag.List
}

// Settings are the pipeline settings written in the file, with defaults filled in.
// The built binary's flags override them at run time.
type Settings struct {
	Batch           time.Duration // `batch 1s`; required
	Checkpoint      string        // `checkpoint "dir"`; "" when not set
	CheckpointEvery time.Duration // `checkpointEvery 10s`; 0 means the runtime default
	Partitions      int           // `partitions 4`; 0 means the number of CPUs
	MaxRate         int64         // `maxRate 10000`: records per second per source; 0 = unlimited
	Backpressure    bool          // `backpressure true`
	InitialRate     int64         // `initialRate 5000`: backpressure's rate before the first batch completes
	HTTP            string        // `http ":4040"`: metrics/UI address; "" = off
	OnBadRecord     BadRecordPolicy
	StopTimeout     time.Duration // `stopTimeout 30s`; 0 means the runtime default
	// Pos records where each setting was written, by setting name, for diagnostics
	// and for `streamc explain`.
	Pos map[string]diag.Pos
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

// Node is one operator application in the stream graph. Which fields are set depends on
// Op; the list of operators and their fields is in docs/language.md and in the
// checker's operator table.
type Node struct {
	ID int    // index in Program.Nodes
	Op string // the operator or source name as written: "map", "reduceByKey", "socket", ...
	// Desc is the operator's entry in the builtins table (the form chosen, for an
	// operator with two); Desc.Plan is how the planner treats it.
	Desc *builtins.Op
	Pos  diag.Pos // the position of the operator name (or source call)
	Call *ast.Call
	// Let is the name of the `let` binding whose value this node is, if any.
	Let    string
	Inputs []*Node
	// Elem is the element type of the stream this node produces (nil for outputs).
	Elem types.Type

	// Fn is the main function argument (map's f, reduceByKey's f, the state function).
	Fn *ast.Lambda
	// InvFn is the inverse function of reduceByWindow/reduceByKeyAndWindow, if given.
	InvFn *ast.Lambda
	// FilterFn is reduceByKeyAndWindow's `filter =` function, if given.
	FilterFn *ast.Lambda
	// Zero is aggregateByKey's zero value; Initial is mapWithState/updateStateByKey's
	// `initial =` expression (a list of (key, state) pairs, or a file path string).
	Zero, Initial ast.Expr
	// Window length and slide (windowed operators); Slide defaults to the batch interval.
	Len, Slide time.Duration
	// Timeout is mapWithState's idle timeout (0 = none).
	Timeout time.Duration
	// Lateness is eventTime's lateness bound.
	Lateness time.Duration
	// N is print's count (default 10), top/takeOrdered's n, repartition's partitions.
	N int
	// Partitions is the optional `partitions =` of keyed operators (0 = pipeline default).
	Partitions int
	// Ascending is sortBy/sortByKey's order (default true).
	Ascending bool
	// Decoded is the record type of csv(T)/json(T), and the row type of lookup(..., T, ...).
	Decoded types.Type
	// OnBadRecord is a decoder's `onBadRecord =` policy; nil means the pipeline setting.
	OnBadRecord *BadRecordPolicy
	// Optional is set on mapWithState when its function returns E? (Elem is E): a none
	// result emits nothing.
	Optional bool
	// Args are the remaining arguments by name (positional ones under the parameter
	// name the operator table gives them): source addresses, paths, prefixes, SQL text,
	// connector settings. Their expressions are evaluated once at start-up.
	Args []*NamedArg
}

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
	Call *ast.Call
	Let  string     // the let binding, if any
	Type types.Type // *types.Table, *types.Conn or *types.Sink
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
func (r *Resource) Arg(name string) *NamedArg {
	for _, a := range r.Args {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// Arg returns the argument named name, or nil.
func (n *Node) Arg(name string) *NamedArg {
	for _, a := range n.Args {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// Info is what the checker learned about the syntax tree, kept beside it.
type Info struct {
	// Types is the type of every expression that was checked.
	Types map[ast.Expr]types.Type
	// Defs maps each identifier that declares something (a let, a lambda parameter) to
	// the object it declares; Uses maps each identifier that refers to something to it.
	Defs map[*ast.Ident]*Object
	Uses map[*ast.Ident]*Object
	// Calls maps each call of a builtin function or value method (not stream operators,
	// which become Nodes) to what it calls.
	Calls map[*ast.Call]*Callee
	// Streams maps each expression of stream type to the node it denotes.
	Streams map[ast.Expr]*Node
}

// ObjectKind classifies the things a name can refer to.
type ObjectKind int

const (
	StreamBinding   ObjectKind = iota // a top-level let of a stream
	ValueBinding                      // a top-level let of a value, or a block-level let
	ParamObject                       // a lambda parameter
	BatchTimeObject                   // batchTime
	RecordObject                      // a declared record type
)

// Object is something a name refers to.
type Object struct {
	Kind ObjectKind
	Name string
	Pos  diag.Pos
	Type types.Type
	// Decl is the declaring node: *ast.LetDecl, *ast.Param, *ast.TypeDecl; nil for batchTime.
	Decl ast.Node
	// Node is the stream node of a StreamBinding.
	Node *Node
}

// CalleeKind says what kind of function a Callee is.
type CalleeKind int

const (
	BuiltinFunc CalleeKind = iota // split, lower, len, sum, env, some, ...
	ValueMethod                   // orElse, getOrElse, isSome, get, ... on optionals; get/update/... on State
)

// Callee is a resolved call of a builtin function or value method.
type Callee struct {
	Kind CalleeKind
	Name string
	// Sig is the signature instantiated at this call (type variables replaced).
	Sig *types.Func
	// Recv is the receiver type of a ValueMethod.
	Recv types.Type
	// Func is the table entry called (the overload chosen); its GoName names the
	// implementation in the standard library.
	Func *builtins.Func
}

// Class is the operator's planning class, from its descriptor.
func (n *Node) Class() builtins.Class { return n.Desc.Plan.Class }
