package runtime

import (
	"bytes"
	"fmt"
	goruntime "runtime"
	"strconv"
	"sync"
	"testing"
)

// flakyWriter fails its calls as told, after writing part of the block, and records
// everything written.
type flakyWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	calls int
	// fail says whether call i (from 0) fails; it then writes half of p first.
	fail func(i int) bool
	// gate, when not nil, is received from before each write.
	gate chan struct{}
}

func (w *flakyWriter) Write(p []byte) (int, error) {
	if w.gate != nil {
		<-w.gate
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	i := w.calls
	w.calls++
	if w.fail != nil && w.fail(i) {
		n := len(p) / 2
		w.buf.Write(p[:n])
		return n, fmt.Errorf("disk full (call %d)", i)
	}
	return w.buf.Write(p)
}

func (w *flakyWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// TestPrintOutOrder: blocks handed over by Print and plain writes come out in the order
// given, whole, and the buffers given back are reused without touching a block in flight.
func TestPrintOutOrder(t *testing.T) {
	t.Run("writes", func(t *testing.T) { checkPrintOut(t, nil) })
	// Failed writes, some in the middle of a block of several buffers: kept and
	// written again, nothing lost or repeated.
	t.Run("failures", func(t *testing.T) { checkPrintOut(t, func(i int) bool { return i%7 == 3 }) })
}

func checkPrintOut(t *testing.T, fail func(int) bool) {
	// Large batches are rendered in pieces by several goroutines and handed over
	// without being gathered: make sure there are several.
	defer goruntime.GOMAXPROCS(goruntime.GOMAXPROCS(4))
	w := &flakyWriter{fail: fail}
	o := newPrintOut(w)
	var want bytes.Buffer
	for b := range 200 {
		parts := [][]int{make([]int, b%7*1000), {b}, make([]int, b%3*2000)}
		num := 1 << 30
		if b%5 == 0 {
			num = 3000 // and "..." at the end
		}
		render := func(dst []byte, v int) []byte { return strconv.AppendInt(dst, int64(v), 10) }
		for tries := 0; ; tries++ {
			err := Print(o, Time(b*1000), num, parts, render)
			if err == nil {
				break
			}
			if fail == nil || tries > 10 {
				t.Fatal(err)
			}
		}
		if err := Print(&want, Time(b*1000), num, parts, render); err != nil {
			t.Fatal(err)
		}
		if b%50 == 0 {
			line := fmt.Sprintf("plain write %d\n", b)
			for tries := 0; ; tries++ {
				if _, err := o.Write([]byte(line)); err == nil {
					break
				} else if fail == nil || tries > 10 {
					t.Fatal(err)
				}
			}
			want.WriteString(line)
		}
	}
	finishPrintOut(t, o, w, want.String())
}

// finishPrintOut flushes o (trying again while its writes fail), closes it, and fails
// unless w got want: each block written in turn.
func finishPrintOut(t *testing.T, o *printOut, w *flakyWriter, want string) {
	t.Helper()
	for tries := 0; o.flush() != nil; tries++ {
		if tries > 10 {
			t.Fatal("flush keeps failing")
		}
	}
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}
	if got := w.String(); got != want {
		t.Fatalf("output differs from writing each block in turn (%d bytes, want %d)", len(got), len(want))
	}
}

// TestPrintOutRetry: a failed write loses nothing and repeats nothing: what was not
// written is written again before the next block, and the error reaches the next call,
// which does not take its block until the failed one is out.
func TestPrintOutRetry(t *testing.T) {
	w := &flakyWriter{fail: func(i int) bool { return i == 1 || i == 2 || i == 7 || i == 8 }}
	o := newPrintOut(w)
	var want bytes.Buffer
	errs := 0
	for b := range 6 {
		block := fmt.Appendf(nil, "block %d: %s\n", b, bytes.Repeat([]byte{'a' + byte(b)}, 100))
		for {
			_, err := o.swap(&printBuffers{all: block})
			if err == nil {
				break
			}
			errs++
			if errs > 10 {
				t.Fatal("the failed block is never written")
			}
		}
		want.Write(block)
	}
	err := o.flush()
	for err != nil {
		errs++
		err = o.flush()
	}
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}
	if got := w.String(); got != want.String() {
		t.Fatalf("got\n%s\nwant\n%s", got, want.String())
	}
	if errs != 2 {
		// Call 1 fails; the next swap retries it (call 2), which fails too: an error.
		// Its next try works. The last block's write (call 7) fails, and so does
		// flush's retry (call 8): the second error; the next flush writes it.
		t.Errorf("%d errors reported, want 2", errs)
	}
}

// TestPrintOutFlushWaits: flush (called before every checkpoint) returns only once the
// block in flight is written, so a checkpoint never covers a batch whose print is lost.
func TestPrintOutFlushWaits(t *testing.T) {
	w := &flakyWriter{gate: make(chan struct{})}
	o := newPrintOut(w)
	if _, err := o.swap(&printBuffers{all: []byte("batch 1\n")}); err != nil {
		t.Fatal(err)
	}
	flushed := make(chan error)
	go func() { flushed <- o.flush() }()
	select {
	case <-flushed:
		t.Fatal("flush returned before the block was written")
	default:
	}
	w.gate <- struct{}{}
	if err := <-flushed; err != nil {
		t.Fatal(err)
	}
	if got := w.String(); got != "batch 1\n" {
		t.Fatalf("got %q", got)
	}
	close(w.gate)
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := o.swap(&printBuffers{all: []byte("late\n")}); err == nil {
		t.Fatal("a block after Close was taken")
	}
}

// TestPrintOutCloseReportsError: an error that no later call saw fails Close, so the
// run ends with a failure instead of a silently short output.
func TestPrintOutCloseReportsError(t *testing.T) {
	w := &flakyWriter{fail: func(int) bool { return true }}
	o := newPrintOut(w)
	if _, err := o.swap(&printBuffers{all: []byte("x\n")}); err != nil {
		t.Fatal(err)
	}
	if err := o.Close(); err == nil {
		t.Fatal("Close did not report the failed write")
	}
}
