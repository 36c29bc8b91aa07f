// Package examples holds runnable pipelines, one folder each: the .stream file, its
// bundled input, the expected output, and (in examples_test.go) a test that builds the
// pipeline with the real compiler and runs the binary.
//
// Each folder with an expected.txt also has an args file: the flags the test passes to
// the binary (one per line). The binary runs with the repository root as its working
// directory, as `make demo` runs it. An example whose file sets a checkpoint directory
// gets a fresh one (--checkpoint) on every test run, since a finished replay run does
// not run again in the same directory; TestExamplesResume also stops it after three
// batches and resumes it from its checkpoint.
//
// Examples that need a database or a broker have tests of their own: employees
// (employees_test.go) filters a CSV of employees, enriches it by a lookup join and writes
// to SQLite, created from departments.sql by the test or by `make demo` through hrdb
// (and, in employees/postgres, to a PostgreSQL server the test starts); click_sessions
// (click_sessions_test.go) reads clicks from a Kafka-protocol broker, builds sessions
// with mapWithState and writes them to PostgreSQL. Their expected output is in
// expected-output.txt and expected-rows.txt.
//
// windowed_wordcount, page_views_event_time and sessions also have a test as users write
// them (NAME_test.txtar, docs/testing.md): their input batches and the batches each output
// gives, which `streamc test ./examples/...` checks (cmd/streamc's TestExampleTests runs it
// in CI).
package examples

// The network word count's generated Go is committed, to show what streamc writes and
// how a project that prefers `go generate` to `streamc build` uses it; CI fails when it is
// stale.
//go:generate go run ../cmd/streamc gen network_wordcount/network_wordcount.stream -o network_wordcount/gen
