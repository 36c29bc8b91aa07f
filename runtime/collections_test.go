package runtime_test

import (
	"fmt"
	"slices"
	"testing"
	"unsafe"

	rt "streamc.dev/streamc/runtime"
)

func TestExchangeOrder(t *testing.T) {
	const srcs, dsts = 4, 3
	ex := rt.NewExchange[string](srcs, dsts)
	fill := func() [][]string {
		ex.Reset()
		err := rt.Parallel(srcs, func(s int) error {
			out := ex.Out(s)
			for i := range 50 {
				v := fmt.Sprintf("s%d-%d", s, i)
				d := rt.Bucket(rt.HashString(v), len(out))
				out[d] = append(out[d], v)
			}
			ex.Emit(s, 0, fmt.Sprintf("s%d-last", s))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		got := make([][]string, dsts)
		for d := range dsts {
			got[d] = slices.Collect(ex.Partition(d))
			if ex.Len(d) != len(got[d]) {
				t.Errorf("Len(%d) = %d, iterated %d", d, ex.Len(d), len(got[d]))
			}
		}
		return got
	}
	first := fill()
	total := 0
	for d, part := range first {
		total += len(part)
		// Source order, then emit order within a source.
		var order []string
		for s := range srcs {
			order = append(order, ex.Buffer(s, d)...)
		}
		if !slices.Equal(order, part) {
			t.Errorf("partition %d is not in source order", d)
		}
		if part[len(part)-1] != fmt.Sprintf("s%d-last", srcs-1) && d == 0 {
			t.Errorf("partition 0 ends with %q", part[len(part)-1])
		}
	}
	if total != srcs*51 || ex.Sources() != srcs || ex.Destinations() != dsts {
		t.Errorf("%d records, want %d", total, srcs*51)
	}
	for range 20 {
		if again := fill(); fmt.Sprint(again) != fmt.Sprint(first) {
			t.Fatal("exchange order changed between runs")
		}
	}
	// Once warmed up, a batch through the exchange allocates nothing.
	allocs := testing.AllocsPerRun(10, func() {
		ex.Reset()
		for s := range srcs {
			out := ex.Out(s)
			for i := range 50 {
				out[i%dsts] = append(out[i%dsts], "x")
			}
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per reused batch", allocs)
	}
}

func TestOrderedMap(t *testing.T) {
	m := rt.NewOrderedMap[string, int](0)
	for _, w := range []string{"b", "a", "b", "c", "a", "b"} {
		v, found := m.Ptr(w)
		if found {
			*v++
		} else {
			*v = 1
		}
	}
	if fmt.Sprint(m.Keys(), m.Values()) != "[b a c] [3 2 1]" || m.Len() != 3 {
		t.Errorf("got %v %v", m.Keys(), m.Values())
	}
	if v, ok := m.Get("a"); !ok || v != 2 {
		t.Errorf("Get(a) = %d, %v", v, ok)
	}
	if _, ok := m.Get("z"); ok {
		t.Error("Get(z) found")
	}
	m.Put("a", 10)
	m.Put("d", 4)
	var got []string
	for k, v := range m.All() {
		got = append(got, fmt.Sprintf("%s=%d", k, v))
	}
	if k, v := m.At(1); fmt.Sprint(got) != "[b=3 a=10 c=1 d=4]" || k != "a" || v != 10 {
		t.Errorf("All = %v, At(1) = %s %d", got, k, v)
	}

	m.Retain(func(k string, v *int) bool {
		*v *= 2
		return k != "a" && k != "c"
	})
	if fmt.Sprint(m.Keys(), m.Values()) != "[b d] [6 8]" {
		t.Errorf("after Retain: %v %v", m.Keys(), m.Values())
	}
	if v, ok := m.Get("d"); !ok || v != 8 {
		t.Errorf("index not updated by Retain: Get(d) = %d, %v", v, ok)
	}
	if _, ok := m.Get("a"); ok {
		t.Error("removed key still found")
	}
	m.Put("a", 1)
	if fmt.Sprint(m.Keys()) != "[b d a]" {
		t.Errorf("re-inserted key not at the end: %v", m.Keys())
	}

	m.Reset()
	if m.Len() != 0 || len(m.Keys()) != 0 {
		t.Error("Reset left keys")
	}
	var zero rt.OrderedMap[int, int] // the zero value is usable
	zero.Put(1, 1)
	if zero.Len() != 1 {
		t.Error("zero map")
	}

	// Refilling after Reset reuses the storage.
	keys := make([]string, 100)
	for i := range keys {
		keys[i] = fmt.Sprint(i)
	}
	fillKeys := func() {
		m.Reset()
		for _, k := range keys {
			v, _ := m.Ptr(k)
			*v++
		}
	}
	fillKeys()
	if allocs := testing.AllocsPerRun(10, fillKeys); allocs != 0 {
		t.Errorf("%v allocations refilling a reset map", allocs)
	}
}

// sharesMemory reports whether s starts inside buf's bytes.
func sharesMemory(s, buf string) bool {
	p, b := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(unsafe.StringData(buf)))
	return p >= b && p < b+uintptr(len(buf))
}

// TestKeyCopies: string keys (named string types too) are copied out of the buffer they
// were cut from, into shared chunks, without an allocation per key; other key types are
// kept as given.
func TestKeyCopies(t *testing.T) {
	line := "the quick brown fox"
	word := line[4:9]
	c := rt.NewKeyCopies[string]()
	if k := c.Copy(word); k != "quick" || sharesMemory(k, line) {
		t.Errorf("KeyCopies[string] did not copy the key")
	}
	type name string
	cn := rt.NewKeyCopies[name]()
	if k := cn.Copy(name(word)); k != "quick" || sharesMemory(string(k), line) {
		t.Errorf("KeyCopies[name] did not copy the key")
	}
	ci := rt.NewKeyCopies[struct{ A string }]()
	if k := ci.Copy(struct{ A string }{word}); !sharesMemory(k.A, line) {
		t.Error("KeyCopies copied a key type other than string")
	}
	if allocs := testing.AllocsPerRun(1000, func() { c.Copy(word) }); allocs > 0.01 {
		t.Errorf("copying a 5-byte key: %v allocations per key, want one per 16 KiB", allocs)
	}
}

// TestKeyCopiesCompact: once most copied bytes belong to dropped keys, Compact moves the
// survivors to fresh chunks (the old ones can go), keeping their values.
func TestKeyCopiesCompact(t *testing.T) {
	c := rt.NewKeyCopies[string]()
	var keys []string
	for i := range 20_000 {
		keys = append(keys, c.Copy(fmt.Sprintf("key-%06d", i)))
	}
	old := keys[0]
	kept := keys[:0]
	for i, k := range keys {
		if i%10 == 0 {
			kept = append(kept, k)
		} else {
			c.Drop(k)
		}
	}
	c.Compact(kept)
	for i, k := range kept {
		if want := fmt.Sprintf("key-%06d", i*10); k != want {
			t.Fatalf("kept[%d] = %q, want %q", i, k, want)
		}
	}
	if unsafe.StringData(kept[0]) == unsafe.StringData(old) {
		t.Error("Compact left the survivors in the old chunks")
	}
	// Below the threshold nothing moves.
	c2 := rt.NewKeyCopies[string]()
	few := []string{c2.Copy("a"), c2.Copy("b")}
	c2.Drop(few[1])
	p := unsafe.StringData(few[0])
	c2.Compact(few[:1])
	if unsafe.StringData(few[0]) != p {
		t.Error("Compact copied a small store")
	}
}

// TestOrderedMapOwnKeys: a map made with OwnKeys copies a key when it inserts it, once;
// finding the key again costs nothing.
func TestOrderedMapOwnKeys(t *testing.T) {
	line := "alpha beta alpha"
	m := rt.NewOrderedMap[string, int](4).OwnKeys()
	for _, w := range []string{line[0:5], line[6:10], line[11:16]} {
		p, _ := m.Ptr(w)
		*p++
	}
	if !slices.Equal(m.Keys(), []string{"alpha", "beta"}) || !slices.Equal(m.Values(), []int{2, 1}) {
		t.Fatalf("map = %v %v", m.Keys(), m.Values())
	}
	for _, k := range m.Keys() {
		if sharesMemory(k, line) {
			t.Errorf("key %q shares the input line", k)
		}
	}
	if allocs := testing.AllocsPerRun(100, func() { p, _ := m.Ptr(line[11:16]); *p++ }); allocs != 0 {
		t.Errorf("finding a present key allocates %.0f times", allocs)
	}
	plain := rt.NewOrderedMap[string, int](4)
	plain.Put(line[6:10], 1)
	if !sharesMemory(plain.Keys()[0], line) {
		t.Error("a map without OwnKeys copied its key")
	}
}

// TestReuse: a reused buffer is empty, keeps its storage, and holds no old element past
// its length.
func TestReuse(t *testing.T) {
	buf := []string{"a", "b", "c"}
	r := rt.Reuse(buf)
	if len(r) != 0 || cap(r) != 3 || &r[:1][0] != &buf[0] {
		t.Fatalf("Reuse = len %d cap %d, not the same storage", len(r), cap(r))
	}
	r = append(r, "x")
	if got := r[:3]; !slices.Equal(got, []string{"x", "", ""}) {
		t.Errorf("storage after Reuse and one append = %q, want [x  ]", got)
	}
}
