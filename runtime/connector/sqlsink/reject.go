package sqlsink

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"streamc.dev/streamc/runtime/codec"
)

// ErrorClass says how a SQL sink treats a failed statement. Each driver classifies its
// errors (postgres.Classify, sqlite.Classify).
type ErrorClass int

const (
	// Other errors are returned as they are; the engine's output retries run the
	// partition again.
	Other ErrorClass = iota
	// Transient errors (a lost connection, a serialization failure, a deadlock, too
	// many connections, a busy database) are retried with backoff inside the sink.
	Transient
	// Record errors reject one row for good (a data exception, a constraint): retrying
	// cannot help, so the row goes to the sink's policy (Rejects) and the partition's
	// other rows are written.
	Record
	// Statement errors would fail every row (no such table or column, a syntax error, no
	// permission): the write fails at once, without retries.
	Statement
)

// Rejected is one row a sink rejected: its index in the partition, its arguments as
// RenderRow shows them, and the database's error.
type Rejected struct {
	Row    int
	Record string
	Err    string
}

// RejectedError is the error of a rejected row under the fail policy. Generated code
// wraps it with the writeTo's .stream position.
type RejectedError struct {
	Row    int    // the row's index in its partition
	Record string // RenderRow of its arguments
	Err    error
}

func (e *RejectedError) Error() string {
	return "row " + strconv.Itoa(e.Row) + " rejected by the database: " + e.Err.Error() +
		"; row " + cut(e.Record, codec.MaxRecordInError) +
		" (set onBadRecord = skip or deadLetter(\"path\") on the sink to go on past rejected rows)"
}

func (e *RejectedError) Unwrap() error { return e.Err }

// Permanent reports that retrying cannot help.
func (e *RejectedError) Permanent() bool { return true }

// StatementError is the error of a statement the database refuses for every row.
type StatementError struct {
	SQL string
	Err error
}

func (e *StatementError) Error() string {
	return "the statement cannot run (not retried): " + e.Err.Error() + ": " + e.SQL
}

func (e *StatementError) Unwrap() error { return e.Err }

// Permanent reports that retrying cannot help.
func (e *StatementError) Permanent() bool { return true }

// RenderRow renders a row's statement arguments for messages and dead letters, as a
// tuple of Go literals: strings are quoted with their invalid bytes and NULs escaped
// (those are often why the row was rejected), nil is null.
func RenderRow(args []any) string {
	b := []byte{'('}
	for i, a := range args {
		if i > 0 {
			b = append(b, ", "...)
		}
		switch v := a.(type) {
		case nil:
			b = append(b, "null"...)
		case string:
			b = strconv.AppendQuote(b, v)
		case []byte:
			b = strconv.AppendQuote(b, string(v))
		case time.Time:
			b = v.UTC().AppendFormat(b, time.RFC3339Nano)
		default:
			b = fmt.Append(b, v)
		}
	}
	return string(append(b, ')'))
}

// cut shortens a rendered row to about n bytes for a message, on a character boundary,
// noting the full length. (RenderRow's output is quoted already.)
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "… (" + strconv.Itoa(len(s)) + " bytes)"
}

// ErrorText is an error's message made storable in any database text column: valid
// UTF-8 without NULs.
func ErrorText(err error) string {
	return strings.ReplaceAll(strings.ToValidUTF8(err.Error(), "\uFFFD"), "\x00", `\x00`)
}

// Isolate finds the rows of a partition that the database rejects. write(lo, hi)
// writes rows [lo, hi) so that a failure leaves none of them written (inside a
// savepoint); first is the error of writing all n rows at once. On a Record error a
// range is split in two and each half written again, down to single rows, which are
// handed to reject; any other error ends the search and is returned. One bad row in n
// costs about 2·log2(n) writes; every good row is written, in order.
func Isolate(n int, first error, classify func(error) ErrorClass, write func(lo, hi int) error, reject func(i int, err error) error) error {
	var try func(lo, hi int, err error) error
	try = func(lo, hi int, err error) error {
		if err == nil {
			err = write(lo, hi)
		}
		if err == nil || classify(err) != Record {
			return err
		}
		if hi-lo == 1 {
			return reject(lo, err)
		}
		mid := lo + (hi-lo)/2
		if err := try(lo, mid, nil); err != nil {
			return err
		}
		return try(mid, hi, nil)
	}
	return try(0, n, first)
}

// Rejects is a sink's policy for the rows the database rejects permanently: the
// onBadRecord argument of a postgres or sqlite sink, skip or deadLetter(path) (a nil
// *Rejects is fail). It applies the policy through a codec.BadRecords, the decoders'
// handler, so rejected rows are counted with bad records and dead letters have the same
// form.
//
// Routing happens once per (batch time, partition): a sink hands a partition's rejected
// rows over only after the transaction that wrote its good rows and its progress marker
// committed. Under deadLetter the rows are also stored in that transaction
// (RejectedTable), and a re-run partition that finds its marker hands over the stored
// rows instead of writing anything; Flush then writes a batch's dead letters in one
// append, which codec.BadRecords makes exactly-once per batch across restarts. So a
// crash between the commit and the dead-letter file neither loses nor repeats a line.
type Rejects struct {
	bad         *codec.BadRecords
	source, pos string
	log         *slog.Logger

	mu      sync.Mutex
	pending map[int64]map[int][]Rejected // dead letters by batch time and partition, until Flush
}

