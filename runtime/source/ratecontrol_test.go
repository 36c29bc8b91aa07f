package source_test

import (
	"context"
	"net"
	"strings"
	"testing"

	rt "streamc.dev/streamc/runtime"
	"streamc.dev/streamc/runtime/source"
)

// The receivers are what backpressure slows down.
var (
	_ rt.RateControlled = (*source.Socket)(nil)
	_ rt.RateControlled = (*source.Lines)(nil)
)

// TestLinesRateControl checks what backpressure reads and sets on a live line
// receiver: the size of its latest batch, and a rate that starts unlimited (no maxRate)
// and can then be set.
func TestLinesRateControl(t *testing.T) {
	l := source.NewLines("lines", strings.NewReader("a\nb\nc\n"), source.LinesOptions{})
	if err := l.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer l.Stop()
	var n int
	for n < 3 {
		parts, err := l.Batch(1000, 2)
		if err != nil {
			t.Fatal(err)
		}
		got := len(parts[0]) + len(parts[1])
		if got > 0 && l.LastBatchRecords() != int64(got) {
			t.Fatalf("LastBatchRecords = %d after a batch of %d", l.LastBatchRecords(), got)
		}
		n += got
	}
	l.SetRate(500) // must not panic on a receiver started without maxRate
}

// TestSocketSetRate checks that SetRate reaches the limiter of a socket receiver that
// has no maxRate.
func TestSocketSetRate(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	s := source.NewSocket(ln.Addr().String(), source.SocketOptions{})
	if r := s.Limiter().Rate(); r != 0 {
		t.Fatalf("rate %v before SetRate, want 0 (unlimited)", r)
	}
	s.SetRate(250)
	if r := s.Limiter().Rate(); r != 250 {
		t.Errorf("rate %v after SetRate(250)", r)
	}
}
