package builtins

import "streamc.dev/streamc/dsl/types"

// Constraint limits what a type parameter of a generic builtin may be instantiated with.
type Constraint int

const (
	// Any accepts every value type.
	Any Constraint = iota
	// Comparable accepts the types types.Comparable accepts (usable with ==, as keys).
	Comparable
	// Ordered accepts the types types.Ordered accepts (usable with <, sortable).
	Ordered
	// Numeric accepts int and float.
	Numeric
)

func (c Constraint) String() string {
	switch c {
	case Comparable:
		return "comparable"
	case Ordered:
		return "ordered"
	case Numeric:
		return "numeric"
	}
	return "any"
}

// Satisfied reports whether t meets c.
func (c Constraint) Satisfied(t types.Type) bool {
	switch c {
	case Comparable:
		return types.Comparable(t)
	case Ordered:
		return types.Ordered(t)
	case Numeric:
		return types.IsNumeric(t)
	}
	return true
}

// TypeParam is a type parameter of a generic builtin: the name its TypeVar carries in
// the signature and what it may stand for.
type TypeParam struct {
	Name       string
	Constraint Constraint
}

// Param is one parameter of a builtin function or method.
type Param struct {
	Name string
	Type types.Type
	// Default is the parameter's default as .stream source text; "" means the argument
	// is required. A parameter with a default is usually passed by name (`env("X",
	// default = "y")`) but may also be passed by position.
	Default string
}

// Func is a builtin function (Recv == nil) or a value method (Recv is the receiver's
// type pattern: *types.Optional for methods on T?, *types.State for methods on a
// mapWithState state). Several Funcs may share a Name: they are overloads, told apart
// by their parameter types (contains on strings and on lists).
type Func struct {
	Name string
	// GoName is the function's name in the Go standard library package (stdlib); methods
	// on optionals are implemented as functions taking the receiver first. For the
	// methods of State (Recv *types.State) it is the name of the method of
	// *state.State[S] (runtime/state) that generated code calls.
	GoName     string
	Category   string // strings, numbers, lists, optionals, state, time, misc
	TypeParams []TypeParam
	Recv       types.Type
	Params     []Param
	Result     types.Type
	Variadic   bool // the last parameter repeats (its Type is the element type)
	Doc        string
	// Example is a .stream expression that uses the function. Inside it `line` is a
	// string; for State methods `state` is a State[int]. A test type-checks every one.
	Example string
}

// Constraint returns the constraint of the type parameter named name (Any when f has no
// such parameter).
func (f *Func) Constraint(name string) Constraint {
	for _, tp := range f.TypeParams {
		if tp.Name == name {
			return tp.Constraint
		}
	}
	return Any
}

// Signature returns f's type: its parameters (receiver excluded) and result.
func (f *Func) Signature() *types.Func {
	ps := make([]types.Type, len(f.Params))
	for i, p := range f.Params {
		ps[i] = p.Type
	}
	return &types.Func{Params: ps, Result: f.Result, Variadic: f.Variadic}
}

// Required returns how many leading parameters have no default.
func (f *Func) Required() int {
	n := 0
	for _, p := range f.Params {
		if p.Default != "" {
			break
		}
		n++
	}
	return n
}

// Shorthands for the table below.
var (
	str  = types.StringType
	i64  = types.IntType
	f64  = types.FloatType
	bl   = types.BoolType
	tm   = types.TimeType
	dur  = types.DurationType
	unit = types.UnitType

	tT = &types.TypeVar{Name: "T"}
	tN = &types.TypeVar{Name: "N"}
	tS = &types.TypeVar{Name: "S"}
)

func list(t types.Type) types.Type { return &types.List{Elem: t} }
func opt(t types.Type) types.Type  { return &types.Optional{Elem: t} }
func p(name string, t types.Type) Param {
	return Param{Name: name, Type: t}
}

