// Command kfakebroker runs franz-go's in-memory Kafka cluster (pkg/kfake) as a process of
// its own, so that connector tests talk to a broker over TCP exactly as they would to a
// real one. It prints "listening HOST:PORT" on standard output once the broker accepts
// connections, and runs until it is killed or receives SIGINT/SIGTERM.
//
// Usage:
//
//	kfakebroker [-addr 127.0.0.1:0] [-partitions 3]
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/twmb/franz-go/pkg/kfake"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on (port 0 picks a free port)")
	partitions := flag.Int("partitions", 3, "partitions of automatically created topics")
	flag.Parse()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "kfakebroker:", err)
		os.Exit(1)
	}
	listened := false
	c, err := kfake.NewCluster(
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
	)
	if err != nil {
		fmt.Fprintln(os.Stderr, "kfakebroker:", err)
		os.Exit(1)
	}
	defer c.Close()
	fmt.Printf("listening %s\n", ln.Addr())

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
}
