package builtins

import (
	"strings"
	"testing"

	"streamc.dev/streamc/dsl/types"
)

// TestTable checks the table's own consistency; dsl/check tests that every Example
// type-checks and resolves to its entry.
func TestTable(t *testing.T) {
	goNames := map[string]*Func{}
	for _, f := range append(append([]*Func(nil), Funcs...), Methods...) {
		if f.Name == "" || f.GoName == "" || f.Category == "" {
			t.Errorf("%+v: name, GoName and category are required", f)
		}
		if !strings.HasPrefix(f.Doc, f.Name+" ") || !strings.HasSuffix(f.Doc, ".") {
			t.Errorf("%s: doc %q must be a sentence starting with the name", f.Name, f.Doc)
		}
		if !strings.Contains(f.Example, f.Name+"(") {
			t.Errorf("%s: example %q does not call it", f.Name, f.Example)
		}
		if f.Result == nil {
			t.Errorf("%s: no result type", f.Name)
		}
		// One GoName is one implementation: entries sharing it must have one signature.
		if prev, ok := goNames[f.GoName]; ok && !types.Identical(prev.Signature(), f.Signature()) {
			t.Errorf("%s and %s share GoName %s with different signatures", prev.Name, f.Name, f.GoName)
		}
		goNames[f.GoName] = f
		used := map[string]bool{}
		mark := func(ty types.Type) {
			if ty == nil {
				return
			}
			for _, tp := range f.TypeParams {
				if strings.Contains(ty.String(), tp.Name) {
					used[tp.Name] = true
				}
			}
		}
		mark(f.Recv)
		for _, p := range f.Params {
			mark(p.Type)
		}
		for _, tp := range f.TypeParams {
			if !used[tp.Name] {
				t.Errorf("%s: type parameter %s is not used by its parameters", f.Name, tp.Name)
			}
		}
		seenDefault := false
		for _, p := range f.Params {
			if p.Default != "" {
				seenDefault = true
			} else if seenDefault {
				t.Errorf("%s: required parameter %s follows one with a default", f.Name, p.Name)
			}
		}
	}
	for _, o := range Ops {
		if !strings.HasPrefix(o.Doc, o.Name+" ") || o.Example == "" || o.Result == "" {
			t.Errorf("%s: doc must start with the name, and example and result are required", o.Name)
		}
		names := map[string]bool{}
		for _, p := range o.Params {
			if names[p.Name] {
				t.Errorf("%s: parameter %s twice", o.Name, p.Name)
			}
			names[p.Name] = true
		}
	}
}

func TestLookup(t *testing.T) {
	if f := Lookup("split"); f == nil || f.GoName != "Split" {
		t.Errorf("Lookup(split) = %+v", f)
	}
	if Lookup("nosuch") != nil {
		t.Error("Lookup(nosuch) found something")
	}
	if fs := Overloads("contains"); len(fs) != 2 || fs[0].GoName != "Contains" || fs[1].GoName != "ListContains" {
		t.Errorf("Overloads(contains) = %v", fs)
	}
	if m := LookupMethod(&types.Optional{Elem: types.IntType}, "getOrElse"); m == nil || m.GoName != "OptGetOrElse" {
		t.Errorf("LookupMethod(int?, getOrElse) = %+v", m)
	}
	if m := LookupMethod(&types.State{Elem: types.IntType}, "update"); m == nil || m.GoName != "Update" {
		t.Errorf("LookupMethod(State[int], update) = %+v", m)
	}
	if m := LookupMethod(&types.State{Elem: types.IntType}, "isSome"); m != nil {
		t.Errorf("State has isSome: %+v", m)
	}
	if ops := LookupOps("postgres"); len(ops) != 2 || ops[0].Kind != Connection || ops[1].Kind != Sink {
		t.Errorf("LookupOps(postgres) = %v", ops)
	}
	if o := LookupOp("print", Output); o == nil || o.Params[0].Default != "10" {
		t.Errorf("LookupOp(print) = %+v", o)
	}
}

func TestMarkdown(t *testing.T) {
	ref := Markdown()
	for _, f := range Funcs {
		if !strings.Contains(ref, "`"+f.Name+"(") {
			t.Errorf("reference lacks %s", f.Name)
		}
	}
	for _, o := range Ops {
		if !strings.Contains(ref, o.Name+"(") || !strings.Contains(ref, escape(o.Doc)) {
			t.Errorf("reference lacks %s", o.Name)
		}
	}
	for _, s := range Settings {
		if !strings.Contains(ref, "`"+s.Name+"`") {
			t.Errorf("reference lacks setting %s", s.Name)
		}
	}
}
