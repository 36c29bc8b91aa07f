// Package crashtest holds the end-to-end crash tests of pipelines built by streamc: a
// stateful, windowed pipeline (testdata/totals.stream) is compiled into a binary with
// internal/e2e, SIGKILLed at random moments and restarted from its checkpoints, and its
// saved outputs are compared with those of an uninterrupted run. Where the runtime's
// own crash tests exercise a hand-written job, these exercise the code the generator
// writes: Pipeline.State, SaveState and RestoreState, the sources' registration and
// write-ahead logs, and the outputs' retries.
//
// The package has no code besides its tests.
package crashtest