// Funcs is the table of builtin functions, grouped by category.
var Funcs = []*Func{
	// strings
	{Name: "split", GoName: "Split", Category: "strings", Params: []Param{p("s", str), p("sep", str)}, Result: list(str),
		Doc: "split cuts s around every sep and returns the parts, empty parts included (Go's strings.Split).", Example: `split(line, ",")`},
	{Name: "words", GoName: "Words", Category: "strings", Params: []Param{p("s", str)}, Result: list(str),
		Doc: "words splits s around runs of white space; it never returns empty words.", Example: `words(line)`},
	{Name: "lower", GoName: "Lower", Category: "strings", Params: []Param{p("s", str)}, Result: str,
		Doc: "lower returns s with all Unicode letters mapped to lower case.", Example: `lower(line)`},
	{Name: "upper", GoName: "Upper", Category: "strings", Params: []Param{p("s", str)}, Result: str,
		Doc: "upper returns s with all Unicode letters mapped to upper case.", Example: `upper(line)`},
	{Name: "trim", GoName: "Trim", Category: "strings", Params: []Param{p("s", str)}, Result: str,
		Doc: "trim returns s without leading and trailing white space.", Example: `trim(line)`},
	{Name: "contains", GoName: "Contains", Category: "strings", Params: []Param{p("s", str), p("sub", str)}, Result: bl,
		Doc: "contains reports whether sub is within s.", Example: `contains(line, "error")`},
	{Name: "startsWith", GoName: "StartsWith", Category: "strings", Params: []Param{p("s", str), p("prefix", str)}, Result: bl,
		Doc: "startsWith reports whether s begins with prefix.", Example: `startsWith(line, "#")`},
	{Name: "endsWith", GoName: "EndsWith", Category: "strings", Params: []Param{p("s", str), p("suffix", str)}, Result: bl,
		Doc: "endsWith reports whether s ends with suffix.", Example: `endsWith(line, ".png")`},
	{Name: "replace", GoName: "Replace", Category: "strings", Params: []Param{p("s", str), p("old", str), p("new", str)}, Result: str,
		Doc: "replace returns s with every old replaced by new.", Example: `replace(line, "\t", " ")`},
	{Name: "substr", GoName: "Substr", Category: "strings", Params: []Param{p("s", str), p("start", i64), p("end", i64)}, Result: str,
		Doc: "substr returns the bytes of s from start up to end (exclusive), both clamped to [0, len(s)].", Example: `substr(line, 0, 3)`},
	{Name: "len", GoName: "Len", Category: "strings", Params: []Param{p("s", str)}, Result: i64,
		Doc: "len returns the length of s in bytes.", Example: `len(line)`},
	{Name: "concat", GoName: "Concat", Category: "strings", Params: []Param{p("parts", str)}, Result: str, Variadic: true,
		Doc: "concat joins its arguments into one string.", Example: `concat("<", line, ">")`},
	{Name: "toString", GoName: "ToString", Category: "strings", TypeParams: []TypeParam{{"T", Any}}, Params: []Param{p("x", tT)}, Result: str,
		Doc: "toString renders x as print renders it: (a,1), [1,2], Some(x), 1.0.", Example: `toString(len(line))`},
	{Name: "parseInt", GoName: "ParseInt", Category: "strings", Params: []Param{p("s", str)}, Result: opt(i64),
		Doc: "parseInt parses a base-10 integer, ignoring surrounding white space; none if s is not one.", Example: `parseInt(line)`},
	{Name: "parseFloat", GoName: "ParseFloat", Category: "strings", Params: []Param{p("s", str)}, Result: opt(f64),
		Doc: "parseFloat parses a floating-point number, ignoring surrounding white space; none if s is not one.", Example: `parseFloat(line)`},
	{Name: "join", GoName: "Join", Category: "strings", Params: []Param{p("parts", list(str)), p("sep", str)}, Result: str,
		Doc: "join concatenates parts with sep between them.", Example: `join(words(line), "-")`},

	// numbers
	{Name: "abs", GoName: "Abs", Category: "numbers", TypeParams: []TypeParam{{"N", Numeric}}, Params: []Param{p("x", tN)}, Result: tN,
		Doc: "abs returns the absolute value of x (an int or a float).", Example: `abs(len(line) - 10)`},
	{Name: "min", GoName: "Min", Category: "numbers", TypeParams: []TypeParam{{"T", Ordered}}, Params: []Param{p("a", tT), p("b", tT)}, Result: tT,
		Doc: "min returns the smaller of a and b, which have the same ordered type.", Example: `min(len(line), 80)`},
	{Name: "max", GoName: "Max", Category: "numbers", TypeParams: []TypeParam{{"T", Ordered}}, Params: []Param{p("a", tT), p("b", tT)}, Result: tT,
		Doc: "max returns the larger of a and b, which have the same ordered type.", Example: `max(len(line), 1)`},
	{Name: "round", GoName: "Round", Category: "numbers", Params: []Param{p("x", f64)}, Result: i64,
		Doc: "round returns the int nearest x, rounding half away from zero.", Example: `round(2.5)`},
	{Name: "floor", GoName: "Floor", Category: "numbers", Params: []Param{p("x", f64)}, Result: i64,
		Doc: "floor returns the greatest int less than or equal to x.", Example: `floor(toFloat(len(line)) / 2.0)`},
	{Name: "ceil", GoName: "Ceil", Category: "numbers", Params: []Param{p("x", f64)}, Result: i64,
		Doc: "ceil returns the least int greater than or equal to x.", Example: `ceil(toFloat(len(line)) / 2.0)`},
	{Name: "toFloat", GoName: "ToFloat", Category: "numbers", Params: []Param{p("x", i64)}, Result: f64,
		Doc: "toFloat converts an int to a float; .stream never converts numbers implicitly.", Example: `toFloat(len(line))`},
	{Name: "toInt", GoName: "ToInt", Category: "numbers", Params: []Param{p("x", f64)}, Result: i64,
		Doc: "toInt converts a float to an int, truncating toward zero.", Example: `toInt(parseFloat(line).getOrElse(0.0))`},

	// lists
	{Name: "len", GoName: "LenList", Category: "lists", TypeParams: []TypeParam{{"T", Any}}, Params: []Param{p("list", list(tT))}, Result: i64,
		Doc: "len returns the number of elements of a list.", Example: `len(words(line))`},
	{Name: "sum", GoName: "Sum", Category: "lists", TypeParams: []TypeParam{{"N", Numeric}}, Params: []Param{p("list", list(tN))}, Result: tN,
		Doc: "sum adds up a list of ints or floats; the sum of an empty list is 0.", Example: `sum([1, 2, len(line)])`},
	{Name: "first", GoName: "First", Category: "lists", TypeParams: []TypeParam{{"T", Any}}, Params: []Param{p("list", list(tT))}, Result: opt(tT),
		Doc: "first returns the first element of a list, or none if it is empty.", Example: `first(words(line))`},
	{Name: "last", GoName: "Last", Category: "lists", TypeParams: []TypeParam{{"T", Any}}, Params: []Param{p("list", list(tT))}, Result: opt(tT),
		Doc: "last returns the last element of a list, or none if it is empty.", Example: `last(words(line))`},
	{Name: "sort", GoName: "Sort", Category: "lists", TypeParams: []TypeParam{{"T", Ordered}}, Params: []Param{p("list", list(tT))}, Result: list(tT),
		Doc: "sort returns the elements of a list in ascending order.", Example: `sort(words(line))`},
	{Name: "distinct", GoName: "Distinct", Category: "lists", TypeParams: []TypeParam{{"T", Comparable}}, Params: []Param{p("list", list(tT))}, Result: list(tT),
		Doc: "distinct returns the list without repeated elements, keeping first occurrences in order.", Example: `distinct(words(line))`},
	{Name: "contains", GoName: "ListContains", Category: "lists", TypeParams: []TypeParam{{"T", Comparable}}, Params: []Param{p("list", list(tT)), p("x", tT)}, Result: bl,
		Doc: "contains reports whether x is an element of the list.", Example: `contains(words(line), "spark")`},

	// optionals
	{Name: "some", GoName: "Some", Category: "optionals", TypeParams: []TypeParam{{"T", Any}}, Params: []Param{p("x", tT)}, Result: opt(tT),
		Doc: "some wraps x in an optional; `none` is the empty optional.", Example: `some(line)`},

	// time
	{Name: "now", GoName: "Now", Category: "time", Result: tm,
		Doc: "now returns the wall-clock time; prefer batchTime, which replays deterministically.", Example: `now()`},
	{Name: "millis", GoName: "Millis", Category: "time", Params: []Param{p("t", tm)}, Result: i64,
		Doc: "millis returns t as milliseconds since the Unix epoch.", Example: `millis(batchTime)`},
	{Name: "fromMillis", GoName: "FromMillis", Category: "time", Params: []Param{p("ms", i64)}, Result: tm,
		Doc: "fromMillis returns the time ms milliseconds after the Unix epoch.", Example: `fromMillis(parseInt(line).getOrElse(0))`},
	{Name: "seconds", GoName: "Seconds", Category: "time", Params: []Param{p("d", dur)}, Result: f64,
		Doc: "seconds returns d as a floating-point number of seconds.", Example: `seconds(batchTime - fromMillis(0))`},
	{Name: "truncate", GoName: "Truncate", Category: "time", Params: []Param{p("t", tm), p("d", dur)}, Result: tm,
		Doc: "truncate rounds t down to a multiple of d since the Unix epoch (for tumbling buckets).", Example: `truncate(batchTime, 1m)`},
	{Name: "formatTime", GoName: "FormatTime", Category: "time", Params: []Param{p("t", tm), p("layout", str)}, Result: str,
		Doc: "formatTime renders t in UTC with a Go layout such as \"2006-01-02 15:04\".", Example: `formatTime(batchTime, "15:04:05")`},
	{Name: "parseTime", GoName: "ParseTime", Category: "time", Params: []Param{p("s", str), p("layout", str)}, Result: opt(tm),
		Doc: "parseTime parses s with a Go layout (UTC unless the layout has a zone); none if it does not parse.", Example: `parseTime(line, "2006-01-02")`},
	{Name: "hour", GoName: "Hour", Category: "time", Params: []Param{p("t", tm)}, Result: i64,
		Doc: "hour returns the hour of the day of t in UTC, 0 to 23.", Example: `hour(batchTime)`},
	{Name: "date", GoName: "Date", Category: "time", Params: []Param{p("t", tm)}, Result: str,
		Doc: "date returns the UTC date of t as YYYY-MM-DD.", Example: `date(batchTime)`},

	// misc
	{Name: "env", GoName: "Env", Category: "misc", Params: []Param{p("name", str), {Name: "default", Type: str, Default: `""`}}, Result: str,
		Doc: "env returns the environment variable name (read once at start-up), or default when it is unset.", Example: `env("REGION", default = "eu")`},
	{Name: "hash", GoName: "Hash", Category: "misc", TypeParams: []TypeParam{{"T", Comparable}}, Params: []Param{p("x", tT)}, Result: i64,
		Doc: "hash returns a stable 64-bit hash of x, the one the runtime partitions keys with.", Example: `hash(line)`},
}