// NewRejects returns the policy applied by bad (Skip or DeadLetter) for the sink named
// source (the output's name) written at pos (its .stream position); log may be nil.
func NewRejects(bad *codec.BadRecords, source, pos string, log *slog.Logger) *Rejects {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Rejects{bad: bad, source: source, pos: pos, log: log, pending: map[int64]map[int][]Rejected{}}
}

// Fails reports whether rejected rows fail the write (the fail policy).
func (r *Rejects) Fails() bool { return r == nil || r.bad.Policy().Kind == codec.Fail }

// Stores reports whether rejected rows are stored with the marker (deadLetter), so that
// a re-run partition can hand them over again.
func (r *Rejects) Stores() bool { return r != nil && r.bad.Policy().Kind == codec.DeadLetter }

// Reject takes row i of a partition, whose statement arguments args the database
// rejected with err (a Record error): under the fail policy it returns the
// *RejectedError that ends the write, else it appends the row to rejected.
func (r *Rejects) Reject(rejected []Rejected, i int, args []any, err error) ([]Rejected, error) {
	rec := RenderRow(args)
	if r.Fails() {
		return rejected, &RejectedError{Row: i, Record: rec, Err: err}
	}
	return append(rejected, Rejected{Row: i, Record: rec, Err: ErrorText(err)}), nil
}

// Routed takes the rejected rows of a committed partition. fresh says this write
// committed them (else they were read back for a re-run partition): only fresh rows
// are counted and logged, so a restart does not count them twice.
func (r *Rejects) Routed(batchTime int64, partition int, rows []Rejected, fresh bool) {
	if len(rows) == 0 {
		return
	}
	if fresh {
		r.log.Warn("rows rejected by the database", "policy", r.bad.Policy().String(), "batch_time", batchTime,
			"partition", partition, "rows", len(rows), "first_row", cut(rows[0].Record, codec.MaxRecordInError), "err", rows[0].Err)
	}
	if r.bad.Policy().Kind != codec.DeadLetter {
		if fresh {
			for _, x := range rows {
				r.bad.Handle(r.source, r.pos, batchTime, x.Record, textError(x.Err))
			}
		}
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	byPart := r.pending[batchTime]
	if byPart == nil {
		byPart = map[int][]Rejected{}
		r.pending[batchTime] = byPart
	}
	// Set, not appended: the engine's output retries may hand a partition over twice.
	byPart[partition] = rows
}

// Flush writes the dead letters of batch batchTime, partitions in order, in one append;
// generated code calls it after the batch's writeTo.
func (r *Rejects) Flush(batchTime int64) error {
	r.mu.Lock()
	byPart := r.pending[batchTime]
	delete(r.pending, batchTime)
	r.mu.Unlock()
	parts := make([]int, 0, len(byPart))
	for p := range byPart {
		parts = append(parts, p)
	}
	slices.Sort(parts)
	for _, p := range parts {
		for _, x := range byPart[p] {
			r.bad.Handle(r.source, r.pos, batchTime, x.Record, textError(x.Err))
		}
	}
	return r.bad.Flush(batchTime)
}

// TakeNew returns how many rows were rejected since its previous call, for the batch's
// bad-record count.
func (r *Rejects) TakeNew() int64 { return r.bad.TakeNew() }

// Close closes the dead-letter file.
func (r *Rejects) Close() error { return r.bad.Close() }

type textError string

func (e textError) Error() string { return string(e) }

// RowScanner is what ScanRejected reads: pgx.Rows and *sql.Rows both are one.
type RowScanner interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// ScanRejected reads the rows of a RejectedSelect query: the rejected rows a partition
// committed, which a re-run finds with its marker and routes if the first run could not.
// The caller closes rows.
func ScanRejected(rows RowScanner) ([]Rejected, error) {
	var out []Rejected
	for rows.Next() {
		var r Rejected
		if err := rows.Scan(&r.Row, &r.Err, &r.Record); err != nil {
			return nil, fmt.Errorf("rejected rows table: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("rejected rows table: %w", err)
	}
	return out, nil
}

// PruneTimeout bounds a prune of progress markers, which runs between batches.
const PruneTimeout = 30 * time.Second

// PruneThrough deletes an output's progress markers, and its stored rejected rows when
// rejects is set, up to and including oldestKept, through exec (a pool's or a database's
// Exec, which also reports a connection that cannot be had). A failure is logged, not returned: pruning only bounds the tables, and the next
// checkpoint prunes again.
func PruneThrough(log *slog.Logger, pipeline, output string, oldestKept int64, rejects bool,
	exec func(ctx context.Context, sql string, args ...any) error) {
	ctx, cancel := context.WithTimeout(context.Background(), PruneTimeout)
	defer cancel()
	err := exec(ctx, ProgressPruneThrough, pipeline, output, oldestKept)
	if err == nil && rejects {
		err = exec(ctx, RejectedPruneThrough, pipeline, output, oldestKept)
	}
	if err != nil {
		log.Warn("pruning progress markers failed; the next checkpoint tries again", "through", oldestKept, "err", err)
	}
}
