// Command q7 is the hand-written baseline of bench/pipelines/q7.stream, NEXMark's highest
// bid: the bid with the highest (price, auction, bidder, dateTime) in each tumbling 10 s
// window.
//
// How it works: files are read ahead into two reused buffers; a batch is cut into one
// share per core, each decoded by base.NextBid (one pass, exact fallback: every bid is
// decoded in full, so a bad record stops the run as it stops the pipeline) keeping the
// highest bid as slices of the input; the shares' winners are compared, the batch's winner
// is copied into a reused buffer (the input buffer is then released to the reader) and
// compared with the window's; each window is printed when it closes (times formatted by
// hand), written by base.Writer's goroutine. Nothing is allocated per record.
package main
