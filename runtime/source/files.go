package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"streamc.dev/streamc/runtime/checkpoint"
	"streamc.dev/streamc/runtime/recording"
)

// DefaultRemember is Spark's minRememberDuration: how far back (in milliseconds) a
// Files source looks for new files.
const DefaultRemember int64 = 60_000

// FilesOptions configures a Files source.
type FilesOptions struct {
	// Replay selects replay mode: every matching file that exists at Start is delivered,
	// one file per batch in lexical path order, regardless of modification times.
	Replay bool
	// IncludeExisting is Spark's newFilesOnly = false: at the first live batch, files
	// already there are taken if they were modified within the remember window. By
	// default (newFilesOnly) files modified before Start are ignored.
	IncludeExisting bool
	// Remember is the remember window in milliseconds (default DefaultRemember).
	Remember int64
	// MaxLineBytes is the longest accepted line; 0 means DefaultMaxLineBytes.
	MaxLineBytes int
	// OnOversize is called with the file and the length of each line longer than
	// MaxLineBytes, which is dropped; an error it returns fails the batch. When nil,
	// oversized lines are logged, counted and dropped.
	OnOversize func(path string, size int) error
	// Logger receives the source's log lines; nil discards them.
	Logger *slog.Logger
	// Recycle says that no line of a batch (no substring of one either) is used once the
	// next batch is asked for, so the memory a batch's lines live in, and the slice
	// holding them, can be reused for a later batch instead of allocated and zeroed
	// again. The code generator sets it when the plan proves it: no window, state,
	// eventTime or cache downstream keeps strings of the input (planner.Source.Recycle).
	// Lines of a recycled batch change under anyone who kept them, so only a proof will do.
	Recycle bool
	// Text says the batch's records are read with TextBatch: each partition gets texts
	// of whole lines, which its reader cuts into lines itself (CutText), instead of the
	// lines cut by the reading goroutine. See TextBatch.
	Text bool
}

// Files is Spark's textFileStream (FileInputDStream): at each batch it lists a directory
// (or a glob) and reads the files that appeared since, one line a record.
//
// In live mode, batch t takes the files whose modification time is in
// (max(t - Remember, start), t] — start being the time of Start unless IncludeExisting —
// and that were not read before. Files modified after t wait for a later batch. Names
// starting with "." or "_" are hidden and ignored, as are directories (a directory given
// itself lists its files, not recursively; a glob may match directories, whose files are
// then listed). Like Spark, Files cannot tell a file that is still being written: writers
// should create files elsewhere and move them in. A file is read once: the source remembers
// the paths it has read, with the size it read, for as long as they are in the directory;
// a file changed after it was read is reported and its change is not read (Spark's rule:
// files must not change once moved in). Each batch's files and sizes are fixed before it
// runs (PlanBatch, logged by the engine), so a batch re-run after a crash reads them again
// up to the same sizes. The records of a batch are its files' lines, files
// in (modification time, path) order, split into contiguous partitions: of about the
// same number of lines, or of bytes for a source read as texts (FilesOptions.Text).
//
// In replay mode see FilesOptions.Replay.
type Files struct {
	pattern string
	opts    FilesOptions
	log     *slog.Logger

	mu        sync.Mutex
	started   bool
	restored  bool             // RestorePosition set threshold and seen
	threshold int64            // live: initial lower bound for modification times (exclusive)
	seen      map[string]int64 // path → modification time, or unknownTime once restored
	pending   []string         // replay: files still to deliver, in order
	oversized int64
	// plan is the input of the next batch, fixed by PlanBatch (or ReplanBatch, from the
	// batch log) before the batch runs; Batch reads exactly these files, each up to its
	// planned size. A Batch without a plan for its time plans it itself.
	plan filesPlan
	// changed holds the remembered paths already reported as modified after they were
	// read, so that a file still being appended to is reported once.
	changed map[string]bool
	missing bool // the watched path was missing at the last listing (warned once)
	// lines and files count what was handed to batches, for SourceStatus; lines is added
	// to by the partitions without the lock when they count (CountInPartitions).
	lines atomic.Int64
	files int64
	// countInParts says the partitions count the lines of TextBatch's texts
	// (CountInPartitions); set before Start.
	countInParts bool

	// ahead is the read of the next pending file in replay mode, started when a batch is
	// delivered so that reading and cutting overlap the batch's processing; nil when none.
	ahead *readAhead
	// spare holds buffers free for reading (Recycle): those of batches already processed.
	spare buffers
	// delivered holds the buffers of the batch last returned by Batch (Recycle), given to
	// spare when the next batch is asked for.
	delivered buffers
	// tap records each batch (--record) or replaces it by a recorded one (--recording);
	// nil otherwise. See SetTap.
	tap *recording.Tap
}

