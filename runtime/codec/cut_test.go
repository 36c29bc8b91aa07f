package codec

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

func TestCutInt(t *testing.T) {
	cases := []struct {
		line string
		v    int64
		rest string
		ok   bool
	}{
		{"12,x", 12, "x", true},
		{"0,", 0, "", true},
		{"-0,a,b", 0, "a,b", true},
		{"-7,", -7, "", true},
		{"123456789012345678,z", 123456789012345678, "z", true},
		{"-123456789012345678,z", -123456789012345678, "z", true},
		{"1234567890123456789,z", 0, "", false}, // 19 digits: ParseInt's slow path
		{"99999999999999999999,z", 0, "", false},
		{",x", 0, "", false},  // empty field
		{"-,x", 0, "", false}, // a lone minus
		{"+1,x", 0, "", false},
		{" 1,x", 0, "", false}, // blanks: ParseInt trims, the general path
		{"1 ,x", 0, "", false},
		{"1", 0, "", false}, // no delimiter: a column is missing
		{"", 0, "", false},
		{"12a,x", 0, "", false},
		{`"1",x`, 0, "", false},
		{`1",x`, 0, "", false},
		{"--1,x", 0, "", false},
		{"1;2", 0, "", false}, // another delimiter
	}
	for _, c := range cases {
		v, rest, ok := CutInt(c.line, ',')
		if v != c.v || rest != c.rest || ok != c.ok {
			t.Errorf("CutInt(%q) = %d, %q, %v; want %d, %q, %v", c.line, v, rest, ok, c.v, c.rest, c.ok)
		}
	}
	if v, rest, ok := CutInt("5\t6", '\t'); v != 5 || rest != "6" || !ok {
		t.Errorf("CutInt with a tab = %d, %q, %v", v, rest, ok)
	}
	for _, c := range cases {
		want, wantRest, wantOK := c.v, c.rest, c.ok && c.line[0] != '-'
		if !wantOK {
			want, wantRest = 0, c.line
		}
		if v, rest, ok := CutDigits(c.line, ','); v != want || rest != wantRest || ok != wantOK {
			t.Errorf("CutDigits(%q) = %d, %q, %v; want %d, %q, %v", c.line, v, rest, ok, want, wantRest, wantOK)
		}
	}
}

func TestLastInt(t *testing.T) {
	cases := []struct {
		line string
		v    int64
		ok   bool
	}{
		{"12", 12, true},
		{"-0", 0, true},
		{"-42", -42, true},
		{"1436918400000", 1436918400000, true},
		{"999999999999999999", 999999999999999999, true},
		{"1000000000000000000", 0, false},
		{"", 0, false},
		{"-", 0, false},
		{"+3", 0, false},
		{"3 ", 0, false},
		{"3,", 0, false}, // an extra column
		{"3,4", 0, false},
		{`3"`, 0, false},
		{"2024-03-01T12:00:00Z", 0, false}, // RFC 3339: ParseTime's slow path
	}
	for _, c := range cases {
		if v, ok := LastInt(c.line); v != c.v || ok != c.ok {
			t.Errorf("LastInt(%q) = %d, %v; want %d, %v", c.line, v, ok, c.v, c.ok)
		}
	}
}

func TestScanDelim(t *testing.T) {
	for _, c := range []struct {
		delim string
		ok    bool
	}{{",", true}, {";", true}, {"\t", true}, {"|", true}, {"+", true}, {"-", false}, {"0", false}, {"7", false}, {"9", false}} {
		d, ok := MustSplitter(c.delim).ScanDelim()
		if d != c.delim[0] || ok != c.ok {
			t.Errorf("ScanDelim(%q) = %q, %v; want %v", c.delim, d, ok, c.ok)
		}
	}
}

