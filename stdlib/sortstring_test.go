package stdlib

import (
	"cmp"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
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

// sortShape is one input for the pooled-reuse tests: n elements whose keys' 8-byte
// prefixes differ exactly in the bytes set in vary (bit i: the key's byte i), so that
// the radix sort makes popcount(vary) passes.
type sortShape struct {
	n     int
	vary  uint8
	desc  bool
	tail  int  // up to this many bytes past the 8th (ties left to cmp)
	alpha int  // letters a varying byte draws from (at least 2)
	short bool // cut keys to fewer than 8 bytes (zero padding; passes not controlled)
}

// shapedKeyed draws sh's input. Elements 0 and 1 take 'a' and 'b' in every varying
// byte, so that each of them does vary; values repeat, so whole elements repeat.
func shapedKeyed(r *rand.Rand, sh sortShape) []keyed {
	alpha := max(sh.alpha, 2)
	s := make([]keyed, sh.n)
	for i := range s {
		k := []byte("mmmmmmmm")
		for b := range 8 {
			if sh.vary&(1<<b) == 0 {
				continue
			}
			switch i {
			case 0, 1:
				k[b] = byte('a' + i)
			default:
				k[b] = byte('a' + r.IntN(alpha))
			}
		}
		for range r.IntN(sh.tail + 1) {
			k = append(k, "\x00ab\xff"[r.IntN(4)])
		}
		if sh.short {
			k = k[:r.IntN(8)]
		}
		s[i] = keyed{K: string(k), V: r.Int64N(4)}
	}
	return s
}

// radixPasses is the number of passes SortByString's radix sort makes over s: the bytes
// of the 8-byte prefixes that are not the same in every element.
func radixPasses(s []keyed) int {
	if len(s) < sortByPrefixMin {
		return 0
	}
	var differ uint64
	p0 := prefix8(s[0].K)
	for _, e := range s {
		differ |= prefix8(e.K) ^ p0
	}
	passes := 0
	for d := range 8 {
		if byte(differ>>(8*d)) != 0 {
			passes++
		}
	}
	return passes
}

// checkSortByString sorts s with SortByString and with slices.SortFunc on the same
// comparator, and describes the first difference (or a panic).
func checkSortByString(s []keyed, desc bool) (err error) {
	c := byKeyThenValue(desc)
	want := slices.Clone(s)
	slices.SortFunc(want, c)
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	SortByString(s, func(e *keyed) string { return e.K }, desc, c)
	for i := range s {
		if s[i] != want[i] {
			return fmt.Errorf("element %d: %q/%d, want %q/%d", i, s[i].K, s[i].V, want[i].K, want[i].V)
		}
	}
	return nil
}

// pooledShapes alternates odd and even numbers of radix passes (and none), in sizes
// that shrink and grow, so that each sort reuses the buffers an earlier one returned
// to the pool, whether that one ended its passes in its first or its second half.
var pooledShapes = []sortShape{
	{n: 4096, vary: 0x80, tail: 3},              // 1 pass (the last prefix byte)
	{n: 1000, vary: 0xc0, tail: 3, desc: true},  // 2
	{n: 300, vary: 0x01, tail: 9},               // 1 (the first)
	{n: 2000, vary: 0x07, alpha: 3},             // 3
	{n: 700, vary: 0xff, alpha: 16, desc: true}, // 8
	{n: 256, vary: 0x10},                        // 1
	{n: 512, vary: 0, tail: 2},                  // 0: all prefixes equal
	{n: 3000, vary: 0x1f, alpha: 2},             // 5
	{n: 1500, vary: 0x0f, desc: true},           // 4
	{n: 257, vary: 0x81, tail: 1},               // 2
	{n: 4000, vary: 0x40, desc: true},           // 1
	{n: 900, vary: 0xff, short: true, tail: 1},  // keys under 8 bytes
	{n: 255, vary: 0x01},                        // below sortByPrefixMin
	{n: 3500, vary: 0x02, alpha: 2, tail: 9},    // 1
}

// TestSortByStringPooledReuse sorts inputs that make odd and even numbers of radix
// passes one after another, so that each sort takes buffers an earlier one put back,
// from one goroutine and from several at once, against slices.SortFunc (the same
// order, ties included). SortByString once put back its two slots as one array after
// an odd number of passes; the next sort then used that array as both the source and
// the target of its passes and panicked with an index out of range or misordered.
func TestSortByStringPooledReuse(t *testing.T) {
	odd, even := false, false
	for _, sh := range pooledShapes {
		if p := radixPasses(shapedKeyed(rand.New(rand.NewPCG(0, 0)), sh)); p%2 == 1 {
			odd = true
		} else if p > 0 {
			even = true
		}
		if !sh.short && sh.n >= sortByPrefixMin && radixPasses(shapedKeyed(rand.New(rand.NewPCG(1, 1)), sh)) != bits.OnesCount8(sh.vary) {
			t.Fatalf("shape %+v does not make %d passes", sh, bits.OnesCount8(sh.vary))
		}
	}
	if !odd || !even {
		t.Fatal("the shapes must make both odd and even numbers of passes")
	}

	// run sorts the shapes rounds times over, and reports the first failure.
	run := func(r *rand.Rand, rounds int) error {
		for round := range rounds {
			for i, sh := range pooledShapes {
				s := shapedKeyed(r, sh)
				if err := checkSortByString(s, sh.desc); err != nil {
					return fmt.Errorf("round %d, shape %d %+v (%d passes, after shape %d): %v",
						round, i, sh, radixPasses(s), (i+len(pooledShapes)-1)%len(pooledShapes), err)
				}
			}
		}
		return nil
	}
	t.Run("sequential", func(t *testing.T) {
		if err := run(rand.New(rand.NewPCG(7, 8)), 10); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("concurrent", func(t *testing.T) {
		var wg sync.WaitGroup
		errs := make([]error, 6)
		for g := range errs {
			wg.Go(func() { errs[g] = run(rand.New(rand.NewPCG(9, uint64(g))), 5) })
		}
		wg.Wait()
		for g, err := range errs {
			if err != nil {
				t.Errorf("goroutine %d: %v", g, err)
			}
		}
	})
}

// FuzzSortByString sorts up to 8 inputs in a row, each drawn from 3 bytes of plan (the
// prefix bytes that vary, the size, and flags) and seed, so that they reuse each
// other's pooled buffers, and compares each result with slices.SortFunc's.
func FuzzSortByString(f *testing.F) {
	// plan bytes: vary mask; size (n = 17*b, so 0..4335, under and over
	// sortByPrefixMin); flags (bit 0 desc, bits 1-2 tail 0/1/3/9, bit 3 short keys,
	// bits 4-5 alphabet 2/3/16/255).
	for _, plan := range [][]byte{
		{0x80, 240, 0, 0xc0, 60, 0},                    // 1 pass, then 2 in the same buffers
		{0x01, 200, 0, 0x01, 100, 0, 0x03, 50, 1},      // 1, 1, 2
		{0x07, 255, 0x10, 0xff, 40, 0x31, 0x10, 16, 0}, // 3, 8, 1
		{0x1f, 180, 0x20, 0x0f, 90, 0x05, 0, 30, 0x02}, // 5, 4, 0
		{0xff, 120, 0x08, 0x02, 16, 0x06, 0x40, 15, 0}, // short keys, 1, below the threshold
	} {
		f.Add(uint64(1), plan)
	}
	f.Fuzz(func(t *testing.T, seed uint64, plan []byte) {
		r := rand.New(rand.NewPCG(seed, seed>>32))
		for i := 0; i+3 <= len(plan) && i < 24; i += 3 {
			flags := plan[i+2]
			sh := sortShape{
				n:     17 * int(plan[i+1]),
				vary:  plan[i],
				desc:  flags&1 != 0,
				tail:  []int{0, 1, 3, 9}[flags>>1&3],
				short: flags&8 != 0,
				alpha: []int{2, 3, 16, 255}[flags>>4&3],
			}
			s := shapedKeyed(r, sh)
			if err := checkSortByString(s, sh.desc); err != nil {
				t.Fatalf("sort %d %+v (%d passes): %v", i/3, sh, radixPasses(s), err)
			}
		}
	})
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
