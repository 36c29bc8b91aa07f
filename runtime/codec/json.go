package codec

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Decoder reads one JSON text in place, for generated decoders. See the package
// documentation for the calling pattern. A Decoder is reused across records with Reset and
// is not safe for concurrent use: each partition has its own.
type Decoder struct {
	data  string
	pos   int
	state uint8
	stack []byte // '{' or '[' per open container
	key   string
	err   error
	buf   []byte // unescaping scratch
	// fieldHint is the index, in the Fields of the record being read, of the field
	// NextKnownField tries first: the one after the last it found.
	fieldHint int

	// Generated code keeps one Decoder per partition side by side in a slice, and a
	// decoder writes pos for every byte it reads: the padding keeps two partitions'
	// decoders off each other's cache lines (false sharing made JSON decoding on two
	// cores no faster than on one).
	_ [64]byte
}

// The decoder's states: where it is in the grammar.
const (
	stValue uint8 = iota // a value comes next
	stFirst              // just inside a container: its first member or its end comes next
	stNext               // after a member: a comma or the container's end comes next
	stDone               // the top-level value is complete
)

// maxDepth bounds nesting, as encoding/json does, so that hostile input cannot exhaust
// the stack in Skip.
const maxDepth = 10000

// ValueKind is the kind of the next JSON value, as Kind reports it.
type ValueKind uint8

const (
	NoValue ValueKind = iota // not at a value, or the input is malformed there
	ObjectValue
	ArrayValue
	StringValue
	NumberValue
	BoolValue
	NullValue
)

var kindNames = [...]string{"nothing", "object", "array", "string", "number", "bool", "null"}

func (k ValueKind) String() string { return kindNames[k] }

// Reset starts decoding s; the decoder expects one JSON value, then the end of s (apart
// from white space).
func (d *Decoder) Reset(s string) {
	d.data = s
	d.pos = 0
	d.state = stValue
	d.stack = d.stack[:0]
	d.key = ""
	d.err = nil
	d.fieldHint = 0
}

// Err returns the first error met, or nil.
func (d *Decoder) Err() error { return d.err }

// Fail records err as the decoder's error unless it has one already: generated readers
// pass up a nested record's own error (a required field missing) this way, so that the
// record holding it fails too.
func (d *Decoder) Fail(err error) {
	if d.err == nil {
		d.err = err
	}
}

// Key returns the key NextField just read.
func (d *Decoder) Key() string { return d.key }

// Offset returns the byte offset the decoder has reached in its input.
func (d *Decoder) Offset() int { return d.pos }

// fail records the first error, with the offset and the field being read.
func (d *Decoder) fail(msg string) {
	if d.err != nil {
		return
	}
	where := ""
	if d.key != "" && len(d.stack) > 0 {
		where = "field " + strconv.Quote(d.key) + ": "
	}
	d.err = fmt.Errorf("json: %soffset %d: %s", where, d.pos, msg)
}

// peek skips white space and returns the next byte, 0 at the end of input.
func (d *Decoder) peek() byte {
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		if c > ' ' || (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
			return c
		}
		d.pos++
	}
	return 0
}

// found describes the input at the decoder's position for an error message.
func (d *Decoder) found() string {
	switch c := d.peek(); {
	case d.pos >= len(d.data):
		return "end of input"
	case c == '{':
		return "object"
	case c == '[':
		return "array"
	case c == '"':
		return "string"
	case c == '-' || (c >= '0' && c <= '9'):
		return "number"
	case strings.HasPrefix(d.data[d.pos:], "true") || strings.HasPrefix(d.data[d.pos:], "false"):
		return "bool"
	case strings.HasPrefix(d.data[d.pos:], "null"):
		return "null"
	default:
		r, _ := utf8.DecodeRuneInString(d.data[d.pos:])
		return strconv.QuoteRune(r)
	}
}

// failAt records an error about the value that started at offset start.
func (d *Decoder) failAt(start int, msg string) {
	d.pos = start
	d.fail(msg)
}

// afterValue moves on once a value has been consumed.
func (d *Decoder) afterValue() {
	if len(d.stack) == 0 {
		d.state = stDone
	} else {
		d.state = stNext
	}
}

// value checks that a value is expected here, for the readers.
func (d *Decoder) value() bool {
	if d.err != nil {
		return false
	}
	if d.state != stValue {
		d.fail("no value expected here (a reader was called without NextField or NextElem)")
		return false
	}
	return true
}

