// Command ysb_adcount is the hand-written baseline of bench/pipelines/ysb_adcount.stream:
// the Yahoo Streaming Benchmark's events decoded, the views kept and counted per ad in
// each batch, printed sorted by ad.
package main