// buffers is memory a batch's lines can be read into: the byte buffers of its pieces and
// the slice of its lines.
type buffers struct {
	bytes [][]byte
	recs  []string
}

// take returns a buffer of length n: a spare one large enough, or a new one of at least
// fileChunkBytes plus some room, so that it serves the following reads too, outside the
// Go heap where the system allows (offHeap): it will be reused, never collected.
func (b *buffers) take(n int) []byte {
	for i := len(b.bytes) - 1; i >= 0; i-- {
		if buf := b.bytes[i]; cap(buf) >= n {
			b.bytes = slices.Delete(b.bytes, i, i+1)
			return buf[:n]
		}
	}
	// Room beyond n, so that the next file, a little larger, fits too.
	size := max(n+n/4, fileChunkBytes+fileChunkBytes/4)
	if buf := offHeap(size); buf != nil {
		return buf[:n]
	}
	return make([]byte, n, size)
}

// takeRecs returns the spare slice for lines, emptied, leaving none.
func (b *buffers) takeRecs() []string {
	recs := b.recs[:0]
	b.recs = nil
	return recs
}

// add moves the buffers of o into b.
func (b *buffers) add(o buffers) {
	b.bytes = append(b.bytes, o.bytes...)
	if cap(o.recs) > cap(b.recs) {
		b.recs = o.recs[:0]
	}
}

// readAhead is one file read in the background: done is closed when the rest is set.
type readAhead struct {
	path  string
	done  chan struct{}
	spare buffers // given to the read; what it did not use is given back
	file  loadedFile
}

// filesPlan is the input of one batch: the files it reads, in order.
type filesPlan struct {
	t     int64
	set   bool
	files []plannedFile
}

// plannedFile is a file of a batch's plan, read up to size bytes: its size when the
// batch was planned, so that a batch re-run after a crash reads what it read then, and
// bytes appended since are never read (Spark's rule: a file must not change once it is in
// the directory).
type plannedFile struct {
	path  string
	size  int64
	mtime int64
}

// loadedFile is a file read and cut into lines (or texts, FilesOptions.Text), not yet
// delivered.
type loadedFile struct {
	size  int64 // the bytes read
	recs  []string
	lines int     // the lines of recs
	over  []int   // sizes of the oversized lines dropped, in file order
	bufs  buffers // the memory recs live in (Recycle), and the spare memory not used
	err   error
}

var _ Source[string] = (*Files)(nil)

// unknownTime marks a remembered path whose modification time is not known yet (restored
// from a checkpoint); the next listing fills it in.
const unknownTime = -1 << 63

// NewFiles returns a file source over pattern, a directory or a filepath.Match glob,
// named "files(pattern)".
func NewFiles(pattern string, opts FilesOptions) *Files {
	if opts.Remember <= 0 {
		opts.Remember = DefaultRemember
	}
	f := &Files{pattern: pattern, opts: opts, seen: map[string]int64{}}
	// The logger names the source already (the pipeline's name for it).
	f.log = orDiscard(opts.Logger)
	return f
}

// Name returns "files(pattern)".
func (f *Files) Name() string { return "files(" + f.pattern + ")" }

// Start checks the pattern and fixes the starting point: the list of files in replay
// mode, the current time as the lower bound of modification times in live mode (unless
// IncludeExisting).
func (f *Files) Start(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.started {
		return fmt.Errorf("%s: %w", f.Name(), errAlreadyStarted)
	}
	if _, err := filepath.Match(f.pattern, ""); err != nil {
		return fmt.Errorf("%s: %w", f.Name(), err)
	}
	f.started = true
	if !f.opts.IncludeExisting && !f.restored {
		f.threshold = time.Now().UnixMilli()
	}
	if f.opts.Replay {
		files, err := f.list()
		if err != nil {
			return err
		}
		for _, fi := range files {
			if _, ok := f.seen[fi.path]; !ok {
				f.pending = append(f.pending, fi.path)
			}
		}
		slices.Sort(f.pending)
	}
	return nil
}

