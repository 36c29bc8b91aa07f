// Package join holds the per-partition co-grouping behind Spark Streaming's join,
// leftOuterJoin, rightOuterJoin, fullOuterJoin and cogroup of two keyed streams. Both
// streams are hashed by key into the same number of partitions by their exchanges; each
// partition then collects its batch's records of both sides in a CoGroup and expands
// them per key, in a deterministic order (see CoGroup). Partitions are independent: the
// job allocates one CoGroup per partition in New and resets it every batch.
//
// Joins are batch-wise, as in Spark: a batch's records of one side meet only the same
// batch's records of the other (window both sides first to join over longer spans).
// Optional sides cross the API as a value and a boolean; generated code builds
// stdlib.Opt from them.
//
// Table is the reference data of joinTable and leftJoinTable: rows loaded in full,
// shared read-only by every partition (a broadcast join, no shuffle) and reloaded in
// the background on a period.
package join
