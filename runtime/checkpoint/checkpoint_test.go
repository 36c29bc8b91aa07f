package checkpoint

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestCodecRoundTrip(t *testing.T) {
	w := NewWriter()
	w.Uvarint(300)
	w.Varint(-5)
	w.Len(2)
	w.Bool(true)
	w.Float64(math.Inf(-1))
	w.String("héllo")
	w.Bytes([]byte{0, 1, 2})
	r := NewReader(w.Data())
	if got := r.Uvarint(); got != 300 {
		t.Errorf("Uvarint = %d", got)
	}
	if got := r.Varint(); got != -5 {
		t.Errorf("Varint = %d", got)
	}
	if got := r.Len(); got != 2 {
		t.Errorf("Len = %d", got)
	}
	if !r.Bool() {
		t.Error("Bool = false")
	}
	if got := r.Float64(); !math.IsInf(got, -1) {
		t.Errorf("Float64 = %v", got)
	}
	if got := r.String(); got != "héllo" {
		t.Errorf("String = %q", got)
	}
	if got := r.Bytes(); string(got) != "\x00\x01\x02" {
		t.Errorf("Bytes = %q", got)
	}
	if err := r.Done(); err != nil {
		t.Fatal(err)
	}
}

func TestReaderErrorsAreSticky(t *testing.T) {
	w := NewWriter()
	w.Len(1000) // a count that the data cannot hold
	r := NewReader(w.Data())
	if n := r.Len(); n != 0 {
		t.Errorf("Len = %d, want 0 on error", n)
	}
	_ = r.String()
	if err := r.Err(); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "count 1000 exceeds") {
		t.Errorf("err = %v", err)
	}
	w = NewWriter()
	w.Uvarint(1)
	w.Uvarint(2)
	r = NewReader(w.Data())
	r.Uvarint()
	if err := r.Done(); err == nil || !strings.Contains(err.Error(), "1 unread bytes") {
		t.Errorf("Done = %v", err)
	}
}

func TestSections(t *testing.T) {
	w := NewWriter()
	w.Section("a", func(w *Writer) error { w.String("x"); return nil })
	w.Section("b", func(w *Writer) error { w.Varint(7); return nil })
	err := w.Section("c", func(w *Writer) error { return errors.New("boom") })
	if err == nil || err.Error() != `state section "c": boom` {
		t.Errorf("failing section: %v", err)
	}
	r := NewReader(w.Data())
	names, err := r.Sections()
	if err != nil || strings.Join(names, ",") != "a,b" {
		t.Fatalf("Sections = %v, %v", names, err)
	}
	b, err := r.Section("b")
	if err != nil || b.Varint() != 7 || b.Done() != nil {
		t.Errorf("section b: %v", err)
	}
	if _, err := r.Section("zz"); err == nil || err.Error() != `the checkpoint has no state section "zz"` {
		t.Errorf("missing section: %v", err)
	}
}

func sample(time int64) *Checkpoint {
	w := NewWriter()
	w.Section("updateStateByKey#1", func(w *Writer) error { w.String("state"); return nil })
	return &Checkpoint{
		Pipeline: "p", Fingerprint: "f00d", Shape: []string{"updateStateByKey#1: (string, int)"},
		Interval: 1000, Time: time, ZeroTime: 0, Remaining: -1,
		Sources: []Section{{Name: "lines", Data: []byte{1, 2}}}, State: w.Data(),
	}
}

func TestEncodeDecode(t *testing.T) {
	c := sample(5000)
	data := c.Encode()
	got, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if got.Pipeline != "p" || got.Fingerprint != "f00d" || got.Time != 5000 || got.Remaining != -1 ||
		string(got.Source("lines")) != "\x01\x02" || string(got.State) != string(c.State) || len(got.Shape) != 1 {
		t.Errorf("decoded %+v", got)
	}
	// Every truncation and every flipped byte is detected.
	for n := range len(data) {
		if _, err := Decode(data[:n]); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("truncated to %d: %v", n, err)
		}
	}
	for i := range data {
		bad := append([]byte(nil), data...)
		bad[i] ^= 0x40
		if _, err := Decode(bad); err == nil {
			t.Fatalf("flipped byte %d accepted", i)
		}
	}
}

