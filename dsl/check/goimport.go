package check

import (
	"fmt"
	"sort"

	"streamc.dev/streamc/dsl/ast"
	"streamc.dev/streamc/dsl/builtins"
	"streamc.dev/streamc/dsl/goimport"
	"streamc.dev/streamc/dsl/spec"
	"streamc.dev/streamc/dsl/types"
)

// imports loads the file's Go imports and declares their names: `import ua "path"`
// binds ua, `import "path"` the package's own name.
func (c *checker) imports() {
	seen := map[string]*ast.ImportDecl{}
	for _, d := range c.file.Decls {
		d, ok := d.(*ast.ImportDecl)
		if !ok || d.Path == nil {
			continue
		}
		path := d.Path.Value
		if prev, dup := seen[path]; dup {
			c.errorf(d.At, "%s is imported twice; previous import at line %d", path, prev.At.Line)
			continue
		}
		seen[path] = d
		if c.importer == nil {
			c.errorf(d.Path.At, "cannot import %s here: Go imports are loaded by streamc check, build and run", path)
			continue
		}
		pkg, err := c.importer(path)
		if err != nil {
			c.errorf(d.Path.At, "cannot import %s: %v", path, err)
			continue
		}
		if pkg.Latest {
			c.errs.Warn(d.Path.At, "%s has no version: using %s, the latest; pin it with import \"%s@%s\"", path, pkg.Module.Version, pkg.Path, pkg.Module.Version)
		}
		name := &ast.Ident{At: d.Path.At, Name: pkg.Name}
		if d.Name != nil {
			name = d.Name
		}
		obj := c.declare(c.global, name, PackageObject, types.InvalidType, d, nil)
		obj.Pkg = pkg
		c.packages = append(c.packages, obj)
	}
}

// goCall checks pkg.Name(args), a call of an exported function of an imported Go package:
// arguments by position, each assignable to the parameter's .stream type.
func (c *checker) goCall(e *ast.Call, pkgID, name *ast.Ident, obj *Object, want types.Type) types.Type {
	c.info.Uses[pkgID] = obj
	c.used[obj] = true
	pkg := obj.Pkg
	f := pkg.Funcs[name.Name]
	if f == nil {
		var names []string
		for n := range pkg.Funcs {
			names = append(names, n)
		}
		sort.Strings(names)
		c.errorf(name.At, "%s has no exported function %s%s", pkgID.Name, name.Name, didYouMean(name.Name, names))
		c.argsForErrors(e)
		return types.InvalidType
	}
	what := pkgID.Name + "." + name.Name
	if f.Unsupported != "" {
		c.errorf(name.At, "cannot call %s (%s) from .stream: %s", what, f.GoSig, f.Unsupported)
		c.argsForErrors(e)
		return types.InvalidType
	}
	switch f.Kind {
	case goimport.FuncBatch:
		c.errorf(name.At, "%s is a batch callback (%s): give it to foreachBatch without calling it, as .foreachBatch(%s)", what, f.GoSig, what)
		c.argsForErrors(e)
		return types.InvalidType
	case goimport.FuncSource:
		if c.inFunc > 0 {
			c.errorf(name.At, "%s makes a source (%s): it cannot be used inside a function", what, f.GoSig)
			c.argsForErrors(e)
			return types.InvalidType
		}
	case goimport.FuncSink:
		if c.sinkArg != e {
			c.errorf(name.At, "%s makes a Go sink (%s): call it as writeTo's argument, as .writeTo(%s(...)), where the stream gives its element type", what, f.GoSig, what)
			c.argsForErrors(e)
			return types.InvalidType
		}
	}
	for _, a := range e.Args {
		if a.Name != nil {
			c.errorf(a.Name.At, "%s is a Go function: its arguments are positional, not named (%s)", what, f.GoSig)
			c.argsForErrors(e)
			return types.InvalidType
		}
	}
	if len(e.Args) != len(f.Params) {
		c.errorf(e.Lparen, "%s takes %d argument%s (%s), not %d", what, len(f.Params), plural1(len(f.Params)), f.GoSig, len(e.Args))
		c.argsForErrors(e)
		return types.InvalidType
	}
	params := make([]types.Type, len(f.Params))
	for i, p := range f.Params {
		params[i] = p.Type
		t := c.value(e.Args[i].Value, p.Type)
		if !sameFields(c.resolve(t), p.Type) {
			c.assign(e.Args[i].Value, t, p.Type, fmt.Sprintf("argument %d of %s", i+1, what))
		}
	}
	result := f.Result.Type
	switch f.Kind {
	case goimport.FuncSink:
		result = &types.Sink{Kind: "go", Elem: f.Elem}
	case goimport.FuncSource:
		result = &types.Stream{Elem: f.Elem}
	}
	c.info.Calls[e] = &Callee{Kind: GoFunc, Name: what, Sig: &types.Func{Params: params, Result: result}, Go: f, Pkg: pkg}
	if f.Kind == goimport.FuncSource {
		// A source node, as socket(...) makes: the Go value is made once at start-up.
		n := &Node{Op: "goSource", Desc: builtins.LookupOp("goSource", builtins.Source), Pos: name.At, Call: e, Elem: f.Elem, Spec: &spec.Source{}}
		n.Args = append(n.Args, &NamedArg{Name: "source", Value: e, Type: result})
		c.addNode(n)
		c.info.Streams[e] = n
	}
	return result
}

