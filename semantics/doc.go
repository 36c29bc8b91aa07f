// Package semantics holds the batch-by-batch semantics tests of the compiled operators:
// one txtar case per behaviour in testdata/, each a .stream program over queue (or
// rate) sources and the exact standard output its binary prints under --replay, worked
// out by hand from the definitions in the Spark Streaming Programming Guide — not
// copied from a run.
//
// A case has the sections
//
//	-- in.stream --    the program
//	-- args --         optional: more flags for the binary, one per line
//	-- unordered --    optional: the order of elements within a batch is not defined
//	                   (keyed operators: it follows the hash partitioning), so the lines
//	                   of each batch are sorted before comparing; the text says why
//	-- out --          the expected standard output
//
// and any other section is a file written into the directory the binary runs in (an
// initial state, a table). Every case runs twice, with --partitions 1 and
// --partitions 3, and must print the same.
//
// The test compiles every case into one temporary module, one main package each, and
// builds them all with a single `go build`, so that the suite stays fast.
package semantics
