// Command q5 is the hand-written baseline of bench/pipelines/q5.stream, NEXMark's hot
// items: bids counted per auction over a 10 s window sliding every 2 s, and the ten
// auctions with the most bids printed, most first (ties: smaller auction first).
//
// How it works: files are read ahead into two reused buffers; a batch is cut into one
// share per core, each decoded by base.NextBid (one pass, exact fallback). A run-wide
// dictionary (base.IntDict: open addressing, auction → dense id) makes counting an
// increment of cnt[id] in the share's own array, which also notes the ids it touches;
// the dictionary is read-only meanwhile: the auctions it does not hold yet (most bids go
// to recent auctions) are counted in the share's own small dictionary of new auctions,
// and each is added once afterwards, on one goroutine. Each batch leaves a compact list of (id, count); the
// window is kept incrementally — a batch's list is added to the window's counts when it
// arrives and subtracted when it slides out ten batches later — and at each slide the
// top ten are picked from the ids of the window's batches by insertion into a ten-entry
// array (no sort, no map). Windows are printed as they close, written by base.Writer's
// goroutine, not at the end of the run.
package main
