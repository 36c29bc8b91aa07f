package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"streamc.dev/streamc/runtime/checkpoint"
	"streamc.dev/streamc/runtime/wal"
)

// flatten joins a batch's partitions back into one slice.
func flatten[T any](parts [][]T) []T {
	var out []T
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// eventually polls cond until it holds, failing the test after a few seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestSplit(t *testing.T) {
	cases := []struct {
		n, parts int
		want     []int
	}{
		{0, 3, []int{0, 0, 0}},
		{5, 1, []int{5}},
		{5, 2, []int{3, 2}},
		{7, 3, []int{3, 2, 2}},
		{2, 4, []int{1, 1, 0, 0}},
		{4, 0, []int{4}},
	}
	for _, c := range cases {
		recs := make([]int, c.n)
		for i := range recs {
			recs[i] = i
		}
		parts := Split(recs, c.parts)
		var sizes []int
		for _, p := range parts {
			sizes = append(sizes, len(p))
		}
		if !slices.Equal(sizes, c.want) {
			t.Errorf("Split(%d recs, %d) sizes = %v, want %v", c.n, c.parts, sizes, c.want)
		}
		if got := flatten(parts); !slices.Equal(got, recs) && c.n > 0 {
			t.Errorf("Split(%d, %d) reorders: %v", c.n, c.parts, got)
		}
		if len(parts) > 1 && len(parts[0]) > 0 {
			// Appending to one partition must not overwrite the next one's records.
			before := slices.Clone(parts[1])
			_ = append(parts[0], -1)
			if !slices.Equal(parts[1], before) {
				t.Errorf("Split(%d, %d): append to partition 0 changed partition 1", c.n, c.parts)
			}
		}
	}
}

func TestQueue(t *testing.T) {
	q := NewQueue("queue", [][]string{{"a", "b", "c"}, {}, {"d"}})
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := 0; i < 3; i++ {
		if q.Exhausted() {
			t.Fatalf("exhausted after %d batches", i)
		}
		parts, err := q.Batch(int64(i+1)*1000, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(parts) != 2 {
			t.Fatalf("got %d partitions, want 2", len(parts))
		}
		got = append(got, fmt.Sprint(parts))
	}
	want := []string{"[[a b] [c]]", "[[] []]", "[[d] []]"}
	if !slices.Equal(got, want) {
		t.Errorf("batches = %q, want %q", got, want)
	}
	if !q.Exhausted() {
		t.Error("not exhausted after the last batch")
	}
	parts, _ := q.Batch(4000, 1)
	if len(flatten(parts)) != 0 {
		t.Errorf("batch after the last = %v, want empty", parts)
	}

	q2 := NewQueue("queue", [][]int{{1}, {2}, {3}})
	q2.Restore(2)
	parts2, _ := q2.Batch(1000, 1)
	if got := flatten(parts2); !slices.Equal(got, []int{3}) || q2.Position() != 3 {
		t.Errorf("after Restore(2): %v at %d, want [3] at 3", got, q2.Position())
	}
}

func TestLineReader(t *testing.T) {
	long := strings.Repeat("x", 200_000) // longer than the bufio buffer
	input := "a\r\nb\n\n" + long + "\n" + strings.Repeat("y", 1001) + "\nlast"
	lr := newLineReader(strings.NewReader(input), 200_000)
	type res struct {
		line     string
		oversize int
	}
	var got []res
	for {
		line, over, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, res{line, over})
	}
	want := []res{{"a", 0}, {"b", 0}, {"", 0}, {long, 0}, {"", 0}, {"last", 0}}
	// With a limit of 200000 the 1001-byte line fits; check the shape first.
	want[4] = res{strings.Repeat("y", 1001), 0}
	if len(got) != len(want) {
		t.Fatalf("got %d lines, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d = (%.10q…, %d), want (%.10q…, %d)", i, got[i].line, got[i].oversize, want[i].line, want[i].oversize)
		}
	}

	lr = newLineReader(strings.NewReader("ok\n"+long+"\r\nafter\n"), 1000)
	var lines []string
	var over []int
	for {
		line, o, err := lr.next()
		if err == io.EOF {
			break
		}
		lines = append(lines, line)
		over = append(over, o)
	}
	if !slices.Equal(lines, []string{"ok", "", "after"}) || !slices.Equal(over, []int{0, len(long) + 2, 0}) {
		t.Errorf("oversized: lines %q oversize %v", lines, over)
	}
}

