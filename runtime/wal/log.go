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
	damage []Damage
	cut    *Cut
}

// ErrCorrupt is wrapped by the errors about damaged segments.
var ErrCorrupt = errors.New("corrupt write-ahead log")

// Damage describes records of a segment that cannot be read: bytes that are not a torn
// tail (something readable follows them, or a later segment exists), so the records in
// them were synced once and counted as received. Open never deletes or overwrites them;
// whoever knows which records are still needed (the receiver, from its checkpoint
// position) decides whether the loss matters.
type Damage struct {
	Segment string // path of the segment file
	Offset  int64  // byte offset of the first unreadable record in it
	Bytes   int64  // unreadable bytes from Offset
	First   uint64 // index of the first unreadable record
	Records uint64 // unreadable records from First on
}

// End returns the index after the last unreadable record.
func (d Damage) End() uint64 { return d.First + d.Records }

func (d Damage) String() string {
	return fmt.Sprintf("segment %s is damaged at byte %d (%d bytes): records [%d, %d) (%d) cannot be read",
		d.Segment, d.Offset, d.Bytes, d.First, d.End(), d.Records)
}

// Cut describes the tail that Open cut from the last segment: bytes after the last
// readable record that do not parse as records. After a crash this is normally a record
// that was being written and never synced (never counted), but bit rot in the last
// records looks the same, so the bytes are kept in SavedTo rather than destroyed, and
// the receiver checks the allocations for records it needed from them.
type Cut struct {
	Segment string // path of the segment file
	Offset  int64  // where the segment now ends
	Bytes   int64  // bytes cut
	Next    uint64 // index of the first record that would have been in them
	SavedTo string // file holding the cut bytes
}

// Open opens the log in dir, creating it when it is missing. It reads every segment: a
// torn tail of the last one is cut (and kept aside, see Cut); damage elsewhere is left
// in place and reported by Damage, and appends then go to a new segment so that the
// damaged one is never written again.
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
	// Older segments: their successor's name says how many records each must hold.
	for k, first := range l.segs[:len(l.segs)-1] {
		sc, err := scan(l.segPath(first), nil)
		if err != nil {
			return nil, err
		}
		l.damage = append(l.damage, sc.damage(l.segPath(first), first, l.segs[k+1])...)
	}
	last := l.segs[len(l.segs)-1]
	path := l.segPath(last)
	sc, err := scan(path, nil)
	if err != nil {
		return nil, err
	}
	l.damage = append(l.damage, sc.damage(path, last, last+sc.n)...)
	if sc.end < sc.size {
		// Cut the unreadable tail, keeping its bytes: it may hold records that were
		// synced once (bit rot), which only the receiver can tell from its allocations.
		saved, err := saveTail(path, sc.end)
		if err != nil {
			return nil, err
		}
		if err := os.Truncate(path, sc.end); err != nil {
			return nil, fmt.Errorf("write-ahead log: %w", err)
		}
		l.cut = &Cut{Segment: path, Offset: sc.end, Bytes: sc.size - sc.end, Next: last + sc.n, SavedTo: saved}
	}
	l.next = last + sc.n
	l.synced = l.next
	if len(sc.bad) > 0 {
		// Never append after damage: a new segment keeps the damaged bytes as they are.
		if err := l.startSegment(l.next); err != nil {
			return nil, err
		}
		return l, nil
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("write-ahead log: %w", err)
	}
	if _, err := f.Seek(sc.end, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("write-ahead log: %w", err)
	}
	l.f, l.w, l.size = f, bufio.NewWriterSize(f, 256<<10), sc.end
	return l, nil
}

// saveTail copies the bytes of path from off on into a file next to it (path.cut-off),
// synced, before the segment is cut there.
func saveTail(path string, off int64) (string, error) {
	src, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("write-ahead log: %w", err)
	}
	defer src.Close()
	if _, err := src.Seek(off, io.SeekStart); err != nil {
		return "", fmt.Errorf("write-ahead log: %w", err)
	}
	dst := fmt.Sprintf("%s.cut-%d", path, off)
	f, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return "", fmt.Errorf("write-ahead log: %w", err)
	}
	_, err = io.Copy(f, src)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = syncDir(filepath.Dir(path))
	}
	if err != nil {
		return "", fmt.Errorf("write-ahead log: saving the tail of %s: %w", path, err)
	}
	return dst, nil
}

// Damage returns the damaged records that Open found, in index order.
func (l *Log) Damage() []Damage {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.damage)
}

