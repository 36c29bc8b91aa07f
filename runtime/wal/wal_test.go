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
