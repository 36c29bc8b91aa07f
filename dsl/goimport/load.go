package goimport

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	gotypes "go/types"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"

	"golang.org/x/tools/go/packages"

	"streamc.dev/streamc/dsl/types"
)

// Import is one import of a .stream file: the path as written, possibly with @version.
type Import struct {
	Path string
}

// Loader loads imported packages. Dir is the directory of the .stream file: local
// paths are relative to it, and a Go module around it decides unversioned imports.
// Cache is where modules are resolved ("" is the user cache directory).
type Loader struct {
	Dir   string
	Cache string
	// Runtime, when set, gives the directory of the streamc module (the runtime that
	// generated programs build against), so that a package implementing the runtime's
	// contracts (runtime/sink) type-checks: packages are then loaded in a module of the
	// cache that requires the imported one and replaces streamc.dev/streamc by it. It is
	// called at most once, when the first import is loaded.
	Runtime func() (string, error)

	runtime string
}

// streamcModule is the module path of streamc and its runtime.
const streamcModule = "streamc.dev/streamc"

// runtimeDir returns the streamc module's directory, "" without Runtime.
func (l *Loader) runtimeDir() (string, error) {
	if l.Runtime == nil || l.runtime != "" {
		return l.runtime, nil
	}
	dir, err := l.Runtime()
	if err != nil {
		return "", fmt.Errorf("writing streamc's runtime for the Go imports: %w", err)
	}
	l.runtime = dir
	return dir, nil
}

// local reports whether an import path names a directory.
func local(path string) bool {
	return path == "." || path == ".." || strings.HasPrefix(path, "./") || strings.HasPrefix(path, "../") || filepath.IsAbs(path)
}

// Load loads one import. The error says what went wrong in the user's terms (a missing
// directory, a package that does not build, a module the proxy does not have).
func (l *Loader) Load(imp Import) (*Package, error) {
	if local(imp.Path) {
		return l.loadLocal(imp.Path)
	}
	path, version, _ := strings.Cut(imp.Path, "@")
	if version == "" {
		// The module around the .stream file may require it: use that version.
		if p, err := l.loadIn(l.Dir, path); err == nil {
			return p, nil
		}
		version = "latest"
	}
	rtDir, err := l.runtimeDir()
	if err != nil {
		return nil, err
	}
	dir, err := l.resolver(path, version, "", rtDir)
	if err != nil {
		return nil, err
	}
	p, err := l.loadIn(dir, path)
	if err != nil {
		return nil, err
	}
	p.Latest = version == "latest"
	return p, nil
}

// loadLocal loads the package in a directory beside the .stream file, which must be in
// a Go module.
func (l *Loader) loadLocal(rel string) (*Package, error) {
	dir := rel
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(l.Dir, rel)
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("%s is not a directory beside the .stream file", rel)
	}
	root := dir
	for {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(root)
		if parent == root {
			return nil, fmt.Errorf("the Go package in %s is not in a Go module: add one with `go mod init example.com/%s` in that directory", rel, filepath.Base(dir))
		}
		root = parent
	}
	rtDir, err := l.runtimeDir()
	if err != nil {
		return nil, err
	}
	var p *Package
	if rtDir == "" {
		p, err = l.loadIn(dir, ".")
	} else {
		// Loaded from a module of the cache that requires this one, replaced by its
		// directory, with streamc.dev/streamc replaced by the runtime.
		var modPath string
		modPath, err = modulePath(filepath.Join(root, "go.mod"))
		if err != nil {
			return nil, err
		}
		rel, _ := filepath.Rel(root, dir)
		pkg := modPath
		if rel != "." {
			pkg += "/" + filepath.ToSlash(rel)
		}
		var res string
		res, err = l.resolver(modPath, "", root, rtDir)
		if err == nil {
			p, err = l.loadIn(res, pkg)
		}
	}
	if err != nil {
		return nil, err
	}
	p.Module.Dir = root
	return p, nil
}

