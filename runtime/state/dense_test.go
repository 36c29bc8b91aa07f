package state

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestDenseUpdateStoreMatchesUpdateStore runs random batches (adds of ids, updates that
// sum the news and sometimes remove a key, Puts between batches) through a
// DenseUpdateStore and through an UpdateStore keyed by the ids, and compares the
// order of the keys, their states and the news the update function sees.
func TestDenseUpdateStoreMatchesUpdateStore(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	dense := NewDenseUpdateStore[int64, int64](0)
	ref := NewUpdateStore[uint32, int64, int64](0)
	for batch := range 200 {
		if r.IntN(10) == 0 {
			id, s := uint32(r.IntN(3000)), r.Int64N(100)
			dense.Put(id, s)
			ref.Put(id, s)
		}
		for range r.IntN(500) {
			id, v := uint32(r.IntN(3000)), r.Int64N(10)
			dense.Add(id, v)
			ref.Add(id, v)
		}
		var seen, want []string
		update := func(calls *[]string) func(id uint32, news []int64, prev int64, had bool) (int64, bool) {
			return func(id uint32, news []int64, prev int64, had bool) (int64, bool) {
				*calls = append(*calls, fmt.Sprint(id, news, prev, had))
				s := prev
				for _, v := range news {
					s += v
				}
				return s, (s+int64(id))%7 != 0
			}
		}
		dense.Update(update(&seen))
		ref.Update(update(&want))
		if !slices.Equal(seen, want) {
			t.Fatalf("batch %d: update calls differ", batch)
		}
		if !slices.Equal(dense.Keys(), ref.Keys()) || !slices.Equal(dense.Values(), ref.Values()) || dense.Len() != ref.Len() {
			t.Fatalf("batch %d: state differs", batch)
		}
		for range 20 {
			id := uint32(r.IntN(3100))
			s, ok := dense.Get(id)
			ws, wok := ref.Get(id)
			if s != ws || ok != wok {
				t.Fatalf("batch %d: Get(%d) = %d, %v; want %d, %v", batch, id, s, ok, ws, wok)
			}
		}
		var all []uint32
		for id := range dense.All() {
			all = append(all, id)
		}
		if !slices.Equal(all, ref.Keys()) {
			t.Fatalf("batch %d: All differs from Keys", batch)
		}
	}
}

func BenchmarkDenseUpdateStore(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	ids := make([]uint32, 65_000)
	for i := range ids {
		ids[i] = uint32(r.IntN(100_000))
	}
	keys := make([]string, 100_000)
	for i := range keys {
		keys[i] = fmt.Sprintf("w%d", i)
	}
	sum := func(_ uint32, news []int64, prev int64, _ bool) (int64, bool) { return prev + int64(len(news)), true }
	b.Run("Dense", func(b *testing.B) {
		u := NewDenseUpdateStore[int64, int64](0)
		for b.Loop() {
			for _, id := range ids {
				u.Add(id, 1)
			}
			u.Update(sum)
		}
	})
	b.Run("UpdateStore", func(b *testing.B) {
		u := NewUpdateStore[string, int64, int64](0)
		for b.Loop() {
			for _, id := range ids {
				u.Add(keys[id], 1)
			}
			u.Update(func(_ string, news []int64, prev int64, _ bool) (int64, bool) { return prev + int64(len(news)), true })
		}
	})
}
