package source

import (
	"fmt"
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
// first.
type walReceiver struct {
	dir string
	in  *inbox

	// Used by the receiving goroutine only.
	pending []string
	since   time.Time

	mu     sync.Mutex
	log    *wal.Log
	allocs *wal.Allocs
	taken  uint64      // records handed to batches up to lastT
	lastT  int64       // the last batch time served (or restored)
	replay []wal.Alloc // recovered allocations of batches after lastT, still to serve
	saved  []walPos    // positions written to checkpoints that may still be recovered from
}

// walPos is a position written to a checkpoint.
type walPos struct {
	t     int64
	taken uint64
}

func newWALReceiver(dir string, in *inbox) *walReceiver {
	return &walReceiver{dir: dir, in: in}
}

// open opens the log at Start, finds the allocations to replay, and puts the durable
// records that no batch had taken into the inbox.
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
	w.log, w.allocs = log, allocs
	if w.taken < log.First() || w.taken > log.Next() {
		return fmt.Errorf("write-ahead log %s holds records [%d, %d) but the checkpoint resumes at record %d: "+
			"the log does not belong to this checkpoint", w.dir, log.First(), log.Next(), w.taken)
	}
	end := w.taken
	for _, a := range allocs.Entries() {
		if a.Time > w.lastT && a.End >= end && a.End <= log.Next() {
			w.replay = append(w.replay, a)
			end = a.End
		}
	}
	var recs []string
	if err := log.Read(end, log.Next(), func(_ uint64, rec []byte) error {
		recs = append(recs, string(rec))
		return nil
	}); err != nil {
		return err
	}
	w.in.addAll(recs)
	if len(w.saved) == 0 {
		w.saved = []walPos{{w.lastT, w.taken}}
	}
	return nil
}

// receive logs a record; more reports that the input has more bytes buffered, so the
// sync can wait for them. The record reaches the inbox once synced.
func (w *walReceiver) receive(line string, more bool) error {
	// No w.mu here: batch holds it while a replay-mode take waits for this goroutine.
	// The log is safe for concurrent use and is closed only after this goroutine ends.
	if _, err := w.log.Append([]byte(line)); err != nil {
		return err
	}
	if len(w.pending) == 0 {
		w.since = time.Now()
	}
	w.pending = append(w.pending, line)
	if !more || len(w.pending) >= walGroupRecords || time.Since(w.since) >= walGroupDelay {
		return w.flush()
	}
	return nil
}

// flush syncs the log and hands the pending records to the inbox.
func (w *walReceiver) flush() error {
	if len(w.pending) == 0 {
		return nil
	}
	if err := w.log.Sync(); err != nil {
		return err
	}
	w.in.addAll(w.pending)
	w.pending = nil
	return nil
}

// batch returns the records of batch t: its recovered allocation when it is a batch
// being re-run, else what take returns from the inbox, allocated durably first.
func (w *walReceiver) batch(t int64, take func() ([]string, error)) ([]string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.replay) > 0 {
		// Allocations up to t (normally exactly t) are served together.
		end := w.taken
		for len(w.replay) > 0 && w.replay[0].Time <= t {
			end = w.replay[0].End
			w.replay = w.replay[1:]
		}
		var recs []string
		if err := w.log.Read(w.taken, end, func(_ uint64, rec []byte) error {
			recs = append(recs, string(rec))
			return nil
		}); err != nil {
			return nil, err
		}
		w.taken, w.lastT = end, t
		return recs, nil
	}
	recs, err := take()
	if err != nil {
		return nil, err
	}
	end := w.taken + uint64(len(recs))
	if err := w.allocs.Append(wal.Alloc{Time: t, End: end}); err != nil {
		return nil, err
	}
	w.taken, w.lastT = end, t
	return recs, nil
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
	if w.log == nil {
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
	if err := w.log.TruncateBefore(pos.taken); err != nil {
		return err
	}
	return w.allocs.Compact(pos.t)
}

// close closes the log files.
func (w *walReceiver) close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.log == nil {
		return nil
	}
	err := w.log.Close()
	if cerr := w.allocs.Close(); err == nil {
		err = cerr
	}
	w.log = nil
	return err
}
