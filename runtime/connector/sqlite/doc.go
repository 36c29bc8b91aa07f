// Package sqlite is the SQLite connector of streamc pipelines, on modernc.org/sqlite (pure
// Go, no cgo): the sqlite(path, sql) sink of writeTo, the sqlite(path) connection of
// lookup and tableQuery, and their pooling.
//
// A database file is opened lazily, once per process (Conn), through database/sql with
// WAL journaling, a busy timeout and IMMEDIATE transactions, so that the partitions of a
// batch can write concurrently: SQLite serialises the writers, and none fails with a
// lock upgrade deadlock. A Sink writes each partition of each batch in one transaction
// through a prepared statement and is exactly-once per (batch time, partition) through
// the progress table of runtime/connector/sqlsink, pruned behind the oldest kept
// checkpoint (PruneMarkers). Errors are sorted by result code (Classify): busy and locked
// are retried, a constraint or type mismatch rejects the row (onBadRecord), a missing
// table or a syntax error fails at once. Statements take ?1..?n, $1..$n or ?
// parameters. A Lookup sends a partition's distinct keys of a batch as one IN list; a
// QueryTable keeps a query's rows in memory, refreshed on a period.
package sqlite
