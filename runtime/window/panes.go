package window

import rt "streamc.dev/streamc/runtime"

// Pane is one parent batch kept by a window operator, as its snapshot shows it: the
// batch time and the operator's partial for that batch (the elements for window, the
// batch's reduced value for reduceByWindow, its per-key partial aggregates for
// reduceByKeyAndWindow, its pairs for groupByKeyAndWindow).
type Pane[P any] struct {
	Time rt.Time
	Data P
}

// Entries is a keyed partial in a snapshot: keys and values as parallel slices, in the
// order the operator keeps them.
type Entries[K comparable, V any] struct {
	Keys []K
	Vals []V
}

// pane is a kept batch. in records that the pane's partial has been added to the running
// value of an inverse-form operator: it must then stay until the boundary that subtracts
// it, even if no future window needs it.
type pane[P any] struct {
	t  rt.Time
	in bool
	p  P
}

// panes is the ring of batches a window operator keeps, oldest first, with a free list so
// that a steady stream of batches reuses the partials' storage. It holds at most
// Length/Interval panes plus, for the inverse forms, the ones waiting to be subtracted.
type panes[P any] struct {
	clock
	live  []pane[P]
	free  []P
	fresh func() P // a new, empty partial
	reset func(*P) // empties a partial for reuse, releasing what it references
	cur   bool     // the current batch is kept, as the last pane
}

func newPanes[P any](s Spec, fresh func() P, reset func(*P)) panes[P] {
	c := newClock(s)
	return panes[P]{
		clock: c,
		live:  make([]pane[P], 0, c.length/c.interval+c.slide/c.interval+1),
		fresh: fresh,
		reset: reset,
	}
}

// begin moves to batch t: it drops the panes that can no longer be in any window (their
// time is at or before the next boundary minus the length) unless they wait to be
// subtracted, and starts a pane for t if t belongs to some window.
func (w *panes[P]) begin(t rt.Time) {
	w.advance(t)
	w.dropThrough(w.nextBoundary(t)-rt.Time(w.length), false)
	w.cur = w.inSomeWindow(t)
	if w.cur {
		var p P
		if n := len(w.free); n > 0 {
			p = w.free[n-1]
			var zero P
			w.free[n-1] = zero
			w.free = w.free[:n-1]
		} else {
			p = w.fresh()
		}
		w.live = append(w.live, pane[P]{t: t, p: p})
	}
}

// dropThrough removes the panes with time <= cutoff, keeping those that are in the
// running value unless evenIn is set, and recycles their partials.
func (w *panes[P]) dropThrough(cutoff rt.Time, evenIn bool) {
	j := 0
	for i := range w.live {
		pn := w.live[i]
		if pn.t <= cutoff && (evenIn || !pn.in) {
			w.reset(&pn.p)
			w.free = append(w.free, pn.p)
			continue
		}
		w.live[j] = pn
		j++
	}
	clear(w.live[j:])
	w.live = w.live[:j]
}

// current returns the partial of the current batch, or nil when the batch belongs to no
// window (its records are discarded).
func (w *panes[P]) current() *P {
	if !w.cur {
		return nil
	}
	return &w.live[len(w.live)-1].p
}

// restore replaces the kept panes with ps, as after batch time at completed. For an
// inverse form (inverse set), panes up to the last boundary at or before at count as
// added to the running value.
func (w *panes[P]) restore(at rt.Time, ps []Pane[P], inverse bool, copyP func(P) P) {
	w.dropThrough(rt.Time(1<<62), true)
	w.t, w.started, w.cur, w.fires = at, true, false, false
	lastBoundary := at - rt.Time(w.sinceBoundary(at))
	for _, p := range ps {
		w.live = append(w.live, pane[P]{t: p.Time, in: inverse && p.Time <= lastBoundary, p: copyP(p.Data)})
	}
}
