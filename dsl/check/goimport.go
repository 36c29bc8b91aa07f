package check

import (
	"fmt"
	"sort"

	"streamc.dev/streamc/dsl/ast"
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
		c.assign(e.Args[i].Value, t, p.Type, fmt.Sprintf("argument %d of %s", i+1, what))
	}
	c.info.Calls[e] = &Callee{Kind: GoFunc, Name: what, Sig: &types.Func{Params: params, Result: f.Result.Type}, Go: f, Pkg: pkg}
	return f.Result.Type
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
