package source

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strings"
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
