package runtime

import (
	"encoding/binary"
	"math/bits"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// CombineWords is the fused loop of a word count's map-side combine,
//
//	flatMap(l => words(l)).map(w => (w, v)).reduceByKey(f)
//
// in one call per line: it splits line as words() does (on runs of Unicode white
// space) and, for each word w, does what the generated loop does with stdlib.NextWord
// and m.Ptr:
//
//	acc, found := m.Ptr(w)
//	if found { *acc = f(*acc, v) } else { *acc = v }
//
// Generated code calls it for that chain (codegen's combineWords; bench/PERF_NOTES.md,
// proposal 1). What it saves is the work between the tokenizer and the table: a word that
// ends within the 8 bytes loaded at its start (most words) is cut, packed into the
// string index's key form and hashed from that one load, with no second pass over its
// bytes, no length switch and no call per layer; the loop is short enough that the
// processor keeps several words' table lookups in flight. Other words (longer than 8
// bytes, next to a byte ≥ 0x80, or in a line's last 8 bytes) take the exact path, which
// decodes UTF-8 and asks unicode.IsSpace.
func CombineWords[V any](m *OrderedMap[string, V], line string, v V, f func(V, V) V) {
	if m.index.s == nil { // the zero OrderedMap gets its index on first use
		m.index = NewIndex[string](0)
	}
	s := line
	i := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if asciiSpace(c) {
				i++
				continue
			}
			if len(s)-i >= 8 {
				x := binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s[i:]), 8))
				mk := wordEndMask(x)
				// The first marked byte ends the word when it is ASCII white space (its
				// bit 7 clear in x), not a byte ≥ 0x80.
				if mk != 0 && (mk&-mk)&x == 0 {
					k := bits.TrailingZeros64(mk) >> 3
					p := packed{lo: x & (1<<(8*k) - 1)}
					m.combinePacked(s[i:i+k], p, uint64(k), v, f)
					i += k + 1
					continue
				}
			}
		} else if r, size := utf8.DecodeRuneInString(s[i:]); unicode.IsSpace(r) {
			i += size
			continue
		}
		j, next := wordEnd(s, i)
		w := s[i:j]
		p, n := pack(w)
		m.combinePacked(w, p, n, v, f)
		i = next
	}
}

// asciiSpace reports whether c (< 0x80) is white space for unicode.IsSpace.
func asciiSpace(c byte) bool { return c == ' ' || c-'\t' <= '\r'-'\t' }

// wordEnd returns the end of the word that starts at s[i] (not white space) and where
// the next search starts: after the white space that ends it, or len(s).
func wordEnd(s string, i int) (end, next int) {
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if asciiSpace(c) {
				return i, i + 1
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			return i, i + size
		}
		i += size
	}
	return len(s), len(s)
}

// wordEndMask sets bit 7 of every byte of x (8 bytes of text, little-endian) that is
// ASCII white space ('\t' to '\r', ' ') or ≥ 0x80, and of no other: each test is exact,
// no carry crosses a byte.
func wordEndMask(x uint64) uint64 {
	const (
		ones = 0x0101010101010101
		hi   = 0x8080808080808080
		lo7  = 0x7f7f7f7f7f7f7f7f
	)
	a := x &^ hi
	ctl := (a + ones*(0x80-'\t')) &^ (a + ones*(0x80-'\r'-1)) // '\t' to '\r', bit 7 aside
	sp := x ^ ones*' '
	isSp := ^(((sp & lo7) + lo7) | sp) & hi
	return ctl&hi | isSp | x&hi
}

// combinePacked is Ptr and the combine for a string key already packed (p, n): the
// string index's lookup with the key's form given, then f or the insertion.
func (m *OrderedMap[K, V]) combinePacked(w string, p packed, n uint64, v V, f func(V, V) V) {
	x := m.index.s
	h := keyHash(w, p, n)
	t := tag(h, n)
	mask := uint64(len(x.slots) - 1)
	slot := h >> x.shift
	for ; ; slot = (slot + 1) & mask {
		s := x.slots[slot]
		if s == 0 {
			break
		}
		if s>>32 != t {
			continue
		}
		i := int(uint32(s)) - 1
		if i < 0 { // removed
			continue
		}
		if n == lenLong {
			if asStrings(m.keys)[i] != w {
				continue
			}
		} else if x.inline[i] != p {
			continue
		}
		m.vals[i] = f(m.vals[i], v)
		return
	}
	k := m.copies.Copy(*(*K)(unsafe.Pointer(&w)))
	m.keys = append(m.keys, k)
	m.vals = append(m.vals, v)
	x.insert(At{p: p, t: t, slot: slot}, asStrings(m.keys))
}
