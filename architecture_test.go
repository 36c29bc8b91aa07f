package streamc_test

import (
	"encoding/json"
	"os/exec"
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
// code: the runtime core, its sources and codecs, and stdlib link nothing but the
// standard library (and each other).
func TestRuntimeImportsStandardLibraryOnly(t *testing.T) {
	for _, pkg := range []string{"./runtime", "./runtime/source", "./runtime/codec", "./stdlib"} {
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

// TestVersionsAgree: the compiler's version is the runtime's, which generated code pins.
func TestVersionsAgree(t *testing.T) {
	if streamc.Version != rt.Version {
		t.Errorf("streamc.Version = %q, runtime.Version = %q: bump both together", streamc.Version, rt.Version)
	}
}
