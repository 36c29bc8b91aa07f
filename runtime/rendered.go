package runtime

import "io"

// Rendered is one partition's range of a sorted result that only print reads, rendered
// by the partition that produced it: the lines print will write, in order. Generated
// code keeps it in place of the result when the partitions of a stage produce
// consecutive ranges of the result's order (a word count's key dictionary, rt.DictSums):
// print then writes the partitions' texts one after the other, and the elements are
// never gathered, merged or rendered on print's goroutine (bench/PERF_NOTES.md,
// issue #18).
//
// A partition renders at most num elements, num being print's: the elements of the
// partitions before it come first, so no more of its elements can be printed. It counts
// the others, so that print knows whether to write "...".
//
// Its text is written by print's writer goroutine after print returns (see Print), while
// the next batch renders: Begin alternates between two buffers, and print's next block
// has waited for this one to be written (printOut.swap) before the batch after the next
// renders into it again.
type Rendered struct {
	text []byte
	ends []int // ends[i] is the end in text of element i's line
	n    int   // the elements of the batch, rendered or not
	num  int   // the most elements rendered
	// spare is the other buffer, which the writer goroutine may be writing.
	spare []byte
}

// Begin starts a batch: r then holds no element, and renders at most num.
func (r *Rendered) Begin(num int) {
	r.text, r.spare = r.spare[:0], r.text
	r.ends, r.n, r.num = r.ends[:0], 0, num
}

// full reports whether r holds num rendered elements: the next are only counted.
func (r *Rendered) full() bool { return r.n >= r.num }

// renderNext renders v as r's next element, a line of its own; r is not full (callers
// only count the elements past num, without making them).
func renderNext[T any](r *Rendered, v T, render func([]byte, T) []byte) {
	r.text = render(r.text, v)
	r.text = append(r.text, '\n')
	r.ends = append(r.ends, len(r.text))
	r.n++
}

// lines returns the text of r's first n elements (n ≤ the rendered ones).
func (r *Rendered) lines(n int) []byte {
	if n == 0 {
		return nil
	}
	return r.text[:r.ends[n-1]]
}

// PrintRendered is Print of the partitions' elements that parts hold rendered: it
// writes the same block, the first num elements in partition order and "..." when there
// are more, the partitions having rendered at most num elements each. To the binary's
// standard output (a printOut) the texts are handed to the writer goroutine as they are,
// without a copy.
func PrintRendered(w io.Writer, t Time, num int, parts []Rendered) error {
	all := 0
	for i := range parts {
		all += parts[i].n
	}
	noteOutputRecords(all)
	pb := takePrintBuffers()
	defer func() { putPrintBuffers(pb) }()
	var err error
	pb, err = printBlock(w, t, pb, all > num, func(buf []byte, async bool) []byte {
		left := max(num, 0)
		for i := range parts {
			if left == 0 {
				break
			}
			n := min(parts[i].n, parts[i].num, left)
			left -= n
			if async {
				pb.texts = append(pb.texts, parts[i].lines(n))
			} else {
				buf = append(buf, parts[i].lines(n)...)
			}
		}
		return buf
	})
	return err
}
