package runtime

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// keyBuf is a buffer of a small alphabet with NUL that random keys are cut from, so that
// keys collide in their first bytes and zero padding unless their lengths differ.
func keyBuf(seed uint64) string {
	r := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	for range 1 << 16 {
		b.WriteByte("ab\x00c\xff"[r.IntN(5)])
	}
	return b.String()
}

// checkDict checks every invariant of d against ref, the keys in id order.
func checkDict(t *testing.T, d *KeyDict, ref []string) {
	t.Helper()
	if d.Len() != len(ref) {
		t.Fatalf("Len = %d, want %d", d.Len(), len(ref))
	}
	for id, k := range ref {
		if got := d.Key(uint32(id)); got != k {
			t.Fatalf("Key(%d) = %q, want %q", id, got, k)
		}
		if got, ok := d.Find(k); !ok || got != uint32(id) {
			t.Fatalf("Find(%q) = %d, %v; want %d", k, got, ok, id)
		}
		if d.PartHash(uint32(id)) != HashString(k) {
			t.Fatalf("PartHash(%d) is not HashString(%q)", id, k)
		}
	}
	sorted := d.Sorted()
	want := make([]uint32, len(ref))
	for i := range want {
		want[i] = uint32(i)
	}
	slices.SortFunc(want, func(a, b uint32) int { return strings.Compare(ref[a], ref[b]) })
	if !slices.Equal(sorted, want) {
		t.Fatalf("Sorted differs from the ids in byte order of their keys")
	}
	for r, id := range sorted {
		if d.Rank(id) != uint32(r) || d.Ranks()[id] != uint32(r) {
			t.Fatalf("Rank(%d) = %d, want %d", id, d.Rank(id), r)
		}
	}
}

// TestKeyDictMatchesMap adds keys of every length class (0–8, 9–16, longer) in rounds,
// sorting between rounds, through several growths of the table, and checks lookups,
// keys, partitioning hashes and the incremental sorted order against a Go map.
func TestKeyDictMatchesMap(t *testing.T) {
	buf := keyBuf(1)
	r := rand.New(rand.NewPCG(2, 3))
	d := NewKeyDict(0)
	ids := map[string]uint32{}
	var ref []string
	for round := range 12 {
		for range 1 << round * 40 {
			k := randomKey(r, buf)
			want, ok := ids[k]
			if got, found := d.Find(k); found != ok || ok && got != want {
				t.Fatalf("Find(%q) = %d, %v; want %d, %v", k, got, found, want, ok)
			}
			if !ok {
				want = uint32(len(ref))
				ids[k] = want
				ref = append(ref, strings.Clone(k))
			}
			if got := d.Add(k); got != want {
				t.Fatalf("Add(%q) = %d, want %d", k, got, want)
			}
		}
		checkDict(t, d, ref)
	}
	if _, ok := d.Find("not in it, and longer than sixteen bytes"); ok {
		t.Fatal("Find of an absent long key succeeded")
	}
}

// FuzzKeyDict: the keys of a fuzzed text (cut at '|'), added in two rounds with a sort
// between them, keep their first ids and sort in byte order.
func FuzzKeyDict(f *testing.F) {
	f.Add("a|b|a|\x00|a\x00|abcdefgh|abcdefgh\x00|abcdefghijklmnopq|abcdefghijklmnopr||b")
	f.Add("zzzzzzzzz|zzzzzzzz|z|\xff\xff|\xff")
	f.Fuzz(func(t *testing.T, text string) {
		keys := strings.Split(text, "|")
		d := NewKeyDict(2)
		ids := map[string]uint32{}
		var ref []string
		for i, k := range keys {
			if _, ok := ids[k]; !ok {
				ids[k] = uint32(len(ref))
				ref = append(ref, k)
			}
			if got := d.Add(k); got != ids[k] {
				t.Fatalf("Add(%q) = %d, want %d", k, got, ids[k])
			}
			if i == len(keys)/2 {
				checkDict(t, d, ref)
			}
		}
		checkDict(t, d, ref)
	})
}

// TestKeyIDs: looking keys up while the dictionary lacks some, then resolving, gives
// every key the id Add gives it, and adds each missing key once.
func TestKeyIDs(t *testing.T) {
	buf := keyBuf(4)
	r := rand.New(rand.NewPCG(5, 6))
	d := NewKeyDict(16)
	var x KeyIDs
	for range 50 {
		keys := make([]string, r.IntN(300))
		for i := range keys {
			keys[i] = randomKey(r, buf)
		}
		before := d.Len()
		x.Lookup(d, keys)
		if d.Len() != before {
			t.Fatal("Lookup added keys")
		}
		x.Resolve(d, keys)
		for i, k := range keys {
			if id, ok := d.Find(k); !ok || x.IDs()[i] != id {
				t.Fatalf("key %q: id %d, dictionary has %d, %v", k, x.IDs()[i], id, ok)
			}
		}
	}
}

