package source

import (
	"context"
	"sync"
)

// Queue is Spark's queueStream with oneAtATime: each Batch call delivers the next literal
// batch; after the last one it delivers empty batches and is Exhausted.
type Queue[T any] struct {
	name    string
	batches [][]T

	mu        sync.Mutex
	next      int
	plan      queuePlan // the batch planned for the next Batch call
	delivered int64     // records handed to batches, for SourceStatus
}

// queuePlan is the literal batch (by index) that the batch at time t delivers.
type queuePlan struct {
	t     int64
	set   bool
	index int
}

var _ Source[int] = (*Queue[int])(nil)

// NewQueue returns a queue source named name over the given batches. The batches are
// not copied and must not be changed afterwards.
func NewQueue[T any](name string, batches [][]T) *Queue[T] {
	return &Queue[T]{name: name, batches: batches}
}

// Name returns the source's name.
func (q *Queue[T]) Name() string { return q.name }

// Start does nothing: a queue needs no resources.
func (q *Queue[T]) Start(context.Context) error { return nil }

// Stop does nothing.
func (q *Queue[T]) Stop() error { return nil }

// Exhausted reports whether every batch has been delivered.
func (q *Queue[T]) Exhausted() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.next >= len(q.batches)
}

// Batch returns the next literal batch (or the one planned for batchTime) split into
// parts partitions.
func (q *Queue[T]) Batch(batchTime int64, parts int) ([][]T, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	index := q.next
	if q.plan.set && q.plan.t == batchTime {
		index = q.plan.index
	}
	q.plan = queuePlan{}
	var recs []T
	if index < len(q.batches) {
		recs = q.batches[index]
		q.next = index + 1
	}
	q.delivered += int64(len(recs))
	return Split(recs, parts), nil
}

// Position returns how many batches have been delivered, for checkpoints.
func (q *Queue[T]) Position() int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return int64(q.next)
}

// Restore makes the queue resume after pos delivered batches.
func (q *Queue[T]) Restore(pos int64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.next = int(min(max(pos, 0), int64(len(q.batches))))
}
