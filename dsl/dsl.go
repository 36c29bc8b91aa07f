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
	return CheckWith(filename, src, GoImporter(filepath.Dir(filename), nil))
}

// CheckWith is Check with the importer that loads the file's Go imports.
func CheckWith(filename string, src []byte, imp check.Importer) (*check.Program, diag.List) {
	f, diags := parser.ParseFile(filename, src)
	if diags.HasErrors() || f == nil {
		diags.Sort()
		return nil, diags
	}
	prog, more := check.CheckWith(f, imp)
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

// GoImporter loads the Go packages a file in dir imports (see goimport.Loader; runtime,
// when not nil, gives the directory of the runtime that packages implementing its
// contracts build against).
func GoImporter(dir string, runtime func() (string, error)) check.Importer {
	l := &goimport.Loader{Dir: dir, Runtime: runtime}
	return func(path string) (*goimport.Package, error) {
		return l.Load(goimport.Import{Path: path})
	}
}
