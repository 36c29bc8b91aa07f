package codegen

import (
	"streamc.dev/streamc/dsl/ast"
	"streamc.dev/streamc/dsl/check"
	"streamc.dev/streamc/dsl/spec"
)

// The typed specs of the operators, by family. The checker gives every node the spec
// of its descriptor's family, so a failed assertion here is a streamc bug that the
// tests of every operator (TestEveryOperatorExercised) catch.

func funcSpec(n *check.Node) *spec.Func           { return n.Spec.(*spec.Func) }
func keyedSpec(n *check.Node) *spec.Keyed         { return n.Spec.(*spec.Keyed) }
func winSpec(n *check.Node) *spec.Window          { return n.Spec.(*spec.Window) }
func stateSpec(n *check.Node) *spec.State         { return n.Spec.(*spec.State) }
func decodeSpec(n *check.Node) *spec.Decode       { return n.Spec.(*spec.Decode) }
func eventTimeSpec(n *check.Node) *spec.EventTime { return n.Spec.(*spec.EventTime) }
func lookupSpec(n *check.Node) *spec.Lookup       { return n.Spec.(*spec.Lookup) }
func outputSpec(n *check.Node) *spec.Output       { return n.Spec.(*spec.Output) }

// reduceFn is the reduce function of a keyed reduce or a window: the operators whose
// combine code generation shares (keyedCombine, the partial reduce of a gather).
func reduceFn(n *check.Node) *ast.Lambda {
	switch sp := n.Spec.(type) {
	case *spec.Keyed:
		return sp.Fn
	case *spec.Window:
		return sp.Fn
	case *spec.Func:
		return sp.Fn
	}
	return nil
}
