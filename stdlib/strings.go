package stdlib

import (
	"encoding/binary"
	"iter"
	"math/bits"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// Split cuts s around every occurrence of sep and returns the parts, as Java's (and so
// Scala's) String.split does with one difference: sep is a literal string, never a
// regular expression, so split(s, ".") and split(s, "|") do what they read as.
//
// Like Java, trailing empty parts are removed ("a,b,," gives [a, b]; "," gives []),
// while leading and inner empty parts are kept (",a,,b" gives ["", a, "", b]); when sep
// does not occur in s, the result is [s], so split("", ",") is [""]. An empty sep
// splits s into its characters (UTF-8 sequences).
//
// Split allocates the result; a fused loop that only iterates the parts uses SplitSeq,
// and one that reuses a buffer uses SplitInto.
func Split(s, sep string) []string {
	if s == "" {
		return []string{""}
	}
	// strings.Split sizes its result exactly (one allocation); then drop the trailing
	// empties. A non-empty s that does not contain sep comes back as [s], non-empty.
	parts := strings.Split(s, sep)
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return parts
}

// SplitInto appends the parts Split(s, sep) returns to dst and returns the extended
// slice, so a caller that passes buf[:0] allocates nothing once buf is large enough.
func SplitInto(dst []string, s, sep string) []string {
	for part := range SplitSeq(s, sep) {
		dst = append(dst, part)
	}
	return dst
}

// SplitSeq yields the parts Split(s, sep) returns, in order, without allocating a
// slice: generated code writes `for part := range stdlib.SplitSeq(s, sep) { ... }`.
func SplitSeq(s, sep string) iter.Seq[string] {
	return func(yield func(string) bool) {
		if s == "" {
			yield("")
			return
		}
		if sep == "" {
			for part := range strings.SplitSeq(s, "") {
				if !yield(part) {
					return
				}
			}
			return
		}
		// Empty parts are held back (counted) until a non-empty part shows they are not
		// trailing; the parts are all empty, so counting them is enough.
		empties := 0
		for part := range strings.SplitSeq(s, sep) {
			if part == "" {
				empties++
				continue
			}
			for ; empties > 0; empties-- {
				if !yield("") {
					return
				}
			}
			if !yield(part) {
				return
			}
		}
	}
}

// Words splits s around runs of Unicode white space and returns the words; it never
// returns an empty word, so words("") and words("  ") are []. (Spark's word count
// writes line.split(" "), which gives empty words for repeated spaces; words does not.)
//
// Words allocates the result; a fused flatMap uses WordsSeq, or WordsInto with a reused
// buffer.
func Words(s string) []string {
	return strings.Fields(s) // counts the words first: one allocation
}

// WordsInto appends the words of s to dst and returns the extended slice.
func WordsInto(dst []string, s string) []string {
	for w := range strings.FieldsSeq(s) {
		dst = append(dst, w)
	}
	return dst
}

// WordsSeq yields the words of s, as Words returns them, without allocating:
// generated code writes `for w := range stdlib.WordsSeq(line) { ... }`.
func WordsSeq(s string) iter.Seq[string] {
	return strings.FieldsSeq(s)
}

// NextWord returns the first word of s, as Words finds it, and the rest of s after the
// white space that ends it; word is "" when s has no more words. A fused flatMap over
// words(s) loops on it without allocating and without an iterator's indirect calls:
//
//	for w, rest := stdlib.NextWord(line); w != ""; w, rest = stdlib.NextWord(rest) { ... }
//
// The end of a word is found 8 bytes at a time (SWAR): one load and a few masks mark the
// bytes that are ASCII white space or ≥ 0x80, so a word of up to 8 bytes costs one load
// and no loop over its bytes. A byte ≥ 0x80 takes the exact path, which decodes UTF-8
// and asks unicode.IsSpace, as strings.Fields does; nextWordSlow is the byte-at-a-time
// reference the fuzz test compares it with.
func NextWord(s string) (word, rest string) {
	i := 0
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if asciiSpace[c] == 0 {
				break
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += n
	}
	start := i
	for {
		var m uint64
		if len(s)-i >= 8 {
			m = spaceOrHigh(load8(s, i))
			if m == 0 {
				i += 8
				continue
			}
		} else if i < len(s) {
			// The last bytes: the 8 bytes ending at the end of s, shifted so that byte i
			// is the lowest (a string shorter than 8 bytes takes the bytes one by one).
			if len(s) < 8 {
				return nextWordTail(s, start, i)
			}
			m = spaceOrHigh(load8(s, len(s)-8)) >> (8 * uint(8-(len(s)-i)))
			if m == 0 {
				return s[start:], ""
			}
		} else {
			return s[start:], ""
		}
		i += bits.TrailingZeros64(m) >> 3
		if s[i] < utf8.RuneSelf { // ASCII white space
			return s[start:i], s[i+1:]
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			return s[start:i], s[i+n:]
		}
		i += n
	}
}

// nextWordTail finishes NextWord byte by byte from i, in a word that began at start.
func nextWordTail(s string, start, i int) (word, rest string) {
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if asciiSpace[c] != 0 {
				return s[start:i], s[i+1:]
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			return s[start:i], s[i+n:]
		}
		i += n
	}
	return s[start:], ""
}

