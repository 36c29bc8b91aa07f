// Command ysb_adcount is the hand-written baseline of bench/pipelines/ysb_adcount.stream:
// the Yahoo Streaming Benchmark's events decoded, the views kept and counted per ad in
// each batch, printed sorted by ad.
//
// How it works: files are read ahead into two reused buffers; a batch is cut into one
// share per core, each decoded by base.NextAdEvent (the generator's layout matched in
// one pass: keys compared with constants, each value read 8 bytes at a time to its
// quote, testing for the bytes that would need a general decoder on the way; an exact
// decoder for anything else). A run-wide dictionary of ad
// ids (base.Dict: open addressing, ad → dense id) makes counting an increment of cnt[id]
// in the share's own array; ads it does not hold yet are noted and added afterwards on
// one goroutine. The dictionary keeps its ids in byte order, so the batch prints by
// walking that order: no sort, no map, nothing allocated per event. Output is written by
// base.Writer's goroutine while the next batch is decoded.
package main
