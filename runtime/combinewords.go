package runtime

import (
	"encoding/binary"
	"iter"
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
// string index's key form and hashed from that one load (words of 8 to 15 bytes from
// two), with no second pass over its bytes, no length switch and no call per layer; the
// loop is short enough that the processor keeps several words' table lookups in flight.
// Other words (longer than 15 bytes, next to a byte ≥ 0x80, or in a line shorter than 8
// bytes) take the exact path, which decodes UTF-8 and asks unicode.IsSpace.
func CombineWords[V any](m *OrderedMap[string, V], line string, v V, f func(V, V) V) {
	if m.index.s == nil { // the zero OrderedMap gets its index on first use
		m.index = NewIndex[string](0)
	}
	combineWords(mapWords[V]{m, f}, line, v)
}

// wordSink is where combineWords puts each word: a key already packed (p, n) and hashed
// by the index's hash (h), with its value. The two sinks (mapWords, sumWords) share the
// tokenizer; each is a small struct, so combineWords is instantiated once per sink.
type wordSink[V any] interface {
	combine(w string, p packed, n, h uint64, v V)
}

// mapWords combines words into an OrderedMap with f (CombineWords).
type mapWords[V any] struct {
	m *OrderedMap[string, V]
	f func(V, V) V
}

func (s mapWords[V]) combine(w string, p packed, n, h uint64, v V) {
	s.m.combinePacked(w, p, n, h, v, s.f)
}

// combineWords splits s as words() does and hands each word to snk. A word of up to 15
// bytes that ends at ASCII white space or at the line's end is cut from one or two 8-byte
// loads (the line's last bytes are loaded from its end, so the tail costs no byte loop),
// packed from those loads and hashed; lines shorter than 8 bytes, longer words and words
// next to a byte >= 0x80 take the exact path.
func combineWords[S wordSink[V], V any](snk S, s string, v V) {
	i := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if asciiSpace(c) {
				i++
				continue
			}
			if len(s) >= 8 {
				x := load8(s, i)
				mk := wordEndMask(x)
				if r := len(s) - i; r < 8 {
					mk |= 0x80 << (8 * r) // the line's end ends the word
				}
				if mk != 0 {
					// The first marked byte ends the word when it is ASCII white space
					// or the line's end (its bit 7 clear in x), not a byte >= 0x80.
					if (mk&-mk)&x == 0 {
						k := bits.TrailingZeros64(mk) >> 3
						p := packed{lo: x & (1<<(8*k) - 1)}
						snk.combine(s[i:i+k], p, uint64(k), p.hash(uint64(k)), v)
						i += k + 1
						continue
					}
				} else if len(s)-i > 8 {
					x2 := load8(s, i+8)
					mk2 := wordEndMask(x2)
					if r := len(s) - i - 8; r < 8 {
						mk2 |= 0x80 << (8 * r)
					}
					if mk2 != 0 && (mk2&-mk2)&x2 == 0 { // a word of 8 to 15 bytes
						k := bits.TrailingZeros64(mk2) >> 3
						p := packed{lo: x, hi: x2 & (1<<(8*k) - 1)}
						n := uint64(8 + k)
						snk.combine(s[i:i+8+k], p, n, p.hash(n), v)
						i += 8 + k + 1
						continue
					}
				}
			}
		} else if r, size := utf8.DecodeRuneInString(s[i:]); unicode.IsSpace(r) {
			i += size
			continue
		}
		j, next := wordEnd(s, i)
		w := s[i:j]
		p, n := pack(w)
		snk.combine(w, p, n, keyHash(w, p, n), v)
		i = next
	}
}

// load8 returns the 8 bytes of s from i on as a little-endian word, zero past s's end;
// s holds at least 8 bytes. Near the end it loads s's last 8 bytes and shifts, so it
// never reads outside s.
func load8(s string, i int) uint64 {
	if len(s)-i >= 8 {
		return binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s[i:]), 8))
	}
	return binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s[len(s)-8:]), 8)) >> (8 * (8 - (len(s) - i)))
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

