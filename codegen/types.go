package codegen

import (
	"fmt"
	"go/token"
	"strings"
	"unicode"

	"github.com/dave/jennifer/jen"

	"streamc.dev/streamc/dsl/types"
)

// recordInfo is the Go side of a record type: its struct name and field names.
type recordInfo struct {
	rec    *types.Record
	name   string
	fields []string // Go field names, parallel to rec.Fields
}

// declareRecords names every record type of the plan and writes its struct to types.go:
//
//	// Click is the record type Click { user_id: string, at: time }.
//	type Click struct {
//		UserID string  `json:"user_id"`
//		At     rt.Time `json:"at"`
//	}
func (g *gen) declareRecords() {
	for _, r := range g.plan.Records {
		g.record(r)
	}
}

// record returns the Go side of r, declaring it on first use (a record that reaches the
// plan without being listed in Plan.Records, such as KafkaRecord, is declared then).
func (g *gen) record(r *types.Record) *recordInfo {
	for _, ri := range g.records {
		if ri.rec == r {
			return ri
		}
	}
	if r.GoPath != "" {
		// A Go struct of an imported package: its own type and field names; the name is
		// only for the helpers (render, hash, compare) named after the record.
		ri := &recordInfo{rec: r, name: g.globalFresh(exported(strings.ReplaceAll(r.Name, ".", "_"))), fields: r.GoFields}
		g.records = append(g.records, ri)
		return ri
	}
	ri := &recordInfo{rec: r, name: g.globalFresh(exported(r.Name))}
	g.records = append(g.records, ri)
	taken := map[string]bool{}
	var fields []jen.Code
	var desc []string
	for _, f := range r.Fields {
		name := exported(f.Name)
		for i := 2; taken[name]; i++ {
			name = fmt.Sprintf("%s%d", exported(f.Name), i)
		}
		taken[name] = true
		ri.fields = append(ri.fields, name)
		fields = append(fields, jen.Id(name).Add(g.goType(f.Type)).Tag(map[string]string{"json": f.Name}))
		desc = append(desc, f.Name+": "+f.Type.String())
	}
	g.typeDecls = append(g.typeDecls, docf("%s is the record type %s { %s }.", ri.name, r.Name, strings.Join(desc, ", ")).Line().
		Type().Id(ri.name).Struct(fields...))
	return ri
}

// initialisms are written in capitals in Go field names (user_id → UserID).
var initialisms = map[string]bool{"id": true, "url": true, "uri": true, "ip": true, "http": true, "json": true, "csv": true, "sql": true, "api": true, "uuid": true}

// exported turns a .stream name into an exported Go name: user_id → UserID, url → URL,
// userName → UserName.
func exported(name string) string {
	var b strings.Builder
	for _, part := range strings.Split(name, "_") {
		if part == "" {
			continue
		}
		if initialisms[strings.ToLower(part)] {
			b.WriteString(strings.ToUpper(part))
			continue
		}
		r := []rune(part)
		r[0] = unicode.ToUpper(r[0])
		b.WriteString(string(r))
	}
	if b.Len() == 0 {
		return "X"
	}
	return b.String()
}

// goType is the Go type of a .stream type:
//
//	string, bytes → string     int → int64       float → float64   bool → bool
//	time → rt.Time             duration → time.Duration
//	[T] → []T                  T? → stdlib.Opt[T]
//	(A, B) → stdlib.Tuple2[A, B], ...            records → their struct
func (g *gen) goType(t types.Type) *jen.Statement {
	switch t := t.(type) {
	case *types.Basic:
		switch t.Kind {
		case types.String, types.Bytes:
			return jen.String()
		case types.Int:
			return jen.Int64()
		case types.Float:
			return jen.Float64()
		case types.Bool:
			return jen.Bool()
		case types.Time:
			return jen.Qual(g.rtPath, "Time")
		case types.Duration:
			return jen.Qual("time", "Duration")
		case types.Unit:
			return jen.Struct()
		}
	case *types.List:
		return jen.Index().Add(g.goType(t.Elem))
	case *types.Optional:
		return jen.Qual(g.stdPath, "Opt").Types(g.goType(t.Elem))
	case *types.Tuple:
		elems := make([]jen.Code, len(t.Elems))
		for i, e := range t.Elems {
			elems[i] = g.goType(e)
		}
		return jen.Qual(g.stdPath, fmt.Sprintf("Tuple%d", len(t.Elems))).Types(elems...)
	case *types.Record:
		if t.GoPath != "" {
			return jen.Qual(t.GoPath, t.GoName)
		}
		return jen.Id(g.record(t).name)
	case *types.State:
		return jen.Op("*").Qual(g.statePath, "State").Types(g.goType(t.Elem))
	}
	panic(fmt.Sprintf("codegen: no Go type for %v (%T)", t, t))
}

// mangle names a type inside a helper function's name, in prefix notation so that it is
// unambiguous: (string, [int?]) → Tuple2_String_List_Opt_Int.
func (g *gen) mangle(t types.Type) string {
	switch t := t.(type) {
	case *types.Basic:
		return exported(t.String())
	case *types.List:
		return "List_" + g.mangle(t.Elem)
	case *types.Optional:
		return "Opt_" + g.mangle(t.Elem)
	case *types.Tuple:
		parts := []string{fmt.Sprintf("Tuple%d", len(t.Elems))}
		for _, e := range t.Elems {
			parts = append(parts, g.mangle(e))
		}
		return strings.Join(parts, "_")
	case *types.Record:
		return g.record(t).name
	}
	return "X"
}

// tupleField is the Go field of element i (0-based) of a tuple.
func tupleField(i int) string { return fmt.Sprintf("F%d", i+1) }

// goPredeclared are names a local variable must not take: they would shadow a type or
// function that generated code uses, or an imported package.
var goPredeclared = map[string]bool{
	"bool": true, "string": true, "int": true, "int64": true, "float64": true, "byte": true, "rune": true,
	"error": true, "any": true, "len": true, "cap": true, "append": true, "make": true, "new": true,
	"panic": true, "recover": true, "copy": true, "delete": true, "clear": true, "min": true, "max": true,
	"nil": true, "true": true, "false": true, "iota": true, "close": true, "print": true, "println": true,
	"rt": true, "stdlib": true, "source": true, "codec": true, "time": true, "math": true, "slices": true,
	"strconv": true, "cmp": true, "os": true, "fmt": true, "window": true, "state": true, "join": true, "batchTime": true, "_": true,
}

// stageLocals are the names a stage's partition function declares itself.
var stageLocals = []string{"b", "j", "p", "err", "cur", "in", "lines", "keep", "merge", "src", "part", "fields", "first", "a", "b_"}

func isReserved(name string) bool { return token.IsKeyword(name) || goPredeclared[name] }
