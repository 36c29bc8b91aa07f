// Package examples holds runnable pipelines, one folder each: the .stream file, its
// bundled input, the expected output, and (in examples_test.go) a test that builds the
// pipeline with the real compiler and runs the binary.
//
// Each folder with an expected.txt also has an args file: the flags the test passes to
// the binary (one per line). The binary runs with the repository root as its working
// directory, as `make demo` runs it.
package examples
