package gosource

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"streamc.dev/streamc/runtime/source"
)

// Receiver is a custom source that is pushed its records — a webhook endpoint, a
// subscription, a protocol of its own — rather than one that can read them again by
// offset. Receive runs from the start of the run to its end and hands each record to
// emit as one line of text (the pipeline decodes it, as it decodes a socket's lines). It
// returns nil when its input has ended for good, an error when it fails (the run then
// fails), and must return promptly once ctx is cancelled or emit reports an error (the
// run is stopping).
//
// emit may be called from several goroutines at once (an HTTP handler per request). It
// blocks while the receiver's buffer is full (the pipeline is behind): that is the
// backpressure a Receiver passes on to what pushes to it. A line must not hold a
// newline.
type Receiver interface {
	Receive(ctx context.Context, emit func(line string) error) error
}

// ReceiverSource runs a Receiver as runtime/source's Lines receiver: the same bounded
// buffer, rate limit, replay mode and — with LinesOptions.WALDir (rt.Context.WALDir) —
// the same write-ahead log as the stdin and socket sources. With the log, a line counts
// as received once it is synced to it, each batch's share of it is recorded before the
// batch runs, and the batches re-run after a crash get exactly their original lines back;
// what a crash loses is what the socket receiver loses: lines emitted but not yet synced
// (emit returning does not mean the line is durable). A source that can acknowledge or
// re-deliver should implement Source instead, which loses nothing.
//
// Generated code registers it with ctx.RegisterSource and reads it with Batch, as a
// socket source.
type ReceiverSource struct {
	*source.Lines
	recv Receiver
	pr   *io.PipeReader
	pw   *io.PipeWriter

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

// NewReceiver returns the source of the receiver r, named name.
func NewReceiver(name string, r Receiver, opts source.LinesOptions) *ReceiverSource {
	pr, pw := io.Pipe()
	return &ReceiverSource{Lines: source.NewLines(name, pr, opts), recv: r, pr: pr, pw: pw}
}

// errNewline is emit's error for a line holding a newline.
var errNewline = errors.New("a received line must not hold a newline")

// Start starts the line receiver (opening its write-ahead log and reading back what it
// holds) and then the Receiver.
func (s *ReceiverSource) Start(ctx context.Context) error {
	if err := s.Lines.Start(ctx); err != nil {
		return err
	}
	rctx, cancel := context.WithCancel(ctx)
	s.mu.Lock()
	s.cancel, s.done = cancel, make(chan struct{})
	s.mu.Unlock()
	var (
		bufMu sync.Mutex
		buf   []byte
	)
	emit := func(line string) error {
		if strings.Contains(line, "\n") {
			return fmt.Errorf("%s: %w: %q", s.Name(), errNewline, line)
		}
		bufMu.Lock()
		defer bufMu.Unlock()
		buf = append(append(buf[:0], line...), '\n')
		_, err := s.pw.Write(buf)
		return err
	}
	go func() {
		defer close(s.done)
		err := s.recv.Receive(rctx, emit)
		if err != nil && rctx.Err() == nil {
			s.pw.CloseWithError(err)
			return
		}
		s.pw.Close() // the end of the input
	}()
	return nil
}

// Stop stops the line receiver, then cancels the Receiver's context and waits for
// Receive to return.
func (s *ReceiverSource) Stop() error {
	err := s.Lines.Stop() // closes the pipe's reading end: a blocked emit returns
	s.mu.Lock()
	cancel, done := s.cancel, s.done
	s.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
	return err
}
