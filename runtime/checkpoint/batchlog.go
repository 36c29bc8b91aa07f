package checkpoint

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
)

// BatchLog is the append-only log of batch-start markers in the checkpoint directory:
// before batch t runs, the engine appends t and syncs, so that a restarted binary knows
// which batches after the newest checkpoint had started (and may have written part of
// their outputs) and re-runs them with the same times. It is emptied after each
// checkpoint, since the checkpoint covers everything before it. An entry is 12 bytes:
// the batch time (8 bytes little-endian) and its CRC32C; a torn last entry is ignored.
type BatchLog struct {
	f *os.File
}

const batchEntrySize = 12

// OpenBatchLog opens (creating) the batch log of the directory and returns it with the
// batch times it holds, in order.
func (d *Dir) OpenBatchLog() (*BatchLog, []int64, error) {
	path := filepath.Join(d.path, BatchLogName)
	data, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return nil, nil, fmt.Errorf("batch log: %w", err)
	}
	var times []int64
	for len(data) >= batchEntrySize {
		e := data[:batchEntrySize]
		data = data[batchEntrySize:]
		if Checksum(e[:8]) != binary.LittleEndian.Uint32(e[8:]) {
			break // a torn write at the crash; nothing after it was synced
		}
		times = append(times, int64(binary.LittleEndian.Uint64(e[:8])))
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, nil, fmt.Errorf("batch log: %w", err)
	}
	// Rewrite what was valid so that appends follow the last good entry.
	l := &BatchLog{f: f}
	if err := l.reset(times); err != nil {
		f.Close()
		return nil, nil, err
	}
	return l, times, nil
}

// Started records durably that batch t is starting.
func (l *BatchLog) Started(t int64) error {
	var e [batchEntrySize]byte
	binary.LittleEndian.PutUint64(e[:8], uint64(t))
	binary.LittleEndian.PutUint32(e[8:], Checksum(e[:8]))
	if _, err := l.f.Write(e[:]); err != nil {
		return fmt.Errorf("batch log: %w", err)
	}
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("batch log: %w", err)
	}
	return nil
}

// Clear empties the log once a checkpoint covers its batches.
func (l *BatchLog) Clear() error { return l.reset(nil) }

func (l *BatchLog) reset(times []int64) error {
	buf := make([]byte, 0, len(times)*batchEntrySize)
	for _, t := range times {
		var e [batchEntrySize]byte
		binary.LittleEndian.PutUint64(e[:8], uint64(t))
		binary.LittleEndian.PutUint32(e[8:], Checksum(e[:8]))
		buf = append(buf, e[:]...)
	}
	if err := l.f.Truncate(0); err != nil {
		return fmt.Errorf("batch log: %w", err)
	}
	if _, err := l.f.WriteAt(buf, 0); err != nil {
		return fmt.Errorf("batch log: %w", err)
	}
	if _, err := l.f.Seek(int64(len(buf)), 0); err != nil {
		return fmt.Errorf("batch log: %w", err)
	}
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("batch log: %w", err)
	}
	return nil
}

// Close closes the log file.
func (l *BatchLog) Close() error { return l.f.Close() }
