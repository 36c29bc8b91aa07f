package codec

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
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
	// CutLong is CutInt, whatever follows the field (its SWAR loads depend on how many
	// bytes the line has left).
	for _, tail := range []string{"", ",", ",t", ",tail", ",a longer tail", "x,tail", ",,,,,,,,,,,,,,,,,,,,"} {
		checkCutLong(t, field+tail, ',')
	}
}

// checkCutLong checks that CutLong(line, d) gives exactly what CutInt gives.
func checkCutLong(t *testing.T, line string, d byte) {
	t.Helper()
	v, rest, ok := CutInt(line, d)
	lv, lrest, lok := CutLong(line, d)
	if lv != v || lrest != rest || lok != ok {
		t.Fatalf("CutLong(%q, %q) = %d, %q, %v; CutInt gives %d, %q, %v", line, d, lv, lrest, lok, v, rest, ok)
	}
}

// TestCutLong compares CutLong with CutInt on every field of up to 20 bytes over an
// alphabet of digits and the bytes around them ('/' and ':' border the digits, '-' and
// the delimiters), followed by tails of every length from 0 to 17, for two delimiters;
// and on every number of 1 to 19 digits with each byte replaced in turn.
func TestCutLong(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 17))
	const alphabet = "0123456789/:-,;\"x\x00\xff"
	for _, d := range []byte{',', ';'} {
		for range 300000 {
			n := rng.IntN(21)
			b := make([]byte, n, n+18)
			for k := range b {
				if rng.IntN(3) == 0 {
					b[k] = alphabet[rng.IntN(len(alphabet))]
				} else {
					b[k] = '0' + byte(rng.IntN(10))
				}
			}
			for k := rng.IntN(18); k > 0; k-- {
				b = append(b, alphabet[rng.IntN(len(alphabet))])
			}
			checkCutLong(t, string(b), d)
		}
	}
	for n := 1; n <= 19; n++ {
		digits := strings.Repeat("7", n)
		for _, sign := range []string{"", "-", "+", "--"} {
			for _, tail := range []string{"", ",", ",x", ",1234567", ",123456789012345678", ";x"} {
				line := sign + digits + tail
				checkCutLong(t, line, ',')
				for k := 0; k < len(line); k++ {
					for _, c := range []byte{'/', ':', ',', '0', '9', '"', ' ', 0, 0x80} {
						b := []byte(line)
						b[k] = c
						checkCutLong(t, string(b), ',')
					}
				}
			}
		}
	}
	for _, v := range []int64{0, 7, 12345678, 99999999, 100000000, 1436918400000, 9999999999999999, 999999999999999999, -1436918400000} {
		s := strconv.FormatInt(v, 10)
		if got, rest, ok := CutLong(s+",rest of the line", ','); got != v || rest != "rest of the line" || !ok {
			t.Errorf("CutLong(%q) = %d, %q, %v", s, got, rest, ok)
		}
	}
}

// FuzzCutLong: CutLong gives what CutInt gives on any line and delimiter.
func FuzzCutLong(f *testing.F) {
	for _, s := range []string{"1436918400000,x", "12,x", "-1,", "123456789012345678,z", "1234567890123456789,z", "1:", "12345678", "123456789,", "-"} {
		f.Add(s, byte(','))
	}
	f.Fuzz(func(t *testing.T, line string, d byte) { checkCutLong(t, line, d) })
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
	if at, line, ok = CutLong(line, d); !ok {
		return r, false
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

// BenchmarkScanBid reads a NEXMark bid as the generated scanner does (its numbers and
// the ends of its strings; the strings' text check aside).
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
		if v[3], l, ok = CutLong(l, ','); !ok || strings.IndexByte(l, ',') >= 0 {
			b.Fatal(l)
		}
		sum += v[0] + v[3]
	}
	if sum == 0 {
		b.Fatal(fmt.Sprint(sum))
	}
}

// The decoder of a NEXMark bid as code generation writes it (csvPlainDecoder for
// type Bid { auction: int, bidder: int, price: int, channel: string, url: string,
// dateTime: time, extra: string }), with the general decoder it falls back on, for the
// benchmarks below: BenchmarkDecodeBid reads one line again and again (every branch
// predicted), BenchmarkDecodeBidFile the lines of a generated bids file ($BENCH_INPUT,
// the root of a bench/gen data set; BENCH_LINES=n keeps its first n lines, 2000 of them
// stay in the L2 cache).

type bid struct {
	Auction, Bidder, Price int64
	Channel, URL           string
	DateTime               int64
	Extra                  string
}

