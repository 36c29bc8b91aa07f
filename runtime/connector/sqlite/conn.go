package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"modernc.org/sqlite"

	"streamc.dev/streamc/runtime/connector/sqlsink"
)

// ConnConfig is a sqlite(path) connection of a .stream file.
type ConnConfig struct {
	Path        string        // the database file; created when missing
	MaxConns    int           // open connections at most; 0 means 4
	IdleTimeout time.Duration // idle connections are closed after this; 0 means 5m
	BusyTimeout time.Duration // how long a statement waits for a lock; 0 means 10s
}

func (c ConnConfig) withDefaults() ConnConfig {
	if c.MaxConns <= 0 {
		c.MaxConns = 4
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 5 * time.Minute
	}
	if c.BusyTimeout <= 0 {
		c.BusyTimeout = 10 * time.Second
	}
	return c
}

// Conn is a handle on a process-wide database/sql pool for one file, created on first
// use and shared by every Conn of the process with the same configuration; the last
// Close closes it.
type Conn struct {
	cfg    ConnConfig
	shared *sharedDB
	once   sync.Once
}

type sharedDB struct {
	mu   sync.Mutex
	db   *sql.DB
	refs int
}

var (
	dbsMu sync.Mutex
	dbs   = map[ConnConfig]*sharedDB{}
)

// NewConn returns a handle on the pool for cfg; nothing is opened yet.
func NewConn(cfg ConnConfig) *Conn {
	cfg = cfg.withDefaults()
	dbsMu.Lock()
	defer dbsMu.Unlock()
	sd := dbs[cfg]
	if sd == nil {
		sd = &sharedDB{}
		dbs[cfg] = sd
	}
	sd.refs++
	return &Conn{cfg: cfg, shared: sd}
}

// DB returns the pool, opening it on first use.
func (c *Conn) DB() (*sql.DB, error) {
	sd := c.shared
	sd.mu.Lock()
	defer sd.mu.Unlock()
	if sd.db != nil {
		return sd.db, nil
	}
	if c.cfg.Path == "" {
		return nil, errors.New("sqlite: empty database path")
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", c.cfg.BusyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+c.cfg.Path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	db.SetMaxOpenConns(c.cfg.MaxConns)
	db.SetMaxIdleConns(c.cfg.MaxConns)
	db.SetConnMaxIdleTime(c.cfg.IdleTimeout)
	sd.db = db
	return db, nil
}

// Stats returns the pool's statistics (zero before the pool exists).
func (c *Conn) Stats() sql.DBStats {
	sd := c.shared
	sd.mu.Lock()
	defer sd.mu.Unlock()
	if sd.db == nil {
		return sql.DBStats{}
	}
	return sd.db.Stats()
}

// Opened reports whether the pool has been created.
func (c *Conn) Opened() bool {
	sd := c.shared
	sd.mu.Lock()
	defer sd.mu.Unlock()
	return sd.db != nil
}

// Close releases this handle; the last handle on a pool closes it.
func (c *Conn) Close() error {
	var err error
	c.once.Do(func() {
		dbsMu.Lock()
		sd := c.shared
		sd.refs--
		last := sd.refs == 0
		if last && dbs[c.cfg] == sd {
			delete(dbs, c.cfg)
		}
		dbsMu.Unlock()
		if last {
			sd.mu.Lock()
			if sd.db != nil {
				err = sd.db.Close()
				sd.db = nil
			}
			sd.mu.Unlock()
		}
	})
	return err
}

// Transient reports whether err is a busy or locked database, worth retrying.
func Transient(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case 5, 6: // SQLITE_BUSY, SQLITE_LOCKED
			return true
		}
	}
	return false
}

// Classify sorts a sink's errors (sqlsink.ErrorClass) by SQLite's primary result code:
// BUSY and LOCKED are Transient; CONSTRAINT (NOT NULL, CHECK, UNIQUE, a foreign key, a
// STRICT column's type, a trigger's RAISE), MISMATCH and TOOBIG reject one row (Record);
// ERROR (a syntax error, no such table or column), PERM, READONLY, AUTH and RANGE (a
// parameter the statement does not have) fail every row (Statement); the rest is Other.
func Classify(err error) sqlsink.ErrorClass {
	if Transient(err) {
		return sqlsink.Transient
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case 19, 20, 18: // SQLITE_CONSTRAINT, SQLITE_MISMATCH, SQLITE_TOOBIG
			return sqlsink.Record
		case 1, 3, 8, 23, 25: // SQLITE_ERROR, SQLITE_PERM, SQLITE_READONLY, SQLITE_AUTH, SQLITE_RANGE
			return sqlsink.Statement
		}
	}
	return sqlsink.Other
}
