package state

import (
	"iter"

	rt "streamc.dev/streamc/runtime"
)

// StringUpdateStore is UpdateStore for string keys, indexed by an rt.KeyDict: a key's id
// in the dictionary is its position in an array of positions, so a lookup of a key of up
// to 8 bytes reads one table slot, the keys live in the dictionary's arena (no copy per
// key), and Sorted gives the keys in byte order without a sort of all of them per batch:
// the dictionary keeps its order from batch to batch and sorts only the keys new since.
//
// Its order, news grouping and results are UpdateStore's, key for key (generated code
// uses it for every updateStateByKey on string keys; checkpoints are the same).
//
// The dictionary holds the keys with state and the keys removed since it was last built.
// When the removed ones outnumber the live ones, Update rebuilds it with the live keys
// alone, so its memory stays within about twice the state's.
type StringUpdateStore[V, S any] struct {
	dict *rt.KeyDict
	pos  []int32  // by id: position in keys + 1, 0 for none
	keys []uint32 // ids in the store's order
	vals []S
	n    int     // keys[:n] have state; keys[n:] are this batch's new keys
	grp  []int32 // per key: its group of new values this batch, or -1
	news newsGroups[V]

	order []int32 // Sorted's result
}

// NewStringUpdateStore returns an empty store with room for hint keys.
func NewStringUpdateStore[V, S any](hint int) *StringUpdateStore[V, S] {
	return &StringUpdateStore[V, S]{
		dict: rt.NewKeyDict(hint),
		keys: make([]uint32, 0, hint),
		vals: make([]S, 0, hint),
		grp:  make([]int32, 0, hint),
	}
}

