package wal

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// DefaultSegmentBytes is the size after which a new segment starts.
const DefaultSegmentBytes = 64 << 20

// MaxRecordBytes bounds one record, so that a damaged length field cannot make a reader
// allocate gigabytes.
const MaxRecordBytes = 64 << 20

const (
	segSuffix  = ".seg"
	headerSize = 8
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Options configures a Log.
type Options struct {
	// SegmentBytes is the size after which a new segment starts (default
	// DefaultSegmentBytes).
	SegmentBytes int64
}

// Log is a write-ahead log of records. It is safe for concurrent use: a receiver
// goroutine appends while the batch goroutine reads and truncates.
type Log struct {
	dir  string
	opts Options

	mu     sync.Mutex
	segs   []uint64 // first index of each segment, ascending; the last one is active
	f      *os.File // the active segment
	w      *bufio.Writer
	size   int64  // bytes in the active segment, buffered ones included
	next   uint64 // index of the next record to append
	synced uint64 // records before it are durable
}

// ErrCorrupt is wrapped by the errors about damaged segments.
var ErrCorrupt = errors.New("corrupt write-ahead log")

// Open opens the log in dir, creating it when it is missing, and repairs a torn tail.
func Open(dir string, opts Options) (*Log, error) {
	if opts.SegmentBytes <= 0 {
		opts.SegmentBytes = DefaultSegmentBytes
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("write-ahead log %s: %w", dir, err)
	}
	l := &Log{dir: dir, opts: opts}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("write-ahead log %s: %w", dir, err)
	}
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), segSuffix); ok {
			first, err := strconv.ParseUint(name, 10, 64)
			if err != nil {
				continue
			}
			l.segs = append(l.segs, first)
		}
	}
	slices.Sort(l.segs)
	if len(l.segs) == 0 {
		if err := l.startSegment(0); err != nil {
			return nil, err
		}
		return l, nil
	}
	last := l.segs[len(l.segs)-1]
	n, valid, err := scan(l.segPath(last), nil)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(l.segPath(last), os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("write-ahead log: %w", err)
	}
	// Cut a torn tail: it was never synced, so no record in it was ever counted.
	if err := f.Truncate(valid); err != nil {
		f.Close()
		return nil, fmt.Errorf("write-ahead log: %w", err)
	}
	if _, err := f.Seek(valid, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("write-ahead log: %w", err)
	}
	l.f, l.w, l.size = f, bufio.NewWriterSize(f, 256<<10), valid
	l.next = last + n
	l.synced = l.next
	return l, nil
}

func (l *Log) segPath(first uint64) string {
	return filepath.Join(l.dir, fmt.Sprintf("%020d%s", first, segSuffix))
}

// startSegment creates the segment whose first record is first and makes it active.
func (l *Log) startSegment(first uint64) error {
	f, err := os.OpenFile(l.segPath(first), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("write-ahead log: %w", err)
	}
	if err := syncDir(l.dir); err != nil {
		f.Close()
		return fmt.Errorf("write-ahead log: %w", err)
	}
	l.f, l.w, l.size = f, bufio.NewWriterSize(f, 256<<10), 0
	if len(l.segs) == 0 || l.segs[len(l.segs)-1] != first {
		l.segs = append(l.segs, first)
	}
	return nil
}

// scan reads the records of a segment, calling fn (when not nil) with each record's
// offset within the segment and its bytes. It returns the number of whole, valid records
// and the byte length they cover; it stops at the first torn or damaged record.
func scan(path string, fn func(i uint64, rec []byte) error) (n uint64, valid int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, fmt.Errorf("write-ahead log: %w", err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 256<<10)
	var hdr [headerSize]byte
	var buf []byte
	for {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return n, valid, nil // EOF or a torn header
		}
		size := binary.LittleEndian.Uint32(hdr[:4])
		if size > MaxRecordBytes {
			return n, valid, nil
		}
		buf = slices.Grow(buf[:0], int(size))[:size]
		if _, err := io.ReadFull(r, buf); err != nil {
			return n, valid, nil
		}
		if crc32.Checksum(buf, castagnoli) != binary.LittleEndian.Uint32(hdr[4:]) {
			return n, valid, nil
		}
		if fn != nil {
			if err := fn(n, buf); err != nil {
				return n, valid, err
			}
		}
		n++
		valid += headerSize + int64(size)
	}
}

