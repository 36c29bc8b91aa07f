package runtime

import (
	"reflect"
	"unsafe"
)

// Index maps the keys of a slice its owner keeps to their positions in it: the index
// of OrderedMap and of the state stores, which keep keys, values and bookkeeping in
// parallel slices in a deterministic order and need only key → position on the side.
// Keys whose underlying type is string (most keys) are indexed by a strIndex, built for
// lookups of short keys (see strindex.go); 64-bit integers by an intIndex
// (intindex.go); other keys by a Go map.
//
// The owner appends keys itself and tells the index, passing its key slice to every
// call, so that the index does not keep a second copy of the keys:
//
//	i, at := x.Find(k, keys)
//	if i < 0 {
//		keys = append(keys, k)
//		x.Add(k, at, keys)
//	}
type Index[K comparable] struct {
	m map[K]int32
	s *strIndex
	n *intIndex
}

// At is where Find found a key or, when it missed, would put it; Add takes it so as not
// to search again. It is valid until the index changes. Keys that are not strings leave
// it empty.
type At struct {
	p    packed // the key packed (strIndex)
	t    uint64 // its tag
	slot uint64 // its slot, or the empty slot ending its probe
}

// NewIndex returns an empty index with room for hint keys.
func NewIndex[K comparable](hint int) Index[K] {
	switch reflect.TypeFor[K]().Kind() {
	case reflect.String:
		return Index[K]{s: newStrIndex(hint)}
	case reflect.Int, reflect.Int64, reflect.Uint, reflect.Uint64, reflect.Uintptr:
		if unsafe.Sizeof(*new(K)) == 8 {
			return Index[K]{n: newIntIndex(hint)}
		}
	}
	return Index[K]{m: make(map[K]int32, hint)}
}

// Find returns k's position in keys, or -1 and where Add would put it.
//
// Generic methods are not inlined into generic callers, so a caller on every record's
// path (OrderedMap.Ptr) looks keys up in x.m or x.s itself.
func (x *Index[K]) Find(k K, keys []K) (int, At) {
	if x.s != nil {
		return x.s.find(*(*string)(unsafe.Pointer(&k)), asStrings(keys))
	}
	if x.n != nil {
		return x.n.find(*(*uint64)(unsafe.Pointer(&k)))
	}
	if x.m == nil { // the zero Index gets its table on first use
		*x = NewIndex[K](0)
		return x.Find(k, keys)
	}
	if i, ok := x.m[k]; ok {
		return int(i), At{}
	}
	return -1, At{}
}

// Add indexes k, which Find just missed (at) and which the owner has appended to keys.
func (x *Index[K]) Add(k K, at At, keys []K) {
	if x.s != nil {
		x.s.insert(at, asStrings(keys))
		return
	}
	if x.n != nil {
		x.n.insert(*(*uint64)(unsafe.Pointer(&k)), at, len(keys)-1)
		return
	}
	x.m[k] = int32(len(keys) - 1)
}

// Remove drops k from the index. keys must keep every key at its position until the
// next Rebuild or Reset: the owner marks k's slot dead and compacts later.
func (x *Index[K]) Remove(k K, keys []K) {
	if x.s != nil {
		x.s.remove(*(*string)(unsafe.Pointer(&k)), asStrings(keys))
		return
	}
	if x.n != nil {
		x.n.remove(*(*uint64)(unsafe.Pointer(&k)))
		return
	}
	delete(x.m, k)
}

// Rebuild indexes keys anew after the owner reordered or compacted them: afterwards the
// index holds exactly the keys of keys, at their positions.
func (x *Index[K]) Rebuild(keys []K) {
	if x.s != nil {
		x.s.rebuild(asStrings(keys))
		return
	}
	if x.n != nil {
		x.n.rebuild(unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(keys))), len(keys)))
		return
	}
	if x.m == nil { // the zero Index
		*x = NewIndex[K](len(keys))
		if x.m == nil {
			x.Rebuild(keys)
			return
		}
	}
	clear(x.m)
	for i, k := range keys {
		x.m[k] = int32(i)
	}
}

// Reset empties the index, keeping its storage.
func (x *Index[K]) Reset() {
	if x.s != nil {
		x.s.reset()
	}
	if x.n != nil {
		x.n.reset()
	}
	clear(x.m)
}

// asStrings views keys whose underlying type is string as strings.
func asStrings[K comparable](keys []K) []string {
	return unsafe.Slice((*string)(unsafe.Pointer(unsafe.SliceData(keys))), len(keys))
}