// insert gives the key of id (new to the store) a position at the end.
func (u *StringUpdateStore[V, S]) insert(id uint32) int {
	if int(id) >= len(u.pos) {
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

// at returns k's position, adding k at the end if it has none.
func (u *StringUpdateStore[V, S]) at(k string) (i int, added bool) {
	id, _ := u.dict.Add(k)
	if int(id) < len(u.pos) && u.pos[id] != 0 {
		return int(u.pos[id]) - 1, false
	}
	return u.insert(id), true
}

// Dict returns the store's key dictionary. Generated code of a string-keyed reduceByKey
// whose result goes whole to this updateStateByKey adds the batch's keys to it on the
// reduce side (the same partition: the two exchanges hash keys alike) and looks keys up
// in it on the map side, while nothing adds to it, and gives the store their ids
// (AddID); every key it adds reaches the store, so the dictionary still holds only the
// state's keys and the keys removed since it was last built. The dictionary changes
// when Update rebuilds it: ask for it again after an Update.
func (u *StringUpdateStore[V, S]) Dict() *rt.KeyDict { return u.dict }

// atID returns the position of the key of id in Dict(), adding it at the end if it has
// none.
func (u *StringUpdateStore[V, S]) atID(id uint32) int {
	if int(id) < len(u.pos) && u.pos[id] != 0 {
		return int(u.pos[id]) - 1
	}
	return u.insert(id)
}

// AddID is Add for the key of id in Dict().
func (u *StringUpdateStore[V, S]) AddID(id uint32, v V) { u.group(u.atID(id), v) }

// Put sets k's state to s: the initial state, given before the first batch, or a state
// restored from a checkpoint. A new key goes to the end of the order.
func (u *StringUpdateStore[V, S]) Put(k string, s S) {
	if u.n != len(u.keys) {
		panic("state: StringUpdateStore.Put between Add and Update")
	}
	i, added := u.at(k)
	if added {
		u.n++
	}
	u.vals[i] = s
}

// Add records a new value for k in the current batch.
func (u *StringUpdateStore[V, S]) Add(k string, v V) {
	i, _ := u.at(k)
	u.group(i, v)
}

// group records new value v of the key at position i.
func (u *StringUpdateStore[V, S]) group(i int, v V) { u.grp[i] = u.news.add(u.grp[i], v) }

// Update ends the batch as UpdateStore.Update does: f is called once for every key that
// has state or new values, in the store's order, with the key's new values (nil when
// none, else a slice of its own) and its previous state; false removes the key. The key
// given to f aliases the dictionary's arena, which is never overwritten.
func (u *StringUpdateStore[V, S]) Update(f func(k string, news []V, prev S, had bool) (S, bool)) {
	buf := u.news.layout()
	j := 0
	for i, id := range u.keys {
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
		s, keep := f(u.dict.Key(id), news, prev, had)
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
	u.news.reset()
	u.compactIfSparse()
}

// compactIfSparse rebuilds the dictionary (compact) when the removed keys it holds
// outnumber the live ones.
func (u *StringUpdateStore[V, S]) compactIfSparse() {
	if dead := u.dict.Len() - u.n; dead > u.n && dead >= compactMin {
		u.compact()
	}
}

// compactMin is the number of removed keys below which the dictionary is never rebuilt
// (a variable so that tests can rebuild small stores).
var compactMin = 1024

// compact rebuilds the dictionary with the keys that have state, in the store's order
// (their ids become their positions), and drops the removed ones.
func (u *StringUpdateStore[V, S]) compact() {
	d := rt.NewKeyDict(len(u.keys))
	for i, id := range u.keys {
		u.keys[i], _ = d.Add(u.dict.Key(id))
	}
	u.dict = d
	u.pos = make([]int32, len(u.keys))
	for i, id := range u.keys {
		u.pos[id] = int32(i + 1)
	}
}

// Len returns the number of keys with state.
func (u *StringUpdateStore[V, S]) Len() int { return u.n }

// Key returns the key at position i (0 ≤ i < Len()), aliasing the dictionary's arena.
func (u *StringUpdateStore[V, S]) Key(i int) string { return u.dict.Key(u.keys[i]) }

// Values returns the states in the store's order (its storage: read it before the next
// Add).
func (u *StringUpdateStore[V, S]) Values() []S { return u.vals[:u.n] }

// Sorted returns the positions of the keys with state in byte order of their keys (to
// index Values and Key): the dictionary's order, kept from batch to batch, less the keys
// it holds without state. The slice is the store's own: read it before the next Add.
func (u *StringUpdateStore[V, S]) Sorted() []int32 {
	order := u.order[:0]
	for _, id := range u.dict.Sorted() {
		if int(id) < len(u.pos) {
			if p := u.pos[id]; p != 0 && int(p) <= u.n {
				order = append(order, p-1)
			}
		}
	}
	u.order = order
	return order
}

// Get returns k's state and whether it has one.
func (u *StringUpdateStore[V, S]) Get(k string) (S, bool) {
	if id, ok := u.dict.Find(k); ok && int(id) < len(u.pos) {
		if p := u.pos[id]; p != 0 && int(p) <= u.n {
			return u.vals[p-1], true
		}
	}
	var zero S
	return zero, false
}

// All iterates over the keys with state and their states in order: the operator's
// output, and the checkpoint's contents (restored with Put).
func (u *StringUpdateStore[V, S]) All() iter.Seq2[string, S] {
	return func(yield func(string, S) bool) {
		for i, id := range u.keys[:u.n] {
			if !yield(u.dict.Key(id), u.vals[i]) {
				return
			}
		}
	}
}

// SumID is AddID for a store whose update function is the running sum of word count,
// (news, total) => some(sum(news) + total.getOrElse(0)) on int values: the value is
// added to the key's state at once, so that the batch's values are neither grouped nor
// handed to a function per key. EndSums ends the batch. The states are Update's with
// that function, key for key and in the same order: int addition wraps around and is
// associative, so adding the values one by one to the previous total gives the sum of
// the news plus the total, and the function keeps every key.
func SumID(u *StringUpdateStore[int64, int64], id uint32, v int64) { u.vals[u.atID(id)] += v }

// Sum is Add for the running sum (see SumID).
func Sum(u *StringUpdateStore[int64, int64], k string, v int64) {
	i, _ := u.at(k)
	u.vals[i] += v
}

// EndSums ends a batch of SumID or Sum as Update with the running sum does: every key
// keeps its state, the batch's new keys (whose states are the sums of their values)
// joining the state in the order they came.
func EndSums(u *StringUpdateStore[int64, int64]) {
	u.n = len(u.keys)
	u.compactIfSparse()
}