// enter starts iterating an object or array (open is '{' or '['), or continues the one
// being iterated. It returns false at its end or on error.
func (d *Decoder) enter(open, close byte, what string) bool {
	if d.err != nil {
		return false
	}
	switch d.state {
	case stDone:
		return false
	case stValue:
		if d.peek() != open {
			d.fail("expected " + what + ", found " + d.found())
			return false
		}
		if len(d.stack) >= maxDepth {
			d.fail("nested too deeply")
			return false
		}
		d.pos++
		d.stack = append(d.stack, open)
		d.state = stFirst
	}
	if d.stack[len(d.stack)-1] != open {
		d.fail("iterating " + what + " members inside another kind of value")
		return false
	}
	c := d.peek()
	if c == close {
		d.pos++
		d.stack = d.stack[:len(d.stack)-1]
		d.afterValue()
		return false
	}
	if d.state == stNext {
		if c != ',' {
			d.fail("expected ',' or '" + string(close) + "', found " + d.found())
			return false
		}
		d.pos++
		c = d.peek()
	}
	d.state = stValue
	if open == '[' {
		if c == 0 {
			d.fail("unexpected end of input in array")
			return false
		}
		return true
	}
	if c != '"' {
		d.fail("expected a field name, found " + d.found())
		return false
	}
	return d.fieldName()
}

// fieldName reads the field name at d.pos (a '"') and the colon after it.
func (d *Decoder) fieldName() bool {
	k, ok := d.str()
	if !ok {
		return false
	}
	if d.peek() != ':' {
		d.fail("expected ':' after field name, found " + d.found())
		return false
	}
	d.pos++
	d.key = k
	return true
}

// NextField advances to the next field of the object being iterated and reports whether
// there is one; Key then names it and one reader must consume its value. Where a value is
// expected (at the start, or after a key or array element) it enters that value, which must
// be an object. It returns false at the object's end and on error.
func (d *Decoder) NextField() bool {
	if d.state == stNext && d.err == nil && len(d.stack) > 0 && d.stack[len(d.stack)-1] == '{' {
		// The common step between members, `, "key":`, without enter's general checks;
		// the same results and errors.
		if d.peek() == ',' {
			d.pos++
			d.state = stValue
			if d.peek() != '"' {
				d.fail("expected a field name, found " + d.found())
				return false
			}
			return d.fieldName()
		}
	}
	return d.enter('{', '}', "object")
}

// NextElem advances to the next element of the array being iterated, like NextField for
// arrays: one reader must consume each element.
func (d *Decoder) NextElem() bool { return d.enter('[', ']', "array") }

// End finishes the text: it returns the first error met, or an error if the top-level
// value is incomplete or followed by anything but white space.
func (d *Decoder) End() error {
	if d.err != nil {
		return d.err
	}
	if d.state != stDone {
		d.fail("value not read to its end")
		return d.err
	}
	if d.peek() != 0 || d.pos < len(d.data) {
		d.fail("unexpected " + d.found() + " after the value")
	}
	return d.err
}

// Kind returns the kind of the next value without consuming it (NoValue when no value is
// expected or the input is malformed).
func (d *Decoder) Kind() ValueKind {
	if d.err != nil || d.state != stValue {
		return NoValue
	}
	switch c := d.peek(); {
	case c == '{':
		return ObjectValue
	case c == '[':
		return ArrayValue
	case c == '"':
		return StringValue
	case c == '-' || (c >= '0' && c <= '9'):
		return NumberValue
	case c == 't' || c == 'f':
		return BoolValue
	case c == 'n':
		return NullValue
	}
	return NoValue
}

// Null consumes the next value and reports true if it is null; otherwise it consumes
// nothing and reports false. Generated code calls it before the reader of an optional
// field.
func (d *Decoder) Null() bool {
	if !d.value() || d.peek() != 'n' {
		return false
	}
	if !d.literal("null") {
		return false
	}
	d.afterValue()
	return true
}

// literal consumes the keyword lit at the current position.
func (d *Decoder) literal(lit string) bool {
	end := d.pos + len(lit)
	if end > len(d.data) || d.data[d.pos:end] != lit {
		d.fail("invalid literal, expected " + lit)
		return false
	}
	if end < len(d.data) && isIdentByte(d.data[end]) {
		d.fail("invalid literal, expected " + lit)
		return false
	}
	d.pos = end
	return true
}

func isIdentByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// String reads a string value.
func (d *Decoder) String() (string, error) {
	if !d.value() {
		return "", d.err
	}
	if d.peek() != '"' {
		d.fail("expected string, found " + d.found())
		return "", d.err
	}
	s, ok := d.text()
	if !ok {
		return "", d.err
	}
	d.afterValue()
	return s, nil
}

