// Command wordcount is the hand-written baseline of bench/pipelines/wordcount.stream (with
// -state) and wordcount_batch.stream (without): per batch, the count of each word sorted
// by word, and with -state also the running total of every word seen so far, sorted.
package main
