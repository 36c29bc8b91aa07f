package stdlib

import (
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	rt "streamc.dev/streamc/runtime"
)

// LenList returns the number of elements of xs (len on a list; Len is len on a string).
func LenList[T any](xs []T) int64 { return int64(len(xs)) }

// Sum adds up xs from first to last, as Scala's sum (a left fold); the sum of an empty
// list is 0. Int sums wrap around on overflow, as Scala's do.
func Sum[N Number](xs []N) N {
	var s N
	for _, x := range xs {
		s += x
	}
	return s
}

// First returns the first element of xs, or none when xs is empty (Scala's headOption).
func First[T any](xs []T) Opt[T] {
	if len(xs) == 0 {
		return Opt[T]{}
	}
	return Opt[T]{V: xs[0], Ok: true}
}

// Last returns the last element of xs, or none when xs is empty (Scala's lastOption).
func Last[T any](xs []T) Opt[T] {
	if len(xs) == 0 {
		return Opt[T]{}
	}
	return Opt[T]{V: xs[len(xs)-1], Ok: true}
}

// Sort returns a sorted copy of xs in ascending order, the order of Compare (Scala's
// sorted, with its total order on floats: NaN last). xs itself is left as it was, since
// the list may be shared (a let binding, a grouped value). The sort is stable.
func Sort[T any](xs []T) []T {
	out := slices.Clone(xs)
	switch s := any(out).(type) {
	case []int64:
		slices.Sort(s)
	case []string:
		slices.Sort(s)
	case []float64:
		slices.SortStableFunc(s, compareFloat)
	default:
		slices.SortStableFunc(out, Compare[T])
	}
	return out
}

// distinctSmall is the list length up to which Distinct compares every pair instead of
// building a set: for the short lists of a record it is faster and allocates only the
// result.
const distinctSmall = 16

// Distinct returns the elements of xs without repeats, keeping the first occurrence of
// each in order (Scala's distinct). Elements are compared with Go's ==, so unlike Scala
// every NaN is kept. xs itself is left as it was.
func Distinct[T comparable](xs []T) []T {
	out := make([]T, 0, len(xs))
	if len(xs) <= distinctSmall {
		for _, x := range xs {
			if !slices.Contains(out, x) {
				out = append(out, x)
			}
		}
		return out
	}
	seen := make(map[T]struct{}, len(xs))
	for _, x := range xs {
		if _, dup := seen[x]; !dup {
			seen[x] = struct{}{}
			out = append(out, x)
		}
	}
	return out
}

// ConcatLists is a + b on lists: a new list with a's elements, then b's.
func ConcatLists[T any](a, b []T) []T {
	out := make([]T, 0, len(a)+len(b))
	return append(append(out, a...), b...)
}

// MapList is xs.map(f): f of each element, in order.
func MapList[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// FilterList is xs.filter(f): the elements for which f is true, in order.
func FilterList[T any](xs []T, f func(T) bool) []T {
	var out []T
	for _, x := range xs {
		if f(x) {
			out = append(out, x)
		}
	}
	return out
}

// FlatMapList is xs.flatMap(f): the lists f returns, concatenated.
func FlatMapList[T, U any](xs []T, f func(T) []U) []U {
	var out []U
	for _, x := range xs {
		out = append(out, f(x)...)
	}
	return out
}

// ExistsList is xs.exists(f): whether f is true of some element.
func ExistsList[T any](xs []T, f func(T) bool) bool {
	for _, x := range xs {
		if f(x) {
			return true
		}
	}
	return false
}

// ForallList is xs.forall(f): whether f is true of every element (true for none).
func ForallList[T any](xs []T, f func(T) bool) bool {
	for _, x := range xs {
		if !f(x) {
			return false
		}
	}
	return true
}

// ListContains reports whether x is an element of xs, compared with == (contains on a
// list; Contains is contains on a string).
func ListContains[T comparable](xs []T, x T) bool { return slices.Contains(xs, x) }

// MergeSortedFunc appends to dst the elements of runs, each sorted by cmp, in the order
// of cmp, and returns the extended slice: a sort whose partitions sorted their parts in
// parallel merges them with it in linear time (k-way, with a heap of the runs' heads
// beyond two runs). Of equal elements, those of earlier runs come first.
//
// A large merge (parallelMergeMin elements) with GOMAXPROCS > 1 is cut into as many
// ranges of the output as there are processors, merged at the same time: a gathered
// sort (sortByKey before print) is then not a serial step of its batch.
func MergeSortedFunc[T any](dst []T, runs [][]T, cmp func(a, b T) int) []T {
	if procs := runtime.GOMAXPROCS(0); procs > 1 {
		if n := totalLen(runs); n >= parallelMergeMin {
			return mergeParallel(dst, runs, n, procs, cmp)
		}
	}
	return mergeSerial(dst, runs, cmp)
}

// parallelMergeMin is the size from which MergeSortedFunc merges in parallel: below it,
// starting goroutines costs more than the merge.
const parallelMergeMin = 16 << 10

func totalLen[T any](runs [][]T) int {
	n := 0
	for _, r := range runs {
		n += len(r)
	}
	return n
}

// mergeParallel is MergeSortedFunc cut into procs ranges of the output (rt.MergeCuts),
// merged at the same time; the result is the serial merge's, element for element. A
// panic of cmp on another goroutine is raised again on the caller's.
func mergeParallel[T any](dst []T, runs [][]T, n, procs int, cmp func(a, b T) int) []T {
	cuts := rt.MergeCuts(runs, procs, cmp)
	base := len(dst)
	dst = slices.Grow(dst, n)[:base+n]
	var panicked atomic.Pointer[any]
	merge := func(q int) {
		defer func() {
			if r := recover(); r != nil {
				panicked.CompareAndSwap(nil, &r)
			}
		}()
		start := base
		for i := range runs {
			start += cuts[q][i]
		}
		parts, size := rt.MergeRange(runs, cuts, q)
		// Appending within the capacity writes into dst's range for q.
		mergeSerial(dst[start:start:start+size], parts, cmp)
	}
	var wg sync.WaitGroup
	for q := 1; q < procs; q++ {
		wg.Go(func() { merge(q) })
	}
	merge(0)
	wg.Wait()
	if r := panicked.Load(); r != nil {
		panic(*r)
	}
	return dst
}

// mergeSerial is MergeSortedFunc on the calling goroutine. One run (a sort at one
// partition) is copied and two runs (at two) are merged here with appends; a call per
// element through rt.MergeEach made a two-run merge a quarter slower.
func mergeSerial[T any](dst []T, runs [][]T, cmp func(a, b T) int) []T {
	dst = slices.Grow(dst, totalLen(runs))
	switch len(runs) {
	case 1:
		return append(dst, runs[0]...)
	case 2:
		a, b := runs[0], runs[1]
		for len(a) > 0 && len(b) > 0 {
			if cmp(b[0], a[0]) < 0 {
				dst, b = append(dst, b[0]), b[1:]
			} else {
				dst, a = append(dst, a[0]), a[1:]
			}
		}
		dst = append(dst, a...)
		return append(dst, b...)
	}
	rt.MergeEach(runs, -1, cmp, func(v T) { dst = append(dst, v) })
	return dst
}