// Append adds a record and returns its index. The record is buffered: it is durable
// only after the next Sync.
func (l *Log) Append(rec []byte) (uint64, error) {
	if len(rec) > MaxRecordBytes {
		return 0, fmt.Errorf("write-ahead log: record of %d bytes exceeds %d", len(rec), MaxRecordBytes)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return 0, errors.New("write-ahead log: closed")
	}
	if l.size >= l.opts.SegmentBytes {
		if err := l.rotate(); err != nil {
			return 0, err
		}
	}
	var hdr [headerSize]byte
	binary.LittleEndian.PutUint32(hdr[:4], uint32(len(rec)))
	binary.LittleEndian.PutUint32(hdr[4:], crc32.Checksum(rec, castagnoli))
	l.w.Write(hdr[:])
	if _, err := l.w.Write(rec); err != nil {
		return 0, fmt.Errorf("write-ahead log: %w", err)
	}
	l.size += headerSize + int64(len(rec))
	i := l.next
	l.next++
	return i, nil
}

// rotate syncs and closes the active segment and starts the next one; l.mu is held.
func (l *Log) rotate() error {
	if err := l.syncLocked(); err != nil {
		return err
	}
	if err := l.f.Close(); err != nil {
		return fmt.Errorf("write-ahead log: %w", err)
	}
	return l.startSegment(l.next)
}

// Sync makes every appended record durable: it writes the buffer and fsyncs.
func (l *Log) Sync() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.syncLocked()
}

func (l *Log) syncLocked() error {
	if l.f == nil {
		return errors.New("write-ahead log: closed")
	}
	if l.synced == l.next {
		return nil
	}
	if err := l.w.Flush(); err != nil {
		return fmt.Errorf("write-ahead log: %w", err)
	}
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("write-ahead log: %w", err)
	}
	l.synced = l.next
	return nil
}

// Next returns the index the next appended record will get: the number of records
// ever appended.
func (l *Log) Next() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.next
}

// First returns the index of the oldest record still in the log.
func (l *Log) First() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.segs[0]
}

// Read calls fn with each durable record whose index is in [from, to), in order. rec is
// only valid during the call. Asking for records already truncated away, or not yet
// durable, is an error.
func (l *Log) Read(from, to uint64, fn func(i uint64, rec []byte) error) error {
	l.mu.Lock()
	segs := slices.Clone(l.segs)
	synced := l.synced
	l.mu.Unlock()
	if from >= to {
		return nil
	}
	if from < segs[0] || to > synced {
		return fmt.Errorf("%w: records [%d, %d) asked for, the log holds [%d, %d)", ErrCorrupt, from, to, segs[0], synced)
	}
	for k, first := range segs {
		end := synced
		if k+1 < len(segs) {
			end = segs[k+1]
		}
		if end <= from || first >= to {
			continue
		}
		n, _, err := scan(l.segPath(first), func(i uint64, rec []byte) error {
			idx := first + i
			if idx >= from && idx < to {
				return fn(idx, rec)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if first+n < min(end, to) {
			return fmt.Errorf("%w: segment %s ends at record %d, expected %d", ErrCorrupt, l.segPath(first), first+n, min(end, to))
		}
	}
	return nil
}

// TruncateBefore deletes the segments whose records all have indexes below idx. The
// active segment is never deleted.
func (l *Log) TruncateBefore(idx uint64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := 0
	for k+1 < len(l.segs) && l.segs[k+1] <= idx {
		if err := os.Remove(l.segPath(l.segs[k])); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("write-ahead log: %w", err)
		}
		k++
	}
	l.segs = l.segs[k:]
	return nil
}

// Segments returns the number of segment files, for tests and metrics.
func (l *Log) Segments() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.segs)
}

// Close syncs and closes the log.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.syncLocked()
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}

func syncDir(path string) error {
	d, err := os.Open(path)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, os.ErrInvalid) {
		return nil
	}
	return err
}
