// Command q2 is the hand-written baseline of bench/pipelines/q2.stream: NEXMark's
// selection, the (auction, price) of every bid on an auction that is a multiple of 123.
//
// How it works: as q0 (read-ahead into reused buffers, one share per core, base.NextBid's
// one-pass decoding with an exact fallback, output parts written by base.Writer's
// goroutine), every bid decoded in full — a bad record anywhere stops the run, as it
// stops the pipeline — and only the selected ones formatted.
package main
