package codec

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// A dead-letter file is written exactly once per batch, across crashes, when the run has
// a checkpoint directory. A batch re-run after a restart reads exactly the input it read
// before (the batch log guarantees it), so it finds exactly the same bad records; what
// must not happen is that its dead letters are appended a second time, or that a crash
// in the middle of an append leaves half a line. So:
//
//   - Entries are buffered while a batch runs and appended in one write by Flush: the
//     decoders' after the batch's stages, a sink's rejected rows after its output.
//   - With a checkpoint directory, each append is then synced and committed: a record
//     (batch time t, n, file size after the append), saying that the first n appends of
//     batch t are in the file, is appended and synced to a small commit log in
//     <checkpoint>/deadletter/. A restart that resumes from a checkpoint cuts the file
//     back to the last committed size (removing a torn or uncommitted append) and skips
//     the appends it finds committed: every append of a batch before the last committed
//     one, and the first n of that batch. The appends of a batch come in the same order
//     on every run of it (decoders, then each sink's), so a crash between two of them
//     (say after the decoders' and before a sink's) loses and repeats nothing.
//   - Without a checkpoint directory there are no re-runs (a restart starts afresh), so
//     an append is written without syncing; a torn last line left by a crash is cut when
//     the file is next opened.
//
// Lines that a receiver (socket, stdin) drops for their length are not part of any
// batch's logged input: a re-run batch does not see them again. Their entries are
// appended with the next flush whatever its batch, and do not count among its appends,
// so that each is written once.
//
// Several handlers may name the same file: they share one deadLetterFile (files, keyed
// by absolute path), so that the decoders' entries of a batch are one append and one
// commit. A file belongs to one pipeline: another process appending to it at the same
// time would have its lines cut on restart.

// files holds the open dead-letter files of the process by absolute path; an entry is
// removed when its last BadRecords is closed.
var files = struct {
	sync.Mutex
	m map[string]*deadLetterFile
}{m: map[string]*deadLetterFile{}}

// deadLetterFile is one dead-letter file and its pending entries.
type deadLetterFile struct {
	path      string // as written in the policy
	key       string // the absolute path, the registry key
	commitDir string // <checkpoint>/deadletter, or "" without a checkpoint directory
	resume    bool   // the run resumes from a checkpoint: honour the commit log

	mu     sync.Mutex
	refs   int
	opened bool
	f      *os.File
	size   int64 // the file's size after the last append
	log    *os.File
	logLen int // records in the commit log
	// recovered is the last commit of an earlier run: the appends it covers are
	// skipped when their batch is re-run ({math.MinInt64, 0} when there is none).
	recovered batchAppend
	// committed is the newest commit record; cur counts the appends of the batch
	// being flushed (cur.time), skipped ones included.
	committed, cur batchAppend
	// lines are the complete entries of the batch running (Handle), oversized its
	// entries for over-long lines, stamped with the batch time when they are written.
	lines     []byte
	oversized []Oversized
	newest    int64 // the newest batch time seen, to stamp entries written by close
}

// acquire returns the shared file for path, creating its entry on first use.
func acquire(path, checkpointDir string, resume bool) *deadLetterFile {
	key, err := filepath.Abs(path)
	if err != nil {
		key = filepath.Clean(path)
	}
	files.Lock()
	defer files.Unlock()
	f := files.m[key]
	if f == nil {
		none := batchAppend{time: math.MinInt64}
		f = &deadLetterFile{path: path, key: key, resume: resume, recovered: none, committed: none, cur: none, newest: math.MinInt64}
		if checkpointDir != "" {
			f.commitDir = filepath.Join(checkpointDir, "deadletter")
		}
		files.m[key] = f
	}
	f.refs++
	return f
}

// release drops one reference to f; the last one writes what is pending and closes it.
func (f *deadLetterFile) release() error {
	files.Lock()
	f.refs--
	last := f.refs == 0
	if last {
		delete(files.m, f.key)
	}
	files.Unlock()
	if !last {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	err := f.closeLocked()
	if f.f != nil {
		if cerr := f.f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("dead letter file: %w", cerr)
		}
		f.f = nil
	}
	if f.log != nil {
		f.log.Close()
		f.log = nil
	}
	return err
}

