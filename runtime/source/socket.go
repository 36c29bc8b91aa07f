package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"streamc.dev/streamc/runtime/checkpoint"
	"streamc.dev/streamc/runtime/recording"
)

// SocketOptions configures a Socket source.
type SocketOptions struct {
	// MaxLineBytes is the longest accepted line; 0 means DefaultMaxLineBytes.
	MaxLineBytes int
	// MaxRate caps reception at that many lines a second (0: unlimited), and each batch
	// at that rate times the batch interval (so does a rate that backpressure sets).
	// The limiter blocks the reading goroutine, which stops reading the connection: the
	// sender is slowed down by TCP flow control.
	MaxRate float64
	// Interval is the pipeline's batch interval: a batch takes at most the rate times
	// it. 0: no bound but the buffer.
	Interval time.Duration
	// BufferBytes bounds the lines received but not yet in a batch (their bytes plus 16
	// each); 0 means DefaultBufferBytes. When it is reached the receiver stops reading
	// the connection until a batch takes lines: TCP flow control holds the sender back.
	BufferBytes int64
	// OnOversize is called with the length of each line longer than MaxLineBytes, which
	// is dropped; an error it returns fails the source. When nil, oversized lines are
	// logged, counted and dropped.
	OnOversize func(size int) error
	// MinBackoff and MaxBackoff bound the wait before reconnecting, which starts at
	// MinBackoff (default 100ms) and doubles up to MaxBackoff (default 5s) while
	// connections keep failing. Each wait is jittered to between half and all of it.
	MinBackoff, MaxBackoff time.Duration
	// DialTimeout bounds one connection attempt (default 5s).
	DialTimeout time.Duration
	// Logger receives connection events; nil discards them.
	Logger *slog.Logger
	// WALDir, when set, turns on the write-ahead log in that directory (see
	// LinesOptions.WALDir).
	WALDir string
}

// Socket is Spark's socketTextStream: a receiver that connects to a TCP server and reads
// text lines from it. When the connection cannot be made, fails or is closed by the
// server, it reconnects with exponential backoff, so the pipeline survives a restarted
// server. A live source: it is never Exhausted.
type Socket struct {
	addr string
	opts SocketOptions
	log  *slog.Logger
	in   *inbox
	lim  *Limiter
	// lastBatch is the number of lines the latest Batch returned, for backpressure.
	lastBatch atomic.Int64
	wal       *walReceiver // nil without WALDir

	mu        sync.Mutex
	started   bool
	stopped   bool
	cancel    context.CancelFunc
	done      chan struct{}
	conn      net.Conn
	oversized int64
	// delivered counts the lines handed to batches, and lastErr the latest connection
	// failure, for SourceStatus.
	delivered   int64
	lastErr     string
	lastErrTime time.Time
	// tap records each batch or replaces it by a recorded one; see Files.SetTap.
	tap *recording.Tap
}

var _ Source[string] = (*Socket)(nil)

// NewSocket returns a socket receiver for addr ("host:port"), named "socket(addr)".
func NewSocket(addr string, opts SocketOptions) *Socket {
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = 100 * time.Millisecond
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 5 * time.Second
	}
	opts.MaxBackoff = max(opts.MaxBackoff, opts.MinBackoff)
	if opts.DialTimeout <= 0 {
		opts.DialTimeout = 5 * time.Second
	}
	if opts.BufferBytes <= 0 {
		opts.BufferBytes = DefaultBufferBytes
	}
	s := &Socket{addr: addr, opts: opts, in: newInbox(opts.BufferBytes), lim: NewAdjustableLimiter(opts.MaxRate)}
	// The logger names the source already (the pipeline's name for it).
	s.log = orDiscard(opts.Logger)
	if opts.WALDir != "" {
		s.wal = newWALReceiver(opts.WALDir, s.in, s.log)
	}
	return s
}

// Name returns "socket(addr)".
func (s *Socket) Name() string { return "socket(" + s.addr + ")" }

// Limiter returns the receiver's rate limiter (nil when unlimited), so that a
// backpressure estimator can change its rate.
func (s *Socket) Limiter() *Limiter { return s.lim }

