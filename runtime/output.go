package runtime

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
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
// interleave with other output written through w. When w is the binary's standard
// output (a printOut) the block is handed to its writer goroutine and Print returns
// without waiting for the write.
//
// The block is rendered into a buffer kept from call to call (up to printKeepMax), so a
// steady stream of batches renders without growing (copying) a buffer; a batch needing
// a new buffer sizes it once from its first elements. Large batches with several
// partitions are rendered by one goroutine per partition (up to GOMAXPROCS at a time)
// into buffers of their own, then copied in order: render functions are pure appends.
// A printOut takes the buffers as they are and writes them in order, without the copy.
func Print[T any](w io.Writer, t Time, num int, parts [][]T, render func([]byte, T) []byte) error {
	noteOutputRecords(Len(parts))
	pb := takePrintBuffers()
	defer func() { putPrintBuffers(pb) }()
	// counts[i] is how many elements of parts[i] are printed.
	total, more := 0, false
	counts := pb.counts[:0]
	for _, part := range parts {
		n := min(len(part), max(num-total, 0))
		counts = append(counts, n)
		total += n
		if n < len(part) {
			more = true
		}
	}
	pb.counts = counts
	var err error
	pb, err = printBlock(w, t, pb, more, func(buf []byte, async bool) []byte {
		if procs := runtime.GOMAXPROCS(0); total >= parallelPrintMin && procs > 1 {
			pieces, pieceCounts := renderPieces(parts, counts, total, procs)
			return renderParallel(pb, buf, pieceCounts, func(dst []byte, i, reserve int) []byte {
				return renderSerial(dst, pieces[i:i+1], pieceCounts[i:i+1], reserve, render)
			}, !async)
		}
		return renderSerial(buf, parts, counts, 0, render)
	})
	return err
}

// printBlock writes one block of Print's: the header, what body renders after it into
// buf (the elements; in pieces of pb.parts when it sets pb.pieces, or of pb.texts, which
// it may only do when async), the "..." line when more, and the empty line; to the
// binary's writer goroutine when w is a printOut (async), else with one Write. It returns the buffers
// the caller keeps for the next block: with a printOut, those of the block before.
func printBlock(w io.Writer, t Time, pb *printBuffers, more bool, body func(buf []byte, async bool) []byte) (*printBuffers, error) {
	o, async := w.(*printOut)
	buf := append(pb.all[:0], printRule...)
	buf = append(buf, "Time: "...)
	buf = strconv.AppendInt(buf, int64(t), 10)
	buf = append(buf, " ms\n"...)
	buf = append(buf, printRule...)
	pb.pieces = 0
	clear(pb.texts)
	pb.texts = pb.texts[:0]
	buf = body(buf, async)
	tail := pb.tail[:0]
	if more {
		tail = append(tail, "...\n"...)
	}
	tail = append(tail, '\n')
	pb.all, pb.tail = buf, tail
	if pb.pieces == 0 && len(pb.texts) == 0 { // one buffer, one Write
		pb.all, pb.tail = append(pb.all, pb.tail...), pb.tail[:0]
	}
	if async {
		// The buffers go to the writer goroutine; the next block is rendered into those
		// of the block before it.
		free, err := o.swap(pb)
		if err == nil {
			pb = free
		}
		return pb, err
	}
	_, err := w.Write(pb.all) // gathered: pb.pieces is 0
	return pb, err
}

// renderPieces cuts the printed elements (the first counts[i] of each parts[i]) into
// pieces of about total/procs elements, in order, so that the goroutines rendering them
// share the work evenly: a gathered result (sortByKey, top) is one large partition, and
// partitions of a shuffle are of uneven sizes.
func renderPieces[T any](parts [][]T, counts []int, total, procs int) ([][]T, []int) {
	size := (total + procs - 1) / procs
	pieces := make([][]T, 0, procs+len(parts))
	pieceCounts := make([]int, 0, procs+len(parts))
	for i, part := range parts {
		for rest := part[:counts[i]]; len(rest) > 0; {
			n := min(size, len(rest))
			if len(rest)-n < size/4 {
				n = len(rest) // no sliver of a piece at a partition's end
			}
			pieces, pieceCounts = append(pieces, rest[:n]), append(pieceCounts, n)
			rest = rest[n:]
		}
	}
	return pieces, pieceCounts
}

// parallelPrintMin is the number of printed elements from which Print renders the
// partitions in parallel: below it, starting goroutines costs more than it saves.
const parallelPrintMin = 4096

// printSample is how many elements Print renders before it sizes the buffer for the rest
// of the batch.
const printSample = 64

// renderSerial appends the first counts[i] elements of each parts[i], one a line. After
// a sample of elements it grows buf once to the size the rest will need at the sample's
// average, plus reserve more elements (rendered elsewhere, appended later), so that a
// large batch does not double the buffer over and over.
func renderSerial[T any](buf []byte, parts [][]T, counts []int, reserve int, render func([]byte, T) []byte) []byte {
	size := newPrintSizer(buf, counts, reserve)
	for i, part := range parts {
		for _, v := range part[:counts[i]] {
			buf = render(buf, v)
			buf = append(buf, '\n')
			buf = size.rendered(buf)
		}
	}
	return buf
}

// printSizer grows a block's buffer once, after a sample of printSample elements, to
// the size the elements still to come will need at the sample's average.
type printSizer struct{ start, sampled, left int }

