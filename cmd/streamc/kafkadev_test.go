package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// syncBuffer is a bytes.Buffer safe for the writer goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestKafkaDev runs `streamc kafka-dev` as a user would: it builds the broker, which
// creates the -topics with their partitions and serves produce and fetch on the
// address it prints; SIGTERM stops it and the command exits 0.
func TestKafkaDev(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the broker")
	}
	t.Setenv("STREAMC_CACHE", t.TempDir())
	pr, pw := io.Pipe()
	var stderr syncBuffer
	procs := make(chan *os.Process, 1)
	c := &cli{stdin: strings.NewReader(""), stdout: pw, stderr: &stderr, onStart: func(p *os.Process) { procs <- p }}
	code := make(chan int, 1)
	go func() {
		code <- c.kafkaDev(lookupCommand("kafka-dev"), []string{"-addr", "127.0.0.1:0", "-topics", "clicks:2,orders", "-partitions", "4"})
		pw.Close()
	}()
	addr := make(chan string, 1)
	var stdout syncBuffer
	read := make(chan struct{})
	go func() {
		defer close(read)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			stdout.Write([]byte(sc.Text() + "\n"))
			if a, ok := strings.CutPrefix(sc.Text(), "listening "); ok {
				addr <- a
			}
		}
	}()
	var broker string
	select {
	case broker = <-addr:
	case n := <-code:
		t.Fatalf("kafka-dev exited with %d before listening:\n%s", n, stderr.String())
	case <-time.After(5 * time.Minute):
		t.Fatalf("kafka-dev did not listen within 5 minutes:\n%s", stderr.String())
	}
	proc := <-procs
	defer proc.Kill()

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cl, err := kgo.NewClient(kgo.SeedBrokers(broker), kgo.ConsumeTopics("clicks"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	topics, err := kadm.NewClient(cl).ListTopics(ctx, "clicks", "orders")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]int{"clicks": 2, "orders": 4} {
		if got := len(topics[name].Partitions); got != want {
			t.Errorf("topic %s has %d partitions, want %d", name, got, want)
		}
	}
	if err := cl.ProduceSync(ctx, &kgo.Record{Topic: "clicks", Value: []byte("hello")}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	fetches := cl.PollFetches(ctx)
	if err := fetches.Err(); err != nil {
		t.Fatal(err)
	}
	if recs := fetches.Records(); len(recs) != 1 || string(recs[0].Value) != "hello" {
		t.Errorf("fetched %v, want the one record produced", recs)
	}

	proc.Signal(syscall.SIGTERM)
	select {
	case n := <-code:
		if n != exitOK {
			t.Errorf("kafka-dev exited with %d after SIGTERM, want 0:\n%s", n, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("kafka-dev did not stop on SIGTERM")
	}
	<-read // kafka-dev closed its stdout when it returned
	for _, want := range []string{"topic clicks: 2 partitions\n", "topic orders: 4 partitions\n"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
		}
	}
}
