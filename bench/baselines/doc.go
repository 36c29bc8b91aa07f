// Package baselines holds, one directory each, the hand-written Go programs the benchmark
// suite measures generated pipelines against. Each reads the same files as its pipeline
// in bench/pipelines (the directory in $INPUT, one file per 1 s batch, in name order) and
// writes to standard output exactly what the pipeline's print writes, so that the driver
// can check the two outputs are byte-identical. They are written the way a careful
// engineer would write a one-off program for the job: whole files read at once, byte-level
// parsing without per-field allocations, one goroutine per core over contiguous chunks,
// typed maps, and output appended into one buffer per batch.
package baselines
