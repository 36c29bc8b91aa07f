package codec

import (
	"math/bits"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The Fast functions are the building blocks of the generated one-pass JSON scanners:
// for a record type, code generation writes a scanner that expects the record's fields
// exactly in declared order, written plainly, and converts each value as it goes. A
// field's separator and name are compared with constants first, in the two spacings
// encoders write (`, "n": ` and `,"n":`), the compiler turning each comparison into a
// few word loads; FastField reads any other spacing:
//
//	func scanJSONClick(line string, i int, r *Click) int {
//		if j := i + 9; j < len(line) && line[i:j] == `{"user": ` && line[j] > ' ' {
//			i = j
//		} else if j := i + 8; j < len(line) && line[i:j] == `{"user":` && line[j] > ' ' {
//			i = j
//		} else if i = codec.FastField(line, i, '{', `"user"`); i < 0 {
//			return -1
//		}
//		if r.User, i = codec.FastString(line, i); i < 0 {
//			return -1
//		}
//		if j := i + 7; j < len(line) && line[i:j] == `, "n": ` && line[j] > ' ' {
//			i = j
//		} else if ... { // `,"n":`, then FastField, as for "user"
//		}
//		if r.N, i = codec.FastInt(line, i); i < 0 {
//			return -1
//		}
//		return codec.FastByte(line, i, '}')
//	}
//
// and its decoder takes the record when `scanJSONClick(line, 0, &r)` reaches an offset
// after which FastEnd sees only white space. A constant matches only where FastField's
// fast path would return the same offset (a value, not a blank, follows it). Each Fast
// function takes the input and an offset and returns the offset after what it read, or
// -1 when the input is not what it expects there (and -1 when given -1, so that steps
// can be chained before one check). They accept only a subset of JSON on which they
// agree with the Decoder: whatever they refuse — another field order, an unknown,
// missing or repeated field, an escape or invalid UTF-8 in a string, a number that does
// not convert, malformed input — makes the scanner fail, and the generated decoder then
// decodes the line from scratch with the Decoder, which gives the record or the exact
// error. So the scanner never needs to describe an error, and most records cost one pass
// without the Decoder's state machine or a lookup of their field names.
//
// A scan of the whole line first for the bytes that need care (backslashes, control
// characters, non-ASCII), as a hand-written decoder may do before taking each string up
// to the next quote, was measured and lost: it costs more than FastString's own pass over
// the values, which finds the closing quote and those bytes at once.

// blankBits has bit c set for each JSON white-space byte c.
const blankBits = 1<<' ' | 1<<'\t' | 1<<'\n' | 1<<'\r'

// skipBlanks returns the offset of the first byte at or after s[i] that is not white
// space.
func skipBlanks(s string, i int) int {
	for i < len(s) && s[i] <= ' ' && blankBits>>s[i]&1 != 0 {
		i++
	}
	return i
}

// FastByte skips white space from s[i:] and then expects the byte c; it returns the offset
// after c, or -1.
func FastByte(s string, i int, c byte) int {
	if i < 0 {
		return -1
	}
	if i = skipBlanks(s, i); i < len(s) && s[i] == c {
		return i + 1
	}
	return -1
}

// FastField reads the separator sep ('{' before a record's first field, ',' before the
// others) and the field name key, written with its quotes (`"user"`), then the colon, with
// white space allowed around each; it returns the offset of the value (white space
// skipped), or -1. The name is compared as written: an escaped name is refused.
func FastField(s string, i int, sep byte, key string) int {
	// The usual forms first, `,"key":` and `, "key": `, with no other white space;
	// then the general one.
	if i >= 0 && i < len(s) && s[i] == sep {
		j := i + 1
		if j < len(s) && s[j] == ' ' {
			j++
		}
		end := j + len(key)
		if end+2 <= len(s) && equalKey(s[j:end], key) && s[end] == ':' {
			end++
			if s[end] == ' ' {
				end++
			}
			if end < len(s) && s[end] > ' ' {
				return end
			}
		}
	}
	return fastField(s, i, sep, key)
}

// fastField is FastField allowing any white space.
func fastField(s string, i int, sep byte, key string) int {
	if i = FastByte(s, i, sep); i < 0 {
		return -1
	}
	i = skipBlanks(s, i)
	end := i + len(key)
	if end > len(s) || !equalKey(s[i:end], key) {
		return -1
	}
	if i = FastByte(s, end, ':'); i < 0 {
		return -1
	}
	return skipBlanks(s, i)
}

// equalKey is a == b for strings of the same length, without calling the runtime's
// comparison for the usual lengths of quoted field names: two overlapping words cover 4
// to 16 bytes.
func equalKey(a, b string) bool {
	switch n := len(b); {
	case n >= 8 && n <= 16:
		return load64(a, 0) == load64(b, 0) && load64(a, n-8) == load64(b, n-8)
	case n >= 4 && n < 8:
		return load32(a, 0) == load32(b, 0) && load32(a, n-4) == load32(b, n-4)
	}
	return a == b
}

// FastEnd reports whether only white space follows s[i:].
func FastEnd(s string, i int) bool {
	return i >= 0 && skipBlanks(s, i) == len(s)
}

// FastString reads the string at s[i] when it has no escape and is valid UTF-8, as a
// substring of s (what Decoder.String returns for it); -1 otherwise.
func FastString(s string, i int) (string, int) {
	if i < 0 || i >= len(s) || s[i] != '"' {
		return "", -1
	}
	start := i + 1
	j := start
	// Eight bytes at a time while none is special (a quote, a backslash, a control
	// character or a non-ASCII byte); the lowest flagged byte is a true special one, and
	// when it is the closing quote, the string is plain ASCII.
	for ; j+8 <= len(s); j += 8 {
		if m := specialMask(load64(s, j)); m != 0 {
			j += bits.TrailingZeros64(m) / 8
			if s[j] == '"' {
				return s[start:j], j + 1
			}
			return fastStringRest(s, start, j)
		}
	}
	if j < len(s) && len(s) >= 8 {
		// Fewer than eight bytes left: the last eight bytes of s, shifted so that s[j]
		// is the lowest; the zero bytes shifted in at the top are masked off (a flag
		// never spreads downwards, so those below are unchanged).
		sh := uint(j-(len(s)-8)) * 8
		if m := specialMask(load64(s, len(s)-8)>>sh) & (^uint64(0) >> sh); m != 0 {
			j += bits.TrailingZeros64(m) / 8
			if s[j] == '"' {
				return s[start:j], j + 1
			}
		}
	}
	return fastStringRest(s, start, j)
}

// fastStringRest finishes FastString byte by byte from s[j], s[start:j] being ASCII
// without a quote, a backslash or a control character.
func fastStringRest(s string, start, j int) (string, int) {
	ascii := true
	for ; j < len(s); j++ {
		switch c := s[j]; {
		case c == '"':
			v := s[start:j]
			if !ascii && !utf8.ValidString(v) {
				return "", -1 // the Decoder repairs it into a copy
			}
			return v, j + 1
		case c == '\\' || c < 0x20:
			return "", -1
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return "", -1
}

// load64 returns the eight bytes at s[i:] as a little-endian word. Slicing them first
// leaves one bounds check, so that the compiler makes one load of the eight.
func load64(s string, i int) uint64 {
	b := s[i : i+8]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// load32 returns the four bytes at s[i:] as a little-endian word.
func load32(s string, i int) uint32 {
	b := s[i : i+4]
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

// fastNumber scans the number at s[i:] as the Decoder does.
func fastNumber(s string, i int) (tok string, integer bool, next int) {
	if i < 0 {
		return "", false, -1
	}
	end, integer, _, msg := scanNumber(s, i)
	if msg != "" {
		return "", false, -1
	}
	return s[i:end], integer, end
}

// FastInt reads the integer at s[i:] as Decoder.Int does; -1 for anything else (a
// fraction, an exponent, a value out of range).
func FastInt(s string, i int) (int64, int) {
	tok, integer, next := fastNumber(s, i)
	if next < 0 || !integer {
		return 0, -1
	}
	if v, ok := parseDecimal(tok); ok {
		return v, next
	}
	v, err := strconv.ParseInt(tok, 10, 64)
	if err != nil {
		return 0, -1
	}
	return v, next
}

// FastFloat reads the number at s[i:] as Decoder.Float does; -1 for anything else.
func FastFloat(s string, i int) (float64, int) {
	tok, integer, next := fastNumber(s, i)
	if next < 0 {
		return 0, -1
	}
	if integer && len(tok) <= 16 {
		if v, ok := parseDecimal(tok); ok && v < 1<<53 && v > -(1<<53) {
			return float64(v), next
		}
	}
	v, err := strconv.ParseFloat(tok, 64)
	if err != nil {
		return 0, -1
	}
	return v, next
}

// FastBool reads true or false at s[i:]; -1 for anything else. What follows the literal
// is checked by the next step (a separator or the end).
func FastBool(s string, i int) (bool, int) {
	if i < 0 {
		return false, -1
	}
	switch {
	case strings.HasPrefix(s[i:], "true"):
		return true, i + 4
	case strings.HasPrefix(s[i:], "false"):
		return false, i + 5
	}
	return false, -1
}

// FastNull returns the offset after a null at s[i:], or -1 when there is none there
// (then a value of the field's type must follow).
func FastNull(s string, i int) int {
	if i >= 0 && strings.HasPrefix(s[i:], "null") {
		return i + 4
	}
	return -1
}

// FastTime reads a time as Decoder.Time does (epoch milliseconds, or an RFC 3339 string);
// -1 for anything else.
func FastTime(s string, i int) (int64, int) {
	if i >= 0 && i < len(s) && s[i] == '"' {
		v, next := FastString(s, i)
		if next < 0 {
			return 0, -1
		}
		ms, ok := parseRFC3339Millis(v)
		if !ok {
			return 0, -1
		}
		return ms, next
	}
	return FastInt(s, i)
}

// FastDuration reads a duration as Decoder.Duration does (a number of milliseconds, or a
// string in Go's syntax); -1 for anything else.
func FastDuration(s string, i int) (time.Duration, int) {
	if i >= 0 && i < len(s) && s[i] == '"' {
		v, next := FastString(s, i)
		if next < 0 {
			return 0, -1
		}
		d, err := time.ParseDuration(v)
		if err != nil {
			return 0, -1
		}
		return d, next
	}
	ms, next := FastInt(s, i)
	return time.Duration(ms) * time.Millisecond, next
}
