// Package postgres is the PostgreSQL connector of streamc pipelines, on pgx and its
// pool (github.com/jackc/pgx/v5/pgxpool): the postgres(url, sql, ...) sink of writeTo,
// the postgres(url, ...) connection of lookup and tableQuery, and their pooling.
//
// Connections follow the Spark Streaming guide's advice for foreachRDD: a static,
// lazily initialized pool per process (Conn), connections opened on demand up to
// MaxConns, reused across batches and closed after IdleTimeout idle. A Sink writes each
// partition of each batch in one transaction on one pooled connection, pipelining the
// rows through the prepared statement or streaming them with COPY (Mode), and is
// exactly-once per (batch time, partition) through the progress table of
// runtime/connector/sqlsink, whose markers are pruned behind the oldest kept checkpoint
// (PruneMarkers). Errors are sorted by SQLSTATE (Classify): transient ones are retried,
// rows rejected by a data exception or a constraint go to the sink's onBadRecord policy
// while the partition's good rows commit, and statement errors fail at once. A Lookup queries the distinct keys of a partition's batch
// in one round trip ("where id = any($1)") with a per-batch cache; QueryTable keeps a
// query's rows in memory, refreshed on a period.
//
// The package is separate from the runtime core so that only pipelines using
// PostgreSQL link pgx.
package postgres
