package runtime

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"sync"
	"unsafe"
)

// KeyDict is a run-wide dictionary of string keys to dense ids 0, 1, 2, … in order of
// first addition: the key dictionary that keyed stages can share so that, after the
// first lookup of a record's key, everything downstream works on a small integer. It is
// the proposal of bench/PERF_NOTES.md (issue #18): generated code does not use it yet.
//
// The map-side combine keeps its per-batch OrderedMap and gives each distinct key of
// the batch its id once (KeyIDs); then the shuffle carries (id, value) pairs, the reduce
// side merges by id in an array without hashing (IDCombiner), a keyed state is an array
// by id (state.DenseUpdateStore), printing reads keys from one arena, and sortByKey
// orders ids by their rank in byte order of the keys (SortByRank), which the dictionary
// keeps from batch to batch (Sorted): only the keys added since the last sort are
// sorted, then merged in.
//
// The table is open addressing with linear probing; a slot holds the key's first 8
// bytes and its tag and id, so a lookup of a key of up to 8 bytes reads one slot; keys
// of 9 to 16 bytes compare one more word (his), longer ones their bytes. The keys live
// in one arena, so Key returns them without copying and they sit together in memory.
//
// Find may run on many goroutines at once while nothing is added; Add and Sorted run
// alone, between the parallel phases of a batch (see KeyIDs).
//
// A dictionary only grows: it suits keys that a run keeps meeting (words, ads,
// campaigns, the keys of a state). Generated code that used it for keys of unbounded
// variety would have to rebuild it now and then with only the live keys (see
// bench/PERF_NOTES.md).
type KeyDict struct {
	slots  []dictSlot
	shift  uint // 64 - log2(len(slots))
	arena  []byte
	offs   []uint32 // key id is arena[offs[id]:offs[id+1]]
	his    []uint64 // by id: bytes 9 to 16 of a key of 9 to 16 bytes
	hashes []uint64 // by id: HashString of the key, the exchanges' partitioning hash
	// sorted holds the ids in byte order of their keys, up to id len(sorted); rank is
	// its inverse: rank[sorted[r]] = r.
	sorted  []uint32
	rank    []uint32
	scratch []uint32
}

// dictSlot is one slot of a KeyDict: the key's first 8 bytes, and tag<<32 | id+1 (0 is
// an empty slot).
type dictSlot struct {
	key  uint64
	meta uint64
}

