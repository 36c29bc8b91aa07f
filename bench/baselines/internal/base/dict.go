package base

import (
	"bytes"
	"math/bits"
	"slices"
)

// Dict is a run-wide dictionary of byte strings (words, ad ids) to dense ids 0, 1, 2, …
// in order of first appearance: open addressing with linear probing, the id and the
// string's first 8 bytes and length in the slot, so that a lookup of a string of up to 8
// bytes is one hash, one slot read and one comparison of two words, and the strings
// themselves live in one arena. Per-batch counting is then an array increment by id.
//
// Find may run on many goroutines at once while nothing is added; Add runs alone.
type Dict struct {
	slots  []slot
	shift  uint // 64 - log2(len(slots)): the top bits of a hash index the table
	arena  []byte
	offs   []uint32 // string id is arena[offs[id]:offs[id+1]]
	hashes []uint64 // by id, to grow the table without hashing again
	prefix []uint64 // by id: the first 8 bytes big-endian, zero-padded, to sort by
	// sorted holds the ids in byte order of their strings, up to id sortedUpTo.
	sorted     []uint32
	sortedUpTo int
	scratch    []uint32
}

type slot struct {
	pre uint64 // the first 8 bytes of the string, zero-padded
	id  uint32 // id + 1; 0 is an empty slot
	n   uint32 // the string's length
}

// NewDict returns a dictionary sized for about n strings.
func NewDict(n int) *Dict {
	size := 1 << max(4, bits.Len(uint(2*n)))
	return &Dict{slots: make([]slot, size), shift: uint(64 - bits.TrailingZeros(uint(size))), offs: []uint32{0}}
}

const (
	k1 = 0x9e3779b97f4a7c15 // 2^64 / golden ratio (Fibonacci hashing)
	k2 = 0xc2b2ae3d27d4eb4f
)

// HashShort is the hash of a string of n ≤ 8 bytes whose bytes, zero-padded, are pre.
func HashShort(pre uint64, n int) uint64 { return (pre ^ uint64(n)<<59) * k1 }

// Hash returns the hash of s and its first 8 bytes zero-padded; a string of up to 8
// bytes hashes as HashShort does.
func Hash(s []byte) (h, pre uint64) {
	if len(s) <= 8 {
		pre = loadShort(s)
		return HashShort(pre, len(s)), pre
	}
	pre = Load8(s, 0)
	h = HashShort(pre, 8) ^ uint64(len(s))
	rest := s[8:]
	for len(rest) >= 8 {
		h = bits.RotateLeft64(h, 29) ^ Load8(rest, 0)
		h *= k2
		rest = rest[8:]
	}
	if len(rest) > 0 {
		h = (bits.RotateLeft64(h, 29) ^ loadShort(rest)) * k2
	}
	return h * k1, pre
}

func loadShort(s []byte) uint64 {
	var v uint64
	for i := len(s) - 1; i >= 0; i-- {
		v = v<<8 | uint64(s[i])
	}
	return v
}

// Find returns the id of s (with hash h and first bytes pre, from Hash or HashShort).
func (d *Dict) Find(h, pre uint64, s []byte) (uint32, bool) {
	mask := len(d.slots) - 1
	for i := int(h >> d.shift); ; i = (i + 1) & mask {
		sl := &d.slots[i]
		if sl.id == 0 {
			return 0, false
		}
		if sl.pre == pre && int(sl.n) == len(s) && (len(s) <= 8 || bytes.Equal(d.arena[d.offs[sl.id-1]+8:d.offs[sl.id]], s[8:])) {
			return sl.id - 1, true
		}
	}
}

// FindShort is Find for a string of 1 to 8 bytes, which equals a slot's when its first
// bytes and length do; it is small enough to be inlined in a tokenizer's loop.
func (d *Dict) FindShort(h, pre uint64, n int) (uint32, bool) {
	mask := len(d.slots) - 1
	for i := int(h >> d.shift); ; i = (i + 1) & mask {
		sl := &d.slots[i]
		if sl.pre == pre && int(sl.n) == n { // an empty slot has n = 0
			return sl.id - 1, true
		}
		if sl.id == 0 {
			return 0, false
		}
	}
}

// Add returns the id of s, adding it (a copy) if it is new.
func (d *Dict) Add(h, pre uint64, s []byte) uint32 {
	if id, ok := d.Find(h, pre, s); ok {
		return id
	}
	id := uint32(len(d.hashes))
	d.arena = append(d.arena, s...)
	d.offs = append(d.offs, uint32(len(d.arena)))
	d.hashes = append(d.hashes, h)
	d.prefix = append(d.prefix, bits.ReverseBytes64(pre))
	if 2*len(d.hashes) > len(d.slots) { // keep the load at most 1/2
		d.grow()
	} else {
		d.place(h, pre, id, len(s))
	}
	return id
}