func decodeBidGeneral(sp *Splitter, line string) (r bid, err error) {
	fields, err := sp.SplitN(line, 7)
	if err != nil {
		return r, err
	}
	if r.Auction, err = ParseInt(fields[0], "auction"); err != nil {
		return r, err
	}
	if r.Bidder, err = ParseInt(fields[1], "bidder"); err != nil {
		return r, err
	}
	if r.Price, err = ParseInt(fields[2], "price"); err != nil {
		return r, err
	}
	if r.Channel, err = ParseString(fields[3], "channel"); err != nil {
		return r, err
	}
	if r.URL, err = ParseString(fields[4], "url"); err != nil {
		return r, err
	}
	if r.DateTime, err = ParseTime(fields[5], "dateTime"); err != nil {
		return r, err
	}
	if r.Extra, err = ParseString(fields[6], "extra"); err != nil {
		return r, err
	}
	return r, nil
}

// decodeBidPlain is the one-pass decoder codegen writes for bid-like records (see
// codegen's csvPlainDecoder).
func decodeBidPlain(sp *Splitter, line string) (r bid, err error) {
	rest := line
	d, ok := sp.ScanDelim()
	if !ok || strings.IndexByte(rest, '"') >= 0 {
		goto general
	}
	if r.Auction, rest, ok = CutDigits(rest, d); !ok {
		if r.Auction, rest, ok = CutInt(rest, d); !ok {
			goto general
		}
	}
	if r.Bidder, rest, ok = CutDigits(rest, d); !ok {
		if r.Bidder, rest, ok = CutInt(rest, d); !ok {
			goto general
		}
	}
	if r.Price, rest, ok = CutDigits(rest, d); !ok {
		if r.Price, rest, ok = CutInt(rest, d); !ok {
			goto general
		}
	}
	if r.Channel, rest, ok = CutString(rest, d); !ok {
		goto general
	}
	if r.URL, rest, ok = CutString(rest, d); !ok {
		goto general
	}
	if r.DateTime, rest, ok = CutLong(rest, d); !ok {
		goto general
	}
	if r.Extra, ok = LastString(rest, d); !ok {
		goto general
	}
	return r, nil
general:
	return decodeBidGeneral(sp, line)
}

// TestDecodeBidPlain: the scanner and the general decoder agree on bid-like lines with
// the odd quote, blank, sign, long number, non-ASCII byte, CR and missing or extra field.
func TestDecodeBidPlain(t *testing.T) {
	sp := MustSplitter(",")
	for _, line := range []string{
		benchBidLine, "1,2,3,a,b,4,c", "-1,-2,-3,,,-4,", "1,2,3,a,b,4", "1,2,3,a,b,4,c,d", `1,2,3,"a",b,4,c`,
		"1,2,3,a,b,1436918400000,c\x00", "1,2,3,a,b,1436918400000,é", "1,2,3,a,b,1436918400000,\xff",
		"1,2,3,a,b,1436918400000,c\r", "1,2,3,a,b,1436918400000\r,c", "1,2,3,a,b, 1436918400000,c",
		"1,2,3,a,b,+1436918400000,c", "1,2,3,a,b,1234567890123456789,c", "1,2,3,a,b,123456789012345678,c",
		"1,2,3,a,b,2015-07-15T00:00:00Z,c", "1,2,3,a,b,12345678,c", "1,2,3,a,b,1234567,", "1,2,3,a,b,-,c",
		"99999999999999999999,2,3,a,b,4,c", "1, 2,3,a,b,4,c",
		// Quotes in every field, and quoted delimiters the cut takes for a field's end.
		`"1",2,3,a,b,4,c`, `1,2,"3",a,b,4,c`, `1,2,3,"a,b",c,4,d`, `1,2,3,a,"b,c",4,d`, `1,2,3,a,b,"4",c`,
		`1,2,3,a,b,4,"c"`, `1,2,3,a,b,4,"c,d"`, `1,2,3,a,b,4,""`, `1,2,3,"",b,4,c`, `1,2,3,a"b,c,4,d`,
		`1,2,3,a,b,4,c"`, `1,2,3,abcdefgh"ij,c,4,d`, `1,2,3,"say ""hi""",b,4,c`, `1,2,3,ab"c,d,4,e`,
	} {
		r1, err1 := decodeBidPlain(sp, line)
		r2, err2 := decodeBidGeneral(sp, line)
		if r1 != r2 || (err1 == nil) != (err2 == nil) || (err1 != nil && err1.Error() != err2.Error()) {
			t.Errorf("%q: scanner %+v, %v; general %+v, %v", line, r1, err1, r2, err2)
		}
	}
}

