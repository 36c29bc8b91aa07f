package codec

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// decodeAny builds the generic value encoding/json would, using only the Decoder's API.
func decodeAny(d *Decoder) (any, error) {
	switch d.Kind() {
	case ObjectValue:
		m := map[string]any{}
		for d.NextField() {
			k := d.Key()
			v, err := decodeAny(d)
			if err != nil {
				return nil, err
			}
			m[k] = v
		}
		return m, d.Err()
	case ArrayValue:
		a := []any{}
		for d.NextElem() {
			v, err := decodeAny(d)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		return a, d.Err()
	case StringValue:
		return d.String()
	case NumberValue:
		n, err := d.Number()
		return json.Number(n), err
	case BoolValue:
		return d.Bool()
	case NullValue:
		d.Null()
		return nil, d.Err()
	}
	return nil, d.Skip() // not a value: Skip reports the syntax error
}

// checkAgainstStdlib compares the Decoder with encoding/json on one input.
func checkAgainstStdlib(t *testing.T, in string) {
	t.Helper()
	var d Decoder
	d.Reset(in)
	got, err := decodeAny(&d)
	if err == nil {
		err = d.End()
	}
	var skipper Decoder
	skipper.Reset(in)
	skipErr := skipper.Skip()
	if skipErr == nil {
		skipErr = skipper.End()
	}
	if !json.Valid([]byte(in)) {
		if err == nil {
			t.Errorf("%q: accepted invalid JSON as %#v", in, got)
		}
		if skipErr == nil {
			t.Errorf("%q: Skip accepted invalid JSON", in)
		}
		return
	}
	if skipErr != nil {
		t.Errorf("%q: Skip: %v", in, skipErr)
	}
	if err != nil {
		// String values must be text: valid JSON may still be refused, but only at a
		// string value holding invalid UTF-8 or a lone surrogate escape.
		if msg := err.Error(); strings.Contains(msg, "invalid UTF-8 in string") || strings.Contains(msg, "lone surrogate") {
			if at := d.Offset(); !notText(in, at) {
				t.Errorf("%q: %v, but offset %d holds %q", in, err, at, in[at:])
			}
			return
		}
		t.Errorf("%q: %v", in, err)
		return
	}
	if !allText(got) {
		t.Errorf("%q: accepted a string value that is not valid UTF-8: %#v", in, got)
	}
	dec := json.NewDecoder(strings.NewReader(in))
	dec.UseNumber()
	var want any
	if err := dec.Decode(&want); err != nil {
		t.Fatalf("%q: encoding/json: %v", in, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%q: got %#v, encoding/json %#v", in, got, want)
	}
}

// notText reports whether s[at:] starts with invalid UTF-8 or a \u escape of a
// surrogate that is not the first half of an escaped pair.
func notText(s string, at int) bool {
	if r, size := utf8.DecodeRuneInString(s[at:]); r == utf8.RuneError && size == 1 {
		return true
	}
	r, ok := hex4(s, at+2)
	if !strings.HasPrefix(s[at:], `\u`) || !ok || !utf16.IsSurrogate(r) {
		return false
	}
	r2, ok := hex4(s, at+8)
	return !ok || !strings.HasPrefix(s[at+6:], `\u`) || utf16.DecodeRune(r, r2) == utf8.RuneError
}

// allText reports whether every string value in v (from decodeAny) is valid UTF-8.
func allText(v any) bool {
	switch v := v.(type) {
	case string:
		return utf8.ValidString(v)
	case []any:
		for _, e := range v {
			if !allText(e) {
				return false
			}
		}
	case map[string]any:
		for _, e := range v {
			if !allText(e) {
				return false
			}
		}
	}
	return true
}

var jsonSeeds = []string{
	`{}`, `[]`, `{"a":1}`, ` { "a" : [ 1 , 2.5e3 , -0 , true , false , null ] } `,
	`{"s":"esc \" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00 \ud800 x"}`,
	`{"nested":{"deep":{"er":[[[]],{}]}},"k":"v","k":"w"}`,
	`"top"`, `42`, `null`, "\"\xff\xfe invalid utf8\"",
	`{"a":1,}`, `{"a" 1}`, `[1,]`, `[01]`, `{"a":tru}`, `{"a":truex}`, `{"a":"\x"}`,
	`{"a":"unterminated`, "{\"a\":\"ctl\x01\"}", `{"a":1}}`, `{"a":-}`, `{"a":1.}`, `{"a":1e}`,
	`[1 2]`, `{1:2}`, ``, `  `, `{"a":[}`, `{"\u00e9":1}`, `{"a":"\u12"}`,
	// Not text: refused in values, read leniently in keys and skipped values.
	`{"a":"\udc00"}`, `{"a":"x\ud83d"}`, `{"a":"\ud83d\u0041"}`, `{"a":"\ud83d\ud83d"}`, "{\"a\":\"ok\xc3\"}",
	"{\"k\xff\":1}", `{"\ud800":["\ud83d\ude00"]}`, "[\"\xed\xa0\x80\"]", "{\"a\":\"\xf4\x90\x80\x80\"}",
}

func TestDecoderAgreesWithEncodingJSON(t *testing.T) {
	for _, in := range jsonSeeds {
		checkAgainstStdlib(t, in)
	}
}

func FuzzDecoder(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkAgainstStdlib(t, in)
	})
}

