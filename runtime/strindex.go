package runtime

import (
	"hash/maphash"
	"math/bits"
	"math/rand/v2"
	"unsafe"
)

// strIndex is the key → position index of an OrderedMap whose keys are strings: an
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
//     (32 bits of the hash with the key's length in its low 5 bits) and the key's
//     position + 1 (0 marks an empty slot).
//   - inline, one entry per key in insertion order: the key's bytes when it has at most
//     16 (packed into two words, see pack), so that comparing a short key never reads
//     the key's own memory. Longer keys are compared with the map's keys slice.
//
// A lookup of a present short key reads one slot and one inline entry; the tables of a
// 60,000-word vocabulary take 1.5 MiB where Go's map takes about 3 MiB plus the key
// bytes. The hash is seeded per process, so a crafted input cannot force collisions,
// and it never decides an output order (OrderedMap iterates in insertion order).
type strIndex struct {
	slots  []uint64
	shift  uint // 64 - log2(len(slots)): the hash's top bits pick the first slot
	inline []packed
}

// packed is a key of at most 16 bytes as two little-endian words, zero-padded.
type packed struct{ lo, hi uint64 }

// strSeed seeds strIndex's hash; one per process, like Go's own maps.
var (
	strSeed0   = rand.Uint64() | 1
	strSeed1   = rand.Uint64()
	strLongKey = maphash.MakeSeed()
)

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
// in order, zero-padded; with the length they identify k.
func pack(k string) (p packed, n uint64) {
	n = uint64(len(k))
	ptr := unsafe.Pointer(unsafe.StringData(k))
	switch {
	case n > 16:
		return packed{}, lenLong
	case n >= 8:
		p.lo = *(*uint64)(ptr)
		if n > 8 {
			p.hi = *(*uint64)(unsafe.Add(ptr, n-8)) >> (8 * (16 - n))
		}
	case n >= 4:
		lo := uint64(*(*uint32)(ptr))
		hi := uint64(*(*uint32)(unsafe.Add(ptr, n-4)))
		p.lo = lo | hi<<(8*(n-4))
	case n > 0:
		mid := n / 2
		p.lo = uint64(*(*byte)(ptr)) |
			uint64(*(*byte)(unsafe.Add(ptr, mid)))<<(8*mid) |
			uint64(*(*byte)(unsafe.Add(ptr, n-1)))<<(8*(n-1))
	}
	return p, n
}

// hash mixes a packed key (two 64×64→128-bit multiplications, as in wyhash); keys
// longer than 16 bytes go through hash/maphash.
func (p packed) hash(n uint64) uint64 {
	hi, lo := bits.Mul64(p.lo^strSeed0, p.hi^strSeed1^n)
	hi, lo = bits.Mul64(hi^lo^0x9E3779B97F4A7C15, strSeed0^0xbf58476d1ce4e5b9)
	return hi ^ lo
}

func keyHash(k string, p packed, n uint64) uint64 {
	if n == lenLong {
		return maphash.String(strLongKey, k)
	}
	return p.hash(n)
}

// tag is the high half of a slot: 27 bits of the hash above the key's length code.
func tag(h, n uint64) uint64 { return (h>>32)&^0x1f | n }

// find returns the position of k, or -1 and the empty slot where k would go. keys is
// the map's key slice, read only for keys longer than 16 bytes.
func (x *strIndex) find(k string, keys []string) (pos int, p packed, n, t uint64, slot uint64) {
	p, n = pack(k)
	h := keyHash(k, p, n)
	t = tag(h, n)
	mask := uint64(len(x.slots) - 1)
	for slot = h >> x.shift; ; slot = (slot + 1) & mask {
		s := x.slots[slot]
		if s == 0 {
			return -1, p, n, t, slot
		}
		if s>>32 != t {
			continue
		}
		i := int(uint32(s)) - 1
		if n == lenLong {
			if keys[i] == k {
				return i, p, n, t, slot
			}
		} else if e := x.inline[i]; e == p {
			return i, p, n, t, slot
		}
	}
}

// insert records that the key found absent at slot (with packed form p and tag t) is at
// position len(x.inline), growing the table when it passes 3/4 full; keys must already
// include the new key.
func (x *strIndex) insert(p packed, t, slot uint64, keys []string) {
	x.inline = append(x.inline, p)
	if len(x.inline)*4 > len(x.slots)*3 {
		x.rebuild(keys, len(x.slots)*2)
		return
	}
	x.slots[slot] = t<<32 | uint64(len(x.inline))
}

// rebuild re-indexes keys (whose packed forms are x.inline) into a table of size slots.
func (x *strIndex) rebuild(keys []string, slots int) {
	if slots != len(x.slots) {
		x.alloc(slots)
	} else {
		clear(x.slots)
	}
	mask := uint64(len(x.slots) - 1)
	for i, k := range keys {
		p, n := x.inline[i], uint64(len(k))
		if n > 16 {
			n = lenLong
		}
		h := keyHash(k, p, n)
		slot := h >> x.shift
		for x.slots[slot] != 0 {
			slot = (slot + 1) & mask
		}
		x.slots[slot] = tag(h, n)<<32 | uint64(i+1)
	}
}

func (x *strIndex) reset() {
	clear(x.slots)
	x.inline = x.inline[:0]
}
