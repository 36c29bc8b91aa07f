package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"streamc.dev/streamc/runtime/connector/sqlsink"
)

// Config is a sqlite(path, sql) sink.
type Config struct {
	ConnConfig
	SQL      string // the statement run for each element, parameters ?1..?n, $1..$n or ?
	Pipeline string // the pipeline's name, part of the progress key
	// Output tells the pipeline's sinks on one database apart in the progress table;
	// generated code passes the writeTo's position. Empty: a hash of SQL.
	Output string
	Retry  sqlsink.Retry
	Log    *slog.Logger // may be nil
}

// Sink runs a statement for every element of a batch, one transaction per partition per
// batch, exactly once per (batch time, partition) (see runtime/connector/sqlsink). It is
// safe for concurrent use by the partitions of a batch.
type Sink struct {
	cfg    Config
	conn   *Conn
	params int

	ddlMu   sync.Mutex
	ddlDone bool

	pruneMu sync.Mutex
	commits map[int]int
}

// New returns a sink for cfg; the database is opened by the first WriteBatch.
func New(cfg Config) (*Sink, error) {
	if strings.TrimSpace(cfg.SQL) == "" {
		return nil, errors.New("sqlite sink: empty SQL")
	}
	if cfg.Output == "" {
		cfg.Output = sqlsink.DefaultOutput(cfg.SQL)
	}
	s := &Sink{cfg: cfg, params: sqlsink.Params(cfg.SQL), commits: map[int]int{}}
	if s.params == 0 {
		return nil, fmt.Errorf("sqlite sink: the statement has no parameters (?1..?n): %s", cfg.SQL)
	}
	s.conn = NewConn(cfg.ConnConfig)
	return s, nil
}

// Conn returns the sink's connection handle.
func (s *Sink) Conn() *Conn { return s.conn }

// Close releases the sink's handle on its pool.
func (s *Sink) Close() error { return s.conn.Close() }

// WriteBatch writes the rows of one partition of batch batchTime in one transaction with
// the progress row, through one prepared statement. A (batch time, partition) committed
// before is skipped; busy errors are retried; a cancelled ctx rolls back. An empty
// partition writes nothing.
func (s *Sink) WriteBatch(ctx context.Context, batchTime int64, partition int, rows sqlsink.Rows) (sqlsink.Result, error) {
	return s.WriteKeyed(ctx, s.cfg.Pipeline, s.cfg.Output, batchTime, partition, rows)
}

// WriteKeyed is WriteBatch with the progress key's pipeline and output given
// (sqlsink.KeyedWriter, through which Tx serves the engine).
func (s *Sink) WriteKeyed(ctx context.Context, pipeline, output string, batchTime int64, partition int, rows sqlsink.Rows) (sqlsink.Result, error) {
	n := rows.Len()
	if n == 0 {
		return sqlsink.Result{}, nil
	}
	db, err := s.conn.DB()
	if err != nil {
		return sqlsink.Result{}, err
	}
	if err := s.ensureProgressTable(ctx, db); err != nil {
		return sqlsink.Result{}, err
	}
	prune := s.duePrune(partition)
	var res sqlsink.Result
	args := make([]any, 0, s.params)
	attempts, err := s.cfg.Retry.Do(ctx, Transient, func() error {
		res = sqlsink.Result{}
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		r, err := tx.ExecContext(ctx, sqlsink.ProgressInsert, pipeline, output, batchTime, partition)
		if err != nil {
			return fmt.Errorf("progress table: %w", err)
		}
		if affected, err := r.RowsAffected(); err != nil {
			return err
		} else if affected == 0 {
			res.Skipped = true
			return nil
		}
		stmt, err := tx.PrepareContext(ctx, s.cfg.SQL)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i := range n {
			args = rows.Append(args[:0], i)
			if len(args) != s.params {
				return sqlsink.CheckArity(s.cfg.SQL, s.params, len(args))
			}
			if _, err := stmt.ExecContext(ctx, args...); err != nil {
				return err
			}
		}
		if prune {
			if _, err := tx.ExecContext(ctx, sqlsink.ProgressPrune, pipeline, output, partition, batchTime); err != nil {
				return fmt.Errorf("progress table: %w", err)
			}
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		res.Rows = n
		return nil
	})
	res.Attempts = attempts
	if err != nil {
		return res, fmt.Errorf("sqlite sink %s: batch %d partition %d: %w", s.cfg.Path, batchTime, partition, err)
	}
	if prune && !res.Skipped {
		s.pruneMu.Lock()
		s.commits[partition] = 0
		s.pruneMu.Unlock()
	}
	return res, nil
}

func (s *Sink) ensureProgressTable(ctx context.Context, db *sql.DB) error {
	s.ddlMu.Lock()
	defer s.ddlMu.Unlock()
	if s.ddlDone {
		return nil
	}
	_, err := s.cfg.Retry.Do(ctx, Transient, func() error {
		_, err := db.ExecContext(ctx, sqlsink.ProgressDDL)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite sink: creating %s: %w", sqlsink.ProgressTable, err)
	}
	s.ddlDone = true
	return nil
}

func (s *Sink) duePrune(partition int) bool {
	s.pruneMu.Lock()
	defer s.pruneMu.Unlock()
	s.commits[partition]++
	return s.commits[partition] >= sqlsink.PruneEvery
}