// TestCutIntMatchesParseInt: on random fields, CutInt and LastInt either refuse or give
// exactly what ParseInt (and ParseTime) gives, and they accept every field of up to 18
// digits with an optional minus, the common case the scanners exist for.
func TestCutIntMatchesParseInt(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	const alphabet = "0123456789-+ ,\"x.e"
	for range 200000 {
		var b strings.Builder
		n := rng.IntN(22)
		for range n {
			if rng.IntN(4) == 0 {
				b.WriteByte(alphabet[rng.IntN(len(alphabet))])
			} else {
				b.WriteByte('0' + byte(rng.IntN(10)))
			}
		}
		field := b.String()
		if strings.IndexByte(field, ',') >= 0 {
			continue // a field has no delimiter: Split would have cut it
		}
		checkCutInt(t, field)
	}
	for _, v := range []int64{0, 1, -1, 9, 10, 1<<63 - 1, -1 << 63, 999999999999999999, -999999999999999999, 1000000000000000000} {
		checkCutInt(t, strconv.FormatInt(v, 10))
	}
}

func checkCutInt(t *testing.T, field string) {
	t.Helper()
	want, err := ParseInt(field, "n")
	wantT, errT := ParseTime(field, "n")
	common := len(field) > 0 && len(strings.TrimPrefix(field, "-")) > 0 && len(strings.TrimPrefix(field, "-")) <= 18 &&
		strings.Trim(strings.TrimPrefix(field, "-"), "0123456789") == ""
	v, rest, ok := CutInt(field+",tail", ',')
	if ok && (err != nil || v != want || rest != "tail" || errT != nil || v != wantT) {
		t.Fatalf("CutInt(%q) = %d, %q; ParseInt = %d, %v; ParseTime = %d, %v", field, v, rest, want, err, wantT, errT)
	}
	if ok != common {
		t.Fatalf("CutInt(%q) ok = %v, want %v", field, ok, common)
	}
	// CutDigits takes the unsigned ones, and gives the line back on the others.
	dv, drest, dok := CutDigits(field+",tail", ',')
	if dok != (ok && field[0] != '-') || (dok && (dv != v || drest != "tail")) || (!dok && (dv != 0 || drest != field+",tail")) {
		t.Fatalf("CutDigits(%q) = %d, %q, %v; CutInt gives %d, %v", field, dv, drest, dok, v, ok)
	}
	lv, lok := LastInt(field)
	if lok != ok || lv != v {
		t.Fatalf("LastInt(%q) = %d, %v; CutInt gives %d, %v", field, lv, lok, v, ok)
	}
}

// scanCSVRow is the one-pass read code generation writes for type Click { user: string,
// n: int, at: time, score: float } (see codegen's csvPlainDecoder), with ok = false where
// the generated decoder jumps to the general one.
func scanCSVRow(d byte, line string) (r [4]string, ok bool) {
	if strings.IndexByte(line, '"') >= 0 {
		return r, false
	}
	var i int
	var f string
	i = strings.IndexByte(line, d)
	if i < 0 {
		return r, false
	}
	f, line = line[:i], line[i+1:]
	r[0] = f
	var n, at int64
	if n, line, ok = CutDigits(line, d); !ok {
		if n, line, ok = CutInt(line, d); !ok {
			return r, false
		}
	}
	r[1] = strconv.FormatInt(n, 10)
	if at, line, ok = CutDigits(line, d); !ok {
		if at, line, ok = CutInt(line, d); !ok {
			return r, false
		}
	}
	r[2] = strconv.FormatInt(at, 10)
	if strings.IndexByte(line, d) >= 0 {
		return r, false
	}
	x, err := ParseFloat(line, "score")
	if err != nil {
		return r, false
	}
	r[3] = strconv.FormatFloat(x, 'g', -1, 64)
	return r, true
}

// decodeCSVRow is the general decoder of the same record.
func decodeCSVRow(s *Splitter, line string) (r [4]string, err error) {
	fields, err := s.SplitN(line, 4)
	if err != nil {
		return r, err
	}
	r[0] = fields[0]
	n, err := ParseInt(fields[1], "n")
	if err != nil {
		return r, err
	}
	r[1] = strconv.FormatInt(n, 10)
	at, err := ParseTime(fields[2], "at")
	if err != nil {
		return r, err
	}
	r[2] = strconv.FormatInt(at, 10)
	x, err := ParseFloat(fields[3], "score")
	if err != nil {
		return r, err
	}
	r[3] = strconv.FormatFloat(x, 'g', -1, 64)
	return r, nil
}

