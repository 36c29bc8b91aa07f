package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"streamc.dev/streamc/runtime/connector/sqlsink"
)

// ConnConfig is a postgres(url, maxConns, idleTimeout) connection of a .stream file.
type ConnConfig struct {
	URL         string        // a PostgreSQL URL or key=value connection string
	MaxConns    int           // at most this many connections; 0 means 8
	IdleTimeout time.Duration // a connection idle this long is closed; 0 means 5m
}

func (c ConnConfig) withDefaults() ConnConfig {
	if c.MaxConns <= 0 {
		c.MaxConns = 8
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 5 * time.Minute
	}
	return c
}

// Conn is a handle on a process-wide connection pool. Creating it does no I/O: the pool
// is created on first use (the Spark guide's static, lazily initialized pool), and
// every Conn of the process with the same configuration shares it, so a lookup and a
// sink on the same database use the same connections. Connections are opened on demand
// up to MaxConns, reused across batches, and closed after IdleTimeout without use. The
// pool is closed when the last Conn sharing it is closed.
type Conn struct {
	cfg    ConnConfig
	shared *sharedPool
	once   sync.Once
}

// sharedPool is one pool of the process and the number of open Conns using it.
type sharedPool struct {
	mu   sync.Mutex
	pool *pgxpool.Pool
	refs int
}

var (
	poolsMu sync.Mutex
	pools   = map[ConnConfig]*sharedPool{}
)

// NewConn returns a handle on the pool for cfg; no connection is opened yet.
func NewConn(cfg ConnConfig) *Conn {
	cfg = cfg.withDefaults()
	poolsMu.Lock()
	defer poolsMu.Unlock()
	sp := pools[cfg]
	if sp == nil {
		sp = &sharedPool{}
		pools[cfg] = sp
	}
	sp.refs++
	return &Conn{cfg: cfg, shared: sp}
}

// Pool returns the pool, creating it on first use. Creating a pool opens no connection
// either; the first Acquire does.
func (c *Conn) Pool() (*pgxpool.Pool, error) {
	sp := c.shared
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if sp.pool != nil {
		return sp.pool, nil
	}
	pc, err := pgxpool.ParseConfig(c.cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	pc.MaxConns = int32(c.cfg.MaxConns)
	pc.MinConns = 0
	pc.MaxConnIdleTime = c.cfg.IdleTimeout
	// Idle connections are closed by the pool's health check, so it must run often
	// enough for IdleTimeout to mean something.
	pc.HealthCheckPeriod = min(max(c.cfg.IdleTimeout/2, 50*time.Millisecond), time.Minute)
	p, err := pgxpool.NewWithConfig(context.Background(), pc)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	sp.pool = p
	return p, nil
}

// Stat returns the pool's statistics, or nil before the pool exists.
func (c *Conn) Stat() *pgxpool.Stat {
	sp := c.shared
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if sp.pool == nil {
		return nil
	}
	return sp.pool.Stat()
}

// Close releases this handle; the last handle on a pool closes it. Close may be called
// more than once.
func (c *Conn) Close() error {
	c.once.Do(func() {
		poolsMu.Lock()
		sp := c.shared
		sp.refs--
		last := sp.refs == 0
		if last && pools[c.cfg] == sp {
			delete(pools, c.cfg)
		}
		poolsMu.Unlock()
		if last {
			sp.mu.Lock()
			if sp.pool != nil {
				sp.pool.Close()
				sp.pool = nil
			}
			sp.mu.Unlock()
		}
	})
	return nil
}

// Transient reports whether err is worth retrying: a connection that failed or was
// lost, a serialization failure, a deadlock, an admin shutdown or too many connections.
// Context cancellation is not transient.
func Transient(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "40001", "40P01", "57P01", "57P02", "57P03", "53300", "55P03":
			return true
		}
		return len(pgErr.Code) == 5 && pgErr.Code[:2] == "08"
	}
	if pgconn.SafeToRetry(err) || pgconn.Timeout(err) {
		return true
	}
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) {
		return true
	}
	var netErr net.Error
	return errors.As(err, &netErr)
}

// Classify sorts a sink's errors (sqlsink.ErrorClass): Transient as above; Record for
// the SQLSTATE classes 22 (data exception: invalid UTF-8 or a NUL byte in text, a value
// out of range, a string too long) and 23 (integrity constraint violation), which reject
// one row; Statement for the classes that no row can get past: 42 (syntax error, no such
// table or column, no permission), 0A (feature not supported), 28 (authorization), 3D
// (no such database) and 3F (no such schema); Other for the rest.
func Classify(err error) sqlsink.ErrorClass {
	if Transient(err) {
		return sqlsink.Transient
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && len(pgErr.Code) == 5 {
		switch pgErr.Code[:2] {
		case "22", "23":
			return sqlsink.Record
		case "42", "0A", "28", "3D", "3F":
			return sqlsink.Statement
		}
	}
	return sqlsink.Other
}