// NewKeyDict returns an empty dictionary with room for about hint keys.
func NewKeyDict(hint int) *KeyDict {
	d := &KeyDict{offs: []uint32{0}}
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
func (d *KeyDict) Len() int { return len(d.hashes) }

// Key returns the key of id. It aliases the dictionary's arena, which is never
// overwritten: the string stays valid for as long as it is used.
func (d *KeyDict) Key(id uint32) string {
	lo, hi := d.offs[id], d.offs[id+1]
	if lo == hi {
		return ""
	}
	return unsafe.String(&d.arena[lo], int(hi-lo))
}

// PartHash returns HashString of id's key, stored at Add: exchanges bucket ids by it,
// so that a key goes to the partition it went to as a string.
func (d *KeyDict) PartHash(id uint32) uint64 { return d.hashes[id] }

// Find returns the id of k, if k is in the dictionary.
func (d *KeyDict) Find(k string) (uint32, bool) {
	p, n := pack(k)
	h := keyHash(k, p, n)
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

// Add returns the id of k, adding a copy of k if it is new.
func (d *KeyDict) Add(k string) uint32 {
	if id, ok := d.Find(k); ok {
		return id
	}
	id := uint32(len(d.hashes))
	d.arena = append(d.arena, k...)
	d.offs = append(d.offs, uint32(len(d.arena)))
	p, n := pack(k)
	d.his = append(d.his, p.hi)
	d.hashes = append(d.hashes, HashString(k))
	if 2*len(d.hashes) > len(d.slots) { // keep the load at most 1/2
		d.alloc(2 * len(d.slots))
		for i := range id {
			d.place(uint32(i))
		}
	}
	d.placeHashed(id, p, keyHash(k, p, n), n)
	return id
}

func (d *KeyDict) place(id uint32) {
	k := d.Key(id)
	p, n := pack(k)
	d.placeHashed(id, p, keyHash(k, p, n), n)
}

func (d *KeyDict) placeHashed(id uint32, p packed, h, n uint64) {
	mask := uint64(len(d.slots) - 1)
	slot := h >> d.shift
	for d.slots[slot].meta != 0 {
		slot = (slot + 1) & mask
	}
	d.slots[slot] = dictSlot{key: p.lo, meta: dictTag(h, n)<<32 | uint64(id+1)}
}

// Sorted returns every id in byte order of its key, and brings Rank up to date. The
// order of the ids known at the last call is kept: only the ids added since are sorted
// (by their first 8 bytes as a big-endian word, then the rest on a tie), and merged in.
// The slice is the dictionary's own: read it, do not keep it past the next Add.
func (d *KeyDict) Sorted() []uint32 {
	done := len(d.sorted)
	if done == d.Len() {
		return d.sorted
	}
	fresh := d.sortFresh(done)
	if done == 0 {
		d.sorted = append(d.sorted, fresh...)
	} else {
		merged := make([]uint32, 0, d.Len())
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
		d.sorted = append(merged, fresh[j:]...)
	}
	d.scratch = fresh[:0]
	d.rank = slices.Grow(d.rank[:0], len(d.sorted))[:len(d.sorted)]
	for r, id := range d.sorted {
		d.rank[id] = uint32(r)
	}
	return d.sorted
}

// sortFresh returns the ids from done on in byte order of their keys: a radix sort of
// their first 8 bytes (big-endian words, with the id in the low half of a 128-bit
// entry), 11 bits a pass over the bits that vary, then a comparison sort of each run of
// equal prefixes (keys that may differ past their 8th byte).
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
	fresh := d.scratch[:0]
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

// Rank returns the position of id's key in byte order among the keys known at the last
// call of Sorted (which id must be one of).
func (d *KeyDict) Rank(id uint32) uint32 { return d.rank[id] }

// Ranks returns the rank of every id known at the last Sorted, indexed by id: the
// comparison of a sortByKey on ids is ranks[a] < ranks[b].
func (d *KeyDict) Ranks() []uint32 { return d.rank }

// SortByRank sorts s, whose elements carry ids of d (id(&e)), in byte order of their
// keys, stably; every id must be known to the last call of d.Sorted. Ranks are dense
// integers below d.Len(), so this is a radix sort of 11 bits a pass over the bits that
// vary (two passes below 2^22 keys), then one move of the elements.
func SortByRank[T any](s []T, d *KeyDict, id func(*T) uint32) {
	n := len(s)
	if n < 2 {
		return
	}
	pb := rankPool.Get().(*[]uint64)
	if cap(*pb) < 2*n {
		*pb = make([]uint64, 2*n)
	}
	buf := (*pb)[:2*n]
	a, tmp := buf[:n:n], buf[n:]
	ranks := d.rank
	for i := range s {
		a[i] = uint64(ranks[id(&s[i])])<<32 | uint64(i)
	}
	maxRank := uint64(len(ranks))
	for shift := uint(32); shift < 64 && maxRank>>(shift-32) != 0; shift += 11 {
		var count [2048]uint32
		for _, e := range a {
			count[(e>>shift)&2047]++
		}
		var sum uint32
		for i, c := range count {
			count[i] = sum
			sum += c
		}
		for _, e := range a {
			b := (e >> shift) & 2047
			tmp[count[b]] = e
			count[b]++
		}
		a, tmp = tmp, a
	}
	permute(s, a)
	rankPool.Put(pb)
}

// rankPool keeps SortByRank's buffers from batch to batch: one buffer of 2n words per
// sort, cut into its two halves by the sort that holds it.
var rankPool = sync.Pool{New: func() any { return new([]uint64) }}

// permute moves s[uint32(a[j])] to s[j] for every j, following the permutation's cycles;
// it clobbers a.
func permute[T any](s []T, a []uint64) {
	for j := range a {
		if int(uint32(a[j])) == j {
			continue
		}
		first := s[j]
		k := j
		for {
			src := int(uint32(a[k]))
			a[k] = uint64(k)
			if src == j {
				s[k] = first
				break
			}
			s[k] = s[src]
			k = src
		}
	}
}

// IDCombiner is the reduce side of a keyed stage over a KeyDict (reduceByKey's merge of
// the map-side partials, which arrive as (id, value) pairs): one value per key of the
// batch in an array indexed by id, in first-insertion order, as OrderedMap keeps them, so
// that the stage's output order is the one it has with an OrderedMap of the keys.
//
//	c.Reset()
//	for each (id, v) received: acc, found := c.Ptr(id); if found { *acc = f(*acc, v) } else { *acc = v }
//	for _, id := range c.IDs() { emit(id, c.Value(id)) }
type IDCombiner[V any] struct {
	dict  *KeyDict
	vals  []V      // by id
	stamp []uint32 // by id: gen when the id has a value this batch
	gen   uint32
	order []uint32 // the batch's ids in first-insertion order
}

// NewIDCombiner returns a combiner of ids of d.
func NewIDCombiner[V any](d *KeyDict) *IDCombiner[V] { return &IDCombiner[V]{dict: d} }

// Reset empties the combiner for a batch and sizes it for the dictionary's ids: every id
// given to Ptr until the next Reset must be below d.Len() now.
func (c *IDCombiner[V]) Reset() {
	if n := c.dict.Len(); len(c.vals) < n {
		c.vals = slices.Grow(c.vals, n-len(c.vals))[:n]
		c.stamp = slices.Grow(c.stamp, n-len(c.stamp))[:n]
	}
	c.gen++
	if c.gen == 0 { // wrapped: no stamp may look current
		clear(c.stamp)
		c.gen = 1
	}
	c.order = c.order[:0]
}

// Ptr returns a pointer to id's value, inserting id with the zero value if it has none
// this batch; found reports whether it had one. The pointer is valid until the next
// Reset.
func (c *IDCombiner[V]) Ptr(id uint32) (v *V, found bool) {
	if c.stamp[id] == c.gen {
		return &c.vals[id], true
	}
	c.stamp[id] = c.gen
	c.order = append(c.order, id)
	var zero V
	c.vals[id] = zero
	return &c.vals[id], false
}

// Len returns the number of keys of the batch.
func (c *IDCombiner[V]) Len() int { return len(c.order) }

// IDs returns the batch's ids in first-insertion order. The slice is the combiner's
// own: read it before the next Reset.
func (c *IDCombiner[V]) IDs() []uint32 { return c.order }

// Value returns the value of id, one of IDs.
func (c *IDCombiner[V]) Value(id uint32) V { return c.vals[id] }

// KeyIDs gives the keys of a partition's batch result (an OrderedMap's Keys, say) their
// dictionary ids, in the two phases of a batch: Lookup in the parallel phase, while the
// dictionary is read-only, notes the ids of the keys it holds and which keys it lacks;
// Resolve, on one goroutine after the phase, adds those. A map-side combine can keep its
// per-batch OrderedMap, whose small table serves the batch's many lookups best, and look
// each distinct key up in the run-wide dictionary once, so that what follows it (the
// shuffle, the merge, sorting, state, printing) works on ids.
type KeyIDs struct {
	ids     []uint32
	missing []int32 // positions of the keys Lookup did not find
}

// Lookup sets the ids of keys that d holds and notes the others. d must not change
// until Lookup returns; it may run for many KeyIDs at once.
func (x *KeyIDs) Lookup(d *KeyDict, keys []string) {
	x.ids = slices.Grow(x.ids[:0], len(keys))[:len(keys)]
	x.missing = x.missing[:0]
	for i, k := range keys {
		id, ok := d.Find(k)
		if !ok {
			x.missing = append(x.missing, int32(i))
		}
		x.ids[i] = id
	}
}

// Resolve adds the keys Lookup did not find to d and sets their ids; keys must be the
// slice given to Lookup. It runs alone.
func (x *KeyIDs) Resolve(d *KeyDict, keys []string) {
	for _, i := range x.missing {
		x.ids[i] = d.Add(keys[i])
	}
	x.missing = x.missing[:0]
}

// IDs returns the ids, parallel to the keys given to Lookup, once resolved.
func (x *KeyIDs) IDs() []uint32 { return x.ids }
