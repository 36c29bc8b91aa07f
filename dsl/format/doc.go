// Package format prints a .stream syntax tree in the canonical layout (`streamc fmt`).
//
// Source(file) returns the formatted text. It works from the tree and its positions
// only: positions tell it where comments go, which blank lines to keep and which chains,
// records and blocks were written over several lines. The layout rules are listed on
// Source. Formatting is idempotent and keeps the tree: parsing the output gives the same
// tree, positions aside, and formatting it again gives the same bytes. A tree built by
// hand, without positions, prints too, with the parentheses its shape needs.
package format