func TestDirWriteKeepsNewest(t *testing.T) {
	d, err := Open(filepath.Join(t.TempDir(), "ckpt"), 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, tm := range []int64{1000, 2000, 3000} {
		if _, err := d.Write(sample(tm)); err != nil {
			t.Fatal(err)
		}
	}
	files, _ := d.List()
	if len(files) != 2 || files[0].Time != 2000 || files[1].Time != 3000 {
		t.Errorf("kept %v, want 2000 and 3000", files)
	}
	c, err := d.Latest(nil)
	if err != nil || c.Time != 3000 {
		t.Errorf("Latest = %v, %v", c, err)
	}
}

// TestCorruptNewestFallsBack shows what a user sees when the newest checkpoint file is
// damaged: a warning naming it, and recovery from the previous one.
func TestCorruptNewestFallsBack(t *testing.T) {
	d, _ := Open(t.TempDir(), 2)
	d.Write(sample(1000))
	path, _ := d.Write(sample(2000))
	data, _ := os.ReadFile(path)
	os.WriteFile(path, data[:len(data)/2], 0o644) // truncated
	var warned []string
	c, err := d.Latest(func(p string, err error) { warned = append(warned, p+": "+err.Error()) })
	if err != nil || c.Time != 1000 {
		t.Fatalf("Latest = %v, %v", c, err)
	}
	if len(warned) != 1 || !strings.Contains(warned[0], "checkpoint-2000: corrupt checkpoint data: checksum mismatch") {
		t.Errorf("warnings %q", warned)
	}
}

// TestNoReadableCheckpoint: files exist but none can be read; the error says so and how
// to start fresh, instead of starting with empty state.
func TestNoReadableCheckpoint(t *testing.T) {
	dir := t.TempDir()
	d, _ := Open(dir, 2)
	os.WriteFile(filepath.Join(dir, "checkpoint-1000"), []byte("garbage"), 0o644)
	c, err := d.Latest(nil)
	if c != nil || err == nil {
		t.Fatalf("Latest = %v, %v", c, err)
	}
	for _, want := range []string{"holds 1 checkpoint file(s) and none is readable", "checkpoint-1000: corrupt checkpoint data: truncated", "--fresh"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	empty, _ := Open(t.TempDir(), 2)
	if c, err := empty.Latest(nil); c != nil || err != nil {
		t.Errorf("empty dir: %v, %v", c, err)
	}
}

// TestUnwritableDir: a path that cannot be a directory fails Open with a clear message.
func TestUnwritableDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	_, err := Open(filepath.Join(file, "ckpt"), 0)
	if err == nil || !strings.Contains(err.Error(), "checkpoint directory "+file+"/ckpt cannot be created: ") {
		t.Errorf("err = %v", err)
	}
}

// fullDisk is a temporary file whose writes fail with ENOSPC after limit bytes.
type fullDisk struct {
	*os.File
	limit int
}

func (f *fullDisk) Write(p []byte) (int, error) {
	if len(p) > f.limit {
		f.File.Write(p[:f.limit])
		return f.limit, &os.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	return f.File.Write(p)
}

// TestDiskFullKeepsOlder: a write that fails leaves the older checkpoints alone, leaves no
// partial file behind, and returns an error naming the file and the cause.
func TestDiskFullKeepsOlder(t *testing.T) {
	dir := t.TempDir()
	d, _ := Open(dir, 2)
	d.Write(sample(1000))
	d.Write(sample(2000))
	defer func(old func(string, string) (tempFile, error)) { createTemp = old }(createTemp)
	createTemp = func(dir, pattern string) (tempFile, error) {
		f, err := os.CreateTemp(dir, pattern)
		return &fullDisk{File: f, limit: 10}, err
	}
	_, err := d.Write(sample(3000))
	if err == nil || !strings.Contains(err.Error(), "writing checkpoint "+dir+"/checkpoint-3000: write") ||
		!strings.Contains(err.Error(), "no space left on device") {
		t.Fatalf("err = %v", err)
	}
	files, _ := d.List()
	if len(files) != 2 || files[0].Time != 1000 || files[1].Time != 2000 {
		t.Errorf("files after a failed write: %v", files)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("leftovers: %v", entries)
	}
}

func TestMoveAside(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ckpt")
	if got, err := MoveAside(dir, time.Now()); got != "" || err != nil {
		t.Errorf("missing dir: %q, %v", got, err)
	}
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	os.Mkdir(dir, 0o755)
	first, err := MoveAside(dir, now)
	if err != nil || first != dir+".old-20250102T030405Z" {
		t.Fatalf("MoveAside = %q, %v", first, err)
	}
	os.Mkdir(dir, 0o755)
	if second, err := MoveAside(dir, now); err != nil || second != first+"-2" {
		t.Errorf("second MoveAside = %q, %v", second, err)
	}
}

func TestBatchLog(t *testing.T) {
	d, _ := Open(t.TempDir(), 0)
	l, entries, err := d.OpenBatchLog()
	if err != nil || len(entries) != 0 {
		t.Fatal(entries, err)
	}
	plan := []Section{{Name: "in", Data: []byte("a.txt:12")}, {Name: "clicks", Data: nil}}
	l.Append(BatchEntry{Time: 1000, Partitions: 2, Sources: plan})
	l.Append(BatchEntry{Time: 2000, Partitions: 2})
	l.Close()
	// A torn third entry (a crash in the middle of the write) is ignored.
	f, _ := os.OpenFile(filepath.Join(d.Path(), BatchLogName), os.O_APPEND|os.O_WRONLY, 0)
	f.Write([]byte{9, 0, 0, 0, 5})
	f.Close()
	l, entries, err = d.OpenBatchLog()
	if err != nil || len(entries) != 2 || entries[1].Time != 2000 || l.Dropped() != 5 {
		t.Fatalf("entries %v, %v, dropped %d", entries, err, l.Dropped())
	}
	if got := string(entries[0].Source("in")); got != "a.txt:12" || entries[0].Partitions != 2 {
		t.Fatalf("entry 0 = %+v", entries[0])
	}
	l.Append(BatchEntry{Time: 3000, Partitions: 2})
	l.Close()
	l, entries, _ = d.OpenBatchLog()
	if len(entries) != 3 || entries[2].Time != 3000 || l.Dropped() != 0 {
		t.Fatalf("after append: %v", entries)
	}
	// Pruning keeps the batches after the oldest kept checkpoint, and appends go on.
	if err := l.Prune(2000); err != nil {
		t.Fatal(err)
	}
	l.Append(BatchEntry{Time: 4000, Partitions: 2})
	l.Close()
	if _, entries, _ = d.OpenBatchLog(); len(entries) != 2 || entries[0].Time != 3000 || entries[1].Time != 4000 {
		t.Errorf("after Prune(2000): %v", entries)
	}
}

// TestBatchLogFirstFormat reads a log of the first format (batch times only), as an
// older binary left it, and carries its entries over.
func TestBatchLogFirstFormat(t *testing.T) {
	d, _ := Open(t.TempDir(), 0)
	var old []byte
	for _, bt := range []int64{1000, 2000} {
		var e [12]byte
		binary.LittleEndian.PutUint64(e[:8], uint64(bt))
		binary.LittleEndian.PutUint32(e[8:], Checksum(e[:8]))
		old = append(old, e[:]...)
	}
	os.WriteFile(filepath.Join(d.Path(), BatchLogName), old, 0o644)
	l, entries, err := d.OpenBatchLog()
	if err != nil || len(entries) != 2 || entries[1].Time != 2000 || entries[1].Sources != nil {
		t.Fatalf("entries %v, %v", entries, err)
	}
	l.Append(BatchEntry{Time: 3000, Partitions: 1})
	l.Close()
	if _, entries, _ = d.OpenBatchLog(); len(entries) != 3 {
		t.Errorf("after append: %v", entries)
	}
}

// TestWriterReuse: a Writer reset and written again, with its sections' scratch writer
// reused (nested sections too), and a checkpoint appended to a used buffer, give the
// bytes fresh ones give.
func TestWriterReuse(t *testing.T) {
	write := func(w *Writer, n int) {
		for i := range 3 {
			w.Section(fmt.Sprint("s", i), func(w *Writer) error {
				w.Len(n)
				for j := range n {
					w.String(fmt.Sprint("key", j, i))
				}
				return w.Section("nested", func(w *Writer) error { w.Varint(int64(n - i)); return nil })
			})
		}
	}
	reused := NewWriter()
	var enc []byte
	for _, n := range []int{1000, 3, 0, 500} {
		fresh := NewWriter()
		write(fresh, n)
		reused.Reset()
		write(reused, n)
		if !bytes.Equal(reused.Data(), fresh.Data()) {
			t.Fatalf("n=%d: a reused writer wrote other bytes", n)
		}
		c := &Checkpoint{Pipeline: "p", Time: int64(n), State: reused.Data()}
		enc = c.AppendEncoded(enc[:0])
		if !bytes.Equal(enc, c.Encode()) {
			t.Fatalf("n=%d: AppendEncoded into a used buffer differs from Encode", n)
		}
		if got, err := Decode(enc); err != nil || !bytes.Equal(got.State, fresh.Data()) {
			t.Fatalf("n=%d: decoding gives %v", n, err)
		}
	}
}
