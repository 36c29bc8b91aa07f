package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	rt "streamc.dev/streamc/runtime"

	"streamc.dev/streamc/runtime/connector/sqlsink"
)

// Mode is how a Sink sends a partition's rows.
type Mode int

const (
	// Auto uses COPY when the statement is a plain INSERT (see Config.Mode) and the
	// partition has at least CopyThreshold rows, else Pipeline.
	Auto Mode = iota
	// Pipeline sends the statement once per row as a pgx.Batch: the rows go out in one
	// pipelined round trip, each bound to the prepared statement.
	Pipeline
	// Copy streams the rows with COPY FROM STDIN (binary). Only for a plain
	// "insert into t(c1, ..., cn) values ($1, ..., $n)".
	Copy
)

// CopyThreshold is the partition size from which Auto prefers COPY: below it, COPY's
// extra round trip (describing the target columns) costs more than it saves.
const CopyThreshold = 64

// Config is a postgres(url, sql, maxConns, idleTimeout) sink.
type Config struct {
	ConnConfig
	SQL      string // the statement run for each element, parameters $1..$n
	Pipeline string // the pipeline's name, part of the progress key
	// Output tells the pipeline's sinks on one database apart in the progress table;
	// generated code passes the writeTo's position. Empty: a hash of SQL.
	Output string
	Mode   Mode
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
// batch, exactly once per (batch time, partition): see runtime/connector/sqlsink for the
// progress-table protocol. It is safe for concurrent use by the partitions of a batch;
// each partition's write takes its own pooled connection.
type Sink struct {
	cfg    Config
	conn   *Conn
	params int
	copyTo *copyTarget // nil when the statement is not a plain INSERT

	ddlMu   sync.Mutex
	ddlDone bool

	pruneMu sync.Mutex
	commits map[int]int // committed batches per partition since the last prune
}

// New returns a sink for cfg. It opens no connection: the pool is created by the first
// WriteBatch. It fails when the SQL is empty, has no parameters, or Mode is Copy for a
// statement COPY cannot run.
func New(cfg Config) (*Sink, error) {
	if strings.TrimSpace(cfg.SQL) == "" {
		return nil, errors.New("postgres sink: empty SQL")
	}
	if cfg.Output == "" {
		cfg.Output = sqlsink.DefaultOutput(cfg.SQL)
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	s := &Sink{cfg: cfg, params: sqlsink.Params(cfg.SQL), commits: map[int]int{}}
	if s.params == 0 {
		return nil, fmt.Errorf("postgres sink: the statement has no parameters ($1..$n): %s", cfg.SQL)
	}
	s.copyTo = parseCopyTarget(cfg.SQL)
	if cfg.Mode == Copy && s.copyTo == nil {
		return nil, fmt.Errorf("postgres sink: COPY needs a plain insert into t(c1, ..., cn) values ($1, ..., $n): %s", cfg.SQL)
	}
	s.conn = NewConn(cfg.ConnConfig)
	return s, nil
}

// Conn returns the sink's connection handle (for its pool statistics).
func (s *Sink) Conn() *Conn { return s.conn }

// Close releases the sink's handle on its pool.
func (s *Sink) Close() error { return s.conn.Close() }

// WriteBatch writes the rows of one partition of the batch with time batchTime (epoch
// milliseconds) in one transaction, together with the progress row. A (batch time,
// partition) committed before is skipped (Result.Skipped). Transient failures are
// retried with backoff (Config.Retry); a cancelled ctx rolls the transaction back, so
// nothing of the partition is written. An empty partition writes nothing.
func (s *Sink) WriteBatch(ctx context.Context, batchTime int64, partition int, rows sqlsink.Rows) (sqlsink.Result, error) {
	return s.WriteKeyed(ctx, s.cfg.Pipeline, s.cfg.Output, batchTime, partition, rows)
}

// WriteKeyed is WriteBatch with the progress key's pipeline and output given
// (sqlsink.KeyedWriter, through which Tx serves the engine).
//
// Errors are sorted by Classify. Transient ones are retried. A Record error (a data
// exception or a constraint violation: invalid UTF-8, a NUL, a value out of range, a
// duplicate key) sends the transaction round again with the rows written in halves
// under savepoints (sqlsink.Isolate), so that the rejected rows are found and the good
// ones still commit with the marker; the rejected rows then go to Config.Rejects, or
// fail the write naming the first of them. A Statement error fails at once.
func (s *Sink) WriteKeyed(ctx context.Context, pipeline, output string, batchTime int64, partition int, rows sqlsink.Rows) (sqlsink.Result, error) {
	n := rows.Len()
	if n == 0 {
		return sqlsink.Result{}, nil
	}
	pool, err := s.conn.Pool()
	if err != nil {
		return sqlsink.Result{}, err
	}
	if err := s.ensureProgressTable(ctx); err != nil {
		return sqlsink.Result{}, err
	}
	w := &write{s: s, pipeline: pipeline, output: output, batchTime: batchTime, partition: partition, rows: rows,
		prune: !s.cfg.Checkpointed && s.duePrune(partition)}
	attempts, err := s.cfg.Retry.Do(ctx, Transient, func() error {
		err := w.attempt(ctx, pool)
		if err != nil && w.isolate == nil && Classify(err) == sqlsink.Record {
			// The transaction is aborted: run it again, isolating the rejected rows.
			w.isolate = err
			err = w.attempt(ctx, pool)
		}
		return err
	})
	res := w.res
	res.Attempts = attempts
	if err != nil {
		if Classify(err) == sqlsink.Statement {
			err = &sqlsink.StatementError{SQL: s.cfg.SQL, Err: err}
		}
		return res, fmt.Errorf("postgres sink: batch %d partition %d: %w", batchTime, partition, err)
	}
	if w.prune && !res.Skipped {
		s.prunedAt(partition)
	}
	if s.cfg.Rejects != nil {
		s.cfg.Rejects.Routed(batchTime, partition, w.rejected, w.fresh)
	}
	return res, nil
}

// write is one WriteKeyed call: its key and rows, and what its attempts found.
type write struct {
	s                *Sink
	pipeline, output string
	batchTime        int64
	partition        int
	rows             sqlsink.Rows
	prune            bool
	isolate          error // the Record error of writing all rows at once; nil: not seen

	res      sqlsink.Result
	rejected []sqlsink.Rejected // routed once the transaction committed
	fresh    bool               // rejected was found by this call, not read back
	// unsure holds the rejected rows of an attempt whose commit failed: it may have
	// committed all the same, which the next attempt learns by finding the marker.
	unsure []sqlsink.Rejected
}

// attempt runs the partition's transaction once.
func (w *write) attempt(ctx context.Context, pool *pgxpool.Pool) error {
	s := w.s
	w.res, w.rejected, w.fresh = sqlsink.Result{}, nil, false
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	tag, err := tx.Exec(ctx, sqlsink.ProgressInsert, w.pipeline, w.output, w.batchTime, w.partition)
	if err != nil {
		return fmt.Errorf("progress table: %w", err)
	}
	if tag.RowsAffected() == 0 {
		w.res.Skipped = true
		switch {
		case w.unsure != nil: // our own commit went through after all
			w.rejected, w.fresh = w.unsure, true
		case s.cfg.Rejects.Stores():
			w.rejected, err = readRejected(ctx, tx, w.pipeline, w.output, w.batchTime, w.partition)
		}
		return err
	}
	n := w.rows.Len()
	if w.isolate == nil {
		err = s.writeRows(ctx, tx, w.rows)
	} else {
		err = sqlsink.Isolate(n, w.isolate, Classify, func(lo, hi int) error {
			sp, err := tx.Begin(ctx) // a savepoint
			if err != nil {
				return err
			}
			if err := s.writeRows(ctx, sp, sqlsink.Sub(w.rows, lo, hi)); err != nil {
				if rerr := sp.Rollback(ctx); rerr != nil {
					return fmt.Errorf("rolling back to a savepoint after %v: %w", err, rerr)
				}
				return err
			}
			return sp.Commit(ctx)
		}, w.reject)
		if err == nil && s.cfg.Rejects.Stores() && len(w.rejected) > 0 {
			err = storeRejected(ctx, tx, w.pipeline, w.output, w.batchTime, w.partition, w.rejected)
		}
	}
	if err != nil {
		return err
	}
	if w.prune {
		if _, err := tx.Exec(ctx, sqlsink.ProgressPrune, w.pipeline, w.output, w.partition, w.batchTime); err != nil {
			return fmt.Errorf("progress table: %w", err)
		}
		if s.cfg.Rejects.Stores() {
			if _, err := tx.Exec(ctx, sqlsink.RejectedPrune, w.pipeline, w.output, w.partition, w.batchTime); err != nil {
				return fmt.Errorf("rejected rows table: %w", err)
			}
		}
	}
	if err := tx.Commit(ctx); err != nil {
		if w.rejected != nil {
			w.unsure = w.rejected
		}
		return err
	}
	w.res.Rows = n - len(w.rejected)
	w.res.Rejected = len(w.rejected)
	w.fresh = true
	return nil
}

// reject takes row i, which the database rejected with err: under the fail policy it
// ends the write.
func (w *write) reject(i int, err error) error {
	w.rejected, err = w.s.cfg.Rejects.Reject(w.rejected, i, w.rows.Append(nil, i), err)
	return err
}

// storeRejected writes a partition's rejected rows into the rejected-rows table, in
// one round trip.
func storeRejected(ctx context.Context, tx pgx.Tx, pipeline, output string, batchTime int64, partition int, rej []sqlsink.Rejected) error {
	b := &pgx.Batch{}
	for _, r := range rej {
		b.Queue(sqlsink.RejectedInsert, pipeline, output, batchTime, partition, r.Row, r.Err, r.Record)
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("rejected rows table: %w", err)
	}
	return nil
}

// readRejected reads back the rejected rows a partition committed.
func readRejected(ctx context.Context, tx pgx.Tx, pipeline, output string, batchTime int64, partition int) ([]sqlsink.Rejected, error) {
	rows, err := tx.Query(ctx, sqlsink.RejectedSelect, pipeline, output, batchTime, partition)
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
			c, err := s.conn.Pool()
			if err == nil {
				_, err = c.Exec(ctx, q, args...)
			}
			return err
		})
	return nil
}

