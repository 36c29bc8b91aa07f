// Command wordcount is the hand-written baseline of bench/pipelines/wordcount.stream (with
// -state) and wordcount_batch.stream (without): per batch, the count of each word sorted
// by word, and with -state also the running total of every word seen so far, sorted.
//
// How it works:
//   - Files are read by base.ReadAhead into two reused buffers: file i+1 is read while
//     batch i is counted.
//   - A batch is cut at line ends into one share per core (base.Shares); each share is
//     tokenized 8 bytes at a time (base.CountWords: SWAR, with an exact UTF-8 path for
//     non-ASCII bytes, splitting as words() does on Unicode white space).
//   - One run-wide dictionary (base.Dict: open addressing, word → dense id, ids in the
//     slots) turns each word into an id, so counting is an increment of cnt[id] in the
//     share's own array: no map, no string per word, nothing allocated per word. The
//     dictionary is read-only while the shares count; the words it does not hold yet
//     are counted in the share's own small dictionary of the batch's new words, and
//     each is added once afterwards, on one goroutine.
//   - The dictionary keeps its ids in byte order of their words (base.Dict.Sorted: only
//     the words new in a batch are sorted, by comparison, and merged in), so printing
//     sorted is a walk over that order: no sort of the batch's words. The state is an
//     array of totals by id.
//   - The output is formatted in parallel, one range of the sorted ids per core, into
//     reused buffers, and written by base.Writer's goroutine while the next batch is
//     counted.
package main
