package wal

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readAll(t *testing.T, l *Log, from, to uint64) []string {
	t.Helper()
	var out []string
	if err := l.Read(from, to, func(i uint64, rec []byte) error {
		if want := from + uint64(len(out)); i != want {
			return fmt.Errorf("index %d, want %d", i, want)
		}
		out = append(out, string(rec))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestAppendSyncReadAcrossSegments(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, Options{SegmentBytes: 100})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		if idx, err := l.Append([]byte(fmt.Sprintf("record-%02d", i))); err != nil || idx != uint64(i) {
			t.Fatalf("Append %d = %d, %v", i, idx, err)
		}
	}
	if err := l.Read(48, 50, func(uint64, []byte) error { return nil }); err == nil {
		t.Error("reading records that are not durable yet succeeded")
	}
	l.Sync()
	if l.Segments() < 5 {
		t.Errorf("%d segments, want several", l.Segments())
	}
	got := readAll(t, l, 17, 33)
	if len(got) != 16 || got[0] != "record-17" || got[15] != "record-32" {
		t.Errorf("Read = %v", got)
	}
	l.TruncateBefore(30)
	if l.First() > 30 || l.First() == 0 {
		t.Errorf("First after truncation = %d", l.First())
	}
	if err := l.Read(0, 10, func(uint64, []byte) error { return nil }); !errors.Is(err, ErrCorrupt) {
		t.Errorf("reading truncated records: %v", err)
	}
	l.Close()

	// Reopening finds the same records, numbered as before.
	l, err = Open(dir, Options{SegmentBytes: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if l.Next() != 50 {
		t.Errorf("Next after reopen = %d", l.Next())
	}
	if got := readAll(t, l, 30, 50); len(got) != 20 || got[19] != "record-49" {
		t.Errorf("after reopen: %v", got)
	}
}

// TestTornTail: a crash in the middle of a write leaves a partial record; reopening cuts
// it off and appends continue after the last whole record.
func TestTornTail(t *testing.T) {
	dir := t.TempDir()
	l, _ := Open(dir, Options{})
	l.Append([]byte("a"))
	l.Append([]byte("b"))
	l.Sync()
	l.Close()
	seg := filepath.Join(dir, fmt.Sprintf("%020d.seg", 0))
	f, _ := os.OpenFile(seg, os.O_APPEND|os.O_WRONLY, 0)
	f.Write([]byte{9, 0, 0, 0, 1, 2}) // a header and nothing more
	f.Close()
	l, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if l.Next() != 2 {
		t.Fatalf("Next = %d", l.Next())
	}
	l.Append([]byte("c"))
	l.Sync()
	if got := strings.Join(readAll(t, l, 0, 3), ""); got != "abc" {
		t.Errorf("records %q", got)
	}
	l.Close()
}

func TestAllocs(t *testing.T) {
	dir := t.TempDir()
	a, err := OpenAllocs(dir)
	if err != nil {
		t.Fatal(err)
	}
	a.Append(Alloc{Time: 1000, End: 3})
	a.Append(Alloc{Time: 2000, End: 3})
	a.Append(Alloc{Time: 3000, End: 9})
	a.Close()
	f, _ := os.OpenFile(filepath.Join(dir, AllocName), os.O_APPEND|os.O_WRONLY, 0)
	f.Write([]byte{1, 2, 3}) // torn
	f.Close()
	a, _ = OpenAllocs(dir)
	if fmt.Sprint(a.Entries()) != "[{1000 3} {2000 3} {3000 9}]" {
		t.Errorf("entries %v", a.Entries())
	}
	a.Compact(2000)
	a.Append(Alloc{Time: 4000, End: 12})
	a.Close()
	a, _ = OpenAllocs(dir)
	defer a.Close()
	if fmt.Sprint(a.Entries()) != "[{3000 9} {4000 12}]" {
		t.Errorf("after compaction %v", a.Entries())
	}
}

// writeRecords creates a log in dir holding the one-byte records of recs, synced, in
// one segment, and returns that segment's path. Record i is at byte 9i, its byte at
// 9i+8.
func writeRecords(t *testing.T, dir string, recs string) string {
	t.Helper()
	l, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range recs {
		l.Append([]byte(string(c)))
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, fmt.Sprintf("%020d.seg", 0))
}

// flipByte damages one byte of a file, as bit rot would.
func flipByte(t *testing.T, path string, off int64) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data[off] ^= 0x40
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

// TestDamageInLastSegmentKeepsValidRecords: a record damaged in the middle of the last
// segment (bit rot in a synced record) is not a torn tail. Open must not cut the
// segment there — the records after it are valid and were counted — and must report the
// damage: which segment, where, which records. Appends go to a new segment, so the
// damaged one is never written again, and the records on both sides stay readable.
func TestDamageInLastSegmentKeepsValidRecords(t *testing.T) {
	dir := t.TempDir()
	seg := writeRecords(t, dir, "abcde")
	size := fileSize(t, seg)
	flipByte(t, seg, 2*9+8) // the byte of record 2, "c"
	l, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if got := fileSize(t, seg); got != size {
		t.Errorf("Open changed the damaged segment from %d to %d bytes: valid records destroyed", size, got)
	}
	if l.Next() != 5 {
		t.Errorf("Next = %d, want 5: the records after the damage were dropped", l.Next())
	}
	want := []Damage{{Segment: seg, Offset: 18, Bytes: 9, First: 2, Records: 1}}
	if got := l.Damage(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Damage = %v, want %v", got, want)
	}
	if got := strings.Join(readAll(t, l, 3, 5), ""); got != "de" {
		t.Errorf("records after the damage: %q, want de", got)
	}
	if got := strings.Join(readAll(t, l, 0, 2), ""); got != "ab" {
		t.Errorf("records before the damage: %q, want ab", got)
	}
	err = l.Read(0, 5, func(uint64, []byte) error { return nil })
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), seg) || !strings.Contains(err.Error(), "records [2, 3)") {
		t.Errorf("reading across the damage: %v", err)
	}
	l.Append([]byte("f"))
	l.Sync()
	l.Close()
	if got := fileSize(t, seg); got != size {
		t.Errorf("an append went into the damaged segment (%d bytes, was %d)", got, size)
	}
	l, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if l.Next() != 6 || strings.Join(readAll(t, l, 3, 6), "") != "def" {
		t.Errorf("after reopening: Next %d, records %q", l.Next(), readAll(t, l, 3, 6))
	}
}

// TestDamageInOlderSegment: damage that cannot be stepped over (a broken length field)
// in a segment that is not the last: the next segment's name says how many records are
// lost, and Open reports them without touching any file.
func TestDamageInOlderSegment(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, Options{SegmentBytes: 40}) // 5 one-byte records a segment
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range "abcdefghij" {
		l.Append([]byte(string(c)))
	}
	l.Close()
	seg := filepath.Join(dir, fmt.Sprintf("%020d.seg", 0))
	size := fileSize(t, seg)
	flipByte(t, seg, 1*9+3) // the length of record 1: the rest of the segment is lost
	l, err = Open(dir, Options{SegmentBytes: 40})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	want := []Damage{{Segment: seg, Offset: 9, Bytes: size - 9, First: 1, Records: 4}}
	if got := l.Damage(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Damage = %v, want %v", got, want)
	}
	if got := fileSize(t, seg); got != size || l.Next() != 10 {
		t.Errorf("segment %d bytes (was %d), Next %d (want 10)", got, size, l.Next())
	}
	if got := strings.Join(readAll(t, l, 5, 10), ""); got != "fghij" {
		t.Errorf("the next segment: %q", got)
	}
}

// TestTornTailKept: a tail that does not parse is cut so that appends continue after the
// last whole record, but its bytes are kept next to the segment and reported: they may
// have been synced records (the receiver decides from its allocations).
func TestTornTailKept(t *testing.T) {
	dir := t.TempDir()
	seg := writeRecords(t, dir, "ab")
	f, _ := os.OpenFile(seg, os.O_APPEND|os.O_WRONLY, 0)
	f.Write([]byte{9, 0, 0, 0, 1, 2}) // a header and nothing more
	f.Close()
	l, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	cut := l.TornTail()
	if cut == nil || cut.Offset != 18 || cut.Bytes != 6 || cut.Next != 2 || cut.Segment != seg {
		t.Fatalf("TornTail = %+v", cut)
	}
	if data, err := os.ReadFile(cut.SavedTo); err != nil || len(data) != 6 {
		t.Errorf("saved tail: %d bytes, %v", len(data), err)
	}
	if len(l.Damage()) != 0 {
		t.Errorf("a torn tail reported as damage: %v", l.Damage())
	}
}
