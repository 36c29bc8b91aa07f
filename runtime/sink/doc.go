// Package sink is the contract of custom outputs: a Go type that a pipeline writes to
// with writeTo, like the built-in sinks, and the machinery the runtime runs it with. It
// is the Spark Streaming guide's foreachRDD design pattern — foreachPartition, a
// connection from a static, lazily created pool, reused across batches, never one per
// record — with the pool written once, here, instead of by every user.
//
// # Writing a sink
//
// A sink is two small types: a Sink[T] that opens connections, and the Conn[T] it opens,
// which writes one partition of one batch at a time and closes:
//
//	type Hooks struct{ URL string }
//
//	func (h Hooks) Open(ctx context.Context) (sink.Conn[Click], error) {
//		return &hookConn{url: h.URL, client: &http.Client{Timeout: 10 * time.Second}}, nil
//	}
//
//	func (c *hookConn) Write(ctx context.Context, b sink.Batch[Click]) error {
//		req := ... // the partition's elements, b.Elems, as one request
//		req.Header.Set("Idempotency-Key", b.Key())
//		...
//		if resp.StatusCode/100 == 4 {
//			return sink.Permanent(fmt.Errorf("webhook refused the batch: %s", resp.Status))
//		}
//	}
//
//	func (c *hookConn) Close() error { c.client.CloseIdleConnections(); return nil }
//
// example_test.go has the whole program. Func turns a plain function into a Sink when
// there is no connection to keep; ForeachBatch runs a per-batch callback (Spark's
// foreachBatch).
//
// Everything else is the runtime's. For each writeTo output it keeps one Pool per
// process. Connections are opened lazily, when a partition is to be written and no idle
// one is left; reused across partitions and batches; at most Options.MaxConns open at
// once (a write that finds them all busy waits); closed after Options.IdleTimeout unused,
// after any error from Write, and when the run ends. The partitions of a batch are
// written in parallel, on up to MaxConns connections. A failed write is retried on
// another connection with exponential backoff (Options.Attempts, Backoff, MaxBackoff),
// unless its error is marked Permanent; when the retries are used up, the engine's
// output retries (--output-attempts) write the failed partitions again; then the batch
// fails and the run exits with the error at the writeTo's position in the .stream file.
//
// # Guarantees
//
// A custom sink is at least once: every element is written, and an element may be
// written more than once — when an attempt fails after the system has applied part of
// it, and when a batch is re-run after a crash (batches whose outputs had started are
// re-run from the batch log, with the same elements in the same partitions).
//
// It is exactly once when the sink makes its writes idempotent per Batch.Key, the
// (pipeline, output, batch time, partition) key under which the built-in SQL sinks
// commit a progress marker in the same transaction as the rows: record the key
// atomically with the write (a marker row in the same database transaction, a Redis
// MULTI/EXEC holding a SET NX of the key, an Idempotency-Key header the server
// deduplicates on, a document id derived from the key and the element's index) and skip
// a key already recorded. A sink that records markers may implement Pruner: the runtime
// then tells it which markers no re-run can need (those behind the oldest kept
// checkpoint). Exactly once also needs replayable sources (see docs/reliability.md);
// docs/go-sinks.md says it in full.
//
// # For generated code
//
// Pipeline.New creates the pool with NewPool (which registers its Close with the
// context), and Job.RunBatch writes each batch with Output:
//
//	j.out0 = sink.NewPool[Click](ctx, "writeTo(hooks)", userpkg.Hooks{URL: ...}, sink.Options{MaxConns: 4})
//	...
//	if err := sink.Output(b, opWriteTo_9_8, j.out0, j.keep0); err != nil {
//		return err
//	}
//
// and a foreachBatch callback with ForeachBatch(b, op, userpkg.F, parts). Pool.Stats gives
// each pool's figures (connections opened and closed, rows written, retries, waits).
//
// The package imports the standard library and the runtime core only.
package sink