// text is str for a string value, which must be text: invalid UTF-8 and lone
// surrogates (\ud800 not followed by an escaped low surrogate) are errors, not repaired.
// A value becomes a record's field, and a sink would refuse it forever (see text.go);
// as a bad record the policy routes it. Field names and skipped values are not kept,
// so they are read leniently.
func (d *Decoder) text() (string, bool) {
	if v, next := FastString(d.data, d.pos); next >= 0 {
		d.pos = next
		return v, true
	}
	return d.unescape(d.pos+1, true)
}

// str reads the string literal at d.pos (which is '"'). Without escapes or invalid UTF-8
// the result is a substring of the input (FastString's scan); otherwise it is unescaped
// into a new string, with invalid UTF-8 repaired as encoding/json does, or the error (a
// control character, an unterminated string) is reported.
func (d *Decoder) str() (string, bool) {
	if v, next := FastString(d.data, d.pos); next >= 0 {
		d.pos = next
		return v, true
	}
	return d.unescape(d.pos+1, false)
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// specialMask flags the bytes of w that may be a quote, a backslash, a control character
// or a non-ASCII byte: the high bit of each such byte is set. hasZero has false positives
// only in bytes above a true zero byte, and the subtraction of 0x20 borrows out of a byte
// only when that byte is itself below 0x20, so a word without a special byte gives 0 and
// the lowest flagged byte is always truly special.
func specialMask(w uint64) uint64 {
	return (hasZero(w^('"'*ones)) | hasZero(w^('\\'*ones)) | (w - 0x20*ones) | w) & highs
}

func hasZero(v uint64) uint64 { return (v - ones) &^ v }

// unescape is the slow path of str and text, from start (just after the opening
// quote). Invalid UTF-8 and lone surrogates are errors when strict, else they become
// U+FFFD, as with encoding/json.
func (d *Decoder) unescape(start int, strict bool) (string, bool) {
	b := d.buf[:0]
	i := start
	for i < len(d.data) {
		c := d.data[i]
		switch {
		case c == '"':
			d.pos = i + 1
			d.buf = b
			return string(b), true
		case c < 0x20:
			d.pos = i
			d.fail("control character in string")
			return "", false
		case c < utf8.RuneSelf && c != '\\':
			b = append(b, c)
			i++
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(d.data[i:])
			if r == utf8.RuneError && size == 1 {
				if strict {
					d.pos = i
					d.fail("invalid UTF-8 in string")
					return "", false
				}
				b = utf8.AppendRune(b, utf8.RuneError)
			} else {
				b = append(b, d.data[i:i+size]...)
			}
			i += size
		default: // a backslash
			if i+1 >= len(d.data) {
				i++
				continue // reported as unterminated below
			}
			e := d.data[i+1]
			i += 2
			switch e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r, ok := hex4(d.data, i)
				if !ok {
					d.pos = i
					d.fail(`invalid \u escape`)
					return "", false
				}
				i += 4
				if utf16.IsSurrogate(r) {
					// A high surrogate followed by an escaped low one makes one character.
					if r2, ok := hex4(d.data, i+2); ok && i+1 < len(d.data) && d.data[i] == '\\' && d.data[i+1] == 'u' {
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							b = utf8.AppendRune(b, dec)
							i += 6
							continue
						}
					}
					if strict {
						d.pos = i - 6
						d.fail(fmt.Sprintf(`lone surrogate \u%04x in string`, r))
						return "", false
					}
					r = utf8.RuneError
				}
				b = utf8.AppendRune(b, r)
			default:
				d.pos = i - 1
				d.fail("invalid escape \\" + string(rune(e)))
				return "", false
			}
		}
	}
	d.pos = len(d.data)
	d.fail("unterminated string")
	return "", false
}

// hex4 decodes the four hex digits at s[i:].
func hex4(s string, i int) (rune, bool) {
	if i < 0 || i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[i : i+4]) {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// number scans the number literal at d.pos by JSON's grammar and returns it, with
// whether it has neither fraction nor exponent.
func (d *Decoder) number() (tok string, integer bool, ok bool) {
	end, integer, bad, msg := scanNumber(d.data, d.pos)
	if msg != "" {
		d.pos = bad
		d.fail(msg)
		return "", false, false
	}
	tok = d.data[d.pos:end]
	d.pos = end
	return tok, integer, true
}

// scanNumber scans the number literal at s[i:] by JSON's grammar: it returns the offset
// after it and whether it has neither fraction nor exponent, or, when it is malformed,
// the offset to report and why.
func scanNumber(s string, i int) (end int, integer bool, bad int, msg string) {
	start := i
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i++; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		}
	default:
		return 0, false, start, "invalid number"
	}
	integer = true
	if i < len(s) && s[i] == '.' {
		integer = false
		i++
		j := i
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		}
		if i == j {
			return 0, false, i, "invalid number: no digits after '.'"
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		integer = false
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := i
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		}
		if i == j {
			return 0, false, i, "invalid number: no digits in exponent"
		}
	}
	return i, integer, 0, ""
}

