// Package source holds the input sources that generated pipeline programs read from:
// queue, stdin (and any io.Reader), socket, files and rate, with Spark Streaming's
// semantics.
//
// # The model
//
// The engine cuts time into batches. A batch with batch time t (epoch milliseconds)
// covers the interval (t - interval, t]. Once per batch the engine calls
//
//	parts, err := src.Batch(t, n)
//
// and gets the records that belong to that batch, split into n partitions. Partitions are
// contiguous chunks of the batch's records in arrival order (see Split), so the split is
// deterministic and partition i's records all come before partition i+1's.
//
// Every source implements Source[T]: Name for logs and errors, Start and Stop around the
// run, Exhausted, and Batch. Sources come in two kinds:
//
//   - Receivers (Lines, Stdin, Socket) run a goroutine that reads records as they arrive
//     and buffers them, up to a byte budget (BufferBytes): a full buffer blocks the
//     reading goroutine, so a TCP sender feels the backpressure and memory stays bounded.
//     Each Batch call takes what arrived since the previous call, at most the rate times
//     the interval. A receiver can be slowed to a maximum rate with a token bucket
//     (Limiter), which blocks the reading goroutine too.
//   - Pulled sources (Queue, Files, Rate) compute each batch's records from the batch
//     time, with no goroutine. They are the engine's BatchPlanners: PlanBatch fixes a
//     batch's input before it runs (the files and their sizes, the queue's batch, the
//     numbers), the engine logs it, and after a crash ReplanBatch gives a re-run batch
//     exactly that input back.
//
// # Live and replay
//
// A live run waits for the wall clock between batches; a replay run processes recorded
// input as fast as possible and must give the same output every time. Sources that read
// recorded input therefore have a replay mode in which a batch's content does not depend
// on timing:
//
//   - Queue is always deterministic: one literal batch per Batch call.
//   - Lines in replay mode reads its reader to the end. With MaxPerBatch = 0 the first
//     batch holds every line and later batches are empty; with MaxPerBatch = k each batch
//     holds the next k lines (Batch waits until k lines or EOF are there). Exhausted
//     reports true after EOF once every line has been delivered.
//   - Files in replay mode delivers one existing file per batch in lexical path order
//     (modification times are meaningless after a git checkout), and is Exhausted after
//     the last.
//   - Rate emits floor(perSecond × elapsed) numbers computed from batch times, which is the
//     same live and replayed; with a Limit it is Exhausted once the limit is reached.
//
// The engine stops a replay run when every source is Exhausted. Live receivers never are,
// except a Lines receiver after its reader's EOF: it then stops contributing while the
// pipeline goes on (a pipeline reading stdin keeps its windows and sockets running).
//
// # Memory
//
// Files reads a file once, in pieces of about 1 MiB, and hands out its lines as
// substrings of those pieces: no allocation per line. A line, or a word cut from it,
// therefore keeps its piece in memory for as long as it is reachable. Operators that keep
// strings from batch to batch (state stores, window partials) copy string keys when they
// first insert them (rt.KeyCopies), and reused per-batch buffers are cleared
// (rt.Reuse), so that an old piece is not kept alive by one stale string.
//
// # Checkpoints
//
// Every source implements the engine's Positioned interface (SavePosition and
// RestorePosition over runtime/checkpoint's Writer and Reader), restored before Start:
//
//   - Queue saves how many batches it delivered; Rate its counter and time base, so a
//     restored rate emits exactly the original numbers for each batch time.
//   - Files saves the lower bound of modification times and the files it remembers with
//     their modification times, so the batches after the checkpoint select the same
//     files again and files that arrived while the program was down are read.
//   - Lines (stdin) and Socket save their write-ahead-log position when the option WALDir
//     is set (see package wal): lines count as received only once synced to the log,
//     each batch's share of the log is recorded before the batch gets it, and after a
//     restart the batches after the checkpoint get their original lines back. Without a
//     WAL a receiver has no replayable position, as Spark's receivers without one.
//     CheckpointDone truncates the log once the oldest kept checkpoint covers it.
//
// The older Queue.Position/Restore, Rate.Position/Restore and Files.Consumed/Restore
// remain for callers that keep positions themselves.
//
// # Recordings
//
// Files, Socket and Lines have a tap (SetTap, runtime/recording): with --record each
// Batch writes the lines it delivers into a recording, and with --recording Batch
// delivers the recorded lines of its batch time instead of reading (the engine then
// never starts the source). Queue and Rate compute the same batches again on the same
// batch times and are not tapped.
//
// The package depends on the standard library and runtime/checkpoint, runtime/wal and
// runtime/recording only; it does not import the engine, whose interfaces its types
// satisfy structurally.
package source
