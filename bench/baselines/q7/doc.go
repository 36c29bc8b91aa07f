// Command q7 is the hand-written baseline of bench/pipelines/q7.stream, NEXMark's highest
// bid: the bid with the highest (price, auction, bidder, dateTime) in each tumbling 10 s
// window.
package main
