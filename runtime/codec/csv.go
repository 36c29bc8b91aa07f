package codec

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Splitter cuts CSV lines into fields. It follows RFC 4180 within one line: a field may
// be quoted, a quoted field may contain the delimiter and doubled quotes (""), and a quote
// anywhere else is an error, as in encoding/csv without LazyQuotes. Fields are not
// trimmed. A Splitter is not safe for concurrent use: each partition has its own.
type Splitter struct {
	delim  byte
	fields []string
	buf    []byte
}

// NewSplitter returns a splitter for a one-byte delimiter other than a quote or a line
// break (",", ";", "\t", "|", …).
func NewSplitter(delimiter string) (*Splitter, error) {
	if len(delimiter) != 1 || delimiter[0] == '"' || delimiter[0] == '\n' || delimiter[0] == '\r' || delimiter[0] >= 0x80 {
		return nil, fmt.Errorf("csv: invalid delimiter %q: want one ASCII character other than a quote or a line break", delimiter)
	}
	return &Splitter{delim: delimiter[0]}, nil
}

// MustSplitter is NewSplitter for delimiters the checker has validated; it panics on an
// invalid one.
func MustSplitter(delimiter string) *Splitter {
	s, err := NewSplitter(delimiter)
	if err != nil {
		panic(err)
	}
	return s
}

// Split returns the fields of line. The returned slice is reused by the next call; the
// strings themselves are substrings of line (or, for fields with doubled quotes, fresh
// strings) and may be kept. An empty line has one empty field.
func (s *Splitter) Split(line string) ([]string, error) {
	if strings.IndexByte(line, '"') < 0 {
		// No quote anywhere (most lines): no field is quoted and none can hold a bare
		// quote, so the fields are what lies between delimiters. One scan of the line
		// for quotes instead of one per field.
		return s.splitPlain(line), nil
	}
	fields := s.fields[:0]
	i := 0
	for {
		if i < len(line) && line[i] == '"' {
			field, next, err := s.quoted(line, i, len(fields)+1)
			if err != nil {
				s.fields = fields
				return nil, err
			}
			fields = append(fields, field)
			i = next
		} else {
			end := strings.IndexByte(line[i:], s.delim)
			if end < 0 {
				end = len(line)
			} else {
				end += i
			}
			field := line[i:end]
			if strings.IndexByte(field, '"') >= 0 {
				s.fields = fields
				return nil, fmt.Errorf("csv: field %d: bare \" in non-quoted field", len(fields)+1)
			}
			fields = append(fields, field)
			i = end
		}
		if i >= len(line) {
			break
		}
		i++ // the delimiter
		if i == len(line) {
			fields = append(fields, "") // a trailing delimiter ends with an empty field
			break
		}
	}
	s.fields = fields
	return fields, nil
}

// splitPlain is Split for a line without quotes.
func (s *Splitter) splitPlain(line string) []string {
	fields := s.fields[:0]
	for {
		end := strings.IndexByte(line, s.delim)
		if end < 0 {
			fields = append(fields, line)
			break
		}
		fields = append(fields, line[:end])
		line = line[end+1:]
	}
	s.fields = fields
	return fields
}

// quoted reads the quoted field starting at line[i] == '"' and returns it with the index
// just after its closing quote, which must be the end of line or a delimiter.
func (s *Splitter) quoted(line string, i, n int) (string, int, error) {
	j := i + 1
	copied := false
	for {
		q := strings.IndexByte(line[j:], '"')
		if q < 0 {
			return "", 0, fmt.Errorf("csv: field %d: quoted field not closed", n)
		}
		q += j
		if q+1 < len(line) && line[q+1] == '"' {
			// A doubled quote: the field needs unescaping, into the reused buffer.
			if !copied {
				s.buf = s.buf[:0]
				copied = true
			}
			s.buf = append(s.buf, line[j:q+1]...)
			j = q + 2
			continue
		}
		if q+1 < len(line) && line[q+1] != s.delim {
			return "", 0, fmt.Errorf("csv: field %d: extraneous or missing \" in quoted field", n)
		}
		if !copied {
			return line[i+1 : q], q + 1, nil
		}
		s.buf = append(s.buf, line[j:q]...)
		return string(s.buf), q + 1, nil
	}
}

// SplitN is Split for records of exactly n columns: a line with another number of fields
// is an error.
func (s *Splitter) SplitN(line string, n int) ([]string, error) {
	fields, err := s.Split(line)
	if err != nil {
		return nil, err
	}
	if len(fields) != n {
		return nil, fmt.Errorf("csv: expected %d fields, found %d", n, len(fields))
	}
	return fields, nil
}

