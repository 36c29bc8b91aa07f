package window

import rt "streamc.dev/streamc/runtime"

// KeyedReduce is a partition's state of reduceByKeyAndWindow and countByValueAndWindow.
// It keeps one partial aggregate per key per batch (the batch's values reduced with f,
// in an OrderedMap), never the records.
//
// Without an inverse it is Spark's reduceByKey(f).window(len, slide).reduceByKey(f):
// at a boundary the window's partials are merged oldest batch first, so each key's value
// is f applied in batch order and keys come in first-seen order across the window's
// batches, oldest first. The filter, if any, then drops entries from the output.
//
// With an inverse it is Spark's ReducedWindowedDStream. A running map holds the previous
// boundary's output. At each boundary, for every key in the running map, the batches
// leaving the window are reduced with f and taken out (v = inv(v, f(leaving...))), then
// the entering batches are reduced with f and added (v = f(v, f(entering...))); a key not
// in the running map gets f over its entering partials only, appended in first-seen
// order. Consequences, all Spark's:
//
//   - A key stays in the output after its values have left the window, with the value
//     inv brought it to (0 for counts), at every boundary until the filter drops it; it
//     appears even though no batch of the window contains it. countByValueAndWindow
//     passes the filter "count != 0" for that reason.
//   - The filter is applied to the output, and the running map is the output, so a key
//     the filter drops is forgotten: if it shows up again, its value restarts from the
//     entering batches alone and the leaving batches are not subtracted from it (Spark
//     throws "Neither previous window has value for key, nor new values found" when such
//     a key has leaving values and no entering ones; streamc leaves the key out).
//   - When slide > len the leaving and entering batches are exactly those of the two
//     windows; Spark's inverse path would also add and subtract the batches in between.
//
// Keys keep their place in the running map: existing keys in their order, new keys
// appended.
type KeyedReduce[K comparable, V any] struct {
	panes[*rt.OrderedMap[K, V]]
	f, inv  func(V, V) V
	filter  func(K, V) bool
	out     *rt.OrderedMap[K, V] // the output without inverse; the running map with one
	old     *rt.OrderedMap[K, V] // scratch: several leaving batches' partials reduced
	add     *rt.OrderedMap[K, V] // scratch: several entering batches' partials reduced
	pending bool
}

// NewKeyedReduce returns the state of reduceByKeyAndWindow(f, len, slide) or, when inv
// is not nil, of reduceByKeyAndWindow(f, inv, len, slide). filter may be nil. hint sizes
// the per-batch maps (keys expected per partition per batch).
func NewKeyedReduce[K comparable, V any](s Spec, f, inv func(V, V) V, filter func(K, V) bool, hint int) *KeyedReduce[K, V] {
	w := &KeyedReduce[K, V]{
		panes: newPanes(s,
			func() *rt.OrderedMap[K, V] { return rt.NewOrderedMap[K, V](hint).OwnKeys() },
			func(m **rt.OrderedMap[K, V]) { (*m).Reset() }),
		f:      f,
		inv:    inv,
		filter: filter,
		out:    rt.NewOrderedMap[K, V](hint).OwnKeys(),
	}
	return w
}

// NewCountByValue returns the state of countByValueAndWindow(len, slide): Spark's
// map((_, 1)).reduceByKeyAndWindow(_ + _, _ - _, len, slide, filter = _._2 != 0). Add
// (k, 1) per record, or a partition's partial counts.
func NewCountByValue[K comparable](s Spec, hint int) *KeyedReduce[K, int64] {
	return NewKeyedReduce(s,
		func(a, b int64) int64 { return a + b },
		func(a, b int64) int64 { return a - b },
		func(_ K, n int64) bool { return n != 0 },
		hint)
}

// Begin starts batch t. It must be called for every batch, empty ones included, with
// increasing times on the Spec's grid.
func (w *KeyedReduce[K, V]) Begin(t rt.Time) {
	if w.pending {
		w.settle()
	}
	w.begin(t)
	w.pending = w.fires && w.inv != nil
}

// Add combines (k, v) into the current batch's partial with f.
func (w *KeyedReduce[K, V]) Add(k K, v V) {
	p := w.current()
	if p == nil {
		return
	}
	if acc, found := (*p).Ptr(k); found {
		*acc = w.f(*acc, v)
	} else {
		*acc = v
	}
}

// Fires reports whether the current batch time is a slide boundary.
func (w *KeyedReduce[K, V]) Fires() bool { return w.fires }

// Window returns the output at a boundary as parallel slices of keys and values, in the
// order described on KeyedReduce; nil when the current batch is not a boundary. The
// slices are the operator's storage: read them before the next Begin. With an inverse it
// must be called once at every boundary after the batch's Adds (Begin does it otherwise).
func (w *KeyedReduce[K, V]) Window() ([]K, []V) {
	if !w.fires {
		return nil, nil
	}
	if w.inv != nil {
		if w.pending {
			w.settle()
		}
		return w.out.Keys(), w.out.Values()
	}
	w.out.Reset()
	for _, pn := range w.live {
		mergeInto(w.out, pn.p, w.f)
	}
	if w.filter != nil {
		w.out.Retain(func(k K, v *V) bool { return w.filter(k, *v) })
	}
	return w.out.Keys(), w.out.Values()
}

