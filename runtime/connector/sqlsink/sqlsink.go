package sqlsink

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"time"
)

// Rows is one partition's elements as a SQL sink sees them: Len rows, each of which
// appends its statement arguments (the element's tuple elements or record fields, in
// order) to a buffer. Generated code wraps its typed partition slice with Slice, so no
// [][]any is built and the sink decides how long each argument slice lives.
type Rows interface {
	Len() int
	// Append appends the arguments of row i to dst and returns the extended slice.
	Append(dst []any, i int) []any
}

// sliceRows adapts a typed slice and a field appender to Rows.
type sliceRows[T any] struct {
	rows   []T
	fields func(dst []any, v T) []any
}

func (s sliceRows[T]) Len() int                      { return len(s.rows) }
func (s sliceRows[T]) Append(dst []any, i int) []any { return s.fields(dst, s.rows[i]) }

// Slice returns the Rows of a typed partition: fields appends one element's arguments,
// for instance func(dst []any, v T) []any { return append(dst, v.F0, v.F1) }.
func Slice[T any](rows []T, fields func(dst []any, v T) []any) Rows {
	return sliceRows[T]{rows: rows, fields: fields}
}

// Args returns Rows over rows that are already argument lists, for tests and tools.
func Args(rows [][]any) Rows {
	return Slice(rows, func(dst []any, v []any) []any { return append(dst, v...) })
}

// Sub returns rows [lo, hi) of rows.
func Sub(rows Rows, lo, hi int) Rows { return subRows{rows, lo, hi} }

type subRows struct {
	rows   Rows
	lo, hi int
}

func (s subRows) Len() int                      { return s.hi - s.lo }
func (s subRows) Append(dst []any, i int) []any { return s.rows.Append(dst, s.lo+i) }

// Result says what one WriteBatch call did.
type Result struct {
	Rows     int  // rows written (0 when skipped)
	Rejected int  // rows the database rejected, routed by the sink's Rejects
	Skipped  bool // the (batch time, partition) had been committed before: nothing was written
	Attempts int  // transactions tried, 1 when the first one succeeded
}

// Retry is the policy for transient errors (lost connections, serialization failures,
// deadlocks, a busy database): up to Attempts tries in all, waiting Initial before the
// second and doubling up to Max. The zero value means 5 attempts from 100ms to 5s.
type Retry struct {
	Attempts int
	Initial  time.Duration
	Max      time.Duration
}

func (r Retry) withDefaults() Retry {
	if r.Attempts <= 0 {
		r.Attempts = 5
	}
	if r.Initial <= 0 {
		r.Initial = 100 * time.Millisecond
	}
	if r.Max <= 0 {
		r.Max = 5 * time.Second
	}
	return r
}

// Do runs f until it succeeds, fails with an error transient does not accept, the
// attempts are used up, or ctx ends. It returns the number of attempts made and f's last
// error, annotated with the attempt count when more than one was made.
func (r Retry) Do(ctx context.Context, transient func(error) bool, f func() error) (int, error) {
	r = r.withDefaults()
	wait := r.Initial
	for attempt := 1; ; attempt++ {
		err := f()
		if err == nil {
			return attempt, nil
		}
		if ctx.Err() != nil || !transient(err) || attempt >= r.Attempts {
			if attempt > 1 {
				err = fmt.Errorf("after %d attempts: %w", attempt, err)
			}
			return attempt, err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return attempt, errors.Join(err, ctx.Err())
		case <-t.C:
		}
		wait = min(2*wait, r.Max)
	}
}

// ProgressTable is the name of the table that records committed (batch time, partition)
// pairs. Its columns are the same in every database:
//
//	pipeline text, output text, batch_time bigint, part integer,
//	primary key (pipeline, output, batch_time, part)
const ProgressTable = "streamc_progress"

// ProgressDDL creates the progress table when it is missing; it runs once per sink.
const ProgressDDL = `create table if not exists streamc_progress (
	pipeline   text    not null,
	output     text    not null,
	batch_time bigint  not null,
	part       integer not null,
	primary key (pipeline, output, batch_time, part)
)`

// ProgressInsert claims a (batch time, partition) inside the writing transaction; zero
// rows affected means it had been committed before. The parameters are pipeline, output,
// batch time and partition, written $1..$4 (PostgreSQL and SQLite both accept them).
const ProgressInsert = `insert into streamc_progress (pipeline, output, batch_time, part)
values ($1, $2, $3, $4) on conflict do nothing`

// ProgressPruneThrough deletes an output's progress rows up to and including a batch
// time, the oldest kept checkpoint's: a recovery re-runs only the batches after it, so
// their markers must stay and older ones are never read again. Sinks run it after each
// checkpoint (Context.OnCheckpoint), outside the writing transactions.
const ProgressPruneThrough = `delete from streamc_progress
where pipeline = $1 and output = $2 and batch_time <= $3`

