package source

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"streamc.dev/streamc/runtime/checkpoint"
)

// writeFile creates dir/name with content and sets its modification time to mtime (epoch ms).
func writeFile(t *testing.T, dir, name, content string, mtime int64) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	tm := time.UnixMilli(mtime)
	if err := os.Chtimes(p, tm, tm); err != nil {
		t.Fatal(err)
	}
	return p
}

func batchLines(t *testing.T, f *Files, bt int64) []string {
	t.Helper()
	parts, err := f.Batch(bt, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 2 {
		t.Fatalf("got %d partitions, want 2", len(parts))
	}
	return flatten(parts)
}

func TestFilesLiveNewFilesOnly(t *testing.T) {
	dir := t.TempDir()
	now := time.Now().UnixMilli()
	writeFile(t, dir, "old.txt", "old\n", now-10_000)
	f := NewFiles(dir, FilesOptions{})
	if err := f.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	base := time.Now().UnixMilli() + 5_000 // every new file is modified after Start
	writeFile(t, dir, "b.txt", "b1\nb2\n", base+1000)
	writeFile(t, dir, "a.txt", "a1", base+1000)
	writeFile(t, dir, ".hidden", "h\n", base+1000)
	writeFile(t, dir, "_tmp", "h\n", base+1000)
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}

	if got := batchLines(t, f, base+500); len(got) != 0 {
		t.Errorf("files modified after the batch time were read: %q", got)
	}
	if got, want := batchLines(t, f, base+1000), []string{"a1", "b1", "b2"}; !slices.Equal(got, want) {
		t.Errorf("batch 1 = %q, want %q", got, want)
	}
	if got := batchLines(t, f, base+2000); len(got) != 0 {
		t.Errorf("files read twice: %q", got)
	}
	// A file that shows up late with an older (but remembered-window) time is still taken.
	writeFile(t, dir, "late.txt", "late\n", base+1500)
	writeFile(t, dir, "c.txt", "c\n", base+2500)
	if got, want := batchLines(t, f, base+3000), []string{"late", "c"}; !slices.Equal(got, want) {
		t.Errorf("batch 3 = %q, want %q", got, want)
	}
	want := []string{filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt"), filepath.Join(dir, "c.txt"), filepath.Join(dir, "late.txt")}
	if got := f.Consumed(); !slices.Equal(got, want) {
		t.Errorf("Consumed = %q, want %q", got, want)
	}
	// Past the remember window the files are not read again, and stay remembered while
	// they are in the directory; a deleted one is forgotten.
	os.Remove(filepath.Join(dir, "c.txt"))
	if got := batchLines(t, f, base+100_000); len(got) != 0 || len(f.Consumed()) != 3 {
		t.Errorf("after the window: lines %q, consumed %q", got, f.Consumed())
	}
	if f.Exhausted() {
		t.Error("a live file source is never exhausted")
	}
}

func TestFilesIncludeExistingAndRestore(t *testing.T) {
	dir := t.TempDir()
	T := int64(1_700_000_000_000)
	writeFile(t, dir, "recent.log", "r\n", T-30_000)
	writeFile(t, dir, "ancient.log", "x\n", T-90_000) // outside the 60s window
	writeFile(t, dir, "other.txt", "o\n", T-30_000)   // does not match the glob
	pattern := filepath.Join(dir, "*.log")

	f := NewFiles(pattern, FilesOptions{IncludeExisting: true})
	if err := f.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := batchLines(t, f, T); !slices.Equal(got, []string{"r"}) {
		t.Errorf("batch = %q, want [r]", got)
	}
	consumed := f.Consumed()

	// A restarted source told what was consumed reads only the new file.
	writeFile(t, dir, "new.log", "n\n", T+500)
	g := NewFiles(pattern, FilesOptions{IncludeExisting: true})
	g.Restore(consumed)
	if err := g.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := batchLines(t, g, T+1000); !slices.Equal(got, []string{"n"}) {
		t.Errorf("after restore = %q, want [n]", got)
	}
	if got := g.Consumed(); len(got) != 2 {
		t.Errorf("Consumed after restore = %q", got)
	}
}

func TestFilesGlobMatchesDirectories(t *testing.T) {
	dir := t.TempDir()
	T := int64(1_700_000_000_000)
	writeFile(t, dir, "day1/part-0", "1\n", T-1000)
	writeFile(t, dir, "day2/part-0", "2\n", T-500)
	writeFile(t, dir, "day2/_SUCCESS", "", T-500)
	f := NewFiles(filepath.Join(dir, "day*"), FilesOptions{IncludeExisting: true})
	if err := f.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := batchLines(t, f, T); !slices.Equal(got, []string{"1", "2"}) {
		t.Errorf("batch = %q, want [1 2]", got)
	}
}

func TestFilesReplay(t *testing.T) {
	dir := t.TempDir()
	T := int64(1_700_000_000_000)
	// Equal modification times, as after a git checkout: the path decides the order.
	writeFile(t, dir, "b.txt", "b1\nb2\nb3\n", T)
	writeFile(t, dir, "a.txt", "a1\n", T)
	writeFile(t, dir, "c.txt", "", T)
	writeFile(t, dir, "d.txt", "d1\n", T)

	f := NewFiles(dir, FilesOptions{Replay: true})
	f.Restore([]string{filepath.Join(dir, "d.txt")})
	if err := f.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	var got [][]string
	for bt := int64(1000); !f.Exhausted(); bt += 1000 {
		got = append(got, batchLines(t, f, bt))
		if len(got) > 5 {
			t.Fatal("never exhausted")
		}
	}
	want := [][]string{{"a1"}, {"b1", "b2", "b3"}, nil}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("batches = %q, want %q", got, want)
	}
	if got := batchLines(t, f, 9000); len(got) != 0 {
		t.Errorf("batch after the last = %q", got)
	}
	if n := len(f.Consumed()); n != 4 {
		t.Errorf("Consumed has %d paths, want 4", n)
	}
}