// mergeInto combines every entry of src into dst with f, appending new keys.
func mergeInto[K comparable, V any](dst, src *rt.OrderedMap[K, V], f func(V, V) V) {
	vals := src.Values()
	for i, k := range src.Keys() {
		if acc, found := dst.Ptr(k); found {
			*acc = f(*acc, vals[i])
		} else {
			*acc = vals[i]
		}
	}
}

// settle updates the running map at the current boundary: take out the leaving
// batches, add the entering ones, filter, and drop the leaving panes. With a single
// leaving or entering batch (slide = interval, the common case) its partial is used as
// it is; only several are first merged into a scratch map, allocated on first need.
func (w *KeyedReduce[K, V]) settle() {
	w.pending = false
	cutoff := w.t - rt.Time(w.length)
	var old, add *rt.OrderedMap[K, V]
	for i := range w.live {
		pn := &w.live[i]
		switch {
		case pn.t <= cutoff:
			if pn.in {
				old = w.gather(old, &w.old, pn.p)
			}
		case !pn.in:
			add = w.gather(add, &w.add, pn.p)
			pn.in = true
		}
	}
	if old != nil {
		oldVals := old.Values()
		for i, k := range old.Keys() {
			if _, ok := w.out.Get(k); ok {
				acc, _ := w.out.Ptr(k)
				*acc = w.inv(*acc, oldVals[i])
			}
		}
	}
	if add != nil {
		mergeInto(w.out, add, w.f)
	}
	if w.filter != nil {
		w.out.Retain(func(k K, v *V) bool { return w.filter(k, *v) })
	}
	w.dropThrough(cutoff, true)
	if w.old != nil {
		w.old.Reset()
	}
	if w.add != nil {
		w.add.Reset()
	}
}

// gather adds partial p to the reduction acc of a boundary's leaving or entering
// batches: the first partial stands for itself; a second one moves the reduction into
// the scratch map *scratch.
func (w *KeyedReduce[K, V]) gather(acc *rt.OrderedMap[K, V], scratch **rt.OrderedMap[K, V], p *rt.OrderedMap[K, V]) *rt.OrderedMap[K, V] {
	if acc == nil {
		return p
	}
	if acc != *scratch {
		if *scratch == nil {
			*scratch = rt.NewOrderedMap[K, V](acc.Len())
		}
		mergeInto(*scratch, acc, w.f)
	}
	mergeInto(*scratch, p, w.f)
	return *scratch
}

// KeyedSnapshot is the contents of a KeyedReduce: the kept batches' partials, oldest
// first, and the running map of the inverse form.
type KeyedSnapshot[K comparable, V any] struct {
	Panes   []Pane[Entries[K, V]]
	Running Entries[K, V]
}

// Snapshot returns the contents for a checkpoint taken after a batch completed. The
// slices are the operator's storage: encode them before the next Begin.
func (w *KeyedReduce[K, V]) Snapshot() KeyedSnapshot[K, V] {
	var s KeyedSnapshot[K, V]
	for _, pn := range w.live {
		if pn.p.Len() > 0 {
			s.Panes = append(s.Panes, Pane[Entries[K, V]]{Time: pn.t, Data: Entries[K, V]{pn.p.Keys(), pn.p.Values()}})
		}
	}
	if w.inv != nil {
		s.Running = Entries[K, V]{w.out.Keys(), w.out.Values()}
	}
	return s
}

// Restore replaces the contents with a snapshot taken after batch time at completed; the
// next Begin must be for a later time.
func (w *KeyedReduce[K, V]) Restore(at rt.Time, s KeyedSnapshot[K, V]) {
	ps := make([]Pane[*rt.OrderedMap[K, V]], len(s.Panes))
	for i, p := range s.Panes {
		ps[i] = Pane[*rt.OrderedMap[K, V]]{Time: p.Time, Data: entriesMap(p.Data)}
	}
	w.restore(at, ps, w.inv != nil, func(m *rt.OrderedMap[K, V]) *rt.OrderedMap[K, V] { return m })
	w.out.Reset()
	if w.inv != nil {
		for i, k := range s.Running.Keys {
			w.out.Put(k, s.Running.Vals[i])
		}
	}
	w.pending = false
}

func entriesMap[K comparable, V any](e Entries[K, V]) *rt.OrderedMap[K, V] {
	// OwnKeys too: restored partials are recycled for later batches' keys.
	m := rt.NewOrderedMap[K, V](len(e.Keys)).OwnKeys()
	for i, k := range e.Keys {
		m.Put(k, e.Vals[i])
	}
	return m
}
