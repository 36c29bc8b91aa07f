package parser_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl/format"
	"streamc.dev/streamc/dsl/parser"
)

// FuzzParse checks that no input makes the parser panic (ParseFile reports a panic as an
// "internal error" diagnostic) and that every file that parses formats to a file that
// parses to the same tree and formats to itself.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/examples/*.stream")
	for _, s := range seeds {
		src, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	for _, s := range []string{
		"", "pipeline p\nbatch 1s", "let x = (a, (b, c)) => { a; b }",
		"let x = if a { b } else if c { d } else { e }", "t.map(x => x)\n  .print() // c",
		"let r = R{a: 1\n b: [1, 2,]}", "let s = \"a\nb\\t\" + `raw`", "type T { a: (int, [string])?, s: State[int] }",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, diags := parser.ParseFile("f.stream", src)
		for _, d := range diags {
			if strings.Contains(d.Msg, "internal error") {
				t.Fatalf("parser panicked on %q: %s", src, d.Msg)
			}
		}
		if len(diags) > 0 {
			return
		}
		out := format.Source(file)
		again, diags := parser.ParseFile("f.stream", out)
		if len(diags) > 0 {
			var b strings.Builder
			diag.Print(&b, diags, map[string][]byte{"f.stream": out}, 0)
			t.Fatalf("formatted output does not parse.\ninput: %q\noutput:\n%s\n%s", src, out, b.String())
		}
		if diff := cmp.Diff(file.Decls, again.Decls, cmpopts.IgnoreTypes(diag.Pos{})); diff != "" {
			t.Fatalf("formatting changed the tree of %q (-before +after):\n%s\noutput:\n%s", src, diff, out)
		}
		if twice := format.Source(again); string(twice) != string(out) {
			t.Fatalf("formatting %q is not idempotent:\n%s", src, cmp.Diff(string(out), string(twice)))
		}
	})
}
