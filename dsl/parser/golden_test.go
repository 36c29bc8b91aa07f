package parser

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"streamc.dev/streamc/diag"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/errors")

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestErrorGoldens parses each testdata/errors/*.txtar's in.stream and compares the
// printed diagnostics (with source excerpts and carets) with its diagnostics section.
func TestErrorGoldens(t *testing.T) {
	files, _ := filepath.Glob("testdata/errors/*.txtar")
	if len(files) < 12 {
		t.Fatalf("only %d error cases", len(files))
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var in []byte
			for _, f := range ar.Files {
				if f.Name == "in.stream" {
					in = f.Data
				}
			}
			_, diags := ParseFile("in.stream", in)
			var b strings.Builder
			diag.Print(&b, diags, map[string][]byte{"in.stream": in}, 0)
			got := b.String()
			if got == "" {
				t.Errorf("no diagnostics")
			}
			if *update {
				ar.Files = []txtar.File{{Name: "in.stream", Data: in}, {Name: "diagnostics", Data: []byte(got)}}
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			var want string
			for _, f := range ar.Files {
				if f.Name == "diagnostics" {
					want = string(f.Data)
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("diagnostics differ (-want +got):\n%s", diff)
			}
		})
	}
}