// poolOptions checks writeTo's maxConns and idleTimeout, which tune a Go sink's pool
// (the built-in sinks take theirs in their own call).
func (c *checker) poolOptions(n *Node, a *args, sk *types.Sink) {
	for _, name := range []string{"maxConns", "idleTimeout"} {
		x := a.get(name)
		if x == nil {
			continue
		}
		if sk.Kind != "go" {
			c.errorf(x.Pos(), "writeTo's %s tunes a Go sink's connections; a %s takes it in its own call", name, sk)
			continue
		}
		if name == "maxConns" {
			c.constInt(x, "maxConns", 1)
			n.Args = append(n.Args, &NamedArg{Name: name, Value: x, Type: types.IntType})
		} else {
			if d, ok := c.constDuration(x, "idleTimeout"); ok && d <= 0 {
				c.errorf(x.Pos(), "idleTimeout %v must be positive", d)
			}
			n.Args = append(n.Args, &NamedArg{Name: name, Value: x, Type: types.DurationType})
		}
	}
}

// foreachBatch checks foreachBatch(pkg.F): F, a function of an imported Go package, is
// func(context.Context, time.Time, []T) error for the stream's element type T (or
// generic in T).
func (c *checker) foreachBatch(n *Node, sp *spec.Output, x ast.Expr, t types.Type) bool {
	sel, ok := ast.Unparen(x).(*ast.Selector)
	var id *ast.Ident
	var obj *Object
	if ok {
		id, obj = c.goPackage(sel.X)
	}
	if obj == nil {
		c.errorf(x.Pos(), "foreachBatch needs a Go function of an imported package, such as alerts.Notify, with the signature func(context.Context, time.Time, []T) error")
		return false
	}
	c.info.Uses[id] = obj
	c.used[obj] = true
	what := id.Name + "." + sel.Sel.Name
	f := obj.Pkg.Funcs[sel.Sel.Name]
	switch {
	case f == nil:
		c.errorf(sel.Sel.At, "%s has no exported function %s", id.Name, sel.Sel.Name)
		return false
	case f.Kind != goimport.FuncBatch:
		c.errorf(sel.Sel.At, "foreachBatch needs a function func(context.Context, time.Time, []T) error; %s is %s", what, f.GoSig)
		return false
	case f.Unsupported != "":
		c.errorf(sel.Sel.At, "cannot call %s (%s) from .stream: %s", what, f.GoSig, f.Unsupported)
		return false
	case f.Elem != nil && c.known(t) && !types.Identical(t, f.Elem):
		c.errorf(sel.Sel.At, "%s takes batches of %s; this stream's elements are %s", what, c.typeString(f.Elem), c.typeString(t))
		return false
	}
	sp.Go, sp.GoPkg = f, obj.Pkg
	n.Args = append(n.Args, &NamedArg{Name: "f", Value: x})
	return true
}

// argsForErrors checks a failed call's arguments for their own errors.
func (c *checker) argsForErrors(e *ast.Call) {
	for _, a := range e.Args {
		if _, isLam := ast.Unparen(a.Value).(*ast.Lambda); !isLam {
			c.value(a.Value, nil)
		}
	}
}

func plural1(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// goPackage returns the import a call's receiver names, if it is one.
func (c *checker) goPackage(recv ast.Expr) (*ast.Ident, *Object) {
	id, ok := recv.(*ast.Ident)
	if !ok {
		return nil, nil
	}
	if obj := c.lookup(id.Name); obj != nil && obj.Kind == PackageObject {
		return id, obj
	}
	return nil, nil
}

// usedImports lists the imports the program calls, and warns of the others (Go refuses
// them; a pipeline only links what it uses).
func (c *checker) usedImports() {
	for _, obj := range c.packages {
		if !c.used[obj] {
			c.errs.Warn(obj.Pos, "%s imported and not used", obj.Name)
			continue
		}
		c.prog.Imports = append(c.prog.Imports, obj.Pkg)
	}
}

// sameFields reports whether a record of the program may be passed for a Go struct
// parameter: the same field names, in order, of identical types.
func sameFields(t, want types.Type) bool {
	r, ok := t.(*types.Record)
	w, ok2 := want.(*types.Record)
	if !ok || !ok2 || w.GoPath == "" || r == w || len(r.Fields) != len(w.Fields) {
		return false
	}
	for i, f := range r.Fields {
		if f.Name != w.Fields[i].Name || !types.Identical(f.Type, w.Fields[i].Type) {
			return false
		}
	}
	return true
}
