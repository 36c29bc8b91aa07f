package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	rt "streamc.dev/streamc/runtime"
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
	// Checkpointed says the run has a checkpoint directory: progress markers are then
	// pruned by PruneMarkers after each checkpoint, only behind the oldest kept one.
	// Without one, each partition prunes its markers older than the current batch every
	// sqlsink.PruneEvery writes (sqlsink.ProgressPrune says why that is enough).
	Checkpointed bool
	// Rejects routes the rows the database rejects permanently (the sink's onBadRecord);
	// nil is the fail policy: such a row fails the write, named in the error.
	Rejects *sqlsink.Rejects
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
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
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
//
// Errors are sorted by Classify. Busy and locked databases are retried. A statement
// that fails with a Record error (a constraint, a datatype mismatch) has changed
// nothing — SQLite undoes the failed statement alone and the transaction goes on — so
// the row goes to Config.Rejects and the next row is written; under the fail policy the
// write fails naming the row. A Statement error fails at once.
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
	prune := !s.cfg.Checkpointed && s.duePrune(partition)
	var res sqlsink.Result
	// rejected are the rows rejected by the last attempt, fresh says it found them (they
	// were not read back for a re-run partition), unsure holds those of an attempt whose
	// commit failed: it may have committed all the same, which the next attempt learns
	// by finding the marker.
	var rejected, unsure []sqlsink.Rejected
	fresh := false
	args := make([]any, 0, s.params)
	attempts, err := s.cfg.Retry.Do(ctx, Transient, func() error {
		res, rejected, fresh = sqlsink.Result{}, nil, false
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
			switch {
			case unsure != nil:
				rejected, fresh = unsure, true
			case s.cfg.Rejects.Stores():
				rejected, err = readRejected(ctx, tx, pipeline, output, batchTime, partition)
			}
			return err
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
			encodeArgs(args)
			_, err := stmt.ExecContext(ctx, args...)
			if err == nil {
				continue
			}
			if Classify(err) != sqlsink.Record {
				return err
			}
			if rejected, err = s.cfg.Rejects.Reject(rejected, i, args, err); err != nil {
				return err
			}
		}
		if s.cfg.Rejects.Stores() {
			for _, x := range rejected {
				if _, err := tx.ExecContext(ctx, sqlsink.RejectedInsert, pipeline, output, batchTime, partition, x.Row, x.Err, x.Record); err != nil {
					return fmt.Errorf("rejected rows table: %w", err)
				}
			}
		}
		if prune {
			if _, err := tx.ExecContext(ctx, sqlsink.ProgressPrune, pipeline, output, partition, batchTime); err != nil {
				return fmt.Errorf("progress table: %w", err)
			}
			if s.cfg.Rejects.Stores() {
				if _, err := tx.ExecContext(ctx, sqlsink.RejectedPrune, pipeline, output, partition, batchTime); err != nil {
					return fmt.Errorf("rejected rows table: %w", err)
				}
			}
		}
		if err := tx.Commit(); err != nil {
			if rejected != nil {
				unsure = rejected
			}
			return err
		}
		res.Rows, res.Rejected, fresh = n-len(rejected), len(rejected), true
		return nil
	})
	res.Attempts = attempts
	if err != nil {
		if Classify(err) == sqlsink.Statement {
			err = &sqlsink.StatementError{SQL: s.cfg.SQL, Err: err}
		}
		return res, fmt.Errorf("sqlite sink %s: batch %d partition %d: %w", s.cfg.Path, batchTime, partition, err)
	}
	if prune && !res.Skipped {
		s.pruneMu.Lock()
		s.commits[partition] = 0
		s.pruneMu.Unlock()
	}
	if s.cfg.Rejects != nil {
		s.cfg.Rejects.Routed(batchTime, partition, rejected, fresh)
	}
	return res, nil
}

// readRejected reads back the rejected rows a partition committed.
func readRejected(ctx context.Context, tx *sql.Tx, pipeline, output string, batchTime int64, partition int) ([]sqlsink.Rejected, error) {
	rows, err := tx.QueryContext(ctx, sqlsink.RejectedSelect, pipeline, output, batchTime, partition)
	if err != nil {
		return nil, fmt.Errorf("rejected rows table: %w", err)
	}
	defer rows.Close()
	return sqlsink.ScanRejected(rows)
}

// PruneMarkers deletes the output's progress markers (and stored rejected rows) up to
// and including oldestKept, the batch time of the oldest kept checkpoint: generated code
// registers it with ctx.OnCheckpoint when the run has a checkpoint directory. A failure
// is logged, not returned: pruning only bounds the table, and the next checkpoint
// prunes again.
func (s *Sink) PruneMarkers(oldestKept rt.Time) error {
	s.ddlMu.Lock()
	ready := s.ddlDone
	s.ddlMu.Unlock()
	if !ready { // nothing written by this process yet; the next checkpoint prunes
		return nil
	}
	sqlsink.PruneThrough(s.cfg.Log, s.cfg.Pipeline, s.cfg.Output, int64(oldestKept), s.cfg.Rejects.Stores(),
		func(ctx context.Context, q string, args ...any) error {
			c, err := s.conn.DB()
			if err == nil {
				_, err = c.ExecContext(ctx, q, args...)
			}
			return err
		})
	return nil
}

func (s *Sink) ensureProgressTable(ctx context.Context, db *sql.DB) error {
	s.ddlMu.Lock()
	defer s.ddlMu.Unlock()
	if s.ddlDone {
		return nil
	}
	_, err := s.cfg.Retry.Do(ctx, Transient, func() error {
		_, err := db.ExecContext(ctx, sqlsink.ProgressDDL)
		if err == nil && s.cfg.Rejects.Stores() {
			_, err = db.ExecContext(ctx, sqlsink.RejectedDDL)
		}
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

// TimeLayout is how the sink stores a time: RFC 3339 in UTC with exactly three
// fractional digits and a Z, "2006-01-02T15:04:05.000Z" (a .stream time has millisecond
// precision, so nothing is lost). SQLite's date and time functions read it
// (datetime(col), julianday(col), unixepoch(col, 'subsec'), strftime), its text sorts
// in time order (fixed width, one zone), and the driver reads it back as a time.Time
// from a column declared DATE, DATETIME or TIMESTAMP (tableQuery, lookup).
const TimeLayout = "2006-01-02T15:04:05.000Z"

// encodeArgs puts the statement arguments whose SQLite form streamc chooses into that
// form, in place: a time (time.Time, as generated code passes it, or rt.Time) becomes
// TimeLayout text, whatever the column's type (SQLite keeps text that does not look
// like a number as text even in an INTEGER column, where datetime() still reads it; a
// STRICT INTEGER column rejects it: bind millis(t) from the pipeline for epoch
// milliseconds). A duration becomes its integer nanoseconds, which is what a
// tableQuery or lookup reads back into a duration. The driver's own default for a
// time.Time is Go's time.String() text ("2006-01-02 15:04:05 +0000 UTC"), which
// SQLite's functions do not read.
func encodeArgs(args []any) {
	for i, a := range args {
		switch v := a.(type) {
		case time.Time:
			args[i] = v.UTC().Format(TimeLayout)
		case rt.Time:
			args[i] = v.Go().Format(TimeLayout)
		case time.Duration:
			args[i] = int64(v)
		}
	}
}
