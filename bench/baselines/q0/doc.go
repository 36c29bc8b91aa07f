// Command q0 is the hand-written baseline of bench/pipelines/q0.stream and q1.stream
// (with -q1): NEXMark's pass-through, every bid decoded from CSV and printed, with -q1
// its price converted from dollars to euros (price * 89 / 100).
//
// How it works: files are read ahead into two reused buffers (base.ReadAhead); a batch is
// cut at line ends into one share per core (base.Shares); each core decodes its share
// with base.NextBid (one pass 8 bytes at a time that finds the commas and the line end
// and checks the bytes, then the fields read at the comma offsets, with an exact decoder
// for any line off the generator's layout) and formats each bid straight into its own
// reused output buffer (times formatted by hand, base.TimeFormat); nothing is allocated
// per record. The parts are written in order by base.Writer's goroutine while the next
// batch is decoded.
package main
