package runtime

import (
	"encoding/binary"
	"hash/maphash"
	"math/bits"
	"math/rand/v2"
	"unsafe"
)

// strIndex is the Index of string keys (OrderedMap's, the state stores'): an
// open-addressing table built for the map-side combine of word counts and other
// string-keyed reductions, where almost every record is a lookup of a short key that is
// already present.
//
// Profiles of word count put half the CPU time in Go's string-keyed map: hashing the
// key, matching the control word, then comparing the key's bytes, which live wherever
// the key was cut from (a line of some input file), so each lookup touches three or
// four cache lines. strIndex keeps what a lookup needs in two small arrays:
//
//   - slots, 8 bytes each, a power of two of them, linearly probed. A slot holds a tag
//     (27 bits of the hash above the key's length code) and the key's position + 1;
//     0 is an empty slot, a tag with position 0 a removed key (until the next rebuild).
//   - inline, one entry per key in insertion order: the key's bytes when it has at most
//     16 (packed into two words, see pack), so that comparing a short key never reads
//     the key's own memory. Longer keys are compared with the map's keys slice.
//
// A lookup of a present short key reads one slot and one inline entry; for the 64,000
// words of a word-count batch that is 2 MiB (131,072 slots and 64,000 inline keys),
// where a Go map holds 24-byte entries that point at the key bytes. The hash is seeded per process, so a crafted input cannot force collisions,
// and it never decides an output order (owners iterate their keys in their own order).
type strIndex struct {
	slots  []uint64
	shift  uint // 64 - log2(len(slots)): the hash's top bits pick the first slot
	inline []packed
}

// packed is a key of at most 16 bytes as two little-endian words, zero-padded.
type packed struct{ lo, hi uint64 }

// strSeed0, strSeed1 and strLongKey seed strIndex's hash: once per process, like Go's
// own maps.
var (
	strSeed0   = rand.Uint64() | 1
	strSeed1   = rand.Uint64()
	strLongKey = maphash.MakeSeed()
)

// tagHomeBits is the largest table size (log2) whose home slots the tags hold; a
// variable so that a test can send every table through the rehashing path.
var tagHomeBits uint = 27

const (
	strMinSlots = 64
	// lenLong is the length code of keys longer than 16 bytes.
	lenLong = 17
)

func newStrIndex(hint int) *strIndex {
	x := &strIndex{inline: make([]packed, 0, hint)}
	x.alloc(slotsFor(hint))
	return x
}

// slotsFor returns the table size that holds n keys at a load of at most 3/4.
func slotsFor(n int) int {
	s := strMinSlots
	for s*3 < n*4 {
		s *= 2
	}
	return s
}

func (x *strIndex) alloc(n int) {
	x.slots = make([]uint64, n)
	x.shift = uint(64 - bits.TrailingZeros(uint(n)))
}

// pack returns k's bytes as two words and k's length code, reading only k's own bytes:
// 8-byte loads from both ends for 8 to 16 bytes, 4-byte loads for 4 to 7, bytes below.
// Overlapping loads put the same byte in the same place, so the words are the bytes of k
// in order, little-endian on every machine, zero-padded; with the length they identify k.
func pack(k string) (p packed, n uint64) {
	n = uint64(len(k))
	b := unsafe.Slice(unsafe.StringData(k), len(k)) // read only
	le := binary.LittleEndian
	switch {
	case n > 16:
		return packed{}, lenLong
	case n >= 8:
		p.lo = le.Uint64(b)
		if n > 8 {
			p.hi = le.Uint64(b[n-8:]) >> (8 * (16 - n))
		}
	case n >= 4:
		p.lo = uint64(le.Uint32(b)) | uint64(le.Uint32(b[n-4:]))<<(8*(n-4))
	case n > 0:
		mid := n / 2
		p.lo = uint64(b[0]) | uint64(b[mid])<<(8*mid) | uint64(b[n-1])<<(8*(n-1))
	}
	return p, n
}

// hash mixes a packed key: one 64×64→128-bit multiplication of the seeded words,
// folded (wyhash's core), then one multiplication that carries the low bits into the
// top ones, which index the table (without it short keys that differ in one byte, such
// as numbers in sequence, cluster); keys longer than 16 bytes go through hash/maphash.
func (p packed) hash(n uint64) uint64 {
	hi, lo := bits.Mul64(p.lo^strSeed0, p.hi^strSeed1^n<<58)
	return (hi ^ lo) * 0x9E3779B97F4A7C15
}

