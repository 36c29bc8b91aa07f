// Package kafka is the Kafka connector of streamc pipelines, on franz-go
// (github.com/twmb/franz-go): the kafka(brokers, topic, group, ...) source and the
// kafkaTopic(brokers, topic, transactional) sink.
//
// The Source is Spark's direct stream: the pipeline tracks offsets itself, per topic
// partition; each batch reads from where the last one ended to the latest stable offset,
// bounded by maxRatePerPartition × interval; the ranges go into the checkpoint
// (Positions/Restore) so a replayed batch reads the same records; offsets are committed
// to the consumer group only after the batch's outputs are (CommitBatch). Group
// membership assigns topic partitions to the running copies of a pipeline.
//
// The Sink is an idempotent producer, or, with Transactional, one transaction per batch.
// A transactional Sink built on a Source that has a TransactionalID commits the batch's
// records and the source's offsets in the same transaction (consume–transform–produce),
// so a Kafka → Kafka pipeline is exactly-once; a transaction aborted by a rebalance
// rewinds the source and is reported as ErrAborted, a retry rather than a failure.
//
// With RangeLog set (generated code puts it in the checkpoint's WAL directory), the
// Source appends every batch's ranges to a synced log before reading them, so a batch
// that ran after the last checkpoint reads the same records when it is replayed after a
// crash, even when its outputs had committed. ProcessID gives the stable per-copy ID of
// static group membership (a restarted process takes its partitions back at once) and
// of transactions. Write is a kafkaTopic output as generated code runs it.
//
// The engine drives them once per batch, in this order:
//
//	recs, err := src.Batch(t, parts)     // read
//	... per partition: sink.WriteBatch(ctx, t, p, msgs)
//	err = sink.Commit(ctx, t)             // transactional sink: records + offsets
//	err = src.CommitBatch(ctx, t)         // other sinks: after their outputs commit
package kafka
