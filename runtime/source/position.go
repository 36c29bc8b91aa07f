package source

import (
	"fmt"
	"slices"

	"streamc.dev/streamc/runtime/checkpoint"
)

// The sources' checkpoint positions. The engine saves them after a batch whose outputs
// are done and restores them before Start (the runtime's Positioned interface).

// SavePosition writes how many batches have been delivered.
func (q *Queue[T]) SavePosition(w *checkpoint.Writer) error {
	w.Varint(q.Position())
	return nil
}

// RestorePosition makes the queue resume after the delivered batches.
func (q *Queue[T]) RestorePosition(r *checkpoint.Reader) error {
	pos := r.Varint()
	if err := r.Err(); err != nil {
		return err
	}
	q.Restore(pos)
	return nil
}

// SavePosition writes the counter and the time base, so that a restored source emits,
// for each batch time, exactly the numbers the original run emitted.
func (r *Rate) SavePosition(w *checkpoint.Writer) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	w.Bool(r.first)
	w.Varint(r.t0)
	w.Varint(r.emitted)
	w.Varint(r.next)
	return nil
}

// RestorePosition restores what SavePosition wrote.
func (r *Rate) RestorePosition(rd *checkpoint.Reader) error {
	first, t0, emitted, next := rd.Bool(), rd.Varint(), rd.Varint(), rd.Varint()
	if err := rd.Err(); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.first, r.t0, r.emitted, r.next = first, t0, emitted, next
	return nil
}

// SavePosition writes the lower bound of modification times and the remembered files
// with their modification times: what the next batches need to select the same files
// as the original run.
func (f *Files) SavePosition(w *checkpoint.Writer) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Varint(f.threshold)
	paths := make([]string, 0, len(f.seen))
	for p := range f.seen {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	w.Len(len(paths))
	for _, p := range paths {
		w.String(p)
		w.Varint(f.seen[p])
	}
	return nil
}

// RestorePosition restores what SavePosition wrote. Call it before Start: Start then
// keeps the restored threshold instead of taking the current time, so that files that
// arrived while the program was down are read.
func (f *Files) RestorePosition(r *checkpoint.Reader) error {
	threshold := r.Varint()
	n := r.Len()
	seen := make(map[string]int64, n)
	for range n {
		p := r.String()
		seen[p] = r.Varint()
	}
	if err := r.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.threshold, f.seen, f.restored = threshold, seen, true
	f.pending = slices.DeleteFunc(f.pending, func(p string) bool { _, ok := f.seen[p]; return ok })
	return nil
}

// PlanBatch fixes which literal batch batch t delivers (runtime.BatchPlanner).
func (q *Queue[T]) PlanBatch(t int64, w *checkpoint.Writer) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.plan = queuePlan{t: t, set: true, index: q.next}
	w.Varint(int64(q.next))
	return nil
}

// ReplanBatch makes batch t deliver the literal batch logged for it (runtime.BatchPlanner).
func (q *Queue[T]) ReplanBatch(t int64, r *checkpoint.Reader) error {
	index := r.Varint()
	if err := r.Done(); err != nil {
		return fmt.Errorf("%s: the batch log entry of batch %d: %w", q.name, t, err)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.plan = queuePlan{t: t, set: true, index: int(max(index, 0))}
	return nil
}

// PlanBatch fixes the numbers batch t emits, the first and how many (runtime.BatchPlanner):
// the count depends on when counting started, which a restart resets.
func (r *Rate) PlanBatch(t int64, w *checkpoint.Writer) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.planLocked(t)
	w.Varint(r.plan.first)
	w.Varint(r.plan.n)
	return nil
}

// ReplanBatch makes batch t emit the numbers logged for it (runtime.BatchPlanner).
func (r *Rate) ReplanBatch(t int64, rd *checkpoint.Reader) error {
	first, n := rd.Varint(), rd.Varint()
	if err := rd.Done(); err != nil {
		return fmt.Errorf("%s: the batch log entry of batch %d: %w", r.Name(), t, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.first {
		r.first = false
		r.t0 = t - r.interval
	}
	r.plan = ratePlan{t: t, set: true, first: first, n: max(n, 0)}
	return nil
}
