package codec

import (
	"math/bits"
	"strings"
)

// The cutters below are the building blocks of the one-pass CSV scanners that code
// generation writes for records without a header: each takes the rest of a line, checks
// and converts its first field and returns what follows the delimiter, so a line is read
// once, field after field, with no field slice and no second pass over the digits.
//
// They are deliberately narrow. A cutter says ok only when the field is one that the
// general path (Splitter.SplitN followed by ParseInt, ParseTime, …) reads as the same
// value; anything else — a quote, a blank, a sign other than a leading minus, more than
// 18 digits, an RFC 3339 time, a missing or extra column — is not ok, and the generated
// decoder then decodes the whole line again through the general path, which gives the
// record or the exact error. A line none of whose fields holds a quote has exactly the
// fields that lie between its delimiters, which is why the cutters refuse a quote (and
// the generated decoder looks for one in the whole line, in one fast scan, when the
// record has a string field: strings are cut with strings.IndexByte).
//
// The integer cutters read a leading minus and digits up to the delimiter, so they must
// not be used with a delimiter that is a digit or a minus sign: ScanDelim says whether
// a splitter's delimiter can be.

// ScanDelim returns the splitter's delimiter and whether the one-pass cutters may cut
// with it: not when it is a digit or '-', which CutInt would read as part of a number.
func (s *Splitter) ScanDelim() (byte, bool) {
	d := s.delim
	return d, d != '-' && (d < '0' || d > '9')
}

// CutDigits is CutInt for a field of digits only (no sign), small enough to be inlined
// where CutInt is not: generated scanners try it first and CutInt after it. Unlike
// CutInt, it returns line itself as rest when ok is false, for that second try.
func CutDigits(line string, d byte) (v int64, rest string, ok bool) {
	i := 0
	for ; i < len(line); i++ {
		c := line[i] - '0'
		if c > 9 {
			break
		}
		v = v*10 + int64(c)
	}
	if i == 0 || i > 18 || i == len(line) || line[i] != d {
		return 0, line, false
	}
	return v, line[i+1:], true
}

// CutInt reads the integer field at the start of line, which must end at a delimiter d:
// an optional '-' then 1 to 18 digits, the syntax parseDecimal accepts (ParseInt's and
// ParseTime's fast path), so the value is the one they give. It returns the value and
// the rest of the line after the delimiter; ok is false for any other field, and for a
// line that ends before a delimiter.
func CutInt(line string, d byte) (v int64, rest string, ok bool) {
	i := 0
	if len(line) > 0 && line[0] == '-' {
		i = 1
	}
	start := i
	for ; i < len(line); i++ {
		c := line[i] - '0'
		if c > 9 {
			break
		}
		v = v*10 + int64(c)
	}
	// Past 18 digits v may have wrapped; it is not returned then.
	if n := i - start; n == 0 || n > 18 || i == len(line) || line[i] != d {
		return 0, "", false
	}
	if start == 1 {
		v = -v
	}
	return v, line[i+1:], true
}

// LastInt reads the integer field that is the whole rest of line, the last column: the
// syntax of CutInt, up to the end of the line. ok is false for any other field,
// including one followed by a delimiter (the line has more columns).
func LastInt(line string) (v int64, ok bool) { return parseDecimal(line) }

// CutLong is CutInt read eight digits at a time, for fields of many digits (a time in
// epoch milliseconds has 13): generated scanners cut time fields with it. Same syntax,
// same value, same results as CutInt for every line and delimiter.
//
// One load takes the next eight bytes; subtracting '0' from each and adding 0x76 sets
// bit 7 of every byte that is not a digit, and the lowest such bit marks the first
// non-digit exactly (a byte below '0' borrows only into the bytes after it, a byte
// above '9' carries only into the bytes after it); the digits before it are converted
// by three multiplications (eightDigits). A run of eight digits takes a second load.
// A digit loop, with its one dependent multiply-add per digit, is faster for a few
// digits, slower for thirteen; this does not inline, which CutDigits does.
func CutLong(line string, d byte) (v int64, rest string, ok bool) {
	i := 0
	if len(line) > 0 && line[0] == '-' {
		i = 1
	}
	if len(line)-i < 8 {
		return CutInt(line, d)
	}
	t := load8(line, i) - ones*'0'
	n := bits.TrailingZeros64((t|(t+ones*0x76))&highs) >> 3 // digits: 0 to 8
	switch {
	case n == 0:
		return 0, "", false
	case n < 8:
		v = int64(eightDigits(t << (64 - 8*uint(n))))
	default:
		if len(line)-i < 16 {
			return CutInt(line, d)
		}
		u := load8(line, i+8) - ones*'0'
		m := bits.TrailingZeros64((u|(u+ones*0x76))&highs) >> 3
		if m == 8 { // 16 digits or more: CutInt takes up to 18
			return CutInt(line, d)
		}
		v = int64(eightDigits(t))*pow10[m] + int64(eightDigits(u<<(64-8*uint(m))))
		n += m
	}
	// i+n < len(line): the first non-digit was found in a word of the line.
	if j := i + n; line[j] == d {
		if i == 1 {
			v = -v
		}
		return v, line[j+1:], true
	}
	return 0, "", false
}

