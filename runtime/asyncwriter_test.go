package runtime

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// slowWriter records what is written to it, slowly, and fails from the failAt-th write.
type slowWriter struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	writes int
	failAt int
	busy   bool // a write is in progress
	over   bool // two writes overlapped
}

func (w *slowWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	if w.busy {
		w.over = true
	}
	w.busy = true
	w.writes++
	n := w.writes
	w.mu.Unlock()
	time.Sleep(200 * time.Microsecond)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.busy = false
	if w.failAt > 0 && n >= w.failAt {
		return 0, errors.New("disk full")
	}
	return w.buf.Write(p)
}

// TestAsyncWriterOrder: blocks come out whole, in the order written, one write at a
// time, although the caller reuses its buffer at once; Flush waits for all of them.
func TestAsyncWriterOrder(t *testing.T) {
	w := &slowWriter{}
	a := NewAsyncWriter(w)
	var want bytes.Buffer
	buf := make([]byte, 0, 64)
	for i := range 200 {
		buf = fmt.Appendf(buf[:0], "block %d %s\n", i, bytes.Repeat([]byte{'x'}, i%50))
		want.Write(buf)
		if n, err := a.Write(buf); n != len(buf) || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
		buf[0] = '!' // the caller's buffer is its own again
	}
	if err := a.Flush(); err != nil {
		t.Fatal(err)
	}
	w.mu.Lock()
	got, over := w.buf.String(), w.over
	w.mu.Unlock()
	if got != want.String() {
		t.Fatal("written bytes differ from the blocks in order")
	}
	if over {
		t.Fatal("two writes overlapped")
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Write([]byte("late")); err == nil {
		t.Fatal("Write after Close succeeded")
	}
}

// TestAsyncWriterError: a failed write is reported by a later Write or by Flush, and
// nothing is written after it.
func TestAsyncWriterError(t *testing.T) {
	w := &slowWriter{failAt: 3}
	a := NewAsyncWriter(w)
	var err error
	for i := 0; i < 10 && err == nil; i++ {
		_, err = a.Write([]byte{byte('a' + i)})
	}
	if err == nil {
		err = a.Flush()
	}
	if err == nil || err.Error() != "disk full" {
		t.Fatalf("error = %v, want disk full", err)
	}
	if err := a.Close(); err == nil {
		t.Fatal("Close after a failed write returned no error")
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.buf.String() != "ab" || w.writes != 3 {
		t.Fatalf("written %q in %d writes, want \"ab\" in 3", w.buf.String(), w.writes)
	}
}
