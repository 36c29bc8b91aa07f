package codegen_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// fastJSONSrc has a record with every field type the one-pass JSON scanner reads, an
// optional and a nested record among them.
const fastJSONSrc = `pipeline fastjson
batch 1s

type Inner { name: string, score: float? }

// event_type and eleven_char make constants of 16 and 17 bytes (the scanner compares a
// longer one 16 bytes at a time), a_field_name_longer_than_thirty_two one of 41.

type Ev {
    s: string,
    n: int,
    f: float,
    b: bool,
    t: time,
    t2: time,
    d: duration,
    on: int?,
    os: string?,
    in: Inner,
    oin: Inner?,
    event_type: string,
    eleven_char: bool?,
    a_field_name_longer_than_thirty_two: int,
}

stdin().json(Ev).print()
`

// fastJSONTest is added to the generated package: random and mutated lines, each decoded
// by the scanner and by the Decoder alone, which must agree whenever the scanner accepts
// the line; and decodeJSONEv, which must give exactly the Decoder's record or error.
const fastJSONTest = `package main

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"streamc.dev/streamc/runtime/codec"
)

func generalEv(line string) (Ev, error) {
	var d codec.Decoder
	d.Reset(line)
	r, err := readJSONEv(&d)
	if err != nil {
		return r, err
	}
	return r, d.End()
}

// checkEv reports whether the scanner accepted line.
func checkEv(t *testing.T, line string) bool {
	t.Helper()
	want, wantErr := generalEv(line)
	var d codec.Decoder
	got, gotErr := decodeJSONEv(&d, line)
	if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || (wantErr == nil && !reflect.DeepEqual(got, want)) {
		t.Errorf("%q: decodeJSONEv = %#v, %v; the Decoder alone %#v, %v", line, got, gotErr, want, wantErr)
	}
	var r Ev
	if i := scanJSONEv(line, 0, &r); !codec.FastEnd(line, i) {
		return false
	}
	if wantErr != nil {
		t.Errorf("%q: the scanner accepts %#v, the Decoder fails: %v", line, r, wantErr)
	} else if !reflect.DeepEqual(r, want) {
		t.Errorf("%q: the scanner reads %#v, the Decoder %#v", line, r, want)
	}
	return true
}

var (
	blanks  = []string{"", "", "", " ", "  ", "\t", "\n", "\r\n"}
	strs    = []string{"\"\"", "\"plain\"", "\"ba72a2d8-37d3-4b70-acc5-3a4d51d9d5ab\"", "\"é😀 ünïcode\"", "\"q\\\"uote\"", "\"\\u00e9\"", "\"bad\xffutf8\"", "\"ctl\x01\"", "\"exactly8\""}
	ints    = []string{"0", "-0", "42", "-12", "9223372036854775807", "9223372036854775808", "01", "1.5", "1e3", "-"}
	floats  = []string{"0", "-0", "1.5", "-2.25e-3", "1e400", "9007199254740993", "3", ".5", "1.", "12345678901234567"}
	bools   = []string{"true", "false", "tru", "truex", "null"}
	times   = []string{"1700000000000", "\"2024-01-02T03:04:05.678+01:00\"", "\"2024-01-02T03:04:05Z\"", "\"2024-01-02\"", "1.5", "\"2024-01-02T03:04:05\\u005a\""}
	durs    = []string{"250", "\"1m30s\"", "\"1x\"", "-3", "\"\""}
	specials = []byte("{}[],:\"\\ \t\nnul0-9eE.\x00\xff")
)

func pick(r *rand.Rand, xs []string) string { return xs[r.IntN(len(xs))] }

func opt(r *rand.Rand, xs []string, good int) string {
	if r.IntN(3) == 0 {
		return "null"
	}
	return plain(r, xs, good)
}

// object writes the fields in the given order: in a third of the objects with random
// white space, in the others as encoders write them, compact ({"a":1,"b":2}) or spaced
// ({"a": 1, "b": 2}, Python's json.dumps), with now and then one blank changed (the
// scanner compares these two forms with constants and must fall back on any other).
func object(r *rand.Rand, names, values []string) string {
	style := r.IntN(3)
	blank := func(compact, spaced string) string {
		switch {
		case style == 0 || r.IntN(40) == 0:
			return pick(r, blanks)
		case style == 1:
			return compact
		}
		return spaced
	}
	var b strings.Builder
	b.WriteString(blank("", "") + "{")
	for k, n := range names {
		if k > 0 {
			b.WriteString(blank("", "") + "," + blank("", " "))
		} else {
			b.WriteString(blank("", ""))
		}
		b.WriteString("\"" + n + "\"" + blank("", "") + ":" + blank("", " ") + values[k])
	}
	b.WriteString(blank("", "") + "}" + blank("", ""))
	return b.String()
}

func inner(r *rand.Rand) string {
	return object(r, []string{"name", "score"}, []string{plain(r, strs, 4), opt(r, floats, 4)})
}

// plain draws mostly values the scanner reads; otherwise any value of the pools.
func plain(r *rand.Rand, xs []string, good int) string {
	if r.IntN(12) != 0 {
		return xs[r.IntN(good)]
	}
	return pick(r, xs)
}

func event(r *rand.Rand) ([]string, []string) {
	names := []string{"s", "n", "f", "b", "t", "t2", "d", "on", "os", "in", "oin", "event_type", "eleven_char", "a_field_name_longer_than_thirty_two"}
	in := strings.TrimSpace(inner(r))
	oin := "null"
	if r.IntN(2) == 0 {
		oin = strings.TrimSpace(inner(r))
	}
	values := []string{plain(r, strs, 4), plain(r, ints, 5), plain(r, floats, 6), plain(r, bools, 2), plain(r, times, 3), plain(r, times, 3),
		plain(r, durs, 2), opt(r, ints, 5), opt(r, strs, 4), in, oin, plain(r, strs, 4), opt(r, bools, 2), plain(r, ints, 5)}
	return names, values
}

func TestScannerAgreesWithDecoder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	accepted, plainLines := 0, 0
	for n := 0; n < 20000; n++ {
		names, values := event(r)
		line := object(r, names, values)
		plainLines++
		if checkEv(t, line) {
			accepted++
		}
		switch r.IntN(7) {
		case 0: // two fields swapped
			a, b := r.IntN(len(names)), r.IntN(len(names))
			names[a], names[b] = names[b], names[a]
			values[a], values[b] = values[b], values[a]
		case 1: // a field dropped
			k := r.IntN(len(names))
			names, values = append(names[:k:k], names[k+1:]...), append(values[:k:k], values[k+1:]...)
		case 2: // a field repeated, or an unknown one
			k := r.IntN(len(names))
			extra := names[k]
			if r.IntN(2) == 0 {
				extra = "zz"
			}
			names, values = append(names, extra), append(values, values[k])
		case 3: // a value replaced by null
			values[r.IntN(len(values))] = "null"
		}
		line = object(r, names, values)
		b := []byte(line)
		for m := r.IntN(3); m > 0 && len(b) > 0; m-- {
			p := r.IntN(len(b))
			switch r.IntN(3) {
			case 0:
				b = append(b[:p], b[p+1:]...)
			case 1:
				b[p] = specials[r.IntN(len(specials))]
			default:
				b = append(b[:p], append([]byte{specials[r.IntN(len(specials))]}, b[p:]...)...)
			}
		}
		checkEv(t, string(b))
	}
	// Most generated lines are plain: the scanner must take a good share of them, or
	// this test would compare nothing.
	if accepted < plainLines/5 {
		t.Errorf("the scanner accepts %d of %d generated lines", accepted, plainLines)
	}
	t.Logf("the scanner accepts %d of %d generated lines", accepted, plainLines)
}

// FuzzScanner: decodeJSONEv gives the Decoder's record or error on any line (checkEv).
// go test -fuzz FuzzScanner in a copy of the generated package explores further.
func FuzzScanner(f *testing.F) {
	r := rand.New(rand.NewPCG(3, 4))
	for n := 0; n < 40; n++ {
		names, values := event(r)
		f.Add(object(r, names, values))
	}
	f.Fuzz(func(t *testing.T, line string) { checkEv(t, line) })
}

// TestScannerEdges: lines near the constants the scanner compares, each decoded as the
// Decoder decodes it.
func TestScannerEdges(t *testing.T) {
	tail := "\"t\":1,\"t2\":2,\"d\":3,\"on\":null,\"os\":null,\"in\":{\"name\":\"a\",\"score\":null},\"oin\":null," +
		"\"event_type\":\"view\",\"eleven_char\":true,\"a_field_name_longer_than_thirty_two\":5}"
	spaced := "{\"s\": \"x\", \"n\": 1, \"f\": 2, \"b\": true, \"t\": 1, \"t2\": 2, \"d\": 3, \"on\": null, \"os\": null, " +
		"\"in\": {\"name\": \"a\", \"score\": null}, \"oin\": null, \"event_type\": \"view\", \"eleven_char\": true, " +
		"\"a_field_name_longer_than_thirty_two\": 5}"
	compact := "{\"s\":\"x\",\"n\":1,\"f\":2,\"b\":true," + tail
	if !checkEv(t, spaced) || !checkEv(t, compact) {
		t.Errorf("the scanner refuses the usual forms:\n%s\n%s", spaced, compact)
	}
	for _, line := range []string{
		"{\"s\":\"x\",\"n\": 1,\"f\":2,\"b\":true," + tail,   // one blank after a compact colon
		"{\"s\":\"x\",\"n\":  1,\"f\":2,\"b\":true," + tail,  // two
		"{\"s\":\"x\", \"n\":1,\"f\":2,\"b\":true," + tail,   // a blank after the comma only
		"{\"s\":\"x\",\"n\" :1,\"f\":2,\"b\":true," + tail,   // before the colon
		"{\"s\":\"x\",\"n\":\t1,\"f\":2,\"b\":true," + tail, // a tab
		"{\"s\":\"x\",\"n2\":1,\"f\":2,\"b\":true," + tail,   // a longer name
		"{\"s\":\"x\",\"N\":1,\"f\":2,\"b\":true," + tail,    // another case
		"{\"s\":\"x\",\"n\":1,\"n\":2,\"f\":2,\"b\":true," + tail,
		"{\"s\":\"x\",\"n\":1,\"f\":2,\"b\":true,\"zz\":1," + tail,
		"{\"s\":\"x\",\"f\":2,\"n\":1,\"b\":true," + tail,
		"{\"s\":\"x\",\"f\":2,\"b\":true," + tail,
		"{\"s\":null,\"n\":1,\"f\":2,\"b\":true," + tail,
		"{\"s\":\"x\\\"y\",\"n\":1,\"f\":2,\"b\":true," + tail,
		"{\"s\":\"\u00e9\",\"n\":1,\"f\":2,\"b\":true," + tail,
		"{\"s\":\"é\",\"n\":1,\"f\":2,\"b\":true," + tail,
		"{\"s\":\"\xff\",\"n\":1,\"f\":2,\"b\":true," + tail,
		"{\"s\":\"a\x00b\",\"n\":1,\"f\":2,\"b\":true," + tail,
		"{\"s\":\"x\",\"n\":1,\"f\":2,\"b\":true," + tail + " ",
		"{\"s\":\"x\",\"n\":1,\"f\":2,\"b\":true," + tail + "\r",
		"{\"s\":\"x\",\"n\":1,\"f\":2,\"b\":true," + tail + "}",
		"{\"s\":\"x\",\"n\":1,\"f\":2,\"b\":true," + tail[:len(tail)-1],
		"{\"s\":\"x\",\"n\":1,\"f\":2,\"b\":true," + strings.Replace(tail, "thirty_two", "thirty_tw0", 1),
		"{\"s\":\"x\",\"n\":1,\"f\":2,\"b\":true," + strings.Replace(tail, "eleven_char", "eleven_chaR", 1),
		"{\"s\":\"x\",\"n\":1,\"f\":2,\"b\":true," + strings.Replace(tail, "\"event_type\":\"view\"", "\"event_type\" : \"view\"", 1),
		" " + compact, "\t" + spaced, spaced[:len(spaced)-1], compact + ",", "{\"s\": ", "{\"s\":", "{\"s\"", "{", "", "{}",
		"{\"s\": \"x\"", "{\"s\": \"x\", ", "{\"s\": \"x\", \"n\": ", "{\"s\": \"x\", \"n\":",
	} {
		checkEv(t, line)
	}
	for k := range len(spaced) {
		checkEv(t, spaced[:k])
		checkEv(t, compact[:min(k, len(compact))])
	}
}

func TestScannerAllocations(t *testing.T) {
	line := "{\"s\": \"plain\", \"n\": 42, \"f\": 1.5, \"b\": true, \"t\": \"2024-01-02T03:04:05Z\", \"t2\": 1700000000000, \"d\": \"1m30s\", " +
		"\"on\": null, \"os\": \"x\", \"in\": {\"name\": \"n\", \"score\": null}, \"oin\": {\"name\": \"m\", \"score\": 2}, " +
		"\"event_type\": \"view\", \"eleven_char\": false, \"a_field_name_longer_than_thirty_two\": 7}"
	if i := scanJSONEv(line, 0, new(Ev)); !codec.FastEnd(line, i) {
		t.Fatalf("the scanner refuses %q", line)
	}
	var d codec.Decoder
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := decodeJSONEv(&d, line); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("decoding a plain line allocates %v times", allocs)
	}
}
`