// load8 returns the 8 bytes of s at i (i+8 <= len(s)) as a little-endian word.
func load8(s string, i int) uint64 {
	return binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s[i:]), 8))
}

// spaceOrHigh sets bit 7 of every byte of x (8 bytes of text, little-endian) that is
// the ASCII white space of unicode.IsSpace ('\t', '\n', '\v', '\f', '\r', ' ') or ≥
// 0x80 (which may start a Unicode space), and of no other byte: each test is exact, no
// carry crosses a byte.
func spaceOrHigh(x uint64) uint64 {
	const (
		ones = 0x0101010101010101
		hi   = 0x8080808080808080
		lo7  = 0x7f7f7f7f7f7f7f7f
	)
	a := x &^ hi                 // each byte below 0x80: adding below does not carry out
	ge9 := a + ones*(0x80-0x09)  // bit 7 set where the byte (without bit 7) is ≥ 0x09
	ge14 := a + ones*(0x80-0x0e) // … ≥ 0x0e
	sp := x ^ ones*' '
	isSp := ^(((sp & lo7) + lo7) | sp) & hi // bit 7 set where the byte is ' '
	return (ge9&^ge14)&hi | isSp | x&hi
}

// asciiSpace marks the ASCII bytes unicode.IsSpace accepts, as strings.Fields does.
var asciiSpace = [utf8.RuneSelf]uint8{'\t': 1, '\n': 1, '\v': 1, '\f': 1, '\r': 1, ' ': 1}

// Lower returns s with every Unicode letter mapped to lower case (Java's
// toLowerCase(Locale.ROOT)). It returns s itself, without allocating, when s has no
// upper-case ASCII letters and is all ASCII.
func Lower(s string) string { return strings.ToLower(s) }

// Upper returns s with every Unicode letter mapped to upper case (Java's
// toUpperCase(Locale.ROOT), except that Go keeps ß as is where Java writes SS).
func Upper(s string) string { return strings.ToUpper(s) }

// Trim returns s without leading and trailing Unicode white space, like Java's
// String.strip (Java's older trim removes only ASCII control characters and spaces).
func Trim(s string) string { return strings.TrimSpace(s) }

// Contains reports whether sub occurs in s; every string contains "".
func Contains(s, sub string) bool { return strings.Contains(s, sub) }

// StartsWith reports whether s begins with prefix.
func StartsWith(s, prefix string) bool { return strings.HasPrefix(s, prefix) }

// EndsWith reports whether s ends with suffix.
func EndsWith(s, suffix string) bool { return strings.HasSuffix(s, suffix) }

// Replace returns s with every non-overlapping occurrence of old replaced by new, left
// to right, as Java's String.replace(CharSequence, CharSequence): old is literal, and an
// empty old inserts new before every character and at the end ("ab" → "-a-b-").
func Replace(s, old, new string) string { return strings.ReplaceAll(s, old, new) }

// Substr returns the bytes of s from start up to end (exclusive). Unlike Java's
// substring it never fails: start and end are clamped to [0, len(s)], and an end before
// start gives "". Indexes count bytes, as len does, so on non-ASCII text an index inside
// a multi-byte character cuts it.
func Substr(s string, start, end int64) string {
	n := int64(len(s))
	start = max(0, min(start, n))
	end = max(0, min(end, n))
	if end <= start {
		return ""
	}
	return s[start:end]
}

// Len returns the length of s in bytes (for ASCII text, Java's length()).
func Len(s string) int64 { return int64(len(s)) }

// Concat returns its arguments joined into one string, with one allocation.
func Concat(parts ...string) string { return strings.Join(parts, "") }

// ParseInt parses s, with surrounding white space ignored, as a base-10 int64 with an
// optional sign ("42", "-7", "+3"), and returns none when s is not one or is out of
// range. It is Scala's s.trim.toLongOption.
func ParseInt(s string) Opt[int64] {
	v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return Opt[int64]{}
	}
	return Opt[int64]{V: v, Ok: true}
}

// ParseFloat parses s, with surrounding white space ignored, as a float64 and returns
// none when s is not one. It accepts what Go's strconv.ParseFloat accepts: decimal and
// exponent forms ("1.5", "-2e3", ".5"), hexadecimal floats, and "Inf", "Infinity", "NaN"
// in any case. Like Java's Double.parseDouble, a number too large for a float64 gives
// some(±Infinity) rather than none.
func ParseFloat(s string) Opt[float64] {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
			return Opt[float64]{}
		}
	}
	return Opt[float64]{V: v, Ok: true}
}

// Join concatenates parts with sep between them (Scala's mkString(sep)); join([], sep)
// is "".
func Join(parts []string, sep string) string { return strings.Join(parts, sep) }
