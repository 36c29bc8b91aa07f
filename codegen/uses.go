package codegen

import (
	"reflect"

	"github.com/dave/jennifer/jen"
)

// usesIdent reports whether code refers to the local name: an identifier equal to name
// that is neither a selector (x.name) nor the name of a qualified identifier
// (pkg.name). String literals and comments do not count.
//
// It walks jennifer's tree of code in source order and stops at the first use, without
// rendering anything. The callers ask about a variable a fused loop has just declared,
// with the rest of the loop as code; the next operator reads that variable in its first
// statements, so an answer costs a few tokens, whatever the length of the loop, and
// generating a chain of n operators takes time linear in n. (Rendering the rest of the
// loop to text for every operator made it quadratic.) A name that is not used costs one
// walk of code, which happens only where a chain ends (a count after a map, keys
// without their values).
//
// jennifer keeps its tree in unexported fields; they are read with package reflect,
// and TestUsesIdent pins the shapes this relies on.
func usesIdent(code []jen.Code, name string) bool {
	for _, c := range code {
		if c != nil && usesIn(reflect.ValueOf(c), name) {
			return true
		}
	}
	return false
}

// usesIn is usesIdent for one node of jennifer's tree: a *jen.Statement (a sequence of
// nodes), a *jen.Group (a block, a call's arguments, a list, a qualified name...), a
// jen.Dict, or a token.
func usesIn(v reflect.Value, name string) bool {
	for v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return false
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Slice: // jen.Statement
		return usesInSeq(v, name)
	case reflect.Map: // jen.Dict
		for it := v.MapRange(); it.Next(); {
			if usesIn(it.Key(), name) || usesIn(it.Value(), name) {
				return true
			}
		}
		return false
	case reflect.Struct:
		switch v.Type().Name() {
		case "Group":
			items := v.FieldByName("items")
			if v.FieldByName("name").String() == "qual" && items.Len() > 0 {
				// Qual(path, name) is a package token and an identifier: the identifier
				// belongs to the package unless the path is empty.
				if pkg := tokenOf(items.Index(0)); pkg.IsValid() && tokenContent(pkg) != "" {
					return false
				}
			}
			return usesInSeq(items, name)
		case "token":
			return isIdentToken(v, name)
		}
	}
	// Comments, struct tags and anything else carry no identifiers.
	return false
}

// usesInSeq walks a sequence of nodes (a Statement's or a Group's items), skipping the
// identifier after a "." delimiter: jen's Dot(name) is the two tokens "." and name.
func usesInSeq(items reflect.Value, name string) bool {
	afterDot := false
	for i := range items.Len() {
		item := items.Index(i)
		if t := tokenOf(item); t.IsValid() {
			if t.FieldByName("typ").String() == "delimiter" && tokenContent(t) == "." {
				afterDot = true
				continue
			}
			if !afterDot && isIdentToken(t, name) {
				return true
			}
			afterDot = false
			continue
		}
		afterDot = false
		if usesIn(item, name) {
			return true
		}
	}
	return false
}

// tokenOf returns the token struct held by an item of a sequence, or the zero Value when
// the item is not a token.
func tokenOf(item reflect.Value) reflect.Value {
	for item.Kind() == reflect.Interface {
		if item.IsNil() {
			return reflect.Value{}
		}
		item = item.Elem()
	}
	if item.Kind() == reflect.Struct && item.Type().Name() == "token" {
		return item
	}
	return reflect.Value{}
}

// tokenContent is a token's content when it is a string, else "".
func tokenContent(t reflect.Value) string {
	c := t.FieldByName("content")
	for c.Kind() == reflect.Interface {
		if c.IsNil() {
			return ""
		}
		c = c.Elem()
	}
	if c.Kind() != reflect.String {
		return ""
	}
	return c.String()
}

// isIdentToken reports whether token t is the identifier name. jen.Id("a.b") is one
// token; its first part is the name it refers to.
func isIdentToken(t reflect.Value, name string) bool {
	if t.FieldByName("typ").String() != "identifier" {
		return false
	}
	s := tokenContent(t)
	if len(s) > len(name) && s[len(name)] == '.' {
		s = s[:len(name)]
	}
	return s == name
}

// declareLater reserves, at the end of f's body, the place of the statement that
// declares v, so that the code using v can be emitted after it straight into the body:
//
//	declare := f.declareLater(w)
//	sg.chainInto(i+1, w, elem) // the rest of the fused loop
//	declare(value)
//
// declare writes `v := value` there, or `_ = value` when the statements emitted since do
// not use v. This is assign without building the rest of the loop as a slice of its own:
// a chain of n narrow operators is then emitted in time linear in n, where copying the
// rest into every operator's statements made it quadratic.
func (f *fn) declareLater(v string) (declare func(value jen.Code)) {
	decl := jen.Null()
	f.emit(decl)
	at := len(f.stmts)
	return func(value jen.Code) {
		if usesIdent(f.stmts[at:], v) {
			*decl = *jen.Id(v).Op(":=").Add(value)
		} else {
			*decl = *jen.Id("_").Op("=").Add(value)
		}
	}
}
