package runtime

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// refMap is the obvious ordered map the string index is checked against.
type refMap struct {
	index map[string]int
	keys  []string
	vals  []int
}

func (r *refMap) ptr(k string) (*int, bool) {
	if i, ok := r.index[k]; ok {
		return &r.vals[i], true
	}
	r.index[k] = len(r.keys)
	r.keys = append(r.keys, k)
	r.vals = append(r.vals, 0)
	return &r.vals[len(r.vals)-1], false
}

// randomKey draws keys around every length boundary of pack (0–3, 4–7, 8, 9–16, 17+),
// from a small alphabet that includes NUL, so that zero-padded words collide unless the
// length tells them apart, cut from a shared buffer as sources cut them.
func randomKey(r *rand.Rand, buf string) string {
	n := r.IntN(24)
	if r.IntN(8) == 0 {
		n = 17 + r.IntN(40)
	}
	i := r.IntN(len(buf) - n)
	return buf[i : i+n]
}

func TestOrderedMapStringIndex(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	for range 1 << 16 {
		b.WriteByte("ab\x00c"[r.IntN(4)])
	}
	buf := b.String()
	m := NewOrderedMap[string, int](4)
	ref := &refMap{index: map[string]int{}}
	for step := range 200_000 {
		switch op := r.IntN(1000); {
		case op == 0:
			m.Reset()
			ref = &refMap{index: map[string]int{}}
		case op < 4:
			// Drop about half the keys, the way state sweeps do.
			m.Retain(func(k string, v *int) bool { *v += 1000; return len(k)%2 == 0 })
			next := &refMap{index: map[string]int{}}
			for i, k := range ref.keys {
				if len(k)%2 == 0 {
					p, _ := next.ptr(k)
					*p = ref.vals[i] + 1000
				}
			}
			ref = next
		case op < 300:
			k := randomKey(r, buf)
			got, gotOK := m.Get(k)
			want, wantOK := 0, false
			if i, ok := ref.index[k]; ok {
				want, wantOK = ref.vals[i], true
			}
			if got != want || gotOK != wantOK {
				t.Fatalf("step %d: Get(%q) = %d, %v; want %d, %v", step, k, got, gotOK, want, wantOK)
			}
		default:
			k := randomKey(r, buf)
			p, found := m.Ptr(k)
			q, wantFound := ref.ptr(k)
			if found != wantFound {
				t.Fatalf("step %d: Ptr(%q) found = %v, want %v", step, k, found, wantFound)
			}
			*p += step
			*q += step
		}
	}
	if !slices.Equal(m.Keys(), ref.keys) || !slices.Equal(m.Values(), ref.vals) {
		t.Fatalf("final contents differ: %d keys, want %d", m.Len(), len(ref.keys))
	}
}

// A named string type takes the string index too; its keys come back as given.
func TestOrderedMapNamedStringKey(t *testing.T) {
	type word string
	m := NewOrderedMap[word, int](0)
	for _, w := range strings.Fields("to be or not to be that is the question whose answer is longer than sixteen bytes") {
		p, _ := m.Ptr(word(w))
		*p++
	}
	if m.index.s == nil {
		t.Fatal("a named string key type is not indexed by strIndex")
	}
	if v, _ := m.Get("be"); v != 2 {
		t.Errorf("Get(be) = %d, want 2", v)
	}
	if got := fmt.Sprint(m.Keys()[:4]); got != "[to be or not]" {
		t.Errorf("Keys()[:4] = %s", got)
	}
}

// The zero OrderedMap is usable and picks its index on first use.
func TestOrderedMapZeroValue(t *testing.T) {
	var m OrderedMap[string, int]
	if _, ok := m.Get("x"); ok {
		t.Fatal("zero map has x")
	}
	m.Put("x", 1)
	m.Put("y", 2)
	if v, ok := m.Get("x"); !ok || v != 1 || m.index.s == nil {
		t.Fatalf("Get(x) = %d, %v (string index %v)", v, ok, m.index.s != nil)
	}
}

