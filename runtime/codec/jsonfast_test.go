package codec

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// fastCase is one Fast reader next to the Decoder reader it must agree with.
type fastCase struct {
	name string
	fast func(s string, i int) (any, int)
	slow func(d *Decoder) (any, error)
}

var fastCases = []fastCase{
	{"string", func(s string, i int) (any, int) { return FastString(s, i) }, func(d *Decoder) (any, error) { return d.String() }},
	{"int", func(s string, i int) (any, int) { return FastInt(s, i) }, func(d *Decoder) (any, error) { return d.Int() }},
	{"float", func(s string, i int) (any, int) { return FastFloat(s, i) }, func(d *Decoder) (any, error) { return d.Float() }},
	{"bool", func(s string, i int) (any, int) { return FastBool(s, i) }, func(d *Decoder) (any, error) { return d.Bool() }},
	{"time", func(s string, i int) (any, int) { return FastTime(s, i) }, func(d *Decoder) (any, error) { return d.Time() }},
	{"duration", func(s string, i int) (any, int) { return FastDuration(s, i) }, func(d *Decoder) (any, error) { return d.Duration() }},
	{"null", func(s string, i int) (any, int) { return nil, FastNull(s, i) }, func(d *Decoder) (any, error) {
		if !d.Null() {
			return nil, d.Err()
		}
		return nil, nil
	}},
}

var fastSeeds = []string{
	`"plain"`, `""`, `"é😀"`, `"esc\"aped"`, `"back\\slash"`, "\"ctl\x01\"", "\"bad\xffutf8\"", `"unterminated`,
	`"exactly8"`, `"a longer string, over sixteen bytes"`, "\"non-ascii at the end é\"", "\"\xed\xa0\x80\"",
	`0`, `-0`, `42`, `-12`, `01`, `1.5`, `1e3`, `-`, `1.`, `9223372036854775807`, `9223372036854775808`,
	`-9223372036854775808`, `12345678901234567890`, `9007199254740993`, `1e400`, `0.1`,
	`true`, `false`, `tru`, `truex`, `null`, `nul`, `nullx`,
	`"2024-01-02T03:04:05.678+01:00"`, `"2024-01-02"`, `1700000000000`, `"1m30s"`, `"1x"`, `250`,
	` 1`, `1 `, `{}`, `[1]`, ``,
}

// checkFast decodes in with one Fast reader and, when it accepts in (reading it to its
// end), requires the Decoder to read the same value without error.
func checkFast(t *testing.T, c fastCase, in string) {
	t.Helper()
	v, next := c.fast(in, 0)
	if next < 0 || next != len(in) {
		return
	}
	var d Decoder
	d.Reset(in)
	want, err := c.slow(&d)
	if err == nil {
		err = d.End()
	}
	if err != nil {
		t.Errorf("%s %q: fast read %#v, the Decoder fails: %v", c.name, in, v, err)
		return
	}
	if v != want {
		t.Errorf("%s %q: fast read %#v, the Decoder %#v", c.name, in, v, want)
	}
}

func TestFastReadersAgreeWithDecoder(t *testing.T) {
	accepted := map[string]int{}
	for _, c := range fastCases {
		for _, in := range fastSeeds {
			checkFast(t, c, in)
			if _, next := c.fast(in, 0); next == len(in) {
				accepted[c.name]++
			}
		}
		// -1 in gives -1 out, so that steps chain before one check.
		if _, next := c.fast(`1`, -1); next != -1 {
			t.Errorf("%s at -1 returns %d", c.name, next)
		}
	}
	for _, c := range fastCases {
		if accepted[c.name] == 0 {
			t.Errorf("%s accepts none of the seeds", c.name)
		}
	}
	// Strings with an escape, a control character or invalid UTF-8 are the Decoder's.
	for _, in := range []string{`"esc\"aped"`, "\"ctl\x01\"", "\"bad\xffutf8\"", "\"\xed\xa0\x80\""} {
		if _, next := FastString(in, 0); next >= 0 {
			t.Errorf("FastString accepts %q", in)
		}
	}
}

func FuzzFastReaders(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, c := range fastCases {
			checkFast(t, c, in)
		}
	})
}

