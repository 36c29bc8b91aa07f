package window

import rt "streamc.dev/streamc/runtime"

// Batches keeps a partition's elements for window(len, slide): Spark's WindowedDStream,
// whose RDD at a slide boundary t is the union of the parent's RDDs with times in
// (t - len, t]. It keeps each batch's elements as they came (a window of elements has no
// smaller partial) and drops a batch as soon as no future window contains it; batches
// that fall between windows (slide > len) are never kept.
//
// A job holds one Batches per partition and, once per batch, calls Begin, Add for each
// of the partition's elements, then Window when Fires:
//
//	w := j.win[p]
//	w.Begin(b.Time)
//	for _, x := range in[p] {
//		w.Add(x)
//	}
//	if w.Fires() {
//		for _, xs := range w.Window() { ... }
//	}
//
// Every partition's Batches sees the same batch times, so Window returns slices aligned
// across partitions (one per batch): emitting batch by batch over the partitions gives
// Spark's order for the union (the oldest batch's partitions first).
type Batches[T any] struct {
	panes[[]T]
	out [][]T
}

// NewBatches returns an empty Batches for s; s must pass Check.
func NewBatches[T any](s Spec) *Batches[T] {
	return &Batches[T]{panes: newPanes(s, func() []T { return nil }, func(p *[]T) {
		clear(*p)
		*p = (*p)[:0]
	})}
}

// Begin starts batch t. It must be called for every batch, empty ones included, with
// increasing times on the Spec's grid.
func (w *Batches[T]) Begin(t rt.Time) { w.begin(t) }

// Add appends x to the current batch (discarded if the batch is in no window).
func (w *Batches[T]) Add(x T) {
	if p := w.current(); p != nil {
		*p = append(*p, x)
	}
}

// AddAll appends xs to the current batch.
func (w *Batches[T]) AddAll(xs []T) {
	if p := w.current(); p != nil {
		*p = append(*p, xs...)
	}
}

// Fires reports whether the current batch time is a slide boundary: the operator
// produces output now (possibly empty) and nothing at other times.
func (w *Batches[T]) Fires() bool { return w.fires }

// Window returns the window's batches oldest first, one slice per batch since the
// window began or the stream started, empty ones included; nil when the current batch is
// not a boundary. The slices are the operator's storage: read them before the next
// Begin.
func (w *Batches[T]) Window() [][]T {
	if !w.fires {
		return nil
	}
	w.out = w.out[:0]
	for _, pn := range w.live {
		w.out = append(w.out, pn.p)
	}
	return w.out
}

// AppendWindow appends the window's elements, oldest batch first, to dst and returns the
// extended slice; it appends nothing when the current batch is not a boundary.
func (w *Batches[T]) AppendWindow(dst []T) []T {
	if !w.fires {
		return dst
	}
	for _, pn := range w.live {
		dst = append(dst, pn.p...)
	}
	return dst
}

// Snapshot returns the kept batches, oldest first, for a checkpoint taken after a batch
// completed. Empty batches are included so that partitions stay aligned after Restore.
// The slices are the operator's storage.
func (w *Batches[T]) Snapshot() []Pane[[]T] {
	ps := make([]Pane[[]T], 0, len(w.live))
	for _, pn := range w.live {
		ps = append(ps, Pane[[]T]{Time: pn.t, Data: pn.p})
	}
	return ps
}

// Restore replaces the contents with a snapshot taken after batch time at completed; the
// next Begin must be for a later time. It copies the panes' data.
func (w *Batches[T]) Restore(at rt.Time, panes []Pane[[]T]) {
	w.restore(at, panes, false, func(xs []T) []T { return append([]T(nil), xs...) })
}
