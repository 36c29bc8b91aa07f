package window

import (
	"reflect"
	"testing"

	rt "streamc.dev/streamc/runtime"
	"streamc.dev/streamc/runtime/checkpoint"
)

func putString(w *checkpoint.Writer, s string) { w.String(s) }
func getString(r *checkpoint.Reader) string    { return r.String() }
func putInt(w *checkpoint.Writer, v int64)     { w.Varint(v) }
func getInt(r *checkpoint.Reader) int64        { return r.Varint() }
func keyedPane(t rt.Time, kv ...any) Pane[Entries[string, int64]] {
	pn := Pane[Entries[string, int64]]{Time: t}
	for i := 0; i < len(kv); i += 2 {
		pn.Data.Keys = append(pn.Data.Keys, kv[i].(string))
		pn.Data.Vals = append(pn.Data.Vals, int64(kv[i+1].(int)))
	}
	return pn
}

// regroup is what restoring must give: every entry of parts, per time, in partition
// order, moved to the partition its key hashes to among n.
func regroup(parts [][]Pane[Entries[string, int64]], n int) [][]Pane[Entries[string, int64]] {
	out := make([][]Pane[Entries[string, int64]], n)
	for _, t := range paneTimes(parts) {
		for _, ps := range parts {
			for _, pn := range ps {
				if pn.Time != t {
					continue
				}
				for i, k := range pn.Data.Keys {
					p := rt.Bucket(rt.HashString(k), n)
					if len(out[p]) == 0 || out[p][len(out[p])-1].Time != t {
						out[p] = append(out[p], Pane[Entries[string, int64]]{Time: t})
					}
					e := &out[p][len(out[p])-1].Data
					e.Keys = append(e.Keys, k)
					e.Vals = append(e.Vals, pn.Data.Vals[i])
				}
			}
		}
	}
	return out
}

