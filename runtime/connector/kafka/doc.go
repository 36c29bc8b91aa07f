// Package kafka is the Kafka connector of streamc pipelines, on franz-go
// (github.com/twmb/franz-go): the kafka(brokers, topic, group, ...) source and the
// kafkaTopic(brokers, topic, transactional) sink.
//
// The Source is Spark's direct stream: the pipeline tracks offsets itself, per topic
// partition; each batch reads from where the last one ended to the latest stable offset,
// bounded by maxRatePerPartition × interval. The Source is the engine's BatchPlanner:
// PlanBatch writes a batch's absolute ranges to the batch log before the batch runs, and
// a batch re-run after a crash reads exactly its logged ranges (ReplanBatch), with a
// client of its own, whatever has arrived since. The checkpoint holds each partition's
// next offset (Positions/Restore); a restored partition starts there and not at the
// group's committed offset, which may be ahead by batches the engine is about to re-run
// for state and the other outputs. Offsets are committed to the consumer group only
// after the batch's outputs are (CommitBatch), and never moved back. Group membership
// assigns topic partitions to the running copies of a pipeline.
//
// The Sink is an idempotent producer, or, with Transactional, one transaction per batch
// that also produces a progress marker (pipeline output → last committed batch time) to
// a compacted topic; a batch re-run after a restart whose marker committed is skipped,
// so a transactional Sink is exactly-once whatever the source (progress.go says why this
// design). A transactional Sink built on a Source that has a TransactionalID commits the
// source's offsets in the same transaction as well (consume–transform–produce); a
// transaction aborted by a rebalance rewinds the source and is reported as ErrAborted,
// a retry rather than a failure.
//
// ProcessID gives the stable per-copy ID of static group membership (a restarted process
// takes its partitions back at once) and of transactions. Write is a kafkaTopic output
// as generated code runs it.
//
// The engine drives them once per batch, in this order:
//
//	err := src.PlanBatch(t, w)        // or ReplanBatch(t, r) for a re-run
//	recs, err := src.Batch(t, parts)  // read
//	... per partition: sink.WriteBatch(ctx, t, p, msgs)
//	err = sink.Commit(ctx, t)         // transactional sink: records + marker (+ offsets)
//	err = src.CommitBatch(ctx, t)     // other sinks: after their outputs commit
package kafka