func TestPackIdentifiesShortKeys(t *testing.T) {
	seen := map[packed]map[uint64]string{}
	add := func(k string) {
		p, n := pack(k)
		if seen[p] == nil {
			seen[p] = map[uint64]string{}
		}
		if old, ok := seen[p][n]; ok && old != k {
			t.Fatalf("pack(%q) == pack(%q)", k, old)
		}
		seen[p][n] = k
	}
	// Every key up to 3 bytes over a 3-letter alphabet with NUL, and samples above.
	alpha := "\x00a\xff"
	var all func(prefix string, n int)
	all = func(prefix string, n int) {
		add(prefix)
		if n == 0 {
			return
		}
		for i := range len(alpha) {
			all(prefix+alpha[i:i+1], n-1)
		}
	}
	all("", 3)
	r := rand.New(rand.NewPCG(3, 4))
	for range 100_000 {
		b := make([]byte, r.IntN(17))
		for i := range b {
			b[i] = alpha[r.IntN(len(alpha))]
		}
		add(string(b))
	}
}

func FuzzPack(f *testing.F) {
	f.Add("abc", "abc\x00")
	f.Add("abcdefgh", "abcdefgh\x00")
	f.Add("", "\x00")
	f.Fuzz(func(t *testing.T, a, b string) {
		pa, na := pack(a)
		pb, nb := pack(b)
		if na != lenLong && pa == pb && na == nb && a != b {
			t.Fatalf("pack(%q) == pack(%q)", a, b)
		}
		if (na == lenLong) != (len(a) > 16) {
			t.Fatalf("pack(%q): length code %d", a, na)
		}
	})
}

// Combining into a string-keyed map allocates nothing once the keys are in.
func TestOrderedMapStringPtrAllocs(t *testing.T) {
	words := strings.Fields(strings.Repeat("the quick brown fox jumps over the lazy dog and a key longer than sixteen bytes ", 4))
	m := NewOrderedMap[string, int64](64)
	for _, w := range words {
		p, _ := m.Ptr(w)
		*p++
	}
	allocs := testing.AllocsPerRun(100, func() {
		for _, w := range words {
			p, found := m.Ptr(w)
			if found {
				*p++
			}
		}
	})
	if allocs != 0 {
		t.Errorf("Ptr of present keys: %v allocations per run, want 0", allocs)
	}
}

func BenchmarkOrderedMapString(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	vocab := make([]string, 50_000)
	for i := range vocab {
		w := make([]byte, 2+r.IntN(9))
		for j := range w {
			w[j] = byte('a' + r.IntN(26))
		}
		vocab[i] = string(w)
	}
	stream := make([]string, 1<<20)
	for i := range stream {
		stream[i] = vocab[int(float64(len(vocab))*r.Float64()*r.Float64())]
	}
	b.Run("OrderedMap", func(b *testing.B) {
		m := NewOrderedMap[string, int64](64)
		for b.Loop() {
			m.Reset()
			for _, w := range stream {
				p, _ := m.Ptr(w)
				*p++
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(stream)), "ns/key")
	})
	b.Run("GoMap", func(b *testing.B) {
		m := make(map[string]int64, 64)
		for b.Loop() {
			clear(m)
			for _, w := range stream {
				m[w]++
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(stream)), "ns/key")
	})
}

// indexOwner keeps keys the way MapStore does: a removed key stays in keys, marked dead,
// until compact, which Rebuilds the index; lookups must never find a dead key.
type indexOwner[K comparable] struct {
	x    Index[K]
	keys []K
	dead []bool
}

func (o *indexOwner[K]) find(k K) int {
	i, _ := o.x.Find(k, o.keys)
	return i
}

func (o *indexOwner[K]) add(k K) {
	i, at := o.x.Find(k, o.keys)
	if i >= 0 {
		return
	}
	o.keys = append(o.keys, k)
	o.dead = append(o.dead, false)
	o.x.Add(k, at, o.keys)
}

