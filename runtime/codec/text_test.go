package codec

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// isText is the definition ParseString implements: valid UTF-8 without NUL.
func isText(s string) bool { return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 }

func checkParseString(t *testing.T, s string) {
	t.Helper()
	got, err := ParseString(s, "note")
	if isText(s) {
		if err != nil || got != s {
			t.Errorf("ParseString(%q) = %q, %v; want it back", s, got, err)
		}
		return
	}
	var te *TextError
	if !errors.As(err, &te) || te.Column != "note" {
		t.Fatalf("ParseString(%q) = %q, %v; want a *TextError for column note", s, got, err)
	}
	// The offset is that of the first byte that is a NUL or starts no valid character.
	r, size := utf8.DecodeRuneInString(s[te.Offset:])
	if !isText(s[:te.Offset]) || te.NUL != (r == 0) || !te.NUL && (r != utf8.RuneError || size != 1) {
		t.Errorf("ParseString(%q): %v: not the first byte where the text ends", s, err)
	}
}

// TestParseStringEveryOffset puts each kind of byte at every offset of fields around
// the eight-byte scan's word size.
func TestParseStringEveryOffset(t *testing.T) {
	for _, special := range []string{"\x00", "\x7f", "é", "€", "😀", "\xff", "\xc3", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80"} {
		for n := range 20 {
			for at := 0; at <= n; at++ {
				checkParseString(t, strings.Repeat("a", at)+special+strings.Repeat("b", n-at))
			}
		}
	}
}

func TestParseStringErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"ok\xffbad", `field "note": invalid UTF-8 at byte 2 of "ok\xffbad"`},
		{"nul\x00here", `field "note": a NUL byte at byte 3 of "nul\x00here"`},
		{"é\xed\xa0\x80", `field "note": invalid UTF-8 at byte 2`},
	} {
		_, err := ParseString(c.in, "note")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseString(%q) = %v, want %s", c.in, err, c.want)
		}
	}
}

func FuzzParseString(f *testing.F) {
	for _, s := range []string{"", "plain ascii", "é", "a\x00b", "\xff", "12345678\x80", "€uro", "\xed\xa0\x80"} {
		f.Add(s)
	}
	f.Fuzz(checkParseString)
}

// TestJSONStringValuesMustBeText: a string value that is not valid UTF-8, or holds a lone
// surrogate, is an error naming the field; keys and skipped values are read leniently.
func TestJSONStringValuesMustBeText(t *testing.T) {
	read := func(in string) error {
		var d Decoder
		d.Reset(in)
		for d.NextField() {
			if d.Key() == "user" {
				if _, err := d.String(); err != nil {
					return err
				}
			} else {
				d.Skip()
			}
		}
		return d.End()
	}
	for _, c := range []struct{ in, want string }{
		{"{\"user\":\"ann\xff\"}", `json: field "user": offset 12: invalid UTF-8 in string`},
		{`{"user":"x\ud800"}`, `json: field "user": offset 10: lone surrogate \ud800 in string`},
		{`{"user":"\udc00\ud83d"}`, `lone surrogate \udc00`},
		{`{"user":"\ud83d\u0041"}`, `lone surrogate \ud83d`},
		{`{"user":"\ud83d\ude00 ok"}`, ``},
		{"{\"user\":\"ok\",\"other\":\"\xff\\ud800\",\"k\xff\":1}", ``},
	} {
		err := read(c.in)
		if c.want == "" {
			if err != nil {
				t.Errorf("%q: %v", c.in, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %s", c.in, err, c.want)
		}
	}
}

func BenchmarkParseString(b *testing.B) {
	for _, s := range []string{"short", "a somewhat longer ascii field, forty byt", "ünïcödé text of some length"} {
		b.Run(s[:5], func(b *testing.B) {
			b.SetBytes(int64(len(s)))
			for b.Loop() {
				ParseString(s, "col")
			}
		})
	}
}