func TestFilesOversize(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "f", "short\nmuch too long\nok\n", 1000)
	f := NewFiles(dir, FilesOptions{Replay: true, MaxLineBytes: 5})
	if err := f.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := batchLines(t, f, 1000); !slices.Equal(got, []string{"short", "ok"}) || f.Oversized() != 1 {
		t.Errorf("lines %q, oversized %d", got, f.Oversized())
	}
}

func TestFilesMissingDirectory(t *testing.T) {
	f := NewFiles(filepath.Join(t.TempDir(), "not-yet"), FilesOptions{})
	if err := f.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := batchLines(t, f, time.Now().UnixMilli()); len(got) != 0 {
		t.Errorf("lines %q", got)
	}
	if _, err := NewFiles("[", FilesOptions{}).Batch(0, 1); err == nil {
		t.Error("Batch before Start: no error")
	}
	if err := NewFiles("[", FilesOptions{}).Start(context.Background()); err == nil {
		t.Error("bad glob: no error")
	}
}

// TestFilesMissingDirectoryWarnsOnce: a watched directory that does not exist gives empty
// batches (it may appear later), with one warning, since a mistyped path looks the same.
func TestFilesMissingDirectoryWarnsOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "not-yet")
	var logs strings.Builder
	f := NewFiles(dir, FilesOptions{IncludeExisting: true, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err := f.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer f.Stop()
	for bt := int64(1000); bt <= 3000; bt += 1000 {
		if got := batchLines(t, f, bt); len(got) != 0 {
			t.Fatalf("batch %d of a missing directory: %q", bt, got)
		}
	}
	if n := strings.Count(logs.String(), "does not exist"); n != 1 {
		t.Errorf("%d warnings about the missing directory, want 1:\n%s", n, logs.String())
	}
	now := time.Now().UnixMilli()
	writeFile(t, dir, "a.txt", "x\n", now)
	if got := batchLines(t, f, now+1000); !slices.Equal(got, []string{"x"}) {
		t.Errorf("after the directory appeared: %q, want [x]", got)
	}
}

// readAllLines returns what lineReader gives for text: the lines and the oversize sizes.
func readAllLines(t *testing.T, text string, max int) (lines []string, over []int) {
	t.Helper()
	lr := newLineReader(strings.NewReader(text), max)
	for {
		line, o, err := lr.next()
		if err == io.EOF {
			return lines, over
		}
		if err != nil {
			t.Fatal(err)
		}
		if o > 0 {
			over = append(over, o)
			continue
		}
		lines = append(lines, line)
	}
}

// TestPiecesMatchLineReader: reading a file's text in pieces (small chunks, so that lines
// cross read boundaries, are longer than a chunk or oversized) and cutting them, serially
// or by several goroutines, gives exactly the lines (CRLF, empty and last lines,
// oversized ones dropped and reported in order) that the streaming line reader gives.
func TestPiecesMatchLineReader(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	piece := func() string {
		switch rng.IntN(12) {
		case 0:
			return "\r\n"
		case 1:
			return "\n"
		case 2:
			return strings.Repeat("L", 41+rng.IntN(200)) + "\n" // oversized at limit 40
		case 3:
			return strings.Repeat("C", 30+rng.IntN(11)) + "\r\n" // at or near the limit
		default:
			return strings.Repeat("w", rng.IntN(30)) + "\n"
		}
	}
	texts := []string{"", "\n", "a", "a\r", "a\r\n", "\r\n\r\n", "x\ny\n\nz", strings.Repeat("E", 41), strings.Repeat("E", 300) + "\r\n" + "end"}
	for _, size := range []int{100, 5000, parallelCutBytes + 12345, 3 * parallelCutBytes} {
		var b strings.Builder
		for b.Len() < size {
			b.WriteString(piece())
		}
		texts = append(texts, b.String(), b.String()+"tail", b.String()+strings.Repeat("T", 100))
	}
	for _, procs := range []int{1, 2, 3} {
		old := runtime.GOMAXPROCS(procs)
		for i, text := range texts {
			wantLines, wantOver := readAllLines(t, text, 40)
			// len(text)+1: the file in one read (Recycle), one piece that cutPieces
			// splits at line ends for its goroutines.
			for _, chunk := range []int{1, 7, 64, 100_000, len(text) + 1} {
				for _, hint := range []int64{int64(len(text)), 0, int64(len(text)) / 2, int64(len(text)) + 10} {
					pieces, err := readPieces(strings.NewReader(text), hint, chunk, 40, func(n int) []byte { return make([]byte, n) })
					if err != nil {
						t.Fatal(err)
					}
					prefix := []string{"kept"}
					got, over := cutPieces(pieces, 40, slices.Clone(prefix))
					if !slices.Equal(got[:1], prefix) || !slices.Equal(got[1:], wantLines) || !slices.Equal(over, wantOver) {
						t.Fatalf("GOMAXPROCS=%d text %d (%d bytes), chunk %d, hint %d: %d lines, oversize %v; want %d lines, oversize %v",
							procs, i, len(text), chunk, hint, len(got)-1, over, len(wantLines), wantOver)
					}
					// As texts (FilesOptions.Text), cut by CutText after SplitTexts.
					texts, over := cutTexts(pieces, 40, slices.Clone(prefix))
					n := countLines(texts[1:])
					parts := SplitTexts(texts[1:], 1+(chunk+int(hint))%4)
					var fromTexts []string
					for _, l := range linesOf(parts) {
						fromTexts = append(fromTexts, l...)
					}
					if !slices.Equal(texts[:1], prefix) || n != len(wantLines) || !slices.Equal(fromTexts, wantLines) || !slices.Equal(over, wantOver) {
						t.Fatalf("texts: GOMAXPROCS=%d text %d (%d bytes), chunk %d, hint %d: %d lines (counted %d), oversize %v; want %d lines, oversize %v",
							procs, i, len(text), chunk, hint, len(fromTexts), n, over, len(wantLines), wantOver)
					}
				}
			}
		}
		runtime.GOMAXPROCS(old)
	}
}

// TestSplitTexts: the partitions' texts are the input's lines in order, each partition
// whole lines, and no partition holds much more than its share of the bytes (a line
// more at most).
func TestSplitTexts(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for round := range 2000 {
		var texts []string
		var all strings.Builder
		for range rng.IntN(5) {
			var b strings.Builder
			for range rng.IntN(20) {
				b.WriteString(strings.Repeat("x", rng.IntN(12)))
				b.WriteString([]string{"\n", "\r\n"}[rng.IntN(2)])
			}
			if rng.IntN(4) == 0 {
				b.WriteString("last") // a file's last line without "\n"
			}
			if b.Len() > 0 {
				texts = append(texts, b.String())
				all.WriteString(b.String())
			}
		}
		parts := 1 + rng.IntN(5)
		out := SplitTexts(texts, parts)
		if len(out) != parts {
			t.Fatalf("round %d: %d partitions, want %d", round, len(out), parts)
		}
		var joined strings.Builder
		longest := 0
		for _, tx := range texts {
			for l := range strings.SplitSeq(tx, "\n") {
				longest = max(longest, len(l)+1)
			}
		}
		for p, ts := range out {
			size := 0
			for _, tx := range ts {
				joined.WriteString(tx)
				size += len(tx)
				if tx[len(tx)-1] != '\n' && !slices.ContainsFunc(texts, func(in string) bool { return strings.HasSuffix(in, tx) }) {
					t.Fatalf("round %d: partition %d ends in the middle of a line: %q", round, p, tx)
				}
			}
			if share := all.Len()/parts + longest; size > share+1 {
				t.Fatalf("round %d: partition %d has %d bytes, share %d", round, p, size, share)
			}
		}
		if joined.String() != all.String() {
			t.Fatalf("round %d: partitions %q, want %q", round, out, texts)
		}
	}
}

// TestFilesTextBatch: a source with FilesOptions.Text delivers, with TextBatch, the
// lines Batch delivers without it (cut with CutText), with their count, for files read
// ahead and not, recycled buffers, over-long lines and one to three partitions.
func TestFilesTextBatch(t *testing.T) {
	dir := t.TempDir()
	T := int64(1_700_000_000_000)
	for i := range 6 {
		var b strings.Builder
		for j := range 50 + 30*i {
			fmt.Fprintf(&b, "file %d line %d%s\n", i, j, strings.Repeat("+", j%7))
			if j%17 == 3 {
				b.WriteString(strings.Repeat("L", 60) + "\r\n") // over MaxLineBytes
			}
			if j%11 == 0 {
				b.WriteString("\r\n")
			}
		}
		if i%2 == 1 {
			b.WriteString("no newline at the end")
		}
		writeFile(t, dir, fmt.Sprintf("f%d.txt", i), b.String(), T)
	}
	for _, recycle := range []bool{false, true} {
		for parts := 1; parts <= 3; parts++ {
			lines := NewFiles(dir, FilesOptions{Replay: true, MaxLineBytes: 40, Recycle: recycle})
			texts := NewFiles(dir, FilesOptions{Replay: true, MaxLineBytes: 40, Recycle: recycle, Text: true})
			for _, f := range []*Files{lines, texts} {
				if err := f.Start(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			for bt := int64(1000); !lines.Exhausted(); bt += 1000 {
				want, err := lines.Batch(bt, parts)
				if err != nil {
					t.Fatal(err)
				}
				got, n, err := texts.TextBatch(bt, parts)
				if err != nil {
					t.Fatal(err)
				}
				var wantAll, gotAll []string
				for _, p := range want {
					wantAll = append(wantAll, p...)
				}
				for _, p := range linesOf(got) {
					gotAll = append(gotAll, p...)
				}
				if len(got) != parts || n != len(wantAll) || !slices.Equal(gotAll, wantAll) {
					t.Fatalf("recycle=%v parts=%d batch %d: %d partitions, %d lines (counted %d); want %d lines", recycle, parts, bt, len(got), len(gotAll), n, len(wantAll))
				}
			}
			if lines.Oversized() != texts.Oversized() || lines.Oversized() == 0 {
				t.Errorf("oversized: lines %d, texts %d", lines.Oversized(), texts.Oversized())
			}
			lines.Stop()
			texts.Stop()
		}
	}
}

// TestFilesReadAllocations: reading a file costs a fixed number of allocations whatever
// its number of lines, none per line.
func TestFilesReadAllocations(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := range 100_000 {
		fmt.Fprintf(&b, "line %d of the file\n", i)
	}
	path := writeFile(t, dir, "big.txt", b.String(), 1000)
	f := NewFiles(dir, FilesOptions{Replay: true})
	var recs []string
	allocs := testing.AllocsPerRun(5, func() {
		lf := f.load(path, -1, recs[:0], nil)
		if lf.err != nil {
			t.Fatal(lf.err)
		}
		recs = lf.recs
	})
	if len(recs) != 100_000 || recs[99_999] != "line 99999 of the file" {
		t.Fatalf("read %d lines, last %q", len(recs), recs[len(recs)-1])
	}
	// The file's buffer, os.ReadFile's bookkeeping and the chunk tables; 100,000 lines
	// would be 100,000 allocations if lines were copied.
	if allocs > 20 {
		t.Errorf("%.0f allocations to read 100,000 lines, want a fixed few", allocs)
	}
}

// TestFilesRecycleAndReadAhead: in replay, with Recycle, every batch has its file's lines
// (read ahead of the batch that asks for them), whatever GOMAXPROCS and the partitions,
// and once the slices of lines have grown to the files' size (they grow by a quarter at a
// time), the lines are read into the memory of batches already processed: far fewer
// bytes are allocated than read.
func TestFilesRecycleAndReadAhead(t *testing.T) {
	dir := t.TempDir()
	const files = 8
	var want [][]string
	for i := range files {
		var b strings.Builder
		var lines []string
		for n := range 60_000 + 1000*i { // about 1.5 MiB: more than one piece
			line := fmt.Sprintf("file %d line %d", i, n)
			b.WriteString(line + "\n")
			lines = append(lines, line)
		}
		writeFile(t, dir, fmt.Sprintf("part-%02d.txt", i), b.String(), 1000)
		want = append(want, lines)
	}
	for _, procs := range []int{1, 2} {
		for _, parts := range []int{1, 3} {
			old := runtime.GOMAXPROCS(procs)
			f := NewFiles(dir, FilesOptions{Replay: true, Recycle: true})
			if err := f.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			var m0, m1 runtime.MemStats
			var read uint64
			for i := range files {
				if i == 4 {
					runtime.ReadMemStats(&m0)
				}
				got, err := f.Batch(int64(1000*(i+1)), parts)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != parts {
					t.Fatalf("%d partitions, want %d", len(got), parts)
				}
				// Compared before the next Batch, which may reuse their memory (and
				// without allocating, as the allocations are measured).
				rest := want[i]
				for _, p := range got {
					if len(p) > len(rest) || !slices.Equal(p, rest[:len(p)]) {
						t.Fatalf("GOMAXPROCS=%d, %d partitions, batch %d: lines differ", procs, parts, i)
					}
					rest = rest[len(p):]
				}
				if len(rest) > 0 {
					t.Fatalf("GOMAXPROCS=%d, %d partitions, batch %d: %d lines missing", procs, parts, i, len(rest))
				}
				if i >= 4 {
					for _, l := range want[i] {
						read += uint64(len(l) + 1)
					}
				}
			}
			runtime.ReadMemStats(&m1)
			if !f.Exhausted() {
				t.Error("not exhausted after every file")
			}
			if err := f.Stop(); err != nil {
				t.Fatal(err)
			}
			runtime.GOMAXPROCS(old)
			if alloc := m1.TotalAlloc - m0.TotalAlloc; alloc > read/4 {
				t.Errorf("GOMAXPROCS=%d, %d partitions: %d bytes allocated to read %d bytes: buffers not reused", procs, parts, alloc, read)
			}
		}
	}
}

// TestFilesReadAheadReportsAtItsBatch: what the read-ahead finds (a file gone, lines too
// long) shows in the batch of that file, as when files are read when asked for.
func TestFilesReadAheadReportsAtItsBatch(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "1", "one\nmuch too long\n", 1000)
	writeFile(t, dir, "2", "two\nmuch too long\n", 1000)
	gone := writeFile(t, dir, "3", "three\n", 1000)
	writeFile(t, dir, "4", "four\n", 1000)
	f := NewFiles(dir, FilesOptions{Replay: true, MaxLineBytes: 5})
	if err := f.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := batchLines(t, f, 1000); !slices.Equal(got, []string{"one"}) || f.Oversized() != 1 {
		t.Fatalf("batch 1: lines %q, oversized %d", got, f.Oversized())
	}
	// File 2 is being read ahead; file 3 is not yet, and goes.
	if err := os.Remove(gone); err != nil {
		t.Fatal(err)
	}
	if got := batchLines(t, f, 2000); !slices.Equal(got, []string{"two"}) || f.Oversized() != 2 {
		t.Fatalf("batch 2: lines %q, oversized %d", got, f.Oversized())
	}
	if got := batchLines(t, f, 3000); !slices.Equal(got, []string{"four"}) {
		t.Fatalf("batch 3: lines %q, want the file after the vanished one", got)
	}
	if !f.Exhausted() {
		t.Error("not exhausted")
	}
}

// TestFilesChangedFileNotReadAgain: a file appended to after it was read is never read
// again whole, even when the change comes after the remember window (it used to be
// selected again as a new file about a minute later).
func TestFilesChangedFileNotReadAgain(t *testing.T) {
	dir := t.TempDir()
	T := int64(1_700_000_000_000)
	f := NewFiles(dir, FilesOptions{IncludeExisting: true, Remember: 1000})
	if err := f.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "a.txt", "a1\n", T-500)
	if got := batchLines(t, f, T); !slices.Equal(got, []string{"a1"}) {
		t.Fatalf("batch %d = %q", T, got)
	}
	for bt := T + 1000; bt <= T+10_000; bt += 1000 {
		if bt == T+5000 {
			// Appended to well after the window; its new time belongs to the next batch.
			writeFile(t, dir, "a.txt", "a1\na2\n", bt+500)
		}
		if got := batchLines(t, f, bt); len(got) != 0 {
			t.Errorf("batch %d read %q again", bt, got)
		}
	}
}

// TestFilesPlanReplan: a batch planned, then re-planned from the logged plan by a new
// source (a restart), reads the files of the plan up to their planned sizes, not what the
// directory holds now.
func TestFilesPlanReplan(t *testing.T) {
	dir := t.TempDir()
	T := int64(1_700_000_000_000)
	writeFile(t, dir, "b.txt", "b1\nb2\n", T-500)
	f := NewFiles(dir, FilesOptions{IncludeExisting: true})
	if err := f.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	w := checkpoint.NewWriter()
	if err := f.PlanBatch(T, w); err != nil {
		t.Fatal(err)
	}
	// After planning, before reading: b grows and a file that sorts first arrives.
	writeFile(t, dir, "b.txt", "b1\nb2\nb3\n", T-500)
	writeFile(t, dir, "a.txt", "a1\n", T-600)
	if got := batchLines(t, f, T); !slices.Equal(got, []string{"b1", "b2"}) {
		t.Errorf("planned batch read %q, want [b1 b2]", got)
	}
	g := NewFiles(dir, FilesOptions{IncludeExisting: true})
	if err := g.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := g.ReplanBatch(T, checkpoint.NewReader(w.Data())); err != nil {
		t.Fatal(err)
	}
	if got := batchLines(t, g, T); !slices.Equal(got, []string{"b1", "b2"}) {
		t.Errorf("re-planned batch read %q, want [b1 b2]", got)
	}
	// A planned file that is gone (or shorter) cannot be re-read: the batch fails, saying so.
	os.Remove(filepath.Join(dir, "b.txt"))
	h := NewFiles(dir, FilesOptions{IncludeExisting: true})
	h.Start(context.Background())
	h.ReplanBatch(T, checkpoint.NewReader(w.Data()))
	if _, err := h.Batch(T, 2); err == nil || !strings.Contains(err.Error(), "b.txt") {
		t.Errorf("re-run with the planned file gone: err = %v", err)
	}
}
