// Package status holds the figures of a running pipeline that its operations server
// shows: a bounded history of batches (Spark's Streaming tab keeps
// spark.streaming.ui.retainedBatches of them), with each batch's stages and output
// operations, the sources' state, the outputs' and checkpoints' totals, the state size
// of each stateful operator, latency histograms and readiness.
//
// The engine (package runtime) records into a Recorder as a run goes; the operations
// server (runtime/observe) reads Snapshots of it when a page, the REST API or a
// Prometheus scrape asks. Recording is a few mutex-guarded appends per batch, and
// readers copy what they need under the mutex and format outside it, so a polled page
// does not hold the batches up. Sources describe themselves by implementing
// SourceReporter. Standard library only, like the runtime core.
package status