// numberValue reads a number value for the readers; want names the expected type.
func (d *Decoder) numberValue(want string) (string, bool, bool) {
	if !d.value() {
		return "", false, false
	}
	if c := d.peek(); c != '-' && (c < '0' || c > '9') {
		d.fail("expected " + want + ", found " + d.found())
		return "", false, false
	}
	tok, integer, ok := d.number()
	if ok {
		d.afterValue()
	}
	return tok, integer, ok
}

// Int reads an integer value; a number with a fraction or exponent, or one outside the
// 64-bit range, is an error (as with encoding/json decoding into int64).
func (d *Decoder) Int() (int64, error) {
	tok, integer, ok := d.numberValue("int")
	if !ok {
		return 0, d.err
	}
	if !integer {
		d.failAt(d.pos-len(tok), "expected int, found number "+tok)
		return 0, d.err
	}
	if v, ok := parseDecimal(tok); ok {
		return v, nil
	}
	v, err := strconv.ParseInt(tok, 10, 64)
	if err != nil {
		d.failAt(d.pos-len(tok), "int "+tok+" out of range")
		return 0, d.err
	}
	return v, nil
}

// Float reads a number value as a float64.
func (d *Decoder) Float() (float64, error) {
	tok, integer, ok := d.numberValue("float")
	if !ok {
		return 0, d.err
	}
	if integer && len(tok) <= 16 {
		// Integers below 2^53 convert exactly, without ParseFloat.
		if v, ok := parseDecimal(tok); ok && v < 1<<53 && v > -(1<<53) {
			return float64(v), nil
		}
	}
	v, err := strconv.ParseFloat(tok, 64)
	if err != nil {
		d.failAt(d.pos-len(tok), "float "+tok+" out of range")
		return 0, d.err
	}
	return v, nil
}

// Number reads a number value and returns its literal text.
func (d *Decoder) Number() (string, error) {
	tok, _, ok := d.numberValue("number")
	if !ok {
		return "", d.err
	}
	return tok, nil
}

// Bool reads true or false.
func (d *Decoder) Bool() (bool, error) {
	if !d.value() {
		return false, d.err
	}
	var v bool
	switch d.peek() {
	case 't':
		v = true
		if !d.literal("true") {
			return false, d.err
		}
	case 'f':
		if !d.literal("false") {
			return false, d.err
		}
	default:
		d.fail("expected bool, found " + d.found())
		return false, d.err
	}
	d.afterValue()
	return v, nil
}

// Time reads a time as epoch milliseconds: an RFC 3339 string or a number of
// milliseconds since the epoch.
func (d *Decoder) Time() (int64, error) {
	kind, start := d.Kind(), d.pos
	switch kind {
	case NumberValue:
		return d.Int()
	case StringValue:
		s, err := d.String()
		if err != nil {
			return 0, err
		}
		ms, ok := parseRFC3339Millis(s)
		if !ok {
			d.failAt(start, "cannot parse "+Truncate(s, 64)+" as an RFC 3339 time")
			return 0, d.err
		}
		return ms, nil
	}
	if d.value() {
		d.fail("expected time (RFC 3339 string or epoch milliseconds), found " + d.found())
	}
	return 0, d.err
}

// Duration reads a duration: a string in Go's syntax ("1m30s") or a number of
// milliseconds.
func (d *Decoder) Duration() (time.Duration, error) {
	kind, start := d.Kind(), d.pos
	switch kind {
	case NumberValue:
		ms, err := d.Int()
		return time.Duration(ms) * time.Millisecond, err
	case StringValue:
		s, err := d.String()
		if err != nil {
			return 0, err
		}
		v, err := time.ParseDuration(s)
		if err != nil {
			d.failAt(start, "cannot parse "+Truncate(s, 64)+" as a duration")
			return 0, d.err
		}
		return v, nil
	}
	if d.value() {
		d.fail("expected duration (string like \"1m30s\" or milliseconds), found " + d.found())
	}
	return 0, d.err
}