func keyHash(k string, p packed, n uint64) uint64 {
	if n == lenLong {
		return maphash.String(strLongKey, k)
	}
	return p.hash(n)
}

// tag is the high half of a slot: 27 bits of the hash above the key's length code.
func tag(h, n uint64) uint64 { return (h>>32)&^0x1f | n }

// find returns the position of k, or -1 and where insert would put it (its packed
// form, tag and the empty slot that ends its probe). keys is the map's key slice, read
// only for keys longer than 16 bytes.
func (x *strIndex) find(k string, keys []string) (int, At) {
	p, n := pack(k)
	return x.findPacked(k, p, n, keyHash(k, p, n), keys)
}

// findPacked is find for k already packed (p, n) and hashed (h, keyHash's).
func (x *strIndex) findPacked(k string, p packed, n, h uint64, keys []string) (int, At) {
	t := tag(h, n)
	mask := uint64(len(x.slots) - 1)
	for slot := h >> x.shift; ; slot = (slot + 1) & mask {
		s := x.slots[slot]
		if s == 0 {
			return -1, At{p: p, t: t, slot: slot}
		}
		if s>>32 != t {
			continue
		}
		i := int(uint32(s)) - 1
		if i < 0 { // removed
			continue
		}
		if n == lenLong {
			if keys[i] == k {
				return i, At{t: t, slot: slot}
			}
		} else if x.inline[i] == p {
			return i, At{t: t, slot: slot}
		}
	}
}

// insert records that the key find missed (at) is at position len(x.inline); keys must
// already include the new key. The table doubles before it passes 3/4 full.
func (x *strIndex) insert(at At, keys []string) {
	x.inline = append(x.inline, at.p)
	s := at.t<<32 | uint64(len(x.inline))
	slot := at.slot
	if len(x.inline)*4 > len(x.slots)*3 {
		x.grow(keys)
		slot = x.free(x.home(s, keys))
	}
	x.slots[slot] = s
}

// home returns the first slot probed for the entry s: the hash's top bits, which the tag
// holds for tables of up to 2^27 slots; larger ones hash the key again.
func (x *strIndex) home(s uint64, keys []string) uint64 {
	if b := 64 - x.shift; b <= tagHomeBits {
		return (s >> 32) >> (32 - b)
	}
	i := uint32(s) - 1
	return keyHash(keys[i], x.inline[i], (s>>32)&0x1f) >> x.shift
}

// free returns the first empty slot from slot on.
func (x *strIndex) free(slot uint64) uint64 {
	mask := uint64(len(x.slots) - 1)
	for x.slots[slot] != 0 {
		slot = (slot + 1) & mask
	}
	return slot
}

// grow doubles the table, moving every entry and dropping removed ones; positions, and
// so keys, are unchanged.
func (x *strIndex) grow(keys []string) {
	old := x.slots
	x.alloc(2 * len(old))
	for _, s := range old {
		if uint32(s) != 0 {
			x.slots[x.free(x.home(s, keys))] = s
		}
	}
}

// rebuild indexes keys anew, after they were reordered or compacted: every key of keys
// is indexed at its position, and nothing else.
func (x *strIndex) rebuild(keys []string) {
	if n := slotsFor(len(keys)); n > len(x.slots) {
		x.alloc(n)
	} else {
		clear(x.slots)
	}
	x.inline = x.inline[:0]
	for i, k := range keys {
		p, n := pack(k)
		x.inline = append(x.inline, p)
		h := keyHash(k, p, n)
		x.slots[x.free(h>>x.shift)] = tag(h, n)<<32 | uint64(i+1)
	}
}

// remove marks k's slot as removed, keeping the probe chains through it intact; the
// slot is reclaimed at the next rebuild. keys must still hold k at its position.
func (x *strIndex) remove(k string, keys []string) {
	if i, at := x.find(k, keys); i >= 0 {
		x.slots[at.slot] = at.t << 32 // a tag and no position: removed
	}
}

func (x *strIndex) reset() {
	clear(x.slots)
	x.inline = x.inline[:0]
}
