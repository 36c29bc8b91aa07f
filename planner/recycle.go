package planner

import (
	"streamc.dev/streamc/dsl/check"
	"streamc.dev/streamc/dsl/types"
)

// The files source can read a batch's lines into the memory of batches already processed
// (source.FilesOptions.Recycle) instead of allocating and zeroing it again, which is a
// tenth of the time of a pipeline that decodes and filters. That is sound only if no
// string cut from a batch's lines is still used once the next batch is asked for, so the
// planner proves it for each source from the operators downstream of it:
//
//   - narrow operators, decoders, shuffles, whole-batch operators, unions and joins with a
//     table (whose rows are its own) use their input within the batch; so do print and
//     saveAsTextFiles (they render at once) and writeTo (sinks copy what they send and
//     finish a batch's writes before it ends);
//   - a window keeps its batches' elements (or partial results) for later batches: only
//     elements without strings may be in it;
//   - a state store copies a key that is a string when it first inserts it (rt.KeyCloner),
//     not strings inside other keys nor in values or state: keys must be strings or have
//     none, values and states none;
//   - eventTime holds early elements for later batches: none may have strings;
//   - lookup keeps the keys of a batch only within it, but is held to the window rule
//     (no strings in its input), as its rows cache may grow to outlive a batch.
//
// Anything else is held to the window rule too, so a new operator is safe by default.

// recyclable reports whether no string of the records src delivers is used after the
// batch that delivered it; see the rules above.
func (b *builder) recyclable(src *check.Node) bool {
	seen := map[*check.Node]bool{}
	var ok func(n *check.Node) bool
	ok = func(n *check.Node) bool {
		if seen[n] {
			return true
		}
		seen[n] = true
		if !b.batchLocal(n) {
			return false
		}
		for _, c := range b.consumers[n] {
			if !ok(c) {
				return false
			}
		}
		return true
	}
	return ok(src)
}

// batchLocal reports whether operator n keeps no string of its input past its batch.
func (b *builder) batchLocal(n *check.Node) bool {
	switch n.Kind {
	case check.SourceNode, check.DecodeNode, check.ShuffleNode, check.BatchNode, check.UnionNode, check.OutputNode:
		return true
	case check.NarrowNode:
		if n.Op != "eventTime" {
			return true
		}
	case check.TableNode:
		if n.Op == "joinTable" || n.Op == "leftJoinTable" {
			return true
		}
	case check.StateNode:
		return b.stateLocal(n)
	}
	return !inputHasStrings(n)
}

// stateLocal applies the state-store rule to updateStateByKey and mapWithState (and lets
// the operators that only read a store, like snapshots, through).
func (b *builder) stateLocal(n *check.Node) bool {
	if n.Op != "updateStateByKey" && n.Op != "mapWithState" {
		return !inputHasStrings(n)
	}
	if len(n.Inputs) != 1 {
		return false
	}
	k, v, isPair := types.KeyValue(n.Inputs[0].Elem)
	if !isPair || hasStrings(v) || (!types.Identical(k, types.StringType) && hasStrings(k)) {
		return false
	}
	var s types.Type
	if n.Op == "updateStateByKey" {
		_, s, _ = types.KeyValue(n.Elem)
	} else if ft, isFunc := b.plan.Info.Types[n.Fn].(*types.Func); isFunc && len(ft.Params) == 3 {
		if st, isState := ft.Params[2].(*types.State); isState {
			s = st.Elem
		}
	}
	return s != nil && !hasStrings(s)
}

// inputHasStrings reports whether the elements n reads, or those it produces, may hold
// strings.
func inputHasStrings(n *check.Node) bool {
	for _, in := range n.Inputs {
		if hasStrings(in.Elem) {
			return true
		}
	}
	return n.Elem != nil && hasStrings(n.Elem)
}

// hasStrings reports whether a value of type t may hold a string; unknown types may.
func hasStrings(t types.Type) bool {
	switch t := t.(type) {
	case *types.Basic:
		return t.Kind == types.String || t.Kind == types.Bytes
	case *types.List:
		return hasStrings(t.Elem)
	case *types.Optional:
		return hasStrings(t.Elem)
	case *types.Tuple:
		for _, e := range t.Elems {
			if hasStrings(e) {
				return true
			}
		}
		return false
	case *types.Record:
		for _, f := range t.Fields {
			if hasStrings(f.Type) {
				return true
			}
		}
		return false
	}
	return true
}
