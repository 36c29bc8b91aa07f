package source

import (
	"strconv"
	"time"

	"streamc.dev/streamc/runtime/status"
)

// The sources describe themselves to the operations page (status.SourceReporter): the
// engine asks after every batch, so each answer takes a lock or two and does no I/O.
var (
	_ status.SourceReporter = (*Socket)(nil)
	_ status.SourceReporter = (*Lines)(nil)
	_ status.SourceReporter = (*Files)(nil)
	_ status.SourceReporter = (*Rate)(nil)
	_ status.SourceReporter = (*Queue[int])(nil)
)

// noteError records a connection failure for SourceStatus; nil (the server closed the
// connection) is recorded as such.
func (s *Socket) noteError(err error) {
	msg := "connection closed by the server"
	if err != nil {
		msg = err.Error()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastErr, s.lastErrTime = msg, time.Now()
}

// SourceStatus reports whether the receiver is connected, what it holds and its rate.
func (s *Socket) SourceStatus() status.Source {
	n, bytes := s.in.buffered()
	st := status.Source{Buffered: int64(n), BufferedBytes: bytes, RateLimit: s.lim.Rate()}
	s.mu.Lock()
	st.Records, st.LastError, st.LastErrorTime = s.delivered, s.lastErr, s.lastErrTime
	switch {
	case s.stopped:
		st.State = "stopped"
	case !s.started:
		st.State = "idle"
	case s.conn != nil:
		st.State, st.Active = "receiving", true
	default:
		st.State = "connecting"
	}
	s.mu.Unlock()
	if failed, msg := s.in.failed(); failed {
		st.State, st.Active, st.LastError = "failed", false, msg
	}
	if s.wal != nil {
		st.Position = s.wal.describe()
	}
	return st
}

// SourceStatus reports whether the receiver is reading, what it holds and its rate.
func (l *Lines) SourceStatus() status.Source {
	n, bytes := l.in.buffered()
	st := status.Source{Records: l.delivered.Load(), Buffered: int64(n), BufferedBytes: bytes, RateLimit: l.lim.Rate()}
	l.mu.Lock()
	started := l.started
	l.mu.Unlock()
	switch failed, msg := l.in.failed(); {
	case failed:
		st.State, st.LastError = "failed", msg
	case !started:
		st.State = "idle"
	case l.Exhausted():
		st.State, st.Active = "exhausted", true
	case l.in.ended():
		st.State, st.Active = "draining", true
	default:
		st.State, st.Active = "receiving", true
	}
	if l.wal != nil {
		st.Position = l.wal.describe()
	}
	return st
}

// SourceStatus reports the lines and files read, and whether the watched path exists.
func (f *Files) SourceStatus() status.Source {
	f.mu.Lock()
	st := status.Source{Records: f.lines.Load(), Buffered: int64(len(f.pending))}
	started, missing, files := f.started, f.missing, f.files
	f.mu.Unlock()
	switch {
	case !started:
		st.State = "idle"
	case f.Exhausted():
		st.State, st.Active = "exhausted", true
	case missing:
		st.State, st.LastError = "missing", "no file or directory matches "+f.pattern
	default:
		st.State, st.Active = "watching", true
	}
	st.Position = strconv.FormatInt(files, 10) + " files read"
	return st
}

// SourceStatus reports the numbers emitted.
func (r *Rate) SourceStatus() status.Source {
	st := status.Source{State: "generating", Active: true, RateLimit: float64(r.perSecond)}
	if r.Exhausted() {
		st.State = "exhausted"
	}
	r.mu.Lock()
	st.Records = r.emitted
	r.mu.Unlock()
	return st
}

// SourceStatus reports the records delivered and the batches left.
func (q *Queue[T]) SourceStatus() status.Source {
	q.mu.Lock()
	defer q.mu.Unlock()
	st := status.Source{State: "queued", Active: true, Records: q.delivered, Buffered: int64(len(q.batches) - q.next)}
	if q.next >= len(q.batches) {
		st.State = "exhausted"
	}
	return st
}

// failed reports whether the receiver ended with an error still to be returned.
func (in *inbox) failed() (bool, string) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.err != nil {
		return true, in.err.Error()
	}
	return false, ""
}

// ended reports whether the input has ended.
func (in *inbox) ended() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.done
}

// describe renders the write-ahead-log position: the records handed to batches, those
// durable, and the batches still to be re-run from it after a restart.
func (w *walReceiver) describe() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.wal == nil {
		return "write-ahead log closed"
	}
	s := "record " + strconv.FormatUint(w.taken, 10) + " of " + strconv.FormatUint(w.wal.Next(), 10) +
		" durable, through batch " + strconv.FormatInt(w.lastT, 10)
	if len(w.replay) > 0 {
		s += ", " + strconv.Itoa(len(w.replay)) + " logged batches to re-run"
	}
	return s
}