// closeLocked writes the entries still pending when the run ends. Entries of receivers
// are committed like any flush. Those of a batch that never flushed (it failed) are
// dropped when there is a commit log, for the batch is re-run from its checkpoint by the
// next start, which writes them; without one nothing will re-run it, so they are
// written.
func (f *deadLetterFile) closeLocked() error {
	if len(f.lines) == 0 && len(f.oversized) == 0 {
		return nil
	}
	t := max(f.newest, f.committed.time)
	if received := f.takeOversized(t, true); len(received) > 0 {
		if err := f.appendLocked(received, f.committed); err != nil {
			return err
		}
	}
	rest := append(f.takeOversized(t, false), f.lines...)
	f.lines = f.lines[:0]
	if len(rest) == 0 || f.commitDir != "" {
		return nil
	}
	if err := f.openLocked(); err != nil {
		return err
	}
	if _, err := f.f.Write(rest); err != nil {
		return fmt.Errorf("dead letter file: %w", err)
	}
	return nil
}

// handle buffers one complete entry of batch batchTime.
func (f *deadLetterFile) handle(batchTime int64, source, pos, errText, raw string) {
	f.mu.Lock()
	f.lines = appendEntry(f.lines, batchTime, source, pos, errText, raw, -1)
	f.newest = max(f.newest, batchTime)
	f.mu.Unlock()
}

// oversize buffers the entry of an over-long line; its batch time is the flush's.
func (f *deadLetterFile) oversize(o Oversized) {
	f.mu.Lock()
	f.oversized = append(f.oversized, o)
	f.mu.Unlock()
}

// takeOversized renders and removes the pending oversize entries that came from a
// receiver (received) or from a batch's input (!received), stamped with batch time t.
func (f *deadLetterFile) takeOversized(t int64, received bool) []byte {
	var out []byte
	kept := f.oversized[:0]
	for _, o := range f.oversized {
		if o.Received != received {
			kept = append(kept, o)
			continue
		}
		out = appendEntry(out, t, o.Source, o.Pos, o.message(), o.Prefix, o.Size)
	}
	clear(f.oversized[len(kept):])
	f.oversized = kept
	return out
}

// flush appends the entries of batch t in one write and, with a checkpoint directory,
// commits them. An append of a re-run batch that an earlier run committed is skipped;
// what receivers dropped since is written all the same.
func (f *deadLetterFile) flush(t int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.newest = max(f.newest, t)
	if len(f.lines) == 0 && len(f.oversized) == 0 {
		return nil
	}
	if err := f.openLocked(); err != nil {
		f.lines, f.oversized = f.lines[:0], f.oversized[:0]
		return err
	}
	out := f.takeOversized(t, true)
	batch := append(f.takeOversized(t, false), f.lines...)
	f.lines = f.lines[:0]
	commit := f.committed
	if len(batch) > 0 {
		// Appends are numbered by the batch being run, whose time only grows. A flush
		// with an older time (a caller passing a lagged event-time batch's time instead
		// of the running batch's, against Flush's contract) counts as one more append
		// of the newest batch flushed, not as a batch that goes back in time.
		if key := max(t, f.cur.time); f.cur.time != key {
			f.cur = batchAppend{time: key}
		}
		f.cur.n++
		if f.cur.after(f.recovered) {
			out = append(out, batch...)
			commit = f.cur
		}
	}
	if len(out) == 0 {
		return nil
	}
	return f.appendLocked(out, commit)
}

// batchAppend names the n-th append of batch time: the first n appends of that batch
// (n = 0: none of it).
type batchAppend struct {
	time int64
	n    int32
}

// after reports whether a comes after b: a later batch, or a later append of the same.
func (a batchAppend) after(b batchAppend) bool {
	return a.time > b.time || a.time == b.time && a.n > b.n
}

