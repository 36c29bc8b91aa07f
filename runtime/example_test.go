package runtime_test

// This file is the reference for code generation: a hand-written version of what streamc
// should emit for the pipeline below, written the way the generator is meant to write
// it. Its test pins the exact output, and BenchmarkWordCountHandwritten is the baseline
// that generated code is compared with.
//
//	1 pipeline wordcount
//	2 batch 1s
//	3 partitions 2
//	4 let lines = queue([["a b a", "c"], [], ["b b"]])
//	5 lines.flatMap(l => words(l)).map(w => (w, 1)).reduceByKey((a, b) => a + b).print()
//	6 lines.count().print()
//
// The plan: stage 0 runs per input partition and fuses flatMap → map → the map side of
// reduceByKey (combining into the partition's OrderedMap), then sends each combined pair
// to the exchange by key hash; it also counts the partition's lines for count(), since
// both statements read `lines` and one pass serves both. Stage 1 runs per destination
// partition and merges the pairs it received. The outputs then run in the order written.

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	rt "streamc.dev/streamc/runtime"
)

// Generated code pins the runtime API version it was generated for.
var _ rt.EnforceVersion0_1

// wordcountPipeline is what generated code declares and passes to rt.Main:
//
//	func main() { os.Exit(rt.Main(wordcountPipeline)) }
var wordcountPipeline = &rt.Pipeline{
	Name:       "wordcount",
	SourceFile: "wordcount.stream",
	Defaults:   rt.Settings{Batch: time.Second, Partitions: 2},
	Sources: []rt.SourceInfo{
		{Name: "lines", Kind: "queue", Address: `[["a b a", "c"], [], ["b b"]]`, Pos: "wordcount.stream:4:13"},
	},
	Outputs: []rt.OutputInfo{
		{Kind: "print", Desc: "print(10)", Pos: "wordcount.stream:5:76"},
		{Kind: "print", Desc: "print(10)", Pos: "wordcount.stream:6:15"},
	},
	New: newWordcount([][]string{{"a b a", "c"}, {}, {"b b"}}),
}

// The operators that can fail at run time, by position. A fused stage lists its
// operators in chain order for rt.GuardFused.
var (
	opLines       = rt.Op{Pos: "wordcount.stream:4:13", Name: "queue"}
	opFlatMap     = rt.Op{Pos: "wordcount.stream:5:7", Name: "flatMap"}
	opMap         = rt.Op{Pos: "wordcount.stream:5:30", Name: "map"}
	opReduceByKey = rt.Op{Pos: "wordcount.stream:5:47", Name: "reduceByKey"}
	opPrint5      = rt.Op{Pos: "wordcount.stream:5:76", Name: "print"}
	opCount       = rt.Op{Pos: "wordcount.stream:6:7", Name: "count"}
	opPrint6      = rt.Op{Pos: "wordcount.stream:6:15", Name: "print"}

	stage0Ops = []rt.Op{opFlatMap, opMap, opReduceByKey, opCount}
)

// tuple2StringInt is the element type (string, int). Generated code names tuple types
// after their element types and declares each once.
type tuple2StringInt struct {
	F0 string
	F1 int64
}

// renderTuple2StringInt renders (string, int) as Scala does: (a,1).
func renderTuple2StringInt(dst []byte, v tuple2StringInt) []byte {
	dst = append(dst, '(')
	dst = rt.AppendString(dst, v.F0)
	dst = append(dst, ',')
	dst = rt.AppendInt(dst, v.F1)
	return append(dst, ')')
}

// wordcountJob holds everything a batch needs, allocated once in New and reused by every
// batch, so a steady stream of batches allocates little beyond what the lambdas do.
type wordcountJob struct {
	ctx   *rt.Context
	parts int // the default partition count, resolved (settings + flags)

	lines *queueSource[string]

	// reduceByKey at 5:47: map-side combine per input partition, the exchange, and the
	// merge per output partition with its result slices.
	combine0 []*rt.OrderedMap[string, int64]
	ex0      *rt.Exchange[tuple2StringInt]
	merge1   []*rt.OrderedMap[string, int64]
	out1     [][]tuple2StringInt

	// count at 6:7: per-partition counts, then one partition holding the total.
	count0 []int64
	out2   [][]int64
}

