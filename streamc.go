// Package streamc carries what the streamc compiler needs at build time beyond its own
// code: the source of the runtime and stdlib packages that every generated pipeline
// links, embedded so that an installed streamc binary can build pipelines from any
// directory, offline, against exactly the runtime it was released with.
package streamc

import "embed"

// Version is the version of streamc and of its runtime. Generated code pins the runtime
// version at compile time; a test keeps this constant equal to runtime.Version.
const Version = "0.1.0"

// RuntimeSource holds runtime/ and stdlib/ as they were when this streamc was built,
// with the module's go.mod and go.sum: connectors that use a client library (Kafka,
// PostgreSQL, SQLite) build against exactly the versions streamc was tested with.
// Test files and testdata are skipped when it is written out.
//
//go:embed go.mod go.sum runtime stdlib
var RuntimeSource embed.FS