// writeRows sends rows with COPY or as a pipelined batch (Config.Mode).
func (s *Sink) writeRows(ctx context.Context, tx pgx.Tx, rows sqlsink.Rows) error {
	if s.useCopy(rows.Len()) {
		return s.copyRows(ctx, tx, rows)
	}
	return s.pipelineRows(ctx, tx, rows)
}

func (s *Sink) useCopy(n int) bool {
	switch s.cfg.Mode {
	case Copy:
		return true
	case Pipeline:
		return false
	}
	return s.copyTo != nil && n >= CopyThreshold
}

// pipelineRows queues the statement once per row and sends them all in one round trip;
// pgx prepares the statement once per connection and binds every row to it.
func (s *Sink) pipelineRows(ctx context.Context, tx pgx.Tx, rows sqlsink.Rows) error {
	b := &pgx.Batch{QueuedQueries: make([]*pgx.QueuedQuery, 0, rows.Len())}
	for i := range rows.Len() {
		// Each row needs its own slice: the batch keeps the arguments until it is sent.
		args := rows.Append(make([]any, 0, s.params), i)
		if len(args) != s.params {
			return sqlsink.CheckArity(s.cfg.SQL, s.params, len(args))
		}
		b.Queue(s.cfg.SQL, args...)
	}
	return tx.SendBatch(ctx, b).Close()
}

