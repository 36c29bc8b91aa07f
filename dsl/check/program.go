package check

import (
	"time"

	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl/ast"
	"streamc.dev/streamc/dsl/builtins"
	"streamc.dev/streamc/dsl/goimport"
	"streamc.dev/streamc/dsl/spec"
	"streamc.dev/streamc/dsl/types"
)

// Program is a checked .stream file: the resolved settings, the declared records, and
// the stream graph the planner lowers. It is only produced for a file without errors
// (warnings are allowed and are in Warnings).
type Program struct {
	File *ast.File
	// Source is the file's text, for what is keyed by it: code generation identifies an
	// operator's checkpointed state by the text of its call.
	Source   []byte
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
	// Imports are the Go packages the program imports and calls, in import order.
	Imports  []*goimport.Package
	Info     *Info
	Warnings diag.List
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
type BadRecordPolicy = spec.BadRecordPolicy

// BadRecordKind enumerates the bad-record policies.
type BadRecordKind = spec.BadRecordKind

const (
	BadRecordFail       = spec.BadRecordFail
	BadRecordSkip       = spec.BadRecordSkip
	BadRecordDeadLetter = spec.BadRecordDeadLetter
)

// Node is one operator application in the stream graph. What the checker learned of
// the operator beyond its inputs and element type is in Spec, typed by the operator's
// family (package spec).
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

	// Spec is what the checker learned of the operator application, in the struct of
	// its family (Desc.Plan.Family): functions, durations, counts, decoded types.
	Spec spec.Spec
	// Args are the remaining arguments by name (positional ones under the parameter
	// name the operator table gives them): source addresses, paths, prefixes, SQL text,
	// connector settings. Their expressions are evaluated once at start-up.
	Args []*NamedArg
}

// NamedArg is an argument of a source, decoder, output or sink, by parameter name.
type NamedArg = spec.NamedArg

// Resource is a table, connection or sink, built once at start-up.
type Resource = spec.Resource

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
	PackageObject                     // an imported Go package
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
	// Pkg is the Go package of a PackageObject.
	Pkg *goimport.Package
}

// CalleeKind says what kind of function a Callee is.
type CalleeKind int

const (
	BuiltinFunc CalleeKind = iota // split, lower, len, sum, env, some, ...
	ValueMethod                   // orElse, getOrElse, isSome, get, ... on optionals; get/update/... on State
	GoFunc                        // an exported function of an imported Go package
	ListMethod                    // map, filter, flatMap, exists, forall on a list, with a function
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
	// Go and Pkg are the function of a GoFunc callee and its package.
	Go  *goimport.Func
	Pkg *goimport.Package
}

// Class is the operator's planning class, from its descriptor.
func (n *Node) Class() builtins.Class { return n.Desc.Plan.Class }