// Start launches the connecting and reading goroutine. It does not wait for the first
// connection: a server that is not up yet is retried like a lost one.
func (s *Socket) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return fmt.Errorf("%s: %w", s.Name(), errAlreadyStarted)
	}
	if _, _, err := net.SplitHostPort(s.addr); err != nil {
		return fmt.Errorf("%s: %w", s.Name(), err)
	}
	if s.wal != nil {
		if err := s.wal.open(); err != nil {
			return fmt.Errorf("%s: %w", s.Name(), err)
		}
	}
	s.started = true
	ctx, s.cancel = context.WithCancel(ctx)
	s.done = make(chan struct{})
	go s.run(ctx)
	return nil
}

func (s *Socket) run(ctx context.Context) {
	defer close(s.done)
	if s.wal != nil {
		if err := s.wal.feed(ctx); err != nil {
			s.in.finish(fmt.Errorf("%s: %w", s.Name(), err))
			return
		}
	}
	dialer := net.Dialer{Timeout: s.opts.DialTimeout}
	backoff := s.opts.MinBackoff
	for {
		conn, err := dialer.DialContext(ctx, "tcp", s.addr)
		if ctx.Err() != nil {
			if conn != nil {
				conn.Close()
			}
			return
		}
		var got int64
		if err == nil {
			if !s.setConn(conn) {
				conn.Close()
				return
			}
			s.log.Info("connected", "addr", s.addr)
			got, err = s.read(ctx, conn)
			s.setConn(nil)
			conn.Close()
			if ctx.Err() != nil {
				return
			}
			if got > 0 {
				backoff = s.opts.MinBackoff
			}
		}
		var fatal *fatalError
		if errors.As(err, &fatal) {
			s.in.finish(fmt.Errorf("%s: %w", s.Name(), fatal.err))
			return
		}
		wait := jitter(backoff)
		s.noteError(err)
		if err == nil {
			s.log.Warn("connection closed by server; reconnecting", "lines", got, "in", wait)
		} else {
			s.log.Warn("connection failed; reconnecting", "error", err, "lines", got, "in", wait)
		}
		if sleepCtx(ctx, wait) != nil {
			return
		}
		backoff = min(backoff*2, s.opts.MaxBackoff)
	}
}

// fatalError marks an error that ends the receiver instead of causing a reconnect.
type fatalError struct{ err error }

func (e *fatalError) Error() string { return e.err.Error() }

// read reads lines from conn until EOF (nil error), a read error, or ctx is done. It
// returns how many lines it buffered.
func (s *Socket) read(ctx context.Context, conn net.Conn) (int64, error) {
	lr := newLineReader(conn, s.opts.MaxLineBytes)
	var n int64
	if s.wal != nil {
		defer func() {
			if err := s.wal.flush(ctx); err != nil && ctx.Err() == nil {
				s.in.finish(fmt.Errorf("%s: %w", s.Name(), err))
			}
		}()
	}
	for {
		line, oversize, err := lr.next()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		if ctx.Err() != nil {
			return n, nil
		}
		if oversize > 0 {
			if err := s.oversize(oversize); err != nil {
				return n, &fatalError{err}
			}
			continue
		}
		if err := s.lim.Wait(ctx); err != nil {
			return n, nil
		}
		if s.wal == nil {
			if s.in.add(ctx, line) != nil {
				return n, nil // stopped while the buffer was full
			}
		} else if err := s.wal.receive(ctx, line, lr.buffered()); err != nil {
			if ctx.Err() != nil {
				return n, nil
			}
			return n, &fatalError{err}
		}
		n++
	}
}

func (s *Socket) oversize(size int) error {
	if s.opts.OnOversize != nil {
		return s.opts.OnOversize(size)
	}
	s.mu.Lock()
	s.oversized++
	s.mu.Unlock()
	s.log.Warn("dropped oversized line", "bytes", size)
	return nil
}

// Oversized returns how many lines were dropped for being longer than MaxLineBytes
// (when OnOversize is nil).
func (s *Socket) Oversized() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.oversized
}

