// Package sqlsink holds what the SQL sinks and lookups of runtime/connector/postgres and
// runtime/connector/sqlite share and that needs no database driver: the Rows abstraction
// through which generated code hands a partition's elements to a sink without building
// an intermediate [][]any, the exactly-once progress-table protocol, the retry policy
// with backoff, and a scanner for the parameters of a user's SQL statement.
//
// # Exactly-once writes
//
// A SQL sink writes one partition of one batch in one database transaction that also
// inserts the row (pipeline, output, batch_time, part) into the progress table
// streamc_progress. The progress row is inserted first, with ON CONFLICT DO NOTHING: when
// it already exists, that (batch time, partition) was committed before (the batch is
// being replayed after a restart) and the transaction is rolled back without writing
// anything. Because the rows and the progress row commit together, a crash or a
// cancelled context leaves either both or neither, and a transaction retried after an
// ambiguous commit failure finds its own progress row and skips. The output column tells
// several sinks of one pipeline writing to the same database apart.
//
// Markers are needed as long as a batch may be re-run. With a checkpoint directory that
// is every batch after the oldest kept checkpoint, so sinks prune an output's markers up
// to that checkpoint's batch time after each checkpoint (PruneMarkers, registered with
// Context.OnCheckpoint; ProgressPruneThrough), never in the write path. Without one a
// restart starts afresh, so only the current batch's marker can be read again (by the
// engine's output retries) and each partition prunes older ones every PruneEvery writes.
//
// # Rejected rows
//
// Drivers sort errors into an ErrorClass: Transient errors are retried (Retry),
// Statement errors fail at once (StatementError), Record errors reject one row for good.
// A partition with rejected rows is written again with the rows in halves under
// savepoints (Isolate; SQLite needs none, a failed statement undoes only itself), so the
// good rows still commit with the marker. The rejected rows go to the sink's Rejects —
// the onBadRecord policy, applied through runtime/codec's BadRecords — or, under fail,
// end the write with a RejectedError naming the row. They are routed once per (batch
// time, partition), after the commit; under deadLetter they are stored in the same
// transaction (RejectedTable) so that a re-run partition that finds its marker hands the
// same rows over again, and Rejects.Flush appends a batch's dead letters once per batch
// through the codec's exactly-once dead-letter file.
package sqlsink
