package codec

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// crash abandons handlers as a killed process would: open files are closed without
// writing anything pending, and the process-wide registry forgets them, so that the
// next handlers start from what is on disk.
func crash(bs ...*BadRecords) {
	for _, b := range bs {
		f := b.file
		files.Lock()
		delete(files.m, f.key)
		files.Unlock()
		f.mu.Lock()
		if f.f != nil {
			f.f.Close()
		}
		if f.log != nil {
			f.log.Close()
		}
		f.mu.Unlock()
	}
}

// deadLetters reads a dead-letter file: each line must be a whole JSON object.
func deadLetters(t *testing.T, path string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for i, line := range strings.SplitAfter(string(data), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if !strings.HasSuffix(line, "\n") || json.Unmarshal([]byte(line), &m) != nil {
			t.Fatalf("line %d of %s is not a whole JSON line: %q", i+1, path, line)
		}
		out = append(out, m)
	}
	return out
}

// records counts the dead letters by record.
func records(entries []map[string]any) map[string]int {
	n := map[string]int{}
	for _, e := range entries {
		n[fmt.Sprint(e["record"])]++
	}
	return n
}

// TestDeadLetterExactlyOnceAfterCrash runs batches against two decoders' handlers that
// share a dead-letter file, kills the process while the next batch is being appended
// (one whole uncommitted line and half of another), then resumes from an older
// checkpoint and re-runs the batches after it with the same input, as a restart does.
// Each bad record must be in the file exactly once, every line whole. With the file
// appended to as before (at least once), batches 4000 and 5000 were there twice and the
// torn line corrupted the line after it.
func TestDeadLetterExactlyOnceAfterCrash(t *testing.T) {
	dir := t.TempDir()
	ckpt := filepath.Join(dir, "ckpt")
	path := filepath.Join(dir, "bad", "orders.jsonl")
	p := Policy{Kind: DeadLetter, Path: path}
	batch := func(a, b *BadRecords, t int64) error {
		// The same bad records for the same batch, whichever run computes it.
		for i := range 3 {
			a.Handle("orders", "o.stream:4:9", t, fmt.Sprintf("a%d-%d", t, i), errors.New("bad"))
		}
		b.Handle("orders", "o.stream:5:9", t, fmt.Sprintf("b%d", t), errors.New("bad"))
		if err := a.Flush(t); err != nil {
			return err
		}
		return b.Flush(t)
	}

	// First run: batches 1000 to 5000; the checkpoint of 3000 is the last one written.
	a, b := NewBadRecords(p, ckpt, false), NewBadRecords(p, ckpt, false)
	for bt := int64(1000); bt <= 5000; bt += 1000 {
		if err := batch(a, b, bt); err != nil {
			t.Fatal(err)
		}
	}
	// Batch 6000's append is under way when the process is killed: one line is in the
	// file, the next is half written, nothing is committed.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(string(appendEntry(nil, 6000, "orders", "o.stream:4:9", "bad", "a6000-0", -1)) + `{"batchTime":6000,"source":"ord`)
	f.Close()
	crash(a, b)

	// The restart resumes from the checkpoint of 3000 and re-runs 4000 to 7000.
	a, b = NewBadRecords(p, ckpt, true), NewBadRecords(p, ckpt, true)
	for bt := int64(4000); bt <= 7000; bt += 1000 {
		if err := batch(a, b, bt); err != nil {
			t.Fatal(err)
		}
	}
	// Killed again right after batch 7000 committed; the next restart resumes from the
	// checkpoint of 6000 and re-runs 7000 only.
	crash(a, b)
	a, b = NewBadRecords(p, ckpt, true), NewBadRecords(p, ckpt, true)
	if err := batch(a, b, 7000); err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(a.Close(), b.Close()); err != nil {
		t.Fatal(err)
	}

	entries := deadLetters(t, path)
	got := records(entries)
	if len(entries) != 7*4 {
		t.Errorf("%d dead letters, want %d (4 per batch, 7 batches)", len(entries), 7*4)
	}
	for bt := int64(1000); bt <= 7000; bt += 1000 {
		for _, r := range []string{fmt.Sprintf("a%d-0", bt), fmt.Sprintf("a%d-1", bt), fmt.Sprintf("a%d-2", bt), fmt.Sprintf("b%d", bt)} {
			if got[r] != 1 {
				t.Errorf("record %s is in the file %d times, want once", r, got[r])
			}
		}
	}
	// Batches in order: one append per batch.
	for i := 1; i < len(entries); i++ {
		if entries[i]["batchTime"].(float64) < entries[i-1]["batchTime"].(float64) {
			t.Errorf("entry %d (batch %v) after batch %v", i, entries[i]["batchTime"], entries[i-1]["batchTime"])
		}
	}
}

