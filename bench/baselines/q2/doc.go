// Command q2 is the hand-written baseline of bench/pipelines/q2.stream: NEXMark's
// selection, the (auction, price) of every bid on an auction that is a multiple of 123.
package main
