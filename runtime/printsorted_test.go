package runtime

import (
	"bytes"
	"cmp"
	"fmt"
	"math/rand/v2"
	goruntime "runtime"
	"slices"
	"strconv"
	"testing"
)

// keyed is an element ordered by key alone; run and pos tell equal keys apart, so that a
// merge that breaks ties out of run order shows in the output.
type keyed struct{ key, run, pos int }

func byKey(a, b keyed) int { return cmp.Compare(a.key, b.key) }

func renderKeyed(dst []byte, v keyed) []byte {
	return fmt.Appendf(dst, "%d/%d/%d", v.key, v.run, v.pos)
}

// sortedRuns returns n runs of random sizes (up to max), each sorted by key, with keys
// from a small range so that runs share keys.
func sortedRuns(r *rand.Rand, n, max, keys int) [][]keyed {
	runs := make([][]keyed, n)
	for i := range runs {
		run := make([]keyed, r.IntN(max+1))
		for j := range run {
			run[j] = keyed{key: r.IntN(keys), run: i}
		}
		slices.SortFunc(run, byKey)
		for j := range run {
			run[j].pos = j
		}
		runs[i] = run
	}
	return runs
}

// orderedRuns returns n runs of random sizes (up to max) that are in order: consecutive
// ranges of one sorted sequence, so that a run may end on the key the next one starts
// with (MergeEach's and MergeCuts' concatenation path), and now and then empty.
func orderedRuns(r *rand.Rand, n, max, keys int) [][]keyed {
	all := slices.Concat(sortedRuns(r, n, max, keys)...)
	slices.SortFunc(all, byKey)
	runs := make([][]keyed, n)
	at := 0
	for i := range runs {
		size := r.IntN(len(all) - at + 1)
		if i == n-1 {
			size = len(all) - at
		}
		for j := range size {
			runs[i] = append(runs[i], keyed{key: all[at+j].key, run: i, pos: j})
		}
		at += size
	}
	return runs
}

// TestMergeEach: the merge of sorted runs is the stable sort of their concatenation,
// cut after n elements; MergeCuts' ranges merged one after the other give the same.
// Every other round the runs are in order (orderedRuns), and then MergeEach compares
// once per run at most, not once per element.
func TestMergeEach(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 400 {
		runs := sortedRuns(r, r.IntN(6), 60, 1+r.IntN(30))
		if round%2 == 1 {
			runs = orderedRuns(r, r.IntN(6), 60, 1+r.IntN(30))
		}
		want := slices.Concat(runs...)
		slices.SortStableFunc(want, byKey)
		n := len(want)
		if round%3 == 0 {
			n = r.IntN(len(want) + 1)
		}
		var got []keyed
		compared := 0
		counting := func(a, b keyed) int { compared++; return byKey(a, b) }
		MergeEach(runs, n, counting, func(v keyed) { got = append(got, v) })
		if round%2 == 1 && compared > len(runs) {
			t.Fatalf("round %d: %d runs in order took %d comparisons", round, len(runs), compared)
		}
		if !slices.Equal(got, want[:n]) {
			t.Fatalf("round %d: MergeEach(n=%d) = %v, want %v", round, n, got, want[:n])
		}
		if len(runs) == 0 || len(want) == 0 {
			continue
		}
		pieces := 1 + r.IntN(5)
		cuts := MergeCuts(runs, pieces, byKey)
		got = got[:0]
		for q := range pieces {
			part, size := MergeRange(runs, cuts, q)
			before := len(got)
			MergeEach(part, -1, byKey, func(v keyed) { got = append(got, v) })
			if len(got)-before != size {
				t.Fatalf("round %d: range %d merged %d elements, MergeRange said %d", round, q, len(got)-before, size)
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: %d ranges merged in turn differ from the merge", round, pieces)
		}
	}
}

// TestPrintSorted: PrintSorted writes what Print writes for the merged runs, for
// batches small and large (cut into ranges rendered in parallel), num cutting the batch
// anywhere, one or several parts, runs interleaved and in order, on a plain writer and on the binary's writer
// goroutine (printOut), at one processor and several.
func TestPrintSorted(t *testing.T) {
	for _, procs := range []int{1, 4} {
		t.Run("procs="+strconv.Itoa(procs), func(t *testing.T) {
			defer goruntime.GOMAXPROCS(goruntime.GOMAXPROCS(procs))
			r := rand.New(rand.NewPCG(3, uint64(procs)))
			var got, gotAsync, want, wantAll bytes.Buffer
			async := newPrintOut(&gotAsync)
			for b := range 120 {
				parts := make([]SortedRuns[keyed], 1+r.IntN(2))
				merged := make([][]keyed, len(parts))
				size := 3 * parallelPrintMin
				if b%3 == 0 {
					size = 40
				}
				for i := range parts {
					runs := sortedRuns(r, r.IntN(5), size, 1+r.IntN(2*size))
					if b%2 == 1 {
						runs = orderedRuns(r, r.IntN(5), size, 1+r.IntN(2*size))
					}
					parts[i] = SortedRuns[keyed]{Runs: runs, Cmp: byKey}
					merged[i] = slices.Concat(runs...)
					slices.SortStableFunc(merged[i], byKey)
				}
				num := 1 << 30
				if b%4 == 1 {
					num = r.IntN(Len(merged) + 1)
				}
				if err := Print(&want, Time(b), num, merged, renderKeyed); err != nil {
					t.Fatal(err)
				}
				if err := PrintSorted(&got, Time(b), num, parts, renderKeyed); err != nil {
					t.Fatal(err)
				}
				if err := PrintSorted(async, Time(b), num, parts, renderKeyed); err != nil {
					t.Fatal(err)
				}
				if got.String() != want.String() {
					t.Fatalf("batch %d (num %d): PrintSorted wrote\n%.300s\nwant\n%.300s", b, num, got.String(), want.String())
				}
				wantAll.Write(want.Bytes())
				got.Reset()
				want.Reset()
			}
			if err := async.Close(); err != nil {
				t.Fatal(err)
			}
			if gotAsync.String() != wantAll.String() {
				t.Fatalf("through the writer goroutine: %d bytes, want Print's %d", gotAsync.Len(), wantAll.Len())
			}
		})
	}
}
