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
	r, i := scanJSONEv(line, 0)
	if !codec.FastEnd(line, i) {
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

// object writes the fields in the given order, with random white space.
func object(r *rand.Rand, names, values []string) string {
	var b strings.Builder
	b.WriteString(pick(r, blanks) + "{")
	for k, n := range names {
		if k > 0 {
			b.WriteString(pick(r, blanks) + ",")
		}
		b.WriteString(pick(r, blanks) + "\"" + n + "\"" + pick(r, blanks) + ":" + pick(r, blanks) + values[k])
	}
	b.WriteString(pick(r, blanks) + "}" + pick(r, blanks))
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
	names := []string{"s", "n", "f", "b", "t", "t2", "d", "on", "os", "in", "oin"}
	in := strings.TrimSpace(inner(r))
	oin := "null"
	if r.IntN(2) == 0 {
		oin = strings.TrimSpace(inner(r))
	}
	values := []string{plain(r, strs, 4), plain(r, ints, 5), plain(r, floats, 6), plain(r, bools, 2), plain(r, times, 3), plain(r, times, 3),
		plain(r, durs, 2), opt(r, ints, 5), opt(r, strs, 4), in, oin}
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

func TestScannerAllocations(t *testing.T) {
	line := "{\"s\": \"plain\", \"n\": 42, \"f\": 1.5, \"b\": true, \"t\": \"2024-01-02T03:04:05Z\", \"t2\": 1700000000000, \"d\": \"1m30s\", " +
		"\"on\": null, \"os\": \"x\", \"in\": {\"name\": \"n\", \"score\": null}, \"oin\": {\"name\": \"m\", \"score\": 2}}"
	if _, i := scanJSONEv(line, 0); !codec.FastEnd(line, i) {
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
