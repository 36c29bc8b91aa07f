package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"streamc.dev/streamc/runtime/connector/sqlsink"
)

// ScanFunc reads the current row into a typed key and value (columns in field order).
type ScanFunc[K comparable, V any] func(rows *sql.Rows) (K, V, error)

// maxKeys is the largest IN list sent at once; longer key sets are sent in chunks.
const maxKeys = 512

// keyParam finds the statement's one key parameter as "= any($1)" (the PostgreSQL form,
// accepted so that one lookup works on both databases) or "in ($1)" / "in (?1)" /
// "in (?)".
var keyParam = regexp.MustCompile(`(?i)(=\s*any\s*\(\s*(?:\$1|\?1)\s*\))|(\bin\s*\(\s*(?:\$1|\?1|\?)\s*\))`)

// Lookup enriches elements with rows selected by key. The statement names its key
// parameter once, as "where id in (?1)" or "where id = any($1)"; each fetch replaces it
// with an IN list of the batch's distinct keys. List lengths are rounded up to powers of
// two (the last key repeated), so only a handful of statements are ever prepared, each
// once per pooled connection and reused across batches.
type Lookup[K comparable, V any] struct {
	conn    *Conn
	before  string // the SQL before the key parameter, ending in "in ("
	after   string // the SQL after it, starting with ")"
	scan    ScanFunc[K, V]
	retry   sqlsink.Retry
	queries atomic.Int64

	mu    sync.Mutex
	stmts map[int]*sql.Stmt // prepared statements by IN list length
}

// NewLookup returns a lookup running query on conn. It fails when the query does not
// have exactly one key parameter written as above.
func NewLookup[K comparable, V any](conn *Conn, query string, scan ScanFunc[K, V]) (*Lookup[K, V], error) {
	locs := keyParam.FindAllStringIndex(query, -1)
	if len(locs) != 1 || sqlsink.Params(query) != 1 {
		return nil, fmt.Errorf("sqlite lookup: the statement must select by one key parameter written \"in (?1)\" or \"= any($1)\": %s", query)
	}
	return &Lookup[K, V]{
		conn: conn, scan: scan, stmts: map[int]*sql.Stmt{},
		before: query[:locs[0][0]] + " in (",
		after:  ")" + query[locs[0][1]:],
	}, nil
}

// Cache returns a new per-partition cache (see sqlsink.LookupCache).
func (l *Lookup[K, V]) Cache() *sqlsink.LookupCache[K, V] {
	return sqlsink.NewLookupCache(l.fetch, &l.queries)
}

// Queries returns the number of fetches made so far: one per partition and batch that
// had keys not fetched yet; a fetch of more than 512 keys runs one statement per 512.
func (l *Lookup[K, V]) Queries() int64 { return l.queries.Load() }

// Close closes the prepared statements.
func (l *Lookup[K, V]) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for n, st := range l.stmts {
		st.Close()
		delete(l.stmts, n)
	}
	return nil
}

func (l *Lookup[K, V]) stmt(ctx context.Context, db *sql.DB, n int) (*sql.Stmt, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if st := l.stmts[n]; st != nil {
		return st, nil
	}
	var sb strings.Builder
	sb.WriteString(l.before)
	for i := 1; i <= n; i++ {
		if i > 1 {
			sb.WriteString(", ")
		}
		sb.WriteString("?" + strconv.Itoa(i))
	}
	sb.WriteString(l.after)
	st, err := db.PrepareContext(ctx, sb.String())
	if err != nil {
		return nil, err
	}
	l.stmts[n] = st
	return st, nil
}

func (l *Lookup[K, V]) fetch(ctx context.Context, keys []K, put func(K, V)) error {
	db, err := l.conn.DB()
	if err != nil {
		return err
	}
	args := make([]any, 0, min(len(keys), maxKeys))
	for start := 0; start < len(keys); start += maxKeys {
		chunk := keys[start:min(start+maxKeys, len(keys))]
		size := 1
		for size < len(chunk) {
			size *= 2
		}
		args = args[:0]
		for i := range size {
			args = append(args, chunk[min(i, len(chunk)-1)])
		}
		_, err := l.retry.Do(ctx, Transient, func() error {
			st, err := l.stmt(ctx, db, size)
			if err != nil {
				return err
			}
			rows, err := st.QueryContext(ctx, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			return sqlsink.ScanRows(rows, l.scan, put)
		})
		if err != nil {
			return fmt.Errorf("sqlite lookup: %w", err)
		}
	}
	return nil
}

// QueryTable returns tableQuery(conn, sql, T, key, refresh): the rows of query, keyed
// by scan's key, reloaded every refresh without blocking readers.
func QueryTable[K comparable, V any](name string, conn *Conn, query string, refresh time.Duration, log *slog.Logger, scan ScanFunc[K, V]) *sqlsink.Table[K, V] {
	return sqlsink.NewTable(name, refresh, log, func(ctx context.Context) (map[K]V, error) {
		db, err := conn.DB()
		if err != nil {
			return nil, err
		}
		m := map[K]V{}
		_, err = sqlsink.Retry{}.Do(ctx, Transient, func() error {
			clear(m)
			rows, err := db.QueryContext(ctx, query)
			if err != nil {
				return err
			}
			defer rows.Close()
			return sqlsink.ScanRows(rows, scan, func(k K, v V) { m[k] = v })
		})
		if err != nil {
			return nil, fmt.Errorf("sqlite table %s: %w", name, err)
		}
		return m, nil
	})
}
