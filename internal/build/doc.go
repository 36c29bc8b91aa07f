// Package build turns generated Go source into a pipeline binary with the Go toolchain.
//
// It writes the runtime that streamc embeds into a content-addressed directory under the
// user cache directory (once per streamc version), writes the generated package into a
// per-pipeline module whose go.mod points at that runtime with a replace directive, and
// runs `go build`. The directories are stable so that Go's build cache makes an
// unchanged rebuild fast, and nothing is fetched from the network: the runtime and stdlib
// use the standard library only.
package build
