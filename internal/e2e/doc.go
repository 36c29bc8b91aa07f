// Package e2e compiles .stream files into binaries for tests, the way `streamc build`
// does, so that example and end-to-end tests exercise the whole compiler.
package e2e
