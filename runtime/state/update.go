package state

import (
	"iter"

	rt "streamc.dev/streamc/runtime"
)

// UpdateStore is a partition's state of updateStateByKey: one state S per key, kept
// from batch to batch. Spark's StateDStream cogroups the previous state with the batch's
// new values and calls the update function once for every key that has state or new
// values, even keys without new values; a none result removes the key. The output of
// every batch is the whole state.
//
// Per batch the job calls Add for each record, then Update once (also for an empty
// batch), then reads the state (All, or Keys and Values):
//
//	for _, kv := range recs {
//		st.Add(kv.F0, kv.F1)
//	}
//	st.Update(func(k string, news []int64, prev int64, had bool) (int64, bool) {
//		... the user's function, with stdlib.Opt[int64]{V: prev, Ok: had} ...
//	})
//	for i, k := range st.Keys() { out = append(out, tuple{k, st.Values()[i]}) }
//
// Order is deterministic: the keys that had state, in the state's order, then the keys
// seen for the first time, in first-seen order; a key that is removed and comes back
// goes to the end. The new values of a key are in arrival order.
//
// Memory per key is the key and the state in two slices, an rt.Index entry from key to
// position and an int32 of bookkeeping; a batch's new values are grouped with
// no per-key allocation.
type UpdateStore[K comparable, V, S any] struct {
	index  rt.Index[K]
	keys   []K
	vals   []S
	copies rt.KeyCopies[K] // new keys get memory of the store's own
	n      int             // keys[:n] have state; keys[n:] are this batch's new keys
	grp    []int32         // per key: its group of new values this batch, or -1
	news   newsGroups[V]
}

// NewUpdateStore returns an empty store with room for hint keys.
func NewUpdateStore[K comparable, V, S any](hint int) *UpdateStore[K, V, S] {
	return &UpdateStore[K, V, S]{
		index:  rt.NewIndex[K](hint),
		keys:   make([]K, 0, hint),
		vals:   make([]S, 0, hint),
		grp:    make([]int32, 0, hint),
		copies: rt.NewKeyCopies[K](),
	}
}

// Put sets k's state to s: the initial state, given before the first batch, or a state
// restored from a checkpoint. A new key goes to the end of the order.
func (u *UpdateStore[K, V, S]) Put(k K, s S) {
	if u.n != len(u.keys) {
		panic("state: UpdateStore.Put between Add and Update")
	}
	i, at := u.index.Find(k, u.keys)
	if i >= 0 {
		u.vals[i] = s
		return
	}
	u.keys = append(u.keys, k)
	u.index.Add(k, at, u.keys)
	u.vals = append(u.vals, s)
	u.grp = append(u.grp, -1)
	u.n++
}

// Add records a new value for k in the current batch.
func (u *UpdateStore[K, V, S]) Add(k K, v V) {
	i, at := u.index.Find(k, u.keys)
	if i < 0 {
		k = u.copies.Copy(k) // the store keeps it across batches: not the input's buffer
		i = len(u.keys)
		u.keys = append(u.keys, k)
		u.index.Add(k, at, u.keys)
		var zero S
		u.vals = append(u.vals, zero)
		u.grp = append(u.grp, -1)
	}
	u.grp[i] = u.news.add(u.grp[i], v)
}

// Update ends the batch: it calls f once for every key that has state or new values, in
// the order described on UpdateStore, with the key's new values (nil when none) and its
// previous state (had is false for a new key). f returns the new state and whether to
// keep it; false removes the key. The news slices are new for each batch and sized
// exactly, so f may keep them. If f panics the store is left inconsistent, and the run
// fails anyway.
func (u *UpdateStore[K, V, S]) Update(f func(k K, news []V, prev S, had bool) (S, bool)) {
	buf := u.news.layout()
	j := 0
	for i, k := range u.keys {
		var news []V
		if g := u.grp[i]; g >= 0 {
			news = u.news.news(buf, g)
			u.grp[i] = -1
		}
		var prev S
		had := i < u.n
		if had {
			prev = u.vals[i]
		}
		s, keep := f(k, news, prev, had)
		if !keep {
			u.copies.Drop(k)
			continue
		}
		if i != j {
			u.keys[j] = k
		}
		u.vals[j] = s
		j++
	}
	removed := j < len(u.keys)
	clear(u.keys[j:])
	clear(u.vals[j:])
	u.keys, u.vals, u.grp = u.keys[:j], u.vals[:j], u.grp[:j]
	u.n = j
	if removed {
		u.copies.Compact(u.keys)
		u.index.Rebuild(u.keys)
	}
	u.news.reset()
}

// Len returns the number of keys with state.
func (u *UpdateStore[K, V, S]) Len() int { return u.n }

// Keys returns the keys with state in order. The slice is the store's storage: read it
// before the next Add.
func (u *UpdateStore[K, V, S]) Keys() []K { return u.keys[:u.n] }

// Values returns the states, parallel to Keys, with the same caveat.
func (u *UpdateStore[K, V, S]) Values() []S { return u.vals[:u.n] }

// Get returns k's state and whether it has one.
func (u *UpdateStore[K, V, S]) Get(k K) (S, bool) {
	if i, _ := u.index.Find(k, u.keys); i >= 0 && i < u.n {
		return u.vals[i], true
	}
	var zero S
	return zero, false
}

// All iterates over the keys with state and their states in order: the operator's
// output, and the checkpoint's contents (restored with Put).
func (u *UpdateStore[K, V, S]) All() iter.Seq2[K, S] {
	return func(yield func(K, S) bool) {
		for i, k := range u.keys[:u.n] {
			if !yield(k, u.vals[i]) {
				return
			}
		}
	}
}
