// Package corpus finds every .stream program of the repository, for tests that hold the
// compiler to a property over all of them (check and build agree; every program the
// checker accepts compiles): .stream files, the *.stream sections of txtar cases, the
// ```stream blocks of the Markdown documentation, and the Go string literals of test
// files that hold a whole program.
package corpus
