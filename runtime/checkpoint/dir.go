package checkpoint

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefaultKeep is how many checkpoints a Dir keeps: the newest and the one before it, so
// that a newest file damaged after it was written still leaves one to recover from.
const DefaultKeep = 2

const (
	filePrefix = "checkpoint-"
	tmpPrefix  = ".checkpoint-"
	// BatchLogName is the batch log's file name in the checkpoint directory.
	BatchLogName = "batches.log"
	// WALDirName is the directory under the checkpoint directory that holds the
	// write-ahead logs of receiver sources, one subdirectory per source.
	WALDirName = "wal"
)

// Dir is an open checkpoint directory.
type Dir struct {
	path string
	keep int
	enc  []byte // Write's encoding buffer, kept for the next checkpoint
}

// Open opens the checkpoint directory at path, creating it when it is missing, and
// checks that it is writable by writing, syncing and removing a probe file, so that a
// directory that cannot hold checkpoints fails the run before the first batch rather
// than at the first checkpoint. Leftover temporary files of an interrupted write are
// removed. keep ≤ 0 means DefaultKeep.
func Open(path string, keep int) (*Dir, error) {
	if keep <= 0 {
		keep = DefaultKeep
	}
	if err := os.MkdirAll(path, 0o755); err != nil {
		return nil, fmt.Errorf("checkpoint directory %s cannot be created: %w", path, err)
	}
	probe, err := createTemp(path, ".probe-*")
	if err == nil {
		_, err = probe.Write([]byte("probe"))
		if serr := probe.Sync(); err == nil {
			err = serr
		}
		if cerr := probe.Close(); err == nil {
			err = cerr
		}
		os.Remove(probe.Name())
	}
	if err != nil {
		return nil, fmt.Errorf("checkpoint directory %s is not writable: %w", path, err)
	}
	d := &Dir{path: path, keep: keep}
	entries, _ := os.ReadDir(path)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tmpPrefix) || strings.HasPrefix(e.Name(), ".probe-") {
			os.Remove(filepath.Join(path, e.Name()))
		}
	}
	return d, nil
}

// Path returns the directory's path.
func (d *Dir) Path() string { return d.path }

// File is one checkpoint file of a directory.
type File struct {
	Time int64  // the batch time in its name
	Path string // its path
}

// List returns the directory's checkpoint files, oldest first.
func (d *Dir) List() ([]File, error) {
	entries, err := os.ReadDir(d.path)
	if err != nil {
		return nil, fmt.Errorf("checkpoint directory %s: %w", d.path, err)
	}
	var out []File
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), filePrefix)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		t, err := strconv.ParseInt(rest, 10, 64)
		if err != nil {
			continue
		}
		out = append(out, File{Time: t, Path: filepath.Join(d.path, e.Name())})
	}
	slices.SortFunc(out, func(a, b File) int { return cmpInt(a.Time, b.Time) })
	return out, nil
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Write writes c as checkpoint-<c.Time> atomically: a temporary file is written and
// synced, renamed into place and the directory synced. Only once the new file is durable
// are checkpoints beyond the newest Keep removed; when the write fails, nothing older
// is touched and the error (ENOSPC, EIO, ...) is returned with the path.
func (d *Dir) Write(c *Checkpoint) (string, error) {
	name := filePrefix + strconv.FormatInt(c.Time, 10)
	final := filepath.Join(d.path, name)
	f, err := createTemp(d.path, tmpPrefix+strconv.FormatInt(c.Time, 10)+".tmp-*")
	if err != nil {
		return "", fmt.Errorf("writing checkpoint %s: %w", final, err)
	}
	tmp := f.Name()
	d.enc = c.AppendEncoded(d.enc[:0])
	_, err = f.Write(d.enc)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, final)
	}
	if err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("writing checkpoint %s: %w", final, err)
	}
	if err := syncDir(d.path); err != nil {
		return "", fmt.Errorf("writing checkpoint %s: sync directory: %w", final, err)
	}
	d.collect()
	return final, nil
}

// collect removes checkpoint files beyond the newest Keep. A failure only leaves an
// extra file behind, which the next collection retries.
func (d *Dir) collect() {
	files, err := d.List()
	if err != nil || len(files) <= d.keep {
		return
	}
	for _, f := range files[:len(files)-d.keep] {
		os.Remove(f.Path)
	}
}

// Latest reads the newest readable checkpoint. A newest file that is corrupt or
// truncated is reported to warn (the engine logs a warning naming it) and the previous
// one is tried, as Spark's CheckpointReader does. It returns nil and no error when the
// directory has no checkpoint file at all; when files exist but none can be read it
// fails, naming each file and its problem, because starting with empty state would
// silently lose it.
func (d *Dir) Latest(warn func(path string, err error)) (*Checkpoint, error) {
	files, err := d.List()
	if err != nil {
		return nil, err
	}
	var problems []string
	for i := len(files) - 1; i >= 0; i-- {
		f := files[i]
		c, err := ReadFile(f.Path)
		if err == nil {
			return c, nil
		}
		if warn != nil {
			warn(f.Path, err)
		}
		problems = append(problems, fmt.Sprintf("%s: %v", f.Path, err))
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("checkpoint directory %s holds %d checkpoint file(s) and none is readable:\n  %s\n"+
			"refusing to start with empty state; restore a good checkpoint file, or start fresh with --fresh "+
			"(which moves the directory aside)", d.path, len(problems), strings.Join(problems, "\n  "))
	}
	return nil, nil
}

// ReadFile reads and decodes one checkpoint file.
func ReadFile(path string) (*Checkpoint, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Decode(data)
}

// HasRunFiles reports whether the directory holds files of an earlier run other than
// checkpoints (a batch log, write-ahead logs). With no checkpoint beside them they mean
// the checkpoints were removed by hand, and the engine refuses to start empty.
func (d *Dir) HasRunFiles() bool {
	for _, name := range []string{BatchLogName, WALDirName} {
		if _, err := os.Stat(filepath.Join(d.path, name)); err == nil {
			return true
		}
	}
	return false
}

// MoveAside renames the checkpoint directory at path to path.old-<UTC timestamp> (with a
// numeric suffix if that exists) and returns the new name; --fresh uses it so that a
// fresh start never destroys the old state. A missing directory is not an error: it
// returns "".
func MoveAside(path string, now time.Time) (string, error) {
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	base := strings.TrimRight(path, string(filepath.Separator)) + ".old-" + now.UTC().Format("20060102T150405Z")
	dest := base
	for i := 2; ; i++ {
		if _, err := os.Lstat(dest); errors.Is(err, fs.ErrNotExist) {
			break
		}
		dest = base + "-" + strconv.Itoa(i)
	}
	if err := os.Rename(path, dest); err != nil {
		return "", fmt.Errorf("moving checkpoint directory aside: %w", err)
	}
	return dest, nil
}

// tempFile is what Write needs of a temporary file.
type tempFile interface {
	io.Writer
	Name() string
	Sync() error
	Close() error
}

// createTemp creates a temporary file; tests replace it to inject write failures such
// as a full disk.
var createTemp = func(dir, pattern string) (tempFile, error) { return os.CreateTemp(dir, pattern) }

// SyncDir syncs the directory at path so that renames and creations in it are durable.
func SyncDir(path string) error { return syncDir(path) }

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
		return nil // a platform that cannot sync directories
	}
	return err
}
