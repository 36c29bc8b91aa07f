package format_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/tools/txtar"

	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl/ast"
	"streamc.dev/streamc/dsl/format"
	"streamc.dev/streamc/dsl/parser"
)

var update = flag.Bool("update", false, "rewrite the out.stream sections of testdata/*.txtar")

func parse(t *testing.T, name string, src []byte) *ast.File {
	t.Helper()
	f, diags := parser.ParseFile(name, src)
	if len(diags) > 0 {
		var b strings.Builder
		diag.Print(&b, diags, map[string][]byte{name: src}, 0)
		t.Fatalf("%s does not parse:\n%s", name, b.String())
	}
	return f
}

// sameTree compares two files' declarations, ignoring positions.
func sameTree(a, b *ast.File) string {
	return cmp.Diff(a.Decls, b.Decls, cmpopts.IgnoreTypes(diag.Pos{}))
}

func commentTexts(f *ast.File) []string {
	var out []string
	for _, c := range f.Comments {
		out = append(out, strings.TrimSpace(c.Text))
	}
	return out
}

// TestGolden formats each testdata/*.txtar's in.stream and compares with out.stream;
// it also checks that formatting keeps the tree and the comments and is idempotent.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txtar")
	if len(files) < 10 {
		t.Fatalf("only %d golden cases", len(files))
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			sections := map[string][]byte{}
			for _, f := range ar.Files {
				sections[f.Name] = f.Data
			}
			in := parse(t, "in.stream", sections["in.stream"])
			got := format.Source(in)
			if *update {
				ar.Files = []txtar.File{{Name: "in.stream", Data: sections["in.stream"]}, {Name: "out.stream", Data: got}}
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
			} else if diff := cmp.Diff(string(sections["out.stream"]), string(got)); diff != "" {
				t.Errorf("formatted output differs (-want +got):\n%s", diff)
			}
			out := parse(t, "out.stream", got)
			if diff := sameTree(in, out); diff != "" {
				t.Errorf("formatting changed the tree (-in +out):\n%s", diff)
			}
			if diff := cmp.Diff(commentTexts(in), commentTexts(out)); diff != "" {
				t.Errorf("formatting lost or reordered comments (-in +out):\n%s", diff)
			}
			if again := format.Source(out); string(again) != string(got) {
				t.Errorf("not idempotent:\n%s", cmp.Diff(string(got), string(again)))
			}
		})
	}
}

func TestEmptyFile(t *testing.T) {
	if got := format.Source(&ast.File{}); len(got) != 0 {
		t.Errorf("empty file formats to %q", got)
	}
}

// TestHandBuiltTree checks that a tree built without positions (as a code generator
// might) prints with the parentheses its shape needs.
func TestHandBuiltTree(t *testing.T) {
	id := func(s string) *ast.Ident { return &ast.Ident{Name: s} }
	f := &ast.File{Decls: []ast.Decl{
		&ast.PipelineDecl{Name: id("p")},
		&ast.LetDecl{Name: id("x"), Value: &ast.Binary{
			X: &ast.Binary{X: id("a"), Op: "+", Y: id("b")}, Op: "*",
			Y: &ast.Binary{X: id("c"), Op: "-", Y: id("d")},
		}},
	}}
	got := string(format.Source(f))
	want := "pipeline p\n\nlet x = (a + b) * (c - d)\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
