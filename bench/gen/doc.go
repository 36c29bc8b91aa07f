// Package gen writes the input data of the benchmark suite: deterministic and seeded, so
// that every run of `make bench` on every machine measures the same bytes, and generated on
// demand into a cache directory so that nothing large is committed.
//
// Every data set is a directory of files, one file per batch of the pipelines' 1 s batch
// interval (a files source replays one file per batch, in name order):
//
//   - WordCount: lines of words drawn from a Zipf-distributed vocabulary;
//   - YSB: the Yahoo Streaming Benchmark's ad events as JSON lines, with its exact schema,
//     one second of event time per file, and the ad → campaign mapping as JSON lines;
//   - Bids: NEXMark-style bid records as CSV.
package gen
