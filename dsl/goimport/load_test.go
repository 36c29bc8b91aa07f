package goimport

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"streamc.dev/streamc/dsl/types"
)

// writeModule writes a Go module with one package, p, whose source is src.
func writeModule(t *testing.T, src string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"p/go.mod": "module example.com/p\n\ngo 1.26\n",
		"p/p.go":   "package p\n\n" + src,
	}
	for name, data := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// sig renders a Func as the checker sees it.
func sig(f *Func) string {
	if f.Unsupported != "" {
		return "unsupported: " + f.Unsupported
	}
	var ps []string
	for _, p := range f.Params {
		ps = append(ps, p.Type.String())
	}
	out := "(" + strings.Join(ps, ", ") + ") => " + f.Result.Type.String()
	if f.Returns == ReturnsWithError {
		out += " or error"
	}
	return out
}

// TestSignatures maps Go signatures to .stream types, and says why the others cannot
// be called.
func TestSignatures(t *testing.T) {
	dir := writeModule(t, `
import "time"

func Str(s string) string                  { return s }
func Ints(a int, b int8, c int32, d int64, e uint16) int { return 0 }
func Floats(a float32, b float64) float32  { return 0 }
func Times(t time.Time, d time.Duration) time.Time { return t }
func Lists(a []string, b []int64, c []float64) []bool { return nil }
func WithErr(s string) (int64, error)      { return 0, nil }
func WithOK(s string) (string, bool)       { return s, true }
func Map(m map[string]int) int             { return 0 }
func Ptr(p *int) int                       { return 0 }
func PtrS(p *string) *string               { return p }
func U64(u uint64) int64                   { return 0 }
func Nothing(s string)                     {}
func Three() (int, int, error)             { return 0, 0, nil }
func Var(s ...string) string               { return "" }
func Gen[T any](v T) T                     { return v }
func IntSlice(a []int) int                 { return 0 }
type S struct{ A int }
func Struct(s S) int                       { return 0 }
type Place struct { Name string; Lat float64 `+"`json:\"latitude\"`"+` }
func Places(p Place) []Place               { return nil }
func unexported() int                      { return 0 }
`)
	l := &Loader{Dir: dir}
	p, err := l.Load(Import{Path: "./p"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Path != "example.com/p" || p.Name != "p" || p.Module.Path != "example.com/p" || p.Module.Dir != filepath.Join(dir, "p") {
		t.Errorf("package = %+v", p)
	}
	want := map[string]string{
		"Str":      "(string) => string",
		"Ints":     "(int, int, int, int, int) => int",
		"Floats":   "(float, float) => float",
		"Times":    "(time, duration) => time",
		"Lists":    "([string], [int], [float]) => [bool]",
		"WithErr":  "(string) => int or error",
		"WithOK":   "(string) => string?",
		"Map":      "unsupported: parameter 1 is map[string]int, which .stream cannot pass (maps, funcs, channels and interfaces have no .stream type)",
		"Ptr":      "unsupported: parameter 1 is *int, a pointer to a type that needs a conversion",
		"PtrS":     "(string?) => string?",
		"U64":      "unsupported: parameter 1 is uint64, a kind of number .stream's int (int64) cannot hold",
		"Nothing":  "unsupported: it returns nothing: a .stream expression needs a value",
		"Three":    "unsupported: it returns (int, int, error): .stream calls functions returning T, (T, error) or (T, bool)",
		"Var":      "unsupported: it is variadic",
		"Gen":      "unsupported: it is generic (only a sink constructor or a batch callback may be, in its element type)",
		"IntSlice": "unsupported: parameter 1 is []int, a slice whose elements need a conversion (only string, bool, int64, float64, time.Duration and structs of them pass as they are)",
		"Struct":   "unsupported: parameter 1 is example.com/p.S, a struct whose field A is int, which .stream cannot pass without conversion",
		"Places":   "(p.Place) => [p.Place]",
	}
	for name, w := range want {
		f := p.Funcs[name]
		if f == nil {
			t.Errorf("%s not loaded", name)
			continue
		}
		if got := sig(f); got != w {
			t.Errorf("%s: got  %s\n\twant %s", name, got, w)
		}
	}
	if _, ok := p.Funcs["unexported"]; ok {
		t.Error("an unexported function was loaded")
	}
	if len(p.Funcs) != len(want) {
		t.Errorf("loaded %d functions, want %d", len(p.Funcs), len(want))
	}
	if p.Funcs["Ints"].Params[0].Conv != ConvNumeric || p.Funcs["Ints"].Params[0].GoType != "int" || p.Funcs["Ints"].Params[3].Conv != ConvNone {
		t.Errorf("Ints conversions = %+v", p.Funcs["Ints"].Params)
	}
	if r, ok := p.Funcs["Places"].Params[0].Type.(*types.Record); !ok || r.GoPath != "example.com/p" || r.GoName != "Place" ||
		r.Fields[0].Name != "name" || r.Fields[1].Name != "latitude" || r.GoFields[1] != "Lat" {
		t.Errorf("Places' parameter = %+v", p.Funcs["Places"].Params[0].Type)
	}
	if p.Funcs["Times"].Params[0].Conv != ConvTime || !types.Identical(p.Funcs["Times"].Params[1].Type, types.DurationType) {
		t.Errorf("Times = %+v", p.Funcs["Times"].Params)
	}
}

// TestLocalErrors: what a user gets for a missing directory, a package outside any
// module, a main package and one that does not compile.
func TestLocalErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		path := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("loose/a.go", "package loose\n")
	write("m/go.mod", "module example.com/m\n\ngo 1.26\n")
	write("m/main/a.go", "package main\nfunc main() {}\n")
	write("m/broken/a.go", "package broken\nfunc F() int { return \"x\" }\n")
	l := &Loader{Dir: dir}
	for path, want := range map[string]string{
		"./nope":     "./nope is not a directory beside the .stream file",
		"./loose":    "is not in a Go module: add one with `go mod init example.com/loose`",
		"./m/main":   "is a main package",
		"./m/broken": "cannot use \"x\"",
	} {
		_, err := l.Load(Import{Path: path})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Load(%s) = %v, want an error with %q", path, err, want)
		}
	}
}
