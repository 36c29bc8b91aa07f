package runtime

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"unsafe"
)

// KeyDict is a dictionary of string keys to dense ids 0, 1, 2, … in order of first
// addition, with the ids kept in byte order of their keys from call to call of Sorted.
// state.StringUpdateStore indexes a state's keys with it: a lookup of a key of up to 8
// bytes reads one slot, the keys live together in one arena, and a sortByKey after the
// state is a walk of Sorted instead of a sort of every key per batch (bench/PERF_NOTES.md,
// issue #18).
//
// The table is open addressing with linear probing at a load of at most 1/2; a slot
// holds the key's first 8 bytes and its tag and id, so a lookup of a key of up to 8 bytes
// reads one slot; keys of 9 to 16 bytes compare one more word (his), longer ones their
// bytes.
//
// A dictionary only grows: its owner rebuilds it with the live keys when too many are
// gone (state.StringUpdateStore does when the dead ids outnumber the live ones).
// Find may run on many goroutines at once while nothing is added.
type KeyDict struct {
	slots []dictSlot
	shift uint // 64 - log2(len(slots))
	arena []byte
	offs  []uint32 // key id is arena[offs[id]:offs[id+1]]
	his   []uint64 // by id: bytes 9 to 16 of a key of 9 to 16 bytes
	// sorted holds the ids below len(sorted) in byte order of their keys; spare is the
	// other buffer of the merge that brings it up to date.
	sorted, spare []uint32
}

// dictSlot is one slot of a KeyDict: the key's first 8 bytes, and tag<<32 | id+1 (0 is
// an empty slot).
type dictSlot struct {
	key  uint64
	meta uint64
}

// NewKeyDict returns an empty dictionary with room for about hint keys.
func NewKeyDict(hint int) *KeyDict {
	d := &KeyDict{offs: make([]uint32, 1, hint+1), his: make([]uint64, 0, hint)}
	d.alloc(max(strMinSlots, 2*slotsFor(hint)))
	return d
}

func (d *KeyDict) alloc(n int) {
	d.slots = make([]dictSlot, n)
	d.shift = uint(64 - bits.TrailingZeros(uint(n)))
}

// dictTag is the high half of a slot's meta: 27 bits of the hash above the key's length
// code + 1, never 0.
func dictTag(h, n uint64) uint64 { return (h>>32)&^0x1f | (n + 1) }

// Len returns the number of keys; ids are 0 to Len()-1.
func (d *KeyDict) Len() int { return len(d.his) }

// Key returns the key of id. It aliases the dictionary's arena, whose bytes are never
// overwritten: the string stays valid for as long as it is used.
func (d *KeyDict) Key(id uint32) string {
	lo, hi := d.offs[id], d.offs[id+1]
	if lo == hi {
		return ""
	}
	return unsafe.String(&d.arena[lo], int(hi-lo))
}

// Find returns the id of k, if k is in the dictionary.
func (d *KeyDict) Find(k string) (uint32, bool) {
	p, n := pack(k)
	return d.find(k, p, n, keyHash(k, p, n))
}

func (d *KeyDict) find(k string, p packed, n, h uint64) (uint32, bool) {
	t := dictTag(h, n)
	mask := uint64(len(d.slots) - 1)
	for slot := h >> d.shift; ; slot = (slot + 1) & mask {
		s := &d.slots[slot]
		if s.meta>>32 == t && s.key == p.lo {
			id := uint32(s.meta) - 1
			if n <= 8 || n <= 16 && d.his[id] == p.hi || n == lenLong && d.Key(id) == k {
				return id, true
			}
		} else if s.meta == 0 {
			return 0, false
		}
	}
}

// Add returns the id of k, adding a copy of k if it is new; added reports whether it
// was.
func (d *KeyDict) Add(k string) (id uint32, added bool) {
	p, n := pack(k)
	h := keyHash(k, p, n)
	if id, ok := d.find(k, p, n, h); ok {
		return id, false
	}
	id = uint32(len(d.his))
	d.arena = append(d.arena, k...)
	d.offs = append(d.offs, uint32(len(d.arena)))
	d.his = append(d.his, p.hi)
	if 2*len(d.his) > len(d.slots) { // keep the load at most 1/2
		d.alloc(2 * len(d.slots))
		for i := range id {
			k := d.Key(i)
			p, n := pack(k)
			d.place(i, p, keyHash(k, p, n), n)
		}
	}
	d.place(id, p, h, n)
	return id, true
}

func (d *KeyDict) place(id uint32, p packed, h, n uint64) {
	mask := uint64(len(d.slots) - 1)
	slot := h >> d.shift
	for d.slots[slot].meta != 0 {
		slot = (slot + 1) & mask
	}
	d.slots[slot] = dictSlot{key: p.lo, meta: dictTag(h, n)<<32 | uint64(id+1)}
}