// Stop waits for a read-ahead still running: files are opened and closed within Batch
// and the read-ahead.
func (f *Files) Stop() error {
	f.mu.Lock()
	a := f.ahead
	f.ahead = nil
	f.mu.Unlock()
	if a != nil {
		<-a.done
	}
	return nil
}

// Exhausted reports, in replay mode, whether every file has been delivered. A live Files
// source is never exhausted.
func (f *Files) Exhausted() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.opts.Replay && f.started && len(f.pending) == 0
}

// PlanBatch fixes the input of batch t — in live mode the files that belong to it by
// the rules above, in replay mode the next file — with each file's size, and writes it
// for the batch log (runtime.BatchPlanner).
func (f *Files) PlanBatch(t int64, w *checkpoint.Writer) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.started {
		return fmt.Errorf("%s: %w", f.Name(), ErrNotStarted)
	}
	if err := f.planLocked(t); err != nil {
		return err
	}
	w.Len(len(f.plan.files))
	for _, pf := range f.plan.files {
		w.String(pf.path)
		w.Varint(pf.size)
		w.Varint(pf.mtime)
	}
	return nil
}

// ReplanBatch makes batch t read the files PlanBatch logged for it before a crash, up to
// their logged sizes, whatever has arrived since (runtime.BatchPlanner).
func (f *Files) ReplanBatch(t int64, r *checkpoint.Reader) error {
	n := r.Len()
	files := make([]plannedFile, 0, n)
	for range n {
		files = append(files, plannedFile{path: r.String(), size: r.Varint(), mtime: r.Varint()})
	}
	if err := r.Done(); err != nil {
		return fmt.Errorf("%s: the batch log entry of batch %d: %w", f.Name(), t, err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.plan = filesPlan{t: t, set: true, files: files}
	return nil
}

// Batch reads the files planned for batch batchTime (planning them first if PlanBatch
// was not called for it).
func (f *Files) Batch(batchTime int64, parts int) ([][]string, error) {
	if f.tap.Replaying() {
		return replayLines(f.tap, batchTime, parts)
	}
	out, _, err := f.batch(batchTime, parts)
	if err == nil && f.opts.Text {
		out = linesOf(out)
	}
	if err == nil {
		err = f.tap.RecordLines(batchTime, out)
	}
	return out, err
}

// TextBatch is Batch for a source made with FilesOptions.Text: each partition gets
// texts instead of lines, each text one or more whole lines, in order, with their line
// ends (a partition reads its lines with CutText), and it returns the number of lines
// (the batch's records), or 0 when the partitions count them (CountInPartitions). The
// reading goroutine then only reads: the lines are cut by the partitions, in parallel,
// as they read them, and no slice of every line is built. The partitions' texts hold
// about the same number of bytes. Over-long lines are taken out of the texts and
// reported as Batch reports them. A recorded batch (--recording) comes as one text of
// its lines per partition.
func (f *Files) TextBatch(batchTime int64, parts int) ([][]string, int, error) {
	if f.tap.Replaying() {
		lines, err := replayLines(f.tap, batchTime, parts)
		n := 0
		if !f.countInParts {
			for _, p := range lines {
				n += len(p)
			}
			f.lines.Add(int64(n))
		}
		return textsOf(lines), n, err
	}
	out, lines, err := f.batch(batchTime, parts)
	if err == nil && f.tap.Recording() {
		err = f.tap.RecordLines(batchTime, linesOf(out))
	}
	return out, lines, err
}

// CountInPartitions leaves counting the lines of TextBatch's texts to the partitions,
// which cut every line anyway: TextBatch returns 0 for the count, the reading goroutine
// does not pass over every file to count its lines, and each partition reports its
// count with AddLines (and to the batch's input size). Call it before Start.
func (f *Files) CountInPartitions() {
	f.mu.Lock()
	f.countInParts = true
	f.mu.Unlock()
}

// AddLines adds n lines of a batch, counted by a partition (CountInPartitions), to the
// lines the source reports as read.
func (f *Files) AddLines(n int) { f.lines.Add(int64(n)) }

// SetTap makes the source record its batches into tap's recording, or deliver the
// recorded ones instead of reading files (the engine then never starts it). Call it
// before Start.
func (f *Files) SetTap(tap *recording.Tap) { f.tap = tap }

// batch reads the batch's planned files (Batch without the tap): their lines, or texts
// (Text), split into parts, and the number of lines.
func (f *Files) batch(batchTime int64, parts int) ([][]string, int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.started {
		return nil, 0, fmt.Errorf("%s: %w", f.Name(), ErrNotStarted)
	}
	if !f.plan.set || f.plan.t != batchTime {
		if err := f.planLocked(batchTime); err != nil {
			return nil, 0, err
		}
	}
	picked := f.plan.files
	if f.opts.Replay {
		recs, lines, err := f.replayBatch(batchTime, picked)
		if err != nil {
			return nil, 0, err
		}
		f.plan = filesPlan{}
		f.lines.Add(int64(lines))
		f.files += int64(len(picked))
		return f.split(recs, parts), lines, nil
	}
	f.recycle()
	recs := f.spare.takeRecs()
	lines := 0
	for _, pf := range picked {
		lf := f.load(pf.path, pf.size, recs, &f.spare)
		recs = lf.recs
		lines += lf.lines
		// Delivered even if the batch fails, so that the next Batch recycles them.
		f.delivered.add(lf.bufs)
		if lf.err == nil {
			lf.err = f.checkSize(batchTime, pf, lf.size)
		}
		if lf.err != nil {
			return nil, 0, lf.err
		}
		if err := f.oversize(pf.path, lf.over); err != nil {
			return nil, 0, err
		}
	}
	// Only now, with every file read, are they remembered: a failed batch is retried whole.
	for _, pf := range picked {
		f.seen[pf.path] = pf.mtime
	}
	f.plan = filesPlan{}
	f.lines.Add(int64(lines))
	f.files += int64(len(picked))
	if len(picked) > 0 && !f.countInParts {
		f.log.Debug("new files", "batchTime", batchTime, "files", len(picked), "lines", lines)
	} else if len(picked) > 0 {
		f.log.Debug("new files", "batchTime", batchTime, "files", len(picked)) // the partitions count the lines
	}
	return f.split(recs, parts), lines, nil
}

// split cuts a batch's records into parts: lines by count (Split), texts by bytes
// (SplitTexts).
func (f *Files) split(recs []string, parts int) [][]string {
	if f.opts.Text {
		return SplitTexts(recs, parts)
	}
	return Split(recs, parts)
}

// planLocked makes the files of batch t the plan.
func (f *Files) planLocked(t int64) error {
	files, err := f.selectFiles(t)
	if err != nil {
		return err
	}
	f.plan = filesPlan{t: t, set: true, files: files}
	return nil
}

// selectFiles returns the files batch t reads: in replay mode the next pending file that
// still exists; in live mode those modified in (max(threshold, t - Remember), t] and not
// read before, in (modification time, path) order. It also forgets the remembered paths
// that can no longer be selected, and notes the remembered ones modified since they were
// read (their new contents are not read: see plannedFile).
func (f *Files) selectFiles(t int64) ([]plannedFile, error) {
	if f.opts.Replay {
		for len(f.pending) > 0 {
			path := f.pending[0]
			st, err := os.Stat(path)
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					f.log.Warn("file vanished before it was read", "path", path)
					f.pending = f.pending[1:]
					continue
				}
				return nil, fmt.Errorf("%s: %w", f.Name(), err)
			}
			return []plannedFile{{path: path, size: st.Size(), mtime: st.ModTime().UnixMilli()}}, nil
		}
		return nil, nil
	}
	files, err := f.list()
	if err != nil {
		return nil, err
	}
	threshold := max(f.threshold, t-f.opts.Remember)
	var picked []plannedFile
	for _, fi := range files {
		if seen, ok := f.seen[fi.path]; ok {
			switch {
			case seen == unknownTime:
				f.seen[fi.path] = fi.mtime
			case seen != fi.mtime:
				// Remembered with its new time, the file stays remembered as long as that
				// time can be selected: it is never read again whole.
				f.seen[fi.path] = fi.mtime
				if !f.changed[fi.path] {
					if f.changed == nil {
						f.changed = map[string]bool{}
					}
					f.changed[fi.path] = true
					f.log.Warn("file modified after it was read; the change is not read (move finished files into the directory)",
						"path", fi.path)
				}
			}
			continue
		}
		if fi.mtime > threshold && fi.mtime <= t {
			picked = append(picked, plannedFile{path: fi.path, size: fi.size, mtime: fi.mtime})
		}
	}
	slices.SortFunc(picked, func(a, b plannedFile) int {
		if a.mtime != b.mtime {
			return int(min(max(a.mtime-b.mtime, -1), 1))
		}
		return strings.Compare(a.path, b.path)
	})
	f.forget(files)
	return picked, nil
}

