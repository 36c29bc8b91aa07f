// Package runtime is the engine that every pipeline binary built by streamc links: the
// batch clock, the command line, parallel partitions, the hash exchange between stages,
// keyed state for combining, value rendering, the print and saveAsTextFiles outputs,
// checkpointing and recovery, the output commit protocol (output retries, TxSink,
// batch-done hooks), run-time errors that point into the .stream file, and the figures of
// the operations server. It imports the standard
// library only. Sources live in runtime/source and decoders (with the bad-record policy)
// in runtime/codec; both build on the interfaces defined here.
//
// Generated code imports this package under the alias rt (a package named runtime
// shadows the standard library's):
//
//	import rt "streamc.dev/streamc/runtime"
//
// # The model
//
// The model is Spark Streaming's. A pipeline runs as a sequence of micro-batches. A batch
// is the interval (t - interval, t] and is named by its batch time t, a Time in epoch
// milliseconds. Batch times lie on the grid of multiples of the interval: the first one is
// the first multiple after the clock's start.
//
//   - Live (the default): the clock is the wall clock. Batch t starts when the wall clock
//     reaches t. A batch that takes longer than the interval delays the following ones,
//     which then run back to back with their own times (their scheduling delay grows);
//     batches never overlap.
//   - Replay (--replay): a deterministic clock that starts at --start-time (default 0, so
//     the first batch is at one interval, "Time: 1000 ms" for batch 1s) and runs batches
//     back to back without waiting. Given the same input, a replay prints the same bytes
//     on every run and machine.
//
// A run ends when every registered source reports Exhausted and the job's DrainBatches
// further batches have run (so windows slide past the end of the input), when --batches N
// batches have run, or on SIGINT/SIGTERM: the first signal lets the batch in flight finish
// with its outputs, then stops the sources and closes the sinks; a second one exits at
// once. With a checkpoint directory, the stopped run writes a checkpoint of its last
// batch before it exits. Exit codes: 0 finished or stopped by a signal, 1 run-time failure (a batch,
// source start or sink close failed, or the graceful stop exceeded stopTimeout), 2 usage
// error, 130 second signal.
//
// Every batch is logged (log/slog, text or JSON, on stderr) with the figures of Spark's
// Streaming tab: batch_time, input_records, scheduling_delay, processing_time and
// total_delay; Metrics totals them for the "pipeline stopped" line.
//
// # Operations
//
// With the http setting or --http, RunMain gives the run a status recorder
// (Context.Status, package runtime/status) and the engine records into it: each batch
// from start to end, each stage as Batch.Parallel runs it (named after the job's stageN
// method, so the page's stages are those of `streamc explain`), each output operation as
// Batch.Output runs it (attempts, duration, records written as Print, SaveAsTextFiles,
// WriteTx and Batch.OutputRecords report them), each source's status after every batch
// (sources implement status.SourceReporter), and each checkpoint (timings, file size,
// state size per section). The engine then serves the handler that SetOperationsHandler
// installed — runtime/observe's web UI, REST API and Prometheus metrics, which generated
// programs enable in main — or, without one, BasicHandler's /healthz and /ready. The core
// itself stays on the standard library. Without the http setting nothing is recorded.
//
// # The contract for generated code
//
// example_test.go is the reference: a hand-written word count written exactly as the
// generator should write it. In outline, a generated program is:
//
//	var _ rt.EnforceVersion0_1 // fails to compile against an incompatible runtime
//
//	var pipeline = &rt.Pipeline{
//		Name: "wordcount", SourceFile: "wordcount.stream",
//		Defaults: rt.Settings{Batch: time.Second, Partitions: 2},
//		Sources:  []rt.SourceInfo{...}, // for --help and --source NAME=ADDRESS
//		Outputs:  []rt.OutputInfo{...}, // for --help
//		New:      newJob,
//	}
//
//	func main() {
//		observe.Enable() // streamc.dev/streamc/runtime/observe: the operations server
//		os.Exit(rt.Main(pipeline))
//	}
//
// with one package-level rt.Op per operator that can fail, element types (tuples and
// records as structs), one render function per printed type built from the Append
// functions, and a job type:
//
//   - New(ctx) creates the sources, passing ctx.SourceAddress(name) and ctx.Settings,
//     and registers each with ctx.Register; sinks are registered with ctx.OnClose. It
//     allocates everything a batch reuses: one Exchange per stage cut, one OrderedMap per
//     partition per combining operator, result slices. Partition counts come from
//     ctx.Settings.Partitions (already resolved: never 0) unless the operator gives its
//     own (reduceByKey(f, partitions = 8)).
//   - RunBatch(b) does, in order: read each source for b.Time (the typed read
//     src.Batch(b.Time.Millis(), parts) of runtime/source) and report the count with
//     b.AddInput(rt.Len(in)); run each stage with b.Parallel(n, func(p int) (err error)),
//     one fused loop per partition, deferring rt.Guard(op, &err) or, for a loop fusing
//     several operators, rt.GuardFused(ops, &cur, &err); then run the outputs in the order
//     written. Any error is returned after rt.Wrap(op, err); it fails the run with exit 1
//     and a message that begins with the operator's position, such as
//     "clicks.stream:7:12: reduceByKey: panic: runtime error: integer divide by zero".
//   - A job whose windows need batches after the input ends implements Drainer.
//
// The engine never calls RunBatch concurrently with itself, so the job keeps its state in
// its own fields. Inside Parallel, partition p may write only what belongs to p: its row
// of an exchange (Exchange.Out(p)), its OrderedMap, its slot of a result slice.
//
// OrderedMap and the state stores (runtime/state) keep keys and values in slices in a
// deterministic order, with an Index from key to position on the side: a table built for
// short string keys (strindex.go) when the key type is a string, a Go map otherwise.
// Stores that keep keys from batch to batch copy new string keys into shared chunks
// (KeyCopies), so that keeping a key neither allocates nor holds on to its input buffer.
//
// Driver runs a job batch by batch in process, without the engine's clock: the harness
// for tests of generated code, such as the allocation counts of make bench
// (testing.AllocsPerRun over whole batches).
//
// # Checkpoints and recovery
//
// With a checkpoint directory (the checkpoint setting or --checkpoint) the engine makes a
// run restartable; docs/reliability.md describes the guarantees. stateful_test.go is the
// reference for what generated code adds:
//
//   - Pipeline.State lists one StateInfo{Name, Type, Pos} per state section. Name is
//     position-independent: "updateStateByKey(totals)" when the operator's result is bound
//     to a name, else the operator and a hash of its definition (the operators and
//     arguments leading to it), "countByWindow@fb5667e6". Type is the state's type as the checker
//     prints it plus whatever shapes the encoding (window length and slide, inverse). The
//     runtime hashes the list into Pipeline.StateFingerprint; a checkpoint whose list
//     differs is refused with a message listing the changed entries. Outputs, filters,
//     maps and positions are not part of it, so changing them keeps checkpoints usable.
//   - The job implements Checkpointer: SaveState(w) writes one w.Section(name, ...) per
//     State entry with checkpoint.Writer's typed values (Len, String, Varint, Uvarint,
//     Float64, Bool, Bytes); RestoreState(r) finds each with r.Section(name), reads it
//     back, ends it with Done, and puts each key into partition
//     Bucket(hash(key), ctx.Settings.Partitions).
//   - Sources are registered with ctx.RegisterSource(letName, src); the sources of
//     runtime/source implement Positioned (and CheckpointCommitter) themselves. Stdin and
//     socket sources get their write-ahead log with the option WALDir: ctx.WALDir(letName).
//   - Every output runs under b.Output(op, func() error {...}), which retries it with
//     backoff (--output-attempts, --output-backoff) and then fails the batch. Sinks with
//     transactions implement TxSink and are run with WriteTx; components that must act
//     once a batch's outputs are all done (a Kafka source committing offsets) register
//     ctx.OnBatchDone.
//
// The engine writes the initial checkpoint before the first batch, one after every batch
// whose time t has (t - ZeroTime) a multiple of CheckpointEvery (after its outputs and
// batch-done hooks), and one when the run ends or is stopped by a signal. Before each batch
// it has every BatchPlanner source fix the batch's input and appends it, synced, to the
// batch log (without a checkpoint directory the sources plan all the same, unlogged). On a
// start whose directory holds checkpoints it restores the newest readable one (zero
// time, state, positions) after Pipeline.New and before the sources start, then runs the
// batches after it with their original times — those in the batch log with exactly their
// logged input (Batch.Recovering marks them) — and goes on live. Hooks registered with
// ctx.OnCheckpoint learn the oldest kept checkpoint after each one (sinks prune their
// progress markers up to it). A checkpoint failure, like a batch failure, ends the run with exit 1 and
// never removes an older checkpoint.
//
// # Partitioning and order
//
// Output order is part of a pipeline's behaviour, so nothing here depends on Go map
// order or scheduling. After an exchange, a key goes to partition
// Bucket(hash(key), n), and each destination sees its records in source-partition order,
// then emit order. OrderedMap iterates in first-insertion order. Outputs take partitions
// in index order. Key hashes are fixed functions of the value:
//
//	string, bytes   HashString, HashBytes
//	int, float      HashInt, HashFloat
//	bool, time      HashBool, HashTime
//	duration        HashDuration
//	tuple, record   h := hash(first); h = HashCombine(h, hash(next)) ... (fields in declaration order)
//	list            h := HashInt(len); h = HashCombine(h, hash(item)) ... for each item
//	optional        None: HashInt(0); Some(x): HashCombine(HashInt(1), hash(x))
//
// # Rendering
//
// print and saveAsTextFiles render elements as Spark prints them: tuples (a,1), strings
// unquoted, lists [1,2], optionals Some(x)/None, records Name{field:value}, floats as
// Scala's Double.toString (1.0, 1.0E7), times as RFC 3339 UTC with milliseconds,
// durations as Go prints them. Codegen composes AppendString, AppendInt, AppendFloat,
// AppendBool, AppendTime, AppendDuration, AppendBytes, AppendOption and AppendList into
// one func([]byte, T) []byte per type and passes it to Print or SaveAsTextFiles.
package runtime
