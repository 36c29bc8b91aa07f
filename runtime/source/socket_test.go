package source

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// serveOnce accepts one connection on ln, writes text to it and, if hangUp, closes it.
func serveOnce(t *testing.T, ln net.Listener, text string, hangUp bool) chan net.Conn {
	conns := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			close(conns)
			return
		}
		fmt.Fprint(c, text)
		if hangUp {
			c.Close()
		}
		conns <- c
	}()
	return conns
}

func TestSocketReconnects(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	var logs strings.Builder
	s := NewSocket(addr, SocketOptions{
		MinBackoff: 5 * time.Millisecond,
		MaxBackoff: 20 * time.Millisecond,
		Logger:     slog.New(slog.NewTextHandler(&logs, nil)),
	})
	if s.Name() != "socket("+addr+")" {
		t.Errorf("Name = %q", s.Name())
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	var got []string
	take := func() {
		parts, err := s.Batch(0, 3)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, flatten(parts)...)
	}

	// The first server sends two lines and hangs up; then it goes away entirely.
	<-serveOnce(t, ln, "a\r\nb\n", true)
	eventually(t, "a, b", func() bool { take(); return len(got) >= 2 })
	ln.Close()
	time.Sleep(30 * time.Millisecond) // a few failed reconnects

	// The restarted server on the same address is found again.
	var ln2 net.Listener
	eventually(t, "listening again", func() bool {
		ln2, err = net.Listen("tcp", addr)
		return err == nil
	})
	defer ln2.Close()
	conns := serveOnce(t, ln2, "c\n", false)
	eventually(t, "c", func() bool { take(); return len(got) >= 3 })
	if !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("lines = %q", got)
	}
	if s.Exhausted() {
		t.Error("a socket is never exhausted")
	}

	// Stop returns promptly although the server keeps the connection open and silent.
	c := <-conns
	defer c.Close()
	done := make(chan error)
	go func() { done <- s.Stop() }()
	select {
	case err := <-done:
		if err != nil {
			t.Error(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Stop did not return")
	}
	if !strings.Contains(logs.String(), "reconnecting") {
		t.Errorf("no reconnect logged:\n%s", logs.String())
	}
}

func TestSocketStopWhileRetrying(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nobody listens: the receiver keeps retrying
	s := NewSocket(addr, SocketOptions{MinBackoff: time.Second})
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond)
	done := make(chan error)
	go func() { done <- s.Stop() }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Stop did not interrupt the backoff")
	}
	parts, err := s.Batch(0, 1)
	if err != nil || len(flatten(parts)) != 0 {
		t.Errorf("Batch after Stop = %v, %v", parts, err)
	}
}

func TestSocketRateLimited(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var text strings.Builder
	var want []string
	for i := range 50 {
		fmt.Fprintf(&text, "%d\n", i)
		want = append(want, fmt.Sprint(i))
	}
	serveOnce(t, ln, text.String(), true)
	s := NewSocket(ln.Addr().String(), SocketOptions{MaxRate: 1000})
	if s.Limiter() == nil || s.Limiter().Rate() != 1000 {
		t.Fatalf("Limiter = %v", s.Limiter())
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	var got []string
	eventually(t, "50 lines", func() bool {
		parts, _ := s.Batch(0, 1)
		got = append(got, flatten(parts)...)
		return len(got) >= 50
	})
	if !slices.Equal(got, want) {
		t.Errorf("lines = %q", got)
	}
}

func TestSocketBadAddress(t *testing.T) {
	if err := NewSocket("no-port", SocketOptions{}).Start(context.Background()); err == nil {
		t.Error("Start with an address without a port: no error")
	}
}

func TestJitter(t *testing.T) {
	for range 100 {
		if d := jitter(100 * time.Millisecond); d < 50*time.Millisecond || d > 100*time.Millisecond {
			t.Fatalf("jitter(100ms) = %v", d)
		}
	}
}

// TestSocketBufferBounded: a sender much faster than the batches fills the receiver's
// buffer up to its budget and no further — the receiver stops reading, so TCP holds the
// sender back (it has written far less than it wants to) — and once batches take lines
// again every line arrives, in order, none lost or repeated.
func TestSocketBufferBounded(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	const lines, budget = 300_000, 64 << 10
	pad := strings.Repeat("x", 90)
	var written atomic.Int64
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		w := bufio.NewWriterSize(c, 4096)
		for i := range lines {
			fmt.Fprintf(w, "%d %s\n", i, pad)
			written.Store(int64(i))
		}
		w.Flush()
	}()
	s := NewSocket(ln.Addr().String(), SocketOptions{BufferBytes: budget})
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	time.Sleep(300 * time.Millisecond) // no batch: the buffer fills
	n, bytes := s.in.buffered()
	if bytes > budget+200 || n == 0 {
		t.Errorf("%d lines, %d bytes buffered; want at most the budget of %d bytes", n, bytes, budget)
	}
	if w := written.Load(); w >= lines-1 {
		t.Errorf("the sender wrote all %d lines while nothing was taken: the receiver did not push back", w+1)
	}
	next := 0
	for bt := int64(1000); next < lines; bt += 100 {
		parts, err := s.Batch(bt, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range flatten(parts) {
			if want := fmt.Sprintf("%d %s", next, pad); l != want {
				t.Fatalf("line %q, want line %d", l[:min(len(l), 12)], next)
			}
			next++
		}
		if _, b := s.in.buffered(); b > budget+200 {
			t.Fatalf("%d bytes buffered, over the budget of %d", b, budget)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestSocketBatchCappedByRate: with a rate set (by backpressure or maxRate), a batch takes
// at most rate × interval lines, however many are buffered, so batch sizes follow the
// rate even when batches start late; the rest stay buffered, in order.
func TestSocketBatchCappedByRate(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var text strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&text, "%d\n", i)
	}
	serveOnce(t, ln, text.String(), false)
	s := NewSocket(ln.Addr().String(), SocketOptions{Interval: 100 * time.Millisecond})
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	var got []string
	eventually(t, "5000 lines buffered", func() bool { n, _ := s.in.buffered(); return n+len(got) >= 5000 })
	s.SetRate(1000) // 1000 lines a second, 100ms batches: 100 lines a batch
	for bt := int64(1100); len(got) < 5000 && bt < 10_000; bt += 100 {
		b := flatten(must(s.Batch(bt, 2)))
		if len(b) > 100 {
			t.Fatalf("batch %d took %d lines, want at most 100 (rate 1000/s × 100ms)", bt, len(b))
		}
		got = append(got, b...)
	}
	for i, l := range got {
		if l != strconv.Itoa(i) {
			t.Fatalf("line %d is %q", i, l)
		}
	}
}
