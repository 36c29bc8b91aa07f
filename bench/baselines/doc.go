// Package baselines holds, one directory each, the hand-written Go programs the benchmark
// suite measures generated pipelines against. Each reads the same files as its pipeline
// in bench/pipelines (the directory in $INPUT, one file per 1 s batch, in name order) and
// writes to standard output exactly what the pipeline's print writes, so that the driver
// can check the two outputs are byte-identical.
//
// They are written as an expert would write a one-off program for the job, with the
// standard library only (the shared parts are in internal/base): files read ahead into
// reused buffers on a reader goroutine; each batch cut at line ends into one share per
// core; decoding 8 bytes at a time (SWAR) on the layout the generator writes, with an
// exact decoder for any other line so that outputs stay identical; a run-wide dictionary
// of keys (open addressing, dense ids in the slots) so that counting is an array
// increment and sorted output a walk over ids kept in key order; output built in reused
// buffers, times formatted by hand, written by a writer goroutine while the next batch
// is processed; no allocation per record. BENCHMARKS.md says how each one works.
package baselines