// checkSize fails a batch whose planned file could not be read to its planned size: the
// file was truncated or replaced after the batch was planned, so the batch cannot read
// the input it was logged with (a re-run after a crash would differ from the original).
func (f *Files) checkSize(t int64, pf plannedFile, read int64) error {
	if read == pf.size {
		return nil
	}
	return fmt.Errorf("%s: %s was %d bytes when batch %d selected it and is %d bytes now: the batch cannot read "+
		"the input it was logged with; restore the file (files must not change once in the directory), or start fresh with --fresh",
		f.Name(), pf.path, pf.size, t, read)
}

// forget drops the remembered paths that the listing no longer shows. A read file stays
// remembered as long as it is there, not only for the remember window (Spark's rule):
// a file modified after that window would otherwise be selected again and read whole.
// What is remembered is bounded by what the directory holds, which every batch lists
// anyway.
func (f *Files) forget(listed []fileInfo) {
	present := make(map[string]bool, len(listed))
	for _, fi := range listed {
		present[fi.path] = true
	}
	for p := range f.seen {
		if !present[p] {
			delete(f.seen, p)
			delete(f.changed, p)
		}
	}
}

func (f *Files) replayBatch(t int64, picked []plannedFile) ([]string, int, error) {
	f.recycle()
	if len(picked) == 0 {
		return nil, 0, nil
	}
	pf := picked[0]
	lf := f.loadPending(pf)
	// Delivered even if the batch fails, so that the next Batch recycles them.
	f.delivered.add(lf.bufs)
	if lf.err == nil {
		lf.err = f.checkSize(t, pf, lf.size)
	}
	if lf.err != nil {
		return nil, 0, lf.err
	}
	if err := f.oversize(pf.path, lf.over); err != nil {
		return nil, 0, err
	}
	// Normally the first pending file; a batch re-run from the batch log may read one
	// that a later listing put elsewhere.
	if i := slices.Index(f.pending, pf.path); i >= 0 {
		f.pending = slices.Delete(f.pending, i, i+1)
	}
	f.seen[pf.path] = unknownTime
	f.startReadAhead()
	return lf.recs, lf.lines, nil
}

