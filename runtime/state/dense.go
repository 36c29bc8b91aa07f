package state

import "iter"

// DenseUpdateStore is UpdateStore for keys that are dense ids (rt.KeyDict's): the index
// from key to position is an array by id instead of a hash table, so Add is two array
// reads. Its order, news grouping and results are UpdateStore's, key for key; the
// proposal of bench/PERF_NOTES.md (issue #18): generated code does not use it yet.
type DenseUpdateStore[V, S any] struct {
	pos  []int32 // by id: position in keys + 1, 0 for none
	keys []uint32
	vals []S
	n    int     // keys[:n] have state; keys[n:] are this batch's new keys
	grp  []int32 // per key: its group of new values this batch, or -1

	gcount []int32 // per group: its number of values
	pg     []int32 // per new value: its group
	pv     []V     // the batch's new values in arrival order
}

// NewDenseUpdateStore returns an empty store with room for hint keys.
func NewDenseUpdateStore[V, S any](hint int) *DenseUpdateStore[V, S] {
	return &DenseUpdateStore[V, S]{
		keys: make([]uint32, 0, hint),
		vals: make([]S, 0, hint),
		grp:  make([]int32, 0, hint),
	}
}

func (u *DenseUpdateStore[V, S]) at(id uint32) int {
	if int(id) >= len(u.pos) {
		return -1
	}
	return int(u.pos[id]) - 1
}

func (u *DenseUpdateStore[V, S]) insert(id uint32) int {
	for int(id) >= len(u.pos) {
		u.pos = append(u.pos, make([]int32, max(int(id)+1-len(u.pos), len(u.pos)/2))...)
	}
	i := len(u.keys)
	u.keys = append(u.keys, id)
	u.pos[id] = int32(i + 1)
	var zero S
	u.vals = append(u.vals, zero)
	u.grp = append(u.grp, -1)
	return i
}

// Put sets id's state to s (initial state, or restored from a checkpoint).
func (u *DenseUpdateStore[V, S]) Put(id uint32, s S) {
	if u.n != len(u.keys) {
		panic("state: DenseUpdateStore.Put between Add and Update")
	}
	i := u.at(id)
	if i < 0 {
		i = u.insert(id)
		u.n++
	}
	u.vals[i] = s
}

// Add records a new value for id in the current batch.
func (u *DenseUpdateStore[V, S]) Add(id uint32, v V) {
	i := u.at(id)
	if i < 0 {
		i = u.insert(id)
	}
	g := u.grp[i]
	if g < 0 {
		g = int32(len(u.gcount))
		u.grp[i] = g
		u.gcount = append(u.gcount, 0)
	}
	u.gcount[g]++
	u.pg = append(u.pg, g)
	u.pv = append(u.pv, v)
}

// Update ends the batch as UpdateStore.Update does.
func (u *DenseUpdateStore[V, S]) Update(f func(id uint32, news []V, prev S, had bool) (S, bool)) {
	var total int32
	for g, c := range u.gcount {
		u.gcount[g] = total
		total += c
	}
	var buf []V
	if total > 0 {
		buf = make([]V, total)
		for i, g := range u.pg {
			buf[u.gcount[g]] = u.pv[i]
			u.gcount[g]++
		}
	}
	j := 0
	for i, id := range u.keys {
		var news []V
		if g := u.grp[i]; g >= 0 {
			end := u.gcount[g]
			start := int32(0)
			if g > 0 {
				start = u.gcount[g-1]
			}
			news = buf[start:end:end]
			u.grp[i] = -1
		}
		var prev S
		had := i < u.n
		if had {
			prev = u.vals[i]
		}
		s, keep := f(id, news, prev, had)
		if !keep {
			u.pos[id] = 0
			continue
		}
		u.keys[j] = id
		u.vals[j] = s
		u.pos[id] = int32(j + 1)
		j++
	}
	clear(u.vals[j:])
	u.keys, u.vals, u.grp = u.keys[:j], u.vals[:j], u.grp[:j]
	u.n = j
	clear(u.pv)
	u.gcount, u.pg, u.pv = u.gcount[:0], u.pg[:0], u.pv[:0]
}

// Len returns the number of keys with state.
func (u *DenseUpdateStore[V, S]) Len() int { return u.n }

// Keys returns the ids with state in order (the store's storage: read it before the
// next Add).
func (u *DenseUpdateStore[V, S]) Keys() []uint32 { return u.keys[:u.n] }

// Values returns the states, parallel to Keys.
func (u *DenseUpdateStore[V, S]) Values() []S { return u.vals[:u.n] }

// Get returns id's state and whether it has one.
func (u *DenseUpdateStore[V, S]) Get(id uint32) (S, bool) {
	if i := u.at(id); i >= 0 && i < u.n {
		return u.vals[i], true
	}
	var zero S
	return zero, false
}

// All iterates over the ids with state and their states in order.
func (u *DenseUpdateStore[V, S]) All() iter.Seq2[uint32, S] {
	return func(yield func(uint32, S) bool) {
		for i, id := range u.keys[:u.n] {
			if !yield(id, u.vals[i]) {
				return
			}
		}
	}
}
