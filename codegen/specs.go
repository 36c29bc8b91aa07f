package codegen

import (
	"streamc.dev/streamc/dsl/spec"
	"streamc.dev/streamc/planner"
)

// The typed specs of the operators, by family. The checker gives every node the spec
// of its descriptor's family, so a failed assertion here is a streamc bug that the
// tests of every operator (TestEveryOperatorExercised) catch.

func funcSpec(n *planner.Op) *spec.Func           { return n.Spec.(*spec.Func) }
func keyedSpec(n *planner.Op) *spec.Keyed         { return n.Spec.(*spec.Keyed) }
func winSpec(n *planner.Op) *spec.Window          { return n.Spec.(*spec.Window) }
func stateSpec(n *planner.Op) *spec.State         { return n.Spec.(*spec.State) }
func decodeSpec(n *planner.Op) *spec.Decode       { return n.Spec.(*spec.Decode) }
func eventTimeSpec(n *planner.Op) *spec.EventTime { return n.Spec.(*spec.EventTime) }
func lookupSpec(n *planner.Op) *spec.Lookup       { return n.Spec.(*spec.Lookup) }
func outputSpec(n *planner.Op) *spec.Output       { return n.Spec.(*spec.Output) }
