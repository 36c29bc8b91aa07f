package ast

import "fmt"

// Inspect traverses the tree rooted at node in depth-first source order. It calls
// f(node); if f returns true, Inspect visits each non-nil child of node in turn and then
// calls f(nil), as go/ast.Inspect does, so that a visitor can keep a stack of parents.
// Comments are visited only as the children of a *File, after its declarations.
func Inspect(node Node, f func(Node) bool) {
	if node == nil || !f(node) {
		return
	}
	switch n := node.(type) {
	case *File:
		for _, d := range n.Decls {
			Inspect(d, f)
		}
		for _, c := range n.Comments {
			Inspect(c, f)
		}
	case *Comment, *Ident, *IntLit, *FloatLit, *StringLit, *DurationLit, *BoolLit, *NoneLit:
		// Leaves.
	case *PipelineDecl:
		inspectIdent(n.Name, f)
	case *ImportDecl:
		inspectIdent(n.Name, f)
		if n.Path != nil {
			Inspect(n.Path, f)
		}
	case *Setting:
		inspectIdent(n.Name, f)
		inspectExpr(n.Value, f)
	case *TypeDecl:
		inspectIdent(n.Name, f)
		for _, fd := range n.Fields {
			Inspect(fd, f)
		}
	case *Field:
		inspectIdent(n.Name, f)
		inspectType(n.Type, f)
	case *LetDecl:
		inspectIdent(n.Name, f)
		inspectExpr(n.Value, f)
	case *ExprStmt:
		inspectExpr(n.X, f)
	case *NamedType:
		inspectIdent(n.Name, f)
		for _, a := range n.Args {
			inspectType(a, f)
		}
	case *ListType:
		inspectType(n.Elem, f)
	case *TupleType:
		for _, e := range n.Elems {
			inspectType(e, f)
		}
	case *OptionalType:
		inspectType(n.Elem, f)
	case *ListLit:
		for _, e := range n.Elems {
			inspectExpr(e, f)
		}
	case *TupleLit:
		for _, e := range n.Elems {
			inspectExpr(e, f)
		}
	case *ParenExpr:
		inspectExpr(n.X, f)
	case *RecordLit:
		inspectIdent(n.Type, f)
		for _, fi := range n.Fields {
			Inspect(fi, f)
		}
	case *FieldInit:
		inspectIdent(n.Name, f)
		inspectExpr(n.Value, f)
	case *Selector:
		inspectExpr(n.X, f)
		inspectIdent(n.Sel, f)
	case *Call:
		inspectExpr(n.Fun, f)
		for _, a := range n.Args {
			Inspect(a, f)
		}
	case *Arg:
		inspectIdent(n.Name, f)
		inspectExpr(n.Value, f)
	case *Index:
		inspectExpr(n.X, f)
		inspectExpr(n.Index, f)
	case *Unary:
		inspectExpr(n.X, f)
	case *Binary:
		inspectExpr(n.X, f)
		inspectExpr(n.Y, f)
	case *IfExpr:
		inspectExpr(n.Cond, f)
		if n.Then != nil {
			Inspect(n.Then, f)
		}
		inspectExpr(n.Else, f)
	case *Lambda:
		for _, p := range n.Params {
			Inspect(p, f)
		}
		inspectExpr(n.Body, f)
	case *Param:
		inspectIdent(n.Name, f)
		for _, p := range n.Tuple {
			Inspect(p, f)
		}
		inspectType(n.Type, f)
	case *Block:
		for _, s := range n.Stmts {
			if s != nil {
				Inspect(s, f)
			}
		}
		inspectExpr(n.Result, f)
	default:
		// A node type added to ast.go without a case here is a programming error that a
		// test (TestInspectCoversEveryNode) catches; failing loudly beats silently
		// skipping a subtree.
		panic(fmt.Sprintf("ast.Inspect: unexpected node type %T", n))
	}
	f(nil)
}

// The helpers below skip nil children. An interface holding a nil pointer is also
// skipped, so that a partially built tree (after a syntax error) can still be walked.

func inspectIdent(x *Ident, f func(Node) bool) {
	if x != nil {
		Inspect(x, f)
	}
}

func inspectExpr(x Expr, f func(Node) bool) {
	if x != nil && !isNilPointer(x) {
		Inspect(x, f)
	}
}

func inspectType(t TypeExpr, f func(Node) bool) {
	if t != nil && !isNilPointer(t) {
		Inspect(t, f)
	}
}

// isNilPointer reports whether n is an interface holding a nil pointer of a node type.
func isNilPointer(n Node) bool {
	switch x := n.(type) {
	case *Ident:
		return x == nil
	case *IntLit:
		return x == nil
	case *FloatLit:
		return x == nil
	case *StringLit:
		return x == nil
	case *DurationLit:
		return x == nil
	case *BoolLit:
		return x == nil
	case *NoneLit:
		return x == nil
	case *ListLit:
		return x == nil
	case *TupleLit:
		return x == nil
	case *ParenExpr:
		return x == nil
	case *RecordLit:
		return x == nil
	case *Selector:
		return x == nil
	case *Call:
		return x == nil
	case *Index:
		return x == nil
	case *Unary:
		return x == nil
	case *Binary:
		return x == nil
	case *IfExpr:
		return x == nil
	case *Lambda:
		return x == nil
	case *Block:
		return x == nil
	case *NamedType:
		return x == nil
	case *ListType:
		return x == nil
	case *TupleType:
		return x == nil
	case *OptionalType:
		return x == nil
	}
	return false
}