func (o *indexOwner[K]) remove(k K) {
	if i := o.find(k); i >= 0 {
		o.x.Remove(k, o.keys)
		o.dead[i] = true
	}
}

func (o *indexOwner[K]) compact() {
	j := 0
	for i, k := range o.keys {
		if !o.dead[i] {
			o.keys[j], o.dead[j] = k, false
			j++
		}
	}
	o.keys, o.dead = o.keys[:j], o.dead[:j]
	o.x.Rebuild(o.keys)
}

// checkIndex runs random adds, removes (which leave tombstones through table growth),
// compactions and resets against a Go map, for string keys (strIndex) and others.
func checkIndex[K comparable](t *testing.T, key func(*rand.Rand) K) {
	r := rand.New(rand.NewPCG(7, 8))
	o := &indexOwner[K]{x: NewIndex[K](0)}
	live := map[K]bool{}
	for step := range 300_000 {
		k := key(r)
		switch op := r.IntN(1000); {
		case op == 0:
			o.x.Reset()
			o.keys, o.dead = o.keys[:0], o.dead[:0]
			clear(live)
		case op < 10:
			o.compact()
		case op < 300:
			o.remove(k)
			delete(live, k)
		case op < 600:
			o.add(k)
			live[k] = true
		default:
			i := o.find(k)
			if (i >= 0) != live[k] || i >= 0 && (o.keys[i] != k || o.dead[i]) {
				t.Fatalf("step %d: Find(%v) = %d; live %v", step, k, i, live[k])
			}
		}
	}
}

func TestIndexRemoveGrowRebuild(t *testing.T) {
	var b strings.Builder
	r := rand.New(rand.NewPCG(9, 10))
	for range 1 << 16 {
		b.WriteByte("ab\x00c"[r.IntN(4)])
	}
	buf := b.String()
	t.Run("string", func(t *testing.T) {
		checkIndex(t, func(r *rand.Rand) string { return randomKey(r, buf) })
	})
	t.Run("string-rehash", func(t *testing.T) {
		// As tables of more than 2^27 slots do: home slots from the hash, not the tag.
		defer func(b uint) { tagHomeBits = b }(tagHomeBits)
		tagHomeBits = 0
		checkIndex(t, func(r *rand.Rand) string { return randomKey(r, buf) })
	})
	t.Run("int", func(t *testing.T) {
		checkIndex(t, func(r *rand.Rand) int { return r.IntN(50_000) })
	})
	// The intIndex's key types: negative, spread over 64 bits, a named type; and the
	// Go map's, for integers of another size.
	t.Run("int64-signed", func(t *testing.T) {
		checkIndex(t, func(r *rand.Rand) int64 { return int64(r.IntN(20_000)) - 10_000 })
	})
	t.Run("uint64-spread", func(t *testing.T) {
		checkIndex(t, func(r *rand.Rand) uint64 { return uint64(r.IntN(30_000)) << 40 })
	})
	t.Run("time", func(t *testing.T) {
		checkIndex(t, func(r *rand.Rand) Time { return Time(r.IntN(5_000) * 1000) })
	})
	t.Run("int32", func(t *testing.T) {
		checkIndex(t, func(r *rand.Rand) int32 { return int32(r.IntN(50_000)) })
	})
}