// appendLocked writes data at the end of the file in one write and, when there is a
// commit log, commits it as c.
func (f *deadLetterFile) appendLocked(data []byte, c batchAppend) error {
	if err := f.openLocked(); err != nil {
		return err
	}
	if _, err := f.f.Write(data); err != nil {
		return fmt.Errorf("dead letter file: %w", err)
	}
	if f.log == nil {
		f.size += int64(len(data))
		return nil
	}
	// The file's content is synced before the record that commits it: after a power
	// loss the commit log never claims more than the file holds.
	end, err := f.f.Seek(0, io.SeekCurrent) // O_APPEND: the end of the file
	if err == nil {
		err = f.f.Sync()
	}
	if err != nil {
		return fmt.Errorf("dead letter file: %w", err)
	}
	f.size = end
	if f.committed.after(c) {
		c = f.committed // receivers' entries: the same appends are committed
	}
	return f.commitLocked(commitRecord{c, end})
}

// openLocked opens the file on first use, creating it and its directory, and brings it
// to a clean state: with a commit log and a resumed run, back to the last committed
// size; otherwise only a torn last line (no final newline) is cut.
func (f *deadLetterFile) openLocked() error {
	if f.opened {
		if f.f == nil {
			return fmt.Errorf("dead letter file %s: not open after an earlier failure", f.path)
		}
		return nil
	}
	f.opened = true
	if dir := filepath.Dir(f.path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("dead letter file: %w", err)
		}
	}
	file, err := os.OpenFile(f.path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("dead letter file: %w", err)
	}
	size, err := file.Seek(0, io.SeekEnd)
	if err != nil {
		file.Close()
		return fmt.Errorf("dead letter file: %w", err)
	}
	keep := int64(-1) // the size to cut the file back to; -1: up to its last newline
	var rec commitRecord
	found := false
	if f.commitDir != "" && f.resume {
		rec, found, err = readCommitLog(f.logPath())
		if err != nil {
			file.Close()
			return err
		}
		if found {
			f.recovered = rec.batchAppend
			// A committed size beyond the end means the file was truncated or replaced
			// since (rotated by hand): nothing of it is cut, and its entries count as
			// committed all the same.
			if rec.size <= size {
				keep = rec.size
			}
		}
	}
	if keep < 0 {
		if keep, err = afterLastNewline(file, size); err != nil {
			file.Close()
			return fmt.Errorf("dead letter file %s: %w", f.path, err)
		}
	}
	if keep < size {
		if err := file.Truncate(keep); err != nil {
			file.Close()
			return fmt.Errorf("dead letter file %s: cutting back to %d bytes: %w", f.path, keep, err)
		}
		size = keep
	}
	f.f, f.size = file, size
	if f.commitDir == "" {
		return nil
	}
	// The log starts again from one record: the state just established. Writing it
	// before the first append is what lets a crash during that append be cut.
	c := f.recovered
	if err := f.rewriteLog(commitRecord{c, size}); err != nil {
		return err
	}
	f.committed = c
	return nil
}

// afterLastNewline returns the size of the file up to and including its last newline:
// what is after it is a torn line.
func afterLastNewline(file *os.File, size int64) (int64, error) {
	buf := make([]byte, 64<<10)
	end := size
	for end > 0 {
		n := min(int64(len(buf)), end)
		chunk := buf[:n]
		if _, err := file.ReadAt(chunk, end-n); err != nil {
			return 0, err
		}
		for i := len(chunk) - 1; i >= 0; i-- {
			if chunk[i] == '\n' {
				return end - n + int64(i) + 1, nil
			}
		}
		end -= n
	}
	return 0, nil
}

