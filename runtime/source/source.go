package source

import (
	"context"
	"errors"
	"log/slog"
)

// Source is what every input source provides, for records of type T.
//
// Start begins receiving (receivers start their goroutine; pulled sources only check
// their configuration). Batch returns the records of the batch with batch time batchTime
// (epoch milliseconds) split into parts partitions; it is called once per batch, with
// increasing batch times, from one goroutine. Stop ends receiving promptly and releases
// what the source holds; it may be called more than once. Exhausted reports whether the
// source will never contribute records again.
type Source[T any] interface {
	Name() string
	Start(ctx context.Context) error
	Stop() error
	Exhausted() bool
	Batch(batchTime int64, parts int) ([][]T, error)
}

// ErrNotStarted is returned by Batch when Start has not been called.
var ErrNotStarted = errors.New("source not started")

// errAlreadyStarted is returned by a second Start.
var errAlreadyStarted = errors.New("source already started")

// Split cuts recs into parts contiguous chunks whose lengths differ by at most one, the
// first chunks taking the extra records. It always returns parts slices (some possibly
// empty) sharing recs' backing array; parts < 1 is treated as 1.
func Split[T any](recs []T, parts int) [][]T {
	if parts < 1 {
		parts = 1
	}
	out := make([][]T, parts)
	n := len(recs)
	size, extra := n/parts, n%parts
	start := 0
	for i := range out {
		end := start + size
		if i < extra {
			end++
		}
		// The three-index slice keeps one partition's appends from overwriting the next.
		out[i] = recs[start:end:end]
		start = end
	}
	return out
}

// orDiscard returns l, or a logger that drops everything when l is nil, so that sources
// never check for a missing logger.
func orDiscard(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}
