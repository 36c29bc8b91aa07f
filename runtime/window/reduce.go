package window

import rt "streamc.dev/streamc/runtime"

// partial is a batch's reduced value: none for a batch without elements.
type partial[V any] struct {
	v  V
	ok bool
}

// Reduce is the state of reduceByWindow(f, len, slide), reduceByWindow(f, inv, len,
// slide) and countByWindow(len, slide). It keeps one partial value per batch (the
// batch's elements reduced with f), never the elements.
//
// Without an inverse it is Spark's reduce(f).window(len, slide).reduce(f): the result at
// a boundary is f over the partials of the window's batches, oldest first, and none
// (the operator emits nothing) when the window holds no element.
//
// With an inverse it is Spark's map((1, _)).reduceByKeyAndWindow(f, inv, ...) for a
// single key: a running value, none until the first element arrives; at each boundary
// the batches leaving the window are reduced with f and taken out with inv (running =
// inv(running, f(leaving...))), then the entering batches are reduced with f and added
// (running = f(running, f(entering...))). Once it exists the running value is emitted at
// every boundary, even when the window no longer holds any element: countByWindow
// produces nothing before the first element and 0 once the elements have left, as in
// Spark. When slide > len the leaving and entering batches are exactly those of the two
// windows (Spark's inverse path also subtracts and adds the batches between windows,
// which counts batches no window contains; streamc does not).
//
// The operator is global: a job holds one Reduce and feeds it each partition's reduced
// value in partition order with Add, skipping partitions without elements.
type Reduce[V any] struct {
	panes[partial[V]]
	f, inv  func(V, V) V
	own     func(V) V  // OwnValues: copies what the window keeps; nil keeps v itself
	run     partial[V] // the running value (inverse form)
	pending bool       // the current boundary has not been settled yet
}

// NewReduce returns the state of reduceByWindow(f, len, slide), or of the inverse form
// when inv is not nil.
func NewReduce[V any](s Spec, f, inv func(V, V) V) *Reduce[V] {
	return &Reduce[V]{
		panes: newPanes(s, func() partial[V] { return partial[V]{} }, func(p *partial[V]) { *p = partial[V]{} }),
		f:     f,
		inv:   inv,
	}
}

// OwnValues makes the window keep copies, made by own, of the partial values it is
// given: values with strings get memory of their own, so that they do not keep the
// input they came from (nor see it reused; see source.FilesOptions.Recycle). A partial
// is copied once per Add, which a job calls once per partition and batch.
func (w *Reduce[V]) OwnValues(own func(V) V) *Reduce[V] {
	w.own = own
	return w
}

// NewCountByWindow returns the state of countByWindow(len, slide): Spark's
// map(_ => 1).reduceByWindow(_ + _, _ - _, len, slide). Add each partition's count when
// it is not zero: an empty batch has no partial.
func NewCountByWindow(s Spec) *Reduce[int64] {
	return NewReduce(s, func(a, b int64) int64 { return a + b }, func(a, b int64) int64 { return a - b })
}

// Begin starts batch t. It must be called for every batch, empty ones included, with
// increasing times on the Spec's grid.
func (w *Reduce[V]) Begin(t rt.Time) {
	if w.pending {
		w.settle()
	}
	w.begin(t)
	w.pending = w.fires && w.inv != nil
}

// Add combines v into the current batch's partial with f.
func (w *Reduce[V]) Add(v V) {
	p := w.current()
	if p == nil {
		return
	}
	if p.ok {
		p.v = w.f(p.v, v)
	} else {
		*p = partial[V]{v, true}
	}
	if w.own != nil {
		p.v = w.own(p.v)
	}
}

// Fires reports whether the current batch time is a slide boundary.
func (w *Reduce[V]) Fires() bool { return w.fires }

// Window returns the window's value at a boundary and whether there is one; false when
// the window has none or the current batch is not a boundary. With an inverse it must be
// called once at every boundary after the batch's Adds (Begin does it otherwise).
func (w *Reduce[V]) Window() (V, bool) {
	if !w.fires {
		var zero V
		return zero, false
	}
	if w.inv != nil {
		if w.pending {
			w.settle()
		}
		return w.run.v, w.run.ok
	}
	var acc partial[V]
	for _, pn := range w.live {
		acc = w.merge(acc, pn.p)
	}
	return acc.v, acc.ok
}

// merge is f on partials, where none is the identity.
func (w *Reduce[V]) merge(a, b partial[V]) partial[V] {
	switch {
	case !b.ok:
		return a
	case !a.ok:
		return b
	}
	return partial[V]{w.f(a.v, b.v), true}
}

// settle updates the running value at the current boundary: subtract the panes leaving
// the window, add the ones entering it, drop the leaving ones.
func (w *Reduce[V]) settle() {
	w.pending = false
	cutoff := w.t - rt.Time(w.length)
	var old, add partial[V]
	for i := range w.live {
		pn := &w.live[i]
		switch {
		case pn.t <= cutoff:
			if pn.in {
				old = w.merge(old, pn.p)
			}
		case !pn.in:
			add = w.merge(add, pn.p)
			pn.in = true
		}
	}
	if !w.run.ok {
		// Spark: without a previous value only the entering batches count.
		w.run = add
	} else {
		if old.ok {
			w.run.v = w.inv(w.run.v, old.v)
		}
		if add.ok {
			w.run.v = w.f(w.run.v, add.v)
		}
	}
	w.dropThrough(cutoff, true)
}

// ReduceSnapshot is the contents of a Reduce: the kept batches that have a partial,
// oldest first, and the running value of the inverse form.
type ReduceSnapshot[V any] struct {
	Panes      []Pane[V]
	Running    V
	HasRunning bool
}

// Snapshot returns the contents for a checkpoint taken after a batch completed.
func (w *Reduce[V]) Snapshot() ReduceSnapshot[V] {
	s := ReduceSnapshot[V]{Running: w.run.v, HasRunning: w.run.ok}
	for _, pn := range w.live {
		if pn.p.ok {
			s.Panes = append(s.Panes, Pane[V]{Time: pn.t, Data: pn.p.v})
		}
	}
	return s
}

// Restore replaces the contents with a snapshot taken after batch time at completed; the
// next Begin must be for a later time.
func (w *Reduce[V]) Restore(at rt.Time, s ReduceSnapshot[V]) {
	ps := make([]Pane[partial[V]], len(s.Panes))
	for i, p := range s.Panes {
		ps[i] = Pane[partial[V]]{Time: p.Time, Data: partial[V]{p.Data, true}}
	}
	w.restore(at, ps, w.inv != nil, func(p partial[V]) partial[V] { return p })
	w.run = partial[V]{s.Running, s.HasRunning}
	w.pending = false
}
