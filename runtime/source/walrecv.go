package source

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"streamc.dev/streamc/runtime/checkpoint"
	"streamc.dev/streamc/runtime/wal"
)

// Group commit limits of a receiver's write-ahead log: the log is synced when the input
// has nothing more buffered, or once this many records or this much time has gathered.
const (
	walGroupRecords = 1000
	walGroupDelay   = 5 * time.Millisecond
)

// walReceiver puts a write-ahead log between a receiver goroutine and its inbox: a
// record enters the inbox (is "received") only once it is synced to the log, and each
// batch's share of the log is recorded in the allocation file before the batch gets it.
// After a restart the batches after the checkpoint get exactly their original records
// back from the log, and records that were durable but not yet in a batch are received
// first: the receiving goroutine reads them from the log into the inbox before any new
// input, within the inbox's bound.
type walReceiver struct {
	dir string
	in  *inbox
	log *slog.Logger

	// Used by the receiving goroutine only.
	pending []string
	since   time.Time

	mu     sync.Mutex
	wal    *wal.Log
	allocs *wal.Allocs
	taken  uint64      // records handed to batches up to lastT
	lastT  int64       // the last batch time served (or restored)
	replay []wal.Alloc // recovered allocations of batches after lastT, still to serve
	// backlog and stored delimit the records that were durable at open but in no batch
	// (after the replayed allocations); feed puts them into the inbox.
	backlog, stored uint64
	saved           []walPos // positions written to checkpoints that may still be recovered from
}

// walPos is a position written to a checkpoint.
type walPos struct {
	t     int64
	taken uint64
}

func newWALReceiver(dir string, in *inbox, log *slog.Logger) *walReceiver {
	return &walReceiver{dir: dir, in: in, log: log}
}

// open opens the log at Start, checks that every record the checkpoint needs can be
// read, and finds the allocations to replay.
func (w *walReceiver) open() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	log, err := wal.Open(w.dir, wal.Options{})
	if err != nil {
		return err
	}
	allocs, err := wal.OpenAllocs(w.dir)
	if err != nil {
		log.Close()
		return err
	}
	if err := w.check(log, allocs); err != nil {
		log.Close()
		allocs.Close()
		return err
	}
	w.wal, w.allocs = log, allocs
	end := w.taken
	for _, a := range allocs.Entries() {
		if a.Time > w.lastT && a.End >= end && a.End <= log.Next() {
			w.replay = append(w.replay, a)
			end = a.End
		}
	}
	w.backlog, w.stored = end, log.Next()
	if len(w.saved) == 0 {
		w.saved = []walPos{{w.lastT, w.taken}}
	}
	return nil
}

// check compares what wal.Open found damaged or cut with the records this run needs:
// every record from the checkpoint position (taken) on, since those are the batches
// after the checkpoint and the lines received but not yet in a batch. Damage before the
// position is logged and tolerated — the checkpoint covers those records, and nothing
// is deleted before normal truncation — while unreadable records the run needs refuse
// the start with a message that says which and what to do: going on would lose lines
// that were received and counted.
func (w *walReceiver) check(log *wal.Log, allocs *wal.Allocs) error {
	refuse := func(what string, lost uint64) error {
		return fmt.Errorf("write-ahead log %s: %s; the checkpoint (batch %d) resumes at record %d, so %d record(s) "+
			"it needs — received lines of the batches after it or not yet in a batch — cannot be read: "+
			"refusing to start rather than lose them; restore the file from a backup, or start fresh with --fresh "+
			"(the pipeline's state is lost)", w.dir, what, w.lastT, w.taken, lost)
	}
	allocated := w.taken // the end of the records that batches were given
	for _, a := range allocs.Entries() {
		allocated = max(allocated, a.End)
	}
	if cut := log.TornTail(); cut != nil {
		if cut.Next < allocated {
			return refuse(fmt.Sprintf("segment %s ended in %d unreadable bytes at byte %d (cut, and kept in %s), "+
				"but the allocation file gives records up to %d to batches and only those before %d are readable",
				cut.Segment, cut.Bytes, cut.Offset, cut.SavedTo, allocated, cut.Next), allocated-max(cut.Next, w.taken))
		}
		w.log.Warn("write-ahead log: cut an unreadable tail; no batch had taken records from it "+
			"(a write cut short by the crash, or lines received but not yet in a batch)",
			"segment", cut.Segment, "offset", cut.Offset, "bytes", cut.Bytes, "saved_to", cut.SavedTo)
	}
	for _, d := range log.Damage() {
		if d.End() <= w.taken {
			w.log.Warn("write-ahead log damaged before the checkpoint position; the checkpoint covers these records, so none is lost",
				"segment", d.Segment, "offset", d.Offset, "bytes", d.Bytes, "first_record", d.First, "records", d.Records,
				"checkpoint_position", w.taken)
			continue
		}
		return refuse(d.String()+" (after the checkpoint position)", d.End()-max(d.First, w.taken))
	}
	if w.taken < log.First() || w.taken > log.Next() {
		return fmt.Errorf("write-ahead log %s holds records [%d, %d) but the checkpoint resumes at record %d: "+
			"the log does not belong to this checkpoint", w.dir, log.First(), log.Next(), w.taken)
	}
	return nil
}

