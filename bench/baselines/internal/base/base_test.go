package base

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// padded returns s as a Batch's Data: followed by Pad bytes of '\n'.
func padded(s string) []byte {
	b := make([]byte, len(s)+Pad)
	copy(b, s)
	for i := len(s); i < len(b); i++ {
		b[i] = '\n'
	}
	return b[:len(s)]
}

func bidString(b *Bid) string {
	var tf TimeFormat
	return string(AppendBid(nil, b, &tf))
}

func TestNextBid(t *testing.T) {
	want := "Bid{auction:1968,bidder:-5,price:5285,channel:Google,url:https://x/y?a=1&b=2,dateTime:2015-07-15T00:00:00.123Z,extra:pad}"
	for _, line := range []string{
		"1968,-5,5285,Google,https://x/y?a=1&b=2,1436918400123,pad",             // the layout
		"1968,-5,5285,Google,https://x/y?a=1&b=2,1436918400123,pad\r",           // \r\n
		" 1968 ,-5,\t5285,Google,https://x/y?a=1&b=2,1436918400123,pad",         // blanks
		`1968,-5,5285,"Google","https://x/y?a=1&b=2",1436918400123,pad`,         // quotes
		"+1968,-5,5285,Google,https://x/y?a=1&b=2,2015-07-15T00:00:00.123Z,pad", // RFC 3339
	} {
		data := padded(line + "\n" + line) // the last line without its line end
		var b Bid
		i, n := 0, 0
		for i < len(data) {
			next, ok, bad := NextBid(data, i, &b)
			if !ok {
				t.Fatalf("NextBid(%q) failed on %q", line, bad)
			}
			if got := bidString(&b); got != want {
				t.Errorf("NextBid(%q) = %s", line, got)
			}
			i, n = next, n+1
		}
		if n != 2 {
			t.Errorf("%q: %d records, want 2", line, n)
		}
	}
	// The layout takes the fast path: the strings alias the input.
	data := padded("1968,-5,5285,Google,https://x/y?a=1&b=2,1436918400123,pad\n")
	var b Bid
	if _, ok, _ := NextBid(data, 0, &b); !ok || &b.Channel[0] != &data[13] || &b.Extra[0] != &data[len(data)-4] {
		t.Error("the generator's layout did not take the fast path")
	}
	if _, ok, _ := NextBid(padded(`1,2,3,"a,""b""",u,5,e`), 0, &b); !ok || string(b.Channel) != `a,"b"` {
		t.Errorf("quoted field: %q, %v", b.Channel, ok)
	}
	if _, ok, _ := NextBid(padded("1,2,3,chäñ,u,5,e"), 0, &b); !ok || string(b.Channel) != "chäñ" {
		t.Errorf("UTF-8 field: %q, %v", b.Channel, ok)
	}
	for _, bad := range []string{"", "1,2,3", "1,2,x,c,u,5,e", "1,2,3,c,u,5,e,extra", `1,2,3,c"d,u,5,e`,
		"1,2,3,c\x00,u,5,e", "1,2,3,c\xff,u,5,e", "1,2,99999999999999999999,c,u,5,e", "1,2,3,c,u,yesterday,e"} {
		if _, ok, _ := NextBid(padded(bad), 0, &b); ok {
			t.Errorf("NextBid(%q) accepted", bad)
		}
	}
}

