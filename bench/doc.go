// Package bench is the benchmark suite of issue #7: generated streamc pipelines measured
// against hand-written Go programs doing the same work, and against DuckDB where a batch
// SQL equivalent exists.
//
// The package itself holds only this documentation; the parts live below it:
//
//   - bench/gen writes the deterministic, seeded input data (word-count text, Yahoo
//     Streaming Benchmark ad events, NEXMark bids) into a cache directory on demand;
//   - bench/pipelines holds the .stream pipelines, one per workload;
//   - bench/baselines holds one hand-written Go program per workload, reading the same
//     files and printing exactly what the pipeline prints;
//   - bench/cmd/bench is the driver run by `make bench` and `make bench-smoke`: it builds
//     both sides, runs them alternately, checks that their outputs are equal and writes
//     the figures into BENCHMARKS.md and bench/results.svg.
package bench
