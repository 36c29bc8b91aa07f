package source

import (
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
