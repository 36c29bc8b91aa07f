package runtime

import (
	"reflect"
	"strings"
	"unsafe"
)

// KeyCopies gives the string keys that a store keeps from batch to batch memory of
// their own: updateStateByKey and mapWithState state, window partials (OrderedMap's
// OwnKeys).
//
// Sources hand out records that share a larger buffer — the files source cuts the lines
// of a file out of a few 1 MiB strings, and a word is a substring of its line — so a
// kept key that shared it would keep that whole buffer alive. KeyCopies copies each new
// key into a chunk of 16 KiB shared with the keys copied before and after it, so that
// keeping a key costs no allocation of its own (a word count whose vocabulary keeps
// growing allocates once per 16 KiB of new words, not once per word), and the keys of
// a store sit together in memory. Chunks hold no pointers, so the garbage collector
// does not scan them.
//
// A chunk lives as long as any key in it, so the store reports the keys it removes
// (Drop) and, after it compacted its key slice, calls Compact, which copies the
// surviving keys into fresh chunks once most of the copied bytes belong to removed
// keys: the memory held stays within about twice the live keys' bytes.
//
// Keys whose underlying type is not string (numbers, tuples, records) are kept as
// given; a record key holding a substring still shares its buffer.
type KeyCopies[K comparable] struct {
	on     bool   // K's underlying type is string
	free   []byte // the current chunk's unused end
	copied int    // bytes copied into chunks since the last compaction
	dead   int    // of those, bytes of keys dropped since
}

const (
	keyChunk = 16 << 10
	// keyAlone is the length from which a key gets an allocation of its own.
	keyAlone = keyChunk / 8
	// compactMin is how many copied bytes a store holds before Compact considers copying.
	compactMin = 4 * keyChunk
)

// NewKeyCopies returns the copier for key type K: it copies when K's underlying type
// is string, and returns keys as given otherwise.
func NewKeyCopies[K comparable]() KeyCopies[K] {
	return KeyCopies[K]{on: reflect.TypeFor[K]().Kind() == reflect.String}
}

// Copy returns k in memory of the store's own.
func (c *KeyCopies[K]) Copy(k K) K {
	if !c.on {
		return k
	}
	p := (*string)(unsafe.Pointer(&k)) // K's underlying type is string
	*p = c.copy(*p)
	return k
}

func (c *KeyCopies[K]) copy(s string) string {
	if len(s) == 0 {
		return ""
	}
	if len(s) >= keyAlone {
		return strings.Clone(s)
	}
	if len(s) > cap(c.free)-len(c.free) {
		c.free = make([]byte, 0, keyChunk)
	}
	// Only the unused end of a chunk is ever written: bytes handed out stay as they are.
	start := len(c.free)
	c.free = append(c.free, s...)
	c.copied += len(s)
	return unsafe.String(&c.free[start], len(s))
}

// Drop records that the store no longer holds k, a key it got from Copy.
func (c *KeyCopies[K]) Drop(k K) {
	if !c.on {
		return // and k's memory is not a string header
	}
	if n := len(*(*string)(unsafe.Pointer(&k))); n < keyAlone {
		c.dead += n
	}
}

// Compact is called with every key the store still holds, in place, after the store
// removed keys. When more than half of the bytes copied into chunks belong to dropped
// keys, it copies the keys into fresh chunks and rewrites keys with the copies, so that
// the old chunks can be collected.
func (c *KeyCopies[K]) Compact(keys []K) {
	if !c.on || c.copied < compactMin || 2*c.dead <= c.copied {
		return
	}
	c.free, c.copied, c.dead = nil, 0, 0
	ks := asStrings(keys) // K's underlying type is string
	for i, k := range ks {
		if len(k) < keyAlone {
			ks[i] = c.copy(k)
		}
	}
}

// Reset is called when the store was emptied: the keys copied so far are no longer
// its. The current chunk's unused end still serves the next keys.
func (c *KeyCopies[K]) Reset() {
	c.copied, c.dead = 0, 0
}