// recycle makes the buffers of the batch delivered last spare (Recycle): being asked
// for the next batch means that one has been processed.
func (f *Files) recycle() {
	if f.opts.Recycle {
		f.spare.add(f.delivered)
	}
	f.delivered = buffers{}
}

// loadPending returns the planned file read up to its planned size: by the read-ahead if
// it was reading that file and read exactly that much (waiting for it to finish), else
// now.
func (f *Files) loadPending(pf plannedFile) loadedFile {
	if a := f.ahead; a != nil {
		f.ahead = nil
		<-a.done
		f.spare.add(a.spare)
		if a.path == pf.path && a.file.size == pf.size {
			return a.file
		}
		f.spare.add(a.file.bufs)
	}
	return f.load(pf.path, pf.size, f.spare.takeRecs(), &f.spare)
}

// startReadAhead starts reading the next pending file (replay) in the background, with
// the spare buffers, so that reading and cutting lines overlap the processing of the
// batch just delivered. Its errors, like a vanished file's, show when that file's batch
// is asked for, as if it were read then.
func (f *Files) startReadAhead() {
	if len(f.pending) == 0 {
		return
	}
	a := &readAhead{path: f.pending[0], done: make(chan struct{}), spare: f.spare}
	f.spare = buffers{}
	f.ahead = a
	go func() {
		defer close(a.done)
		a.file = f.load(a.path, -1, a.spare.takeRecs(), &a.spare)
	}()
}

