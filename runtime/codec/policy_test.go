package codec

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestFailPolicy(t *testing.T) {
	b := NewBadRecords(Policy{Kind: Fail}, "", false)
	cause := errors.New(`json: missing field "at"`)
	long := strings.Repeat("é", 150) // 300 bytes: cut on a character boundary
	err := b.Handle("socket(localhost:9999)", "clicks.stream:5:12", 1000, long, cause)
	var de *DecodeError
	if !errors.As(err, &de) || !errors.Is(err, cause) {
		t.Fatalf("Handle = %v, want a *DecodeError wrapping the cause", err)
	}
	msg := err.Error()
	if de.Pos != "clicks.stream:5:12" {
		t.Errorf("DecodeError.Pos = %q, want the decoder's position", de.Pos)
	}
	for _, want := range []string{"socket(localhost:9999)", `missing field "at"`, "… (300 bytes)", "onBadRecord"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if strings.Count(msg, "é") != 100 {
		t.Errorf("record not cut at 200 bytes: %q", msg)
	}
	if b.Count() != 1 {
		t.Errorf("Count = %d, want 1", b.Count())
	}
	if Truncate("short", 200) != `"short"` {
		t.Errorf("Truncate(short) = %s", Truncate("short", 200))
	}
}

func TestSkipPolicy(t *testing.T) {
	b := NewBadRecords(Policy{Kind: Skip}, "", false)
	for i := range 3 {
		if err := b.Handle("stdin()", "", 0, fmt.Sprint(i), errors.New("bad")); err != nil {
			t.Fatal(err)
		}
	}
	if b.Count() != 3 || b.Flush(0) != nil || b.Close() != nil {
		t.Errorf("Count = %d", b.Count())
	}
}

func TestDeadLetterPolicy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out", "bad.jsonl")
	p := Policy{Kind: DeadLetter, Path: path}
	if p.String() != `deadLetter("`+path+`")` {
		t.Errorf("String = %s", p)
	}
	b := NewBadRecords(p, "", false)
	if err := b.Flush(1000); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("file created before any bad record: %v", err)
	}

	// Partitions report bad records concurrently.
	var wg sync.WaitGroup
	for part := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				rec := fmt.Sprintf("p%d r%d \"quoted\"\n", part, i)
				if err := b.Handle("files(in)", "app.stream:3:8", 2000, rec, errors.New("bad <thing>")); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if err := b.Flush(2000); err != nil {
		t.Fatal(err)
	}
	// A batch that never flushed (it failed): its entries are written when the file
	// is closed, as there is no checkpoint directory to re-run it from.
	b.Handle("files(in)", "app.stream:3:8", 3000, "last", errors.New("late"))
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != 101 || b.Count() != 101 {
		t.Fatalf("%d lines, Count %d; want 101", len(lines), b.Count())
	}
	var first struct {
		BatchTime int64
		Source    string
		Pos       string
		Error     string
		Record    string
	}
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if first.BatchTime != 2000 || first.Source != "files(in)" || first.Pos != "app.stream:3:8" ||
		first.Error != "bad <thing>" || !strings.HasSuffix(first.Record, "\"quoted\"\n") {
		t.Errorf("first line = %+v", first)
	}
	if !strings.HasPrefix(lines[0], `{"batchTime":2000,"source":`) {
		t.Errorf("field order: %s", lines[0])
	}
	if !strings.Contains(lines[100], `"record":"last"`) {
		t.Errorf("last line = %s", lines[100])
	}

	// Appending again (a restarted program) keeps what is there.
	b2 := NewBadRecords(p, "", false)
	b2.Handle("files(in)", "", 4000, "again", errors.New("x"))
	b2.Close()
	data, _ = os.ReadFile(path)
	if n := strings.Count(string(data), "\n"); n != 102 {
		t.Errorf("after reopening: %d lines, want 102", n)
	}
}

func TestDeadLetterUnwritable(t *testing.T) {
	dir := t.TempDir()
	b := NewBadRecords(Policy{Kind: DeadLetter, Path: dir}, "", false) // a directory cannot be opened for appending
	defer b.Close()
	b.Handle("s", "", 0, "r", errors.New("e"))
	if err := b.Flush(0); err == nil || !strings.Contains(err.Error(), "dead letter file") {
		t.Errorf("Flush = %v", err)
	}
}

func TestTakeNewReportsEachBadRecordOnce(t *testing.T) {
	b := NewBadRecords(Policy{Kind: Skip}, "", false)
	for i := 0; i < 3; i++ {
		b.Handle("s", "p", 1000, "x", errors.New("bad"))
	}
	if got := b.TakeNew(); got != 3 {
		t.Fatalf("TakeNew after 3 bad records = %d, want 3", got)
	}
	if got := b.TakeNew(); got != 0 {
		t.Fatalf("TakeNew with nothing new = %d, want 0", got)
	}
	b.Handle("s", "p", 2000, "y", errors.New("bad"))
	if got, total := b.TakeNew(), b.Count(); got != 1 || total != 4 {
		t.Fatalf("TakeNew = %d, Count = %d; want 1 and 4", got, total)
	}
}
