package sqlsink

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	rt "streamc.dev/streamc/runtime"
)

// FetchFunc queries the rows of keys in one round trip (or as few as the database
// allows) and calls put for each row found. Drivers implement it with their pooled
// connection and prepared statement.
type FetchFunc[K comparable, V any] func(ctx context.Context, keys []K, put func(K, V)) error

// LookupCache is one partition's view of a lookup: the keys of a batch are collected
// with Add, fetched together with Fetch (one query for every key not seen yet in this
// batch), and read with Get. Reset at the start of each batch forgets the previous
// batch's rows, so a lookup never serves data older than its batch. A LookupCache
// belongs to one partition's goroutine; it is reused across batches to avoid
// allocating.
type LookupCache[K comparable, V any] struct {
	fetch   FetchFunc[K, V]
	queries *atomic.Int64
	found   map[K]V
	seen    map[K]struct{} // keys asked in this batch, found or not
	pending []K
}

// NewLookupCache returns a cache over fetch; queries counts the fetch calls made (shared
// by the partitions of one lookup, for metrics and tests).
func NewLookupCache[K comparable, V any](fetch FetchFunc[K, V], queries *atomic.Int64) *LookupCache[K, V] {
	return &LookupCache[K, V]{fetch: fetch, queries: queries, found: map[K]V{}, seen: map[K]struct{}{}}
}

// Reset starts a new batch.
func (c *LookupCache[K, V]) Reset() {
	clear(c.found)
	clear(c.seen)
	c.pending = c.pending[:0]
}

// Add collects a key for the next Fetch; keys already asked in this batch are ignored.
func (c *LookupCache[K, V]) Add(k K) {
	if _, ok := c.seen[k]; ok {
		return
	}
	c.seen[k] = struct{}{}
	c.pending = append(c.pending, k)
}

// Fetch queries every collected key not fetched yet, in one call of the fetch function.
func (c *LookupCache[K, V]) Fetch(ctx context.Context) error {
	if len(c.pending) == 0 {
		return nil
	}
	keys := c.pending
	c.pending = c.pending[:0]
	c.queries.Add(1)
	return c.fetch(ctx, keys, func(k K, v V) { c.found[k] = v })
}

// Get returns the row of k fetched in this batch.
func (c *LookupCache[K, V]) Get(k K) (V, bool) {
	v, ok := c.found[k]
	return v, ok
}

// Table is reference data held in memory, keyed, and replaced as a whole every refresh
// period by a background goroutine. Readers never wait for a reload: Get reads the
// current snapshot through an atomic pointer, and a reload builds a new map and swaps it
// in. A failed reload keeps the previous snapshot and is logged; the first load must
// succeed (Start returns its error), so a pipeline never runs on an empty table by
// mistake.
//
// Table implements the engine's Lifecycle (Start, Stop, Exhausted), so generated code
// registers it with ctx.Register; it reports Exhausted, since reference data never holds
// a run open.
type Table[K comparable, V any] struct {
	name    string
	load    func(ctx context.Context) (map[K]V, error)
	refresh time.Duration
	log     *slog.Logger

	cur     atomic.Pointer[map[K]V]
	loads   atomic.Int64
	reloads *rt.Periodic
}

// NewTable returns a table filled by load, reloaded every refresh (0: never). log may be
// nil.
func NewTable[K comparable, V any](name string, refresh time.Duration, log *slog.Logger, load func(ctx context.Context) (map[K]V, error)) *Table[K, V] {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Table[K, V]{name: name, load: load, refresh: refresh, log: log}
}

// Start loads the table once, then starts the periodic reload.
func (t *Table[K, V]) Start(ctx context.Context) error {
	if err := t.Reload(ctx); err != nil {
		return err
	}
	if t.refresh > 0 {
		t.reloads = rt.StartPeriodic(context.WithoutCancel(ctx), t.refresh, func(ctx context.Context) {
			if err := t.Reload(ctx); err != nil && ctx.Err() == nil {
				t.log.Warn("table reload failed; keeping the previous rows", "table", t.name, "err", err)
			}
		})
	}
	return nil
}

// Reload loads the table now and swaps the new rows in.
func (t *Table[K, V]) Reload(ctx context.Context) error {
	m, err := t.load(ctx)
	if err != nil {
		return err
	}
	t.cur.Store(&m)
	t.loads.Add(1)
	return nil
}

// Stop ends the periodic reload.
func (t *Table[K, V]) Stop() error {
	t.reloads.Stop()
	return nil
}

// Exhausted reports true: a table never holds a run open.
func (t *Table[K, V]) Exhausted() bool { return true }

// Get returns the row of k in the current snapshot.
func (t *Table[K, V]) Get(k K) (V, bool) {
	if m := t.cur.Load(); m != nil {
		v, ok := (*m)[k]
		return v, ok
	}
	var zero V
	return zero, false
}

// Snapshot returns the current rows; callers must not modify the map. A batch that
// wants one consistent version for all its partitions takes a snapshot once.
func (t *Table[K, V]) Snapshot() map[K]V {
	if m := t.cur.Load(); m != nil {
		return *m
	}
	return nil
}

// Rows is Snapshot under the name join.Table gives it, so that generated code joins
// with a file table and a query table alike (joinTable, leftJoinTable).
func (t *Table[K, V]) Rows() map[K]V { return t.Snapshot() }

// Loads returns how many loads have succeeded.
func (t *Table[K, V]) Loads() int64 { return t.loads.Load() }

// QueryRows is what ScanRows needs of a query result: pgx.Rows and *sql.Rows both have
// it.
type QueryRows interface {
	Next() bool
	Err() error
}

// ScanRows reads every row of rows with scan and hands each key and value to put; it
// returns the first scan error or the result's own error. Lookups and query tables of
// every SQL connector read their results through it.
func ScanRows[R QueryRows, K comparable, V any](rows R, scan func(R) (K, V, error), put func(K, V)) error {
	for rows.Next() {
		k, v, err := scan(rows)
		if err != nil {
			return err
		}
		put(k, v)
	}
	return rows.Err()
}
