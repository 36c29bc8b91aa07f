package sink_test

import (
	"context"
	"testing"
	"time"

	rt "streamc.dev/streamc/runtime"
	"streamc.dev/streamc/runtime/sink"
)

// sumConn is a connection whose Write does a little work per element and nothing else,
// so that the benchmarks measure what the pool adds around a write.
type sumConn struct{ sum int }

func (c *sumConn) Write(_ context.Context, b sink.Batch[int]) error {
	for _, v := range b.Elems {
		c.sum += v
	}
	return nil
}

func (c *sumConn) Close() error { return nil }

type sumSink struct{}

func (sumSink) Open(context.Context) (sink.Conn[int], error) { return &sumConn{}, nil }

var benchPart = batchParts(1, 100)[0]

// BenchmarkDirectWrite is the baseline: a partition written by calling the connection
// directly, as hand-written code holding one connection would.
func BenchmarkDirectWrite(b *testing.B) {
	c := &sumConn{}
	ctx := context.Background()
	t := time.UnixMilli(1000)
	for i := 0; b.Loop(); i++ {
		if err := c.Write(ctx, sink.Batch[int]{Output: "writeTo(x)", Time: t, Partitions: 1, Elems: benchPart}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPoolWrite writes one partition per call through the pool (take a
// connection, write, give it back, count).
func BenchmarkPoolWrite(b *testing.B) {
	p := sink.NewPool[int](nil, "writeTo(x)", sumSink{}, sink.Options{MaxConns: 4})
	defer p.Close()
	ctx := context.Background()
	t := time.UnixMilli(1000)
	parts := [][]int{benchPart}
	for b.Loop() {
		if err := sink.Write(ctx, p, t, parts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPoolWrite4 writes a batch of 4 partitions per call, in parallel on up to 4
// connections; ns/op is per batch.
func BenchmarkPoolWrite4(b *testing.B) {
	p := sink.NewPool[int](nil, "writeTo(x)", sumSink{}, sink.Options{MaxConns: 4})
	defer p.Close()
	ctx := context.Background()
	t := time.UnixMilli(1000)
	parts := [][]int{benchPart, benchPart, benchPart, benchPart}
	for b.Loop() {
		if err := sink.Write(ctx, p, t, parts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOutput is what generated code calls per batch of one partition: the pool
// under the engine's Batch.Output.
func BenchmarkOutput(b *testing.B) {
	ctx := rt.NewContext(&rt.Pipeline{Name: "bench"}, rt.Settings{Batch: time.Second, Partitions: 1}, nil, nil)
	p := sink.NewPool[int](ctx, "writeTo(x)", sumSink{}, sink.Options{MaxConns: 4})
	defer p.Close()
	op := rt.Op{Pos: "bench.stream:1:1", Name: "writeTo"}
	parts := [][]int{benchPart}
	batch := ctx.NewBatch(1000, 0)
	for b.Loop() {
		if err := sink.Output(batch, op, p, parts); err != nil {
			b.Fatal(err)
		}
	}
}