func TestLinesLive(t *testing.T) {
	pr, pw := io.Pipe()
	l := NewLines("stdin()", pr, LinesOptions{MaxLineBytes: 10})
	if _, err := l.Batch(1000, 1); err == nil {
		t.Error("Batch before Start: no error")
	}
	if err := l.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer l.Stop()

	var got []string
	take := func() {
		parts, err := l.Batch(1000, 2)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, flatten(parts)...)
	}
	go fmt.Fprint(pw, "one\r\ntwo\nthis line is too long\nthree\n")
	eventually(t, "three lines", func() bool { take(); return len(got) >= 3 })
	if !slices.Equal(got, []string{"one", "two", "three"}) {
		t.Errorf("lines = %q", got)
	}
	if l.Oversized() != 1 {
		t.Errorf("Oversized = %d, want 1", l.Oversized())
	}
	if l.Exhausted() {
		t.Error("exhausted before EOF")
	}
	got = nil
	go func() { fmt.Fprint(pw, "four"); pw.Close() }()
	eventually(t, "EOF", func() bool { take(); return l.Exhausted() })
	if !slices.Equal(got, []string{"four"}) {
		t.Errorf("after EOF: %q, want [four]", got)
	}
}

func TestLinesReplay(t *testing.T) {
	input := "a\nb\nc\nd\ne\n"
	for _, c := range []struct {
		max  int
		want []string
	}{
		{0, []string{"[a b c d e]", "[]"}},
		{2, []string{"[a b]", "[c d]", "[e]", "[]"}},
	} {
		pr, pw := io.Pipe()
		l := NewLines("stdin()", pr, LinesOptions{Replay: true, MaxPerBatch: c.max})
		if err := l.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		// Write slowly, so that a batch taking "what has arrived" would come out differently.
		go func() {
			for _, line := range strings.SplitAfter(input, "\n") {
				io.WriteString(pw, line)
				time.Sleep(time.Millisecond)
			}
			pw.Close()
		}()
		var got []string
		for i := 0; i < len(c.want); i++ {
			parts, err := l.Batch(int64(i)*1000, 1)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, fmt.Sprint(flatten(parts)))
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("MaxPerBatch %d: batches %q, want %q", c.max, got, c.want)
		}
		if !l.Exhausted() {
			t.Errorf("MaxPerBatch %d: not exhausted", c.max)
		}
		if err := l.Stop(); err != nil {
			t.Error(err)
		}
	}
}

func TestLinesStopUnblocksRead(t *testing.T) {
	pr, _ := io.Pipe()
	l := NewLines("pipe", pr, LinesOptions{})
	if err := l.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() { done <- l.Stop() }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Stop did not return")
	}
}

func TestLinesOversizeFails(t *testing.T) {
	l := NewLines("in", strings.NewReader("ok\n0123456789abc\nnever\n"), LinesOptions{
		MaxLineBytes: 5,
		OnOversize:   func(size int) error { return fmt.Errorf("line of %d bytes", size) },
	})
	if err := l.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	var got []string
	var err error
	eventually(t, "the error", func() bool {
		var parts [][]string
		parts, err = l.Batch(0, 1)
		got = append(got, flatten(parts)...)
		return err != nil
	})
	if !slices.Equal(got, []string{"ok"}) || err.Error() != "in: line of 14 bytes" {
		t.Errorf("got %q, err %v", got, err)
	}
}

func TestRate(t *testing.T) {
	r := NewRate(3, 500, RateOptions{Limit: 7})
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	var got []string
	for bt := int64(10_500); !r.Exhausted(); bt += 500 {
		parts, err := r.Batch(bt, 2)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprint(parts))
		if len(got) > 10 {
			t.Fatal("never exhausted")
		}
	}
	want := []string{"[[0] []]", "[[1] [2]]", "[[3] []]", "[[4] [5]]", "[[6] []]"}
	if !slices.Equal(got, want) {
		t.Errorf("batches %q, want %q", got, want)
	}

	// A late batch catches up; a restored source continues the sequence.
	r = NewRate(10, 1000, RateOptions{})
	r.Restore(100)
	p1, _ := r.Batch(5000, 1)
	p2, _ := r.Batch(8000, 1)
	if n1, n2 := len(flatten(p1)), len(flatten(p2)); n1 != 10 || n2 != 30 || flatten(p2)[0] != 110 || r.Position() != 140 {
		t.Errorf("got %d then %d numbers (starting %d), position %d", n1, n2, flatten(p2)[0], r.Position())
	}
	if err := NewRate(1, 0, RateOptions{}).Start(context.Background()); err == nil {
		t.Error("interval 0: no error")
	}
}