// TornTail returns the tail that Open cut from the last segment, or nil.
func (l *Log) TornTail() *Cut {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cut
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

// badRecord is a record whose checksum fails but whose length field is sound: the
// record after it reads correctly, so it can be stepped over and the records after it
// keep their indexes.
type badRecord struct {
	i      uint64 // index within the segment
	offset int64
	bytes  int64
}

// segScan is what scan found in a segment.
type segScan struct {
	n    uint64 // records up to end, bad ones stepped over included
	end  int64  // byte offset after the last record that could be read or stepped over
	size int64  // the file's size; bytes from end on do not parse
	bad  []badRecord
}

// damage turns a scan of the segment at path, whose records start at index first and
// should end at want, into Damage entries: the records stepped over, and the bytes from
// end on when they should have held records (want beyond what was read).
func (sc segScan) damage(path string, first, want uint64) []Damage {
	var out []Damage
	for _, b := range sc.bad {
		out = append(out, Damage{Segment: path, Offset: b.offset, Bytes: b.bytes, First: first + b.i, Records: 1})
	}
	if got := first + sc.n; got < want {
		out = append(out, Damage{Segment: path, Offset: sc.end, Bytes: sc.size - sc.end, First: got, Records: want - got})
	}
	return out
}

// scan reads the records of a segment, calling fn (when not nil) with each readable
// record's index within the segment and its bytes. A record whose checksum fails is
// stepped over when the record after it reads correctly (its length was sound: bit rot
// in its bytes); otherwise the scan stops there, at a torn or damaged stretch.
func scan(path string, fn func(i uint64, rec []byte) error) (segScan, error) {
	var sc segScan
	f, err := os.Open(path)
	if err != nil {
		return sc, fmt.Errorf("write-ahead log: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return sc, fmt.Errorf("write-ahead log: %w", err)
	}
	sc.size = st.Size()
	r := bufio.NewReaderSize(f, 256<<10)
	var hdr [headerSize]byte
	var buf []byte
	var pending *badRecord // a bad record not yet known to be followed by a good one
	off := int64(0)
	for {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			break // EOF or a torn header
		}
		size := binary.LittleEndian.Uint32(hdr[:4])
		if size > MaxRecordBytes || off+headerSize+int64(size) > sc.size {
			break
		}
		buf = slices.Grow(buf[:0], int(size))[:size]
		if _, err := io.ReadFull(r, buf); err != nil {
			break
		}
		if crc32.Checksum(buf, castagnoli) != binary.LittleEndian.Uint32(hdr[4:]) {
			if pending != nil {
				break // two in a row: the length of the first cannot be trusted
			}
			pending = &badRecord{i: sc.n, offset: off, bytes: headerSize + int64(size)}
			off += headerSize + int64(size)
			continue
		}
		if pending != nil {
			sc.bad = append(sc.bad, *pending)
			sc.n++
			pending = nil
		}
		if fn != nil {
			if err := fn(sc.n, buf); err != nil {
				return sc, err
			}
		}
		sc.n++
		off += headerSize + int64(size)
		sc.end = off
	}
	return sc, nil
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
// only valid during the call. Asking for records already truncated away, not yet
// durable, or damaged (see Damage) is an error wrapping ErrCorrupt that says which.
func (l *Log) Read(from, to uint64, fn func(i uint64, rec []byte) error) error {
	l.mu.Lock()
	segs := slices.Clone(l.segs)
	synced := l.synced
	damage := slices.Clone(l.damage)
	l.mu.Unlock()
	if from >= to {
		return nil
	}
	if from < segs[0] || to > synced {
		return fmt.Errorf("%w: records [%d, %d) asked for, the log holds [%d, %d)", ErrCorrupt, from, to, segs[0], synced)
	}
	for _, d := range damage {
		if d.First < to && d.End() > from {
			return fmt.Errorf("%w: records [%d, %d) asked for: %s", ErrCorrupt, from, to, d)
		}
	}
	for k, first := range segs {
		end := synced
		if k+1 < len(segs) {
			end = segs[k+1]
		}
		if end <= from || first >= to {
			continue
		}
		sc, err := scan(l.segPath(first), func(i uint64, rec []byte) error {
			idx := first + i
			if idx >= from && idx < to {
				return fn(idx, rec)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if want := min(end, to); first+sc.n < want || len(sc.bad) > 0 {
			// Damaged since Open (the damage list above was clean for this range).
			ds := sc.damage(l.segPath(first), first, end)
			for _, d := range ds {
				if d.First < to && d.End() > from {
					return fmt.Errorf("%w: records [%d, %d) asked for: %s", ErrCorrupt, from, to, d)
				}
			}
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
		// Tails cut from it were kept for inspection; they go with their segment.
		if cuts, _ := filepath.Glob(l.segPath(l.segs[k]) + ".cut-*"); len(cuts) > 0 {
			for _, c := range cuts {
				os.Remove(c)
			}
		}
		k++
	}
	l.segs = l.segs[k:]
	if len(l.segs) > 0 {
		l.damage = slices.DeleteFunc(l.damage, func(d Damage) bool { return d.End() <= l.segs[0] })
	}
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
