package builtins

import "fmt"

// Class is how the planner treats a stream operator: it decides where a stage is cut.
// Every operator that makes or ends a stream has one; tables, connections and sinks,
// which are values, have ClassNone.
type Class int

const (
	ClassNone      Class = iota // not a stream operator: a table, connection or sink
	ClassSource                 // starts a stream: a stage of its own reading the source
	ClassDecode                 // turns text into records; fuses like a narrow operator
	ClassNarrow                 // element by element: fuses into its input's loop
	ClassPartition              // needs each partition whole, moves nothing between partitions
	ClassExchange               // wide or whole-batch: a new stage behind an exchange
	ClassUnion                  // concatenates the partitions of its inputs
	ClassOutput                 // ends a statement: runs once per batch on a kept result
)

var classNames = [...]string{"none", "source", "decode", "narrow", "partition", "exchange", "union", "output"}

func (c Class) String() string { return classNames[c] }

// ExchangeMode is how an exchange assigns elements to the next stage's partitions.
type ExchangeMode int

const (
	ByKey      ExchangeMode = iota // hash of the pair's key
	ByElement                      // hash of the whole element (distinct, countByValue)
	Gather                         // everything to the single partition of the next stage
	RoundRobin                     // evenly, in turn (repartition)
)

func (m ExchangeMode) String() string {
	return [...]string{"hash by key", "hash by element", "gather", "round robin"}[m]
}

// Keeps says what an operator holds of its input after the batch that delivered it.
// The planner reads it to decide whether a source may read later batches into the
// memory of earlier ones (planner/recycle.go): only what is kept can alias old input.
type Keeps int

const (
	// KeepsElements: the operator may keep its input's elements (or anything cut from
	// them) for later batches: windows, eventTime's early elements, lookup's row cache,
	// readers of a state store. It is the safe answer, and the one an operator gets when
	// nothing else is said.
	KeepsElements Keeps = iota
	// KeepsNothing: the input is used within its batch only (what it keeps, it copies).
	KeepsNothing
	// KeepsPartial: one partial value per batch, which the window copies
	// (reduceByWindow, countByWindow).
	KeepsPartial
	// KeepsKeys: per-batch partials or a state store keyed by the input's keys, which
	// copies a key that is a string when it first inserts it (rt.KeyCopies); values are
	// kept as they are.
	KeepsKeys
	// KeepsState: a state store as KeepsKeys, whose states are the function's results.
	KeepsState
)

// Family is the family of an operator's typed specification (package dsl/spec): which
// struct the checker fills for it.
type Family int

const (
	FamilyNone      Family = iota
	FamilySource           // spec.Source
	FamilyDecode           // spec.Decode
	FamilyFunc             // spec.Func: element-wise and whole-batch operators with at most one function
	FamilyEventTime        // spec.EventTime
	FamilyKeyed            // spec.Keyed: shuffles, keyed reduces, joins
	FamilyWindow           // spec.Window
	FamilyState            // spec.State
	FamilyTableJoin        // spec.TableJoin
	FamilyLookup           // spec.Lookup
	FamilyOutput           // spec.Output
)

var familyNames = [...]string{"none", "source", "decode", "func", "eventTime", "keyed", "window", "state", "tableJoin", "lookup", "output"}

func (f Family) String() string { return familyNames[f] }

// Plan is what the compiler's middle needs to know of a stream operator, beyond its
// signature: one entry per operator name, so that the checker, the planner and code
// generation read the same facts instead of keeping lists of their own.
type Plan struct {
	Class Class
	// Family is the struct of package spec the checker fills for the operator.
	Family Family
	// Exchange and Combine are the exchange of a ClassExchange operator: how elements
	// move, and whether the map side pre-aggregates per partition first (reduceByKey's
	// map-side combine, count's partial counts, top's partial top n).
	Exchange ExchangeMode
	Combine  bool
	// Keeps is what the operator holds across batches.
	Keeps Keeps
	// Slides says the operator sets its stream's slide duration (a window); every other
	// operator's stream slides with its input.
	Slides bool
	// Whole says why a ClassPartition operator needs each partition whole: the planner
	// prints it as the reason its stage is cut.
	Whole string
}