// TestRateRecycle: with Recycle, large batches (filled in parallel) are numbered as
// without, and their slice is reused once it is large enough: no allocation per number.
func TestRateRecycle(t *testing.T) {
	for _, procs := range []int{1, 2} {
		old := runtime.GOMAXPROCS(procs)
		r := NewRate(1_000_000, 1000, RateOptions{Recycle: true})
		next := int64(0)
		for i := range 4 {
			parts, err := r.Batch(int64(1000*(i+1)), 3)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range parts {
				for _, v := range p {
					if v != next {
						t.Fatalf("GOMAXPROCS=%d, batch %d: %d where %d was due", procs, i, v, next)
					}
					next++
				}
			}
		}
		if next != 4_000_000 {
			t.Errorf("GOMAXPROCS=%d: %d numbers, want 4,000,000", procs, next)
		}
		bt := int64(5000)
		allocs := testing.AllocsPerRun(3, func() {
			if _, err := r.Batch(bt, 3); err != nil {
				t.Fatal(err)
			}
			bt += 1000
		})
		if allocs > 8 {
			t.Errorf("GOMAXPROCS=%d: %.0f allocations per batch of a million numbers, want a few", procs, allocs)
		}
		runtime.GOMAXPROCS(old)
	}
}

func TestLimiter(t *testing.T) {
	now := time.Unix(0, 0)
	var slept []time.Duration
	l := NewLimiter(2)
	l.now = func() time.Time { return now }
	l.last = now
	l.sleep = func(_ context.Context, d time.Duration) error {
		slept = append(slept, d)
		now = now.Add(d)
		return nil
	}
	ctx := context.Background()
	for i := 0; i < 4; i++ {
		if err := l.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// An empty bucket (Spark's receivers start without stored permits): one token
	// every 500ms from the start.
	if want := slices.Repeat([]time.Duration{500 * time.Millisecond}, 4); !slices.Equal(slept, want) {
		t.Errorf("slept %v, want %v", slept, want)
	}
	now = now.Add(10 * time.Second) // idle: the bucket refills only to its burst
	slept = nil
	for i := 0; i < 3; i++ {
		l.Wait(ctx)
	}
	if len(slept) != 1 {
		t.Errorf("after idling slept %v, want one wait", slept)
	}
	l.SetRate(0)
	slept = nil
	for i := 0; i < 100; i++ {
		l.Wait(ctx)
	}
	if len(slept) != 0 || l.Rate() != 0 {
		t.Errorf("unlimited limiter slept %v", slept)
	}
	var nilLim *Limiter
	if err := nilLim.Wait(ctx); err != nil || NewLimiter(0) != nil {
		t.Error("nil limiter should not block")
	}
}

// crashWithWAL runs a Lines receiver with a write-ahead log in walDir through two
// batches — first's lines in batch 1000, checkpointed, then second's in batch 2000 — and
// "crashes". It returns the checkpointed position. Each line is one byte, so record i of
// the log's only segment is at byte 9i and its byte at 9i+8.
func crashWithWAL(t *testing.T, walDir, first, second string) []byte {
	t.Helper()
	pr, pw := io.Pipe()
	l := NewLines("in", pr, LinesOptions{WALDir: walDir})
	if err := l.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer func() { pw.Close(); l.Stop() }()
	var saved []byte
	for i, lines := range []string{first, second} {
		go pw.Write([]byte(lines))
		n := strings.Count(lines, "\n")
		eventually(t, "lines", func() bool { return l.in.ready(n) })
		if got := flatten(must(l.Batch(int64(i+1)*1000, 1))); len(got) != n {
			t.Fatalf("batch %d: %q", i+1, got)
		}
		if i == 0 {
			w := checkpoint.NewWriter()
			l.SavePosition(w)
			saved = w.Data()
		}
	}
	return saved
}

// TestWALDamage: damage in a receiver's write-ahead log is reported for what it is.
// Records after the checkpoint position are needed (the batches after the checkpoint
// re-run with them, or they were received and not yet in a batch): their loss refuses
// the start, naming the segment, the byte, the records and the position, where it used
// to cut them silently. Records before the position are covered by the checkpoint: the
// start goes on with a warning, and the damaged segment — with the valid records after
// the damage — is left as it was, where it used to be truncated and the start refused
// as if the log belonged to another checkpoint.
func TestWALDamage(t *testing.T) {
	for _, c := range []struct {
		name          string
		first, second string
		flip          int64  // byte to damage in the segment
		refuse        string // a substring of the refusal, or "" when the start goes on
		warn          string // a substring of the warning when it goes on
		rerun         string // batch 2000 re-run after a start that goes on
	}{
		{name: "after the position, stepped over", first: "a\nb\n", second: "c\nd\ne\n", flip: 3*9 + 8,
			refuse: "records [3, 4) (1) cannot be read (after the checkpoint position)"},
		{name: "after the position, the last record", first: "a\nb\n", second: "c\nd\ne\n", flip: 4*9 + 8,
			refuse: "the allocation file gives records up to 5 to batches and only those before 4 are readable"},
		{name: "before the position", first: "a\nb\nc\n", second: "d\n", flip: 0*9 + 8,
			warn: "damaged before the checkpoint position", rerun: "d"},
	} {
		t.Run(c.name, func(t *testing.T) {
			walDir := filepath.Join(t.TempDir(), "wal", "in")
			saved := crashWithWAL(t, walDir, c.first, c.second)
			seg := filepath.Join(walDir, fmt.Sprintf("%020d.seg", 0))
			data, err := os.ReadFile(seg)
			if err != nil {
				t.Fatal(err)
			}
			data[c.flip] ^= 0x40
			os.WriteFile(seg, data, 0o644)

			var logs strings.Builder
			pr, pw := io.Pipe()
			defer pw.Close()
			l := NewLines("in", pr, LinesOptions{WALDir: walDir, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			if err := l.RestorePosition(checkpoint.NewReader(saved)); err != nil {
				t.Fatal(err)
			}
			err = l.Start(context.Background())
			if c.refuse != "" {
				if err == nil || !strings.Contains(err.Error(), c.refuse) || !strings.Contains(err.Error(), "refusing to start") {
					t.Fatalf("start: %v\nwant a refusal saying %q", err, c.refuse)
				}
				t.Logf("refused: %v", err)
				return
			}
			if err != nil {
				t.Fatalf("start refused: %v", err)
			}
			defer l.Stop()
			if !strings.Contains(logs.String(), c.warn) || !strings.Contains(logs.String(), seg) {
				t.Errorf("log %q, want a warning %q naming the segment", logs.String(), c.warn)
			}
			if got := strings.Join(flatten(must(l.Batch(2000, 1))), ""); got != c.rerun {
				t.Errorf("re-run batch 2000: %q, want %q", got, c.rerun)
			}
			if after, _ := os.ReadFile(seg); len(after) != len(data) {
				t.Errorf("the damaged segment went from %d to %d bytes: valid records destroyed", len(data), len(after))
			}
		})
	}
}

// TestLinesBatchCappedByRate is TestSocketBatchCappedByRate for stdin: lines buffered
// beyond rate × interval wait for the next batches.
func TestLinesBatchCappedByRate(t *testing.T) {
	pr, pw := io.Pipe()
	l := NewLines("stdin()", pr, LinesOptions{Interval: 100 * time.Millisecond})
	if err := l.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer l.Stop()
	var text strings.Builder
	for i := range 3000 {
		fmt.Fprintf(&text, "%d\n", i)
	}
	go func() { io.WriteString(pw, text.String()); pw.Close() }()
	eventually(t, "3000 lines buffered", func() bool { n, _ := l.in.buffered(); return n >= 3000 })
	l.SetRate(2000) // 200 lines a 100ms batch
	var sizes []int
	for bt := int64(1000); bt <= 1400; bt += 100 {
		sizes = append(sizes, len(flatten(must(l.Batch(bt, 2)))))
	}
	if want := []int{200, 200, 200, 200, 200}; !slices.Equal(sizes, want) {
		t.Errorf("batch sizes %v, want %v", sizes, want)
	}
}

// TestWALBatchTakesWithoutTheLock: a batch whose take waits for the receiving goroutine
// (replay waits for a full batch) must not hold the receiver's lock meanwhile, since
// that goroutine first feeds the log's backlog under the lock. Held, the two waited for
// each other for good (TestReceiverRecovery hung in CI once, when the batch came first).
func TestWALBatchTakesWithoutTheLock(t *testing.T) {
	dir := t.TempDir()
	log, err := wal.Open(dir, wal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range []string{"a", "b", "c"} { // a previous run's lines, in no batch yet
		if _, err := log.Append([]byte(rec)); err != nil {
			t.Fatal(err)
		}
	}
	if err := log.Sync(); err != nil {
		t.Fatal(err)
	}
	log.Close()
	in := newInbox(1 << 20)
	w := newWALReceiver(dir, in, slog.New(slog.DiscardHandler))
	if err := w.open(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got, err := w.batch(1000, 3, func(limit int) ([]string, error) {
		go w.feed(ctx) // the receiving goroutine, starting while the batch waits
		deadline := time.After(10 * time.Second)
		for !in.ready(limit) {
			select {
			case <-in.notify:
			case <-deadline:
				return nil, errors.New("the backlog never reached the inbox: feed is blocked")
			}
		}
		return in.take(limit)
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Fatalf("batch = %q, want the backlog", got)
	}
	w.close()
}