func TestDecoderReaders(t *testing.T) {
	in := `{"i":-12,"big":9223372036854775807,"f":0.5,"fi":3,"b":true,"n":null,"t":"2024-01-02T03:04:05.678+01:00",` +
		`"tm":1700000000000,"d":"1m30s","dm":250,"by":"aGk=","obj":{"x":[1,2],"y":{}},"skip":[{"z":["q"]}]}`
	var d Decoder
	d.Reset(in)
	var (
		i, big, tm int64
		f, fi      float64
		b, isNull  bool
		tt         int64
		dur, dm    time.Duration
		by         []byte
		xs         []int64
		yFields    int
	)
	for d.NextField() {
		switch d.Key() {
		case "i":
			i, _ = d.Int()
		case "big":
			big, _ = d.Int()
		case "f":
			f, _ = d.Float()
		case "fi":
			fi, _ = d.Float()
		case "b":
			b, _ = d.Bool()
		case "n":
			isNull = d.Null()
		case "t":
			tt, _ = d.Time()
		case "tm":
			tm, _ = d.Time()
		case "d":
			dur, _ = d.Duration()
		case "dm":
			dm, _ = d.Duration()
		case "by":
			by, _ = d.Bytes()
		case "obj":
			for d.NextField() {
				switch d.Key() {
				case "x":
					for d.NextElem() {
						v, _ := d.Int()
						xs = append(xs, v)
					}
				case "y":
					for d.NextField() {
						yFields++
						d.Skip()
					}
				}
			}
		default:
			d.Skip()
		}
	}
	if err := d.End(); err != nil {
		t.Fatal(err)
	}
	wantT := time.Date(2024, 1, 2, 2, 4, 5, 678e6, time.UTC).UnixMilli()
	if i != -12 || big != 1<<63-1 || f != 0.5 || fi != 3 || !b || !isNull || tt != wantT || tm != 1700000000000 ||
		dur != 90*time.Second || dm != 250*time.Millisecond || string(by) != "hi" || !reflect.DeepEqual(xs, []int64{1, 2}) || yFields != 0 {
		t.Errorf("got i=%d big=%d f=%v fi=%v b=%v null=%v t=%d tm=%d d=%v dm=%v by=%q xs=%v y=%d",
			i, big, f, fi, b, isNull, tt, tm, dur, dm, by, xs, yFields)
	}
}

