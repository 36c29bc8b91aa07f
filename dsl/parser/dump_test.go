package parser

import (
	"fmt"
	"strings"

	"streamc.dev/streamc/dsl/ast"
)

// dump renders a node as an S-expression without positions, for table tests.
func dump(n ast.Node) string {
	var b strings.Builder
	dumpTo(&b, n)
	return b.String()
}

func dumpList[T ast.Node](b *strings.Builder, head string, xs []T) {
	b.WriteString("(" + head)
	for _, x := range xs {
		b.WriteByte(' ')
		dumpTo(b, x)
	}
	b.WriteByte(')')
}

func dumpTo(b *strings.Builder, n ast.Node) {
	switch n := n.(type) {
	case nil:
		b.WriteString("nil")
	case *ast.File:
		dumpList(b, "file", n.Decls)
	case *ast.PipelineDecl:
		fmt.Fprintf(b, "(pipeline %s)", n.Name.Name)
	case *ast.ImportDecl:
		name := "_"
		if n.Name != nil {
			name = n.Name.Name
		}
		fmt.Fprintf(b, "(import %s %s)", name, n.Path.Raw)
	case *ast.Setting:
		fmt.Fprintf(b, "(set %s ", n.Name.Name)
		dumpTo(b, n.Value)
		b.WriteByte(')')
	case *ast.TypeDecl:
		dumpList(b, "type "+n.Name.Name, n.Fields)
	case *ast.Field:
		fmt.Fprintf(b, "%s:", n.Name.Name)
		dumpTo(b, n.Type)
	case *ast.LetDecl:
		fmt.Fprintf(b, "(let %s ", n.Name.Name)
		dumpTo(b, n.Value)
		b.WriteByte(')')
	case *ast.ExprStmt:
		dumpTo(b, n.X)
	case *ast.NamedType:
		b.WriteString(n.Name.Name)
		if len(n.Args) > 0 {
			dumpList(b, "", n.Args)
		}
	case *ast.ListType:
		b.WriteString("[")
		dumpTo(b, n.Elem)
		b.WriteString("]")
	case *ast.TupleType:
		dumpList(b, "tuple", n.Elems)
	case *ast.OptionalType:
		dumpTo(b, n.Elem)
		b.WriteString("?")
	case *ast.Ident:
		b.WriteString(n.Name)
	case *ast.IntLit:
		fmt.Fprintf(b, "%d", n.Value)
	case *ast.FloatLit:
		fmt.Fprintf(b, "%gf", n.Value)
	case *ast.StringLit:
		fmt.Fprintf(b, "%q", n.Value)
	case *ast.DurationLit:
		fmt.Fprintf(b, "%v", n.Value)
	case *ast.BoolLit:
		fmt.Fprintf(b, "%v", n.Value)
	case *ast.NoneLit:
		b.WriteString("none")
	case *ast.ListLit:
		dumpList(b, "list", n.Elems)
	case *ast.TupleLit:
		dumpList(b, "tuple", n.Elems)
	case *ast.ParenExpr:
		b.WriteString("(paren ")
		dumpTo(b, n.X)
		b.WriteByte(')')
	case *ast.RecordLit:
		dumpList(b, "record "+n.Type.Name, n.Fields)
	case *ast.FieldInit:
		fmt.Fprintf(b, "%s:", n.Name.Name)
		dumpTo(b, n.Value)
	case *ast.Selector:
		b.WriteString("(. ")
		dumpTo(b, n.X)
		fmt.Fprintf(b, " %s)", n.Sel.Name)
	case *ast.Call:
		b.WriteString("(call ")
		dumpTo(b, n.Fun)
		for _, a := range n.Args {
			b.WriteByte(' ')
			dumpTo(b, a)
		}
		b.WriteByte(')')
	case *ast.Arg:
		if n.Name != nil {
			fmt.Fprintf(b, "%s=", n.Name.Name)
		}
		dumpTo(b, n.Value)
	case *ast.Index:
		b.WriteString("(index ")
		dumpTo(b, n.X)
		b.WriteByte(' ')
		dumpTo(b, n.Index)
		b.WriteByte(')')
	case *ast.Unary:
		fmt.Fprintf(b, "(%s ", n.Op)
		dumpTo(b, n.X)
		b.WriteByte(')')
	case *ast.Binary:
		fmt.Fprintf(b, "(%s ", n.Op)
		dumpTo(b, n.X)
		b.WriteByte(' ')
		dumpTo(b, n.Y)
		b.WriteByte(')')
	case *ast.IfExpr:
		b.WriteString("(if ")
		dumpTo(b, n.Cond)
		b.WriteByte(' ')
		dumpTo(b, n.Then)
		b.WriteByte(' ')
		dumpTo(b, n.Else)
		b.WriteByte(')')
	case *ast.Lambda:
		dumpList(b, "params", n.Params)
		b.WriteString(" => ")
		dumpTo(b, n.Body)
	case *ast.Param:
		if n.Name != nil {
			b.WriteString(n.Name.Name)
			if n.Type != nil {
				b.WriteByte(':')
				dumpTo(b, n.Type)
			}
		} else {
			dumpList(b, "", n.Tuple)
		}
	case *ast.Block:
		b.WriteString("{")
		for _, s := range n.Stmts {
			dumpTo(b, s)
			b.WriteString("; ")
		}
		dumpTo(b, n.Result)
		b.WriteString("}")
	default:
		fmt.Fprintf(b, "<%T>", n)
	}
}
