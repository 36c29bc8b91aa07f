package stdlib

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortedPrefix: for every k and length, with many equal keys (the tie-break on the
// whole element makes the order total), the prefix is what a full sort cut to k gives.
func TestSortedPrefix(t *testing.T) {
	type pair struct{ n, a int64 }
	byCount := func(x, y pair) int { // top(k, key = (a, n) => (n, 0 - a)): n desc, then a
		if c := cmp.Compare(y.n, x.n); c != 0 {
			return c
		}
		return cmp.Compare(x.a, y.a)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 7, 8, 9, 80, 81, 1000, 5000} {
		for _, k := range []int{0, 1, 2, 3, 10, 11, 100, n - 1, n, n + 1} {
			if k < 0 {
				continue
			}
			for range 5 {
				s := make([]pair, n)
				for i := range s {
					s[i] = pair{n: int64(r.IntN(20)), a: int64(i)}
				}
				r.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
				want := slices.Clone(s)
				slices.SortFunc(want, byCount)
				want = want[:min(k, len(want))]
				got := SortedPrefix(slices.Clone(s), k, byCount)
				if !slices.Equal(got, want) {
					t.Fatalf("n=%d k=%d: got %v, want %v", n, k, got, want)
				}
			}
		}
	}
}

func FuzzSortedPrefix(f *testing.F) {
	f.Add([]byte{3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5}, uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, k uint8) {
		want := slices.Clone(data)
		slices.Sort(want)
		want = want[:min(int(k), len(want))]
		if got := SortedPrefix(slices.Clone(data), int(k), cmp.Compare[byte]); !slices.Equal(got, want) {
			t.Fatalf("got %v, want %v", got, want)
		}
	})
}

func BenchmarkSortedPrefix(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	s := make([]int64, 20_000)
	for i := range s {
		s[i] = int64(r.IntN(1000))
	}
	work := make([]int64, len(s))
	b.Run("heap", func(b *testing.B) {
		for b.Loop() {
			copy(work, s)
			SortedPrefix(work, 10, cmp.Compare[int64])
		}
	})
	b.Run("sort", func(b *testing.B) {
		for b.Loop() {
			copy(work, s)
			slices.SortFunc(work, cmp.Compare[int64])
		}
	})
}
