package stdlib

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

type keyed struct {
	K string
	V int64
}

// byKeyThenValue is the comparison generated code passes: the key, then the whole
// element as the tie-break.
func byKeyThenValue(desc bool) func(a, b keyed) int {
	return func(a, b keyed) int {
		if desc {
			a, b = b, a
		}
		if c := strings.Compare(a.K, b.K); c != 0 {
			return c
		}
		return cmp.Compare(a.V, b.V)
	}
}

// randomKeyed draws keys that share long prefixes, differ past their 8th byte, end in
// NUL, repeat, or are empty: every case the prefix pass must leave to cmp.
func randomKeyed(r *rand.Rand, n int) []keyed {
	stems := []string{"", "a", "ab\x00", "abcdefgh", "abcdefghi", "abcdefgh\x00", "zzzzzzzzzzzz", "\xff\xfe"}
	s := make([]keyed, n)
	for i := range s {
		k := stems[r.IntN(len(stems))]
		for range r.IntN(4) {
			k += string(rune('a' + r.IntN(3)))
		}
		s[i] = keyed{K: k, V: r.Int64N(5)}
	}
	return s
}

func TestSortByString(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	key := func(e *keyed) string { return e.K }
	for _, n := range []int{0, 1, 255, 256, 257, 1000, 50_000} {
		for _, desc := range []bool{false, true} {
			t.Run(fmt.Sprintf("n=%d,desc=%v", n, desc), func(t *testing.T) {
				s := randomKeyed(r, n)
				want := slices.Clone(s)
				c := byKeyThenValue(desc)
				slices.SortFunc(want, c)
				SortByString(s, key, desc, c)
				if !slices.Equal(s, want) {
					for i := range s {
						if s[i] != want[i] {
							t.Fatalf("element %d: %+v, want %+v", i, s[i], want[i])
						}
					}
				}
			})
		}
	}
}

func TestSortByStringAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	orig := randomKeyed(r, 10_000)
	s := slices.Clone(orig)
	key := func(e *keyed) string { return e.K }
	c := byKeyThenValue(false)
	SortByString(s, key, false, c) // warm the buffer pool
	allocs := testing.AllocsPerRun(20, func() {
		copy(s, orig)
		SortByString(s, key, false, c)
	})
	// A garbage collection empties the pool; allow that, not a per-call buffer.
	if allocs >= 1 {
		t.Errorf("%v allocations per sort of 10,000 elements, want 0", allocs)
	}
}

func BenchmarkSortByString(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	orig := make([]keyed, 64_000)
	for i := range orig {
		w := make([]byte, 2+r.IntN(9))
		for j := range w {
			w[j] = byte('a' + r.IntN(26))
		}
		orig[i] = keyed{K: string(w), V: int64(i)}
	}
	s := slices.Clone(orig)
	c := byKeyThenValue(false)
	b.Run("SortByString", func(b *testing.B) {
		for b.Loop() {
			copy(s, orig)
			SortByString(s, func(e *keyed) string { return e.K }, false, c)
		}
	})
	b.Run("SortFunc", func(b *testing.B) {
		for b.Loop() {
			copy(s, orig)
			slices.SortFunc(s, c)
		}
	})
}
