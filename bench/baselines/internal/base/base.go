package base

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"sync"
)

// Interval is the batch interval of every benchmark pipeline, in milliseconds.
const Interval = 1000

// Input returns the directory the baseline reads: $INPUT, as the pipelines read it.
func Input() string {
	dir := os.Getenv("INPUT")
	if dir == "" {
		fmt.Fprintln(os.Stderr, "set INPUT to the data directory")
		os.Exit(2)
	}
	return dir
}

// Files returns the regular files of dir in name order, as a replayed files source takes
// them (hidden files are skipped, as it skips them).
func Files(dir string) []string {
	ents, err := os.ReadDir(dir)
	Check(err)
	var out []string
	for _, e := range ents {
		if e.Type().IsRegular() && e.Name()[0] != '.' {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(out)
	return out
}

// Check stops the program on an error.
func Check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// Procs is how many shares a batch is cut into: one per usable core.
func Procs() int { return runtime.GOMAXPROCS(0) }

// Pad is how many bytes after the end of a batch's data may be read; they hold '\n'. A
// scanner loads 8 bytes at any offset before the end without a bounds test per byte, and
// a last line without its line end still ends at a '\n'.
const Pad = 64

// Batch is one file, read whole into a buffer of the Reader that is reused once the
// batch is released.
type Batch struct {
	N    int    // batch number, from 1: the batch time is N*Interval
	Path string // the file
	// Data is the file's bytes; Data[:len(Data)+Pad] is readable and the padding is '\n'.
	Data []byte
	buf  []byte
	r    *Reader
}

// Release hands the buffer of b back to the reader, which reads a later file into it:
// nothing may alias b.Data afterwards.
func (b *Batch) Release() { b.r.free <- b.buf }

// Reader reads the files of a run in order on its own goroutine, ahead of the batch being
// processed, into a fixed set of reused buffers.
type Reader struct {
	ready chan *Batch
	free  chan []byte
}

// ReadAhead starts reading files: with buffers = 2, file i+1 is read while batch i is
// processed.
func ReadAhead(files []string, buffers int) *Reader {
	r := &Reader{ready: make(chan *Batch, buffers), free: make(chan []byte, buffers)}
	for range buffers {
		r.free <- nil
	}
	go func() {
		for i, path := range files {
			buf := <-r.free
			data, buf := readFile(path, buf)
			r.ready <- &Batch{N: i + 1, Path: path, Data: data, buf: buf, r: r}
		}
		close(r.ready)
	}()
	return r
}

// Next returns the next batch, or false after the last file.
func (r *Reader) Next() (*Batch, bool) {
	b, ok := <-r.ready
	return b, ok
}

// readFile reads path into buf (grown when too small) and pads it.
func readFile(path string, buf []byte) (data, grown []byte) {
	f, err := os.Open(path)
	Check(err)
	defer f.Close()
	st, err := f.Stat()
	Check(err)
	size := int(st.Size())
	if cap(buf) < size+Pad+1 {
		buf = make([]byte, size+size/8+Pad+1)
	}
	buf = buf[:cap(buf)]
	n := 0
	for {
		if n+Pad+1 > len(buf) { // the file grew since Stat
			buf = append(buf, make([]byte, len(buf))...)
			buf = buf[:cap(buf)]
		}
		m, err := f.Read(buf[n : len(buf)-Pad])
		n += m
		if err == io.EOF {
			break
		}
		Check(err)
	}
	for i := n; i < n+Pad; i++ {
		buf[i] = '\n'
	}
	return buf[: n : n+Pad], buf
}

// Shares cuts data into at most n contiguous shares that end at line ends, one per
// core, appending them to dst[:0]. Each share keeps data's capacity, so that a scanner
// may read past its end up to the batch's padding.
func Shares(dst [][]byte, data []byte, n int) [][]byte {
	dst = dst[:0]
	if n <= 1 || len(data) < 1<<16 {
		return append(dst, data)
	}
	start := 0
	for i := n; i > 0 && start < len(data); i-- {
		cut := start + (len(data)-start)/i
		if i == 1 {
			cut = len(data)
		} else if nl := bytes.IndexByte(data[cut:], '\n'); nl >= 0 {
			cut += nl + 1
		} else {
			cut = len(data)
		}
		dst = append(dst, data[start:cut])
		start = cut
	}
	return dst
}

// Parallel runs f(i) for i in [0, n), on n-1 new goroutines and the caller's, and waits
// for them.
func Parallel(n int, f func(i int)) {
	if n == 1 {
		f(0)
		return
	}
	var wg sync.WaitGroup
	for i := 1; i < n; i++ {
		wg.Go(func() { f(i) })
	}
	f(0)
	wg.Wait()
}

// Block is the output of one batch (or window): parts written in order. Its buffers are
// reused from block to block.
type Block struct {
	Parts [][]byte
}

// Resize makes b n empty parts, keeping the buffers (and their capacity) of earlier use.
func (b *Block) Resize(n int) {
	if cap(b.Parts) < n {
		b.Parts = append(b.Parts[:cap(b.Parts)], make([][]byte, n-cap(b.Parts))...)
	}
	b.Parts = b.Parts[:n]
	for i := range b.Parts {
		b.Parts[i] = b.Parts[i][:0]
	}
}

// Writer writes blocks to standard output on its own goroutine, so that writing a
// batch's output overlaps computing the next one. Two blocks circulate: Get waits while
// both are queued.
type Writer struct {
	queue chan *Block
	free  chan *Block
	done  chan error
}

// NewWriter starts the writer goroutine.
func NewWriter() *Writer {
	w := &Writer{queue: make(chan *Block, 2), free: make(chan *Block, 2), done: make(chan error, 1)}
	w.free <- &Block{}
	w.free <- &Block{}
	go func() {
		out := bufio.NewWriterSize(os.Stdout, 256<<10) // small parts are gathered; large ones go straight through
		var err error
		for b := range w.queue {
			for _, p := range b.Parts {
				if err == nil {
					_, err = out.Write(p)
				}
			}
			w.free <- b
		}
		if err == nil {
			err = out.Flush()
		}
		w.done <- err
	}()
	return w
}

// Get returns a free block of n empty parts.
func (w *Writer) Get(n int) *Block {
	b := <-w.free
	b.Resize(n)
	return b
}

// Put queues b for writing.
func (w *Writer) Put(b *Block) { w.queue <- b }

// Close writes what is queued and stops the program if a write failed.
func (w *Writer) Close() {
	close(w.queue)
	Check(<-w.done)
}

// Header appends print()'s header for batch time t.
func Header(dst []byte, t int64) []byte {
	const rule = "-------------------------------------------\n"
	dst = append(dst, rule...)
	dst = append(dst, "Time: "...)
	dst = strconv.AppendInt(dst, t, 10)
	dst = append(dst, " ms\n"...)
	return append(dst, rule...)
}

// AppendInt appends v in decimal (strconv's two-digits-at-a-time conversion).
func AppendInt(dst []byte, v int64) []byte { return strconv.AppendInt(dst, v, 10) }

// AppendPair appends a printed (key,n) tuple and its line end.
func AppendPair(dst, key []byte, n int64) []byte {
	dst = append(dst, '(')
	dst = append(dst, key...)
	dst = append(dst, ',')
	dst = strconv.AppendInt(dst, n, 10)
	return append(dst, ")\n"...)
}

// BadRecord stops the program on a record that does not decode, as the pipelines do
// under the default onBadRecord fail.
func BadRecord(path string, line []byte) {
	fmt.Fprintf(os.Stderr, "%s: bad record %q\n", path, line)
	os.Exit(1)
}

// LineAt returns the line of data that holds offset i (without its line end), for error
// messages.
func LineAt(data []byte, i int) []byte {
	start := bytes.LastIndexByte(data[:i], '\n') + 1
	end := bytes.IndexByte(data[i:], '\n')
	if end < 0 {
		return data[start:]
	}
	return bytes.TrimSuffix(data[start:i+end], []byte("\r"))
}