// modulePath reads the module path of a go.mod file.
func modulePath(gomod string) (string, error) {
	data, err := os.ReadFile(gomod)
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`), nil
		}
	}
	return "", fmt.Errorf("%s has no module line", gomod)
}

// resolver returns a module directory, under the cache, whose go.mod requires the module
// providing path: at version (resolved with `go get` the first time), or, for a local
// module (localDir set, path its module path), replaced by its directory. With rtDir,
// streamc.dev/streamc is replaced by the runtime there too.
func (l *Loader) resolver(path, version, localDir, rtDir string) (string, error) {
	cache := l.Cache
	if cache == "" {
		c, err := os.UserCacheDir()
		if err != nil {
			return "", err
		}
		cache = filepath.Join(c, "streamc")
	}
	sum := sha256.Sum256([]byte(path + "@" + version + "\x00" + localDir + "\x00" + rtDir))
	dir := filepath.Join(cache, "goimport", hex.EncodeToString(sum[:8]))
	var gomod strings.Builder
	gomod.WriteString("// Written by streamc to load the Go packages a pipeline imports.\nmodule streamc.gen/imports\n\ngo 1.26\n")
	if localDir != "" {
		fmt.Fprintf(&gomod, "\nrequire %s v0.0.0\nreplace %s => %s\n", path, path, filepath.ToSlash(localDir))
	}
	if rtDir != "" && path != streamcModule {
		fmt.Fprintf(&gomod, "\nrequire %s v0.0.0\nreplace %s => %s\n", streamcModule, streamcModule, filepath.ToSlash(rtDir))
	}
	if version != "latest" && localDir != "" {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.HasPrefix(string(data), gomod.String()) {
			return dir, nil
		}
	}
	if version != "latest" && localDir == "" {
		if _, err := os.Stat(filepath.Join(dir, "go.sum")); err == nil {
			return dir, nil
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod.String()), 0o644); err != nil {
		return "", err
	}
	if localDir != "" {
		return dir, nil
	}
	cmd := exec.Command("go", "get", path+"@"+version)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("cannot get %s@%s: %s", path, version, strings.TrimSpace(firstLines(out.String(), 3)))
	}
	return dir, nil
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

// loadIn loads pattern with the go command run in dir.
func (l *Loader) loadIn(dir, pattern string) (*Package, error) {
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedTypes | packages.NeedModule | packages.NeedFiles,
		Dir:  dir,
		Env:  append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off"),
	}
	pkgs, err := packages.Load(cfg, pattern)
	if err != nil {
		return nil, err
	}
	if len(pkgs) != 1 {
		return nil, fmt.Errorf("%s names %d packages, not one", pattern, len(pkgs))
	}
	gp := pkgs[0]
	if len(gp.Errors) > 0 {
		var msgs []string
		for _, e := range gp.Errors {
			msgs = append(msgs, e.Msg)
		}
		return nil, errors.New(strings.Join(msgs, "; "))
	}
	if gp.Types == nil {
		return nil, fmt.Errorf("%s has no type information", pattern)
	}
	if gp.Name == "main" {
		return nil, fmt.Errorf("%s is a main package: import a library package", pattern)
	}
	p := &Package{Path: gp.PkgPath, Name: gp.Name, Funcs: map[string]*Func{}}
	if gp.Module != nil {
		p.Module = Module{Path: gp.Module.Path, Version: gp.Module.Version}
	}
	scope := gp.Types.Scope()
	for _, name := range scope.Names() {
		fn, ok := scope.Lookup(name).(*gotypes.Func)
		if !ok || !fn.Exported() {
			continue
		}
		p.Funcs[name] = describe(fn)
	}
	return p, nil
}

// describe maps a Go function's signature to .stream types.
func describe(fn *gotypes.Func) *Func {
	sig := fn.Type().(*gotypes.Signature)
	f := &Func{Name: fn.Name(), GoSig: gotypes.TypeString(sig, func(p *gotypes.Package) string { return p.Name() })}
	if sinkOrBatch(f, sig) {
		return f
	}
	switch {
	case sig.TypeParams().Len() > 0:
		f.Unsupported = "it is generic (only a sink constructor or a batch callback may be, in its element type)"
		return f
	case sig.Variadic():
		f.Unsupported = "it is variadic"
		return f
	}
	if !f.params(sig, nil) {
		return f
	}
	res := sig.Results()
	switch {
	case res.Len() == 1:
	case res.Len() == 2 && isError(res.At(1).Type()):
		f.Returns = ReturnsWithError
	case res.Len() == 2 && isBool(res.At(1).Type()):
		f.Returns = ReturnsWithOK
	case res.Len() == 0:
		f.Unsupported = "it returns nothing: a .stream expression needs a value"
		return f
	default:
		f.Unsupported = "it returns " + res.String() + ": .stream calls functions returning T, (T, error) or (T, bool)"
		return f
	}
	v, why := value(res.At(0).Type())
	if why != "" {
		f.Unsupported = fmt.Sprintf("its result is %s, %s", res.At(0).Type(), why)
		return f
	}
	if f.Returns == ReturnsWithOK {
		v.Type = &types.Optional{Elem: v.Type}
	}
	f.Result = v
	return f
}

// params maps the parameters of sig (all of them, or those after skip) into f.Params;
// false (with f.Unsupported set) when one has no .stream type.
func (f *Func) params(sig *gotypes.Signature, skip []int) bool {
	for i := range sig.Params().Len() {
		if slices.Contains(skip, i) {
			continue
		}
		v, why := value(sig.Params().At(i).Type())
		if why != "" {
			f.Unsupported = fmt.Sprintf("parameter %d is %s, %s", i+1, sig.Params().At(i).Type(), why)
			return false
		}
		f.Params = append(f.Params, v)
	}
	return true
}

// sinkOrBatch recognises a sink constructor, func(...) sink.Sink[T], and a batch
// callback, func(context.Context, time.Time, []T) error, generic in T or not, and fills
// f; false for any other function.
func sinkOrBatch(f *Func, sig *gotypes.Signature) bool {
	tparams := sig.TypeParams()
	if tparams.Len() > 1 || sig.Variadic() {
		return false
	}
	// elem maps the element type t of a sink or batch: the type parameter, or a type
	// with a .stream counterpart.
	elem := func(t gotypes.Type) bool {
		if tp, ok := t.(*gotypes.TypeParam); ok && tparams.Len() == 1 && tp.Obj() == tparams.At(0).Obj() {
			f.Generic = true
			return true
		}
		if tparams.Len() > 0 {
			return false
		}
		v, why := value(t)
		if why != "" || v.Conv != ConvNone {
			f.Unsupported = fmt.Sprintf("its elements are %s, which .stream cannot pass without conversion", t)
			if f.Kind != FuncSource {
				f.Unsupported += fmt.Sprintf("; make it generic (func %s[T any]...)", f.Name)
			}
			return true
		}
		f.Elem = v.Type
		return true
	}
	res := sig.Results()
	if named, ok := contractType(res, SourcePackage, "Source"); ok {
		f.Kind = FuncSource
		if tparams.Len() > 0 {
			f.Unsupported = "a source cannot be generic: its element type is what it reads"
			return true
		}
		elem(named.TypeArgs().At(0))
		if f.Unsupported == "" {
			f.params(sig, nil)
		}
		return true
	}
	if named, ok := contractType(res, SinkPackage, "Sink"); ok {
		f.Kind = FuncSink
		if !elem(named.TypeArgs().At(0)) {
			return false
		}
		if f.Unsupported != "" {
			return true
		}
		if f.Generic && usesTypeParam(sig.Params(), tparams) {
			f.Unsupported = "its parameters use the type parameter, which .stream cannot pass"
			return true
		}
		f.params(sig, nil)
		return true
	}
	params := sig.Params()
	if res.Len() != 1 || !isError(res.At(0).Type()) || params.Len() != 3 {
		return false
	}
	if !isNamed(params.At(0).Type(), "context", "Context") || !isNamed(params.At(1).Type(), "time", "Time") {
		return false
	}
	sl, ok := params.At(2).Type().(*gotypes.Slice)
	if !ok {
		return false
	}
	f.Kind = FuncBatch
	if !elem(sl.Elem()) {
		f.Kind = FuncValue
		return false
	}
	return true
}

// contractType returns the result of a sink or source constructor: pkg.name[T].
func contractType(res *gotypes.Tuple, pkg, name string) (*gotypes.Named, bool) {
	if res.Len() != 1 {
		return nil, false
	}
	named, ok := res.At(0).Type().(*gotypes.Named)
	if !ok || !isNamed(named, pkg, name) || named.TypeArgs().Len() != 1 {
		return nil, false
	}
	return named, true
}

func isNamed(t gotypes.Type, pkg, name string) bool {
	n, ok := t.(*gotypes.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == pkg && n.Obj().Name() == name
}

// usesTypeParam reports whether a type of vars mentions one of tparams.
func usesTypeParam(vars *gotypes.Tuple, tparams *gotypes.TypeParamList) bool {
	for i := range vars.Len() {
		s := vars.At(i).Type().String()
		for j := range tparams.Len() {
			if strings.Contains(s, tparams.At(j).Obj().Name()) {
				return true
			}
		}
	}
	return false
}

func isError(t gotypes.Type) bool {
	return gotypes.Identical(t, gotypes.Universe.Lookup("error").Type())
}

func isBool(t gotypes.Type) bool {
	b, ok := t.(*gotypes.Basic)
	return ok && b.Kind() == gotypes.Bool
}

// structs maps each Go struct type already described to its record, so that every
// function of a package that takes or returns geo.Point agrees on one record type.
var structs sync.Map // *gotypes.TypeName → *types.Record

// structValue maps a Go struct type to a record: one field per Go field, named by its
// json tag or, without one, by the Go name with a lower-case first letter (Lat → lat);
// every field exported, of a type that needs no conversion.
func structValue(named *gotypes.Named, st *gotypes.Struct) (Value, string) {
	obj := named.Obj()
	if r, ok := structs.Load(obj); ok {
		return Value{Type: r.(*types.Record)}, ""
	}
	rec := &types.Record{Name: obj.Pkg().Name() + "." + obj.Name(), GoPath: obj.Pkg().Path(), GoName: obj.Name()}
	structs.Store(obj, rec) // before the fields: a struct may hold a list of itself
	for i := range st.NumFields() {
		fv := st.Field(i)
		if !fv.Exported() {
			structs.Delete(obj)
			return Value{}, fmt.Sprintf("a struct with an unexported field (%s), which .stream cannot set", fv.Name())
		}
		v, why := value(fv.Type())
		if why != "" || v.Conv != ConvNone {
			structs.Delete(obj)
			return Value{}, fmt.Sprintf("a struct whose field %s is %s, which .stream cannot pass without conversion", fv.Name(), fv.Type())
		}
		name := strings.ToLower(fv.Name()[:1]) + fv.Name()[1:]
		if tag, _, _ := strings.Cut(reflect.StructTag(st.Tag(i)).Get("json"), ","); tag != "" && tag != "-" {
			name = tag
		}
		rec.Fields = append(rec.Fields, types.Field{Name: name, Type: v.Type})
		rec.GoFields = append(rec.GoFields, fv.Name())
	}
	return Value{Type: rec}, ""
}

// value maps a Go type to a .stream type; why says why it cannot.
func value(t gotypes.Type) (Value, string) {
	if named, ok := t.(*gotypes.Named); ok {
		if obj := named.Obj(); obj.Pkg() != nil && obj.Pkg().Path() == "time" {
			switch obj.Name() {
			case "Time":
				return Value{Type: types.TimeType, Conv: ConvTime}, ""
			case "Duration":
				return Value{Type: types.DurationType}, ""
			}
		}
		if st, ok := named.Underlying().(*gotypes.Struct); ok && named.TypeArgs().Len() == 0 {
			return structValue(named, st)
		}
		return Value{}, "a named type .stream has no counterpart for"
	}
	switch t := t.(type) {
	case *gotypes.Basic:
		switch t.Kind() {
		case gotypes.String:
			return Value{Type: types.StringType}, ""
		case gotypes.Bool:
			return Value{Type: types.BoolType}, ""
		case gotypes.Int64:
			return Value{Type: types.IntType}, ""
		case gotypes.Int, gotypes.Int8, gotypes.Int16, gotypes.Int32, gotypes.Uint8, gotypes.Uint16, gotypes.Uint32:
			return Value{Type: types.IntType, Conv: ConvNumeric, GoType: t.Name()}, ""
		case gotypes.Float64:
			return Value{Type: types.FloatType}, ""
		case gotypes.Float32:
			return Value{Type: types.FloatType, Conv: ConvNumeric, GoType: t.Name()}, ""
		}
		return Value{}, "a kind of number .stream's int (int64) cannot hold"
	case *gotypes.Pointer:
		elem, why := value(t.Elem())
		if why != "" || elem.Conv != ConvNone {
			return Value{}, "a pointer to a type that needs a conversion"
		}
		return Value{Type: &types.Optional{Elem: elem.Type}, Conv: ConvPointer}, ""
	case *gotypes.Slice:
		elem, why := value(t.Elem())
		if why != "" || elem.Conv != ConvNone {
			return Value{}, "a slice whose elements need a conversion (only string, bool, int64, float64, time.Duration and structs of them pass as they are)"
		}
		return Value{Type: &types.List{Elem: elem.Type}}, ""
	}
	return Value{}, "which .stream cannot pass (maps, funcs, channels and interfaces have no .stream type)"
}
