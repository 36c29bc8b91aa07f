// Package base holds what the hand-written baselines share: the replay of a directory
// one file per batch, chunking a batch for the cores, the print layout of streamc's
// print() and the rendering of times, so that every baseline prints byte for byte what
// its pipeline prints.
package base