// setConn records the live connection so that Stop can close it; it reports false when
// the source is already stopped.
func (s *Socket) setConn(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return false
	}
	s.conn = c
	return true
}

// jitter returns a random duration between d/2 and d, so that many receivers cut off by
// the same server restart do not reconnect in lockstep.
func jitter(d time.Duration) time.Duration {
	half := d / 2
	return half + rand.N(d-half+1)
}

// Stop closes the connection and waits for the receiving goroutine to end.
func (s *Socket) Stop() error {
	s.mu.Lock()
	if !s.started || s.stopped {
		s.mu.Unlock()
		return nil
	}
	s.stopped = true
	s.cancel()
	if s.conn != nil {
		s.conn.Close()
	}
	s.mu.Unlock()
	<-s.done
	if s.wal != nil {
		return s.wal.close()
	}
	return nil
}

// Exhausted is always false: a server may always send more.
func (s *Socket) Exhausted() bool { return false }

// Batch returns the lines received since the previous call, at most the rate (MaxRate or
// backpressure's) times the batch interval: the rest stay buffered for the next batches.
// An error that ended the receiver (an OnOversize failure) is returned after the lines
// read before it.
func (s *Socket) Batch(batchTime int64, parts int) ([][]string, error) {
	if s.tap.Replaying() {
		return replayLines(s.tap, batchTime, parts)
	}
	out, err := s.batch(batchTime, parts)
	if err == nil {
		err = s.tap.RecordLines(batchTime, out)
	}
	return out, err
}

// SetTap makes the receiver record its batches, or deliver recorded ones instead of
// connecting (see Files.SetTap). Call it before Start.
func (s *Socket) SetTap(tap *recording.Tap) { s.tap = tap }

// batch takes the lines received for the batch (Batch without the tap).
func (s *Socket) batch(batchTime int64, parts int) ([][]string, error) {
	s.mu.Lock()
	started := s.started
	s.mu.Unlock()
	if !started {
		return nil, fmt.Errorf("%s: %w", s.Name(), ErrNotStarted)
	}
	limit := batchLimit(s.lim.Rate(), s.opts.Interval)
	var recs []string
	var err error
	if s.wal != nil {
		recs, err = s.wal.batch(batchTime, limit, s.in.take)
		if err != nil {
			err = fmt.Errorf("%s: %w", s.Name(), err)
		}
	} else {
		recs, err = s.in.take(limit)
	}
	if err != nil {
		return nil, err
	}
	s.lastBatch.Store(int64(len(recs)))
	s.mu.Lock()
	s.delivered += int64(len(recs))
	s.mu.Unlock()
	return Split(recs, parts), nil
}

// LastBatchRecords returns the number of lines the latest Batch returned
// (runtime.RateControlled).
func (s *Socket) LastBatchRecords() int64 { return s.lastBatch.Load() }

// SetRate sets the lines a second the receiver reads from now on: backpressure's rate
// (runtime.RateControlled). The engine caps it at MaxRate.
func (s *Socket) SetRate(perSecond float64) { s.lim.SetRate(perSecond) }

// SavePosition writes the write-ahead-log position (see Lines.SavePosition).
func (s *Socket) SavePosition(w *checkpoint.Writer) error {
	w.Bool(s.wal != nil)
	if s.wal != nil {
		s.wal.savePosition(w)
	}
	return nil
}

// RestorePosition restores what SavePosition wrote. Call it before Start.
func (s *Socket) RestorePosition(r *checkpoint.Reader) error {
	if !r.Bool() || r.Err() != nil {
		return r.Err()
	}
	if s.wal == nil {
		return fmt.Errorf("%s: the checkpoint has a write-ahead-log position but this run has no write-ahead log", s.Name())
	}
	return s.wal.restorePosition(r)
}

// CheckpointDone truncates the write-ahead log up to the oldest kept checkpoint.
func (s *Socket) CheckpointDone(oldestKept int64) error {
	if s.wal == nil {
		return nil
	}
	return s.wal.checkpointDone(oldestKept)
}
