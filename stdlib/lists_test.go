package stdlib_test

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"testing"

	"streamc.dev/streamc/stdlib"
)

func TestLenListSumFirstLast(t *testing.T) {
	if got := stdlib.LenList([]string{}); got != 0 {
		t.Errorf("LenList([]) = %d", got)
	}
	if got := stdlib.LenList([]int64{1, 2, 3}); got != 3 {
		t.Errorf("LenList([1,2,3]) = %d", got)
	}
	if got := stdlib.Sum([]int64{}); got != 0 {
		t.Errorf("Sum([]) = %d", got)
	}
	if got := stdlib.Sum([]int64{1, 2, 3, -10}); got != -4 {
		t.Errorf("Sum(ints) = %d", got)
	}
	if got := stdlib.Sum([]int64{math.MaxInt64, 1}); got != math.MinInt64 {
		t.Errorf("Sum overflow = %d, want wrap-around", got)
	}
	a, b := 0.1, 0.2 // variables, so that a+b is rounded as float64 arithmetic is
	if got := stdlib.Sum([]float64{a, b}); got != a+b || got != 0.30000000000000004 {
		t.Errorf("Sum(floats) = %v, want left-to-right %v", got, a+b)
	}
	if got := stdlib.Sum([]float64(nil)); got != 0 {
		t.Errorf("Sum(nil floats) = %v", got)
	}
	if got := stdlib.First([]string{"a", "b"}); got != stdlib.Some("a") {
		t.Errorf("First = %+v", got)
	}
	if got := stdlib.Last([]string{"a", "b"}); got != stdlib.Some("b") {
		t.Errorf("Last = %+v", got)
	}
	if got := stdlib.First([]int64(nil)); got.Ok {
		t.Errorf("First([]) = %+v, want none", got)
	}
	if got := stdlib.Last([]int64{}); got.Ok {
		t.Errorf("Last([]) = %+v, want none", got)
	}
}

func TestSort(t *testing.T) {
	in := []int64{3, -1, 2, 2}
	if got, want := stdlib.Sort(in), []int64{-1, 2, 2, 3}; !slices.Equal(got, want) {
		t.Errorf("Sort(ints) = %v, want %v", got, want)
	}
	if !slices.Equal(in, []int64{3, -1, 2, 2}) {
		t.Errorf("Sort changed its argument to %v", in)
	}
	if got, want := stdlib.Sort([]string{"b", "B", "a", "é", ""}), []string{"", "B", "a", "b", "é"}; !slices.Equal(got, want) {
		t.Errorf("Sort(strings) = %q, want %q", got, want)
	}
	got := stdlib.Sort([]float64{math.NaN(), 1, negZero, math.Inf(-1), 0, -2})
	want := []float64{math.Inf(-1), -2, negZero, 0, 1, math.NaN()}
	for i := range want {
		if !same(got[i], want[i]) {
			t.Fatalf("Sort(floats) = %v, want %v (Java's Double.compare order)", got, want)
		}
	}
	if got := stdlib.Sort([]int64(nil)); len(got) != 0 {
		t.Errorf("Sort(nil) = %v", got)
	}
	type pair = stdlib.Tuple2[string, int64]
	pairs := stdlib.Sort([]pair{{"b", 1}, {"a", 2}, {"a", 1}})
	if want := []pair{{"a", 1}, {"a", 2}, {"b", 1}}; !slices.Equal(pairs, want) {
		t.Errorf("Sort(pairs) = %v, want %v", pairs, want)
	}
	opts := stdlib.Sort([]stdlib.Opt[int64]{stdlib.Some[int64](2), stdlib.None[int64](), stdlib.Some[int64](-5)})
	if want := []stdlib.Opt[int64]{stdlib.None[int64](), stdlib.Some[int64](-5), stdlib.Some[int64](2)}; !slices.Equal(opts, want) {
		t.Errorf("Sort(optionals) = %v, want %v", opts, want)
	}
	lists := stdlib.Sort([][]int64{{1, 2}, {1}, {0, 9}, {}})
	if got, want := stdlib.ToString(lists), "[[],[0,9],[1],[1,2]]"; got != want {
		t.Errorf("Sort(lists) = %s, want %s", got, want)
	}
	if got, want := stdlib.Sort([]bool{true, false, true}), []bool{false, true, true}; !slices.Equal(got, want) {
		t.Errorf("Sort(bools) = %v, want %v", got, want)
	}
}

