package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"streamc.dev/streamc/internal/corpus"
)

// corpusPrograms returns every .stream program of the repository (internal/corpus).
func corpusPrograms(t *testing.T) []corpus.Program {
	t.Helper()
	progs, err := corpus.Programs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return progs
}

// TestCheckAndBuildAgree runs `streamc check` and `streamc gen` (check, plan and the
// whole of code generation: everything `build` does before go build) on every .stream
// program of the repository and requires the same verdict and the same diagnostics:
// a program that check accepts generates, and one that it rejects is rejected by gen
// with exactly check's messages. Whether the generated Go compiles is the golden and
// semantics tests' concern (TestGoldenCompiles, TestSemantics).
func TestCheckAndBuildAgree(t *testing.T) {
	progs := corpusPrograms(t)
	if len(progs) < 50 {
		t.Fatalf("found only %d programs in the repository; the corpus walk is broken", len(progs))
	}
	dir := t.TempDir()
	accepted := 0
	for i, p := range progs {
		// The file name is part of every diagnostic; both commands see the same one.
		name := filepath.Join(dir, fmt.Sprintf("p%03d.stream", i))
		if err := os.WriteFile(name, p.Src, 0o644); err != nil {
			t.Fatal(err)
		}
		var checkOut, checkErr, genOut, genErr bytes.Buffer
		checkCode := run([]string{"check", name}, nil, &checkOut, &checkErr)
		genCode := run([]string{"gen", name, "-o", filepath.Join(dir, "gen")}, nil, &genOut, &genErr)
		switch {
		case checkCode != genCode:
			t.Errorf("%s: check exits %d, gen exits %d\ncheck:\n%sgen:\n%s", p.Origin, checkCode, genCode, checkErr.String(), genErr.String())
		case checkErr.String() != genErr.String():
			t.Errorf("%s: check and gen print different diagnostics\ncheck:\n%sgen:\n%s", p.Origin, checkErr.String(), genErr.String())
		case checkCode == exitOK:
			accepted++
		}
	}
	t.Logf("%d programs, %d accepted by both check and gen", len(progs), accepted)
}
