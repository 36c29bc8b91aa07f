package codec

import (
	"strconv"
	"unicode/utf8"
)

// A string field must hold text: valid UTF-8, and (in CSV) no NUL byte. Anything else
// is a bad record, not a value: a sink stores strings as text (PostgreSQL refuses both
// invalid UTF-8 and NUL in text columns), so such a record would fail every attempt to
// write it, on every restart, where the bad-record policy can still route it.
//
// The check costs one pass over the field, eight bytes at a time while they are ASCII
// and not NUL — most fields of most lines — and only fields of type string pay for it:
// numbers, times and the other scalars are checked by their parsers anyway, and bytes
// are bytes.

// ParseString checks a CSV string field for column col and returns it: valid UTF-8
// with no NUL byte, else a *TextError.
//
// The common case, ASCII without NUL, is checked here a word at a time (one call per
// field: a helper would not be inlined): the last word (or the two halves of a short
// field) overlaps the ones before instead of ending in a loop over bytes. A byte with
// its high bit set is not ASCII; w - ones sets the high bit of a zero byte (and borrows
// into higher bytes only from a zero byte).
func ParseString(s, col string) (string, error) {
	switch n := len(s); {
	case n >= 8:
		for i := 0; i < n-8; i += 8 {
			if w := load64(s, i); (w|(w-ones))&highs != 0 {
				return parseString(s, col)
			}
		}
		if w := load64(s, n-8); (w|(w-ones))&highs == 0 {
			return s, nil
		}
	case n >= 4:
		a, b := load32(s, 0), load32(s, n-4)
		if (a|(a-ones32)|b|(b-ones32))&highs32 == 0 {
			return s, nil
		}
	default:
		for i := 0; i < n; i++ {
			if c := s[i]; c == 0 || c >= utf8.RuneSelf {
				return parseString(s, col)
			}
		}
		return s, nil
	}
	return parseString(s, col)
}

const (
	ones32  = 0x01010101
	highs32 = 0x80808080
)

// parseString is ParseString for fields that are not plain ASCII: it finds the first
// byte that is a NUL or not part of a valid UTF-8 encoding.
func parseString(s, col string) (string, error) {
	for i := 0; i < len(s); {
		c := s[i]
		if c == 0 {
			return "", &TextError{Column: col, Value: s, Offset: i, NUL: true}
		}
		if c < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return "", &TextError{Column: col, Value: s, Offset: i}
		}
		i += size
	}
	return s, nil
}

// TextError is the error of a string field that is not text.
type TextError struct {
	Column string // the record field's name
	Value  string
	Offset int  // of the offending byte in Value
	NUL    bool // a NUL byte, else invalid UTF-8
}

func (e *TextError) Error() string {
	what := "invalid UTF-8"
	if e.NUL {
		what = "a NUL byte"
	}
	return "field " + strconv.Quote(e.Column) + ": " + what + " at byte " + strconv.Itoa(e.Offset) + " of " + Truncate(e.Value, 64)
}
