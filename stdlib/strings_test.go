package stdlib_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"streamc.dev/streamc/stdlib"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		s, sep string
		want   []string
	}{
		{"a,b,c", ",", []string{"a", "b", "c"}},
		{"a,b,,", ",", []string{"a", "b"}},         // trailing empties removed, as Java
		{",a,,b", ",", []string{"", "a", "", "b"}}, // leading and inner kept
		{",", ",", []string{}},
		{",,,", ",", []string{}},
		{"", ",", []string{""}}, // no match: the string itself
		{"abc", ",", []string{"abc"}},
		{"a.b", ".", []string{"a", "b"}}, // literal, not a regex
		{"a|b", "|", []string{"a", "b"}},
		{"a::b::", "::", []string{"a", "b"}},
		{"héllo wörld", "ö", []string{"héllo w", "rld"}},
		{"日本語", "", []string{"日", "本", "語"}},
		{"", "", []string{""}},
		{"a  b", " ", []string{"a", "", "b"}},
	}
	for _, tt := range tests {
		got := stdlib.Split(tt.s, tt.sep)
		if !cmp.Equal(got, tt.want, cmpEmpty) {
			t.Errorf("Split(%q, %q) = %q, want %q", tt.s, tt.sep, got, tt.want)
		}
		var seq []string
		for p := range stdlib.SplitSeq(tt.s, tt.sep) {
			seq = append(seq, p)
		}
		if !cmp.Equal(seq, tt.want, cmpEmpty) {
			t.Errorf("SplitSeq(%q, %q) yields %q, want %q", tt.s, tt.sep, seq, tt.want)
		}
		buf := []string{"keep"}
		if got := stdlib.SplitInto(buf, tt.s, tt.sep); !cmp.Equal(got, append([]string{"keep"}, tt.want...)) {
			t.Errorf("SplitInto([keep], %q, %q) = %q", tt.s, tt.sep, got)
		}
	}
}

func TestSplitSeqStopsEarly(t *testing.T) {
	var got []string
	for p := range stdlib.SplitSeq("a,,b,c", ",") {
		got = append(got, p)
		if p == "" {
			break
		}
	}
	if want := []string{"a", ""}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// cmpEmpty treats nil and empty slices alike: callers only range over the result.
var cmpEmpty = cmp.Comparer(func(a, b []string) bool { return slices.Equal(a, b) })

func TestWords(t *testing.T) {
	tests := []struct {
		s    string
		want []string
	}{
		{"the quick  brown\tfox\n", []string{"the", "quick", "brown", "fox"}},
		{"  leading and trailing  ", []string{"leading", "and", "trailing"}},
		{"", nil},
		{" \t\n ", nil},
		{"one", []string{"one"}},
		{"no\u00a0break\u2003em\u3000ideographic", []string{"no", "break", "em", "ideographic"}},
		{"héllo wörld", []string{"héllo", "wörld"}},
	}
	for _, tt := range tests {
		if got := stdlib.Words(tt.s); !slices.Equal(got, tt.want) {
			t.Errorf("Words(%q) = %q, want %q", tt.s, got, tt.want)
		}
		var seq []string
		for w := range stdlib.WordsSeq(tt.s) {
			seq = append(seq, w)
		}
		if !slices.Equal(seq, tt.want) {
			t.Errorf("WordsSeq(%q) yields %q, want %q", tt.s, seq, tt.want)
		}
		buf := make([]string, 0, 8)
		if got := stdlib.WordsInto(buf, tt.s); !slices.Equal(got, tt.want) {
			t.Errorf("WordsInto(%q) = %q, want %q", tt.s, got, tt.want)
		}
		if got := nextWords(tt.s); !slices.Equal(got, tt.want) {
			t.Errorf("NextWord loop over %q gives %q, want %q", tt.s, got, tt.want)
		}
	}
}

// nextWords collects the words of s the way a fused flatMap loops over them.
func nextWords(s string) []string {
	var out []string
	for w, rest := stdlib.NextWord(s); w != ""; w, rest = stdlib.NextWord(rest) {
		out = append(out, w)
	}
	return out
}

// FuzzNextWord checks that looping on NextWord finds exactly the words Words returns,
// including on invalid UTF-8 and the rarer Unicode spaces.
func FuzzNextWord(f *testing.F) {
	for _, s := range []string{"", " a  b ", "\x85x\u00a0y", "\xffz \xe2\x80", "tab\tnl\nvt\vff\fcr\r", "\u2028\u2029\u205f\u3000end"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := nextWords(s), stdlib.Words(s); !slices.Equal(got, want) {
			t.Errorf("NextWord loop over %q gives %q, Words gives %q", s, got, want)
		}
	})
}

