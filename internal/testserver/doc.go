// Package testserver starts the real servers that connector tests run against: a
// PostgreSQL server of the test's own (installing the Debian package when it is
// missing) and a Kafka-protocol broker (franz-go's kfake, run by internal/cmd/kfakebroker
// as a separate process). Every server listens on a free loopback port, lives in a
// temporary directory and is stopped by its PID when the test's cleanup runs. SQLite
// needs no server: its tests use a file in t.TempDir(). It also finds, or installs from
// Debian's packages in the same way, the Chromium that browser tests drive.
package testserver
