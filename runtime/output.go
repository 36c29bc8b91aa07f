package runtime

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// printRule is the line above and below Spark's print header.
const printRule = "-------------------------------------------\n"

// Print writes one batch of a stream the way Spark's DStream.print(num) does:
//
//	-------------------------------------------
//	Time: 1000 ms
//	-------------------------------------------
//	(a,1)
//	(b,2)
//	...
//	<empty line>
//
// It prints the first num elements in partition order (partition 0's first), then "..."
// when there are more. An empty batch prints the header and the empty line. The whole
// block is written with one Write call, so blocks from successive batches never
// interleave with other output written through w.
func Print[T any](w io.Writer, t Time, num int, parts [][]T, render func([]byte, T) []byte) error {
	buf := make([]byte, 0, 256)
	buf = append(buf, printRule...)
	buf = append(buf, "Time: "...)
	buf = strconv.AppendInt(buf, int64(t), 10)
	buf = append(buf, " ms\n"...)
	buf = append(buf, printRule...)
	n := 0
parts:
	for _, part := range parts {
		for _, v := range part {
			if n == num {
				buf = append(buf, "...\n"...)
				break parts
			}
			buf = render(buf, v)
			buf = append(buf, '\n')
			n++
		}
	}
	buf = append(buf, '\n')
	_, err := w.Write(buf)
	return err
}

// TextFilesDir returns the directory saveAsTextFiles writes batch t to, as Spark names
// it: prefix-<t in ms>, plus .suffix when suffix is not empty.
func TextFilesDir(prefix, suffix string, t Time) string {
	name := prefix + "-" + strconv.FormatInt(int64(t), 10)
	if suffix != "" {
		name += "." + suffix
	}
	return name
}

// SaveAsTextFiles writes one batch of a stream in Spark's saveAsTextFiles layout: the
// directory TextFilesDir(prefix, suffix, t) holding part-00000, part-00001, ... (one file
// per partition, even an empty one; one rendered element per line) and an empty
// _SUCCESS marker.
//
// The files are written into a temporary directory beside the target, synced, and the
// directory is renamed into place, so a reader sees either no output for the batch or
// all of it. A target that already exists (the batch is being replayed after a restart)
// is replaced, which makes the output idempotent per batch. Errors are returned; they
// fail the batch (generated code runs it under Batch.Output, which retries first).
//
// A crash can leave a hidden temporary directory (".prefix-<t>.tmp-*") behind; the first
// call for a prefix in a process removes those of that prefix, and the batch they belonged
// to is re-run after the restart, so nothing is lost. Readers such as a files source
// ignore hidden names.
func SaveAsTextFiles[T any](prefix, suffix string, t Time, parts [][]T, render func([]byte, T) []byte) error {
	dir := TextFilesDir(prefix, suffix, t)
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	cleanLeftovers(parent, filepath.Base(prefix))
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return err
	}
	if err := writeParts(tmp, parts, render); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if err := replaceDir(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	syncDir(parent)
	return nil
}

// cleaned remembers the prefixes whose leftovers this process has removed.
var cleaned sync.Map

// cleanLeftovers removes the temporary directories an interrupted SaveAsTextFiles left
// in parent for the prefix base, once per process and prefix: leftovers come only from
// an earlier process that crashed.
func cleanLeftovers(parent, base string) {
	key := filepath.Join(parent, base)
	if _, done := cleaned.LoadOrStore(key, true); done {
		return
	}
	matches, _ := filepath.Glob(filepath.Join(parent, "."+globEscape(base)+"-*.tmp-*"))
	for _, m := range matches {
		os.RemoveAll(m)
	}
}

// globEscape escapes the filepath.Match metacharacters of s.
func globEscape(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '*', '?', '[', '\\':
			b = append(b, '\\')
		}
		b = append(b, s[i])
	}
	return string(b)
}

// syncDir makes a rename in dir durable where the platform supports syncing a
// directory; where it does not, there is nothing better to do, so errors are ignored.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// writeParts writes the part files and _SUCCESS into dir.
func writeParts[T any](dir string, parts [][]T, render func([]byte, T) []byte) error {
	if err := os.Chmod(dir, 0o755); err != nil { // MkdirTemp creates 0700
		return err
	}
	var line []byte
	for p, part := range parts {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("part-%05d", p)))
		if err != nil {
			return err
		}
		w := bufio.NewWriterSize(f, 64<<10)
		for _, v := range part {
			line = render(line[:0], v)
			line = append(line, '\n')
			w.Write(line) // a write error sticks in w and is returned by Flush
		}
		err = w.Flush()
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	f, err := os.Create(filepath.Join(dir, "_SUCCESS"))
	if err != nil {
		return err
	}
	return f.Close()
}

// replaceDir renames tmp to dir. When dir exists it is first renamed aside and removed
// after the new directory is in place, so dir is missing only for the instant between
// two renames and never holds a mix of old and new files.
func replaceDir(tmp, dir string) error {
	err := os.Rename(tmp, dir)
	if err == nil {
		return nil
	}
	if _, statErr := os.Lstat(dir); statErr != nil {
		return err // the rename failed for another reason than an existing target
	}
	old := tmp + ".old"
	if err := os.Rename(dir, old); err != nil {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.Rename(old, dir) // put the previous output back
		return err
	}
	return os.RemoveAll(old)
}
