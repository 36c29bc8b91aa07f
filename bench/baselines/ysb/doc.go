// Command ysb is the hand-written baseline of bench/pipelines/ysb.stream, the Yahoo
// Streaming Benchmark: views kept, each ad joined to its campaign from the reference
// table ($CAMPAIGNS, JSON lines), views counted per campaign in tumbling 10 s windows,
// printed sorted by campaign.
//
// How it works: the table is loaded once into a dictionary of ad ids (base.Dict: open
// addressing, ad → dense id) whose ids index the campaign's rank in byte order of the
// campaign ids (base.LoadCampaigns). Files are read ahead into two reused buffers; a
// batch is cut into one share per core, each decoded by base.NextAdEvent (the
// generator's layout matched in one pass, keys compared with constants and values read 8
// bytes at a time to their quote; an exact decoder for anything else); a view's ad is looked up (read-only, from every core) and
// counted in the share's array by campaign rank — an ad missing from the table is
// dropped, as the inner joinTable drops it. The window's counts are the sum of its
// batches' arrays; when it closes the campaigns print in rank order (no sort, no map,
// nothing allocated per event), written by base.Writer's goroutine.
package main