// load reads the file at path, up to limit bytes (all of it when limit < 0), and appends
// its lines to recs, reading into buffers taken from spare when Recycle is set. It only
// reads f's options, so a read-ahead may run it while Batch runs.
//
// The file is read once, in pieces of about fileChunkBytes that each become one string
// of whole lines, and its lines are substrings of those strings: no allocation per line,
// and with several partitions the pieces are cut by several goroutines. A line keeps its
// piece alive, not the whole file; operators that keep strings from batch to batch copy
// them anyway (see rt.KeyCopies).
func (f *Files) load(path string, limit int64, recs []string, spare *buffers) (lf loadedFile) {
	lf.recs = recs
	file, err := os.Open(path)
	if err != nil {
		lf.err = fmt.Errorf("%s: %w", f.Name(), err)
		return lf
	}
	defer file.Close()
	var size int64
	if st, err := file.Stat(); err == nil {
		size = st.Size()
	}
	var r io.Reader = file
	if limit >= 0 {
		size = min(size, limit)
		r = io.LimitReader(file, limit)
	}
	counted := &countingReader{r: r}
	max := f.opts.MaxLineBytes
	if max <= 0 {
		max = DefaultMaxLineBytes
	}
	alloc := func(n int) []byte { return make([]byte, n) }
	if f.opts.Recycle {
		alloc = func(n int) []byte {
			buf := spare.take(n)
			lf.bufs.bytes = append(lf.bufs.bytes, buf)
			return buf
		}
	}
	chunk := fileChunkBytes
	if f.opts.Recycle && size > 0 && size <= wholeFileBytes {
		// The whole file in one read: a read-ahead that needs the processor back after
		// each 1 MiB read (GOMAXPROCS=1) fell behind the batches it was to feed (a
		// YSB file took 13 reads). The buffer is reused, so no line pins it.
		chunk = int(size) + 1
	}
	pieces, err := readPieces(counted, size, chunk, max, alloc)
	lf.size = counted.n
	if err != nil {
		lf.err = fmt.Errorf("%s: read %s: %w", f.Name(), path, err)
		return lf
	}
	if f.opts.Text {
		lf.recs, lf.over = cutTexts(pieces, max, recs)
		if !f.countInParts {
			lf.lines = countLines(lf.recs[len(recs):])
		}
	} else {
		lf.recs, lf.over = cutPieces(pieces, max, recs)
		lf.lines = len(lf.recs) - len(recs)
	}
	lf.bufs.recs = lf.recs
	return lf
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// oversize reports the lines of the file at path that were dropped for their length
// (sizes in over): to OnOversize, whose error fails the batch, or counted and logged.
func (f *Files) oversize(path string, over []int) error {
	for _, n := range over {
		if f.opts.OnOversize != nil {
			if err := f.opts.OnOversize(path, n); err != nil {
				return fmt.Errorf("%s: %w", f.Name(), err)
			}
			continue
		}
		f.oversized++
		f.log.Warn("dropped oversized line", "path", path, "bytes", n)
	}
	return nil
}

// fileChunkBytes is the size of the pieces a file is read in. Large enough that reads
// and per-piece work are cheap, small enough that a line kept after its batch (in a
// reused buffer or a window) keeps little of its file in memory.
const fileChunkBytes = 1 << 20

// wholeFileBytes is the largest file read in one piece when its buffers are recycled
// (FilesOptions.Recycle): lines then never outlive their batch, so a large piece pins
// nothing, and one read is one system call.
const wholeFileBytes = 64 << 20

// piece is a part of a file, in order: text made of whole lines, or, when text is empty,
// a line longer than the limit that was skipped while reading, of skipped bytes.
type piece struct {
	text    string
	skipped int
}

// readPieces reads r to its end as pieces of about chunk bytes, each ending with "\n"
// except the file's last; size is the expected length of r (a hint). A line that is
// already longer than limit+2 bytes before its end ("\r\n" is not part of a line) is read
// to its end without being kept and becomes a skipped piece, so an oversized line costs
// no memory. A line longer than a chunk makes the next read larger (doubling), so long
// lines are not copied over and over.
func readPieces(r io.Reader, size int64, chunk, limit int, alloc func(n int) []byte) ([]piece, error) {
	var pieces []piece
	var carry []byte // the beginning of a line that continues in the next read
	var read int64
	for {
		n := max(chunk, len(carry))
		if left := size - read; left >= 0 && left < int64(n) {
			n = int(left) + 1 // one more byte than expected: EOF shows in this read
		}
		buf := alloc(len(carry) + n)
		have := copy(buf, carry)
		m, err := io.ReadFull(r, buf[have:])
		read += int64(m)
		filled := have + m
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			if filled > 0 {
				// The buffer is never written again, so the string may share it.
				pieces = append(pieces, piece{text: unsafe.String(&buf[0], filled)})
			}
			return pieces, nil
		}
		if err != nil {
			return pieces, err
		}
		end := bytes.LastIndexByte(buf[:filled], '\n') + 1
		if end > 0 {
			pieces = append(pieces, piece{text: unsafe.String(&buf[0], end)})
		}
		carry = buf[end:filled]
		if len(carry) > limit+2 {
			skipped, rest, n, err := skipLine(r, len(carry))
			read += n
			if skipped > 0 {
				pieces = append(pieces, piece{skipped: skipped})
			}
			if err == io.EOF {
				return pieces, nil
			}
			if err != nil {
				return pieces, err
			}
			carry = rest
		}
	}
}

