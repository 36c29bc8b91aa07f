package stdlib

import (
	"encoding/binary"
	"math"
	"slices"
	"sync"
)

// SortByString sorts s in the order of cmp, for a cmp that orders elements first by a
// string key, key(e), in byte order (in reverse when desc), and then however it likes:
// sortByKey and sortBy on string keys, where generated code used slices.SortFunc(s, cmp).
// The result is the same, as long as cmp is a total order.
//
// Sorting strings with comparisons spends its time in the comparisons, each of which
// reads two keys' bytes wherever they are. SortByString reads each key once: it sorts
// the keys' first 8 bytes, as big-endian integers next to the elements' positions, with
// a radix sort, orders each run of equal prefixes (keys that share 8 bytes, or a key and
// itself) with cmp, then moves the elements into place. Small slices go to
// slices.SortFunc.
func SortByString[T any](s []T, key func(*T) string, desc bool, cmp func(a, b T) int) {
	n := len(s)
	if n < sortByPrefixMin || uint64(n) > math.MaxUint32 {
		slices.SortFunc(s, cmp)
		return
	}
	bufs := prefixPool.Get().(*[2][]prefixed)
	a, tmp := grow(bufs[0], n), grow(bufs[1], n)
	var flip uint64
	if desc {
		flip = ^uint64(0)
	}
	for i := range s {
		a[i] = prefixed{pre: prefix8(key(&s[i])) ^ flip, pos: uint32(i)}
	}
	a = radixSort(a, tmp)

	// Runs of equal prefixes: keys that may differ past their 8th byte, or be equal.
	for i := 0; i < n; {
		j := i + 1
		for j < n && a[j].pre == a[i].pre {
			j++
		}
		if j-i > 1 {
			slices.SortFunc(a[i:j], func(x, y prefixed) int { return cmp(s[x.pos], s[y.pos]) })
		}
		i = j
	}

	// s[j] becomes the old s[a[j].pos]: follow each cycle of the permutation, marking
	// each place filled by pointing it at itself.
	for j := range a {
		if int(a[j].pos) == j {
			continue
		}
		first := s[j]
		k := j
		for {
			src := int(a[k].pos)
			a[k].pos = uint32(k)
			if src == j {
				s[k] = first
				break
			}
			s[k] = s[src]
			k = src
		}
	}
	bufs[0], bufs[1] = a[:0], tmp[:0]
	prefixPool.Put(bufs)
}

// sortByPrefixMin is the length from which SortByString's passes pay off.
const sortByPrefixMin = 256

// prefixed is an element's position and the first 8 bytes of its key.
type prefixed struct {
	pre uint64
	pos uint32
}

// prefixPool keeps SortByString's buffers from batch to batch (each partition's sort
// takes a pair), so that a sort allocates nothing once the pipeline is warm.
var prefixPool = sync.Pool{New: func() any { return new([2][]prefixed) }}

func grow(b []prefixed, n int) []prefixed {
	if cap(b) < n {
		return make([]prefixed, n)
	}
	return b[:n]
}

// prefix8 is the first 8 bytes of k as a big-endian integer, zero-padded: comparing two
// prefixes compares the keys' first 8 bytes in byte order.
func prefix8(k string) uint64 {
	if len(k) >= 8 {
		return binary.BigEndian.Uint64([]byte(k[:8]))
	}
	var b [8]byte
	copy(b[:], k)
	return binary.BigEndian.Uint64(b[:])
}

// radixSort sorts a by pre, stably, a byte at a time from the lowest (least significant
// digit first), using tmp (as long as a) for the passes, and returns whichever of the
// two holds the result. The histograms of all eight bytes are counted in one pass;
// a byte that is the same in every prefix takes no pass.
func radixSort(a, tmp []prefixed) []prefixed {
	var counts [8][256]uint32
	for _, e := range a {
		for d := range 8 {
			counts[d][byte(e.pre>>(8*d))]++
		}
	}
	n := uint32(len(a))
	for d := range 8 {
		c := &counts[d]
		if c[byte(a[0].pre>>(8*d))] == n {
			continue
		}
		var sum uint32
		for i, v := range c {
			c[i] = sum
			sum += v
		}
		shift := 8 * uint(d)
		for _, e := range a {
			b := byte(e.pre >> shift)
			tmp[c[b]] = e
			c[b]++
		}
		a, tmp = tmp, a
	}
	return a
}