// TestStrIndexProbes: the one-multiplication hash spreads patterned keys (numbers in
// sequence, keys differing in one byte, every length class) over the table as well as
// random ones: the mean probe count of a lookup stays near linear probing's ideal.
func TestStrIndexProbes(t *testing.T) {
	sets := map[string][]string{}
	for i := range 100_000 {
		sets["decimal"] = append(sets["decimal"], strconv.Itoa(i))
		sets["prefixed"] = append(sets["prefixed"], "user-"+strconv.Itoa(i*7))
		sets["long"] = append(sets["long"], fmt.Sprintf("%020d", i))
		sets["binary"] = append(sets["binary"], string([]byte{byte(i), byte(i >> 8), byte(i >> 16)}))
		sets["mid"] = append(sets["mid"], fmt.Sprintf("aaaaaaaaaa%03dbb", i%1000)+strconv.Itoa(i/1000))
	}
	for name, keys := range sets {
		x := newStrIndex(0)
		for i, k := range keys {
			_, at := x.find(k, keys[:i])
			x.insert(at, keys[:i+1])
		}
		probes := 0
		mask := uint64(len(x.slots) - 1)
		for i, k := range keys {
			p, n := pack(k)
			h := keyHash(k, p, n)
			for slot := h >> x.shift; ; slot = (slot + 1) & mask {
				probes++
				if int(uint32(x.slots[slot]))-1 == i {
					break
				}
			}
		}
		load := float64(len(keys)) / float64(len(x.slots))
		mean := float64(probes) / float64(len(keys))
		ideal := (1 + 1/(1-load)) / 2
		if mean > 1.15*ideal {
			t.Errorf("%s: %.2f probes per lookup at load %.2f, ideal %.2f", name, mean, load, ideal)
		}
	}
}

// TestIndexKinds: each key type gets the index built for it, and a zero Index works
// from its first call, whichever it is.
func TestIndexKinds(t *testing.T) {
	if x := NewIndex[int64](0); x.n == nil {
		t.Error("int64 keys are not in an intIndex")
	}
	if x := NewIndex[Time](0); x.n == nil {
		t.Error("Time keys are not in an intIndex")
	}
	if x := NewIndex[int32](0); x.m == nil {
		t.Error("int32 keys are not in a Go map")
	}
	if x := NewIndex[string](0); x.s == nil {
		t.Error("string keys are not in a strIndex")
	}
	keys := []int64{5, -3, 1 << 62}
	var x Index[int64]
	x.Rebuild(keys)
	for i, k := range keys {
		if got, _ := x.Find(k, keys); got != i {
			t.Errorf("zero Index after Rebuild: Find(%d) = %d, want %d", k, got, i)
		}
	}
	var y Index[string]
	skeys := []string{"a", "bc"}
	y.Rebuild(skeys)
	if got, _ := y.Find("bc", skeys); got != 1 {
		t.Errorf("zero string Index after Rebuild: Find = %d", got)
	}
}

// FuzzHashPacked holds hashPacked to HashString for every key of up to 16 bytes: the
// partition a key goes to must not depend on which of the two computed it.
func FuzzHashPacked(f *testing.F) {
	for _, s := range []string{"", "a", "ab", "abc", "abcd", "abcdefg", "abcdefgh", "abcdefghi", "0123456789abcdef", "\x00\xff\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for n := 0; n <= min(len(s), 16); n++ {
			k := s[:n]
			p, _ := pack(k)
			if got, want := hashPacked(p, uint64(n)), HashString(k); got != want {
				t.Fatalf("hashPacked(%q) = %#x, HashString = %#x", k, got, want)
			}
		}
	})
}

// TestHashKeyAt holds HashKeyAt to HashString for the keys of a map, of every length up
// to and past 16 bytes, before and after a rebuild of its index.
func TestHashKeyAt(t *testing.T) {
	buf := keyBuf(9)
	m := NewOrderedMap[string, int](4)
	for i := range 2000 {
		at := (i * 7919) % (len(buf) - 40)
		m.Put(buf[at:at+i%40], i)
	}
	check := func(when string) {
		for i, k := range m.Keys() {
			if got, want := HashKeyAt(m, i), HashString(k); got != want {
				t.Fatalf("%s: HashKeyAt(%d) = %#x, HashString(%q) = %#x", when, i, got, k, want)
			}
		}
	}
	check("after insertions")
	m.Retain(func(k string, v *int) bool { return *v%3 != 0 })
	check("after Retain")
}
