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
package sqlsink
