package runtime

import "slices"

// MergeEach calls emit with the first n elements (all of them when n < 0) of the merge
// of runs, each sorted by cmp, in the order of cmp: k-way, with a heap of the runs'
// heads beyond two runs. Of equal elements, those of earlier runs come first, so the
// merge is the stable sort of the runs' concatenation.
//
// Runs that are already in order, each one's last element at or below the next one's
// first (ranges of one order, as sortByKey gets them from a key dictionary, see
// DictSums), are emitted one after the other: their concatenation is the merge, found
// with one comparison per run instead of one per element.
//
// stdlib.MergeSortedFunc appends the merge to a slice with it; PrintSorted renders it
// without building that slice (a gathered sortByKey before print).
func MergeEach[T any](runs [][]T, n int, cmp func(a, b T) int, emit func(T)) {
	var two [2][]T
	live := two[:0]
	for _, r := range runs {
		if len(r) > 0 {
			live = append(live, r)
		}
	}
	if n < 0 {
		n = 0
		for _, r := range live {
			n += len(r)
		}
	}
	if len(live) > 1 && inOrder(live, cmp) {
		for _, r := range live {
			for _, v := range r[:min(n, len(r))] {
				emit(v)
			}
			if n -= min(n, len(r)); n == 0 {
				return
			}
		}
		return
	}
	switch len(live) {
	case 0:
		return
	case 1:
		for _, v := range live[0][:min(n, len(live[0]))] {
			emit(v)
		}
		return
	case 2:
		a, b := live[0], live[1]
		for ; n > 0 && len(a) > 0 && len(b) > 0; n-- {
			if cmp(b[0], a[0]) < 0 {
				emit(b[0])
				b = b[1:]
			} else {
				emit(a[0])
				a = a[1:]
			}
		}
		for _, rest := range [2][]T{a, b} {
			for _, v := range rest[:min(n, len(rest))] {
				emit(v)
			}
			n -= min(n, len(rest))
		}
		return
	}
	// h is a binary min-heap of run indexes into live, ordered by their heads, then by
	// index so that ties go to the earlier run.
	less := func(i, j int) bool {
		if c := cmp(live[i][0], live[j][0]); c != 0 {
			return c < 0
		}
		return i < j
	}
	h := make([]int, len(live))
	for i := range h {
		h[i] = i
	}
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= len(h) {
				return
			}
			m := l
			if r := l + 1; r < len(h) && less(h[r], h[l]) {
				m = r
			}
			if !less(h[m], h[i]) {
				return
			}
			h[i], h[m] = h[m], h[i]
			i = m
		}
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		down(i)
	}
	for ; n > 0 && len(h) > 0; n-- {
		top := h[0]
		emit(live[top][0])
		live[top] = live[top][1:]
		if len(live[top]) == 0 {
			h[0] = h[len(h)-1]
			h = h[:len(h)-1]
		}
		down(0)
	}
}

// MergeCuts cuts the merge of runs (each sorted by cmp) into pieces ranges of about
// equal size that can be merged independently, in order: cuts[q][i] is where range q
// starts in runs[i], and range q ends where q+1 starts (cuts[pieces][i] is len(runs[i])).
// The cuts are elements of the longest run at even distances (pivots); a range takes,
// from every run, the elements at or above the previous pivot and below the next one
// (binary searches), so equal elements always fall in the same range, where MergeEach
// orders them by run: merging the ranges one after the other is merging the runs.
//
// Runs already in order (see MergeEach) are cut at even positions of their
// concatenation instead, so that the ranges are of equal size.
func MergeCuts[T any](runs [][]T, pieces int, cmp func(a, b T) int) [][]int {
	if inOrder(runs, cmp) {
		total := Len(runs)
		cuts := make([][]int, pieces+1)
		for q := range cuts {
			cuts[q] = make([]int, len(runs))
			at := total * q / pieces // where range q starts in the concatenation
			for i, r := range runs {
				cuts[q][i] = min(max(at, 0), len(r))
				at -= len(r)
			}
		}
		return cuts
	}
	var longest []T
	for _, r := range runs {
		if len(r) > len(longest) {
			longest = r
		}
	}
	cuts := make([][]int, pieces+1)
	cuts[0] = make([]int, len(runs))
	for q := 1; q < pieces; q++ {
		pivot := longest[q*len(longest)/pieces]
		cuts[q] = make([]int, len(runs))
		for i, r := range runs {
			cuts[q][i], _ = slices.BinarySearchFunc(r, pivot, cmp)
		}
	}
	cuts[pieces] = make([]int, len(runs))
	for i, r := range runs {
		cuts[pieces][i] = len(r)
	}
	return cuts
}

// MergeRange returns range q of MergeCuts' cuts: the part of each run it takes, and how
// many elements they hold.
func MergeRange[T any](runs [][]T, cuts [][]int, q int) ([][]T, int) {
	parts := make([][]T, len(runs))
	size := 0
	for i, r := range runs {
		parts[i] = r[cuts[q][i]:cuts[q+1][i]]
		size += len(parts[i])
	}
	return parts, size
}

// inOrder reports whether the runs, each sorted by cmp, are in order: the last element
// of every non-empty run at or below the first of the next non-empty one.
func inOrder[T any](runs [][]T, cmp func(a, b T) int) bool {
	var last *T
	for i := range runs {
		r := runs[i]
		if len(r) == 0 {
			continue
		}
		if last != nil && cmp(*last, r[0]) > 0 {
			return false
		}
		last = &r[len(r)-1]
	}
	return true
}
