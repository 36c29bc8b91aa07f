// Package build turns generated Go source into a pipeline binary with the Go toolchain.
//
// It writes the runtime that streamc embeds into a content-addressed directory under the
// user cache directory (once per streamc version), writes the generated package into a
// per-pipeline module whose go.mod points at that runtime with a replace directive and
// requires what the runtime requires (ModuleFiles, which `streamc gen` also writes), and
// runs `go build`. The directories are stable so that Go's build cache makes an
// unchanged rebuild fast. A pipeline that uses only the standard library connectors
// fetches nothing; one with SQLite, PostgreSQL or Kafka needs its client library in the
// module cache, downloaded by the first build.
//
// Binary talks while it works: a build that takes more than a few seconds is announced
// with what it compiles and how long a first build takes, -v and -x stream go build's
// own output, and a failure is explained — Go missing or too old, a module that could
// not be downloaded (ModuleError, with what to do), or generated code that does not
// compile, which is a streamc bug.
package build