// Sorted returns every id in byte order of its key. The order of the ids known at the
// last call is kept: only the ids added since are sorted (by their first 8 bytes as a
// big-endian word, then the rest on a tie), and merged in. The slice is the
// dictionary's own: read it, do not keep it past the next Add or Sorted.
func (d *KeyDict) Sorted() []uint32 {
	done := len(d.sorted)
	if done == d.Len() {
		return d.sorted
	}
	fresh := d.sortFresh(done)
	if done == 0 {
		d.sorted = append(d.sorted, fresh...)
		return d.sorted
	}
	merged := slices.Grow(d.spare[:0], d.Len())
	if len(fresh)*32 < len(d.sorted) {
		// A few new keys: each finds its place by binary search, and the runs of old
		// ids between them are copied whole.
		i := 0
		for _, id := range fresh {
			at, _ := slices.BinarySearchFunc(d.sorted[i:], id, d.compare)
			merged = append(merged, d.sorted[i:i+at]...)
			merged = append(merged, id)
			i += at
		}
		merged = append(merged, d.sorted[i:]...)
	} else {
		i, j := 0, 0
		for i < len(d.sorted) && j < len(fresh) {
			if d.compare(d.sorted[i], fresh[j]) < 0 {
				merged = append(merged, d.sorted[i])
				i++
			} else {
				merged = append(merged, fresh[j])
				j++
			}
		}
		merged = append(merged, d.sorted[i:]...)
		merged = append(merged, fresh[j:]...)
	}
	d.sorted, d.spare = merged, d.sorted
	return d.sorted
}

// sortFresh returns the ids from done on in byte order of their keys: a radix sort of
// their first 8 bytes (big-endian words, with the id beside), 11 bits a pass over the
// bits that vary, then a comparison sort of each run of equal prefixes (keys that may
// differ past their 8th byte).
func (d *KeyDict) sortFresh(done int) []uint32 {
	n := d.Len() - done
	type entry struct {
		pre uint64
		id  uint32
	}
	a, tmp := make([]entry, n), make([]entry, n)
	var or, and uint64 = 0, ^uint64(0)
	for i := range a {
		id := uint32(done + i)
		p := prefixBE(d.Key(id))
		a[i] = entry{pre: p, id: id}
		or, and = or|p, and&p
	}
	varying := or &^ and // the bits that differ between some two prefixes
	for shift := uint(0); shift < 64; shift += 11 {
		if varying>>shift&2047 == 0 {
			continue
		}
		var count [2048]uint32
		for _, e := range a {
			count[e.pre>>shift&2047]++
		}
		var sum uint32
		for i, c := range count {
			count[i] = sum
			sum += c
		}
		for _, e := range a {
			b := e.pre >> shift & 2047
			tmp[count[b]] = e
			count[b]++
		}
		a, tmp = tmp, a
	}
	fresh := make([]uint32, 0, n)
	for i := 0; i < n; {
		j := i + 1
		for j < n && a[j].pre == a[i].pre {
			j++
		}
		if j-i > 1 {
			slices.SortFunc(a[i:j], func(x, y entry) int { return d.compare(x.id, y.id) })
		}
		for _, e := range a[i:j] {
			fresh = append(fresh, e.id)
		}
		i = j
	}
	return fresh
}

// compare orders ids by their keys' bytes: the first 8 as a big-endian word first.
func (d *KeyDict) compare(a, b uint32) int {
	ka, kb := d.Key(a), d.Key(b)
	if pa, pb := prefixBE(ka), prefixBE(kb); pa != pb {
		if pa < pb {
			return -1
		}
		return 1
	}
	switch {
	case ka < kb:
		return -1
	case ka > kb:
		return 1
	}
	return 0
}

// prefixBE is the first 8 bytes of k as a big-endian word, zero-padded.
func prefixBE(k string) uint64 {
	if len(k) >= 8 {
		return binary.BigEndian.Uint64(unsafe.Slice(unsafe.StringData(k), 8))
	}
	var b [8]byte
	copy(b[:], k)
	return binary.BigEndian.Uint64(b[:])
}

// NoID is the id of no key: a KeyOrID whose key the dictionary lacked.
const NoID = ^uint32(0)

// KeyOrID is an element of the exchange into the reduce side of a keyed chain whose keys
// live in a KeyDict per partition of the reduce side (generated code: a string-keyed
// reduceByKey whose result goes whole to updateStateByKey, the state's store owning the
// dictionary): the key's id in the destination partition's dictionary, or NoID and the
// key itself when the dictionary did not hold it yet when the map side looked, and the
// value.
type KeyOrID[V any] struct {
	Key string
	ID  uint32
	V   V
}

