// Package cmd holds the helper commands of streamc's tests and tools, and embeds the
// source of the one that streamc builds for its users: kfakebroker, the Kafka-protocol
// broker that `streamc kafka-dev` compiles (against the module versions streamc was
// tested with, like a pipeline) and runs.
package cmd

import _ "embed"

// KafkaBroker is the source of kfakebroker/main.go, a package main of its own.
//
//go:embed kfakebroker/main.go
var KafkaBroker []byte
