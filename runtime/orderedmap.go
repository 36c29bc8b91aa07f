package runtime

import (
	"iter"
	"unsafe"
)

// OrderedMap is a hash map that remembers insertion order: the keyed state that
// combining operators (reduceByKey, countByValue, groupByKey, ...) fill per partition.
// Iteration follows first insertion, so given the same input order it yields the same
// output order on every run, which a Go map does not.
//
// Keys and values live in parallel slices with an Index from key to position, so
// iteration is a slice walk and combining a record costs one lookup:
//
//	v, found := m.Ptr(k)
//	if found {
//		*v = reduce(*v, x)
//	} else {
//		*v = x
//	}
//
// Reset empties the map and keeps its storage for the next batch.
type OrderedMap[K comparable, V any] struct {
	index  Index[K]
	keys   []K
	vals   []V
	copies KeyCopies[K] // OwnKeys: new string keys are copied; else kept as given
}

// NewOrderedMap returns an empty map with room for hint keys.
func NewOrderedMap[K comparable, V any](hint int) *OrderedMap[K, V] {
	return &OrderedMap[K, V]{
		index: NewIndex[K](hint),
		keys:  make([]K, 0, hint),
		vals:  make([]V, 0, hint),
	}
}

// OwnKeys makes the map copy each string key when it is first inserted (see KeyCopies),
// for maps kept from batch to batch: a key cut from an input line would otherwise keep
// the large piece of its file that the line was cut from in memory. It returns m; call
// it before the first insertion.
func (m *OrderedMap[K, V]) OwnKeys() *OrderedMap[K, V] {
	m.copies = NewKeyCopies[K]()
	return m
}

// Len returns the number of keys.
func (m *OrderedMap[K, V]) Len() int { return len(m.keys) }

// Ptr returns a pointer to k's value, inserting k with the zero value at the end of the
// order if it is absent; found reports whether k was already present. The pointer is
// valid until the next insertion of a new key or Reset; use it right away.
func (m *OrderedMap[K, V]) Ptr(k K) (v *V, found bool) {
	var at At
	if m.index.m != nil {
		// Keys that are not strings: the Go map's lookup here, not through Find, which
		// is not inlined (this is every record's path).
		if i, ok := m.index.m[k]; ok {
			return &m.vals[i], true
		}
	} else if m.index.s != nil {
		// String keys: the string index's find directly, one call fewer than through
		// Index.Find.
		var i int
		if i, at = m.index.s.find(*(*string)(unsafe.Pointer(&k)), asStrings(m.keys)); i >= 0 {
			return &m.vals[i], true
		}
	} else if m.index.n != nil {
		// 64-bit integer keys: the integer index's find directly.
		var i int
		if i, at = m.index.n.find(*(*uint64)(unsafe.Pointer(&k))); i >= 0 {
			return &m.vals[i], true
		}
	} else {
		var i int
		if i, at = m.index.Find(k, m.keys); i >= 0 {
			return &m.vals[i], true
		}
	}
	k = m.copies.Copy(k)
	m.keys = append(m.keys, k)
	var zero V
	m.vals = append(m.vals, zero)
	m.index.Add(k, at, m.keys)
	return &m.vals[len(m.vals)-1], false
}

// HashKeyAt returns HashString of m's i-th key: from the packed form m's index keeps
// for a key of up to 16 bytes, so that a map-side combine sending its keys to their
// partitions does not read each key's bytes again where the batch's input holds them.
func HashKeyAt[V any](m *OrderedMap[string, V], i int) uint64 {
	if p, n, ok := packedAt(m, i); ok {
		return hashPacked(p, n)
	}
	return HashString(m.keys[i])
}

// packedAt returns the packed form and length of m's i-th key as m's string index keeps
// it, when the key has at most 16 bytes (longer keys are not kept packed).
func packedAt[V any](m *OrderedMap[string, V], i int) (p packed, n uint64, ok bool) {
	n = uint64(len(m.keys[i]))
	if x := m.index.s; x != nil && n <= 16 && i < len(x.inline) {
		return x.inline[i], n, true
	}
	return packed{}, 0, false
}

// Get returns k's value and whether k is present.
func (m *OrderedMap[K, V]) Get(k K) (V, bool) {
	if i, _ := m.index.Find(k, m.keys); i >= 0 {
		return m.vals[i], true
	}
	var zero V
	return zero, false
}

// Put sets k's value, appending k to the order if it is new.
func (m *OrderedMap[K, V]) Put(k K, v V) {
	p, _ := m.Ptr(k)
	*p = v
}

// At returns the i-th key and value in insertion order, 0 <= i < Len().
func (m *OrderedMap[K, V]) At(i int) (K, V) { return m.keys[i], m.vals[i] }

// Keys returns the keys in insertion order. The slice is the map's own storage: read it,
// do not keep it past the next change.
func (m *OrderedMap[K, V]) Keys() []K { return m.keys }

// Values returns the values in insertion order, parallel to Keys, with the same caveat.
func (m *OrderedMap[K, V]) Values() []V { return m.vals }

// All iterates over the entries in insertion order.
func (m *OrderedMap[K, V]) All() iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		for i, k := range m.keys {
			if !yield(k, m.vals[i]) {
				return
			}
		}
	}
}

// Reset removes every key, keeping the allocated storage. Old keys and values are
// zeroed so that they can be collected.
func (m *OrderedMap[K, V]) Reset() {
	m.index.Reset()
	m.copies.Reset()
	clear(m.keys)
	clear(m.vals)
	m.keys = m.keys[:0]
	m.vals = m.vals[:0]
}

// Retain keeps the entries for which keep returns true, in their order, and removes the
// others; keep may change the value through its pointer. It is the batch-wise sweep of
// state operators (updateStateByKey dropping keys whose state became none, mapWithState
// timeouts): one pass, no per-key reordering.
func (m *OrderedMap[K, V]) Retain(keep func(k K, v *V) bool) {
	j := 0
	for i, k := range m.keys {
		if !keep(k, &m.vals[i]) {
			m.copies.Drop(k)
			continue
		}
		if i != j {
			m.keys[j], m.vals[j] = k, m.vals[i]
		}
		j++
	}
	if j == len(m.keys) {
		return
	}
	clear(m.keys[j:])
	clear(m.vals[j:])
	m.keys, m.vals = m.keys[:j], m.vals[:j]
	m.copies.Compact(m.keys)
	m.index.Rebuild(m.keys)
}
