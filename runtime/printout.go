package runtime

import (
	"fmt"
	"io"
	"os"
	"sync"
)

// printOut is where print's blocks go when the pipeline writes to a file (standard
// output of the binary): a goroutine of its own writes each block, so that writing batch
// t's block overlaps computing batch t+1. A NEXMark batch printed whole is ~20 MB, and its
// write(2) into the page cache is a fifth to a third of the run's CPU; on the caller's
// goroutine it was on every batch's critical path, and even with GOMAXPROCS=1 the
// kernel's copy runs on another core while a thread blocks in the system call.
//
// One block is in flight at most, and blocks are written in the order they were given,
// so the output is byte for byte what writing them in turn gives. print is at least
// once (docs/reliability.md): a block must be written before a checkpoint says its
// batch is done, so the engine calls flush before every checkpoint and at shutdown.
//
// A failed write is not lost: the block (what is left of it) is kept and written again
// before the next block, and the error is returned by that call, so Batch.Output's
// retries apply to it as they apply to a synchronous write.
type printOut struct {
	w    io.Writer
	mu   sync.Mutex
	work chan *printBuffers // the block to write next
	done chan *printBuffers // the block written (its buffers, for reuse), after work
	// busy says a block was sent on work and its done not yet taken.
	busy bool
	// failed is what is left of a block whose write failed, with its error.
	failed    [][]byte
	failedErr error
	closed    bool
}

// newPrintOut returns a printOut writing to w. Its goroutine starts with the first block.
func newPrintOut(w io.Writer) *printOut {
	return &printOut{w: w}
}

// asyncStdout returns the writer print uses for stdout: a printOut for a file (the
// binary's standard output, redirected or not), stdout itself for anything else, so
// that in-process tests writing into a buffer see each block when Print returns.
func asyncStdout(stdout io.Writer) io.Writer {
	if _, ok := stdout.(*os.File); ok {
		return newPrintOut(stdout)
	}
	return stdout
}

// swap hands the block in pb (pb.blocks) to the writer goroutine and returns buffers to
// render the next block into: the previous block's, once it is written, or nil for the
// first block. When the previous write failed it writes what is left of that block
// first, here, and returns its error without taking pb (the caller keeps it and may try
// again).
func (o *printOut) swap(pb *printBuffers) (*printBuffers, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	free, err := o.wait()
	if err != nil {
		return free, err
	}
	if o.closed {
		return free, fmt.Errorf("print: output closed")
	}
	if o.work == nil {
		o.work, o.done = make(chan *printBuffers), make(chan *printBuffers)
		go o.loop()
	}
	o.work <- pb
	o.busy = true
	return free, nil
}

// loop writes the blocks it is given, in order, until work is closed.
func (o *printOut) loop() {
	for pb := range o.work {
		bufs := pb.blocks()
		for i, b := range bufs {
			n, err := o.w.Write(b)
			if err != nil {
				// Keep what was not written; wait writes it again, and reports the
				// error if that fails too.
				o.failed = append([][]byte{b[n:]}, bufs[i+1:]...)
				o.failedErr = err
				break
			}
		}
		o.done <- pb
	}
}

// wait waits for the block in flight, if any, and returns its buffers. If that write, or
// an earlier one, failed, it writes the rest again and returns the error if it fails
// again. o.mu is held.
func (o *printOut) wait() (*printBuffers, error) {
	var free *printBuffers
	if o.busy {
		free = <-o.done
		o.busy = false
	}
	for len(o.failed) > 0 {
		n, err := o.w.Write(o.failed[0])
		if err != nil {
			o.failed[0], o.failedErr = o.failed[0][n:], err
			return free, fmt.Errorf("writing an earlier batch's print output: %w", err)
		}
		o.failed = o.failed[1:]
	}
	o.failed, o.failedErr = nil, nil
	return free, nil
}

// Write writes p after every block given before, and returns when it is written: the
// path for output other than Print's blocks.
func (o *printOut) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, err := o.wait(); err != nil {
		return 0, err
	}
	return o.w.Write(p)
}

// flush returns when every block given so far is written, or with the error of the
// one that could not be.
func (o *printOut) flush() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	_, err := o.wait()
	return err
}

// Close flushes and stops the writer goroutine. It does not close the underlying writer.
func (o *printOut) Close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	_, err := o.wait()
	if !o.closed && o.work != nil {
		close(o.work)
	}
	o.closed = true
	return err
}