func TestNextAdEvent(t *testing.T) {
	line := `{"user_id": "u", "page_id": "p", "ad_id": "a1", "ad_type": "banner", "event_type": "view", "event_time": "1500000000000", "ip_address": "1.2.3.4"}`
	for _, l := range []string{
		line,
		line + "\r",
		`{"ad_id":"a1","event_type":"view","user_id":"u","page_id":"p","ad_type":"b","event_time":"1500000000000","ip_address":"x","more":[1,{"a":null}]}`,
		strings.Replace(line, `"view"`, `"vi\u0065w"`, 1),
		strings.Replace(line, `"u"`, `"ü"`, 1),
	} {
		data := padded(l + "\n" + l)
		var e AdEvent
		for i := 0; i < len(data); {
			next, ok, bad := NextAdEvent(data, i, &e)
			if !ok {
				t.Fatalf("NextAdEvent(%q) failed on %q", l, bad)
			}
			if string(e.AdID) != "a1" || string(e.EventType) != "view" || string(e.EventTime) != "1500000000000" {
				t.Errorf("NextAdEvent(%q) = %q %q %q", l, e.AdID, e.EventType, e.EventTime)
			}
			if l == line && &e.AdID[0] != &data[i+strings.Index(line, `"a1"`)+1] {
				t.Error("the generator's layout did not take the fast path")
			}
			i = next
		}
	}
	for _, bad := range []string{
		strings.Replace(line, `"ad_id": "a1", `, "", 1), // a field missing
		strings.Replace(line, `"1.2.3.4"`, `1234`, 1),   // not a string
		strings.Replace(line, `"AD_ID"`, `"ad_id"`, 1) + "x",
		strings.Replace(line, `"ad_id"`, `"AD_ID"`, 1), // keys match exactly
		strings.Replace(line, `"u"`, `"\ud800"`, 1),    // a lone surrogate
		strings.Replace(line, `"u"`, "\"\xff\"", 1),    // invalid UTF-8
		strings.Replace(line, `"u"`, "\"a\tb\"", 1),    // a control character in a string
		line[:len(line)-1], "[]", "",
	} {
		var e AdEvent
		if _, ok, _ := NextAdEvent(padded(bad), 0, &e); ok {
			t.Errorf("NextAdEvent(%q) accepted", bad)
		}
	}
}

func TestTimeFormat(t *testing.T) {
	var tf TimeFormat
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 200_000 {
		var ms int64
		switch i % 3 {
		case 0:
			ms = 1_436_918_400_000 + rng.Int64N(1e9)
		case 1:
			ms = rng.Int64N(400_000_000_000_000) - 200_000_000_000_000 // ±6000 years
		default:
			ms = rng.Int64()
		}
		want := time.UnixMilli(ms).UTC().AppendFormat(nil, "2006-01-02T15:04:05.000Z07:00")
		if got := tf.Append(nil, ms); !bytes.Equal(got, want) {
			t.Fatalf("Append(%d) = %s, want %s", ms, got, want)
		}
	}
}

func TestCountWords(t *testing.T) {
	texts := []string{
		"a bb ccc dddd eeeee ffffff ggggggg hhhhhhhh iiiiiiiii jjjjjjjjjjjjjjjjjjjjjj\n",
		"  lead\t\ttabs\v\fand\r\nwin   \n\n  trailing   ",
		"naïve café\u00a0nbsp\u2003em\u3000ideo\u0085nel x\xffy \xe2\x80 end",
		"ninebytes sixteen-bytes-xy seventeen-bytes-x 12345678 1234567 123456789abcdef0\n12345678\u00a0x",
		"",
		"last-line-without-end",
	}
	rng := rand.New(rand.NewPCG(3, 4))
	var sb strings.Builder
	for range 20_000 {
		w := strings.Repeat("xyz"[rng.IntN(3):][:1], 1+rng.IntN(12))
		sb.WriteString(w)
		sb.WriteString([]string{" ", " ", " ", "\n", "  ", "\u00a0"}[rng.IntN(6)])
	}
	texts = append(texts, sb.String())
	for _, text := range texts {
		d := NewDict(4)
		data := padded(text)
		var cnt []uint32
		var shares [][]byte
		for _, procs := range []int{1, 3} {
			shares = Shares(shares, data, procs)
			got := map[string]int{}
			local := NewDict(4)
			var lcnt []uint32
			for _, s := range shares {
				for len(cnt) < d.Len() {
					cnt = append(cnt, 0)
				}
				lcnt = CountWords(d, local, s, cnt, lcnt)
				cnt = AddNew(d, local, lcnt, cnt)
			}
			for id, n := range cnt {
				if n > 0 {
					got[string(d.String(uint32(id)))] += int(n)
				}
				cnt[id] = 0
			}
			want := map[string]int{}
			for _, w := range strings.Fields(text) {
				want[w]++
			}
			if len(got) != len(want) {
				t.Fatalf("%d distinct words, want %d", len(got), len(want))
			}
			for w, n := range want {
				if got[w] != n {
					t.Errorf("%q: %d, want %d", w, got[w], n)
				}
			}
		}
		sorted := d.Sorted()
		if !slices.IsSortedFunc(sorted, func(a, b uint32) int { return bytes.Compare(d.String(a), d.String(b)) }) || len(sorted) != d.Len() {
			t.Error("Sorted is not the ids in byte order")
		}
	}
}