func TestSaveRestoreKeyedPanes(t *testing.T) {
	// Two partitions; partition 1 lacks the batch at 2000 and has one at 4000 alone.
	parts := [][]Pane[Entries[string, int64]]{
		{keyedPane(1000, "a", 1, "b", 2), keyedPane(2000, "a", 3), keyedPane(3000)},
		{keyedPane(1000, "c", 4), keyedPane(3000, "d", 5, "e", 6), keyedPane(4000, "f", 7)},
	}
	for _, n := range []int{1, 2, 3, 7} {
		w := checkpoint.NewWriter()
		SaveKeyedPanes(w, parts, putString, putInt)
		r := checkpoint.NewReader(w.Data())
		got := RestoreKeyedPanes(r, n, rt.HashString, getString, getInt)
		if err := r.Done(); err != nil {
			t.Fatalf("%d partitions: %v", n, err)
		}
		if want := regroup(parts, n); !reflect.DeepEqual(got, want) {
			t.Errorf("%d partitions:\n got %v\nwant %v", n, got, want)
		}
	}
	// The batch at 3000 is empty in partition 0: it is not restored as a pane there.
	w := checkpoint.NewWriter()
	SaveKeyedPanes(w, parts, putString, putInt)
	got := RestoreKeyedPanes(checkpoint.NewReader(w.Data()), 1, rt.HashString, getString, getInt)
	want := [][]Pane[Entries[string, int64]]{{
		keyedPane(1000, "a", 1, "b", 2, "c", 4), keyedPane(2000, "a", 3),
		keyedPane(3000, "d", 5, "e", 6), keyedPane(4000, "f", 7),
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("one partition:\n got %v\nwant %v", got, want)
	}
	// Nothing kept.
	w = checkpoint.NewWriter()
	SaveKeyedPanes[string, int64](w, make([][]Pane[Entries[string, int64]], 2), putString, putInt)
	r := checkpoint.NewReader(w.Data())
	if got := RestoreKeyedPanes(r, 3, rt.HashString, getString, getInt); len(got) != 3 || got[0] != nil || got[1] != nil || got[2] != nil || r.Done() != nil {
		t.Errorf("empty: %v, %v", got, r.Done())
	}
}

func TestSaveRestoreEntries(t *testing.T) {
	parts := []Entries[string, int64]{
		{Keys: []string{"a", "b", "c"}, Vals: []int64{1, 2, 3}},
		{},
		{Keys: []string{"d"}, Vals: []int64{-4}},
	}
	for _, n := range []int{1, 2, 3, 5} {
		w := checkpoint.NewWriter()
		SaveEntries(w, parts, putString, putInt)
		r := checkpoint.NewReader(w.Data())
		got := RestoreEntries(r, n, rt.HashString, getString, getInt)
		if err := r.Done(); err != nil {
			t.Fatal(err)
		}
		want := make([]Entries[string, int64], n)
		for _, e := range parts {
			for i, k := range e.Keys {
				p := rt.Bucket(rt.HashString(k), n)
				want[p].Keys = append(want[p].Keys, k)
				want[p].Vals = append(want[p].Vals, e.Vals[i])
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%d partitions:\n got %v\nwant %v", n, got, want)
		}
	}
}

func TestSaveRestoreBatches(t *testing.T) {
	parts := [][]Pane[[]int64]{
		{{Time: 1000, Data: []int64{1, 2, 3}}, {Time: 2000, Data: []int64{4}}},
		{{Time: 1000, Data: []int64{5}}, {Time: 3000, Data: []int64{6, 7}}},
	}
	save := func() *checkpoint.Reader {
		w := checkpoint.NewWriter()
		SaveBatches(w, parts, putInt)
		return checkpoint.NewReader(w.Data())
	}
	// The same partitions: each gets its own batches back.
	r := save()
	if got := RestoreBatches(r, 2, getInt); !reflect.DeepEqual(got, parts) || r.Done() != nil {
		t.Errorf("2 partitions: %v, %v", got, r.Done())
	}
	// Other counts: per time, all elements in partition order, cut into even runs.
	r = save()
	got := RestoreBatches(r, 3, getInt)
	want := [][]Pane[[]int64]{
		{{Time: 1000, Data: []int64{1}}, {Time: 2000, Data: []int64{}}, {Time: 3000, Data: []int64{}}},
		{{Time: 1000, Data: []int64{2}}, {Time: 2000, Data: []int64{}}, {Time: 3000, Data: []int64{6}}},
		{{Time: 1000, Data: []int64{3, 5}}, {Time: 2000, Data: []int64{4}}, {Time: 3000, Data: []int64{7}}},
	}
	if r.Done() != nil || !equalBatches(got, want) {
		t.Errorf("3 partitions:\n got %v\nwant %v", got, want)
	}
	r = save()
	got = RestoreBatches(r, 1, getInt)
	want = [][]Pane[[]int64]{{{Time: 1000, Data: []int64{1, 2, 3, 5}}, {Time: 2000, Data: []int64{4}}, {Time: 3000, Data: []int64{6, 7}}}}
	if r.Done() != nil || !equalBatches(got, want) {
		t.Errorf("1 partition:\n got %v\nwant %v", got, want)
	}
	// A truncated checkpoint is an error, never a panic.
	w := checkpoint.NewWriter()
	SaveBatches(w, parts, putInt)
	r = checkpoint.NewReader(w.Data()[:len(w.Data())-2])
	RestoreBatches(r, 2, getInt)
	if r.Done() == nil {
		t.Error("truncated: no error")
	}
}

// equalBatches compares panes, an empty run equal to a nil one.
func equalBatches(a, b [][]Pane[[]int64]) bool {
	if len(a) != len(b) {
		return false
	}
	for p := range a {
		if len(a[p]) != len(b[p]) {
			return false
		}
		for i := range a[p] {
			if a[p][i].Time != b[p][i].Time || len(a[p][i].Data) != len(b[p][i].Data) {
				return false
			}
			for j := range a[p][i].Data {
				if a[p][i].Data[j] != b[p][i].Data[j] {
					return false
				}
			}
		}
	}
	return true
}
