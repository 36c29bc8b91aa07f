package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// corpusProgram is one .stream program of the repository: a .stream file, a .stream
// section of a txtar archive (golden, semantics, checker, parser and CLI cases), or a
// ```stream block of the documentation.
type corpusProgram struct {
	origin string // where it comes from, for messages
	src    []byte
}

// corpus collects every .stream program in the repository, in a fixed order.
func corpus(t *testing.T) []corpusProgram {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	var progs []corpusProgram
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		switch {
		case strings.HasSuffix(path, ".stream"):
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			progs = append(progs, corpusProgram{origin: rel, src: src})
		case strings.HasSuffix(path, ".md"):
			// The programs of the documentation: ```stream and ```stream-error blocks.
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			var block []string
			in, start := false, 0
			for i, line := range strings.Split(string(data), "\n") {
				switch {
				case !in && strings.HasPrefix(line, "```stream"):
					in, start, block = true, i+1, nil
				case in && strings.HasPrefix(line, "```"):
					in = false
					progs = append(progs, corpusProgram{origin: fmt.Sprintf("%s:%d", rel, start), src: []byte(strings.Join(block, "\n") + "\n")})
				case in:
					block = append(block, line)
				}
			}
		case strings.HasSuffix(path, ".txtar"):
			a, err := txtar.ParseFile(path)
			if err != nil {
				return err
			}
			for _, f := range a.Files {
				if strings.HasSuffix(f.Name, ".stream") {
					progs = append(progs, corpusProgram{origin: rel + ":" + f.Name, src: f.Data})
				}
			}
		}
		return nil
	})
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
	progs := corpus(t)
	if len(progs) < 50 {
		t.Fatalf("found only %d programs in the repository; the corpus walk is broken", len(progs))
	}
	dir := t.TempDir()
	accepted := 0
	for i, p := range progs {
		// The file name is part of every diagnostic; both commands see the same one.
		name := filepath.Join(dir, fmt.Sprintf("p%03d.stream", i))
		if err := os.WriteFile(name, p.src, 0o644); err != nil {
			t.Fatal(err)
		}
		var checkOut, checkErr, genOut, genErr bytes.Buffer
		checkCode := run([]string{"check", name}, nil, &checkOut, &checkErr)
		genCode := run([]string{"gen", name, "-o", filepath.Join(dir, "gen")}, nil, &genOut, &genErr)
		switch {
		case checkCode != genCode:
			t.Errorf("%s: check exits %d, gen exits %d\ncheck:\n%sgen:\n%s", p.origin, checkCode, genCode, checkErr.String(), genErr.String())
		case checkErr.String() != genErr.String():
			t.Errorf("%s: check and gen print different diagnostics\ncheck:\n%sgen:\n%s", p.origin, checkErr.String(), genErr.String())
		case checkCode == exitOK:
			accepted++
		}
	}
	t.Logf("%d programs, %d accepted by both check and gen", len(progs), accepted)
}
