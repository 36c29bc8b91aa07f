package checkpoint

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
)

// BatchLog is the batch log of a checkpoint directory, Structured Streaming's offsets
// log: before batch t writes any output, the engine appends an entry saying what t reads
// from every source (BatchEntry) and syncs it. A restarted binary re-runs the batches
// after its checkpoint with exactly their logged input, so that a re-run batch is the
// same batch: outputs keyed by (batch time, partition) neither skip records that arrived
// after the original run of the batch nor write any twice.
//
// Entries are kept as long as a kept checkpoint may still be recovered from: Prune
// drops those up to the oldest kept checkpoint, rewriting the file atomically.
//
// # Format
//
//	"STRMBLG2"                      8 bytes of magic
//	entries, each:
//	  length                        4 bytes little-endian: the payload's length
//	  payload                       varint batch time, uvarint partitions,
//	                                uvarint n, then n sections (string name, bytes data)
//	  CRC32C                        4 bytes little-endian, over the payload
//
// A torn last entry (a crash during the append) fails its length or checksum and is
// dropped when the log is opened; nothing after it had been synced. A file without the
// magic is the first format (12-byte entries: batch time and CRC32C, no input), which is
// read and rewritten in the current one.
type BatchLog struct {
	dir     string
	f       *os.File
	entries []BatchEntry
	dropped int // bytes of a damaged or torn tail dropped when opened
}

// BatchEntry is what the batch log holds for one batch.
type BatchEntry struct {
	Time int64
	// Partitions is the run's partition count when the batch started: outputs commit per
	// partition, so a re-run must split its input the same way.
	Partitions int
	// Sources holds each planning source's plan, under its registered name; nil for an
	// entry of the first format, which recorded only that the batch had started.
	Sources []Section
}

// Source returns the plan of the named source, or nil when the entry has none.
func (e BatchEntry) Source(name string) []byte {
	for _, s := range e.Sources {
		if s.Name == name {
			return s.Data
		}
	}
	return nil
}

var batchLogMagic = []byte("STRMBLG2")

// v1BatchEntrySize is the size of an entry of the first format.
const v1BatchEntrySize = 12

// OpenBatchLog opens (creating) the batch log of the directory and returns it with the
// entries it holds, in order.
func (d *Dir) OpenBatchLog() (*BatchLog, []BatchEntry, error) {
	path := filepath.Join(d.path, BatchLogName)
	data, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return nil, nil, fmt.Errorf("batch log: %w", err)
	}
	l := &BatchLog{dir: d.path}
	if bytes.HasPrefix(data, batchLogMagic) {
		l.entries, l.dropped = decodeBatchEntries(data[len(batchLogMagic):])
	} else {
		l.entries, l.dropped = decodeV1BatchEntries(data)
	}
	// Rewrite what was valid, in the current format, so that appends follow the last
	// good entry.
	if err := l.rewrite(l.entries); err != nil {
		return nil, nil, err
	}
	return l, slices.Clone(l.entries), nil
}

// Dropped returns how many bytes of damaged or torn entries OpenBatchLog dropped from
// the end of the log.
func (l *BatchLog) Dropped() int { return l.dropped }

func decodeBatchEntries(data []byte) (entries []BatchEntry, dropped int) {
	for len(data) > 0 {
		if len(data) < 8 {
			return entries, len(data)
		}
		n := int(binary.LittleEndian.Uint32(data))
		if n > len(data)-8 {
			return entries, len(data)
		}
		payload := data[4 : 4+n]
		if Checksum(payload) != binary.LittleEndian.Uint32(data[4+n:]) {
			return entries, len(data)
		}
		e, err := decodeBatchEntry(payload)
		if err != nil {
			return entries, len(data)
		}
		entries = append(entries, e)
		data = data[8+n:]
	}
	return entries, 0
}

func decodeBatchEntry(payload []byte) (BatchEntry, error) {
	r := NewReader(payload)
	e := BatchEntry{Time: r.Varint(), Partitions: int(r.Uvarint())}
	n := r.Len()
	for range n {
		if r.Err() != nil {
			break
		}
		e.Sources = append(e.Sources, Section{Name: r.String(), Data: r.Bytes()})
	}
	return e, r.Done()
}

func decodeV1BatchEntries(data []byte) (entries []BatchEntry, dropped int) {
	for len(data) >= v1BatchEntrySize {
		e := data[:v1BatchEntrySize]
		if Checksum(e[:8]) != binary.LittleEndian.Uint32(e[8:]) {
			break
		}
		entries = append(entries, BatchEntry{Time: int64(binary.LittleEndian.Uint64(e[:8]))})
		data = data[v1BatchEntrySize:]
	}
	return entries, len(data)
}

func appendBatchEntry(buf []byte, e BatchEntry) []byte {
	w := NewWriter()
	w.Varint(e.Time)
	w.Uvarint(uint64(e.Partitions))
	w.Len(len(e.Sources))
	for _, s := range e.Sources {
		w.String(s.Name)
		w.Bytes(s.Data)
	}
	payload := w.Data()
	buf = binary.LittleEndian.AppendUint32(buf, uint32(len(payload)))
	buf = append(buf, payload...)
	return binary.LittleEndian.AppendUint32(buf, Checksum(payload))
}

// Append records batch e durably: it returns once the entry is synced.
func (l *BatchLog) Append(e BatchEntry) error {
	if err := l.Write(e); err != nil {
		return err
	}
	return l.Sync()
}

// Write appends batch e to the log without syncing it: the entry is durable once Sync
// returns. The engine syncs while the batch computes, and holds back everything the
// batch writes outside the process until then. Sync may run on another goroutine than
// Write; nothing else may use the log until it returns.
func (l *BatchLog) Write(e BatchEntry) error {
	if _, err := l.f.Write(appendBatchEntry(nil, e)); err != nil {
		return fmt.Errorf("batch log: %w", err)
	}
	l.entries = append(l.entries, e)
	return nil
}

// Sync makes the entries written so far durable.
func (l *BatchLog) Sync() error {
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("batch log: %w", err)
	}
	return nil
}

// Prune drops the entries of batches up to and including upTo (the oldest kept
// checkpoint, which covers them), rewriting the log atomically when any goes.
func (l *BatchLog) Prune(upTo int64) error {
	keep := slices.DeleteFunc(slices.Clone(l.entries), func(e BatchEntry) bool { return e.Time <= upTo })
	if len(keep) == len(l.entries) {
		return nil
	}
	return l.rewrite(keep)
}

// rewrite replaces the log with entries: written to a temporary file, synced, renamed
// into place and the directory synced, so that a crash leaves either log whole.
func (l *BatchLog) rewrite(entries []BatchEntry) error {
	buf := slices.Clone(batchLogMagic)
	for _, e := range entries {
		buf = appendBatchEntry(buf, e)
	}
	tmp, err := createTemp(l.dir, tmpPrefix+"batches.log.tmp-*")
	if err != nil {
		return fmt.Errorf("batch log: %w", err)
	}
	_, err = tmp.Write(buf)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	path := filepath.Join(l.dir, BatchLogName)
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("batch log: %w", err)
	}
	if err := syncDir(l.dir); err != nil {
		return fmt.Errorf("batch log: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("batch log: %w", err)
	}
	if l.f != nil {
		l.f.Close()
	}
	l.f, l.entries = f, entries
	return nil
}

// Close closes the log file.
func (l *BatchLog) Close() error { return l.f.Close() }
