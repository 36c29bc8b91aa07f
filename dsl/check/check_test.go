package check_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl/check"
	"streamc.dev/streamc/dsl/goimport"
	"streamc.dev/streamc/dsl/parser"
	"streamc.dev/streamc/dsl/types"
)

var update = flag.Bool("update", false, "rewrite the expected sections of testdata/*.txtar")

// checkSource parses and checks one file, returning the program and every diagnostic.
func checkSource(name string, src []byte) (*check.Program, diag.List) {
	f, diags := parser.ParseFile(name, src)
	if diags.HasErrors() || f == nil {
		diags.Sort()
		return nil, diags
	}
	prog, more := check.CheckWith(f, testImporter)
	diags = append(diags, more...)
	diags.Sort()
	return prog, diags
}

// testImporter knows one Go package, "./alerts", with a batch callback Notify generic
// in its element type and a value function Country(string) string: what the checker's
// tests need of Go imports without a Go module on disk (dsl/goimport loads real ones).
func testImporter(path string) (*goimport.Package, error) {
	if path != "./alerts" {
		return nil, fmt.Errorf("no package %s in the tests", path)
	}
	return &goimport.Package{Path: "example.com/alerts", Name: "alerts", Module: goimport.Module{Path: "example.com/alerts"},
		Funcs: map[string]*goimport.Func{
			"Notify":  {Name: "Notify", Kind: goimport.FuncBatch, Generic: true, GoSig: "func[T any](ctx context.Context, t time.Time, xs []T) error"},
			"Country": {Name: "Country", Params: []goimport.Value{{Type: types.StringType}}, Result: goimport.Value{Type: types.StringType}, GoSig: "func(ip string) string"},
		}}, nil
}

// TestGolden checks every testdata/*.txtar: the file `in.stream` gives either
// `diagnostics` (the printed errors and warnings, with carets) or, for a valid program,
// `nodes` (the stream graph dump) and, if it has warnings, `diagnostics` too.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var src []byte
			for _, f := range ar.Files {
				if f.Name == "in.stream" {
					src = f.Data
				}
			}
			if src == nil {
				t.Fatal("no in.stream section")
			}
			prog, diags := checkSource("in.stream", src)
			got := map[string]string{}
			if len(diags) > 0 {
				var b bytes.Buffer
				diag.Print(&b, diags, map[string][]byte{"in.stream": src}, 0)
				got["diagnostics"] = b.String()
			}
			if prog != nil {
				got["nodes"] = prog.Dump()
			}
			if *update {
				out := &txtar.Archive{Comment: ar.Comment, Files: []txtar.File{{Name: "in.stream", Data: src}}}
				for _, name := range []string{"diagnostics", "nodes"} {
					if s, ok := got[name]; ok {
						out.Files = append(out.Files, txtar.File{Name: name, Data: []byte(s)})
					}
				}
				if err := os.WriteFile(file, txtar.Format(out), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want := map[string]string{}
			for _, f := range ar.Files {
				if f.Name != "in.stream" {
					want[f.Name] = string(f.Data)
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s mismatch (-want +got):\n%s", file, diff)
			}
		})
	}
}

// TestDamagedInputs deletes each line of each golden input in turn: whatever the parser
// accepts, the checker must not panic, and it must report an error or produce a program.
func TestDamagedInputs(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txtar")
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			if f.Name != "in.stream" {
				continue
			}
			lines := strings.Split(string(f.Data), "\n")
			for i := range lines {
				damaged := strings.Join(append(append([]string(nil), lines[:i]...), lines[i+1:]...), "\n")
				prog, diags := checkSource("in.stream", []byte(damaged))
				if prog == nil && !diags.HasErrors() {
					t.Errorf("%s without line %d: no program and no error", file, i+1)
				}
			}
		}
	}
}
