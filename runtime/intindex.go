package runtime

import (
	"math/bits"
	"math/rand/v2"
)

// intIndex is the Index of 64-bit integer keys (int, int64, Time and other types with
// such an underlying type): NEXMark's auctions, ids, window times. Go's map spent a
// fifth of q5's CPU time in mapaccess2_fast64 for its per-batch combine; an
// open-addressing table of 16-byte slots holding the key itself answers a lookup of a
// present key from one slot, usually one cache line, with no call.
//
// Slots are linearly probed, a power of two of them, at most 3/4 full counting removed
// keys (as strIndex): a slot holds the key and its position + 1; position 0 is an empty
// slot, removedPos a removed key, kept as a link of probe chains until the next
// rebuild. The hash is seeded per process, so a crafted input cannot force collisions.
type intIndex struct {
	slots []intSlot
	shift uint // 64 - log2(len(slots))
	// used counts the slots taken since the last rebuild or reset, removed ones too.
	used int
}

type intSlot struct {
	key uint64
	pos uint32 // position + 1; 0: empty
}

// removedPos marks a removed key's slot.
const removedPos = ^uint32(0)

var intSeed0, intSeed1 = rand.Uint64(), rand.Uint64() | 1

// intHash mixes k with the process's seeds: one 64×64→128-bit multiplication.
func intHash(k uint64) uint64 {
	hi, lo := bits.Mul64(k^intSeed0, intSeed1)
	return hi ^ lo
}

func newIntIndex(hint int) *intIndex {
	x := &intIndex{}
	x.alloc(slotsFor(hint))
	return x
}

func (x *intIndex) alloc(n int) {
	x.slots = make([]intSlot, n)
	x.shift = uint(64 - bits.TrailingZeros(uint(n)))
}

// find returns k's position, or -1 and the empty slot that ends its probe (for insert).
func (x *intIndex) find(k uint64) (int, At) {
	mask := uint64(len(x.slots) - 1)
	for slot := intHash(k) >> x.shift; ; slot = (slot + 1) & mask {
		s := &x.slots[slot]
		if s.pos == 0 {
			return -1, At{slot: slot}
		}
		if s.key == k && s.pos != removedPos {
			return int(s.pos) - 1, At{slot: slot}
		}
	}
}

// insert records that k, which find just missed (at), is at position pos. The table
// doubles before it passes 3/4 full.
func (x *intIndex) insert(k uint64, at At, pos int) {
	x.used++
	slot := at.slot
	if x.used*4 > len(x.slots)*3 {
		x.grow()
		slot = x.free(intHash(k) >> x.shift)
	}
	x.slots[slot] = intSlot{key: k, pos: uint32(pos + 1)}
}

// free returns the first empty slot from slot on.
func (x *intIndex) free(slot uint64) uint64 {
	mask := uint64(len(x.slots) - 1)
	for x.slots[slot].pos != 0 {
		slot = (slot + 1) & mask
	}
	return slot
}

// grow doubles the table, moving every key and dropping removed ones.
func (x *intIndex) grow() {
	old := x.slots
	x.alloc(2 * len(old))
	x.used = 0
	for _, s := range old {
		if s.pos != 0 && s.pos != removedPos {
			x.slots[x.free(intHash(s.key)>>x.shift)] = s
			x.used++
		}
	}
}

// remove marks k's slot as removed, keeping the probe chains through it intact.
func (x *intIndex) remove(k uint64) {
	if i, at := x.find(k); i >= 0 {
		x.slots[at.slot].pos = removedPos
	}
}

// rebuild indexes keys anew: every key of keys at its position, and nothing else.
func (x *intIndex) rebuild(keys []uint64) {
	if n := slotsFor(len(keys)); n > len(x.slots) {
		x.alloc(n)
	} else {
		clear(x.slots)
	}
	x.used = len(keys)
	for i, k := range keys {
		x.slots[x.free(intHash(k)>>x.shift)] = intSlot{key: k, pos: uint32(i + 1)}
	}
}

func (x *intIndex) reset() {
	clear(x.slots)
	x.used = 0
}