// skipLine reads the rest of a line of which have bytes were already read: it returns
// the line's whole size with its "\n", the bytes read after it (the next line's start),
// how many bytes it read, and io.EOF when the input ended (inside the line or right
// after it).
func skipLine(r io.Reader, have int) (size int, rest []byte, read int64, err error) {
	buf := make([]byte, 64<<10)
	size = have
	for {
		n, err := r.Read(buf)
		read += int64(n)
		if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
			return size + i + 1, bytes.Clone(buf[i+1 : n]), read, nil
		}
		size += n
		if err == io.EOF {
			return size, nil, read, io.EOF
		}
		if err != nil {
			return size, nil, read, err
		}
	}
}

// parallelCutBytes is the size from which cutPieces shares the work between goroutines;
// below it starting them costs more than the cutting.
const parallelCutBytes = 1 << 20

// cutPieces appends the lines of pieces to recs as substrings of the pieces' text, by the
// rules of lineReader: a line ends at "\n", which is removed with a "\r" before it; a
// last line without "\n" is still a line. Lines longer than limit bytes are dropped;
// over lists the size of each (its "\r\n" included) and of the skipped pieces, in file
// order.
//
// With one goroutine the pieces are cut in order, recs growing by an estimate made from
// the lines cut so far. With several (enough text and GOMAXPROCS > 1) the lines of every
// piece are counted first (a vectorised byte count), which sizes recs once and gives
// each piece its own range of it, and goroutines cut pieces at the same time.
func cutPieces(pieces []piece, limit int, recs []string) (_ []string, over []int) {
	bytesTotal := 0
	for _, p := range pieces {
		bytesTotal += len(p.text)
	}
	if procs := runtime.GOMAXPROCS(0); procs > len(pieces) && bytesTotal >= parallelCutBytes {
		pieces = splitPieces(pieces, bytesTotal/procs)
	}
	workers := min(runtime.GOMAXPROCS(0), len(pieces))
	if bytesTotal < parallelCutBytes || workers < 2 {
		base, seen := len(recs), 0
		for _, p := range pieces {
			if p.text == "" {
				over = append(over, p.skipped)
				continue
			}
			if lines := len(recs) - base; lines > 0 {
				// Room for this piece at the average line length so far, plus a margin.
				need := len(p.text)/max(seen/lines, 1) + 16
				recs = slices.Grow(recs, need+need/8)
			}
			recs, over = cutRange(p.text, limit, recs, over)
			seen += len(p.text)
		}
		return recs, over
	}
	counts := make([]int, len(pieces))
	starts := make([]int, len(pieces))
	base, total := len(recs), 0
	for i, p := range pieces {
		starts[i] = base + total
		if p.text == "" {
			continue
		}
		counts[i] = strings.Count(p.text, "\n")
		if p.text[len(p.text)-1] != '\n' {
			counts[i]++ // the last line has no newline
		}
		total += counts[i]
	}
	recs = slices.Grow(recs, total)[:base+total]
	kept := make([]int, len(pieces))
	overs := make([][]int, len(pieces))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(pieces); i = int(next.Add(1) - 1) {
				if pieces[i].text == "" {
					overs[i] = []int{pieces[i].skipped}
					continue
				}
				s := starts[i]
				out, o := cutRange(pieces[i].text, limit, recs[s:s:s+counts[i]], nil)
				kept[i], overs[i] = len(out), o
			}
		})
	}
	wg.Wait()
	// Dropped (oversized) lines leave gaps at the end of their piece's range: close them.
	end := base
	for i := range pieces {
		end += copy(recs[end:], recs[starts[i]:starts[i]+kept[i]])
		over = append(over, overs[i]...)
	}
	clear(recs[end:])
	return recs[:end], over
}