// eightDigits is the value of the decimal digits that t holds, one per byte with '0'
// subtracted, the first in the lowest byte (zero bytes there are leading zeros): pairs,
// then quadruples, then the whole, by three multiplications.
func eightDigits(t uint64) uint64 {
	t = t*10 + t>>8
	return ((t&0x000000ff000000ff)*(100+1000000<<32) + (t>>16&0x000000ff000000ff)*(1+10000<<32)) >> 32
}

var pow10 = [8]int64{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000}

// load8 returns the eight bytes at s[i:] as a little-endian word (one load: the slice
// leaves one bounds check).
func load8(s string, i int) uint64 {
	b := s[i : i+8]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// CutString cuts a string field, not the line's last, up to the delimiter d and returns
// it with what follows the delimiter: ok only when the field is text (ParseString). The
// line must hold no quote: the generated decoder looks for one in the whole line first.
//
// A short field, within its first 16 bytes, is found and checked in one pass of two
// words, each tested at once for the delimiter, a NUL and a non-ASCII byte (stops); a
// longer one is cut with strings.IndexByte, which is faster over many bytes than that
// test but costs a call, and checked by ParseString.
func CutString(line string, d byte) (field, rest string, ok bool) {
	dd := uint64(d) * ones
	if len(line) >= 16 {
		for i := 0; i < 16; i += 8 {
			if m := stops(load64(line, i), dd); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				if line[i] != d {
					break // a NUL or non-ASCII byte: the exact path
				}
				return line[:i], line[i+1:], true
			}
		}
	}
	return cutStringSlow(line, d)
}

// cutStringSlow is CutString by its definition: the field up to the first delimiter, ok
// when there is one and the field is text (ParseString). CutString takes it for long
// fields and for those its word test stopped in; the tests hold the fast path to it.
func cutStringSlow(line string, d byte) (field, rest string, ok bool) {
	j := strings.IndexByte(line, d)
	if j < 0 {
		return "", line, false
	}
	if _, err := ParseString(line[:j], ""); err != nil {
		return "", line, false
	}
	return line[:j], line[j+1:], true
}

// LastString is CutString for the line's last field, all of line: ok when it holds no
// delimiter (which would be one column too many) and is text. One pass of stops, the
// last word overlapping the ones before.
func LastString(line string, d byte) (field string, ok bool) {
	dd := uint64(d) * ones
	n := len(line)
	if n >= 8 {
		i := 0
		for ; i+8 < n; i += 8 {
			if stops(load64(line, i), dd) != 0 {
				return lastStringSlow(line, d)
			}
		}
		if stops(load64(line, n-8), dd) != 0 {
			return lastStringSlow(line, d)
		}
		return line, true
	}
	return lastStringSlow(line, d)
}

// lastStringSlow is LastString by its definition, for lines the word test stopped in (or
// short ones); the tests hold the fast path to it.
func lastStringSlow(line string, d byte) (string, bool) {
	if strings.IndexByte(line, d) >= 0 {
		return "", false
	}
	if _, err := ParseString(line, ""); err != nil {
		return "", false
	}
	return line, true
}

// stops flags (with the high bit of the byte) the bytes of w that are the delimiter
// (dd is the delimiter in every byte), a NUL or not ASCII. The lowest flag is exactly
// the first such byte: w ^ dd has a zero byte where w holds the delimiter, and
// (y - ones) &^ y flags the zero bytes of y, with false flags only above a true one (a
// borrow carries upwards from a zero byte alone).
func stops(w, dd uint64) uint64 {
	x := w ^ dd
	return (w | (x-ones)&^x | (w-ones)&^w) & highs
}