// FuzzDecodeBidPlain: on any line, the bid scanner gives the general decoder's record
// or error (it gives the general decoder's result for every line it refuses).
func FuzzDecodeBidPlain(f *testing.F) {
	for _, s := range []string{benchBidLine, "1,2,3,a,b,4,c", `1,2,3,"a,b",x,4,c`, "1,2,3,a,b,-1436918400000,c", "1,2,3,a,b,1436918400000"} {
		f.Add(s)
	}
	sp := MustSplitter(",")
	f.Fuzz(func(t *testing.T, line string) {
		r1, err1 := decodeBidPlain(sp, line)
		r2, err2 := decodeBidGeneral(sp, line)
		if r1 != r2 || (err1 == nil) != (err2 == nil) || (err1 != nil && err1.Error() != err2.Error()) {
			t.Fatalf("%q: scanner %+v, %v; general %+v, %v", line, r1, err1, r2, err2)
		}
	})
}

const benchBidLine = "1933,4384,6137,channel-834,https://www.nexmark.com/m/item.htm?query=1&channel_id=607646,1436918400000,relfwybhkuxnlssfqlesyjyhsiafwz"

var bidSink int64

func benchDecodeBid(b *testing.B, lines []string) {
	sp := MustSplitter(",")
	for b.Loop() {
		for _, l := range lines {
			r, err := decodeBidPlain(sp, l)
			if err != nil {
				b.Fatal(err)
			}
			bidSink += r.Price
		}
	}
}

func BenchmarkDecodeBid(b *testing.B) { benchDecodeBid(b, []string{benchBidLine}) }

func BenchmarkDecodeBidFile(b *testing.B) {
	root := os.Getenv("BENCH_INPUT")
	if root == "" {
		b.Skip("set BENCH_INPUT to a generated data set (bench/gen)")
	}
	data, err := os.ReadFile(filepath.Join(root, "nexmark/bids/part-00000.csv"))
	if err != nil {
		b.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if n := os.Getenv("BENCH_LINES"); n != "" {
		var k int
		for _, c := range n {
			k = 10*k + int(c-'0')
		}
		lines = lines[:min(k, len(lines))]
	}
	b.ReportMetric(float64(len(lines)), "lines/op")
	benchDecodeBid(b, lines)
}

// checkCutString checks CutString and LastString on line against their definitions.
func checkCutString(t *testing.T, line string, d byte) {
	t.Helper()
	f, r, ok := CutString(line, d)
	wf, wr, wok := cutStringSlow(line, d)
	if f != wf || r != wr || ok != wok {
		t.Fatalf("CutString(%q, %q) = %q, %q, %v; want %q, %q, %v", line, d, f, r, ok, wf, wr, wok)
	}
	l, lok := LastString(line, d)
	wl, wlok := lastStringSlow(line, d)
	if l != wl || lok != wlok {
		t.Fatalf("LastString(%q, %q) = %q, %v; want %q, %v", line, d, l, lok, wl, wlok)
	}
}

// TestCutString holds CutString and LastString to their definitions on strings of
// every length up to 40 made of plain bytes and, at every position, each byte they
// stop at (the delimiter, NUL, non-ASCII and invalid UTF-8) and a quote (which they
// take as any byte: the decoder refuses lines with one first), with tab and semicolon
// delimiters too.
func TestCutString(t *testing.T) {
	stops := []string{",", `"`, "\x00", "é", "\xff", "\x80", "日", ";", "\t"}
	for _, d := range []byte{',', ';', '\t'} {
		for n := range 41 {
			plain := strings.Repeat("abcdefghij", 5)[:n]
			checkCutString(t, plain, d)
			for i := range n + 1 {
				for _, s := range stops {
					checkCutString(t, plain[:i]+s+plain[i:], d)
					checkCutString(t, plain[:i]+s+plain[i:]+string(d)+"tail", d)
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(7, 9))
	alphabet := "ab,;\"\x00\x7f\x80\xff\xc3\xa9 "
	for range 200000 {
		b := make([]byte, r.IntN(30))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		checkCutString(t, string(b), ',')
	}
}

// FuzzCutString: CutString and LastString agree with their definitions on any line.
func FuzzCutString(f *testing.F) {
	f.Add("channel-834,https://x", byte(','))
	f.Add("a\"b,c", byte(','))
	f.Add("é,x", byte(','))
	f.Fuzz(func(t *testing.T, line string, d byte) { checkCutString(t, line, d) })
}
