package runtime

import (
	"io"
	"sync"
)

// AsyncWriter writes to an underlying writer on a goroutine of its own, so that a
// batch's printed block is written while the next batch is computed: a NEXMark batch
// printed whole is ~20 MB, whose write(2) the pipeline otherwise waits for, on one of its
// cores, every batch. It is the proposal of bench/PERF_NOTES.md (issue #18) for print's
// standard output: the runtime does not use it yet.
//
// Write copies p into a buffer of the writer's own and returns; the goroutine writes the
// buffers in the order of the Write calls. At most one buffer waits or is being written
// while the caller fills the next: a Write blocks until the previous block is written,
// so memory stays at one block beyond the caller's, and the writes keep the caller's
// pace. An error of the underlying writer is returned by the next Write, Flush or
// Close; nothing is written after it.
//
// Flush waits until every block written so far is written through: what an owner calls
// before it records that the output is done (a checkpoint, a commit marker), and at the
// end of a run. Write, Flush and Close may not be called concurrently with each other.
type AsyncWriter struct {
	w       io.Writer
	blocks  chan []byte // to the goroutine
	free    chan []byte // back from it, written
	pending sync.WaitGroup
	mu      sync.Mutex
	err     error
	closed  bool
}

// NewAsyncWriter starts a writer to w.
func NewAsyncWriter(w io.Writer) *AsyncWriter {
	a := &AsyncWriter{w: w, blocks: make(chan []byte, 1), free: make(chan []byte, 1)}
	a.free <- nil
	go a.run()
	return a
}

func (a *AsyncWriter) run() {
	for b := range a.blocks {
		if a.failed() == nil {
			if _, err := a.w.Write(b); err != nil {
				a.mu.Lock()
				a.err = err
				a.mu.Unlock()
			}
		}
		a.free <- b[:0]
		a.pending.Done()
	}
}

func (a *AsyncWriter) failed() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.err
}

// Write queues a copy of p to be written, after waiting for the block before it to be
// written. It returns the error of an earlier write, if one failed.
func (a *AsyncWriter) Write(p []byte) (int, error) {
	if a.closed {
		return 0, io.ErrClosedPipe
	}
	buf := <-a.free
	if err := a.failed(); err != nil {
		a.free <- buf
		return 0, err
	}
	if len(p) == 0 {
		a.free <- buf
		return 0, nil
	}
	a.pending.Add(1)
	a.blocks <- append(buf, p...)
	return len(p), nil
}

// Flush waits until every block is written, and returns the first write error.
func (a *AsyncWriter) Flush() error {
	a.pending.Wait()
	return a.failed()
}

// Close flushes and stops the goroutine; it does not close the underlying writer.
func (a *AsyncWriter) Close() error {
	if a.closed {
		return a.failed()
	}
	err := a.Flush()
	a.closed = true
	close(a.blocks)
	return err
}