// HeaderIndex maps the record's field names to their columns in a CSV header line (for
// .csv(T, header = true)): idx[i] is the column of names[i]. Every name must appear.
func HeaderIndex(header []string, names []string) ([]int, error) {
	idx := make([]int, len(names))
	for i, name := range names {
		idx[i] = -1
		for j, h := range header {
			if strings.TrimSpace(h) == name {
				idx[i] = j
				break
			}
		}
		if idx[i] < 0 {
			return nil, fmt.Errorf("csv: header has no column %q (columns: %s)", name, strings.Join(header, ", "))
		}
	}
	return idx, nil
}

// FieldError is the error of a field that does not parse as its column's type.
type FieldError struct {
	Column string // the record field's name
	Type   string // int, float, bool, time, duration
	Value  string
	Err    error // the parser's error, if it says more than "invalid syntax"
}

func (e *FieldError) Error() string {
	msg := fmt.Sprintf("field %q: cannot parse %s as %s", e.Column, Truncate(e.Value, 64), e.Type)
	if e.Err != nil && !errors.Is(e.Err, strconv.ErrSyntax) {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the parser's error.
func (e *FieldError) Unwrap() error { return e.Err }

// trimSpace drops surrounding ASCII blanks, which CSV writers often leave around numbers.
func trimSpace(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// ParseInt parses a decimal 64-bit integer (surrounding blanks allowed) for column col.
// Plain digits, the common case, go straight to parseDecimal; the rest is parseInt.
func ParseInt(s, col string) (int64, error) {
	if v, ok := parseDecimal(s); ok {
		return v, nil
	}
	return parseInt(s, col)
}

// parseInt is ParseInt for fields with blanks, more than 18 digits or bad syntax.
func parseInt(s, col string) (int64, error) {
	v, ok := parseDecimal(trimSpace(s))
	if ok {
		return v, nil
	}
	v, err := strconv.ParseInt(trimSpace(s), 10, 64)
	if err != nil {
		return 0, &FieldError{col, "int", s, unwrapNum(err)}
	}
	return v, nil
}

// parseDecimal is the fast path of ParseInt: optional minus sign and up to 18 digits,
// which cannot overflow.
func parseDecimal(s string) (int64, bool) {
	neg := false
	if len(s) > 0 && s[0] == '-' {
		neg, s = true, s[1:]
	}
	if len(s) == 0 || len(s) > 18 {
		return 0, false
	}
	var v int64
	for i := 0; i < len(s); i++ {
		c := s[i] - '0'
		if c > 9 {
			return 0, false
		}
		v = v*10 + int64(c)
	}
	if neg {
		v = -v
	}
	return v, true
}

// unwrapNum keeps the cause of a strconv.NumError (its message repeats the input).
func unwrapNum(err error) error {
	var ne *strconv.NumError
	if errors.As(err, &ne) {
		return ne.Err
	}
	return err
}

// ParseFloat parses a 64-bit float (surrounding blanks allowed) for column col.
func ParseFloat(s, col string) (float64, error) {
	v, err := strconv.ParseFloat(trimSpace(s), 64)
	if err != nil {
		return 0, &FieldError{col, "float", s, unwrapNum(err)}
	}
	return v, nil
}

// ParseBool parses true/false (also 1/0, t/f, TRUE/FALSE, True/False) for column col.
func ParseBool(s, col string) (bool, error) {
	v, err := strconv.ParseBool(trimSpace(s))
	if err != nil {
		return false, &FieldError{col, "bool", s, nil}
	}
	return v, nil
}

// ParseTime parses a time for column col into epoch milliseconds: an RFC 3339 timestamp
// (fractional seconds optional) or an integer number of milliseconds since the epoch.
// Epoch milliseconds without blanks, the common case, go straight to parseDecimal.
func ParseTime(s, col string) (int64, error) {
	if v, ok := parseDecimal(s); ok {
		return v, nil
	}
	return parseTime(s, col)
}

// parseTime is ParseTime for everything but plain epoch milliseconds.
func parseTime(s, col string) (int64, error) {
	t := trimSpace(s)
	if v, ok := parseDecimal(t); ok {
		return v, nil
	}
	ms, ok := parseRFC3339Millis(t)
	if !ok {
		return 0, &FieldError{col, "time (RFC 3339 or epoch milliseconds)", s, nil}
	}
	return ms, nil
}

// ParseDuration parses a duration for column col: Go's syntax ("1m30s", "250ms") or an
// integer number of milliseconds.
func ParseDuration(s, col string) (time.Duration, error) {
	t := trimSpace(s)
	if v, ok := parseDecimal(t); ok {
		return time.Duration(v) * time.Millisecond, nil
	}
	d, err := time.ParseDuration(t)
	if err != nil {
		return 0, &FieldError{col, "duration", s, nil}
	}
	return d, nil
}
