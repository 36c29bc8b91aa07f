package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"streamc.dev/streamc/runtime/connector/sqlsink"
)

// ScanFunc reads the current row of rows into a typed key and value; generated code
// writes one per record type, scanning the columns in field order:
//
//	func(r pgx.Rows) (string, User, error) {
//		var u User
//		err := r.Scan(&u.ID, &u.Name, &u.Country)
//		return u.ID, u, err
//	}
type ScanFunc[K comparable, V any] func(rows pgx.Rows) (K, V, error)

// Lookup enriches elements with rows selected by key: s.lookup(conn, sql, T, key = ...).
// The statement takes the batch's keys as one array parameter, as in
// "select id, name from users where id = any($1)". Each partition keeps a LookupCache
// (Cache), collects its batch's distinct keys, and fetches them in one round trip on a
// pooled connection; pgx prepares the statement once per connection and reuses it
// across batches.
type Lookup[K comparable, V any] struct {
	conn    *Conn
	sql     string
	scan    ScanFunc[K, V]
	retry   sqlsink.Retry
	queries atomic.Int64
}

// NewLookup returns a lookup running sql on conn. Queries are retried on transient
// errors with the default policy.
func NewLookup[K comparable, V any](conn *Conn, sql string, scan ScanFunc[K, V]) *Lookup[K, V] {
	return &Lookup[K, V]{conn: conn, sql: sql, scan: scan}
}

// Cache returns a new per-partition cache; generated code makes one per partition in
// New and calls Reset at the start of every batch.
func (l *Lookup[K, V]) Cache() *sqlsink.LookupCache[K, V] {
	return sqlsink.NewLookupCache(l.fetch, &l.queries)
}

// Queries returns the number of queries (round trips) made so far.
func (l *Lookup[K, V]) Queries() int64 { return l.queries.Load() }

// fetch runs the statement with keys as its array parameter.
func (l *Lookup[K, V]) fetch(ctx context.Context, keys []K, put func(K, V)) error {
	pool, err := l.conn.Pool()
	if err != nil {
		return err
	}
	_, err = l.retry.Do(ctx, Transient, func() error {
		rows, err := pool.Query(ctx, l.sql, keys)
		if err != nil {
			return err
		}
		defer rows.Close()
		return sqlsink.ScanRows(rows, l.scan, put)
	})
	if err != nil {
		return fmt.Errorf("postgres lookup: %w", err)
	}
	return nil
}

// QueryTable returns tableQuery(conn, sql, T, key, refresh): the rows of sql, keyed by
// scan's key, reloaded every refresh without blocking readers. Register it with the
// engine (ctx.Register) so that it loads before the first batch.
func QueryTable[K comparable, V any](name string, conn *Conn, sql string, refresh time.Duration, log *slog.Logger, scan ScanFunc[K, V]) *sqlsink.Table[K, V] {
	return sqlsink.NewTable(name, refresh, log, func(ctx context.Context) (map[K]V, error) {
		pool, err := conn.Pool()
		if err != nil {
			return nil, err
		}
		m := map[K]V{}
		_, err = sqlsink.Retry{}.Do(ctx, Transient, func() error {
			clear(m)
			rows, err := pool.Query(ctx, sql)
			if err != nil {
				return err
			}
			defer rows.Close()
			return sqlsink.ScanRows(rows, scan, func(k K, v V) { m[k] = v })
		})
		if err != nil {
			return nil, fmt.Errorf("postgres table %s: %w", name, err)
		}
		return m, nil
	})
}
