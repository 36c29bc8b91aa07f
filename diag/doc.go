// Package diag holds source positions and the diagnostics the compiler reports.
//
// Every message streamc prints about a .stream file has one shape, modelled on the Go
// toolchain's:
//
//	clicks.stream:3:14: unknown operator "reduceByKye"; did you mean "reduceByKey"?
//	    counts.reduceByKye((a, b) => a + b)
//	           ^
//
// Diagnostics are collected rather than returned one at a time, sorted by position, and
// capped so that a badly broken file prints a readable screenful ("(and N more errors)").
package diag
