// Command kfakebroker runs franz-go's in-memory Kafka cluster (pkg/kfake) as a process of
// its own, so that connector tests talk to a broker over TCP exactly as they would to a
// real one, and so that users have a Kafka-protocol broker for development: `streamc
// kafka-dev` builds this program (its source is embedded by the package above) and runs
// it.
//
// It prints "listening HOST:PORT" on standard output once the broker accepts
// connections, then its topics, and runs until it is killed or receives SIGINT/SIGTERM.
//
// Usage:
//
//	kfakebroker [-addr 127.0.0.1:0] [-partitions 3] [-topics NAME[:PARTITIONS],...] [-data DIR]
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/twmb/franz-go/pkg/kfake"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on (port 0 picks a free port)")
	partitions := flag.Int("partitions", 3, "partitions of automatically created topics")
	topics := flag.String("topics", "", "topics to create at start: NAME or NAME:PARTITIONS, comma-separated")
	data := flag.String("data", "", "directory to persist topics and offsets in (default: memory only)")
	flag.Parse()
	if flag.NArg() > 0 {
		fail(fmt.Errorf("unexpected argument %q", flag.Arg(0)))
	}
	seeds, err := parseTopics(*topics)
	if err != nil {
		fail(err)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fail(err)
	}
	listened := false
	opts := []kfake.Opt{
		kfake.NumBrokers(1),
		kfake.AllowAutoTopicCreation(),
		kfake.DefaultNumPartitions(*partitions),
		// The listener is opened here so that port 0 works and the real address is known.
		kfake.ListenFn(func(network, address string) (net.Listener, error) {
			if listened {
				return net.Listen(network, address)
			}
			listened = true
			return ln, nil
		}),
	}
	for _, s := range seeds {
		opts = append(opts, kfake.SeedTopics(s.partitions, s.name))
	}
	if *data != "" {
		opts = append(opts, kfake.DataDir(*data))
	}
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		fail(err)
	}
	defer c.Close()
	fmt.Printf("listening %s\n", ln.Addr())
	for _, s := range seeds {
		n := s.partitions
		if n == 0 {
			n = int32(*partitions)
		}
		fmt.Printf("topic %s: %d partitions\n", s.name, n)
	}
	fmt.Printf("other topics are created on first use, with %d partitions\n", *partitions)

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
}

type seed struct {
	name       string
	partitions int32 // 0: the default
}

// parseTopics parses -topics: "clicks:3,orders" gives clicks with 3 partitions and
// orders with the default number.
func parseTopics(s string) ([]seed, error) {
	var out []seed
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, n, hasN := strings.Cut(part, ":")
		sd := seed{name: name}
		if hasN {
			p, err := strconv.ParseInt(n, 10, 32)
			if err != nil || p < 1 {
				return nil, fmt.Errorf("-topics: %q: the partitions must be a positive number", part)
			}
			sd.partitions = int32(p)
		}
		if name == "" {
			return nil, fmt.Errorf("-topics: %q: no topic name", part)
		}
		out = append(out, sd)
	}
	return out, nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "kfakebroker:", err)
	os.Exit(1)
}
