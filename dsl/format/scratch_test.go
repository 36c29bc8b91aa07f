package format

import (
	"os"
	"testing"

	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl/parser"
)

func TestScratch(t *testing.T) {
	src, _ := os.ReadFile(os.Getenv("SRC"))
	f, d := parser.ParseFile("x.stream", src)
	diag.Print(os.Stdout, d, map[string][]byte{"x.stream": src}, 0)
	out := Source(f)
	os.Stdout.Write(out)
	f2, _ := parser.ParseFile("x.stream", out)
	out2 := Source(f2)
	if string(out2) != string(out) {
		t.Errorf("not idempotent:\n%s", out2)
	}
}
