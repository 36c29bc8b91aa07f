package runtime_test

import (
	"cmp"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	rt "streamc.dev/streamc/runtime"
	"streamc.dev/streamc/stdlib"
)

// BenchmarkPrintSorted prints a batch of 65,536 (word, count) pairs gathered from two
// sorted runs, as word count's sortByKey().print() does: merged as they are rendered
// (rt.PrintSorted), against merged first into a slice kept from call to call by
// stdlib.MergeSortedFunc (in ranges on GOMAXPROCS goroutines) and then printed, as
// generated code did before rt.SortedRuns (BenchmarkPrintMerged).
func BenchmarkPrintSorted(b *testing.B) { benchPrintRuns(b, true) }
func BenchmarkPrintMerged(b *testing.B) { benchPrintRuns(b, false) }

type wordCount struct {
	w string
	n int64
}

func benchPrintRuns(b *testing.B, sorted bool) {
	r := rand.New(rand.NewPCG(5, 6))
	runs := make([][]wordCount, 2)
	for i := range 1 << 16 {
		w := strconv.FormatUint(r.Uint64()%1e9, 36)
		runs[i%2] = append(runs[i%2], wordCount{w, int64(i)})
	}
	byWord := func(a, b wordCount) int { return cmp.Compare(a.w, b.w) }
	for _, run := range runs {
		slices.SortFunc(run, byWord)
	}
	render := func(dst []byte, v wordCount) []byte {
		dst = append(dst, '(')
		dst = append(dst, v.w...)
		dst = append(dst, ',')
		dst = strconv.AppendInt(dst, v.n, 10)
		return append(dst, ')')
	}
	parts := []rt.SortedRuns[wordCount]{{Runs: runs, Cmp: byWord}}
	var merged []wordCount
	for b.Loop() {
		if sorted {
			if err := rt.PrintSorted(io.Discard, 1000, 1<<30, parts, render); err != nil {
				b.Fatal(err)
			}
			continue
		}
		merged = stdlib.MergeSortedFunc(merged[:0], runs, byWord)
		if err := rt.Print(io.Discard, 1000, 1<<30, [][]wordCount{merged}, render); err != nil {
			b.Fatal(err)
		}
	}
}