// plans is the descriptor of every stream operator. An operator missing here is an
// error at start-up (see init), so a new operator cannot be half added.
var plans = map[string]Plan{
	// sources
	"socket": {Class: ClassSource, Keeps: KeepsNothing},
	"files":  {Class: ClassSource, Keeps: KeepsNothing},
	"stdin":  {Class: ClassSource, Keeps: KeepsNothing},
	"kafka":  {Class: ClassSource, Keeps: KeepsNothing},
	"queue":  {Class: ClassSource, Keeps: KeepsNothing},
	"rate":   {Class: ClassSource, Keeps: KeepsNothing},
	// A Go source's Read may return strings it keeps (a cache); they are its own.
	"goSource": {Class: ClassSource, Keeps: KeepsNothing},

	// decoders
	"lines": {Class: ClassDecode, Keeps: KeepsNothing},
	"csv":   {Class: ClassDecode, Keeps: KeepsNothing},
	"json":  {Class: ClassDecode, Keeps: KeepsNothing},

	// element-wise
	"map":           {Class: ClassNarrow, Keeps: KeepsNothing},
	"flatMap":       {Class: ClassNarrow, Keeps: KeepsNothing},
	"filter":        {Class: ClassNarrow, Keeps: KeepsNothing},
	"mapValues":     {Class: ClassNarrow, Keeps: KeepsNothing},
	"flatMapValues": {Class: ClassNarrow, Keeps: KeepsNothing},
	"joinTable":     {Class: ClassNarrow, Keeps: KeepsNothing},
	"leftJoinTable": {Class: ClassNarrow, Keeps: KeepsNothing},
	"mapPartitions": {Class: ClassPartition, Keeps: KeepsNothing, Whole: "mapPartitions needs each partition whole"},
	"glom":          {Class: ClassPartition, Keeps: KeepsNothing, Whole: "glom needs each partition whole"},
	"eventTime":     {Class: ClassPartition, Keeps: KeepsElements, Whole: "eventTime holds elements until their event-time batch is due"},
	"lookup":        {Class: ClassPartition, Keeps: KeepsElements, Whole: "lookup batches each partition's keys into one query"},

	// batch-wise and keyed
	"count":       {Class: ClassExchange, Exchange: Gather, Combine: true, Keeps: KeepsNothing},
	"reduce":      {Class: ClassExchange, Exchange: Gather, Combine: true, Keeps: KeepsNothing},
	"top":         {Class: ClassExchange, Exchange: Gather, Combine: true, Keeps: KeepsNothing},
	"takeOrdered": {Class: ClassExchange, Exchange: Gather, Combine: true, Keeps: KeepsNothing},
	"sortBy":      {Class: ClassExchange, Exchange: Gather, Keeps: KeepsNothing},
	"sortByKey":   {Class: ClassExchange, Exchange: Gather, Keeps: KeepsNothing},
	// transform's function may hand the batch to Go code, which could keep it.
	"transform":      {Class: ClassExchange, Exchange: Gather, Keeps: KeepsElements},
	"transformWith":  {Class: ClassExchange, Exchange: Gather, Keeps: KeepsElements},
	"countByValue":   {Class: ClassExchange, Exchange: ByElement, Combine: true, Keeps: KeepsNothing},
	"distinct":       {Class: ClassExchange, Exchange: ByElement, Combine: true, Keeps: KeepsNothing},
	"countByKey":     {Class: ClassExchange, Exchange: ByKey, Combine: true, Keeps: KeepsNothing},
	"reduceByKey":    {Class: ClassExchange, Exchange: ByKey, Combine: true, Keeps: KeepsNothing},
	"aggregateByKey": {Class: ClassExchange, Exchange: ByKey, Combine: true, Keeps: KeepsNothing},
	"groupByKey":     {Class: ClassExchange, Exchange: ByKey, Keeps: KeepsNothing},
	"repartition":    {Class: ClassExchange, Exchange: RoundRobin, Keeps: KeepsNothing},
	"join":           {Class: ClassExchange, Exchange: ByKey, Keeps: KeepsNothing},
	"leftOuterJoin":  {Class: ClassExchange, Exchange: ByKey, Keeps: KeepsNothing},
	"rightOuterJoin": {Class: ClassExchange, Exchange: ByKey, Keeps: KeepsNothing},
	"fullOuterJoin":  {Class: ClassExchange, Exchange: ByKey, Keeps: KeepsNothing},
	"cogroup":        {Class: ClassExchange, Exchange: ByKey, Keeps: KeepsNothing},
	"union":          {Class: ClassUnion, Keeps: KeepsNothing},

	// windows
	"window":                {Class: ClassPartition, Keeps: KeepsElements, Slides: true, Whole: "window keeps each partition's past batches"},
	"countByWindow":         {Class: ClassExchange, Exchange: Gather, Combine: true, Keeps: KeepsPartial, Slides: true},
	"reduceByWindow":        {Class: ClassExchange, Exchange: Gather, Combine: true, Keeps: KeepsPartial, Slides: true},
	"reduceByKeyAndWindow":  {Class: ClassExchange, Exchange: ByKey, Combine: true, Keeps: KeepsKeys, Slides: true},
	"countByValueAndWindow": {Class: ClassExchange, Exchange: ByElement, Combine: true, Keeps: KeepsKeys, Slides: true},
	"groupByKeyAndWindow":   {Class: ClassExchange, Exchange: ByKey, Keeps: KeepsElements, Slides: true},

	// state
	"updateStateByKey": {Class: ClassExchange, Exchange: ByKey, Keeps: KeepsState},
	"mapWithState":     {Class: ClassExchange, Exchange: ByKey, Keeps: KeepsState},
	"snapshots":        {Class: ClassPartition, Keeps: KeepsElements, Whole: "snapshots reads the state of mapWithState"},

	// outputs
	"print":           {Class: ClassOutput, Keeps: KeepsNothing},
	"saveAsTextFiles": {Class: ClassOutput, Keeps: KeepsNothing},
	"writeTo":         {Class: ClassOutput, Keeps: KeepsNothing},
	// A Go function may keep what it is given (it should copy it; see docs/go-sinks.md).
	"foreachBatch": {Class: ClassOutput, Keeps: KeepsElements},
}