// The commit log is a sequence of fixed-size records, each written and synced after
// the append it commits. A torn last record (a crash while writing it) fails its
// checksum and is ignored, which is safe: the append it would have committed is cut.
const (
	commitMagic      = "DLC1"
	commitRecordSize = 4 + 8 + 4 + 8 + 4
	// maxCommitRecords is when the log is rewritten with its last record alone.
	maxCommitRecords = 4096
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// commitRecord says that the file's first size bytes hold every append up to
// batchAppend.
type commitRecord struct {
	batchAppend
	size int64
}

func (r commitRecord) encode() []byte {
	b := make([]byte, 0, commitRecordSize)
	b = append(b, commitMagic...)
	b = binary.LittleEndian.AppendUint64(b, uint64(r.time))
	b = binary.LittleEndian.AppendUint32(b, uint32(r.n))
	b = binary.LittleEndian.AppendUint64(b, uint64(r.size))
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

// readCommitLog returns the last valid record of the log at path (found is false when
// the log does not exist or holds none).
func readCommitLog(path string) (rec commitRecord, found bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return rec, false, nil
	}
	if err != nil {
		return rec, false, fmt.Errorf("dead letter commit log: %w", err)
	}
	const body = commitRecordSize - 4
	for len(data) >= commitRecordSize {
		r := data[:commitRecordSize]
		if string(r[:4]) != commitMagic || binary.LittleEndian.Uint32(r[body:]) != crc32.Checksum(r[:body], castagnoli) {
			break
		}
		rec = commitRecord{batchAppend{int64(binary.LittleEndian.Uint64(r[4:])), int32(binary.LittleEndian.Uint32(r[12:]))},
			int64(binary.LittleEndian.Uint64(r[16:]))}
		found = true
		data = data[commitRecordSize:]
	}
	return rec, found, nil
}

// logPath is the commit log of the file: named after the file and a hash of its
// absolute path, so that two files of the same name do not share one.
func (f *deadLetterFile) logPath() string {
	h := fnv.New64a()
	h.Write([]byte(f.key))
	return filepath.Join(f.commitDir, filepath.Base(f.key)+"-"+strconv.FormatUint(h.Sum64(), 16)+".commits")
}

// commitLocked appends a commit record and syncs it; a long log is rewritten instead.
func (f *deadLetterFile) commitLocked(r commitRecord) error {
	if f.logLen >= maxCommitRecords {
		if err := f.rewriteLog(r); err != nil {
			return err
		}
	} else {
		if _, err := f.log.Write(r.encode()); err != nil {
			return fmt.Errorf("dead letter commit log: %w", err)
		}
		if err := f.log.Sync(); err != nil {
			return fmt.Errorf("dead letter commit log: %w", err)
		}
		f.logLen++
	}
	f.committed = r.batchAppend
	return nil
}

// rewriteLog replaces the commit log with the one record r: written to a temporary
// file, synced, renamed into place and the directory synced, then reopened for appends.
func (f *deadLetterFile) rewriteLog(r commitRecord) error {
	if f.log != nil {
		f.log.Close()
		f.log = nil
	}
	if err := os.MkdirAll(f.commitDir, 0o755); err != nil {
		return fmt.Errorf("dead letter commit log: %w", err)
	}
	path := f.logPath()
	tmp := path + ".tmp"
	err := writeSynced(tmp, r.encode())
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err == nil {
		err = syncDir(f.commitDir)
	}
	if err != nil {
		return fmt.Errorf("dead letter commit log: %w", err)
	}
	log, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("dead letter commit log: %w", err)
	}
	f.log, f.logLen = log, 1
	return nil
}

func writeSynced(path string, data []byte) error {
	file, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, err = file.Write(data)
	if err == nil {
		err = file.Sync()
	}
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	return err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// appendEntry appends one dead-letter line:
//
//	{"batchTime":1700000000000,"source":"…","pos":"…","error":"…","record":"…"}
//
// with ,"size":N before the brace when the record is only the beginning of a line of N
// bytes (size >= 0).
func appendEntry(buf []byte, batchTime int64, source, pos, errText, raw string, size int) []byte {
	buf = append(buf, `{"batchTime":`...)
	buf = strconv.AppendInt(buf, batchTime, 10)
	buf = append(buf, `,"source":`...)
	buf = AppendJSONString(buf, source)
	buf = append(buf, `,"pos":`...)
	buf = AppendJSONString(buf, pos)
	buf = append(buf, `,"error":`...)
	buf = AppendJSONString(buf, errText)
	buf = append(buf, `,"record":`...)
	buf = AppendJSONString(buf, raw)
	if size >= 0 {
		buf = append(buf, `,"size":`...)
		buf = strconv.AppendInt(buf, int64(size), 10)
	}
	return append(buf, "}\n"...)
}
