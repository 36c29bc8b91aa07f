package runtime

import (
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
}

// TestKeyDictMatchesMap adds keys of every length class (0–8, 9–16, longer) in rounds,
// sorting between rounds, through several growths of the table, and checks lookups,
// keys and the incremental sorted order against a Go map.
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
			if got, added := d.Add(k); got != want || added == ok {
				t.Fatalf("Add(%q) = %d, %v; want %d, %v", k, got, added, want, !ok)
			}
		}
		checkDict(t, d, ref)
	}
	// A few keys at a time after many: Sorted places them by binary search.
	for round := range 10 {
		for range 1 + round%4 {
			k := strings.Repeat("\xff", round) + randomKey(r, buf)
			if _, ok := ids[k]; !ok {
				ids[k] = uint32(len(ref))
				ref = append(ref, strings.Clone(k))
				d.Add(k)
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
			if got, _ := d.Add(k); got != ids[k] {
				t.Fatalf("Add(%q) = %d, want %d", k, got, ids[k])
			}
			if i == len(keys)/2 {
				checkDict(t, d, ref)
			}
		}
		checkDict(t, d, ref)
	})
}

// TestKeyDictConcurrentFind: Find on many goroutines while nothing is added (as
// generated code may read a dictionary from every partition); run with -race.
func TestKeyDictConcurrentFind(t *testing.T) {
	buf := keyBuf(4)
	r := rand.New(rand.NewPCG(5, 6))
	d := NewKeyDict(0)
	var keys []string
	for range 3000 {
		k := randomKey(r, buf)
		d.Add(k)
		keys = append(keys, k)
	}
	done := make(chan bool)
	for g := range 4 {
		go func() {
			ok := true
			for i := g; i < len(keys); i += 4 {
				id, found := d.Find(keys[i])
				ok = ok && found && d.Key(id) == keys[i]
			}
			done <- ok
		}()
	}
	for range 4 {
		if !<-done {
			t.Fatal("a concurrent Find missed a key")
		}
	}
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

// TestIDMerge: values combine per id in first-insertion order, as an OrderedMap keeps
// them, across Resets, growth and the wrap of the batch counter; Sorted gives the
// batch's ids in byte order of their keys.
func TestIDMerge(t *testing.T) {
	buf := keyBuf(7)
	r := rand.New(rand.NewPCG(7, 8))
	d := NewKeyDict(0)
	m := NewIDMerge[int]()
	for batch := range 40 {
		if batch == 20 {
			m.gen = ^uint32(0) - 1 // the next Resets wrap
		}
		m.Reset()
		ref := NewOrderedMap[string, int](0)
		for range r.IntN(2000) {
			k, v := randomKey(r, buf), r.IntN(100)
			id, _ := d.Add(k)
			p, found := m.Ptr(id)
			q, wantFound := ref.Ptr(k)
			if found != wantFound {
				t.Fatalf("batch %d: Ptr(%d) found = %v, want %v", batch, id, found, wantFound)
			}
			*p += v
			*q += v
		}
		if m.Len() != ref.Len() {
			t.Fatalf("batch %d: %d ids, want %d", batch, m.Len(), ref.Len())
		}
		for i, id := range m.IDs() {
			if d.Key(id) != ref.Keys()[i] || m.Value(id) != ref.Values()[i] {
				t.Fatalf("batch %d: entry %d is (%q, %d), want (%q, %d)", batch, i, d.Key(id), m.Value(id), ref.Keys()[i], ref.Values()[i])
			}
		}
		var sorted []string
		for _, id := range m.Sorted(d) {
			sorted = append(sorted, d.Key(id))
		}
		if want := slices.Sorted(slices.Values(ref.Keys())); !slices.Equal(sorted, want) {
			t.Fatalf("batch %d: Sorted is not the batch's keys in byte order", batch)
		}
	}
}

// TestSendByID holds SendByID to the loop it replaces: each key of the combine map
// hashed to its partition and looked up in that partition's dictionary by its bytes, in
// the map's order, for keys of every length up to and past 16 bytes (cut from keyBuf,
// so that packed forms collide in their first bytes), some of them in the
// dictionaries, over one to three partitions.
func TestSendByID(t *testing.T) {
	buf := keyBuf(7)
	r := rand.New(rand.NewPCG(7, 8))
	for _, parts := range []int{1, 2, 3} {
		dicts := make([]*KeyDict, parts)
		for d := range dicts {
			dicts[d] = NewKeyDict(4)
		}
		m := NewOrderedMap[string, int64](4)
		for i := range 3000 {
			at, n := r.IntN(len(buf)-24), r.IntN(24)
			k := buf[at : at+n]
			p, _ := m.Ptr(k)
			*p += int64(i)
			if r.IntN(2) == 0 {
				dicts[Bucket(HashString(k), parts)].Add(k)
			}
		}
		var want [][]KeyOrID[int64]
		for range parts {
			want = append(want, nil)
		}
		for i, k := range m.Keys() {
			d := Bucket(HashString(k), parts)
			e := KeyOrID[int64]{ID: NoID, Key: k, V: m.Values()[i]}
			if id, ok := dicts[d].Find(k); ok {
				e.ID, e.Key = id, ""
			}
			want[d] = append(want[d], e)
		}
		got := make([][]KeyOrID[int64], parts)
		SendByID(m, got, func(d int) *KeyDict { return dicts[d] })
		for d := range want {
			if !slices.Equal(got[d], want[d]) {
				t.Fatalf("%d partitions, partition %d: SendByID sent %v, want %v", parts, d, got[d], want[d])
			}
		}
	}
}
