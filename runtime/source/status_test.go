package source

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSocketStatus follows a socket receiver through what the operations page shows:
// connecting with the refusal as its last error, then receiving, its lines counted.
func TestSocketStatus(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	s := NewSocket(addr, SocketOptions{MinBackoff: 10 * time.Millisecond, MaxBackoff: 20 * time.Millisecond, MaxRate: 1000})
	if st := s.SourceStatus(); st.State != "idle" || st.Active {
		t.Errorf("before Start: %+v", st)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	wait := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s: %+v", what, s.SourceStatus())
			}
		}
	}
	wait("the refusal", func() bool {
		st := s.SourceStatus()
		return st.State == "connecting" && !st.Active && strings.Contains(st.LastError, "refused")
	})
	if ln, err = net.Listen("tcp", addr); err != nil {
		t.Skipf("the port was taken in between: %v", err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			c.Write([]byte("a\nb\nc\n"))
		}
	}()
	wait("three lines", func() bool { n, _ := s.in.buffered(); return n == 3 })
	if st := s.SourceStatus(); st.State != "receiving" || !st.Active || st.Buffered != 3 || st.RateLimit != 1000 {
		t.Errorf("connected: %+v", st)
	}
	if _, err := s.Batch(1000, 1); err != nil {
		t.Fatal(err)
	}
	if st := s.SourceStatus(); st.Records != 3 || st.Buffered != 0 {
		t.Errorf("after a batch: %+v", st)
	}
}

// TestPulledSourcesStatus checks the files, queue and rate sources' status.
func TestPulledSourcesStatus(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("x\ny\n"), 0o644)
	f := NewFiles(dir, FilesOptions{Replay: true})
	if err := f.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Batch(1000, 1); err != nil {
		t.Fatal(err)
	}
	if st := f.SourceStatus(); st.State != "exhausted" || st.Records != 2 || st.Position != "1 files read" {
		t.Errorf("files: %+v", st)
	}
	q := NewQueue("q", [][]int{{1, 2}, {3}})
	q.Batch(1000, 1)
	if st := q.SourceStatus(); st.State != "queued" || st.Records != 2 || st.Buffered != 1 {
		t.Errorf("queue: %+v", st)
	}
	r := NewRate(10, 1000, RateOptions{})
	r.Batch(1000, 1)
	if st := r.SourceStatus(); st.State != "generating" || st.Records != 10 || st.RateLimit != 10 {
		t.Errorf("rate: %+v", st)
	}
}
