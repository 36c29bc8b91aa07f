package ast_test

import (
	"fmt"
	goast "go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strings"
	"testing"

	"streamc.dev/streamc/dsl/ast"
)

func id(name string) *ast.Ident { return &ast.Ident{Name: name} }

// everyNode builds a small tree that holds at least one node of every type declared in
// ast.go.
func everyNode() *ast.File {
	named := &ast.NamedType{Name: id("State"), Args: []ast.TypeExpr{&ast.NamedType{Name: id("int")}}}
	lambda := &ast.Lambda{
		Params: []*ast.Param{
			{Name: id("s"), Type: named},
			{Tuple: []*ast.Param{{Name: id("a")}, {Name: id("b")}}},
		},
		Body: &ast.Block{
			Stmts: []ast.Stmt{
				&ast.LetDecl{Name: id("x"), Value: &ast.Unary{Op: "-", X: &ast.IntLit{Raw: "1", Value: 1}}},
				&ast.ExprStmt{X: &ast.Call{Fun: &ast.Selector{X: id("s"), Sel: id("update")},
					Args: []*ast.Arg{{Value: id("x")}}}},
			},
			Result: &ast.IfExpr{
				Cond: &ast.Binary{X: id("x"), Op: ">", Y: &ast.FloatLit{Raw: "0.5", Value: 0.5}},
				Then: &ast.Block{Result: &ast.TupleLit{Elems: []ast.Expr{id("a"), &ast.BoolLit{Value: true}}}},
				Else: &ast.Block{Result: &ast.ParenExpr{X: &ast.NoneLit{}}},
			},
		},
	}
	return &ast.File{
		Decls: []ast.Decl{
			&ast.PipelineDecl{Name: id("p")},
			&ast.ImportDecl{Name: id("geo"), Path: &ast.StringLit{Raw: `"./geo"`, Value: "./geo"}},
			&ast.Setting{Name: id("batch"), Value: &ast.DurationLit{Raw: "1s"}},
			&ast.TypeDecl{Name: id("Click"), Fields: []*ast.Field{
				{Name: id("a"), Type: &ast.ListType{Elem: &ast.OptionalType{Elem: &ast.NamedType{Name: id("int")}}}},
				{Name: id("b"), Type: &ast.TupleType{Elems: []ast.TypeExpr{&ast.NamedType{Name: id("int")}, &ast.NamedType{Name: id("string")}}}},
			}},
			&ast.LetDecl{Name: id("l"), Value: &ast.Call{
				Fun: id("queue"),
				Args: []*ast.Arg{
					{Value: &ast.ListLit{Elems: []ast.Expr{&ast.RecordLit{Type: id("Click"),
						Fields: []*ast.FieldInit{{Name: id("a"), Value: &ast.StringLit{Raw: `"x"`, Value: "x"}}}}}}},
					{Name: id("f"), Value: lambda},
				},
			}},
			&ast.ExprStmt{X: &ast.Index{X: id("l"), Index: &ast.IntLit{Raw: "0"}}},
		},
		Comments: []*ast.Comment{{Text: "// c"}},
	}
}

// nodeTypes lists the types in ast.go that implement Node (they have a Pos method).
func nodeTypes(t *testing.T) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "ast.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range f.Decls {
		fd, ok := d.(*goast.FuncDecl)
		if !ok || fd.Recv == nil || fd.Name.Name != "Pos" {
			continue
		}
		star, ok := fd.Recv.List[0].Type.(*goast.StarExpr)
		if !ok {
			continue
		}
		out = append(out, "*ast."+star.X.(*goast.Ident).Name)
	}
	sort.Strings(out)
	return out
}

func TestInspectCoversEveryNode(t *testing.T) {
	seen := map[string]bool{}
	ast.Inspect(everyNode(), func(n ast.Node) bool {
		if n != nil {
			seen[fmt.Sprintf("%T", n)] = true
		}
		return true
	})
	var missing []string
	for _, name := range nodeTypes(t) {
		if !seen[name] {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		t.Errorf("Inspect did not visit: %s", strings.Join(missing, ", "))
	}
}

func TestInspectPrunesAndBalances(t *testing.T) {
	depth, maxDepth, calls := 0, 0, 0
	ast.Inspect(everyNode(), func(n ast.Node) bool {
		if n == nil {
			depth--
			return false
		}
		calls++
		if _, ok := n.(*ast.Lambda); ok {
			return false // the lambda's subtree must not be visited
		}
		if _, ok := n.(*ast.Block); ok {
			t.Errorf("visited a block inside a pruned lambda")
		}
		depth++
		maxDepth = max(maxDepth, depth)
		return true
	})
	if depth != 0 {
		t.Errorf("unbalanced f(nil) calls: depth %d after the walk", depth)
	}
	if maxDepth < 4 || calls < 20 {
		t.Errorf("walk too shallow: max depth %d, %d calls", maxDepth, calls)
	}
}

func TestInspectOrder(t *testing.T) {
	f := &ast.File{Decls: []ast.Decl{&ast.ExprStmt{X: &ast.Binary{
		X: id("a"), Op: "+", Y: &ast.Call{Fun: id("f"), Args: []*ast.Arg{{Name: id("n"), Value: id("b")}}},
	}}}}
	var names []string
	ast.Inspect(f, func(n ast.Node) bool {
		if x, ok := n.(*ast.Ident); ok {
			names = append(names, x.Name)
		}
		return true
	})
	if got, want := strings.Join(names, " "), "a f n b"; got != want {
		t.Errorf("identifiers in visiting order = %q, want %q", got, want)
	}
}
