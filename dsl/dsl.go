package dsl

import (
	"path/filepath"

	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl/ast"
	"streamc.dev/streamc/dsl/check"
	"streamc.dev/streamc/dsl/goimport"
	"streamc.dev/streamc/dsl/parser"
)

// Parse parses one .stream file.
func Parse(filename string, src []byte) (*ast.File, diag.List) {
	f, diags := parser.ParseFile(filename, src)
	diags.Sort()
	return f, diags
}

// Check parses and type-checks one .stream file. The program is nil when the file has
// errors; the list holds errors and warnings, sorted by position.
func Check(filename string, src []byte) (*check.Program, diag.List) {
	f, diags := parser.ParseFile(filename, src)
	if diags.HasErrors() || f == nil {
		diags.Sort()
		return nil, diags
	}
	prog, more := check.CheckWith(f, importer(filename))
	if prog != nil {
		prog.Source = src
	}
	diags = append(diags, more...)
	diags.Sort()
	if diags.HasErrors() {
		return nil, diags
	}
	return prog, diags
}

// importer loads the Go packages a file imports, relative to its directory, each once.
func importer(filename string) check.Importer {
	l := &goimport.Loader{Dir: filepath.Dir(filename)}
	return func(path string) (*goimport.Package, error) {
		return l.Load(goimport.Import{Path: path})
	}
}
