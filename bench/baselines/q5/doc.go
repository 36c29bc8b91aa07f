// Command q5 is the hand-written baseline of bench/pipelines/q5.stream, NEXMark's hot
// items: bids counted per auction over a 10 s window sliding every 2 s, and the ten
// auctions with the most bids printed, most first (ties: smaller auction first).
package main
