package stdlib

import (
	"slices"
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

// ListContains reports whether x is an element of xs, compared with == (contains on a
// list; Contains is contains on a string).
func ListContains[T comparable](xs []T, x T) bool { return slices.Contains(xs, x) }
