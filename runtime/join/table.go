package join

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	rt "streamc.dev/streamc/runtime"
)

// Table is a reference table for joinTable and leftJoinTable: rows of type R by key K,
// loaded in full by a function the generated code provides (reading a CSV or JSON-lines
// file), kept in memory and shared read-only by every partition — a broadcast join, with
// no shuffle. When a refresh period is set, the table reloads in the background on that
// period; the new rows replace the old ones atomically, so a batch sees one version of
// the table from start to end if it takes Rows once. A reload that fails keeps the old
// rows and logs the error.
//
// Table is a Lifecycle (register it with the Context): Start begins the refreshes, Stop
// ends them, and it is always Exhausted, since it is not a source of records.
type Table[K comparable, R any] struct {
	name    string
	load    func() (map[K]R, error)
	refresh time.Duration
	log     *slog.Logger

	rows    atomic.Pointer[map[K]R]
	reloads *rt.Periodic
}

// NewTable loads the table once with load and returns it; an error from the first load
// is returned (a pipeline does not start without its reference data). refresh <= 0
// means the table is never reloaded. log may be nil.
func NewTable[K comparable, R any](name string, load func() (map[K]R, error), refresh time.Duration, log *slog.Logger) (*Table[K, R], error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	t := &Table[K, R]{name: name, load: load, refresh: refresh, log: log}
	m, err := load()
	if err != nil {
		return nil, err
	}
	t.rows.Store(&m)
	return t, nil
}

// Rows returns the current version of the table. Generated code takes it once per
// partition per batch and reads it without locking; it must not be modified.
func (t *Table[K, R]) Rows() map[K]R { return *t.rows.Load() }

// Reload loads the table again and, on success, replaces the rows; on failure it keeps
// the old rows, logs the error and returns it.
func (t *Table[K, R]) Reload() error {
	m, err := t.load()
	if err != nil {
		t.log.Error("table reload failed; keeping the previous rows", "table", t.name, "err", err)
		return err
	}
	t.rows.Store(&m)
	t.log.Info("table reloaded", "table", t.name, "rows", len(m))
	return nil
}

// Start begins the periodic reloads, until Stop or until ctx is cancelled.
func (t *Table[K, R]) Start(ctx context.Context) error {
	if t.refresh > 0 {
		t.reloads = rt.StartPeriodic(ctx, t.refresh, func(context.Context) { t.Reload() })
	}
	return nil
}

// Stop ends the reloads and waits for one in progress.
func (t *Table[K, R]) Stop() error {
	t.reloads.Stop()
	return nil
}

// Exhausted is always true: a table delivers no records, so it never keeps a run going.
func (t *Table[K, R]) Exhausted() bool { return true }
