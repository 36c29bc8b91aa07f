package pipetest

import (
	"slices"
	"strings"
)

// sameBatch reports whether got is want: in order when ordered, else as multisets.
func sameBatch(want, got []string, ordered bool) bool {
	if len(want) != len(got) {
		return false
	}
	if !ordered {
		want, got = slices.Sorted(slices.Values(want)), slices.Sorted(slices.Values(got))
	}
	return slices.Equal(want, got)
}

// diffLines renders the difference of two batches line by line: "  " for a line in
// both, "- " for one only expected, "+ " for one only produced (a longest common
// subsequence). Batches compared as multisets are sorted first, so that the diff shows
// what is missing and what is extra, not where the partitions put it.
func diffLines(want, got []string, ordered bool, indent string) string {
	if !ordered {
		want, got = slices.Sorted(slices.Values(want)), slices.Sorted(slices.Values(got))
	}
	n, m := len(want), len(got)
	// lcs[i][j] is the length of the longest common subsequence of want[i:] and got[j:].
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if want[i] == got[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var b strings.Builder
	line := func(mark, s string) { b.WriteString(indent + mark + s + "\n") }
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && want[i] == got[j]:
			line("  ", want[i])
			i, j = i+1, j+1
		case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
			line("- ", want[i])
			i++
		default:
			line("+ ", got[j])
			j++
		}
	}
	return b.String()
}