// TestJSONScanner builds fastJSONSrc and runs fastJSONTest in the generated package.
func TestJSONScanner(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and tests a generated Go program")
	}
	files, err := generate("fastjson", fastJSONSrc)
	if err != nil {
		t.Fatal(err)
	}
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	mod := t.TempDir()
	gomod := "module gen\n\ngo 1.26\n\nrequire streamc.dev/streamc v0.0.0\n\nreplace streamc.dev/streamc => " + repoRoot(t) + "\n"
	write(t, filepath.Join(mod, "go.mod"), []byte(gomod))
	if sum, err := os.ReadFile(filepath.Join(repoRoot(t), "go.sum")); err == nil {
		write(t, filepath.Join(mod, "go.sum"), sum)
	}
	for _, f := range files {
		write(t, filepath.Join(mod, "fastjson", f.Name), f.Data)
	}
	write(t, filepath.Join(mod, "fastjson", "zz_fast_test.go"), []byte(fastJSONTest))
	cmd := exec.Command(goTool, "test", "-v", "-count=1", "./fastjson")
	cmd.Dir = mod
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go test in the generated package: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

// TestJSONScannerOnlyForScannableRecords: a record with a list field has no scanner and
// its decoder starts with the Decoder.
func TestJSONScannerOnlyForScannableRecords(t *testing.T) {
	files, err := generate("lists", `pipeline lists
batch 1s
type Item { name: string, tags: [string] }
stdin().json(Item).print()
`)
	if err != nil {
		t.Fatal(err)
	}
	var dec string
	for _, f := range files {
		if f.Name == "decode.go" {
			dec = string(f.Data)
		}
	}
	if !strings.Contains(dec, "func decodeJSONItem(") || strings.Contains(dec, "scanJSON") {
		t.Errorf("decode.go:\n%s", dec)
	}
	files, err = generate("fastjson", fastJSONSrc)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.Name == "decode.go" && (!strings.Contains(string(f.Data), "func scanJSONEv(") || !strings.Contains(string(f.Data), "func scanJSONInner(")) {
			t.Errorf("decode.go has no scanner for Ev and Inner:\n%s", f.Data)
		}
	}
}
