package planner

import (
	"time"

	"streamc.dev/streamc/dsl/builtins"
	"streamc.dev/streamc/dsl/check"
	"streamc.dev/streamc/dsl/goimport"
	"streamc.dev/streamc/dsl/types"
)

// Plan is the physical plan of one pipeline: what code generation reads.
type Plan struct {
	Name       string // the pipeline name
	SourceFile string // the .stream file, as named on the command line
	Settings   check.Settings
	Records    []*types.Record
	Sources    []*Source
	// Ops are every operator of the pipeline, inputs before the ops that read them.
	Ops       []*Op
	Stages    []*Stage // in execution order: a stage's inputs come from earlier stages
	Exchanges []*Exchange
	Outputs   []*Output // in declaration order, the order in which they run each batch
	// Imports are the Go packages the pipeline calls: the generated program imports
	// them and its go.mod requires their modules.
	Imports []*goimport.Package
	// Info gives the types of the expressions inside the plan's lambdas.
	Info *check.Info
}

// Source is one source of the pipeline.
type Source struct {
	ID int
	Op *Op
	// Name identifies the source in logs, metrics and the binary's --source flag: the
	// let binding's name, or the source kind and its number ("socket1").
	Name string
	Elem types.Type // the element type the source delivers, before decoding
	// Recycle says no string of the source's records is used after their batch, so a
	// files source may read later batches into the same memory (see recyclable).
	Recycle bool
}

// PartsKind says how a stage's partition count is found at run time.
type PartsKind int

const (
	// PartsDefault is the pipeline's partitions setting (the --partitions flag, or the
	// number of CPUs).
	PartsDefault PartsKind = iota
	// PartsFixed is a count written in the program (repartition(n), partitions = n), or
	// one for a gathered whole-batch result.
	PartsFixed
	// PartsSame is the partition count of the stage the input is kept by.
	PartsSame
	// PartsSum is the sum of the input stages' counts (union concatenates partitions).
	PartsSum
	// PartsWindow is the input stage's count times the number of its batches a window
	// holds: window(len, slide) is, as Spark's WindowedDStream, the union of the
	// window's batches, each with its partitions, oldest batch first.
	PartsWindow
)

// Parts is a stage's partition count.
type Parts struct {
	Kind PartsKind
	N    int // for PartsFixed
}

// InputKind says where a stage reads from.
type InputKind int

const (
	FromSource   InputKind = iota // records delivered by a source this batch
	FromExchange                  // records shuffled to this stage by an exchange
	FromStage                     // the kept result of an earlier stage, partition by partition
)

// Input is one input of a stage. A stage has one input, except the head of a join or
// cogroup (one exchange per side) and a union (one kept result per stream).
type Input struct {
	Kind     InputKind
	Source   *Source
	Exchange *Exchange
	Stage    *Stage
}

// Stage is a unit of parallel work: per partition, it reads its input, runs Head (if
// any) over the whole of it, then runs the fused Chain element by element, and hands
// each resulting element to its exchanges and, if Keep, to its kept result.
type Stage struct {
	ID     int
	Parts  Parts
	Inputs []*Input
	// Head is an operator that consumes the stage's input for the whole batch before it
	// emits anything: the reduce side of a shuffle, the final step of a whole-batch
	// operator, a window or a state operator. Nil for stages that start at a source or
	// a kept result.
	Head *Op
	// Chain is the fused narrow operators, in order (decoders included).
	Chain []*Op
	// Out holds the exchanges this stage's result is written into (the map side of the
	// next wide operators).
	Out []*Exchange
	// Keep says the stage's result is kept for the batch: outputs, unions and other
	// stages read it.
	Keep bool
	// Cut says why a new stage starts here.
	Cut string
	// Tail is the node whose stream this stage produces; Elem its element type.
	Tail *Op
	Elem types.Type
}

// ExchangeMode is how an exchange assigns elements to the next stage's partitions: the
// operator descriptor's.
type ExchangeMode = builtins.ExchangeMode

const (
	ByKey      = builtins.ByKey
	ByElement  = builtins.ByElement
	Gather     = builtins.Gather
	RoundRobin = builtins.RoundRobin
)

// Exchange moves elements from one stage to the partitions of the next.
type Exchange struct {
	ID   int
	Mode ExchangeMode
	// Op is the wide operator the exchange serves; its reduce side heads To.
	Op   *Op
	From *Stage
	To   *Stage
	// Side is the input number of Node this exchange carries (0, or 1 for the right side
	// of a join).
	Side int
	// Combine says the map side pre-aggregates per partition before the exchange
	// (reduceByKey's map-side combine, count's partial counts, top's partial top n).
	Combine bool
	Elem    types.Type // the element type carried (after any map-side combine, before it)
}

// Output is one output operation.
type Output struct {
	Op    *Op
	Stage *Stage // the stage whose kept result the output reads
}

// Interval returns the batch interval.
func (p *Plan) Interval() time.Duration { return p.Settings.Batch }
