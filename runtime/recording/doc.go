// Package recording reads and writes recordings: the exact input of every batch of a
// run, per source, kept as plain files. A live run with --record DIR writes one; a run
// with --recording DIR reads its sources' batches from one instead of from the sources
// themselves, on the clock the recording was made with. `streamc test` gives a pipeline
// its test input the same way: a test file's args and in/ sections are a recording
// packed into one txtar archive (docs/testing.md).
//
// # Layout
//
//	args                  flags that reproduce the run's clock, one or more a line:
//	                      --start-time ZERO --batch INTERVAL --partitions N --batches N
//	                      (# starts a comment); --recording applies them as defaults
//	in/SOURCE/TIME        the lines text source SOURCE (files, socket, stdin, a Go
//	                      receiver) delivered in the batch at TIME (epoch ms), each
//	                      ending in "\n"; for a kafka source, the values of its records
//	in/SOURCE/TIME.jsonl  the records kafka source SOURCE delivered, one JSON object a
//	                      line (Record)
//
// SOURCE is the source's name as the binary's --help lists it (its let name, or
// socket1, files1, ...). A batch without a file delivered nothing. Lines are what the
// source delivered, byte for byte: a line never holds "\n", so splitting a file at "\n"
// gives them back exactly. `streamc test` adds out/OUTPUT/TIME files, the expected
// batches of each output; the runtime does not read them.
//
// Queue and rate sources are not recorded: a replay on the recorded clock computes the
// same batches again. Sources written in Go against runtime/gosource with offsets of
// their own are not recorded either (their receivers, built on source.Lines, are).
//
// The package depends on the standard library only: runtime/source and the Kafka
// connector import it.
package recording
