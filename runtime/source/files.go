package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// DefaultRemember is Spark's minRememberDuration: how far back (in milliseconds) a
// Files source looks for new files, and how long it remembers the files it has read.
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
// the paths it has read for the remember window; past it, a file's modification time is
// too old for it to be selected again. The records of a batch are its files' lines, files
// in (modification time, path) order, split into contiguous partitions.
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
	missing   bool // the watched path was missing at the last listing (warned once)
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
	f.log = orDiscard(opts.Logger).With("source", f.Name())
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

// Stop does nothing: files are opened and closed within Batch.
func (f *Files) Stop() error { return nil }

// Exhausted reports, in replay mode, whether every file has been delivered. A live Files
// source is never exhausted.
func (f *Files) Exhausted() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.opts.Replay && f.started && len(f.pending) == 0
}

// Batch lists the files and reads those that belong to batch batchTime.
func (f *Files) Batch(batchTime int64, parts int) ([][]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.started {
		return nil, fmt.Errorf("%s: %w", f.Name(), ErrNotStarted)
	}
	if f.opts.Replay {
		return f.replayBatch(parts)
	}
	files, err := f.list()
	if err != nil {
		return nil, err
	}
	threshold := max(f.threshold, batchTime-f.opts.Remember)
	var picked []fileInfo
	for _, fi := range files {
		if t, ok := f.seen[fi.path]; ok {
			if t == unknownTime {
				f.seen[fi.path] = fi.mtime
			}
			continue
		}
		if fi.mtime > threshold && fi.mtime <= batchTime {
			picked = append(picked, fi)
		}
	}
	slices.SortFunc(picked, func(a, b fileInfo) int {
		if a.mtime != b.mtime {
			return int(min(max(a.mtime-b.mtime, -1), 1))
		}
		return strings.Compare(a.path, b.path)
	})
	var recs []string
	for _, fi := range picked {
		if recs, err = f.read(fi.path, recs); err != nil {
			return nil, err
		}
	}
	// Only now, with every file read, are they remembered: a failed batch is retried whole.
	for _, fi := range picked {
		f.seen[fi.path] = fi.mtime
	}
	f.forget(threshold, files)
	if len(picked) > 0 {
		f.log.Debug("new files", "batchTime", batchTime, "files", len(picked), "lines", len(recs))
	}
	return Split(recs, parts), nil
}

// forget drops remembered paths that can no longer be selected: those modified at or
// before the threshold, and restored ones that the listing no longer shows.
func (f *Files) forget(threshold int64, listed []fileInfo) {
	present := map[string]bool{}
	for _, fi := range listed {
		present[fi.path] = true
	}
	for p, t := range f.seen {
		if (t != unknownTime && t <= threshold) || (t == unknownTime && !present[p]) {
			delete(f.seen, p)
		}
	}
}

func (f *Files) replayBatch(parts int) ([][]string, error) {
	for len(f.pending) > 0 {
		path := f.pending[0]
		recs, err := f.read(path, nil)
		if errors.Is(err, fs.ErrNotExist) {
			f.log.Warn("file vanished before it was read", "path", path)
			f.pending = f.pending[1:]
			continue
		}
		if err != nil {
			return nil, err
		}
		f.pending = f.pending[1:]
		f.seen[path] = unknownTime
		return Split(recs, parts), nil
	}
	return Split[string](nil, parts), nil
}

// read appends the lines of the file at path to recs.
func (f *Files) read(path string, recs []string) ([]string, error) {
	file, err := os.Open(path)
	if err != nil {
		return recs, fmt.Errorf("%s: %w", f.Name(), err)
	}
	defer file.Close()
	lr := newLineReader(file, f.opts.MaxLineBytes)
	for {
		line, oversize, err := lr.next()
		if err != nil {
			if err == io.EOF {
				return recs, nil
			}
			return recs, fmt.Errorf("%s: read %s: %w", f.Name(), path, err)
		}
		if oversize > 0 {
			if f.opts.OnOversize != nil {
				if err := f.opts.OnOversize(path, oversize); err != nil {
					return recs, fmt.Errorf("%s: %w", f.Name(), err)
				}
				continue
			}
			f.oversized++
			f.log.Warn("dropped oversized line", "path", path, "bytes", oversize)
			continue
		}
		recs = append(recs, line)
	}
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
					f.log.Warn("watched path does not exist (yet): no files until it appears", "source", f.Name(), "path", root)
					f.missing = true
				}
				continue
			}
			f.missing = false
			return nil, fmt.Errorf("%s: %w", f.Name(), err)
		}
		if st.Mode().IsRegular() {
			out = append(out, fileInfo{root, st.ModTime().UnixMilli()})
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
			out = append(out, fileInfo{p, st.ModTime().UnixMilli()})
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
