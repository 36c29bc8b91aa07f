package stdlib

import "slices"

// SortedPrefix returns the first k elements of s in the order of cmp, sorted: what
// sorting s and cutting it to k elements gives, for a cmp that is a total order (top
// and takeOrdered, whose generated cmp ends with a comparison of whole elements). It
// reorders s and returns a prefix of it.
//
// top(10) over a window of 20,000 auctions sorted all 20,000 per slide (q5). For a k
// small next to len(s) it keeps the k best in a heap whose root is the worst of them,
// so each other element costs one comparison with the root and rarely a sift: n log k
// comparisons at worst, about n in practice, then a sort of the k.
func SortedPrefix[T any](s []T, k int, cmp func(a, b T) int) []T {
	if k <= 0 {
		return s[:0]
	}
	if k*8 >= len(s) {
		slices.SortFunc(s, cmp)
		return s[:min(k, len(s))]
	}
	h := s[:k]
	// A max-heap by cmp: h[0] is the last of the k kept so far.
	for i := k/2 - 1; i >= 0; i-- {
		siftDown(h, i, cmp)
	}
	for _, e := range s[k:] {
		if cmp(e, h[0]) < 0 {
			h[0] = e
			siftDown(h, 0, cmp)
		}
	}
	slices.SortFunc(h, cmp)
	return h
}

// siftDown moves h[i] down the max-heap h (by cmp) to where it belongs.
func siftDown[T any](h []T, i int, cmp func(a, b T) int) {
	for {
		c := 2*i + 1
		if c >= len(h) {
			return
		}
		if c+1 < len(h) && cmp(h[c+1], h[c]) > 0 {
			c++
		}
		if cmp(h[c], h[i]) <= 0 {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}
