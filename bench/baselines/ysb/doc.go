// Command ysb is the hand-written baseline of bench/pipelines/ysb.stream, the Yahoo
// Streaming Benchmark: views kept, each ad joined to its campaign from the reference
// CSV ($CAMPAIGNS), views counted per campaign in tumbling 10 s windows, printed sorted by
// campaign.
package main
