// Command bench is the driver of the benchmark suite (issue #7), run from the repository
// root by `make bench` and `make bench-smoke`.
//
// For every workload it generates the input (bench/gen, cached), builds the pipeline with
// streamc and the baseline with go build, runs the two alternately on the same input
// (at least 5 runs each; GOMAXPROCS=1 and all cores, the settings alternating too), takes the median wall time and the
// peak memory (rusage maxrss), and checks that their outputs are byte-identical. Where a
// batch SQL equivalent exists it runs the same query in DuckDB (from npm, in a cache
// directory) as a second reference and checks its rows against the output. It also
// measures compile times (cold and warm), the generated JSON decoder against
// encoding/json, allocations per record, the latency figure from the rate source, and
// CPU profiles of every generated binary; then it writes the results between the markers
// of BENCHMARKS.md and draws bench/results.svg.
//
// With -smoke it does only the small, quick part: small data, one run, all cores, no
// DuckDB and no extras; it exits non-zero if any output differs from its baseline's.
//
// To measure one workload under one setting while working on it, without touching
// BENCHMARKS.md:
//
//	go run ./bench/cmd/bench -only wordcount -procs 1 -runs 5 -extras=false -no-duckdb -report '' -svg ''
package main