// receive logs a record; more reports that the input has more bytes buffered, so the
// sync can wait for them. The record reaches the inbox once synced.
func (w *walReceiver) receive(ctx context.Context, line string, more bool) error {
	// The log is safe for concurrent use and is closed only after this goroutine ends.
	if _, err := w.wal.Append([]byte(line)); err != nil {
		return err
	}
	if len(w.pending) == 0 {
		w.since = time.Now()
	}
	w.pending = append(w.pending, line)
	if !more || len(w.pending) >= walGroupRecords || time.Since(w.since) >= walGroupDelay {
		return w.flush(ctx)
	}
	return nil
}

// flush syncs the log and hands the pending records to the inbox, waiting for room in
// it. When ctx ends while it waits, the records not handed over stay in the log, which
// the next start reads them from.
func (w *walReceiver) flush(ctx context.Context) error {
	if len(w.pending) == 0 {
		return nil
	}
	if err := w.wal.Sync(); err != nil {
		return err
	}
	_, err := w.in.addAll(ctx, w.pending)
	w.pending = w.pending[:0]
	return err
}

// feed puts the records that were stored in the log before this run and are in no
// batch yet into the inbox, in order, waiting for room as received lines do. The
// receiving goroutine calls it before it reads any input, so those records come first
// and a long backlog never has to fit in memory at once.
func (w *walReceiver) feed(ctx context.Context) error {
	w.mu.Lock()
	from, to, log := w.backlog, w.stored, w.wal
	w.mu.Unlock()
	err := log.Read(from, to, func(_ uint64, rec []byte) error { return w.in.add(ctx, string(rec)) })
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// batch returns the records of batch t: its recovered allocation when it is a batch
// being re-run, else what take returns from the inbox (at most limit records, 0: no
// bound), allocated durably first.
//
// take runs without w.mu: in replay mode it waits for the receiving goroutine to fill
// the inbox, and that goroutine takes w.mu to feed the log's backlog first. Only the
// batch goroutine calls batch, so w.taken does not move while take runs.
func (w *walReceiver) batch(t int64, limit int, take func(limit int) ([]string, error)) ([]string, error) {
	if recs, ok, err := w.replayed(t); ok {
		return recs, err
	}
	recs, err := take(limit)
	if err != nil {
		return nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	end := w.taken + uint64(len(recs))
	if err := w.allocs.Append(wal.Alloc{Time: t, End: end}); err != nil {
		return nil, err
	}
	w.taken, w.lastT = end, t
	return recs, nil
}

// replayed returns the records of batch t when it is a recovered batch being re-run
// (ok), from its allocation in the log.
func (w *walReceiver) replayed(t int64) (recs []string, ok bool, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.replay) > 0 {
		// Allocations up to t (normally exactly t) are served together.
		end := w.taken
		for len(w.replay) > 0 && w.replay[0].Time <= t {
			end = w.replay[0].End
			w.replay = w.replay[1:]
		}
		if err := w.wal.Read(w.taken, end, func(_ uint64, rec []byte) error {
			recs = append(recs, string(rec))
			return nil
		}); err != nil {
			return nil, true, err
		}
		w.taken, w.lastT = end, t
		return recs, true, nil
	}
	return nil, false, nil
}

// replaying reports whether recovered batches remain to be served.
func (w *walReceiver) replaying() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.replay) > 0
}

// savePosition writes the last batch served and the records it took.
func (w *walReceiver) savePosition(cw *checkpoint.Writer) {
	w.mu.Lock()
	defer w.mu.Unlock()
	cw.Varint(w.lastT)
	cw.Uvarint(w.taken)
	w.saved = append(w.saved, walPos{w.lastT, w.taken})
}

// restorePosition reads what savePosition wrote; it runs before open.
func (w *walReceiver) restorePosition(r *checkpoint.Reader) error {
	lastT, taken := r.Varint(), r.Uvarint()
	if err := r.Err(); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lastT, w.taken = lastT, taken
	w.saved = []walPos{{lastT, taken}}
	return nil
}

// checkpointDone deletes the segments and allocations that the checkpoint at
// oldestKept, the oldest one a recovery could start from, no longer needs.
func (w *walReceiver) checkpointDone(oldestKept int64) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.wal == nil {
		return nil // not started yet: the initial checkpoint
	}
	k := -1
	for i, p := range w.saved {
		if p.t <= oldestKept {
			k = i
		}
	}
	if k < 0 {
		return nil
	}
	pos := w.saved[k]
	w.saved = w.saved[k:]
	if err := w.wal.TruncateBefore(pos.taken); err != nil {
		return err
	}
	return w.allocs.Compact(pos.t)
}

// close closes the log files.
func (w *walReceiver) close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.wal == nil {
		return nil
	}
	err := w.wal.Close()
	if cerr := w.allocs.Close(); err == nil {
		err = cerr
	}
	w.wal = nil
	return err
}