// copyRows streams the rows with COPY into the statement's table and columns.
func (s *Sink) copyRows(ctx context.Context, tx pgx.Tx, rows sqlsink.Rows) error {
	src := &copySource{rows: rows, params: s.params, sql: s.cfg.SQL, i: -1}
	_, err := tx.CopyFrom(ctx, s.copyTo.table, s.copyTo.columns, src)
	return err
}

// copySource feeds COPY from Rows, reusing one argument buffer: COPY encodes a row
// before asking for the next.
type copySource struct {
	rows   sqlsink.Rows
	params int
	sql    string
	i      int
	buf    []any
	err    error
}

func (c *copySource) Next() bool {
	c.i++
	if c.i >= c.rows.Len() {
		return false
	}
	c.buf = c.rows.Append(c.buf[:0], c.i)
	if len(c.buf) != c.params {
		c.err = sqlsink.CheckArity(c.sql, c.params, len(c.buf))
		return false
	}
	return true
}

func (c *copySource) Values() ([]any, error) { return c.buf, nil }
func (c *copySource) Err() error             { return c.err }

// ensureProgressTable creates the progress table once per sink.
func (s *Sink) ensureProgressTable(ctx context.Context) error {
	s.ddlMu.Lock()
	defer s.ddlMu.Unlock()
	if s.ddlDone {
		return nil
	}
	pool, err := s.conn.Pool()
	if err != nil {
		return err
	}
	_, err = s.cfg.Retry.Do(ctx, Transient, func() error {
		_, err := pool.Exec(ctx, sqlsink.ProgressDDL)
		if err == nil && s.cfg.Rejects.Stores() {
			_, err = pool.Exec(ctx, sqlsink.RejectedDDL)
		}
		var pgErr interface{ SQLState() string }
		// Two processes creating the table at once race on the catalog; the loser sees
		// a unique violation on pg_type, and the table exists.
		if errors.As(err, &pgErr) && pgErr.SQLState() == "23505" {
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres sink: creating %s: %w", sqlsink.ProgressTable, err)
	}
	s.ddlDone = true
	return nil
}

// duePrune reports whether this partition's write should prune old progress rows.
func (s *Sink) duePrune(partition int) bool {
	s.pruneMu.Lock()
	defer s.pruneMu.Unlock()
	s.commits[partition]++
	return s.commits[partition] >= sqlsink.PruneEvery
}

func (s *Sink) prunedAt(partition int) {
	s.pruneMu.Lock()
	s.commits[partition] = 0
	s.pruneMu.Unlock()
}

// copyTarget is the table and columns of a plain INSERT.
type copyTarget struct {
	table   pgx.Identifier
	columns []string
}

var (
	plainInsert = regexp.MustCompile(`(?is)^\s*insert\s+into\s+([a-z_][a-z0-9_$]*(?:\.[a-z_][a-z0-9_$]*)?)\s*\(([^()]*)\)\s*values\s*\(([^()]*)\)\s*;?\s*$`)
	plainColumn = regexp.MustCompile(`(?i)^[a-z_][a-z0-9_$]*$`)
)

// parseCopyTarget returns the target of sql when it is
// "insert into t(c1, ..., cn) values ($1, ..., $n)" with unquoted names and nothing
// else (no ON CONFLICT, RETURNING or expressions), which COPY can run; else nil.
func parseCopyTarget(sql string) *copyTarget {
	m := plainInsert.FindStringSubmatch(sql)
	if m == nil {
		return nil
	}
	cols := strings.Split(m[2], ",")
	vals := strings.Split(m[3], ",")
	if len(cols) != len(vals) {
		return nil
	}
	t := &copyTarget{table: pgx.Identifier(strings.Split(strings.ToLower(m[1]), "."))}
	for i := range cols {
		c := strings.TrimSpace(cols[i])
		if !plainColumn.MatchString(c) || strings.TrimSpace(vals[i]) != "$"+strconv.Itoa(i+1) {
			return nil
		}
		t.columns = append(t.columns, strings.ToLower(c))
	}
	return t
}