func TestDecoderErrors(t *testing.T) {
	cases := []struct {
		in   string
		read func(d *Decoder) error
		want string
	}{
		{`{"n":1.5}`, func(d *Decoder) error { _, err := d.Int(); return err }, `field "n": offset 5: expected int, found number 1.5`},
		{`{"n":99999999999999999999}`, func(d *Decoder) error { _, err := d.Int(); return err }, `out of range`},
		{`{"n":null}`, func(d *Decoder) error { _, err := d.String(); return err }, `expected string, found null`},
		{`{"n":"x"}`, func(d *Decoder) error { _, err := d.Bool(); return err }, `expected bool, found string`},
		{`{"n":"yesterday"}`, func(d *Decoder) error { _, err := d.Time(); return err }, `cannot parse "yesterday" as an RFC 3339 time`},
		{`{"n":true}`, func(d *Decoder) error { _, err := d.Time(); return err }, `expected time`},
		{`{"n":"soon"}`, func(d *Decoder) error { _, err := d.Duration(); return err }, `as a duration`},
		{`{"n":"!!"}`, func(d *Decoder) error { _, err := d.Bytes(); return err }, `invalid base64`},
		{`{"n":[1]}`, func(d *Decoder) error {
			for d.NextField() {
			}
			return d.Err()
		}, `expected object, found array`},
		{`{"n":1} x`, func(d *Decoder) error { return d.Skip() }, `unexpected 'x' after the value`},
	}
	for _, c := range cases {
		var d Decoder
		d.Reset(c.in)
		var readErr error
		for d.NextField() {
			readErr = c.read(&d)
		}
		err := d.End()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: End() = %v, want it to contain %q", c.in, err, c.want)
		}
		if readErr != nil && readErr != err {
			t.Errorf("%s: the reader's error %v is not the sticky one %v", c.in, readErr, err)
		}
	}

	// Readers called out of turn are errors, not panics.
	var d Decoder
	d.Reset(`{"a":1}`)
	if _, err := d.Int(); err == nil || !strings.Contains(err.Error(), "expected int, found object") {
		t.Errorf("Int on an object: %v", err)
	}
	d.Reset(`{"a":1}`)
	d.NextField()
	d.Int()
	if _, err := d.String(); err == nil || !strings.Contains(err.Error(), "no value expected") {
		t.Errorf("second reader for one field: %v", err)
	}
	d.Reset(`{"a":1}`)
	d.NextField()
	if d.NextElem() || d.Err() == nil {
		t.Error("NextElem on a number: no error")
	}
	d.Reset(`{"a":1}`)
	d.NextField()
	if err := d.End(); err == nil {
		t.Error("End before the object is read: no error")
	}
	// The decoder is reusable after an error.
	d.Reset(`{"a":"ok"}`)
	d.NextField()
	if s, err := d.String(); s != "ok" || err != nil {
		t.Errorf("after Reset: %q, %v", s, err)
	}
}

func TestMissingRequired(t *testing.T) {
	names := []string{"a", "b", "c"}
	if err := CheckRequired(0b101, 0b111, names); err == nil || err.Error() != `json: missing field "b"` {
		t.Errorf("CheckRequired = %v", err)
	}
	if err := CheckRequired(0b001, 0b001, names); err != nil {
		t.Errorf("CheckRequired with all required seen = %v", err)
	}
}