func TestFastFieldAndEnd(t *testing.T) {
	for _, tc := range []struct {
		in   string
		sep  byte
		key  string
		want int
	}{
		{`{"a":1`, '{', `"a"`, 5},
		{` { "a" : 1`, '{', `"a"`, 9},
		{"\t,\n\"ab\"\r:\t1", ',', `"ab"`, 10},
		{`{"ab":1`, '{', `"a"`, -1},
		{`{"a\u0062":1`, '{', `"ab"`, -1},
		{`,"a":1`, '{', `"a"`, -1},
		{`{"a"1`, '{', `"a"`, -1},
		{`{"a"`, '{', `"a"`, -1},
		{``, '{', `"a"`, -1},
	} {
		if got := FastField(tc.in, 0, tc.sep, tc.key); got != tc.want {
			t.Errorf("FastField(%q, %q, %s) = %d, want %d", tc.in, tc.sep, tc.key, got, tc.want)
		}
	}
	if FastField(`{"a":1`, -1, '{', `"a"`) != -1 || FastByte(`}`, -1, '}') != -1 || FastEnd(``, -1) {
		t.Error("a step given -1 does not fail")
	}
	if !FastEnd("} \t\r\n", 1) || FastEnd("} x", 1) || !FastEnd("}", 1) {
		t.Error("FastEnd is wrong about what follows")
	}
}

func TestFastAllocations(t *testing.T) {
	line := `{"user": "alice", "n": 42, "f": 1.5, "ok": true, "t": "2024-01-02T03:04:05Z", "d": "1m30s", "o": null}`
	allocs := testing.AllocsPerRun(100, func() {
		i := FastField(line, 0, '{', `"user"`)
		_, i = FastString(line, i)
		i = FastField(line, i, ',', `"n"`)
		_, i = FastInt(line, i)
		i = FastField(line, i, ',', `"f"`)
		_, i = FastFloat(line, i)
		i = FastField(line, i, ',', `"ok"`)
		_, i = FastBool(line, i)
		i = FastField(line, i, ',', `"t"`)
		_, i = FastTime(line, i)
		i = FastField(line, i, ',', `"d"`)
		var d time.Duration
		d, i = FastDuration(line, i)
		i = FastField(line, i, ',', `"o"`)
		i = FastNull(line, i)
		if !FastEnd(line, FastByte(line, i, '}')) || d != 90*time.Second {
			t.Fatalf("the line does not scan (at %d)", i)
		}
	})
	if allocs != 0 {
		t.Errorf("scanning a plain object allocates %v times", allocs)
	}
}

// refFastString is FastString as it was written first, one byte at a time after the
// eight-byte loop: the reference that FastString's early return at the closing quote
// and its last, overlapping load must agree with exactly.
func refFastString(s string, i int) (string, int) {
	if i < 0 || i >= len(s) || s[i] != '"' {
		return "", -1
	}
	start := i + 1
	ascii := true
	for i = start; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			v := s[start:i]
			if !ascii && !utf8.ValidString(v) {
				return "", -1
			}
			return v, i + 1
		case c == '\\' || c < 0x20:
			return "", -1
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return "", -1
}

// checkFastString compares FastString with refFastString at every offset of s.
func checkFastString(t *testing.T, s string) {
	t.Helper()
	for i := -1; i <= len(s); i++ {
		v, next := FastString(s, i)
		w, wnext := refFastString(s, i)
		if v != w || next != wnext {
			t.Fatalf("FastString(%q, %d) = %q, %d; want %q, %d", s, i, v, next, w, wnext)
		}
	}
}

// TestFastStringExhaustive: every string of a quote and up to 5 bytes over an alphabet of the bytes
// that matter (quote, backslash, control, ASCII, UTF-8 lead and continuation, invalid),
// and random longer ones, at every offset.
func TestFastStringExhaustive(t *testing.T) {
	alphabet := []byte{'"', '\\', 0x01, 0x1f, 'a', ' ', 0xc3, 0xa9, 0xff, 0x7f}
	var rec func(b []byte)
	rec = func(b []byte) {
		checkFastString(t, string(b))
		// the same bytes after a quote and padding, so that the words fall elsewhere
		checkFastString(t, `"abcdefghijk`+string(b))
		if len(b) == 6 {
			return
		}
		for _, c := range alphabet {
			rec(append(b, c))
		}
	}
	rec([]byte{'"'})
	r := rand.New(rand.NewPCG(5, 6))
	for range 20000 {
		b := make([]byte, 1+r.IntN(40))
		for k := range b {
			if r.IntN(4) == 0 {
				b[k] = alphabet[r.IntN(len(alphabet))]
			} else {
				b[k] = 'a' + byte(r.IntN(26))
			}
		}
		b[0] = '"'
		checkFastString(t, string(b))
	}
}

func FuzzFastString(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add(s)
	}
	f.Add(`"ba72a2d8-37d3-4b70-acc5-3a4d51d9d5ab", "x": "1.2.3.4"}`)
	f.Fuzz(func(t *testing.T, s string) { checkFastString(t, s) })
}

func BenchmarkFastString(b *testing.B) {
	line := `"` + strings.Repeat("ba72a2d8-", 4) + `"`
	for b.Loop() {
		if _, i := FastString(line, 0); i < 0 {
			b.Fatal("refused")
		}
	}
}