// IsStream reports whether the Op makes or ends a stream (and so needs a Plan): a source,
// decoder, operator, window, state operator, output, or a method on a stream.
func (o *Op) IsStream() bool {
	switch o.Kind {
	case Source, Decoder, Operator, Window, Stateful, Output:
		return true
	}
	return o.Method
}

func init() {
	for _, o := range Ops {
		p, ok := plans[o.Name]
		switch {
		case o.IsStream() && (!ok || p.Class == ClassNone):
			panic(fmt.Sprintf("builtins: stream operator %s has no plan: add it to plans in plan.go", o.Name))
		case !o.IsStream() && ok:
			panic(fmt.Sprintf("builtins: %s is not a stream operator but has a plan", o.Name))
		case p.Class == ClassPartition && p.Whole == "":
			panic(fmt.Sprintf("builtins: partition operator %s does not say why it needs whole partitions", o.Name))
		}
		if o.IsStream() {
			p.Family = familyOf(o.Name, p)
		}
		o.Plan = p
	}
	for name := range plans {
		if LookupOp(name, Source) == nil && len(LookupOps(name)) == 0 {
			panic(fmt.Sprintf("builtins: plans has %s, which is not in Ops", name))
		}
	}
}

// PlanOf returns the plan of the stream operator name (ClassNone for anything else).
func PlanOf(name string) Plan { return plans[name] }

// familyOf gives an operator's spec family: by class for sources, decoders and outputs,
// by its kind of function for the rest.
func familyOf(name string, p Plan) Family {
	switch {
	case p.Class == ClassSource:
		return FamilySource
	case p.Class == ClassDecode:
		return FamilyDecode
	case p.Class == ClassOutput:
		return FamilyOutput
	case p.Slides:
		return FamilyWindow
	case p.Keeps == KeepsState || name == "snapshots":
		return FamilyState
	}
	switch name {
	case "eventTime":
		return FamilyEventTime
	case "joinTable", "leftJoinTable":
		return FamilyTableJoin
	case "lookup":
		return FamilyLookup
	}
	if p.Class == ClassExchange && p.Exchange != Gather {
		return FamilyKeyed
	}
	return FamilyFunc
}