// newWordcount returns Pipeline.New. Generated code writes the queue literal into New;
// the test takes it as a parameter so that the benchmark can feed more data.
func newWordcount(queue [][]string) func(ctx *rt.Context) (rt.Job, error) {
	return func(ctx *rt.Context) (rt.Job, error) {
		n := ctx.Settings.Partitions
		j := &wordcountJob{
			ctx:      ctx,
			parts:    n,
			lines:    &queueSource[string]{batches: queue},
			combine0: make([]*rt.OrderedMap[string, int64], n),
			ex0:      rt.NewExchange[tuple2StringInt](n, n),
			merge1:   make([]*rt.OrderedMap[string, int64], n),
			out1:     make([][]tuple2StringInt, n),
			count0:   make([]int64, n),
			out2:     make([][]int64, 1),
		}
		for p := range n {
			j.combine0[p] = rt.NewOrderedMap[string, int64](64)
			j.merge1[p] = rt.NewOrderedMap[string, int64](64)
		}
		ctx.Register(j.lines)
		return j, nil
	}
}

// RunBatch computes one batch: source reads, stages in order, then outputs in order.
func (j *wordcountJob) RunBatch(b *rt.Batch) error {
	in0, err := j.lines.Batch(b.Time.Millis(), j.parts)
	if err != nil {
		return rt.Wrap(opLines, err)
	}
	b.AddInput(rt.Len(in0))

	// Stage 0: flatMap(l => words(l)) → map(w => (w, 1)) → reduceByKey map side; count.
	j.ex0.Reset()
	err = b.Parallel(j.parts, func(p int) (err error) {
		cur := 0
		defer rt.GuardFused(stage0Ops, &cur, &err)
		m := j.combine0[p]
		m.Reset()
		for _, l := range in0[p] {
			cur = 0 // flatMap: words(l) is the stdlib builtin
			for _, w := range strings.Fields(l) {
				cur = 1 // map
				k, v := w, int64(1)
				cur = 2 // reduceByKey, map side: (a, b) => a + b inlined
				if acc, found := m.Ptr(k); found {
					*acc = *acc + v
				} else {
					*acc = v
				}
			}
		}
		cur = 2 // reduceByKey: send the combined pairs to their partitions
		out := j.ex0.Out(p)
		vals := m.Values()
		for i, k := range m.Keys() {
			d := rt.Bucket(rt.HashString(k), len(out))
			out[d] = append(out[d], tuple2StringInt{k, vals[i]})
		}
		cur = 3 // count
		j.count0[p] = int64(len(in0[p]))
		return nil
	})
	if err != nil {
		return err
	}

	// Stage 1: reduceByKey reduce side, per destination partition, in source order.
	err = b.Parallel(j.parts, func(p int) (err error) {
		defer rt.Guard(opReduceByKey, &err)
		m := j.merge1[p]
		m.Reset()
		for s := range j.ex0.Sources() {
			for _, kv := range j.ex0.Buffer(s, p) {
				if acc, found := m.Ptr(kv.F0); found {
					*acc = *acc + kv.F1
				} else {
					*acc = kv.F1
				}
			}
		}
		out := j.out1[p][:0]
		vals := m.Values()
		for i, k := range m.Keys() {
			out = append(out, tuple2StringInt{k, vals[i]})
		}
		j.out1[p] = out
		return nil
	})
	if err != nil {
		return err
	}

	// count: gather the partition counts into the single result partition (0 when empty).
	total := int64(0)
	for _, c := range j.count0 {
		total += c
	}
	j.out2[0] = append(j.out2[0][:0], total)

	// Outputs, in the order written.
	if err := rt.Print(j.ctx.Stdout, b.Time, 10, j.out1, renderTuple2StringInt); err != nil {
		return rt.Wrap(opPrint5, err)
	}
	if err := rt.Print(j.ctx.Stdout, b.Time, 10, j.out2, rt.AppendInt); err != nil {
		return rt.Wrap(opPrint6, err)
	}
	return nil
}

