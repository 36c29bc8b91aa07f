package state

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestStringUpdateStoreMatchesUpdateStore runs random batches (adds of keys of every
// length class, updates that sum the news and sometimes remove a key, Puts between
// batches; every other batch adds by id, as the reduce side of a string-keyed chain does)
// through a StringUpdateStore and an UpdateStore, with the dictionary rebuilt
// whenever removed keys outnumber live ones, and compares the update calls, the order
// of the keys, their states, Get, All, and Sorted against a sort of the keys.
func TestStringUpdateStoreMatchesUpdateStore(t *testing.T) {
	defer func(m int) { compactMin = m }(compactMin)
	for _, cm := range []int{1, 1024} {
		compactMin = cm
		r := rand.New(rand.NewPCG(1, uint64(cm)))
		key := func() string {
			i := r.IntN(3000)
			switch i % 4 {
			case 0:
				return fmt.Sprint(i)
			case 1:
				return fmt.Sprintf("key-%012d", i) // 16 bytes
			case 2:
				return strings.Repeat("long", 5) + fmt.Sprint(i)
			}
			return string([]byte{byte(i), byte(i >> 8), 0})[:1+i%3]
		}
		st := NewStringUpdateStore[int64, int64](0)
		ref := NewUpdateStore[string, int64, int64](0)
		rebuilt := 0
		for batch := range 300 {
			if r.IntN(10) == 0 {
				k, s := key(), r.Int64N(100)
				st.Put(k, s)
				ref.Put(k, s)
			}
			byID := batch%2 == 1 // as generated code of an idChain adds: ids of Dict()
			for range r.IntN(500) {
				k, v := key(), r.Int64N(10)
				if byID {
					id, _ := st.Dict().Add(k)
					st.AddID(id, v)
				} else {
					st.Add(k, v)
				}
				ref.Add(k, v)
			}
			// Some batches remove most keys, so that the dictionary is rebuilt.
			drop := int64(7)
			if batch%50 == 49 {
				drop = 1
			}
			var seen, want []string
			update := func(calls *[]string) func(k string, news []int64, prev int64, had bool) (int64, bool) {
				return func(k string, news []int64, prev int64, had bool) (int64, bool) {
					*calls = append(*calls, fmt.Sprintf("%q %v %d %v", k, news, prev, had))
					s := prev
					for _, v := range news {
						s += v
					}
					return s, (s+int64(len(k)))%drop != 0
				}
			}
			d := st.dict
			st.Update(update(&seen))
			ref.Update(update(&want))
			if st.dict != d {
				rebuilt++
			}
			if !slices.Equal(seen, want) {
				t.Fatalf("batch %d: update calls differ", batch)
			}
			if st.Len() != ref.Len() || !slices.Equal(st.Values(), ref.Values()) {
				t.Fatalf("batch %d: state differs", batch)
			}
			for i, k := range ref.Keys() {
				if st.Key(i) != k {
					t.Fatalf("batch %d: Key(%d) = %q, want %q", batch, i, st.Key(i), k)
				}
			}
			if dead := st.dict.Len() - st.Len(); dead > st.Len() && dead >= compactMin {
				t.Fatalf("batch %d: %d removed keys in the dictionary for %d live ones", batch, dead, st.Len())
			}
			for range 20 {
				k := key()
				s, ok := st.Get(k)
				ws, wok := ref.Get(k)
				if s != ws || ok != wok {
					t.Fatalf("batch %d: Get(%q) = %d, %v; want %d, %v", batch, k, s, ok, ws, wok)
				}
			}
			var all []string
			for k, v := range st.All() {
				all = append(all, fmt.Sprint(k, v))
			}
			var wantAll []string
			for k, v := range ref.All() {
				wantAll = append(wantAll, fmt.Sprint(k, v))
			}
			if !slices.Equal(all, wantAll) {
				t.Fatalf("batch %d: All differs", batch)
			}
			var sorted []string
			for _, i := range st.Sorted() {
				sorted = append(sorted, st.Key(int(i)))
			}
			wantSorted := slices.Sorted(slices.Values(ref.Keys()))
			if !slices.Equal(sorted, wantSorted) {
				t.Fatalf("batch %d: Sorted is not the keys in byte order", batch)
			}
		}
		if rebuilt == 0 {
			t.Fatalf("compactMin %d: the dictionary was never rebuilt", cm)
		}
	}
}

func BenchmarkStringUpdateStore(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	keys := make([]string, 100_000)
	for i := range keys {
		keys[i] = fmt.Sprintf("w%d", i)
	}
	batch := make([]string, 65_000)
	for i := range batch {
		batch[i] = keys[r.IntN(len(keys))]
	}
	sum := func(_ string, news []int64, prev int64, _ bool) (int64, bool) { return prev + int64(len(news)), true }
	b.Run("StringUpdateStore", func(b *testing.B) {
		u := NewStringUpdateStore[int64, int64](0)
		for b.Loop() {
			for _, k := range batch {
				u.Add(k, 1)
			}
			u.Update(sum)
			u.Sorted()
		}
	})
	b.Run("UpdateStore", func(b *testing.B) {
		u := NewUpdateStore[string, int64, int64](0)
		for b.Loop() {
			for _, k := range batch {
				u.Add(k, 1)
			}
			u.Update(sum)
		}
	})
}

// TestSumsMatchUpdate: a store fed by SumID and Sum and ended by EndSums holds, batch
// after batch, what a store fed by AddID and Add and ended by Update with the running
// sum holds (some(sum(news) + total.getOrElse(0))): the same keys in the same order
// with the same states and Sorted, values that overflow included (int sums wrap), and
// Puts (an initial state, a restored checkpoint) between batches.
func TestSumsMatchUpdate(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	sums := NewStringUpdateStore[int64, int64](0)
	ref := NewStringUpdateStore[int64, int64](0)
	runningSum := func(k string, news []int64, prev int64, had bool) (int64, bool) {
		s := int64(0)
		for _, v := range news {
			s += v
		}
		return s + prev, true
	}
	for batch := range 200 {
		if r.IntN(8) == 0 {
			k, s := fmt.Sprint("put", r.IntN(50)), r.Int64()
			sums.Put(k, s)
			ref.Put(k, s)
		}
		byID := batch%2 == 0
		for range r.IntN(400) {
			k := fmt.Sprint(r.IntN(2000))
			v := r.Int64N(10)
			if r.IntN(50) == 0 {
				v = r.Int64() // sums that wrap around
			}
			if byID {
				id, _ := sums.Dict().Add(k)
				SumID(sums, id, v)
				rid, _ := ref.Dict().Add(k)
				ref.AddID(rid, v)
			} else {
				Sum(sums, k, v)
				ref.Add(k, v)
			}
		}
		EndSums(sums)
		ref.Update(runningSum)
		if sums.Len() != ref.Len() || !slices.Equal(sums.Values(), ref.Values()) {
			t.Fatalf("batch %d: states differ", batch)
		}
		for i := range ref.Len() {
			if sums.Key(i) != ref.Key(i) {
				t.Fatalf("batch %d: Key(%d) = %q, want %q", batch, i, sums.Key(i), ref.Key(i))
			}
		}
		if !slices.Equal(sums.Sorted(), ref.Sorted()) {
			t.Fatalf("batch %d: Sorted differs", batch)
		}
	}
}