func TestDistinct(t *testing.T) {
	tests := []struct{ in, want []string }{
		{nil, nil},
		{[]string{"a"}, []string{"a"}},
		{[]string{"b", "a", "b", "c", "a"}, []string{"b", "a", "c"}},
		{[]string{"", "", "x"}, []string{"", "x"}},
	}
	for _, tt := range tests {
		if got := stdlib.Distinct(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Distinct(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// Past the pairwise threshold Distinct uses a set; the result must be the same.
	var long, want []int64
	for i := range 100 {
		long = append(long, int64(i%37))
	}
	for i := range 37 {
		want = append(want, int64(i))
	}
	if got := stdlib.Distinct(long); !slices.Equal(got, want) {
		t.Errorf("Distinct(100 ints mod 37) = %v", got)
	}
	in := []string{"x", "x"}
	stdlib.Distinct(in)
	if !slices.Equal(in, []string{"x", "x"}) {
		t.Errorf("Distinct changed its argument")
	}
}

func TestListContains(t *testing.T) {
	ws := []string{"spark", "flink"}
	if !stdlib.ListContains(ws, "spark") || stdlib.ListContains(ws, "beam") || stdlib.ListContains(nil, "") {
		t.Errorf("ListContains on strings is wrong")
	}
	type pair = stdlib.Tuple2[string, int64]
	if !stdlib.ListContains([]pair{{"a", 1}}, pair{"a", 1}) {
		t.Errorf("ListContains on pairs is wrong")
	}
	if stdlib.ListContains([]float64{math.NaN()}, math.NaN()) {
		t.Errorf("ListContains(NaN) is true; == never holds for NaN")
	}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		name string
		got  int
		want int
	}{
		{"ints", stdlib.Compare[int64](1, 2), -1},
		{"strings", stdlib.Compare("b", "a"), 1},
		{"equal", stdlib.Compare("a", "a"), 0},
		{"NaN=NaN", stdlib.Compare(math.NaN(), math.NaN()), 0},
		{"NaN>Inf", stdlib.Compare(math.NaN(), math.Inf(1)), 1},
		{"-0<0", stdlib.Compare(negZero, 0.0), -1},
		{"-1<NaN", stdlib.Compare(-1.0, math.NaN()), -1},
		{"tuple", stdlib.Compare(stdlib.Tuple3[int64, string, bool]{1, "a", true}, stdlib.Tuple3[int64, string, bool]{1, "a", false}), 1},
		{"none<some", stdlib.Compare(stdlib.None[string](), stdlib.Some("")), -1},
		{"none=none", stdlib.Compare(stdlib.None[string](), stdlib.None[string]()), 0},
		{"prefix", stdlib.Compare([]string{"a"}, []string{"a", ""}), -1},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("Compare %s = %d, want %d", tt.name, tt.got, tt.want)
		}
	}
}

func TestOptionalMethods(t *testing.T) {
	s, n := stdlib.Some[int64](4), stdlib.None[int64]()
	if stdlib.OptGet(s) != 4 || stdlib.OptGetOrElse(s, 9) != 4 || stdlib.OptGetOrElse(n, 9) != 9 {
		t.Errorf("OptGet/OptGetOrElse are wrong")
	}
	if !stdlib.OptIsSome(s) || stdlib.OptIsSome(n) || stdlib.OptIsNone(s) || !stdlib.OptIsNone(n) {
		t.Errorf("OptIsSome/OptIsNone are wrong")
	}
	defer func() {
		err, ok := recover().(error)
		if !ok || err.Error() != "get() called on none" {
			t.Errorf("OptGet(none) panicked with %v, want the get() error", err)
		}
	}()
	stdlib.OptGet(n)
	t.Errorf("OptGet(none) returned")
}

func BenchmarkSortInts(b *testing.B) {
	xs := make([]int64, 64)
	for i := range xs {
		xs[i] = int64((i * 7919) % 64)
	}
	b.ReportAllocs()
	for b.Loop() {
		stdlib.Sort(xs)
	}
}

func BenchmarkDistinctSmall(b *testing.B) {
	xs := make([]string, 12)
	for i := range xs {
		xs[i] = strconv.Itoa(i % 5)
	}
	b.ReportAllocs()
	for b.Loop() {
		stdlib.Distinct(xs)
	}
}

// TestMergeSortedFunc: merging sorted runs gives what a stable sort of the runs,
// concatenated in order, gives: equal keys from earlier runs first.
func TestMergeSortedFunc(t *testing.T) {
	type elem struct{ key, run, i int }
	byKey := func(a, b elem) int { return a.key - b.key }
	rng := rand.New(rand.NewPCG(3, 5))
	for k := range 8 {
		for range 50 {
			runs := make([][]elem, k)
			var all []elem
			for r := range runs {
				for i := range rng.IntN(20) {
					runs[r] = append(runs[r], elem{rng.IntN(10), r, i})
				}
				slices.SortStableFunc(runs[r], byKey)
				all = append(all, runs[r]...)
			}
			slices.SortStableFunc(all, byKey)
			got := stdlib.MergeSortedFunc([]elem{{-1, -1, -1}}, runs, byKey)
			if want := append([]elem{{-1, -1, -1}}, all...); !slices.Equal(got, want) {
				t.Fatalf("%d runs %v: merged %v, want %v", k, runs, got, want)
			}
		}
	}
}

// TestMergeSortedFuncParallel: a merge large enough to be cut into ranges merged in
// parallel gives the serial merge's result, equal keys included, and a panic of the
// comparison surfaces on the caller's goroutine.
func TestMergeSortedFuncParallel(t *testing.T) {
	type elem struct{ key, run, i int }
	byKey := func(a, b elem) int { return a.key - b.key }
	rng := rand.New(rand.NewPCG(7, 11))
	for _, procs := range []int{2, 3, 4} {
		old := runtime.GOMAXPROCS(procs)
		for _, keys := range []int{3, 1000, 1 << 30} { // many ties, some, almost none
			for _, k := range []int{1, 2, 5} {
				runs := make([][]elem, k)
				var all []elem
				for r := range runs {
					for i := range 5000 + rng.IntN(40_000) {
						runs[r] = append(runs[r], elem{rng.IntN(keys), r, i})
					}
					slices.SortStableFunc(runs[r], byKey)
					all = append(all, runs[r]...)
				}
				slices.SortStableFunc(all, byKey)
				got := stdlib.MergeSortedFunc([]elem{{-1, -1, -1}}, runs, byKey)
				if want := append([]elem{{-1, -1, -1}}, all...); !slices.Equal(got, want) {
					t.Fatalf("GOMAXPROCS=%d, %d keys, %d runs: the parallel merge differs from a stable sort", procs, keys, k)
				}
			}
		}
		func() {
			defer func() {
				if r := recover(); r != "boom" {
					t.Errorf("GOMAXPROCS=%d: recovered %v, want the comparison's panic", procs, r)
				}
			}()
			runs := [][]int{make([]int, 40_000), make([]int, 40_000)}
			stdlib.MergeSortedFunc(nil, runs, func(a, b int) int { panic("boom") })
		}()
		runtime.GOMAXPROCS(old)
	}
}
