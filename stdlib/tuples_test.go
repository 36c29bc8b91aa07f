package stdlib

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"testing"
)

// TestTuples: tuples.go declares Tuple2 to TupleMax with fields F1..Fn of type
// parameters 1..n, as gentuples.go writes it (go generate ./stdlib).
func TestTuples(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "tuples.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	decls := map[string]*ast.TypeSpec{}
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.TYPE {
			for _, s := range g.Specs {
				ts := s.(*ast.TypeSpec)
				decls[ts.Name.Name] = ts
			}
		}
	}
	if len(decls) != MaxTuple-1 {
		t.Errorf("tuples.go declares %d types, want Tuple2 to Tuple%d", len(decls), MaxTuple)
	}
	for n := 2; n <= MaxTuple; n++ {
		ts := decls[fmt.Sprintf("Tuple%d", n)]
		if ts == nil {
			t.Errorf("Tuple%d is missing", n)
			continue
		}
		st, ok := ts.Type.(*ast.StructType)
		if !ok || ts.TypeParams == nil || ts.TypeParams.NumFields() != n || st.Fields.NumFields() != n {
			t.Errorf("Tuple%d does not have %d type parameters and fields", n, n)
			continue
		}
		for i, fld := range st.Fields.List {
			if fld.Names[0].Name != fmt.Sprintf("F%d", i+1) {
				t.Errorf("Tuple%d's field %d is %s, want F%d", n, i+1, fld.Names[0].Name, i+1)
			}
		}
	}
}

func TestTupleRendering(t *testing.T) {
	v := Tuple7[string, int64, float64, bool, Opt[int64], []int64, Tuple2[string, int64]]{"a", 1, 2.5, true, Some[int64](3), []int64{1, 2}, Tuple2[string, int64]{"b", 2}}
	if got, want := ToString(v), "(a,1,2.5,true,Some(3),[1,2],(b,2))"; got != want {
		t.Errorf("ToString = %q, want %q", got, want)
	}
	a := Tuple22[int64, int64, int64, int64, int64, int64, int64, int64, int64, int64, int64, int64, int64, int64, int64, int64, int64, int64, int64, int64, int64, int64]{F22: 1}
	b := a
	b.F22 = 2
	if Compare(a, b) >= 0 || Compare(b, a) <= 0 || Compare(a, a) != 0 {
		t.Errorf("Compare does not order 22-tuples by their last element")
	}
}
