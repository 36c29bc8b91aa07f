package recording

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestRoundTrip records lines and Kafka records (binary ones included) and reads them
// back exactly, with the args that reproduce the clock.
func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	rec, err := Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	lines := rec.Tap("lines")
	if err := lines.RecordLines(1000, [][]string{{"a b", ""}, {"c\r", "  d"}}); err != nil {
		t.Fatal(err)
	}
	if err := lines.RecordLines(2000, [][]string{{}, {}}); err != nil { // empty: no file
		t.Fatal(err)
	}
	raw := rec.Tap("raw")
	recs := []Record{
		{Topic: "t", Partition: 2, Offset: 7, Key: []byte("k"), Value: []byte(`{"x":1}`), Timestamp: 5, Headers: [][2]string{{"h", "v"}}},
		{Topic: "t", Partition: 0, Offset: 3, Key: []byte{0xff, 0}, Value: []byte{0xfe}, Timestamp: 6},
	}
	if err := raw.RecordRecords(1000, recs); err != nil {
		t.Fatal(err)
	}
	if err := rec.WriteArgs("a comment", []string{"--start-time", "0", "--batch", "1s", "--replay"}); err != nil {
		t.Fatal(err)
	}

	args, err := ReadArgs(dir)
	if err != nil || !slices.Equal(args, []string{"--start-time", "0", "--batch", "1s", "--replay"}) {
		t.Fatalf("args: %q, %v", args, err)
	}
	back, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := back.Sources(); !slices.Equal(got, []string{"lines", "raw"}) {
		t.Fatalf("sources %q", got)
	}
	lt := back.Tap("lines")
	if lt.Exhausted() {
		t.Fatal("exhausted before its batch")
	}
	got, err := lt.Lines(1000)
	if err != nil || !slices.Equal(got, []string{"a b", "", "c\r", "  d"}) {
		t.Fatalf("lines: %q, %v", got, err)
	}
	if got, err := lt.Lines(2000); err != nil || got != nil {
		t.Fatalf("an empty batch: %q, %v", got, err)
	}
	if !lt.Exhausted() {
		t.Fatal("not exhausted after its last batch")
	}
	rs, err := back.Tap("raw").Records(1000, "other")
	if err != nil {
		t.Fatal(err)
	}
	for i := range recs {
		a, b := recs[i], rs[i]
		if a.Topic != b.Topic || a.Partition != b.Partition || a.Offset != b.Offset || string(a.Key) != string(b.Key) ||
			string(a.Value) != string(b.Value) || a.Timestamp != b.Timestamp || !slices.Equal(a.Headers, b.Headers) {
			t.Errorf("record %d: recorded %+v, read %+v", i, a, b)
		}
	}
}

// TestValuesAndDefaults reads Kafka batches written by hand: values one a line, or
// JSON records with fields left out.
func TestValuesAndDefaults(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "in", "raw"), 0o755)
	os.WriteFile(filepath.Join(dir, "in", "raw", "1000"), []byte("v1\nv2\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "in", "raw", "2000.jsonl"), []byte(`{"value":"v3"}`+"\n"+`{"key":"k","value":"v4","partition":1}`+"\n"), 0o644)
	rec, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	tap := rec.Tap("raw")
	a, err := tap.Records(1000, "clicks")
	if err != nil {
		t.Fatal(err)
	}
	b, err := tap.Records(2000, "clicks")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range append(a, b...) {
		got = append(got, strings.Join([]string{r.Topic, string(rune('0' + r.Partition)), string(rune('0' + r.Offset)), string(r.Key), string(r.Value)}, "/"))
	}
	want := []string{"clicks/0/0//v1", "clicks/0/1//v2", "clicks/0/2//v3", "clicks/1/0/k/v4"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	if b[0].Timestamp != 2000 {
		t.Errorf("timestamp %d, want the batch time", b[0].Timestamp)
	}
	os.WriteFile(filepath.Join(dir, "in", "raw", "3000.jsonl"), []byte(`{"vaule":"x"}`+"\n"), 0o644)
	rec, _ = Open(dir)
	if _, err := rec.Tap("raw").Records(3000, "clicks"); err == nil || !strings.Contains(err.Error(), "vaule") {
		t.Errorf("a misspelt field: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "in", "raw", "later"), nil, 0o644)
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "not a batch") {
		t.Errorf("a file that is not a batch: %v", err)
	}
}