func TestDict(t *testing.T) {
	d := NewDict(1)
	var words []string
	for i := range 50_000 {
		w := strings.Repeat("k", i%20) + string(rune('a'+i%26)) + strings.Repeat("z", i/26%7)
		words = append(words, w)
		h, pre := Hash([]byte(w))
		d.Add(h, pre, []byte(w))
		if i%997 == 0 {
			d.Sorted() // the order is merged in steps
		}
	}
	for _, w := range words {
		h, pre := Hash([]byte(w))
		id, ok := d.Find(h, pre, []byte(w))
		if !ok || string(d.String(id)) != w {
			t.Fatalf("Find(%q) = %d, %v", w, id, ok)
		}
	}
	want := slices.Compact(slices.Sorted(slices.Values(words)))
	var got []string
	for _, id := range d.Sorted() {
		got = append(got, string(d.String(id)))
	}
	if !slices.Equal(got, want) {
		t.Error("Sorted differs from a sort")
	}
	id := NewIntDict(1)
	for k := int64(-1000); k < 100_000; k += 3 {
		if id.Add(k) != uint32(id.Len()-1) {
			t.Fatal("ids are not dense")
		}
	}
	if x, ok := id.Find(-1000 + 3*500); !ok || id.Key(x) != 500 {
		t.Error("IntDict.Find")
	}
}

func TestWindows(t *testing.T) {
	// 25 one-second batches of data; a 10 s window sliding every 2 s drains for
	// 10 + 2 - 1 = 11 more batches, so the last window is emitted at 36 s.
	w := Windows{Length: 10_000, Slide: 2_000}
	times := w.Times(25)
	if times[0] != 2000 || times[len(times)-1] != 36_000 || len(times) != 18 {
		t.Errorf("Times = %v", times)
	}
	if from, to := w.Covers(12_000, 25); from != 3 || to != 12 {
		t.Errorf("Covers(12s) = %d..%d, want 3..12", from, to)
	}
	tumbling := Windows{Length: 10_000, Slide: 10_000}
	if got := tumbling.Times(25); !slices.Equal(got, []int64{10_000, 20_000, 30_000, 40_000}) {
		t.Errorf("tumbling Times = %v", got)
	}
}

func TestReadAheadShares(t *testing.T) {
	dir := t.TempDir()
	contents := []string{strings.Repeat("abc def\n", 20_000), "x", ""}
	for i, c := range contents {
		if err := os.WriteFile(filepath.Join(dir, string(rune('a'+i))), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := ReadAhead(Files(dir), 2)
	for i, c := range contents {
		b, ok := r.Next()
		if !ok || b.N != i+1 || string(b.Data) != c {
			t.Fatalf("batch %d: %v %d %q", i, ok, b.N, b.Data)
		}
		if pad := b.Data[len(b.Data):cap(b.Data)]; len(pad) < Pad || bytes.Trim(pad, "\n") != nil && len(bytes.Trim(pad, "\n")) > 0 {
			t.Error("no padding")
		}
		shares := Shares(nil, b.Data, 3)
		var joined []byte
		for _, s := range shares {
			if len(s) > 0 && s[len(s)-1] != '\n' && &s[0] != &b.Data[len(b.Data)-len(s)] {
				t.Error("a share does not end at a line end")
			}
			joined = append(joined, s...)
		}
		if string(joined) != c {
			t.Error("shares do not add up to the data")
		}
		b.Release()
	}
	if _, ok := r.Next(); ok {
		t.Error("a batch after the last file")
	}
}

func TestHeader(t *testing.T) {
	got := string(Header(nil, 1000))
	want := "-------------------------------------------\nTime: 1000 ms\n-------------------------------------------\n"
	if got != want {
		t.Errorf("Header = %q", got)
	}
}

func TestCutInt(t *testing.T) {
	for _, s := range []string{"0", "7", "-7", "12345678", "123456789", "1436918400123", "999999999999999999", "-999999999999999999", "1000000000000000000", "", "-", "12a", "1234567812345678x"} {
		want, wantOK := parseDecimal([]byte(s))
		data := padded(s + ",rest")
		got, next, ok := cutInt(data[:cap(data)], 0)
		if ok != wantOK || ok && (got != want || next != len(s)+1) {
			t.Errorf("cutInt(%q) = %d, %d, %v; want %d, %v", s, got, next, ok, want, wantOK)
		}
	}
}