func TestDecoderAllocations(t *testing.T) {
	var d Decoder
	line := `{"user":"alice","url":"/home/index.html","n":42,"f":1.5,"ok":true,"skip":{"a":[1,2,3]}}`
	allocs := testing.AllocsPerRun(100, func() {
		d.Reset(line)
		for d.NextField() {
			switch d.Key() {
			case "user", "url":
				d.String()
			case "n":
				d.Int()
			case "f":
				d.Float()
			case "ok":
				d.Bool()
			default:
				d.Skip()
			}
		}
		if err := d.End(); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("decoding an escape-free object allocates %v times", allocs)
	}
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"", "plain", `q"b\`, "tab\tnl\nctl\x01\x1f", "<html>&", "é😀", "\u2028\u2029", "bad\xffutf8"} {
		checkAppendJSONString(t, s)
	}
}

func checkAppendJSONString(t *testing.T, s string) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	want := strings.TrimSuffix(buf.String(), "\n")
	if got := string(AppendJSONString([]byte("x"), s)); got != "x"+want {
		t.Errorf("AppendJSONString(%q) = %s, want %s", s, got[1:], want)
	}
}

func FuzzAppendJSONString(f *testing.F) {
	f.Add("a\"b\\c\x00\u2028\xff")
	f.Fuzz(checkAppendJSONString)
}

// clickStruct is the encoding/json equivalent of the generated Click decoder's record.
type clickStruct struct {
	User string    `json:"user"`
	URL  string    `json:"url"`
	At   time.Time `json:"at"`
}

const clickLine = `{"user":"alice","url":"/products/42?ref=home","at":"2024-03-01T12:00:00.123Z","session":"f3a9c2","agent":{"os":"linux","mobile":false}}`

type click struct {
	User, URL string
	At        int64
}

func decodeClick(d *Decoder, line string) (c click, err error) {
	var seen uint64
	d.Reset(line)
	for d.NextField() {
		switch d.Key() {
		case "user":
			c.User, err = d.String()
			seen |= 1
		case "url":
			c.URL, err = d.String()
			seen |= 2
		case "at":
			c.At, err = d.Time()
			seen |= 4
		default:
			err = d.Skip()
		}
	}
	if err = d.End(); err != nil {
		return c, err
	}
	return c, CheckRequired(seen, 7, []string{"user", "url", "at"})
}

func benchDecoder(b *testing.B) {
	var d Decoder
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeClick(&d, clickLine); err != nil {
			b.Fatal(err)
		}
	}
}

func benchEncodingJSON(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var c clickStruct
		if err := json.Unmarshal([]byte(clickLine), &c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJSONClick compares the generated-style decoder with encoding/json decoding the
// same line into an equivalent struct. The ratio sub-benchmark alternates runs of 100
// decodes of each and reports how many times faster the Decoder is (target: at least 5).
func BenchmarkJSONClick(b *testing.B) {
	b.Run("Decoder", benchDecoder)
	b.Run("encoding_json", benchEncodingJSON)
	b.Run("ratio", func(b *testing.B) {
		var d Decoder
		var fast, slow time.Duration
		for b.Loop() {
			t0 := time.Now()
			for range 100 {
				if _, err := decodeClick(&d, clickLine); err != nil {
					b.Fatal(err)
				}
			}
			t1 := time.Now()
			for range 100 {
				var c clickStruct
				if err := json.Unmarshal([]byte(clickLine), &c); err != nil {
					b.Fatal(err)
				}
			}
			fast += t1.Sub(t0)
			slow += time.Since(t1)
		}
		b.ReportMetric(float64(slow)/float64(max(fast, 1)), "x-faster")
	})
}

func checkRFC3339(t *testing.T, s string) {
	t.Helper()
	got, ok := fastRFC3339(s)
	tm, err := time.Parse(time.RFC3339Nano, s)
	if ok && (err != nil || got != tm.UnixMilli()) {
		t.Errorf("fastRFC3339(%q) = %d; time.Parse: %v, %v", s, got, tm.UnixMilli(), err)
	}
}

func TestFastRFC3339(t *testing.T) {
	for _, s := range []string{
		"2024-03-01T12:00:00.123Z", "2024-03-01T12:00:00Z", "1969-12-31T23:59:59.999Z",
		"0001-01-01T00:00:00Z", "2024-02-29T00:00:00+05:30", "2023-02-29T00:00:00Z",
		"2024-03-01T12:00:00.1-01:00", "2024-03-01T12:00:00.123456789Z", "2024-03-01T24:00:00Z",
		"2024-13-01T00:00:00Z", "2024-03-01T12:00:00.Z", "2024-03-01t12:00:00z", "2000-01-01T00:00:00+24:00",
	} {
		checkRFC3339(t, s)
	}
	if ms, ok := fastRFC3339("2024-03-01T12:00:00.123Z"); !ok || ms != 1709294400123 {
		t.Errorf("fast path not taken or wrong: %d %v", ms, ok)
	}
}

func FuzzRFC3339(f *testing.F) {
	f.Add("2024-03-01T12:00:00.123+01:00")
	f.Fuzz(checkRFC3339)
}

// TestStringSpecialAtEveryOffset puts a quote, an escape, a control character or a
// non-ASCII byte at every offset of strings around the eight-byte scan's word size, as
// keys and values, and checks the decoder against encoding/json.
func TestStringSpecialAtEveryOffset(t *testing.T) {
	for _, special := range []string{`\"`, `\\`, `\n`, `\u00e9`, "é", "\x01", "\xff"} {
		for n := range 20 {
			for at := 0; at <= n; at++ {
				s := strings.Repeat("a", at) + special + strings.Repeat("b", n-at)
				checkAgainstStdlib(t, `{"`+s+`": "`+s+`", "k`+s+`": ["`+s+`"]}`)
			}
		}
	}
}
