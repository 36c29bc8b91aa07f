package gosource_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	rt "streamc.dev/streamc/runtime"
	"streamc.dev/streamc/runtime/gosource"
)

// MemLog is an in-memory append-only log written as a custom source: the offset of a
// record is its index, as a decimal string. It stands for any system that can hand out
// records again by position (a database table with a serial key, a message log, an API
// with cursors). Commit deletes what is before the committed offset, as a queue that
// acknowledges messages would, so a source that commits too early loses records.
type MemLog[T any] struct {
	mu      sync.Mutex
	base    int // offset of recs[0]: records before it were committed and deleted
	recs    []T
	ended   bool
	commits []string // offsets committed, in order
}

// Append adds records to the log.
func (l *MemLog[T]) Append(recs ...T) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.recs = append(l.recs, recs...)
}

// End says no record will be appended any more.
func (l *MemLog[T]) End() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ended = true
}

// Initial starts a fresh run at the oldest record still kept.
func (l *MemLog[T]) Initial(context.Context) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strconv.Itoa(l.base), nil
}

// Latest ends the next batch after the last record, or after limit records.
func (l *MemLog[T]) Latest(_ context.Context, from string, limit int64) (string, error) {
	i, err := strconv.Atoi(from)
	if err != nil {
		return "", err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	end := l.base + len(l.recs)
	if limit > 0 {
		end = min(end, i+int(limit))
	}
	return strconv.Itoa(end), nil
}

// Read returns the records in [from, until).
func (l *MemLog[T]) Read(_ context.Context, from, until string) ([]T, error) {
	i, err1 := strconv.Atoi(from)
	j, err2 := strconv.Atoi(until)
	if err1 != nil || err2 != nil || i > j {
		return nil, fmt.Errorf("bad offsets %q, %q", from, until)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if i < l.base || j > l.base+len(l.recs) {
		return nil, fmt.Errorf("records [%d, %d) are gone: the log holds [%d, %d)", i, j, l.base, l.base+len(l.recs))
	}
	return append([]T(nil), l.recs[i-l.base:j-l.base]...), nil
}

// Commit deletes the records before through (gosource.Committer).
func (l *MemLog[T]) Commit(_ context.Context, through string) error {
	n, err := strconv.Atoi(through)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.commits = append(l.commits, through)
	if n > l.base {
		l.recs = l.recs[n-l.base:]
		l.base = n
	}
	return nil
}

// Exhausted reports that the log has ended and everything has been read
// (gosource.Bounded).
func (l *MemLog[T]) Exhausted(at string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.ended && at == strconv.Itoa(l.base+len(l.recs))
}

// Commits returns the offsets committed so far.
func (l *MemLog[T]) Commits() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.commits...)
}

var _ interface {
	gosource.Source[int]
	gosource.Committer
	gosource.Bounded
} = (*MemLog[int])(nil)

// Example runs a MemLog through the adapter the way a generated program does, batch by
// batch, at most 3 records a batch, on 2 partitions.
func Example() {
	log := &MemLog[string]{}
	log.Append("a", "b", "c", "d", "e")
	log.End()
	pipeline := &rt.Pipeline{
		Name: "events", Defaults: rt.Settings{Batch: time.Second, Partitions: 2},
		New: func(ctx *rt.Context) (rt.Job, error) {
			src := gosource.New[string](ctx, "events", log, gosource.Options{MaxPerBatch: 3})
			return jobFunc(func(b *rt.Batch) error {
				parts, err := src.Batch(b.Time.Millis(), b.Partitions)
				if err != nil {
					return err
				}
				b.AddInput(rt.Len(parts))
				fmt.Println(b.Time, parts)
				return nil
			}), nil
		},
	}
	d, err := rt.NewDriver(pipeline, nil, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer d.Close()
	for !d.Exhausted() {
		if _, err := d.Step(); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Println("committed:", log.Commits())
	// Output:
	// 1000 ms [[a b] [c]]
	// 2000 ms [[d] [e]]
	// committed: [3 5]
}

type jobFunc func(b *rt.Batch) error

func (f jobFunc) RunBatch(b *rt.Batch) error { return f(b) }
