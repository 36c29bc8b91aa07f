package codec

import (
	"encoding/csv"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSplit(t *testing.T) {
	cases := []struct {
		delim, line string
		want        []string
		err         string
	}{
		{",", "a,b,c", []string{"a", "b", "c"}, ""},
		{",", "", []string{""}, ""},
		{",", "a,,", []string{"a", "", ""}, ""},
		{",", `"a,b",c`, []string{"a,b", "c"}, ""},
		{",", `"say ""hi""",x`, []string{`say "hi"`, "x"}, ""},
		{",", `"",""""`, []string{"", `"`}, ""},
		{",", ` a , b `, []string{" a ", " b "}, ""},
		{";", `1;"x;y";3`, []string{"1", "x;y", "3"}, ""},
		{"\t", "a\tb", []string{"a", "b"}, ""},
		{",", `a"b,c`, nil, `csv: field 1: bare " in non-quoted field`},
		{",", `x,"ab"c`, nil, `csv: field 2: extraneous or missing " in quoted field`},
		{",", `x,"abc`, nil, `csv: field 2: quoted field not closed`},
	}
	for _, c := range cases {
		s := MustSplitter(c.delim)
		got, err := s.Split(c.line)
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("Split(%q) error = %v, want %q", c.line, err, c.err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("Split(%q) = %q, %v; want %q", c.line, got, err, c.want)
		}
	}
	if _, err := MustSplitter(",").SplitN("a,b", 3); err == nil || err.Error() != "csv: expected 3 fields, found 2" {
		t.Errorf("SplitN: %v", err)
	}
	for _, d := range []string{"", ",,", `"`, "\n", "é"} {
		if _, err := NewSplitter(d); err == nil {
			t.Errorf("NewSplitter(%q): no error", d)
		}
	}
}

func TestSplitAllocations(t *testing.T) {
	s := MustSplitter(",")
	line := `alice,/home,"quoted, with comma",1709294400000,3.5,true`
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := s.SplitN(line, 6); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("Split allocates %v times per line", allocs)
	}
}

// checkSplitAgainstStdlib compares Split with encoding/csv on one line.
func checkSplitAgainstStdlib(t *testing.T, line string, delim byte) {
	t.Helper()
	s := MustSplitter(string(delim))
	got, err := s.Split(line)
	if strings.ContainsAny(line, "\r\n") || line == "" {
		return // a line from a source has no line breaks; encoding/csv skips empty lines
	}
	r := csv.NewReader(strings.NewReader(line))
	r.Comma = rune(delim)
	r.FieldsPerRecord = -1
	want, werr := r.Read()
	if werr != nil {
		if err == nil {
			t.Errorf("Split(%q) = %q, encoding/csv fails: %v", line, got, werr)
		}
		return
	}
	if err != nil {
		t.Errorf("Split(%q) fails: %v; encoding/csv = %q", line, err, want)
		return
	}
	if !slices.Equal(got, want) {
		t.Errorf("Split(%q) = %q, encoding/csv = %q", line, got, want)
	}
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{`a,b`, `"a,b",c`, `"a""b",`, `a"b`, `"a"b`, `"`, `,,`, `" x ",y`, `"é",ü`} {
		f.Add(s, byte(','))
	}
	f.Add("a;b", byte(';'))
	f.Fuzz(func(t *testing.T, line string, delim byte) {
		if !strings.ContainsRune(",;|:\t", rune(delim)) {
			delim = ',' // encoding/csv rejects some delimiters Split accepts; compare on common ones
		}
		checkSplitAgainstStdlib(t, line, delim)
	})
}

func TestParseFields(t *testing.T) {
	if v, err := ParseInt(" -42 ", "n"); v != -42 || err != nil {
		t.Errorf("ParseInt = %d, %v", v, err)
	}
	if v, err := ParseInt("9223372036854775807", "n"); v != 1<<63-1 || err != nil {
		t.Errorf("ParseInt(max) = %d, %v", v, err)
	}
	if v, err := ParseFloat("2.5e3", "f"); v != 2500 || err != nil {
		t.Errorf("ParseFloat = %v, %v", v, err)
	}
	if v, err := ParseBool("TRUE", "b"); !v || err != nil {
		t.Errorf("ParseBool = %v, %v", v, err)
	}
	if v, err := ParseTime("2024-03-01T12:00:00.5Z", "at"); v != 1709294400500 || err != nil {
		t.Errorf("ParseTime(RFC 3339) = %d, %v", v, err)
	}
	if v, err := ParseTime("1709294400500", "at"); v != 1709294400500 || err != nil {
		t.Errorf("ParseTime(ms) = %d, %v", v, err)
	}
	if v, err := ParseDuration("1m30s", "d"); v != 90*time.Second || err != nil {
		t.Errorf("ParseDuration = %v, %v", v, err)
	}
	if v, err := ParseDuration("250", "d"); v != 250*time.Millisecond || err != nil {
		t.Errorf("ParseDuration(ms) = %v, %v", v, err)
	}

	errs := []struct {
		err  error
		want string
	}{
		{second(ParseInt("abc", "count")), `field "count": cannot parse "abc" as int`},
		{second(ParseInt("99999999999999999999", "count")), `field "count": cannot parse "99999999999999999999" as int: value out of range`},
		{second(ParseFloat("x", "price")), `field "price": cannot parse "x" as float`},
		{second(ParseBool("yes", "ok")), `field "ok": cannot parse "yes" as bool`},
		{second(ParseTime("yesterday", "at")), `field "at": cannot parse "yesterday" as time (RFC 3339 or epoch milliseconds)`},
		{second(ParseDuration("soon", "d")), `field "d": cannot parse "soon" as duration`},
	}
	for _, e := range errs {
		var fe *FieldError
		if e.err == nil || e.err.Error() != e.want || !errors.As(e.err, &fe) {
			t.Errorf("error = %v, want %q", e.err, e.want)
		}
	}
}

func second[T any](_ T, err error) error { return err }

func TestHeaderIndex(t *testing.T) {
	idx, err := HeaderIndex([]string{"at", " user ", "url", "extra"}, []string{"user", "url", "at"})
	if err != nil || !slices.Equal(idx, []int{1, 2, 0}) {
		t.Errorf("HeaderIndex = %v, %v", idx, err)
	}
	if _, err := HeaderIndex([]string{"user"}, []string{"user", "url"}); err == nil || !strings.Contains(err.Error(), `no column "url"`) {
		t.Errorf("missing column: %v", err)
	}
}

func BenchmarkSplit(b *testing.B) {
	s := MustSplitter(",")
	line := `alice,/products/42,"quoted, with comma",1709294400000,3.5,true`
	b.ReportAllocs()
	for b.Loop() {
		s.Split(line)
	}
}

// BenchmarkSplitPlain splits a NEXMark bid, a line without quotes.
func BenchmarkSplitPlain(b *testing.B) {
	s := MustSplitter(",")
	line := "1933,4384,6137,channel-834,https://www.nexmark.com/m/item.htm?query=1&channel_id=607646,1436918400000,relfwybhkuxnlssfqlesyjyhsiafwz"
	b.ReportAllocs()
	for b.Loop() {
		s.Split(line)
	}
}

func BenchmarkEncodingCSV(b *testing.B) {
	line := `alice,/products/42,"quoted, with comma",1709294400000,3.5,true`
	b.ReportAllocs()
	r := csv.NewReader(strings.NewReader(""))
	for b.Loop() {
		r = csv.NewReader(strings.NewReader(line))
		r.ReuseRecord = true
		r.Read()
	}
	_ = r
}
