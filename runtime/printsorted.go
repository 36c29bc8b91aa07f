package runtime

import (
	"io"
	"runtime"
)

// SortedRuns is the result of a sortByKey that gathers a batch into one partition,
// left unmerged: the runs its source partitions sorted, and their order.
// Generated code keeps it instead of the merged batch when print is the result's only
// reader, and PrintSorted merges the runs as it renders them: the batch is then never
// copied into one sorted slice (a copy of every element, and a buffer of the batch's
// size kept from batch to batch).
type SortedRuns[T any] struct {
	Runs [][]T
	Cmp  func(a, b T) int
}

// Len returns the number of elements of the runs.
func (s SortedRuns[T]) Len() int { return Len(s.Runs) }

// PrintSorted is Print of parts, each the merge of its runs (MergeEach): it writes
// exactly what Print(w, t, num, merged, render) writes, merged[i] holding parts[i]'s
// runs merged. A large batch with GOMAXPROCS > 1 is cut into ranges of the merge
// (MergeCuts), each merged and rendered by a goroutine of its own.
func PrintSorted[T any](w io.Writer, t Time, num int, parts []SortedRuns[T], render func([]byte, T) []byte) error {
	all := 0
	for _, p := range parts {
		all += p.Len()
	}
	noteOutputRecords(all)
	total := min(all, max(num, 0))
	pb := takePrintBuffers()
	defer func() { putPrintBuffers(pb) }()
	// The pieces, in order: runs merged with cmp, of which the first count are printed.
	type piece struct {
		runs  [][]T
		cmp   func(a, b T) int
		count int
	}
	var pieces []piece
	counts := pb.counts[:0]
	cut := 1
	if procs := runtime.GOMAXPROCS(0); total >= parallelPrintMin && procs > 1 {
		cut = procs
	}
	left := total
	for _, p := range parts {
		if left == 0 {
			break
		}
		if cut == 1 || p.Len() < parallelPrintMin {
			n := min(p.Len(), left)
			pieces, counts = append(pieces, piece{p.Runs, p.Cmp, n}), append(counts, n)
			left -= n
			continue
		}
		cuts := MergeCuts(p.Runs, cut, p.Cmp)
		for q := range cut {
			runs, size := MergeRange(p.Runs, cuts, q)
			n := min(size, left)
			if n == 0 {
				continue
			}
			pieces, counts = append(pieces, piece{runs, p.Cmp, n}), append(counts, n)
			left -= n
		}
	}
	pb.counts = counts
	renderPiece := func(dst []byte, i, reserve int) []byte {
		p := pieces[i]
		size := newPrintSizer(dst, counts[i:i+1], reserve)
		MergeEach(p.runs, p.count, p.cmp, func(v T) {
			dst = render(dst, v)
			dst = append(dst, '\n')
			dst = size.rendered(dst)
		})
		return dst
	}
	var err error
	pb, err = printBlock(w, t, pb, total < all, func(buf []byte, async bool) []byte {
		if len(pieces) > 1 && cut > 1 {
			return renderParallel(pb, buf, counts, renderPiece, !async)
		}
		rest := total
		for i, n := range counts {
			rest -= n
			buf = renderPiece(buf, i, rest)
		}
		return buf
	})
	return err
}
