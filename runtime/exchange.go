package runtime

import "iter"

// Exchange moves records from the partitions of one stage (sources) to the partitions of
// the next (destinations): the shuffle at a stage cut. Each source partition appends to
// its own row of destination buffers, so writers never share a buffer and need no lock;
// each destination reads the buffers addressed to it in source order, so the order of
// records after an exchange is fixed by the order before it, whatever the scheduling.
//
// An Exchange is allocated once per job and reused for every batch: Reset truncates the
// buffers and keeps their capacity, so a steady stream of batches allocates nothing.
type Exchange[T any] struct {
	dsts int
	rows [][][]T // rows[src][dst]; each row its own allocation, away from the others
}

// rowPad is the number of spare slice headers after each row, so that two rows, which
// the allocator may place side by side, never share a cache line (nor the pair of lines
// fetched together): every append updates a header of the writer's row, and two cores
// writing to one line would take it from each other at every record.
const rowPad = 128 / 24

// NewExchange returns an exchange from srcs partitions to dsts partitions.
func NewExchange[T any](srcs, dsts int) *Exchange[T] {
	e := &Exchange[T]{dsts: dsts, rows: make([][][]T, srcs)}
	for s := range e.rows {
		e.rows[s] = make([][]T, dsts, dsts+rowPad)
	}
	return e
}

// Sources returns the number of source partitions.
func (e *Exchange[T]) Sources() int { return len(e.rows) }

// Destinations returns the number of destination partitions.
func (e *Exchange[T]) Destinations() int { return e.dsts }

// Reset empties every buffer, keeping capacity. It zeroes the old elements so that the
// exchange does not keep the previous batch's strings and slices reachable.
func (e *Exchange[T]) Reset() {
	for _, row := range e.rows {
		for d, buf := range row {
			clear(buf)
			row[d] = buf[:0]
		}
	}
}

// Out returns the destination buffers of source partition src. Generated code holds it
// in a local for the duration of the source partition's loop and appends directly:
//
//	out := ex.Out(p)
//	d := rt.Bucket(rt.HashString(k), len(out))
//	out[d] = append(out[d], kv)
//
// Only the goroutine running partition src may use it.
func (e *Exchange[T]) Out(src int) [][]T { return e.rows[src] }

// Emit appends v to the buffer from src to dst. Out is faster in a loop.
func (e *Exchange[T]) Emit(src, dst int, v T) {
	row := e.rows[src]
	row[dst] = append(row[dst], v)
}

// Buffer returns the records sent from src to dst, in the order they were emitted.
func (e *Exchange[T]) Buffer(src, dst int) []T { return e.rows[src][dst] }

// Len returns the number of records addressed to dst.
func (e *Exchange[T]) Len(dst int) int {
	n := 0
	for _, row := range e.rows {
		n += len(row[dst])
	}
	return n
}

// Partition iterates over the records addressed to dst: source 0's in emit order, then
// source 1's, and so on.
func (e *Exchange[T]) Partition(dst int) iter.Seq[T] {
	return func(yield func(T) bool) {
		for _, row := range e.rows {
			for _, v := range row[dst] {
				if !yield(v) {
					return
				}
			}
		}
	}
}

// Reuse returns s emptied for the next batch, keeping its capacity: its elements are
// zeroed first, so that a buffer refilled with fewer elements than before does not keep
// older batches' values reachable past its length. That matters for strings: the files
// source's lines (and the words cut from them) are substrings of large pieces of their
// file, and one stale element would keep its whole piece alive. Generated code reuses
// its per-partition buffers with it:
//
//	all := rt.Reuse(j.buf1[p])
func Reuse[T any](s []T) []T {
	clear(s)
	return s[:0]
}
