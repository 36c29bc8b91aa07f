package stdlib_test

import (
	gotypes "go/types"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"

	"streamc.dev/streamc/dsl/builtins"
	"streamc.dev/streamc/dsl/types"
)

const (
	stdlibPath  = "streamc.dev/streamc/stdlib"
	runtimePath = "streamc.dev/streamc/runtime"
	statePath   = "streamc.dev/streamc/runtime/state"
)

// helpers are the exported functions of stdlib that are not builtins: variants of
// builtins that codegen may call in fused loops, and what generated code needs besides.
// Every other exported function must be some table entry's GoName.
var helpers = map[string]string{
	"None":            "the none literal",
	"SplitSeq":        "split without a slice, for fused flatMaps",
	"SplitInto":       "split into a reused buffer",
	"WordsSeq":        "words without a slice, for fused flatMaps",
	"WordsInto":       "words into a reused buffer",
	"NextWord":        "words one at a time, for fused flatMaps over words(s)",
	"MergeSortedFunc": "merging the partitions sorted in parallel by sortBy and sortByKey",
	"SortByString":    "sortBy and sortByKey on a string key, each partition's part (radix pass over key prefixes)",
	"SortedPrefix":    "top and takeOrdered: the first n in order without sorting the rest",
	"Compare":         "the order of sort, min, max and sort keys",
	"AppendValue":     "toString appending to a buffer",
	"ConcatLists":     "+ on lists (codegen of the + operator)",
	"OptOf":           "the (T, bool) results of an imported Go function as T?",
	"OptMap":          "converting the value of an imported Go function's (T, bool) result",
	"PtrOf":           "an optional passed to an imported Go function taking a pointer",
	"OptOfPtr":        "the pointer result of an imported Go function as T?",
	"MapList":         "xs.map(f) on a list (a method with a function, compiled by codegen)",
	"FilterList":      "xs.filter(f) on a list",
	"FlatMapList":     "xs.flatMap(f) on a list",
	"ExistsList":      "xs.exists(f) on a list",
	"ForallList":      "xs.forall(f) on a list",
}

// loadStdlib type-checks this package from source.
func loadStdlib(t *testing.T) *gotypes.Package { return loadPackage(t, stdlibPath) }

// loadPackage type-checks the package at path from source.
func loadPackage(t *testing.T, path string) *gotypes.Package {
	t.Helper()
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedTypes | packages.NeedImports}
	pkgs, err := packages.Load(cfg, path)
	if err != nil {
		t.Fatalf("loading %s: %v", path, err)
	}
	if len(pkgs) != 1 || len(pkgs[0].Errors) > 0 {
		t.Fatalf("loading %s: %v", path, pkgs[0].Errors)
	}
	return pkgs[0].Types
}

// checkStateMethod compares a State method of the table with the method of
// *state.State[S] its GoName names: the same parameters and result, S standing for the
// state type.
func checkStateMethod(t *testing.T, e entry, pkg *gotypes.Package) {
	t.Helper()
	named, ok := pkg.Scope().Lookup("State").Type().(*gotypes.Named)
	if !ok {
		t.Fatalf("%s has no type State", statePath)
	}
	obj, _, _ := gotypes.LookupFieldOrMethod(gotypes.NewPointer(named), true, pkg, e.GoName)
	fn, ok := obj.(*gotypes.Func)
	if !ok {
		t.Errorf("%s: *state.State has no method %s", e, e.GoName)
		return
	}
	sig := fn.Type().(*gotypes.Signature)
	if sig.Params().Len() != len(e.Params) {
		t.Errorf("%s: Go takes %d parameters, the table %d", e, sig.Params().Len(), len(e.Params))
		return
	}
	for i, p := range e.Params {
		ws, _ := goTypeString(p.Type)
		if got := gotypes.TypeString(sig.Params().At(i).Type(), qualifier); got != ws {
			t.Errorf("%s: parameter %d is %s in Go, want %s", e, i, got, ws)
		}
	}
	ws, _ := goTypeString(e.Result)
	switch res := sig.Results(); {
	case ws == "" && res.Len() != 0, ws != "" && res.Len() != 1:
		t.Errorf("%s: Go returns %s, want %q", e, res, ws)
	case ws != "":
		if got := gotypes.TypeString(res.At(0).Type(), qualifier); got != ws {
			t.Errorf("%s: result is %s in Go, want %s", e, got, ws)
		}
	}
}