// newPrintSizer starts sizing buf for the elements counts add up to, plus reserve.
func newPrintSizer(buf []byte, counts []int, reserve int) printSizer {
	left := reserve
	for _, n := range counts {
		left += n
	}
	return printSizer{start: len(buf), left: left}
}

// rendered notes one more element rendered into buf, and returns buf, grown after the
// sample.
func (s *printSizer) rendered(buf []byte) []byte {
	s.left--
	if s.sampled++; s.sampled == printSample && s.left > 0 {
		per := (len(buf) - s.start + s.sampled - 1) / s.sampled
		n := s.left * per
		buf = slices.Grow(buf, n+n/8+printTail)
	}
	return buf
}

// renderParallel renders piece 0 (of len(counts), whose printed elements
// renderPiece(dst, i, reserve) appends to dst, sizing it for reserve more elements after
// them) into buf on the calling goroutine and each other piece into a buffer of its own
// (pb.parts[i]), with up to GOMAXPROCS goroutines in all (the caller included) taking
// pieces in turn; it then appends those buffers to buf in order, or with gather false
// leaves them there and sets pb.pieces (the writer then writes them after buf). A panic
// in a render function is raised again on the caller's goroutine once every goroutine
// is done, where the output's guard reports it.
func renderParallel(pb *printBuffers, buf []byte, counts []int, renderPiece func(dst []byte, i, reserve int) []byte, gather bool) []byte {
	pieces := len(counts)
	for len(pb.parts) < pieces {
		pb.parts = append(pb.parts, nil)
	}
	var (
		wg       sync.WaitGroup
		next     atomic.Int64 // the next piece to render, from 1
		panicked atomic.Pointer[any]
	)
	next.Store(1)
	work := func() {
		defer func() {
			if r := recover(); r != nil {
				panicked.CompareAndSwap(nil, &r)
			}
		}()
		for i := int(next.Add(1) - 1); i < pieces; i = int(next.Add(1) - 1) {
			pb.parts[i] = renderPiece(pb.parts[i][:0], i, 0)
		}
	}
	for range min(runtime.GOMAXPROCS(0), pieces) - 1 {
		wg.Go(work)
	}
	func() {
		defer func() {
			if r := recover(); r != nil {
				panicked.CompareAndSwap(nil, &r)
			}
		}()
		rest := 0
		if gather {
			for _, n := range counts[1:] {
				rest += n
			}
		}
		buf = renderPiece(buf, 0, rest)
	}()
	work()
	wg.Wait()
	if r := panicked.Load(); r != nil {
		panic(*r)
	}
	if !gather {
		pb.pieces = pieces
		return buf
	}
	size := len(buf)
	for _, p := range pb.parts[1:pieces] {
		size += len(p)
	}
	buf = slices.Grow(buf, size-len(buf)+printTail)
	for _, p := range pb.parts[1:pieces] {
		buf = append(buf, p...)
	}
	return buf
}

// printTail is room for what follows the elements: "...\n" and the empty line.
const printTail = 8

// printBuffers are the buffers Print renders into, kept for the next call.
type printBuffers struct {
	all   []byte   // the whole block, or its first piece when pieces > 0
	parts [][]byte // per piece, when rendering in parallel
	// pieces, when not 0, says the block is all, parts[1:pieces], texts and tail, in
	// order.
	pieces int
	// texts are pieces rendered elsewhere (PrintRendered), written after the others; the
	// buffers are not pb's, and are never rendered into.
	texts  [][]byte
	tail   []byte // what follows the elements: "...\n" and the empty line
	counts []int
	bufs   [][]byte // scratch for blocks
}

// blocks returns the buffers that make up the block, in order.
func (pb *printBuffers) blocks() [][]byte {
	bufs := append(pb.bufs[:0], pb.all)
	if pb.pieces > 0 {
		bufs = append(bufs, pb.parts[1:pb.pieces]...)
	}
	bufs = append(bufs, pb.texts...)
	if len(pb.tail) > 0 {
		bufs = append(bufs, pb.tail)
	}
	pb.bufs = bufs
	return bufs
}

// printCache holds the buffers between Print calls. Outputs run one at a time, so one
// set is enough; a concurrent call (another job in the same process) gets new ones.
var printCache struct {
	sync.Mutex
	pb *printBuffers
}

func takePrintBuffers() *printBuffers {
	printCache.Lock()
	defer printCache.Unlock()
	pb := printCache.pb
	printCache.pb = nil
	if pb == nil {
		pb = &printBuffers{}
	}
	if pb.all == nil {
		pb.all = make([]byte, 0, 4096)
	}
	return pb
}

// printKeepMax is the largest buffer Print keeps for the next call. Reusing it saves
// allocating and zeroing a buffer per batch (a NEXMark batch printed whole is ~20 MB); a
// larger one would keep too much reachable between batches, and is allocated per call
// instead, sized once from a sample.
const printKeepMax = 64 << 20

func putPrintBuffers(pb *printBuffers) {
	if pb == nil {
		return
	}
	if cap(pb.all) > printKeepMax {
		pb.all = nil
	}
	for i, p := range pb.parts {
		if cap(p) > printKeepMax/len(pb.parts) {
			pb.parts[i] = nil
		} else {
			pb.parts[i] = p[:0]
		}
	}
	printCache.Lock()
	defer printCache.Unlock()
	if printCache.pb == nil || cap(printCache.pb.all) <= cap(pb.all) {
		printCache.pb = pb
	}
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
	noteOutputRecords(Len(parts))
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