// SendByID is the end of the map side of such a chain: it appends m's entries (the
// partition's combined keys and values) to out, one buffer per reduce-side partition,
// each to the partition Bucket(HashString(k), len(out)) picks, by its id in that
// partition's dictionary (dict(d)) or with the key when the dictionary lacks it, in m's
// order. A key of up to 16 bytes is hashed and looked up from the packed form m's index
// keeps beside it, so that the key's own bytes, somewhere in the batch's input, are not
// read again: BenchmarkSendByID against BenchmarkSendByIDBytes, the loop it replaced
// (word count's batches, one partition, the dictionary holding every key).
func SendByID[V any](m *OrderedMap[string, V], out [][]KeyOrID[V], dict func(d int) *KeyDict) {
	var few [8]*KeyDict
	dicts := few[:0]
	for d := range out {
		dicts = append(dicts, dict(d))
	}
	for i, k := range m.keys {
		var id uint32
		var ok bool
		d := 0
		if p, n, short := packedAt(m, i); short {
			if len(out) > 1 {
				d = Bucket(hashPacked(p, n), len(out))
			}
			id, ok = dicts[d].find(k, p, n, p.hash(n))
		} else {
			if len(out) > 1 {
				d = Bucket(HashString(k), len(out))
			}
			id, ok = dicts[d].Find(k)
		}
		e := KeyOrID[V]{ID: id, V: m.vals[i]}
		if !ok {
			e.ID, e.Key = NoID, k
		}
		out[d] = append(out[d], e)
	}
}

// IDValue is an element of an exchange between two partitions that share a KeyDict: the
// key's id and the value.
type IDValue[V any] struct {
	ID uint32
	V  V
}

// IDMerge is the reduce side of a keyed stage over a KeyDict: one value per key of the
// batch in an array indexed by id, and the batch's ids in first-insertion order, as an
// OrderedMap of the keys keeps them, so that the stage's output order is the one it has
// with an OrderedMap.
//
//	m.Reset()
//	for each (id, v) received: acc, found := m.Ptr(id); if found { *acc = f(*acc, v) } else { *acc = v }
//	for _, id := range m.IDs() { emit(id, m.Value(id)) }
type IDMerge[V any] struct {
	vals   []V      // by id
	stamp  []uint32 // by id: gen when the id has a value this batch
	gen    uint32
	order  []uint32 // the batch's ids in first-insertion order
	sorted []uint32 // Sorted's result
}

// NewIDMerge returns an empty merge.
func NewIDMerge[V any]() *IDMerge[V] { return &IDMerge[V]{} }

// Reset empties the merge for a batch.
func (m *IDMerge[V]) Reset() {
	m.gen++
	if m.gen == 0 { // wrapped: no stamp may look current
		clear(m.stamp)
		m.gen = 1
	}
	m.order = m.order[:0]
}

// Ptr returns a pointer to id's value, inserting id with the zero value if it has none
// this batch; found reports whether it had one. The pointer is valid until the next Ptr.
func (m *IDMerge[V]) Ptr(id uint32) (v *V, found bool) {
	if int(id) >= len(m.stamp) {
		m.grow(id)
	}
	if m.stamp[id] == m.gen {
		return &m.vals[id], true
	}
	m.stamp[id] = m.gen
	m.order = append(m.order, id)
	var zero V
	m.vals[id] = zero
	return &m.vals[id], false
}

func (m *IDMerge[V]) grow(id uint32) {
	n := max(int(id)+1, 2*len(m.stamp), 64)
	m.vals = slices.Grow(m.vals, n-len(m.vals))[:n]
	m.stamp = slices.Grow(m.stamp, n-len(m.stamp))[:n]
}

// Has reports whether id has a value this batch.
func (m *IDMerge[V]) Has(id uint32) bool { return int(id) < len(m.stamp) && m.stamp[id] == m.gen }

// Len returns the number of keys of the batch.
func (m *IDMerge[V]) Len() int { return len(m.order) }

// IDs returns the batch's ids in first-insertion order. The slice is the merge's own:
// read it before the next Reset.
func (m *IDMerge[V]) IDs() []uint32 { return m.order }

// Value returns the value of id, one of IDs.
func (m *IDMerge[V]) Value(id uint32) V { return m.vals[id] }

// Sorted returns the batch's ids in byte order of their keys in d, which holds them: a
// walk of d.Sorted(), which keeps its order from batch to batch, instead of a sort of
// the batch's keys. The slice is the merge's own: read it before the next Sorted.
func (m *IDMerge[V]) Sorted(d *KeyDict) []uint32 {
	s := m.sorted[:0]
	for _, id := range d.Sorted() {
		if m.Has(id) {
			s = append(s, id)
		}
	}
	m.sorted = s
	return s
}
