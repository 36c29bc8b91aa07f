// Package gosource is the contract of custom sources: a Go type that feeds a pipeline
// with the same guarantees as the built-in sources — after any crash and restart, every
// record reaches the state and the outputs exactly once (docs/reliability.md).
//
// The guarantee rests on one rule, the one files, queue and kafka sources follow: a
// batch's input is fixed and made durable before the batch writes anything, and can be
// read again. So a custom source is written against offsets (Source): Latest says where
// the next batch ends, Read returns the records between two offsets — the same records
// every time — and the optional Commit learns which records no batch will read again.
// The Adapter does the rest:
//
//   - before batch t runs, it asks Latest for the batch's end and writes (from, until) to
//     the batch log (the runtime's BatchPlanner), synced before any output;
//   - the batch reads Read(from, until), split into the pipeline's partitions
//     contiguously, in the source's order;
//   - each checkpoint saves the offset reached (Positioned); a restart resumes there, and
//     the batches after the checkpoint that had started are re-run with exactly their
//     logged offsets, whatever has arrived since — so outputs keyed by (batch time,
//     partition), such as the SQL sinks and runtime/sink's Batch.Key, find their own
//     records again;
//   - Commit is called with the offset of the oldest checkpoint kept (or, without a
//     checkpoint directory, with each batch's end once its outputs are done), so the
//     source may acknowledge or delete what is before it;
//   - the batch bound of maxRate and backpressure reaches the source as Latest's limit.
//
// A source that is pushed its records instead (webhooks, a subscription that does not
// redeliver) cannot read a batch again by itself. A Receiver hands its records over as
// lines, and NewReceiver runs it behind the same write-ahead log as the stdin and socket
// receivers (with LinesOptions.WALDir set from rt.Context.WALDir): lines count as
// received once synced to the log, and batches re-run after a crash get their original
// lines back; lines emitted but not yet synced when the process dies are lost, as with a
// socket. Without a checkpoint directory (no log) a Receiver is at most once.
//
// # For generated code
//
// Pipeline.New creates and registers the adapter; Job.RunBatch reads it like any source
// of runtime/source:
//
//	j.src0 = gosource.New[Event](ctx, "events", userpkg.NewFeed(...), gosource.Options{})
//	...
//	in, err := j.src0.Batch(b.Time.Millis(), n)
//	b.AddInput(rt.Len(in))
//
// and a Receiver like a socket source, registered by the generated code itself:
//
//	j.src1 = gosource.NewReceiver("hooks", userpkg.Hooks{...}, source.LinesOptions{
//		Replay: ctx.Replay, Interval: ctx.Settings.Batch, MaxRate: float64(ctx.Settings.MaxRate),
//		WALDir: ctx.WALDir("hooks"), Logger: ctx.Log})
//	ctx.RegisterSource("hooks", j.src1)
//
// example_test.go holds a complete in-memory source (MemLog), and gosource_test.go runs
// it, and a Receiver, through the engine, a crash and a restart.
package gosource
