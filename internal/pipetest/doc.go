// Package pipetest is `streamc test`: it runs the tests written beside pipelines, and
// recordings of live runs, against the pipelines they test.
//
// A test file NAME_test.txtar (or NAME_CASE_test.txtar) tests NAME.stream in the same
// directory. It is a txtar archive: free text first, then sections
//
//	-- args --               flags of the pipeline binary (--start-time 1700000000000, --batches 5, ...)
//	-- in/SOURCE/TIME --     the batch of source SOURCE at batch time TIME (epoch ms)
//	-- out/OUTPUT/TIME --    the batch output OUTPUT is expected to give at TIME
//
// SOURCE is a source's name as `streamc explain` and the binary's --help print it (its
// let name, or files1, socket1, ...); OUTPUT an output's name (LET.KIND for an output of
// a stream bound by let, such as counts.print, else KIND and a number, such as print1;
// or the output's LINE:COL). A text source's batch is its lines; a kafka source's the
// values of its records (or its records as JSON with in/SOURCE/TIME.jsonl); a queue's or
// a Go source's one .stream value a line. An output's batch is its elements rendered as
// print renders them, one a line; a batch the test does not write is expected to be
// empty. Outputs whose order the pipeline does not define (see Output.Ordered) are
// compared as multisets. docs/testing.md is the user's reference.
//
// The args and in/ sections of a test file are exactly a recording (runtime/recording)
// packed into one archive, and a test runs as a recording does: the runtime's
// --recording feeds the files, socket, stdin and kafka sources from it, on the replay
// clock. The pipeline is not edited: its text is rewritten (rewrite.go), each output
// call replaced by a saveAsTextFiles into a directory the environment names, and each
// queue or Go source that the test gives input by a queue literal of it (so that the
// checker type-checks the test's values, and its errors are mapped back to the test
// file's lines). The rewritten text keeps every line where it was, so positions in the
// program map back to the .stream file.
//
// The test program is generated and built like any pipeline, in a build directory of
// its own in streamc's cache: one per pipeline (and one per test file that gives typed
// input). A test program whose generated files are those it was last built from is not
// built again, so a second run of unchanged tests runs no go build at all.
//
// The package is the compiler's side: it does not import the runtime (the format of a
// recording is written out here and read there).
package pipetest
