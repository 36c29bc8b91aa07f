// Command q0 is the hand-written baseline of bench/pipelines/q0.stream and q1.stream
// (with -q1): NEXMark's pass-through, every bid decoded from CSV and printed, with -q1
// its price converted from dollars to euros (price * 89 / 100).
package main
