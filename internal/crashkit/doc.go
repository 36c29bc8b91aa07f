// Package crashkit holds what the SIGKILL-and-restart tests share: the sender that plays
// a reliable client for a socket source, a look into a receiver's write-ahead log, and
// the live harness of issue #13 (Live): a pipeline binary run on the wall clock while
// input arrives (FileFeed, or a test's own Feed), SIGKILLed at random and at the worst
// moments its log reveals, restarted, stopped gracefully, and its outputs compared with
// what any correct run makes of the input (Input: rows, totals, dead letters).
package crashkit