// combinePacked is Ptr and the combine for a string key already packed (p, n) and hashed
// (h, keyHash's): the string index's lookup with the key's form given, then f or the
// insertion.
func (m *OrderedMap[K, V]) combinePacked(w string, p packed, n, h uint64, v V, f func(V, V) V) {
	i, at := m.index.s.findPacked(w, p, n, h, asStrings(m.keys))
	if i >= 0 {
		m.vals[i] = f(m.vals[i], v)
		return
	}
	m.insertPacked(w, v, at)
}

// insertPacked appends the string key w with value v, where findPacked missed it (at).
func (m *OrderedMap[K, V]) insertPacked(w string, v V, at At) {
	k := m.copies.Copy(*(*K)(unsafe.Pointer(&w)))
	m.keys = append(m.keys, k)
	m.vals = append(m.vals, v)
	m.index.s.insert(at, asStrings(m.keys))
}

// CountWords is CombineWords for f = (a, b) => a + b on int, the reduce function of
// almost every word count: the value is added in place, with no call of f per word
// (BenchmarkCountWords against BenchmarkCountWordsFunc).
// Generated code calls it when the reduce function is that sum (codegen's
// combineWords).
func CountWords(m *OrderedMap[string, int64], line string, v int64) {
	if m.index.s == nil {
		m.index = NewIndex[string](0)
	}
	combineWords(sumWords{m}, line, v)
}

// sumWords adds words' values into an OrderedMap (CountWords).
type sumWords struct{ m *OrderedMap[string, int64] }

func (s sumWords) combine(w string, p packed, n, h uint64, v int64) {
	m := s.m
	i, at := m.index.s.findPacked(w, p, n, h, m.keys)
	if i >= 0 {
		m.vals[i] += v
		return
	}
	m.insertPacked(w, v, at)
}

// CountWordsLines is CountWords for each of lines, lines that follow each other in
// memory counted as one text (lineRuns): the same words in the same order.
func CountWordsLines(m *OrderedMap[string, int64], lines []string, v int64) {
	for run := range lineRuns(lines) {
		CountWords(m, run, v)
	}
}

// CombineWordsLines is CombineWords for each of lines, as CountWordsLines.
func CombineWordsLines[V any](m *OrderedMap[string, V], lines []string, v V, f func(V, V) V) {
	for run := range lineRuns(lines) {
		CombineWords(m, run, v, f)
	}
}

// lineRuns yields lines with those that follow each other in memory, with only "\n"
// or "\r\n" between them (as the files source cuts them from its buffers), joined into
// one text with what lies between. Split into words, the runs give the lines' words in
// order, since white space ends a word either way; a line's end then costs what a space
// does instead of a call and a tail of fewer than 8 bytes (wordcount_batch: about a
// tenth of its CPU time).
func lineRuns(lines []string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for i := 0; i < len(lines); {
			run := lines[i]
			for i++; i < len(lines); i++ {
				joined, ok := adjacent(run, lines[i])
				if !ok {
					break
				}
				run = joined
			}
			if !yield(run) {
				return
			}
		}
	}
}

// adjacent returns a and b as one string, when b follows a in memory after a "\n" or
// "\r\n" and neither is empty.
func adjacent(a, b string) (string, bool) {
	if a == "" || b == "" {
		return "", false
	}
	pa, pb := unsafe.StringData(a), unsafe.StringData(b)
	gap := uintptr(unsafe.Pointer(pb)) - uintptr(unsafe.Pointer(pa)) - uintptr(len(a))
	if gap != 1 && gap != 2 {
		return "", false
	}
	// The gap lies between a and b: read it through a string over a, the gap and b.
	joined := unsafe.String(pa, len(a)+int(gap)+len(b))
	if joined[len(a)+int(gap)-1] != '\n' || gap == 2 && joined[len(a)] != '\r' {
		return "", false
	}
	return joined, true
}
