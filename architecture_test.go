package streamc_test

import (
	"encoding/json"
	"go/parser"
	"go/token"
	"maps"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"streamc.dev/streamc"
	rt "streamc.dev/streamc/runtime"
)

// pkgDeps lists the packages that pkg imports, directly or not, with `go list -deps`.
func pkgDeps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "-json=ImportPath,Standard", pkg).Output()
	if err != nil {
		t.Fatalf("go list %s: %v", pkg, err)
	}
	var deps []string
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p struct {
			ImportPath string
			Standard   bool
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		if !p.Standard {
			deps = append(deps, p.ImportPath)
		}
	}
	return deps
}

// TestRuntimeImportsStandardLibraryOnly keeps generated programs free of third-party
// code: the runtime core, its sources, codecs and status figures, and stdlib link
// nothing but the standard library (and each other). The operations server
// (runtime/observe, with Prometheus's client) is linked by generated main functions,
// never by the core.
func TestRuntimeImportsStandardLibraryOnly(t *testing.T) {
	for _, pkg := range []string{"./runtime", "./runtime/source", "./runtime/codec", "./runtime/status", "./stdlib"} {
		for _, dep := range pkgDeps(t, pkg) {
			if !strings.HasPrefix(dep, "streamc.dev/streamc/runtime") && !strings.HasPrefix(dep, "streamc.dev/streamc/stdlib") {
				t.Errorf("%s imports %s: the runtime may import only the standard library", pkg, dep)
			}
		}
	}
}

// TestCompilerDoesNotImportRuntime keeps the compiler and the code it generates apart:
// codegen names the runtime by import path, never by importing it.
func TestCompilerDoesNotImportRuntime(t *testing.T) {
	for _, pkg := range []string{"./cmd/streamc", "./dsl/...", "./planner", "./codegen"} {
		for _, dep := range pkgDeps(t, pkg) {
			if strings.HasPrefix(dep, "streamc.dev/streamc/runtime") || strings.HasPrefix(dep, "streamc.dev/streamc/stdlib") {
				t.Errorf("%s imports %s: compiler packages must not import the runtime", pkg, dep)
			}
		}
	}
}

// compilerDeps is the compiler's dependency rule, in the style of go/build/deps_test.go:
// for each package of the compiler (paths relative to the module), the streamc packages
// it may import directly. Each layer sees only the ones below it: the syntax tree and the
// checker stop at the planner, which hands code generation typed plan ops.
var compilerDeps = map[string][]string{
	"diag":         {},
	"dsl/types":    {},
	"dsl/ast":      {"diag"},
	"dsl/parser":   {"diag", "dsl/ast"},
	"dsl/format":   {"diag", "dsl/ast"},
	"dsl/builtins": {"dsl/types"},
	"dsl/spec":     {"diag", "dsl/ast", "dsl/builtins", "dsl/goimport", "dsl/types"},
	"dsl/goimport": {"dsl/types"},
	"dsl/check":    {"diag", "dsl/ast", "dsl/builtins", "dsl/goimport", "dsl/spec", "dsl/types"},
	"dsl":          {"diag", "dsl/ast", "dsl/check", "dsl/goimport", "dsl/parser"},
	"planner":      {"diag", "dsl/builtins", "dsl/check", "dsl/goimport", "dsl/spec", "dsl/types"},
	"codegen":      {"diag", "dsl/ast", "dsl/builtins", "dsl/check", "dsl/goimport", "dsl/spec", "dsl/types", "planner"},
}

// codegenExpressionBackend are the files of codegen that compile lambdas and
// expressions: the only ones that may see the syntax tree and the checker's side tables.
// The rest of codegen reads the plan (planner.Op and its typed spec).
var codegenExpressionBackend = map[string]bool{"expr.go": true, "lambda.go": true}

// TestCompilerDependencies enforces compilerDeps per package, and the expression-backend
// rule per file of codegen.
func TestCompilerDependencies(t *testing.T) {
	const module = "streamc.dev/streamc/"
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports", "./diag", "./dsl/...", "./planner", "./codegen").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := map[string]bool{}
	for dec.More() {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkg := strings.TrimPrefix(p.ImportPath, module)
		allowed, ok := compilerDeps[pkg]
		if !ok {
			t.Errorf("package %s is not in compilerDeps: add it with the packages it may import", pkg)
			continue
		}
		seen[pkg] = true
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			if dep := strings.TrimPrefix(imp, module); !slices.Contains(allowed, dep) {
				t.Errorf("%s imports %s, which compilerDeps does not allow", pkg, dep)
			}
		}
	}
	for pkg := range compilerDeps {
		if !seen[pkg] {
			t.Errorf("compilerDeps lists %s, which go list did not find", pkg)
		}
	}

	files, err := filepath.Glob("codegen/*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, path := range files {
		name := filepath.Base(path)
		if strings.HasSuffix(name, "_test.go") || codegenExpressionBackend[name] {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			switch p, _ := strconv.Unquote(imp.Path.Value); p {
			case module + "dsl/ast", module + "dsl/check":
				t.Errorf("%s imports %s: only codegen's expression backend (%v) may; read the plan op and its spec instead", path, p, slices.Sorted(maps.Keys(codegenExpressionBackend)))
			}
		}
	}
}

// TestVersionsAgree: the compiler's version is the runtime's, which generated code pins.
func TestVersionsAgree(t *testing.T) {
	if streamc.Version != rt.Version {
		t.Errorf("streamc.Version = %q, runtime.Version = %q: bump both together", streamc.Version, rt.Version)
	}
}
