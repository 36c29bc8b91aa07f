package examples

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"streamc.dev/streamc/dsl"
	"streamc.dev/streamc/dsl/format"
)

// TestExamplesAreFormatted keeps every example in the canonical layout of `streamc fmt`,
// so that what users copy from here is what the formatter would give them.
func TestExamplesAreFormatted(t *testing.T) {
	files, _ := filepath.Glob("*/*.stream")
	if len(files) == 0 {
		t.Fatal("no examples")
	}
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, diags := dsl.Parse(name, src)
		if diags.HasErrors() {
			t.Errorf("%s: %v", name, diags)
			continue
		}
		if out := format.Source(f); !bytes.Equal(out, src) {
			t.Errorf("%s is not formatted: run streamc fmt -w %s", name, name)
		}
	}
}