// queueSource stands in for runtime/source's queue: it hands out one literal batch per
// batch read, split into contiguous chunks over the partitions, and is exhausted after
// the last one. Generated code calls Batch on the concrete source type directly; the
// engine sees only its rt.Lifecycle side.
type queueSource[T any] struct {
	batches [][]T
	next    int
}

func (q *queueSource[T]) Start(context.Context) error { return nil }
func (q *queueSource[T]) Stop() error                 { return nil }
func (q *queueSource[T]) Exhausted() bool             { return q.next >= len(q.batches) }

// Batch returns the records of the batch with time batchTime split over parts
// partitions, as runtime/source's Split does: contiguous chunks, the first ones one
// record longer when the records do not divide evenly.
func (q *queueSource[T]) Batch(batchTime int64, parts int) ([][]T, error) {
	out := make([][]T, parts)
	if q.next >= len(q.batches) {
		return out, nil
	}
	recs := q.batches[q.next]
	q.next++
	size, extra := len(recs)/parts, len(recs)%parts
	start := 0
	for p := range out {
		end := start + size
		if p < extra {
			end++
		}
		out[p] = recs[start:end:end]
		start = end
	}
	return out, nil
}

// Example_wordcount runs the hand-written pipeline with the deterministic clock: three
// batches from the queue, then the run ends because the source is exhausted.
func Example_wordcount() {
	code := rt.RunMain(wordcountPipeline, []string{"--replay", "--log-level", "error"}, os.Stdout, os.Stderr)
	if code != 0 {
		panic(code)
	}
	// Output:
	// -------------------------------------------
	// Time: 1000 ms
	// -------------------------------------------
	// (a,2)
	// (b,1)
	// (c,1)
	//
	// -------------------------------------------
	// Time: 1000 ms
	// -------------------------------------------
	// 2
	//
	// -------------------------------------------
	// Time: 2000 ms
	// -------------------------------------------
	//
	// -------------------------------------------
	// Time: 2000 ms
	// -------------------------------------------
	// 0
	//
	// -------------------------------------------
	// Time: 3000 ms
	// -------------------------------------------
	// (b,2)
	//
	// -------------------------------------------
	// Time: 3000 ms
	// -------------------------------------------
	// 1
}

// BenchmarkWordCountHandwritten is the baseline for generated code: the hand-written
// word count over 10 batches of 20,000 lines of 8 words drawn from a 2,000-word
// vocabulary, run by the engine in replay mode. It reports input records (lines) and
// words per second; compare a generated pipeline's benchmark with it.
func BenchmarkWordCountHandwritten(b *testing.B) {
	const batches, lines, wordsPerLine, vocab = 10, 20_000, 8, 2_000
	rng := rand.New(rand.NewPCG(1, 2))
	data := make([][]string, batches)
	var size int64
	for i := range data {
		data[i] = make([]string, lines)
		for j := range data[i] {
			var sb strings.Builder
			for w := range wordsPerLine {
				if w > 0 {
					sb.WriteByte(' ')
				}
				fmt.Fprintf(&sb, "w%d", rng.IntN(vocab))
			}
			data[i][j] = sb.String()
			size += int64(sb.Len())
		}
	}
	p := *wordcountPipeline
	p.New = newWordcount(data)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		if code := rt.RunMain(&p, []string{"--replay", "--log-level", "error"}, io.Discard, io.Discard); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N*batches*lines)/secs, "records/s")
	b.ReportMetric(float64(b.N*batches*lines*wordsPerLine)/secs, "words/s")
}