// Methods is the table of value methods: on optionals (Recv *types.Optional) and on the
// State handle of mapWithState (Recv *types.State).
var Methods = []*Func{
	{Name: "get", GoName: "OptGet", Category: "optionals", TypeParams: []TypeParam{{"T", Any}}, Recv: opt(tT), Result: tT,
		Doc: "get returns the value of a some; on none the pipeline fails with an error naming the expression.", Example: `parseInt(line).get()`},
	{Name: "getOrElse", GoName: "OptGetOrElse", Category: "optionals", TypeParams: []TypeParam{{"T", Any}}, Recv: opt(tT), Params: []Param{p("d", tT)}, Result: tT,
		Doc: "getOrElse returns the value of a some, or d for none.", Example: `parseInt(line).getOrElse(0)`},
	{Name: "orElse", GoName: "OptGetOrElse", Category: "optionals", TypeParams: []TypeParam{{"T", Any}}, Recv: opt(tT), Params: []Param{p("d", tT)}, Result: tT,
		Doc: "orElse is getOrElse: the value of a some, or d for none.", Example: `parseInt(line).orElse(0)`},
	{Name: "isSome", GoName: "OptIsSome", Category: "optionals", TypeParams: []TypeParam{{"T", Any}}, Recv: opt(tT), Result: bl,
		Doc: "isSome reports whether the optional holds a value.", Example: `parseInt(line).isSome()`},
	{Name: "isDefined", GoName: "OptIsSome", Category: "optionals", TypeParams: []TypeParam{{"T", Any}}, Recv: opt(tT), Result: bl,
		Doc: "isDefined is isSome, under Scala's name.", Example: `parseInt(line).isDefined()`},
	{Name: "isNone", GoName: "OptIsNone", Category: "optionals", TypeParams: []TypeParam{{"T", Any}}, Recv: opt(tT), Result: bl,
		Doc: "isNone reports whether the optional is none.", Example: `parseInt(line).isNone()`},
	{Name: "isEmpty", GoName: "OptIsNone", Category: "optionals", TypeParams: []TypeParam{{"T", Any}}, Recv: opt(tT), Result: bl,
		Doc: "isEmpty is isNone, under Scala's name.", Example: `parseInt(line).isEmpty()`},

	{Name: "get", GoName: "Get", Category: "state", TypeParams: []TypeParam{{"S", Any}}, Recv: &types.State{Elem: tS}, Result: tS,
		Doc: "get returns the key's state; the pipeline fails if the key has none (check exists() first).", Example: `state.get()`},
	{Name: "getOrElse", GoName: "GetOrElse", Category: "state", TypeParams: []TypeParam{{"S", Any}}, Recv: &types.State{Elem: tS}, Params: []Param{p("d", tS)}, Result: tS,
		Doc: "getOrElse returns the key's state, or d when it has none.", Example: `state.getOrElse(0)`},
	{Name: "orElse", GoName: "GetOrElse", Category: "state", TypeParams: []TypeParam{{"S", Any}}, Recv: &types.State{Elem: tS}, Params: []Param{p("d", tS)}, Result: tS,
		Doc: "orElse is getOrElse: the key's state, or d when it has none.", Example: `state.orElse(0)`},
	{Name: "exists", GoName: "Exists", Category: "state", TypeParams: []TypeParam{{"S", Any}}, Recv: &types.State{Elem: tS}, Result: bl,
		Doc: "exists reports whether the key has state.", Example: `state.exists()`},
	{Name: "update", GoName: "Update", Category: "state", TypeParams: []TypeParam{{"S", Any}}, Recv: &types.State{Elem: tS}, Params: []Param{p("s", tS)}, Result: unit,
		Doc: "update sets the key's state to s; not allowed while the key is timing out.", Example: `state.update(1)`},
	{Name: "remove", GoName: "Remove", Category: "state", TypeParams: []TypeParam{{"S", Any}}, Recv: &types.State{Elem: tS}, Result: unit,
		Doc: "remove deletes the key's state.", Example: `state.remove()`},
	{Name: "isTimingOut", GoName: "IsTimingOut", Category: "state", TypeParams: []TypeParam{{"S", Any}}, Recv: &types.State{Elem: tS}, Result: bl,
		Doc: "isTimingOut reports whether this call is the key's last, because it saw no data for the timeout.", Example: `state.isTimingOut()`},
}