// TestDeadLetterFreshStartIgnoresOldCommits: a run that does not resume (a first run,
// or --fresh) appends whatever an earlier run committed, keeping the file's content:
// its batch times may repeat the old ones (replay mode starts at the same time again).
func TestDeadLetterFreshStartIgnoresOldCommits(t *testing.T) {
	dir := t.TempDir()
	ckpt := filepath.Join(dir, "ckpt")
	path := filepath.Join(dir, "bad.jsonl")
	p := Policy{Kind: DeadLetter, Path: path}
	for run := range 2 {
		b := NewBadRecords(p, ckpt, false)
		for bt := int64(1000); bt <= 3000; bt += 1000 {
			b.Handle("s", "", bt, fmt.Sprint(run, bt), errors.New("bad"))
			b.Flush(bt)
		}
		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(deadLetters(t, path)); n != 6 {
		t.Errorf("%d dead letters after two fresh runs of 3, want 6", n)
	}
}

// TestDeadLetterTornTailWithoutCheckpoints: without a checkpoint directory there are no
// re-runs, but a line torn by a crash is cut when the file is next opened, so that it
// does not spoil the next line.
func TestDeadLetterTornTailWithoutCheckpoints(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(path, []byte(`{"batchTime":1,"source":"s","pos":"","error":"e","record":"whole"}`+"\n"+`{"batchTime":2,"sou`), 0o644)
	b := NewBadRecords(Policy{Kind: DeadLetter, Path: path}, "", false)
	b.Handle("s", "", 3000, "next", errors.New("bad"))
	if err := errors.Join(b.Flush(3000), b.Close()); err != nil {
		t.Fatal(err)
	}
	if got := records(deadLetters(t, path)); len(got) != 2 || got["whole"] != 1 || got["next"] != 1 {
		t.Errorf("records %v, want whole and next", got)
	}
}

// TestOversizedLines: a line a source dropped for its length is a bad record under
// every policy: counted, failing with its size and file, or dead-lettered with the
// batch time of the flush that follows.
func TestOversizedLines(t *testing.T) {
	fail := NewBadRecords(Policy{Kind: Fail}, "", false)
	err := fail.OversizeInFile("logs", "app.stream:3:12", 1<<20)("in/big.log", 3<<20)
	var oe *OversizeError
	if !errors.As(err, &oe) || fail.Count() != 1 {
		t.Fatalf("Fail: %v (count %d), want an *OversizeError", err, fail.Count())
	}
	want := "bad record from logs: line of 3145728 bytes in in/big.log is longer than the limit of 1048576 bytes (set onBadRecord to skip or deadLetter to go on past bad records)"
	if err.Error() != want {
		t.Errorf("Fail:\n got %s\nwant %s", err, want)
	}

	skip := NewBadRecords(Policy{Kind: Skip}, "", false)
	if err := skip.OversizeReceived("lines", "", 1<<20)(2 << 20); err != nil || skip.TakeNew() != 1 {
		t.Errorf("Skip: %v, count %d", err, skip.Count())
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "bad.jsonl")
	dl := NewBadRecords(Policy{Kind: DeadLetter, Path: path}, filepath.Join(dir, "ckpt"), false)
	dl.OversizeInFile("logs", "app.stream:3:12", 1<<20)("in/big.log", 3<<20)
	dl.HandleOversized(Oversized{Source: "logs", Pos: "app.stream:3:12", Prefix: strings.Repeat("é", 200), Size: 5 << 20, Limit: 1 << 20})
	if err := errors.Join(dl.Flush(7000), dl.Close()); err != nil {
		t.Fatal(err)
	}
	entries := deadLetters(t, path)
	if len(entries) != 2 || dl.Count() != 2 {
		t.Fatalf("%d entries, count %d; want 2", len(entries), dl.Count())
	}
	e := entries[0]
	if e["batchTime"] != 7000.0 || e["size"] != float64(3<<20) || e["record"] != "" || e["source"] != "logs" ||
		e["error"] != "line of 3145728 bytes in in/big.log is longer than the limit of 1048576 bytes" {
		t.Errorf("entry %v", e)
	}
	if r := entries[1]["record"].(string); r != strings.Repeat("é", 100) {
		t.Errorf("prefix not cut to %d bytes on a character boundary: %d bytes", MaxRecordInError, len(r))
	}
}

// TestReceivedOversizeDuringRerun: a line a receiver drops while a committed batch is
// being re-run is new (no batch's logged input holds it), so it is written, once, even
// though the re-run batch's own entries are not.
func TestReceivedOversizeDuringRerun(t *testing.T) {
	dir := t.TempDir()
	ckpt := filepath.Join(dir, "ckpt")
	path := filepath.Join(dir, "bad.jsonl")
	p := Policy{Kind: DeadLetter, Path: path}
	b := NewBadRecords(p, ckpt, false)
	b.Handle("lines", "", 1000, "decoded-badly", errors.New("bad"))
	b.Flush(1000)
	crash(b)

	b = NewBadRecords(p, ckpt, true)
	b.Handle("lines", "", 1000, "decoded-badly", errors.New("bad")) // the re-run's own
	b.OversizeReceived("lines", "", 10)(20)
	if err := errors.Join(b.Flush(1000), b.Close()); err != nil {
		t.Fatal(err)
	}
	got := records(deadLetters(t, path))
	if got["decoded-badly"] != 1 || got[""] != 1 || len(got) != 2 {
		t.Errorf("records %v, want decoded-badly and the oversized line once each", got)
	}
}

// TestDeadLetterAppendsOfABatchInOrder: a batch may append to one file more than once —
// its decoders' entries after its stages, a sink's rejected rows after its output. A
// crash between the two must lose neither and repeat neither: the re-run skips the
// decoders' append, which was committed, and writes the sink's, which was not.
func TestDeadLetterAppendsOfABatchInOrder(t *testing.T) {
	dir := t.TempDir()
	ckpt := filepath.Join(dir, "ckpt")
	path := filepath.Join(dir, "bad.jsonl")
	p := Policy{Kind: DeadLetter, Path: path}
	decoded := func(dec *BadRecords, bt int64) error {
		dec.Handle("in", "x.stream:3:9", bt, fmt.Sprint("dec", bt), errors.New("bad"))
		return dec.Flush(bt)
	}
	sunk := func(sink *BadRecords, bt int64) error {
		sink.Handle("writeTo#1", "x.stream:4:9", bt, fmt.Sprint("sink", bt), errors.New("rejected"))
		return sink.Flush(bt)
	}
	dec, sink := NewBadRecords(p, ckpt, false), NewBadRecords(p, ckpt, false)
	for bt := int64(1000); bt <= 2000; bt += 1000 {
		if err := errors.Join(decoded(dec, bt), sunk(sink, bt)); err != nil {
			t.Fatal(err)
		}
	}
	if err := decoded(dec, 3000); err != nil { // killed before batch 3000's output
		t.Fatal(err)
	}
	crash(dec, sink)

	dec, sink = NewBadRecords(p, ckpt, true), NewBadRecords(p, ckpt, true)
	for bt := int64(2000); bt <= 4000; bt += 1000 { // resumed from the checkpoint of 1000
		if err := errors.Join(decoded(dec, bt), sunk(sink, bt)); err != nil {
			t.Fatal(err)
		}
	}
	if err := errors.Join(dec.Close(), sink.Close()); err != nil {
		t.Fatal(err)
	}
	got := records(deadLetters(t, path))
	for bt := 1000; bt <= 4000; bt += 1000 {
		for _, r := range []string{fmt.Sprint("dec", bt), fmt.Sprint("sink", bt)} {
			if got[r] != 1 {
				t.Errorf("%s is in the file %d times, want once", r, got[r])
			}
		}
	}
	if len(got) != 8 {
		t.Errorf("records %v, want 8", got)
	}
}
