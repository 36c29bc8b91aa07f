package codec

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// readKnown reads the object s with NextKnownField, returning "name=value" per field
// (values as strings; "?" for unknown names, skipped) and the error.
func readKnown(fs *Fields, names []string, s string) (string, error) {
	var d Decoder
	d.Reset(s)
	var out []string
	for f := d.NextKnownField(fs); f != NoMoreFields; f = d.NextKnownField(fs) {
		if f == UnknownField {
			d.Skip()
			out = append(out, "?")
			continue
		}
		v, _ := d.String()
		out = append(out, names[f]+"="+v)
	}
	if err := d.Err(); err != nil {
		return strings.Join(out, " "), err
	}
	return strings.Join(out, " "), d.End()
}

// readGeneral is readKnown through NextField and the key, the general path.
func readGeneral(names []string, s string) (string, error) {
	var d Decoder
	d.Reset(s)
	var out []string
	for d.NextField() {
		known := false
		for _, n := range names {
			if d.Key() == n {
				known = true
			}
		}
		if !known {
			d.Skip()
			out = append(out, "?")
			continue
		}
		v, _ := d.String()
		out = append(out, d.Key()+"="+v)
	}
	if err := d.Err(); err != nil {
		return strings.Join(out, " "), err
	}
	return strings.Join(out, " "), d.End()
}

// TestNextKnownField checks the declared-order fast path against the general one on
// objects in and out of order, with unknown fields, white space, escaped names, names
// that extend a known one, and broken input.
func TestNextKnownField(t *testing.T) {
	names := []string{"user", "user_id", "page", "at"}
	fs := NewFields(names...)
	cases := []string{
		`{"user":"a","user_id":"b","page":"c","at":"d"}`,
		`{"at":"d","page":"c","user":"a"}`,
		`{"user":"a", "user_id" : "b" ,"x":{"y":[1,2]},"page":"c"}`,
		`{"us\u0065r":"a","user_id":"b"}`,
		`{"user":"a","user_idx":"b","page":"c"}`,
		`{ "user" : "a" , "user_id":"b"}`,
		`{"user":"a",}`,
		`{"user":"a","user_id"}`,
		`{"user":"a""page":"c"}`,
		`{}`,
		`[1]`,
	}
	// Random objects: known and unknown names in shuffled orders, with random spacing.
	r := rand.New(rand.NewPCG(1, 2))
	pool := append(append([]string(nil), names...), "other", "use", "pag")
	for range 500 {
		var parts []string
		for _, i := range r.Perm(len(pool))[:r.IntN(len(pool)+1)] {
			sp := []string{"", " ", "\n"}[r.IntN(3)]
			parts = append(parts, fmt.Sprintf(`%s"%s"%s:%s"%d"`, sp, pool[i], sp, sp, r.IntN(100)))
		}
		cases = append(cases, "{"+strings.Join(parts, ",")+"}")
	}
	for _, c := range cases {
		got, gerr := readKnown(fs, names, c)
		want, werr := readGeneral(names, c)
		if got != want || fmt.Sprint(gerr) != fmt.Sprint(werr) {
			t.Errorf("%s:\n known   %q, %v\n general %q, %v", c, got, gerr, want, werr)
		}
	}
}

// BenchmarkNextKnownField compares the two ways a generated reader finds fields on a
// YSB event in declared order: NextKnownField, and NextField with a switch on the key.
func BenchmarkNextKnownField(b *testing.B) {
	names := []string{"user_id", "page_id", "ad_id", "ad_type", "event_type", "event_time", "ip_address"}
	line := `{"user_id":"3f0e","page_id":"9a1b","ad_id":"c0ffee","ad_type":"banner","event_type":"view","event_time":"1700000000000","ip_address":"1.2.3.4"}`
	fs := NewFields(names...)
	var vals [7]string
	var d Decoder
	b.Run("known", func(b *testing.B) {
		for b.Loop() {
			d.Reset(line)
			for f := d.NextKnownField(fs); f != NoMoreFields; f = d.NextKnownField(fs) {
				if f < 0 {
					d.Skip()
					continue
				}
				vals[f], _ = d.String()
			}
		}
	})
	b.Run("switch", func(b *testing.B) {
		for b.Loop() {
			d.Reset(line)
			for d.NextField() {
				switch d.Key() {
				case "user_id":
					vals[0], _ = d.String()
				case "page_id":
					vals[1], _ = d.String()
				case "ad_id":
					vals[2], _ = d.String()
				case "ad_type":
					vals[3], _ = d.String()
				case "event_type":
					vals[4], _ = d.String()
				case "event_time":
					vals[5], _ = d.String()
				case "ip_address":
					vals[6], _ = d.String()
				default:
					d.Skip()
				}
			}
		}
	})
}
