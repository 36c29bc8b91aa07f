package main

import (
	"fmt"
	"strconv"

	"streamc.dev/streamc/codegen"
	"streamc.dev/streamc/internal/cmd"
)

// kafkaDev builds the embedded kfakebroker like a pipeline (its own module in the
// cache, the runtime's module versions) and runs it with the command's flags.
func (c *cli) kafkaDev(cmd *command, args []string) int {
	fs := newFlags(cmd)
	addr := fs.String("addr", "localhost:9092", "listen on `HOST:PORT` (port 0 picks a free port; the address is printed)")
	topics := fs.String("topics", "", "create `TOPICS` at start: NAME or NAME:PARTITIONS, comma-separated")
	partitions := fs.Int("partitions", 3, "`N` partitions for the topics created on first use, and for --topics without a number")
	data := fs.String("data", "", "persist topics and offsets in `DIR` across restarts (default: memory only)")
	bf := addBuildFlags(fs)
	rest, _, code, ok := c.parse(cmd, fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		return c.usageErr(cmd, "unexpected argument %q", rest[0])
	}
	if *partitions < 1 {
		return c.usageErr(cmd, "-partitions must be at least 1")
	}
	files := []codegen.File{{Name: "main.go", Data: kafkaBrokerSource}}
	opts := c.buildOptions("kafka-dev", "kfakebroker", bf)
	opts.Notice = "compiling the development broker (franz-go's kfake) with go build; the first start takes a minute or so, later starts are immediate..."
	bin, ok := c.compile(opts, files, "")
	if !ok {
		return exitFail
	}
	brokerArgs := []string{"-addr", *addr, "-partitions", strconv.Itoa(*partitions)}
	if *topics != "" {
		brokerArgs = append(brokerArgs, "-topics", *topics)
	}
	if *data != "" {
		brokerArgs = append(brokerArgs, "-data", *data)
	}
	fmt.Fprintf(c.stderr, "streamc: Kafka-protocol broker for development (franz-go's kfake); Ctrl-C stops it\n")
	return c.exec(bin, brokerArgs)
}

// kafkaBrokerSource is the program kafka-dev builds.
var kafkaBrokerSource = cmd.KafkaBroker