// TestIDCombiner: values combine per id in first-insertion order, as an OrderedMap keeps
// them, across Resets and the wrap of the batch counter.
func TestIDCombiner(t *testing.T) {
	d := NewKeyDict(0)
	for i := range 500 {
		d.Add(strings.Repeat("k", i%40) + string(rune('a'+i%26)) + strings.Repeat("x", i/26))
	}
	c := NewIDCombiner[int](d)
	r := rand.New(rand.NewPCG(7, 8))
	for batch := range 40 {
		if batch == 20 {
			c.gen = ^uint32(0) - 1 // the next Resets wrap
		}
		c.Reset()
		ref := NewOrderedMap[uint32, int](0)
		for range r.IntN(2000) {
			id, v := uint32(r.IntN(d.Len())), r.IntN(100)
			p, found := c.Ptr(id)
			q, wantFound := ref.Ptr(id)
			if found != wantFound {
				t.Fatalf("batch %d: Ptr(%d) found = %v, want %v", batch, id, found, wantFound)
			}
			*p += v
			*q += v
		}
		if !slices.Equal(c.IDs(), ref.Keys()) || c.Len() != ref.Len() {
			t.Fatalf("batch %d: ids %v, want %v", batch, c.IDs(), ref.Keys())
		}
		for i, id := range c.IDs() {
			if c.Value(id) != ref.Values()[i] {
				t.Fatalf("batch %d: Value(%d) = %d, want %d", batch, id, c.Value(id), ref.Values()[i])
			}
		}
	}
}

// TestSortByRank sorts elements carrying ids (repeated ids too) in byte order of their
// keys, stably, for dictionaries on both sides of the radix passes' 11 bits.
func TestSortByRank(t *testing.T) {
	type elem struct {
		id  uint32
		seq int
	}
	buf := keyBuf(9)
	r := rand.New(rand.NewPCG(10, 11))
	for _, size := range []int{1, 2, 100, 2047, 2048, 5000} {
		d := NewKeyDict(0)
		for d.Len() < size {
			d.Add(randomKey(r, buf))
		}
		d.Sorted()
		for _, n := range []int{0, 1, 2, 50, 3000} {
			s := make([]elem, n)
			for i := range s {
				s[i] = elem{id: uint32(r.IntN(size)), seq: i}
			}
			want := slices.Clone(s)
			slices.SortStableFunc(want, func(a, b elem) int { return strings.Compare(d.Key(a.id), d.Key(b.id)) })
			SortByRank(s, d, func(e *elem) uint32 { return e.id })
			if !slices.Equal(s, want) {
				t.Fatalf("dictionary of %d keys, %d elements: not in stable key order", size, n)
			}
		}
	}
}

func BenchmarkSortByRank(b *testing.B) {
	buf := keyBuf(12)
	r := rand.New(rand.NewPCG(13, 14))
	d := NewKeyDict(0)
	for d.Len() < 100_000 {
		d.Add(randomKey(r, buf))
	}
	d.Sorted()
	type elem struct {
		id uint32
		v  int64
	}
	src := make([]elem, 65_000)
	for i := range src {
		src[i] = elem{id: uint32(r.IntN(d.Len()))}
	}
	s := make([]elem, len(src))
	b.Run("SortByRank", func(b *testing.B) {
		for b.Loop() {
			copy(s, src)
			SortByRank(s, d, func(e *elem) uint32 { return e.id })
		}
	})
	b.Run("SortFuncByKey", func(b *testing.B) {
		for b.Loop() {
			copy(s, src)
			slices.SortFunc(s, func(x, y elem) int { return cmp.Compare(d.Key(x.id), d.Key(y.id)) })
		}
	})
}

func BenchmarkKeyDictFind(b *testing.B) {
	r := rand.New(rand.NewPCG(15, 16))
	vocab := make([]string, 100_000)
	for i := range vocab {
		w := make([]byte, 2+r.IntN(9))
		for j := range w {
			w[j] = byte('a' + r.IntN(26))
		}
		vocab[i] = string(w)
	}
	d := NewKeyDict(0)
	for _, w := range vocab {
		d.Add(w)
	}
	stream := make([]string, 1<<20)
	for i := range stream {
		stream[i] = vocab[int(float64(len(vocab))*r.Float64()*r.Float64())]
	}
	for b.Loop() {
		for _, w := range stream {
			if _, ok := d.Find(w); !ok {
				b.Fatal("missing")
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(stream)), "ns/key")
}