// FuzzScanMatchesSplit: whenever the one-pass scanner accepts a line, the general decoder
// accepts it too and gives the same record, so falling back on refusal keeps records
// and errors the general decoder's.
func FuzzScanMatchesSplit(f *testing.F) {
	for _, s := range []string{
		"alice,3,1709294400000,2.5", `"alice",3,1,2`, `al"ice,3,1,2`, "a,3,1,2,", "a,3,1", "a,-0,-5,1e3",
		"a, 3,1,2", "a,3,2024-03-01T00:00:00Z,2", "a,1234567890123456789,1,1", ",0,0,0", "a;3;1;2",
	} {
		f.Add(s, byte(','))
	}
	f.Add("a;3;1;2", byte(';'))
	f.Fuzz(func(t *testing.T, line string, delim byte) {
		s, err := NewSplitter(string([]byte{delim}))
		if err != nil {
			return
		}
		d, fast := s.ScanDelim()
		if !fast {
			return
		}
		got, ok := scanCSVRow(d, line)
		if !ok {
			return
		}
		want, err := decodeCSVRow(s, line)
		if err != nil || got != want {
			t.Fatalf("scan(%q) = %q; general decoder = %q, %v", line, got, want, err)
		}
	})
}

// TestScanMatchesSplit runs the fuzz property on random lines of bid-like fields with
// the odd quote, blank, sign and missing or extra column, and checks the scanner takes
// the plain ones.
func TestScanMatchesSplit(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	pieces := []string{"alice", "", "3", "-3", "-0", "+3", " 3", "1709294400000", "2024-03-01T00:00:00Z",
		"2.5", "1e3", "x", `"q"`, `a"b`, `"a,b"`, "1234567890123456789", "-"}
	s := MustSplitter(",")
	scanned := 0
	for range 100000 {
		n := 3 + rng.IntN(3)
		parts := make([]string, n)
		for k := range parts {
			parts[k] = pieces[rng.IntN(len(pieces))]
		}
		line := strings.Join(parts, ",")
		got, ok := scanCSVRow(',', line)
		want, err := decodeCSVRow(s, line)
		if ok {
			scanned++
			if err != nil || got != want {
				t.Fatalf("scan(%q) = %q; general decoder = %q, %v", line, got, want, err)
			}
		}
		plain := n == 4 && !strings.Contains(line, `"`) && isCommon(parts[1]) && isCommon(parts[2]) && err == nil
		if plain != ok {
			t.Fatalf("scan(%q) ok = %v, want %v (general decoder: %v)", line, ok, plain, err)
		}
	}
	if scanned == 0 {
		t.Fatal("no line took the scanner")
	}
}

// isCommon reports whether field is an optional minus and 1 to 18 digits.
func isCommon(field string) bool {
	d := strings.TrimPrefix(field, "-")
	return len(d) > 0 && len(d) <= 18 && strings.Trim(d, "0123456789") == ""
}

// BenchmarkScanBid reads a NEXMark bid as the generated scanner does.
func BenchmarkScanBid(b *testing.B) {
	line := "1933,4384,6137,channel-834,https://www.nexmark.com/m/item.htm?query=1&channel_id=607646,1436918400000,relfwybhkuxnlssfqlesyjyhsiafwz"
	var sum int64
	for b.Loop() {
		l := line
		if strings.IndexByte(l, '"') >= 0 {
			b.Fatal("quote")
		}
		var ok bool
		var v [4]int64
		for k := range 3 {
			if v[k], l, ok = CutDigits(l, ','); !ok {
				b.Fatal(l)
			}
		}
		for range 2 {
			i := strings.IndexByte(l, ',')
			l = l[i+1:]
		}
		if v[3], l, ok = CutDigits(l, ','); !ok || strings.IndexByte(l, ',') >= 0 {
			b.Fatal(l)
		}
		sum += v[0] + v[3]
	}
	if sum == 0 {
		b.Fatal(fmt.Sprint(sum))
	}
}
