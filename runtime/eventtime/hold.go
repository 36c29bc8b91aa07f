package eventtime

import (
	"io"
	"log/slog"
	"slices"
	"time"

	rt "streamc.dev/streamc/runtime"
	"streamc.dev/streamc/runtime/window"
)

// Hold keeps one partition's elements of an event-time stream. A job holds one Hold per
// partition of the stage that runs eventTime and, once per batch, calls Begin with the
// event-time batch that is due (the arrival time minus the lag), Add for each element
// with its timestamp, then reads Due:
//
//	h := j.hold4[p]
//	h.Begin(b.Time)
//	for _, x := range in[p] {
//		h.Add(x, eventTime_5_12(x))
//	}
//	for _, x := range h.Due() { ... }
//	b.AddLateRecords(h.TakeLate())
type Hold[T any] struct {
	interval int64   // the batch interval, ms
	zero     rt.Time // Spark's zeroTime of the event-time grid
	now      rt.Time // the batch that is due
	held     map[rt.Time][]T
	due      []T
	late     int64
}

// NewHold returns an empty Hold for batches every interval after zero (the grid of the
// downstream stream; an element with timestamp e belongs to the first grid time ≥ e).
func NewHold[T any](interval time.Duration, zero rt.Time) *Hold[T] {
	return &Hold[T]{interval: interval.Milliseconds(), zero: zero, held: map[rt.Time][]T{}}
}

// BatchOf returns the batch time an element with timestamp e belongs to: the grid time t
// with e in (t - interval, t].
func (h *Hold[T]) BatchOf(e rt.Time) rt.Time {
	d := int64(e - h.zero)
	k := d / h.interval
	if d%h.interval > 0 {
		k++
	}
	return h.zero + rt.Time(k*h.interval)
}

// Begin starts the batch due at t: the elements held for t become due, the earlier
// batches' are gone. Times must increase from call to call.
func (h *Hold[T]) Begin(t rt.Time) {
	h.now = t
	clear(h.due)
	h.due = h.due[:0]
	if xs, ok := h.held[t]; ok {
		h.due = append(h.due, xs...)
		delete(h.held, t)
	}
	for ht, xs := range h.held {
		// Only a restart with another batch interval leaves elements for batches
		// that will never run: they are late now.
		if ht < t {
			h.late += int64(len(xs))
			delete(h.held, ht)
		}
	}
}

// Add places x, whose timestamp is e: due now, held for a later batch, or counted late.
// It reports whether x was kept.
func (h *Hold[T]) Add(x T, e rt.Time) bool {
	t := h.BatchOf(e)
	switch {
	case t == h.now:
		h.due = append(h.due, x)
	case t > h.now:
		h.held[t] = append(h.held[t], x)
	default:
		h.late++
		return false
	}
	return true
}

// Due returns the elements of the current batch: the held ones first, then those added
// since Begin, each in the order they came. The slice is the Hold's storage: read it
// before the next Begin.
func (h *Hold[T]) Due() []T { return h.due }

// TakeLate returns the number of late elements since the last call and resets it.
func (h *Hold[T]) TakeLate() int64 {
	n := h.late
	h.late = 0
	return n
}

// Held returns the number of elements held for later batches.
func (h *Hold[T]) Held() int {
	n := 0
	for _, xs := range h.held {
		n += len(xs)
	}
	return n
}

// Times returns the batch times elements are held for, earliest first: the order in
// which a checkpoint writes them.
func (h *Hold[T]) Times() []rt.Time {
	ts := make([]rt.Time, 0, len(h.held))
	for t := range h.held {
		ts = append(ts, t)
	}
	slices.Sort(ts)
	return ts
}

// addHeld adds elements held for batch t, read back from a checkpoint, after those
// already held for t.
func (h *Hold[T]) addHeld(t rt.Time, xs []T) {
	if len(xs) > 0 {
		h.held[t] = append(h.held[t], xs...)
	}
}

// Snapshot returns what h holds as one pane per batch time, earliest first: what a
// checkpoint writes (the panes share h's storage).
func (h *Hold[T]) Snapshot() []window.Pane[[]T] {
	var ps []window.Pane[[]T]
	for _, t := range h.Times() {
		ps = append(ps, window.Pane[[]T]{Time: t, Data: h.held[t]})
	}
	return ps
}

// Restore replaces what h holds with a checkpoint's panes, as window.Batches.Restore
// does (the same checkpoint code serves both). at, the batch the checkpoint was taken
// after, is not needed: held elements keep their own batch times.
func (h *Hold[T]) Restore(at rt.Time, ps []window.Pane[[]T]) {
	clear(h.held)
	for _, p := range ps {
		h.addHeld(p.Time, p.Data)
	}
}

// HeldAtClose returns the io.Closer a job registers with Context.OnClose: when the run
// ends with elements still held for event-time batches it did not reach, it logs how
// many and from when — they are in the last checkpoint if there is one, and a replay
// whose clock (--start-time) is far before the data's timestamps holds everything.
func HeldAtClose[T any](log *slog.Logger, op string, holds []*Hold[T]) io.Closer {
	return closerFunc(func() error {
		n, first := 0, rt.Time(0)
		for _, h := range holds {
			if ts := h.Times(); len(ts) > 0 && (n == 0 || ts[0] < first) {
				first = ts[0]
			}
			n += h.Held()
		}
		if n > 0 && log != nil {
			log.Warn("elements held for later event-time batches were not processed",
				"op", op, "held", n, "first_batch_time", int64(first))
		}
		return nil
	})
}

type closerFunc func() error

func (f closerFunc) Close() error { return f() }

// Lag returns the lag of the downstream stream for a lateness bound: the lateness
// rounded up to a whole number of batch intervals, so that event-time batches stay on
// the batch grid.
func Lag(lateness, interval time.Duration) time.Duration {
	if lateness <= 0 {
		return 0
	}
	return (lateness + interval - 1) / interval * interval
}