// goTypes is the Go type mapping of .stream types, written out by types.TypeString with
// package names as qualifiers: string→string, int→int64, float→float64, bool→bool,
// time→runtime.Time, duration→time.Duration, bytes→string, [T]→[]T, T?→stdlib.Opt[T],
// tuples→stdlib.TupleN[...], State[S]→*state.State[S], type variables by name.
// unit maps to "" (no result).
func goTypeString(t types.Type) (string, bool) {
	switch t := t.(type) {
	case *types.Basic:
		switch t.Kind {
		case types.String, types.Bytes:
			return "string", true
		case types.Int:
			return "int64", true
		case types.Float:
			return "float64", true
		case types.Bool:
			return "bool", true
		case types.Time:
			return "runtime.Time", true
		case types.Duration:
			return "time.Duration", true
		case types.Unit:
			return "", true
		}
	case *types.List:
		e, ok := goTypeString(t.Elem)
		return "[]" + e, ok
	case *types.Optional:
		e, ok := goTypeString(t.Elem)
		return "stdlib.Opt[" + e + "]", ok
	case *types.Tuple:
		elems := make([]string, len(t.Elems))
		for i, e := range t.Elems {
			s, ok := goTypeString(e)
			if !ok {
				return "", false
			}
			elems[i] = s
		}
		return "stdlib.Tuple" + string(rune('0'+len(elems))) + "[" + strings.Join(elems, ", ") + "]", true
	case *types.State:
		e, ok := goTypeString(t.Elem)
		return "*state.State[" + e + "]", ok
	case *types.TypeVar:
		return t.Name, true
	}
	return "", false
}

func qualifier(p *gotypes.Package) string { return p.Name() }

// entry is one builtin function or method to check.
type entry struct {
	*builtins.Func
	method bool
}

func (e entry) String() string {
	if e.method {
		return e.Recv.String() + "." + e.Name + " (" + e.GoName + ")"
	}
	return e.Name + e.Signature().String() + " (" + e.GoName + ")"
}

func TestBuiltinTableMatchesStdlib(t *testing.T) {
	pkg := loadStdlib(t)
	pool := constraintPool(t, pkg)
	statePkg := loadPackage(t, statePath)

	var entries []entry
	for _, f := range builtins.Funcs {
		entries = append(entries, entry{f, false})
	}
	for _, m := range builtins.Methods {
		entries = append(entries, entry{m, true})
	}

	named := make(map[string]bool)
	for _, e := range entries {
		if e.GoName == "" {
			t.Errorf("%s: the table gives no GoName", e)
			continue
		}
		if _, isState := e.Recv.(*types.State); isState {
			// The State handle belongs to the runtime's mapWithState: generated code calls
			// the methods of *state.State directly.
			checkStateMethod(t, e, statePkg)
			continue
		}
		named[e.GoName] = true
		obj := pkg.Scope().Lookup(e.GoName)
		fn, ok := obj.(*gotypes.Func)
		if !ok {
			t.Errorf("%s: stdlib has no function %s", e, e.GoName)
			continue
		}
		checkSignature(t, e, fn.Type().(*gotypes.Signature), pool)
	}

	for _, name := range pkg.Scope().Names() {
		obj := pkg.Scope().Lookup(name)
		if _, isFunc := obj.(*gotypes.Func); !isFunc || !obj.Exported() {
			continue
		}
		if !named[name] && helpers[name] == "" {
			t.Errorf("stdlib exports %s, which is neither a GoName in dsl/builtins nor a listed helper", name)
		}
	}
	for name := range helpers {
		if named[name] {
			t.Errorf("helper %s is also a GoName in the table: remove it from helpers", name)
		} else if _, ok := pkg.Scope().Lookup(name).(*gotypes.Func); !ok {
			t.Errorf("helper %s is not a function of stdlib: remove it from helpers", name)
		}
	}
}

