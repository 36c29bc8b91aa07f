package planner

import (
	"streamc.dev/streamc/dsl/builtins"
	"streamc.dev/streamc/dsl/spec"
	"streamc.dev/streamc/dsl/types"
)

// The files source can read a batch's lines into the memory of batches already processed
// (source.FilesOptions.Recycle) instead of allocating and zeroing it again, which is a
// tenth of the time of a pipeline that decodes and filters. That is sound only if no
// string cut from a batch's lines is still used once the next batch is asked for, so the
// planner proves it for each source from the operators downstream of it. (Generated
// stages never keep a source's slice itself: what they keep they copy element by
// element, so the rate source, whose numbers hold no strings, reuses its slice the same
// way.)
//
//   - narrow operators, decoders, shuffles, whole-batch operators, unions and joins with a
//     table (whose rows are its own) use their input within the batch; so do print and
//     saveAsTextFiles (they render at once) and writeTo to a built-in sink (sinks copy
//     what they send and finish a batch's writes before it ends);
//   - Go code (transform's, a Go sink's, foreachBatch's) is asked to copy what it keeps,
//     but nothing makes it: held to the window rule;
//   - window and groupByKeyAndWindow keep their batches' elements for later batches: only
//     elements without strings may be in them;
//   - reduceByWindow and countByWindow keep one partial value per batch, which the
//     window copies (window.Reduce.OwnValues);
//   - a state store, and the per-batch partials of reduceByKeyAndWindow and
//     countByValueAndWindow, copy a key that is a string when they first insert it
//     (rt.KeyCopies), not strings inside other keys nor in values or state: keys must be
//     strings or have none, values and states none;
//   - eventTime holds early elements for later batches: none may have strings;
//   - lookup keeps the keys of a batch only within it, but is held to the window rule
//     (no strings in its input), as its rows cache may grow to outlive a batch.
//
// Anything else is held to the window rule too, so a new operator is safe by default.

// recyclable reports whether no string of the records src delivers is used after the
// batch that delivered it; see the rules above.
func (b *builder) recyclable(src *Op) bool {
	seen := map[*Op]bool{}
	var ok func(n *Op) bool
	ok = func(n *Op) bool {
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

// batchLocal reports whether operator n keeps no string of its input past its batch,
// from what its descriptor says it keeps.
func (b *builder) batchLocal(n *Op) bool {
	if a := n.Arg("sink"); a != nil {
		// A sink written in Go is asked to copy what it keeps, but nothing makes it.
		if sk, ok := a.Type.(*types.Sink); ok && sk.Kind == "go" {
			return !inputHasStrings(n)
		}
	}
	switch n.Desc.Plan.Keeps {
	case builtins.KeepsNothing, builtins.KeepsPartial:
		return true
	case builtins.KeepsKeys:
		return len(n.Inputs) == 1 && ownedKeys(n.Inputs[0].Elem)
	case builtins.KeepsState:
		return b.stateLocal(n)
	}
	return !inputHasStrings(n)
}

// stateLocal applies the state-store rule to updateStateByKey and mapWithState: keys
// the store copies, and states without strings.
func (b *builder) stateLocal(n *Op) bool {
	if len(n.Inputs) != 1 || !ownedKeys(n.Inputs[0].Elem) {
		return false
	}
	var s types.Type
	if n.Name == "updateStateByKey" {
		_, s, _ = types.KeyValue(n.Elem)
	} else if ft, isFunc := b.plan.Info.Types[n.Spec.(*spec.State).Fn].(*types.Func); isFunc && len(ft.Params) == 3 {
		if st, isState := ft.Params[2].(*types.State); isState {
			s = st.Elem
		}
	}
	return s != nil && !types.HasStrings(s)
}

// ownedKeys reports whether the pairs of type t can be kept in a store that copies its
// string keys (rt.KeyCopies) without keeping strings of the input: keys that are strings
// or have none, values without strings.
func ownedKeys(t types.Type) bool {
	k, v, isPair := types.KeyValue(t)
	return isPair && !types.HasStrings(v) && (types.Identical(k, types.StringType) || !types.HasStrings(k))
}

// inputHasStrings reports whether the elements n reads, or those it produces, may hold
// strings.
func inputHasStrings(n *Op) bool {
	for _, in := range n.Inputs {
		if types.HasStrings(in.Elem) {
			return true
		}
	}
	return n.Elem != nil && types.HasStrings(n.Elem)
}
