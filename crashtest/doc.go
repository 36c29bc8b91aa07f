// Package crashtest holds the end-to-end crash tests of pipelines built by streamc: a
// stateful, windowed pipeline (testdata/totals.stream) is compiled into a binary with
// internal/e2e, SIGKILLed at random moments and restarted from its checkpoints, and its
// saved outputs are compared with those of an uninterrupted run. Where the runtime's
// own crash tests exercise a hand-written job, these exercise the code the generator
// writes: Pipeline.State, SaveState and RestoreState, the sources' registration and
// write-ahead logs, and the outputs' retries.
//
// live_test.go runs a pipeline live, as a user runs one (internal/crashkit's Live
// harness): files renamed into the watched directory while it runs, SIGKILLs at random
// and aimed at the worst moments (right after a batch, in the checkpoint write, right
// after SQL marker pruning), outputs to text, SQLite, state and a dead-letter file, each
// checked for 0 lost and 0 duplicated. overload_test.go floods a slow pipeline over a
// socket and bounds its peak memory and the band its batches settle in under
// backpressure. STREAMC_CRASH_LONG=1 (make crash) runs the long versions.
//
// The package has no code besides its tests.
package crashtest
