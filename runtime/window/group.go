package window

import rt "streamc.dev/streamc/runtime"

// KeyedGroup is a partition's state of groupByKeyAndWindow(len, slide): Spark's
// groupByKey().window(len, slide) merged per key. The result at a boundary is one
// (key, values) pair per key in the window, keys in first-seen order across the window's
// batches oldest first, values in batch order and, within a batch, in arrival order.
//
// A grouping has no partial smaller than its values, so each batch is kept as its
// (key, value) pairs in two parallel slices, the cheapest form, and grouped at the
// boundary; per-batch maps would only add memory.
type KeyedGroup[K comparable, V any] struct {
	panes[Entries[K, V]]
	idx   *rt.OrderedMap[K, int32] // scratch: key → group number, in output order
	grp   []int32                  // scratch: each window record's group
	ends  []int32                  // scratch: per group, its count, then its end
	lists [][]V
}

// NewKeyedGroup returns the state of groupByKeyAndWindow(len, slide); hint sizes the
// scratch map (keys expected per window per partition).
func NewKeyedGroup[K comparable, V any](s Spec, hint int) *KeyedGroup[K, V] {
	return &KeyedGroup[K, V]{
		panes: newPanes(s, func() Entries[K, V] { return Entries[K, V]{} }, func(e *Entries[K, V]) {
			clear(e.Keys)
			clear(e.Vals)
			e.Keys, e.Vals = e.Keys[:0], e.Vals[:0]
		}),
		idx: rt.NewOrderedMap[K, int32](hint),
	}
}

// Begin starts batch t. It must be called for every batch, empty ones included, with
// increasing times on the Spec's grid.
func (w *KeyedGroup[K, V]) Begin(t rt.Time) { w.begin(t) }

// Add appends (k, v) to the current batch.
func (w *KeyedGroup[K, V]) Add(k K, v V) {
	if p := w.current(); p != nil {
		p.Keys = append(p.Keys, k)
		p.Vals = append(p.Vals, v)
	}
}

// Fires reports whether the current batch time is a slide boundary.
func (w *KeyedGroup[K, V]) Fires() bool { return w.fires }

// Window returns the groups at a boundary as parallel slices of keys and value lists;
// nil when the current batch is not a boundary. The key slice is the operator's storage,
// valid until the next Begin; the lists are new at every boundary (one allocation holds
// them all), so downstream operators may keep them.
func (w *KeyedGroup[K, V]) Window() ([]K, [][]V) {
	if !w.fires {
		return nil, nil
	}
	w.idx.Reset()
	w.grp = w.grp[:0]
	w.ends = w.ends[:0]
	for _, pn := range w.live {
		for _, k := range pn.p.Keys {
			g, found := w.idx.Ptr(k)
			if !found {
				*g = int32(len(w.ends))
				w.ends = append(w.ends, 0)
			}
			w.grp = append(w.grp, *g)
			w.ends[*g]++
		}
	}
	// ends[g] becomes the start of group g, then moves to its end while filling.
	var total int32
	for g, n := range w.ends {
		w.ends[g] = total
		total += n
	}
	buf := make([]V, total)
	i := 0
	for _, pn := range w.live {
		for _, v := range pn.p.Vals {
			g := w.grp[i]
			buf[w.ends[g]] = v
			w.ends[g]++
			i++
		}
	}
	w.lists = w.lists[:0]
	start := int32(0)
	for _, end := range w.ends {
		w.lists = append(w.lists, buf[start:end:end])
		start = end
	}
	return w.idx.Keys(), w.lists
}

// Snapshot returns the kept batches' pairs, oldest first, for a checkpoint taken after a
// batch completed. The slices are the operator's storage.
func (w *KeyedGroup[K, V]) Snapshot() []Pane[Entries[K, V]] {
	var ps []Pane[Entries[K, V]]
	for _, pn := range w.live {
		if len(pn.p.Keys) > 0 {
			ps = append(ps, Pane[Entries[K, V]]{Time: pn.t, Data: pn.p})
		}
	}
	return ps
}

// Restore replaces the contents with a snapshot taken after batch time at completed; the
// next Begin must be for a later time. It copies the pairs.
func (w *KeyedGroup[K, V]) Restore(at rt.Time, panes []Pane[Entries[K, V]]) {
	w.restore(at, panes, false, func(e Entries[K, V]) Entries[K, V] {
		return Entries[K, V]{append([]K(nil), e.Keys...), append([]V(nil), e.Vals...)}
	})
}
