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
	// The pool holds one buffer of 2n entries, cut here into two halves that cannot
	// overlap; only the whole buffer goes back. radixSort returns whichever half holds
	// the result (the second after an odd number of passes), so writing its two slices
	// back as two pooled buffers would, after an odd number of passes, store the same
	// array twice (and lose the other): the next sort would then get one array as both
	// the source and the target of its passes, and corrupt it or index past a bucket.
	pb := prefixPool.Get().(*prefixBuf)
	buf := pb.grow(2 * n)
	a, tmp := buf[:n:n], buf[n:2*n:2*n]
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
	prefixPool.Put(pb)
}

// sortByPrefixMin is the length from which SortByString's passes pay off.
const sortByPrefixMin = 256

// prefixed is an element's position and the first 8 bytes of its key.
type prefixed struct {
	pre uint64
	pos uint32
}

// prefixPool keeps SortByString's buffers from batch to batch (each partition's sort
// takes one), so that a sort allocates nothing once the pipeline is warm.
var prefixPool = sync.Pool{New: func() any { return new(prefixBuf) }}

// prefixBuf is one pooled buffer: a sort owns all of it while it holds it and splits it
// into its two halves itself, so no two slots of the pool can share an array.
type prefixBuf struct{ b []prefixed }

// grow returns the buffer's first n entries, replacing the buffer if it is shorter.
func (p *prefixBuf) grow(n int) []prefixed {
	if cap(p.b) < n {
		p.b = make([]prefixed, n)
	}
	return p.b[:n]
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

// radixSort sorts a by pre, stably, 11 bits at a time from the lowest (least significant
// digit first; six digits cover the 64 bits), using tmp (as long as a, and sharing no
// entry with it) for the passes, and returns whichever of the two holds the result: tmp
// after an odd number of passes. The histograms of all six digits are counted in one
// pass; a digit that is the same in every prefix (the zero padding of short keys) takes
// no pass.
func radixSort(a, tmp []prefixed) []prefixed {
	const bits, buckets = 11, 1 << 11
	var counts [6][buckets]uint32
	for _, e := range a {
		p := e.pre
		counts[0][p&(buckets-1)]++
		counts[1][p>>bits&(buckets-1)]++
		counts[2][p>>(2*bits)&(buckets-1)]++
		counts[3][p>>(3*bits)&(buckets-1)]++
		counts[4][p>>(4*bits)&(buckets-1)]++
		counts[5][p>>(5*bits)]++
	}
	n := uint32(len(a))
	for d := range 6 {
		c := &counts[d]
		shift := uint(bits * d)
		if c[a[0].pre>>shift&(buckets-1)] == n {
			continue
		}
		var sum uint32
		for i, v := range c {
			c[i] = sum
			sum += v
		}
		for _, e := range a {
			b := e.pre >> shift & (buckets - 1)
			tmp[c[b]] = e
			c[b]++
		}
		a, tmp = tmp, a
	}
	return a
}
