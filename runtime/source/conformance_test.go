package source

import (
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// conformance checks what every Source promises, whatever its kind: a name, Stop before
// Start and twice is harmless, Batch returns exactly parts partitions, and records are
// delivered once.
func conformance[T any](t *testing.T, src Source[T], want int) {
	t.Helper()
	if src.Name() == "" {
		t.Error("empty Name")
	}
	if err := src.Stop(); err != nil {
		t.Errorf("Stop before Start: %v", err)
	}
	if err := src.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	got := 0
	for i := 0; i < 1000 && got < want; i++ {
		parts, err := src.Batch(int64(i+1)*1000, 3)
		if err != nil {
			t.Fatalf("Batch: %v", err)
		}
		if len(parts) != 3 {
			t.Fatalf("Batch returned %d partitions, want 3", len(parts))
		}
		got += len(flatten(parts))
		if got < want {
			time.Sleep(5 * time.Millisecond) // a receiver's records arrive in their own time
		}
	}
	if got != want {
		t.Errorf("%s delivered %d records, want %d", src.Name(), got, want)
	}
	if err := src.Stop(); err != nil {
		t.Errorf("Stop: %v", err)
	}
	if err := src.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

func TestConformance(t *testing.T) {
	t.Run("queue", func(t *testing.T) { conformance(t, NewQueue("queue", [][]int{{1, 2}, {3}}), 3) })
	t.Run("rate", func(t *testing.T) { conformance(t, NewRate(5, 1000, RateOptions{Limit: 12}), 12) })
	t.Run("lines", func(t *testing.T) {
		conformance(t, NewLines("lines", io.NopCloser(strings.NewReader("a\nb\nc\n")), LinesOptions{Replay: true}), 3)
	})
	t.Run("files", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, dir, "a", "1\n2\n", 0)
		writeFile(t, dir, "b", "3\n", 0)
		conformance(t, NewFiles(dir, FilesOptions{Replay: true}), 3)
	})
	t.Run("socket", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		serveOnce(t, ln, "x\ny\n", true)
		conformance(t, NewSocket(ln.Addr().String(), SocketOptions{}), 2)
	})
}