// splitPieces cuts pieces longer than about size bytes into pieces of about size, each
// ending at a line end (a file read whole is one piece; its lines are cut by several
// goroutines). Lines are unchanged: each piece still holds whole lines, in order.
func splitPieces(pieces []piece, size int) []piece {
	size = max(size, parallelCutBytes/4)
	var out []piece
	for _, p := range pieces {
		for len(p.text) > size+size/2 {
			i := strings.IndexByte(p.text[size:], '\n')
			if i < 0 {
				break
			}
			out = append(out, piece{text: p.text[:size+i+1]})
			p.text = p.text[size+i+1:]
		}
		if p.text != "" || p.skipped > 0 {
			out = append(out, p)
		}
	}
	return out
}

// cutRange appends the lines of text to recs and the sizes of the oversized ones to over;
// see cutPieces.
func cutRange(text string, max int, recs []string, over []int) ([]string, []int) {
	for len(text) > 0 {
		var line string
		size := strings.IndexByte(text, '\n') + 1
		if size == 0 { // the last line, without a newline
			size = len(text)
			line = text
		} else {
			line = text[:size-1]
			if n := len(line); n > 0 && line[n-1] == '\r' {
				line = line[:n-1]
			}
		}
		text = text[size:]
		if len(line) > max {
			over = append(over, size)
			continue
		}
		recs = append(recs, line)
	}
	return recs, over
}

// Oversized returns how many lines were dropped for being longer than MaxLineBytes
// (when OnOversize is nil).
func (f *Files) Oversized() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.oversized
}

// Consumed returns the remembered paths, sorted: every file read within the remember
// window in live mode, every file delivered in replay mode. A checkpoint stores it.
func (f *Files) Consumed() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, 0, len(f.seen))
	for p := range f.seen {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// Restore marks paths (from Consumed in a checkpoint) as already read, so that a
// restarted program does not read them again. Call it before Start.
func (f *Files) Restore(paths []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range paths {
		if _, ok := f.seen[p]; !ok {
			f.seen[p] = unknownTime
		}
	}
	f.pending = slices.DeleteFunc(f.pending, func(p string) bool { _, ok := f.seen[p]; return ok })
}

type fileInfo struct {
	path  string
	mtime int64
	size  int64
}

// list returns the visible regular files matching the pattern, following symlinks.
func (f *Files) list() ([]fileInfo, error) {
	var roots []string
	if hasMeta(f.pattern) {
		m, err := filepath.Glob(f.pattern)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name(), err)
		}
		roots = m
	} else {
		roots = []string{f.pattern}
	}
	var out []fileInfo
	for _, root := range roots {
		if hidden(root) && hasMeta(f.pattern) {
			continue
		}
		st, err := os.Stat(root)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				// A directory that does not exist yet simply has no files (Spark fails
				// instead, which makes a pipeline depend on start-up order); a warning
				// says so once, since a mistyped path looks exactly like this.
				if !f.missing {
					f.log.Warn("watched path does not exist (yet): no files until it appears", "path", root)
					f.missing = true
				}
				continue
			}
			f.missing = false
			return nil, fmt.Errorf("%s: %w", f.Name(), err)
		}
		if st.Mode().IsRegular() {
			out = append(out, fileInfo{root, st.ModTime().UnixMilli(), st.Size()})
			continue
		}
		if !st.IsDir() {
			continue
		}
		entries, err := os.ReadDir(root)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name(), err)
		}
		for _, e := range entries {
			if hidden(e.Name()) {
				continue
			}
			p := filepath.Join(root, e.Name())
			st, err := os.Stat(p)
			if err != nil || !st.Mode().IsRegular() {
				continue // vanished, a dangling link or a directory
			}
			out = append(out, fileInfo{p, st.ModTime().UnixMilli(), st.Size()})
		}
	}
	return out, nil
}

// hidden reports whether a file name is hidden from file sources, by Hadoop's rule.
func hidden(path string) bool {
	b := filepath.Base(path)
	return strings.HasPrefix(b, ".") || strings.HasPrefix(b, "_")
}

func hasMeta(p string) bool { return strings.ContainsAny(p, `*?[\`) }