func (d *Dict) place(h, pre uint64, id uint32, n int) {
	mask := len(d.slots) - 1
	i := int(h >> d.shift)
	for d.slots[i].id != 0 {
		i = (i + 1) & mask
	}
	d.slots[i] = slot{pre: pre, id: id + 1, n: uint32(n)}
}

func (d *Dict) grow() {
	d.slots = make([]slot, 2*len(d.slots))
	d.shift--
	for id, h := range d.hashes {
		s := d.String(uint32(id))
		_, pre := Hash(s)
		d.place(h, pre, uint32(id), len(s))
	}
}

// Len returns the number of strings.
func (d *Dict) Len() int { return len(d.hashes) }

// String returns the string of id (aliasing the arena: do not modify it).
func (d *Dict) String(id uint32) []byte { return d.arena[d.offs[id]:d.offs[id+1]] }

// Entry returns the string of id with its hash and first bytes, to add it to another
// dictionary without hashing it again.
func (d *Dict) Entry(id uint32) (h, pre uint64, s []byte) {
	return d.hashes[id], bits.ReverseBytes64(d.prefix[id]), d.String(id)
}

// Reset empties d, keeping its memory unless its table grew large (a batch of new
// words, such as the first, is not the common case).
func (d *Dict) Reset() {
	if len(d.slots) > 1<<12 {
		d.slots, d.shift = make([]slot, 1<<12), 64-12
	}
	clear(d.slots)
	d.arena, d.offs, d.hashes, d.prefix = d.arena[:0], d.offs[:1], d.hashes[:0], d.prefix[:0]
	d.sorted, d.sortedUpTo = d.sorted[:0], 0
}

// Sorted returns every id in byte order of its string. The order of the ids known at the
// last call is kept: only the ids added since are sorted, and merged in. Comparisons
// look at the first 8 bytes as one big-endian word, and at the rest only on a tie.
func (d *Dict) Sorted() []uint32 {
	if d.sortedUpTo == d.Len() {
		return d.sorted
	}
	fresh := d.scratch[:0]
	for id := d.sortedUpTo; id < d.Len(); id++ {
		fresh = append(fresh, uint32(id))
	}
	cmp := func(a, b uint32) int {
		if pa, pb := d.prefix[a], d.prefix[b]; pa != pb {
			if pa < pb {
				return -1
			}
			return 1
		}
		return bytes.Compare(d.String(a), d.String(b))
	}
	slices.SortFunc(fresh, cmp)
	if len(d.sorted) == 0 {
		d.sorted = append(d.sorted, fresh...)
	} else {
		merged := make([]uint32, 0, len(d.sorted)+len(fresh))
		i, j := 0, 0
		for i < len(d.sorted) && j < len(fresh) {
			if cmp(d.sorted[i], fresh[j]) < 0 {
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
	d.scratch = fresh
	d.sortedUpTo = d.Len()
	return d.sorted
}

// IntDict is Dict for int64 keys (auction ids): key → dense id, open addressing, the key
// and id in the slot.
type IntDict struct {
	slots []intSlot
	shift uint
	keys  []int64 // by id
}

type intSlot struct {
	key int64
	id  uint32 // id + 1; 0 is an empty slot
}

// NewIntDict returns a dictionary sized for about n keys.
func NewIntDict(n int) *IntDict {
	size := 1 << max(4, bits.Len(uint(2*n)))
	return &IntDict{slots: make([]intSlot, size), shift: uint(64 - bits.TrailingZeros(uint(size)))}
}

// Find returns the id of key. It may run on many goroutines while nothing is added.
func (d *IntDict) Find(key int64) (uint32, bool) {
	mask := len(d.slots) - 1
	for i := int(uint64(key) * k1 >> d.shift); ; i = (i + 1) & mask {
		sl := &d.slots[i]
		if sl.id == 0 {
			return 0, false
		}
		if sl.key == key {
			return sl.id - 1, true
		}
	}
}

// Add returns the id of key, adding it if it is new.
func (d *IntDict) Add(key int64) uint32 {
	if id, ok := d.Find(key); ok {
		return id
	}
	id := uint32(len(d.keys))
	d.keys = append(d.keys, key)
	if 2*len(d.keys) > len(d.slots) {
		d.slots = make([]intSlot, 2*len(d.slots))
		d.shift--
		for id, k := range d.keys {
			d.place(k, uint32(id))
		}
	} else {
		d.place(key, id)
	}
	return id
}

func (d *IntDict) place(key int64, id uint32) {
	mask := len(d.slots) - 1
	i := int(uint64(key) * k1 >> d.shift)
	for d.slots[i].id != 0 {
		i = (i + 1) & mask
	}
	d.slots[i] = intSlot{key: key, id: id + 1}
}

// Len returns the number of keys.
func (d *IntDict) Len() int { return len(d.keys) }

// Reset empties d, keeping its memory.
func (d *IntDict) Reset() {
	clear(d.slots)
	d.keys = d.keys[:0]
}

// Key returns the key of id.
func (d *IntDict) Key(id uint32) int64 { return d.keys[id] }