// ProgressPrune deletes one partition's progress rows older than a batch time: the rule
// of a run without a checkpoint directory, which never re-runs a batch of an earlier
// run (a restart starts afresh), so only the current batch's marker can be needed again
// (by the engine's output retries). Sinks run it every PruneEvery writes of a
// partition, in the writing transaction.
const ProgressPrune = `delete from streamc_progress
where pipeline = $1 and output = $2 and part = $3 and batch_time < $4`

// PruneEvery is how many committed batches of a partition pass between two prunes
// without a checkpoint directory.
const PruneEvery = 64

// RejectedTable keeps the rows a sink rejected under deadLetter, committed with their
// partition's progress marker, so that a re-run partition that finds its marker hands
// the same dead letters over again (see Rejects). It is pruned with the markers.
const RejectedTable = "streamc_rejected"

// RejectedDDL creates the rejected-rows table when it is missing.
const RejectedDDL = `create table if not exists streamc_rejected (
	pipeline   text    not null,
	output     text    not null,
	batch_time bigint  not null,
	part       integer not null,
	seq        integer not null,
	error      text    not null,
	record     text    not null,
	primary key (pipeline, output, batch_time, part, seq)
)`

// RejectedInsert stores one rejected row: pipeline, output, batch time, partition, the
// row's index, the error and the rendered row.
const RejectedInsert = `insert into streamc_rejected (pipeline, output, batch_time, part, seq, error, record)
values ($1, $2, $3, $4, $5, $6, $7)`

// RejectedSelect reads a partition's rejected rows back, in order.
const RejectedSelect = `select seq, error, record from streamc_rejected
where pipeline = $1 and output = $2 and batch_time = $3 and part = $4 order by seq`

// RejectedPruneThrough and RejectedPrune prune the rejected rows as
// ProgressPruneThrough and ProgressPrune prune the markers.
const (
	RejectedPruneThrough = `delete from streamc_rejected
where pipeline = $1 and output = $2 and batch_time <= $3`
	RejectedPrune = `delete from streamc_rejected
where pipeline = $1 and output = $2 and part = $3 and batch_time < $4`
)

// DefaultOutput names a sink's progress rows when the configuration gives no output
// name: a hash of its SQL, so that two sinks of one pipeline writing different
// statements to the same database keep apart.
func DefaultOutput(sql string) string {
	h := fnv.New64a()
	h.Write([]byte(sql))
	return "sql-" + strconv.FormatUint(h.Sum64(), 36)
}

// Params returns the number of parameters sql takes: the highest $N or ?N, or the count
// of bare ? placeholders. It skips string literals, quoted identifiers, dollar-quoted
// strings and comments, so "where note = '$1'" has none.
func Params(sql string) int {
	highest, bare := 0, 0
	for i := 0; i < len(sql); i++ {
		c := sql[i]
		switch {
		case c == '\'' || c == '"' || c == '`':
			j := i + 1
			for j < len(sql) && sql[j] != c {
				j++
			}
			i = j
		case c == '-' && i+1 < len(sql) && sql[i+1] == '-':
			for i < len(sql) && sql[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(sql) && sql[i+1] == '*':
			end := indexFrom(sql, "*/", i+2)
			if end < 0 {
				return max(highest, bare)
			}
			i = end + 1
		case c == '$' || c == '?':
			j := i + 1
			for j < len(sql) && sql[j] >= '0' && sql[j] <= '9' {
				j++
			}
			if j > i+1 {
				n, _ := strconv.Atoi(sql[i+1 : j])
				highest = max(highest, n)
				i = j - 1
				continue
			}
			if c == '?' {
				bare++
				continue
			}
			// A dollar-quoted string: $tag$ ... $tag$ (PostgreSQL).
			k := j
			for k < len(sql) && (isIdent(sql[k])) {
				k++
			}
			if k < len(sql) && sql[k] == '$' {
				tag := sql[i : k+1]
				end := indexFrom(sql, tag, k+1)
				if end < 0 {
					return max(highest, bare)
				}
				i = end + len(tag) - 1
			}
		}
	}
	return max(highest, bare)
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func indexFrom(s, sub string, from int) int {
	for i := from; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

// CheckArity reports a loud error when a row's argument count does not match the
// statement's parameters; generated code is checked at compile time, so this catches
// hand-written callers.
func CheckArity(sql string, params, args int) error {
	if params != args {
		return fmt.Errorf("statement takes %d parameters but a row has %d values: %s", params, args, sql)
	}
	return nil
}