// Bytes reads a base64 string (standard encoding, as encoding/json writes []byte).
func (d *Decoder) Bytes() ([]byte, error) {
	d.Kind() // skips white space, so that start is the value's offset
	start := d.pos
	s, err := d.String()
	if err != nil {
		return nil, err
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		d.failAt(start, "invalid base64 string")
		return nil, d.err
	}
	return b, nil
}

// Skip consumes the next value whatever it is, checking its syntax. Generated decoders
// call it for fields their record does not have.
func (d *Decoder) Skip() error {
	if !d.value() {
		return d.err
	}
	if d.skip(len(d.stack)) {
		d.afterValue()
	}
	return d.err
}

// skip consumes one value at nesting depth depth.
func (d *Decoder) skip(depth int) bool {
	switch c := d.peek(); {
	case c == '"':
		_, ok := d.str()
		return ok
	case c == '-' || (c >= '0' && c <= '9'):
		_, _, ok := d.number()
		return ok
	case c == 't':
		return d.literal("true")
	case c == 'f':
		return d.literal("false")
	case c == 'n':
		return d.literal("null")
	case c == '{' || c == '[':
		if depth >= maxDepth {
			d.fail("nested too deeply")
			return false
		}
		close := byte('}')
		if c == '[' {
			close = ']'
		}
		d.pos++
		if d.peek() == close {
			d.pos++
			return true
		}
		for {
			if c == '{' {
				if d.peek() != '"' {
					d.fail("expected a field name, found " + d.found())
					return false
				}
				if _, ok := d.str(); !ok {
					return false
				}
				if d.peek() != ':' {
					d.fail("expected ':' after field name, found " + d.found())
					return false
				}
				d.pos++
			}
			if !d.skip(depth + 1) {
				return false
			}
			switch d.peek() {
			case ',':
				d.pos++
			case close:
				d.pos++
				return true
			default:
				d.fail("expected ',' or '" + string(close) + "', found " + d.found())
				return false
			}
		}
	}
	d.fail("expected a value, found " + d.found())
	return false
}

// MissingField is the error of a required record field absent from a JSON object.
func MissingField(name string) error {
	return fmt.Errorf("json: missing field %q", name)
}

// CheckRequired returns MissingField for the first required field not seen: bit i of
// seen is set when the field names[i] was read, bit i of required when it must be.
func CheckRequired(seen, required uint64, names []string) error {
	missing := required &^ seen
	for i := range names {
		if missing&(1<<uint(i)) != 0 {
			return MissingField(names[i])
		}
	}
	return nil
}

// Fields are the field names of a record type, in declared order, for NextKnownField.
// Generated decoders make one per record type, once.
type Fields struct {
	names []string
	lits  []string // `"name":`, as the field appears before its value when written plainly
	index map[string]int
}

// NewFields returns the Fields of a record with the given field names, in declared order.
func NewFields(names ...string) *Fields {
	fs := &Fields{names: names, index: make(map[string]int, len(names))}
	for i, n := range names {
		fs.lits = append(fs.lits, `"`+n+`":`)
		fs.index[n] = i
	}
	return fs
}

// The results of NextKnownField that are not a field's index.
const (
	UnknownField = -1 // a field the record does not have: Skip its value
	NoMoreFields = -2 // the object's end, or an error (see Err)
)

// NextKnownField is NextField for a record of known fields: it returns the index in fs
// of the next field's name, UnknownField for a name fs does not have, or NoMoreFields.
// Writers usually emit a record's fields in its declared order, so it first tries the
// field after the last one found, comparing the input with `, "name":` directly, which
// is several times faster than reading the name and looking it up; anything else (another
// order, white space around the name, escapes in it) takes the general path, with the
// same results and errors.
func (d *Decoder) NextKnownField(fs *Fields) int {
	if h := d.fieldHint; h < len(fs.lits) && d.state == stNext && d.err == nil && len(d.stack) > 0 && d.stack[len(d.stack)-1] == '{' && d.peek() == ',' {
		p := d.pos + 1
		for p < len(d.data) && (d.data[p] == ' ' || d.data[p] == '\t' || d.data[p] == '\n' || d.data[p] == '\r') {
			p++
		}
		if lit := fs.lits[h]; strings.HasPrefix(d.data[p:], lit) {
			d.pos = p + len(lit)
			d.state = stValue
			d.key = fs.names[h]
			d.fieldHint = h + 1
			return h
		}
	}
	if !d.NextField() {
		return NoMoreFields
	}
	i, ok := fs.index[d.key]
	if !ok {
		return UnknownField
	}
	d.fieldHint = i + 1
	return i
}