// checkSignature compares the Go signature of e's function with the table's.
func checkSignature(t *testing.T, e entry, sig *gotypes.Signature, pool []poolType) {
	t.Helper()
	// Type parameters: the same names, each Go constraint admitting every type the
	// checker lets the table's constraint stand for.
	tps := sig.TypeParams()
	if tps.Len() != len(e.TypeParams) {
		t.Errorf("%s: Go has %d type parameters, the table %d", e, tps.Len(), len(e.TypeParams))
		return
	}
	for _, want := range e.TypeParams {
		var tp *gotypes.TypeParam
		for i := range tps.Len() {
			if tps.At(i).Obj().Name() == want.Name {
				tp = tps.At(i)
			}
		}
		if tp == nil {
			t.Errorf("%s: Go has no type parameter %s", e, want.Name)
			continue
		}
		iface := tp.Constraint().Underlying().(*gotypes.Interface)
		for _, pt := range pool {
			if want.Constraint.Satisfied(pt.dsl) && !gotypes.Satisfies(pt.goType, iface) {
				t.Errorf("%s: %s is %s in the table, so the checker accepts %s, but Go's constraint %s rejects %s",
					e, want.Name, want.Constraint, pt.dsl, tp.Constraint(), gotypes.TypeString(pt.goType, qualifier))
			}
		}
	}

	// Parameters, the receiver first for methods.
	var want []types.Type
	if e.Recv != nil {
		want = append(want, e.Recv)
	}
	for _, p := range e.Params {
		want = append(want, p.Type)
	}
	params := sig.Params()
	if params.Len() != len(want) {
		t.Errorf("%s: Go takes %d parameters, the table %d", e, params.Len(), len(want))
		return
	}
	if sig.Variadic() != e.Variadic {
		t.Errorf("%s: Go variadic %v, table variadic %v", e, sig.Variadic(), e.Variadic)
	}
	for i, w := range want {
		ws, ok := goTypeString(w)
		if !ok {
			t.Errorf("%s: parameter %d has type %s, which has no Go mapping", e, i, w)
			continue
		}
		if e.Variadic && i == len(want)-1 {
			ws = "[]" + ws
		}
		if got := gotypes.TypeString(params.At(i).Type(), qualifier); got != ws {
			t.Errorf("%s: parameter %d (%s) is %s in Go, want %s", e, i, params.At(i).Name(), got, ws)
		}
	}

	// Result: none for unit, else exactly one.
	ws, ok := goTypeString(e.Result)
	if !ok {
		t.Errorf("%s: result type %s has no Go mapping", e, e.Result)
		return
	}
	res := sig.Results()
	switch {
	case ws == "" && res.Len() != 0:
		t.Errorf("%s: returns unit, but Go returns %s", e, res)
	case ws != "" && res.Len() != 1:
		t.Errorf("%s: Go returns %s, want one %s", e, res, ws)
	case ws != "":
		if got := gotypes.TypeString(res.At(0).Type(), qualifier); got != ws {
			t.Errorf("%s: result is %s in Go, want %s", e, got, ws)
		}
	}
}

// poolType is a .stream type and its Go type, a sample for checking constraints.
type poolType struct {
	dsl    types.Type
	goType gotypes.Type
}

// constraintPool returns sample types of every shape the checker's constraints can
// admit, with their Go types built from the loaded package (so that runtime.Time and
// stdlib.Opt are the very types stdlib's signatures use).
func constraintPool(t *testing.T, pkg *gotypes.Package) []poolType {
	t.Helper()
	imported := func(path, name string) gotypes.Type {
		for _, imp := range pkg.Imports() {
			if imp.Path() == path {
				return imp.Scope().Lookup(name).Type()
			}
		}
		t.Fatalf("stdlib does not import %s", path)
		return nil
	}
	generic := func(name string, args ...gotypes.Type) gotypes.Type {
		inst, err := gotypes.Instantiate(nil, pkg.Scope().Lookup(name).Type(), args, true)
		if err != nil {
			t.Fatalf("instantiating %s: %v", name, err)
		}
		return inst
	}
	str, i64, f64 := gotypes.Typ[gotypes.String], gotypes.Typ[gotypes.Int64], gotypes.Typ[gotypes.Float64]
	goTime, goDur := imported(runtimePath, "Time"), imported("time", "Duration")
	pair := generic("Tuple2", str, i64)
	record := gotypes.NewStruct([]*gotypes.Var{
		gotypes.NewField(0, pkg, "A", str, false),
		gotypes.NewField(0, pkg, "N", i64, false),
	}, nil)
	dslPair := types.Pair(types.StringType, types.IntType)
	return []poolType{
		{types.StringType, str},
		{types.IntType, i64},
		{types.FloatType, f64},
		{types.BoolType, gotypes.Typ[gotypes.Bool]},
		{types.TimeType, goTime},
		{types.DurationType, goDur},
		{types.BytesType, str},
		{&types.List{Elem: types.IntType}, gotypes.NewSlice(i64)},
		{&types.Optional{Elem: types.IntType}, generic("Opt", i64)},
		{dslPair, pair},
		{&types.Tuple{Elems: []types.Type{types.TimeType, types.DurationType, types.FloatType}}, generic("Tuple3", goTime, goDur, f64)},
		{types.Pair(&types.List{Elem: types.StringType}, types.IntType), generic("Tuple2", gotypes.NewSlice(str), i64)},
		{&types.List{Elem: dslPair}, gotypes.NewSlice(pair)},
		{&types.Optional{Elem: dslPair}, generic("Opt", pair)},
		{&types.Record{Name: "R", Fields: []types.Field{{Name: "a", Type: types.StringType}, {Name: "n", Type: types.IntType}}}, record},
	}
}
