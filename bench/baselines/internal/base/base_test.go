package base

import (
	"slices"
	"strings"
	"testing"
)

func TestParseBid(t *testing.T) {
	b, ok := ParseBid([]byte("1968,-5,5285,Google,https://x/y?a=1,1436918400123,pad"))
	if !ok || b.Auction != 1968 || b.Bidder != -5 || b.Price != 5285 || string(b.Channel) != "Google" ||
		string(b.URL) != "https://x/y?a=1" || b.DateTime != 1436918400123 || string(b.Extra) != "pad" {
		t.Fatalf("ParseBid = %+v, %v", b, ok)
	}
	got := string(AppendBid(nil, &b))
	want := "Bid{auction:1968,bidder:-5,price:5285,channel:Google,url:https://x/y?a=1,dateTime:2015-07-15T00:00:00.123Z,extra:pad}"
	if got != want {
		t.Errorf("AppendBid = %s, want %s", got, want)
	}
	for _, bad := range []string{"", "1,2,3", "1,2,x,c,u,5,e", "1,2,3,c,u,5,e,extra", `1,2,3,"c",u,5,e`} {
		if _, ok := ParseBid([]byte(bad)); ok {
			t.Errorf("ParseBid(%q) accepted", bad)
		}
	}
}

func TestParseAdEvent(t *testing.T) {
	line := `{"user_id": "u", "page_id": "p", "ad_id": "a1", "ad_type": "banner", "event_type": "view", "event_time": "1500000000000", "ip_address": "1.2.3.4"}`
	e, ok := ParseAdEvent([]byte(line))
	if !ok || string(e.AdID) != "a1" || string(e.EventType) != "view" || string(e.EventTime) != "1500000000000" {
		t.Fatalf("ParseAdEvent = %q %q %q, %v", e.AdID, e.EventType, e.EventTime, ok)
	}
	for _, bad := range []string{
		strings.Replace(line, `"ad_id": "a1", `, "", 1), // a field missing
		strings.Replace(line, `"u"`, `"u\"x"`, 1),       // an escape
		strings.Replace(line, `"1.2.3.4"`, `1234`, 1),   // not a string
		line + "x", line[:len(line)-1], "[]",
	} {
		if _, ok := ParseAdEvent([]byte(bad)); ok {
			t.Errorf("ParseAdEvent(%q) accepted", bad)
		}
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
	if from, to := w.Covers(36_000, 25); from != 27 || to != 25 {
		t.Errorf("Covers(36s) = %d..%d, want an empty range", from, to)
	}
	tumbling := Windows{Length: 10_000, Slide: 10_000}
	if got := tumbling.Times(25); !slices.Equal(got, []int64{10_000, 20_000, 30_000, 40_000}) {
		t.Errorf("tumbling Times = %v", got)
	}
}

func TestChunks(t *testing.T) {
	data := []byte(strings.Repeat("abc def\n", 20_000))
	chunks := Chunks(data, 3)
	if len(chunks) != 3 {
		t.Fatalf("got %d chunks", len(chunks))
	}
	var joined []byte
	for _, c := range chunks {
		if c[len(c)-1] != '\n' {
			t.Error("a chunk does not end at a line end")
		}
		joined = append(joined, c...)
	}
	if string(joined) != string(data) {
		t.Error("chunks do not add up to the data")
	}
	var lines []string
	Lines([]byte("a\r\nb\nc"), func(l []byte) { lines = append(lines, string(l)) })
	if !slices.Equal(lines, []string{"a", "b", "c"}) {
		t.Errorf("Lines = %q", lines)
	}
}

func TestHeader(t *testing.T) {
	got := string(Header(nil, 1000))
	want := "-------------------------------------------\nTime: 1000 ms\n-------------------------------------------\n"
	if got != want {
		t.Errorf("Header = %q", got)
	}
}