// nextWordSlow is NextWord written byte by byte, as it was before it read 8 bytes at a
// time: the reference the SWAR version must agree with on every call, rest included.
func nextWordSlow(s string) (word, rest string) {
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += n
	}
	start := i
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			return s[start:i], s[i+n:]
		}
		i += n
	}
	return s[start:], ""
}

// checkNextWordSteps compares every call of a NextWord loop over s with nextWordSlow's.
func checkNextWordSteps(t *testing.T, s string) {
	t.Helper()
	rest, want := s, s
	for {
		w, r := stdlib.NextWord(rest)
		ww, wr := nextWordSlow(want)
		if w != ww || r != wr {
			t.Fatalf("NextWord(%q) = %q, %q; byte by byte %q, %q (in %q)", rest, w, r, ww, wr, s)
		}
		if w == "" {
			return
		}
		rest, want = r, wr
	}
}

// FuzzNextWordSWAR checks NextWord's 8-bytes-at-a-time scan against the byte-by-byte
// reference, call by call: every ASCII white space, bytes ≥ 0x80 that are and are not
// Unicode spaces, invalid UTF-8, and words ending at every offset of an 8-byte load
// and of a string's last 8 bytes.
func FuzzNextWordSWAR(f *testing.F) {
	for _, s := range []string{"", "a", " abcdefgh ijklmnopq", "\x85x\u00a0y", "\xffz \xe2\x80", "tab\tnl\nvt\vff\fcr\r",
		"\u2028\u2029\u205f\u3000end", "abcdefg\u3000hij", "0123456789abcdef\u00a0", "\x1f\x08\x0e\x7f\x80 x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkNextWordSteps(t, s) })
}

// TestNextWordSWARExhaustive runs every string of up to 6 bytes over an alphabet of the
// bytes around the masks' edges, padded on both sides by up to 9 letters so that each
// lands at every offset of a load, and random longer mixes.
func TestNextWordSWARExhaustive(t *testing.T) {
	alpha := []string{"a", " ", "\t", "\r", "\x08", "\x0e", "\x1f", "!", "\x7f", "\u00a0", "\u3000", "é", "\xff", "\x85"}
	var gen func(prefix string, n int)
	gen = func(prefix string, n int) {
		for pad := range 10 {
			checkNextWordSteps(t, strings.Repeat("x", pad)+prefix)
			checkNextWordSteps(t, prefix+strings.Repeat("y", pad))
		}
		if n == 0 {
			return
		}
		for _, c := range alpha {
			gen(prefix+c, n-1)
		}
	}
	gen("", 3)
	r := rand.New(rand.NewPCG(1, 2))
	for range 20_000 {
		var b strings.Builder
		for range r.IntN(40) {
			b.WriteString(alpha[r.IntN(len(alpha))])
		}
		checkNextWordSteps(t, b.String())
	}
}

func TestNextWordAllocates(t *testing.T) {
	n := 0
	allocs := testing.AllocsPerRun(100, func() {
		for w, rest := stdlib.NextWord("to be or not to be"); w != ""; w, rest = stdlib.NextWord(rest) {
			n += len(w)
		}
	})
	if allocs != 0 {
		t.Errorf("looping on NextWord allocates %v times, want 0", allocs)
	}
}

func TestWordsIntoReusesBuffer(t *testing.T) {
	buf := make([]string, 0, 8)
	allocs := testing.AllocsPerRun(100, func() {
		buf = stdlib.WordsInto(buf[:0], "to be or not to be")
	})
	if allocs != 0 {
		t.Errorf("WordsInto with a large enough buffer allocates %v times, want 0", allocs)
	}
}

func TestCaseAndTrim(t *testing.T) {
	tests := []struct {
		name string
		f    func(string) string
		in   string
		want string
	}{
		{"Lower", stdlib.Lower, "Hello WORLD", "hello world"},
		{"Lower", stdlib.Lower, "ÀÉÎ Straße", "àéî straße"},
		{"Lower", stdlib.Lower, "", ""},
		{"Upper", stdlib.Upper, "Hello world", "HELLO WORLD"},
		{"Upper", stdlib.Upper, "àéî ñ", "ÀÉÎ Ñ"},
		{"Upper", stdlib.Upper, "", ""},
		{"Trim", stdlib.Trim, "  a b \t\n", "a b"},
		{"Trim", stdlib.Trim, "\u00a0\u3000x\u2003", "x"},
		{"Trim", stdlib.Trim, "   ", ""},
		{"Trim", stdlib.Trim, "", ""},
	}
	for _, tt := range tests {
		if got := tt.f(tt.in); got != tt.want {
			t.Errorf("%s(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestLowerOfLowerDoesNotAllocate(t *testing.T) {
	s := "already lower case ascii"
	if allocs := testing.AllocsPerRun(100, func() { _ = stdlib.Lower(s) }); allocs != 0 {
		t.Errorf("Lower(lower-case ASCII) allocates %v times, want 0", allocs)
	}
}

func TestPredicates(t *testing.T) {
	tests := []struct {
		name   string
		f      func(string, string) bool
		s, arg string
		want   bool
	}{
		{"Contains", stdlib.Contains, "error: disk", "error", true},
		{"Contains", stdlib.Contains, "warn", "error", false},
		{"Contains", stdlib.Contains, "", "", true},
		{"Contains", stdlib.Contains, "abc", "", true},
		{"Contains", stdlib.Contains, "", "a", false},
		{"Contains", stdlib.Contains, "naïve", "ï", true},
		{"StartsWith", stdlib.StartsWith, "#comment", "#", true},
		{"StartsWith", stdlib.StartsWith, "a#", "#", false},
		{"StartsWith", stdlib.StartsWith, "x", "", true},
		{"StartsWith", stdlib.StartsWith, "", "x", false},
		{"EndsWith", stdlib.EndsWith, "img.png", ".png", true},
		{"EndsWith", stdlib.EndsWith, "png.img", ".png", false},
		{"EndsWith", stdlib.EndsWith, "", "", true},
		{"EndsWith", stdlib.EndsWith, "日本語", "語", true},
	}
	for _, tt := range tests {
		if got := tt.f(tt.s, tt.arg); got != tt.want {
			t.Errorf("%s(%q, %q) = %v, want %v", tt.name, tt.s, tt.arg, got, tt.want)
		}
	}
}

func TestReplace(t *testing.T) {
	tests := []struct{ s, old, new, want string }{
		{"a\tb\tc", "\t", " ", "a b c"},
		{"aaa", "aa", "b", "ba"}, // non-overlapping, left to right
		{"abc", "x", "y", "abc"},
		{"ab", "", "-", "-a-b-"}, // Java's replace("", "-")
		{"", "", "-", "-"},
		{"", "a", "b", ""},
		{"a.b.c", ".", "", "abc"}, // literal, not a regex
		{"über", "ü", "ue", "ueber"},
	}
	for _, tt := range tests {
		if got := stdlib.Replace(tt.s, tt.old, tt.new); got != tt.want {
			t.Errorf("Replace(%q, %q, %q) = %q, want %q", tt.s, tt.old, tt.new, got, tt.want)
		}
	}
}

func TestSubstr(t *testing.T) {
	tests := []struct {
		s          string
		start, end int64
		want       string
	}{
		{"hello", 0, 3, "hel"},
		{"hello", 1, 5, "ello"},
		{"hello", 2, 2, ""},
		{"hello", -3, 2, "he"},
		{"hello", 3, 100, "lo"},
		{"hello", 4, 1, ""},
		{"hello", 10, 20, ""},
		{"hello", -5, -1, ""},
		{"hello", math.MinInt64, math.MaxInt64, "hello"},
		{"", 0, 1, ""},
		{"héllo", 0, 3, "hé"}, // byte indexes: é is 2 bytes
	}
	for _, tt := range tests {
		if got := stdlib.Substr(tt.s, tt.start, tt.end); got != tt.want {
			t.Errorf("Substr(%q, %d, %d) = %q, want %q", tt.s, tt.start, tt.end, got, tt.want)
		}
	}
}

func TestLenConcatJoin(t *testing.T) {
	if got := stdlib.Len(""); got != 0 {
		t.Errorf("Len(\"\") = %d", got)
	}
	if got := stdlib.Len("héllo"); got != 6 {
		t.Errorf("Len(héllo) = %d, want 6 bytes", got)
	}
	concats := []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"a"}, "a"},
		{[]string{"<", "x", ">"}, "<x>"},
		{[]string{"", "日本", "", "語"}, "日本語"},
	}
	for _, tt := range concats {
		if got := stdlib.Concat(tt.in...); got != tt.want {
			t.Errorf("Concat(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	joins := []struct {
		parts []string
		sep   string
		want  string
	}{
		{nil, ",", ""},
		{[]string{"a"}, ",", "a"},
		{[]string{"a", "b", "c"}, "-", "a-b-c"},
		{[]string{"", ""}, ",", ","},
		{[]string{"x", "y"}, "", "xy"},
		{[]string{"ä", "ö"}, "·", "ä·ö"},
	}
	for _, tt := range joins {
		if got := stdlib.Join(tt.parts, tt.sep); got != tt.want {
			t.Errorf("Join(%q, %q) = %q, want %q", tt.parts, tt.sep, got, tt.want)
		}
	}
}

func TestParseInt(t *testing.T) {
	tests := []struct {
		s    string
		want stdlib.Opt[int64]
	}{
		{"42", stdlib.Some[int64](42)},
		{" -7\n", stdlib.Some[int64](-7)},
		{"+3", stdlib.Some[int64](3)},
		{"0", stdlib.Some[int64](0)},
		{"9223372036854775807", stdlib.Some[int64](math.MaxInt64)},
		{"-9223372036854775808", stdlib.Some[int64](math.MinInt64)},
		{"9223372036854775808", stdlib.None[int64]()},
		{"", stdlib.None[int64]()},
		{"  ", stdlib.None[int64]()},
		{"1.5", stdlib.None[int64]()},
		{"1_000", stdlib.None[int64]()},
		{"0x10", stdlib.None[int64]()},
		{"12abc", stdlib.None[int64]()},
		{"١٢", stdlib.None[int64]()}, // only ASCII digits
	}
	for _, tt := range tests {
		if got := stdlib.ParseInt(tt.s); got != tt.want {
			t.Errorf("ParseInt(%q) = %+v, want %+v", tt.s, got, tt.want)
		}
	}
}

func TestParseFloat(t *testing.T) {
	tests := []struct {
		s    string
		want stdlib.Opt[float64]
	}{
		{"1.5", stdlib.Some(1.5)},
		{" -2e3 ", stdlib.Some(-2000.0)},
		{".5", stdlib.Some(0.5)},
		{"7", stdlib.Some(7.0)},
		{"Infinity", stdlib.Some(math.Inf(1))},
		{"-inf", stdlib.Some(math.Inf(-1))},
		{"1e400", stdlib.Some(math.Inf(1))}, // as Java: overflow is infinite, not an error
		{"-1e400", stdlib.Some(math.Inf(-1))},
		{"", stdlib.None[float64]()},
		{"abc", stdlib.None[float64]()},
		{"1.2.3", stdlib.None[float64]()},
		{"1,5", stdlib.None[float64]()},
	}
	for _, tt := range tests {
		if got := stdlib.ParseFloat(tt.s); got != tt.want {
			t.Errorf("ParseFloat(%q) = %+v, want %+v", tt.s, got, tt.want)
		}
	}
	if got := stdlib.ParseFloat("NaN"); !got.Ok || !math.IsNaN(got.V) {
		t.Errorf("ParseFloat(NaN) = %+v, want some(NaN)", got)
	}
}