var byName = func() map[string][]*Func {
	m := make(map[string][]*Func)
	for _, f := range Funcs {
		m[f.Name] = append(m[f.Name], f)
	}
	return m
}()

// Lookup returns the builtin function named name (its first overload), or nil.
func Lookup(name string) *Func {
	if fs := byName[name]; len(fs) > 0 {
		return fs[0]
	}
	return nil
}

// Overloads returns every builtin function named name, in table order.
func Overloads(name string) []*Func { return byName[name] }

// LookupMethod returns the value method name on a receiver of type recv (an optional or
// a State), or nil.
func LookupMethod(recv types.Type, name string) *Func {
	for _, m := range Methods {
		if m.Name != name {
			continue
		}
		switch recv.(type) {
		case *types.Optional:
			if _, ok := m.Recv.(*types.Optional); ok {
				return m
			}
		case *types.State:
			if _, ok := m.Recv.(*types.State); ok {
				return m
			}
		}
	}
	return nil
}

// MethodNames returns the names of the methods on receivers like recv, for suggestions.
func MethodNames(recv types.Type) []string {
	var names []string
	for _, m := range Methods {
		_, optRecv := m.Recv.(*types.Optional)
		_, isOpt := recv.(*types.Optional)
		if optRecv == isOpt {
			names = append(names, m.Name)
		}
	}
	return names
}

// KafkaRecord is the element type of kafka(...): one record of a topic. Decoders
// (json, csv) applied to a stream of KafkaRecord decode its value.
var KafkaRecord = &types.Record{Name: "KafkaRecord", Fields: []types.Field{
	{Name: "topic", Type: str},
	{Name: "partition", Type: i64},
	{Name: "offset", Type: i64},
	{Name: "key", Type: str},
	{Name: "value", Type: str},
	{Name: "timestamp", Type: tm},
	{Name: "headers", Type: list(types.Pair(str, str))},
}}
