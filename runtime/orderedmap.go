package runtime

import (
	"iter"
	"reflect"
	"strings"
	"unsafe"
)

// OrderedMap is a hash map that remembers insertion order: the keyed state that
// combining operators (reduceByKey, countByValue, groupByKey, ...) fill per partition.
// Iteration follows first insertion, so given the same input order it yields the same
// output order on every run, which a Go map does not.
//
// Keys and values live in parallel slices indexed by a map from key to position, so
// iteration is a slice walk and combining a record costs one map lookup:
//
//	v, found := m.Ptr(k)
//	if found {
//		*v = reduce(*v, x)
//	} else {
//		*v = x
//	}
//
// Reset empties the map and keeps its storage for the next batch.
//
// Keys whose underlying type is string, by far the most common, are indexed by a
// strIndex instead of a Go map (see strindex.go for why); other keys by a Go map.
type OrderedMap[K comparable, V any] struct {
	index map[K]int // key → position, for keys that are not strings
	str   *strIndex // key → position, for string keys
	keys  []K
	vals  []V
	clone func(K) K // copies a new key (OwnKeys); nil: keys are kept as given
}

// NewOrderedMap returns an empty map with room for hint keys.
func NewOrderedMap[K comparable, V any](hint int) *OrderedMap[K, V] {
	m := &OrderedMap[K, V]{
		keys: make([]K, 0, hint),
		vals: make([]V, 0, hint),
	}
	m.init(hint)
	return m
}

// init creates the index: a strIndex when K's underlying type is string.
func (m *OrderedMap[K, V]) init(hint int) {
	if reflect.TypeFor[K]().Kind() == reflect.String {
		m.str = newStrIndex(hint)
	} else {
		m.index = make(map[K]int, hint)
	}
}

// strKeys views the keys as strings; K's underlying type is string when m.str is set.
func (m *OrderedMap[K, V]) strKeys() []string {
	return unsafe.Slice((*string)(unsafe.Pointer(unsafe.SliceData(m.keys))), len(m.keys))
}

// OwnKeys makes the map copy each string key when it is first inserted (see KeyCloner),
// for maps kept from batch to batch: a key cut from an input line would otherwise keep
// the large piece of its file that the line was cut from in memory. It returns m; call it before the first insertion.
func (m *OrderedMap[K, V]) OwnKeys() *OrderedMap[K, V] {
	m.clone = KeyCloner[K]()
	return m
}

// Len returns the number of keys.
func (m *OrderedMap[K, V]) Len() int { return len(m.keys) }

// Ptr returns a pointer to k's value, inserting k with the zero value at the end of the
// order if it is absent; found reports whether k was already present. The pointer is
// valid until the next insertion of a new key or Reset; use it right away.
func (m *OrderedMap[K, V]) Ptr(k K) (v *V, found bool) {
	if m.str != nil {
		return m.strPtr(k)
	}
	if i, ok := m.index[k]; ok {
		return &m.vals[i], true
	}
	if m.index == nil {
		m.init(0)
		return m.Ptr(k)
	}
	if m.clone != nil {
		k = m.clone(k)
	}
	m.index[k] = len(m.keys)
	return m.push(k), false
}

// strPtr is Ptr for string keys.
func (m *OrderedMap[K, V]) strPtr(k K) (v *V, found bool) {
	s := *(*string)(unsafe.Pointer(&k))
	i, p, _, t, slot := m.str.find(s, m.strKeys())
	if i >= 0 {
		return &m.vals[i], true
	}
	if m.clone != nil {
		k = m.clone(k)
	}
	v = m.push(k)
	m.str.insert(p, t, slot, m.strKeys())
	return v, false
}

// push appends k with the zero value and returns a pointer to that value.
func (m *OrderedMap[K, V]) push(k K) *V {
	m.keys = append(m.keys, k)
	var zero V
	m.vals = append(m.vals, zero)
	return &m.vals[len(m.vals)-1]
}

// Get returns k's value and whether k is present.
func (m *OrderedMap[K, V]) Get(k K) (V, bool) {
	if m.str != nil {
		if i, _, _, _, _ := m.str.find(*(*string)(unsafe.Pointer(&k)), m.strKeys()); i >= 0 {
			return m.vals[i], true
		}
	} else if i, ok := m.index[k]; ok {
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
	clear(m.index)
	if m.str != nil {
		m.str.reset()
	}
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
			if m.str == nil {
				delete(m.index, k)
			}
			continue
		}
		if i != j {
			m.keys[j], m.vals[j] = k, m.vals[i]
			if m.str != nil {
				m.str.inline[j] = m.str.inline[i]
			} else {
				m.index[k] = j
			}
		}
		j++
	}
	removed := j < len(m.keys)
	clear(m.keys[j:])
	clear(m.vals[j:])
	m.keys, m.vals = m.keys[:j], m.vals[:j]
	if m.str != nil && removed {
		// An open-addressing table cannot simply drop entries; index the survivors anew.
		m.str.inline = m.str.inline[:j]
		m.str.rebuild(m.strKeys(), len(m.str.slots))
	}
}

// KeyCloner returns, for a key type whose underlying type is string, a function that
// copies a key into memory of its own (strings.Clone), and nil for every other key type.
//
// Stores that keep keys from batch to batch (updateStateByKey and mapWithState state,
// window partials) call it once when they are created and apply it to each key they
// insert. Sources hand out records that share a larger buffer — the files source cuts
// the lines of a file out of a few 1 MiB strings, and a word is a substring of its
// line — so a kept key that shares it would keep that whole buffer alive. Copying costs one allocation
// per new key, not per record. Keys of other types (numbers, tuples, records) are kept
// as given: a record key holding a substring still shares its buffer.
func KeyCloner[K comparable]() func(K) K {
	if reflect.TypeFor[K]().Kind() != reflect.String {
		return nil
	}
	return func(k K) K {
		// K's underlying type is string, so its memory is a string header.
		p := (*string)(unsafe.Pointer(&k))
		*p = strings.Clone(*p)
		return k
	}
}
