package runtime_test

// This file is the reference for code generation of checkpointed pipelines, as
// example_test.go is for the rest: a hand-written version of what streamc should emit
// for the pipeline below, with its state saved to and restored from checkpoints.
//
//	1 pipeline totals
//	2 batch 100ms
//	3 partitions 2
//	4 checkpoint "ckpt"
//	5 let lines = files("in")
//	6 let counts = lines.map(l => (l, 1)).reduceByKey((a, b) => a + b)
//	7 let totals = counts.updateStateByKey((news, total: int?) => Some(sum(news) + total.getOrElse(0)))
//	8 totals.saveAsTextFiles("out/totals")
//	9 lines.countByWindow(300ms, 100ms).saveAsTextFiles("out/window")
//
// What checkpointing adds to a generated program:
//
//   - Pipeline.State lists each stateful operator's section: its name (the binding and
//     the operator, or the operator and its ordinal: never a position) and its type.
//   - New registers sources with ctx.RegisterSource(name, src) under their let names,
//     and passes ctx.WALDir(name) to receivers (stdin, socket).
//   - The job implements rt.Checkpointer: SaveState writes one section per State entry,
//     RestoreState reads them and redistributes keys over the run's partitions.
//   - Outputs run under b.Output(op, ...), which retries them.
//
// The sources (runtime/source) implement rt.Positioned themselves.

import (
	"fmt"
	"time"

	rt "streamc.dev/streamc/runtime"
	"streamc.dev/streamc/runtime/checkpoint"
	"streamc.dev/streamc/runtime/source"
)

var (
	opTotalsLines   = rt.Op{Pos: "totals.stream:5:13", Name: "files"}
	opTotalsMap     = rt.Op{Pos: "totals.stream:6:20", Name: "map"}
	opTotalsReduce  = rt.Op{Pos: "totals.stream:6:40", Name: "reduceByKey"}
	opTotalsUpdate  = rt.Op{Pos: "totals.stream:7:21", Name: "updateStateByKey"}
	opTotalsWindow  = rt.Op{Pos: "totals.stream:9:7", Name: "countByWindow"}
	opTotalsSave8   = rt.Op{Pos: "totals.stream:8:8", Name: "saveAsTextFiles"}
	opTotalsSave9   = rt.Op{Pos: "totals.stream:9:35", Name: "saveAsTextFiles"}
	totalsStage0Ops = []rt.Op{opTotalsMap, opTotalsReduce, opTotalsWindow}
)

// The state section names, as Pipeline.State lists them. updateStateByKey's result is
// bound to `totals`, so its section is named after the binding; countByWindow's is not
// bound and is named by a hash of its definition (lines.countByWindow(300ms, 100ms) over
// files("in")).
const (
	sectionTotals = "updateStateByKey(totals)"
	sectionWindow = "countByWindow@6bfbcffc"
)

// newTotalsPipeline returns the pipeline reading a files source (kind "files") or a
// socket through the write-ahead log (kind "socket"), writing under out. Generated code
// has one kind and literal paths; the test varies them.
func newTotalsPipeline(kind, out string) *rt.Pipeline {
	return &rt.Pipeline{
		Name:       "totals",
		SourceFile: "totals.stream",
		Defaults:   rt.Settings{Batch: 100 * time.Millisecond, Partitions: 2, Checkpoint: "ckpt"},
		Sources:    []rt.SourceInfo{{Name: "lines", Kind: kind, Address: "in", Pos: opTotalsLines.Pos}},
		Outputs: []rt.OutputInfo{
			{Kind: "saveAsTextFiles", Desc: `saveAsTextFiles("out/totals")`, Pos: opTotalsSave8.Pos},
			{Kind: "saveAsTextFiles", Desc: `saveAsTextFiles("out/window")`, Pos: opTotalsSave9.Pos},
		},
		State: []rt.StateInfo{
			{Name: sectionTotals, Type: "(string, int)", Pos: opTotalsUpdate.Pos},
			{Name: sectionWindow, Type: "int; window 300ms, slide 100ms", Pos: opTotalsWindow.Pos},
		},
		New: func(ctx *rt.Context) (rt.Job, error) { return newTotalsJob(ctx, kind, out) },
	}
}

// lineSource is the typed read of the source (generated code uses the concrete type).
type lineSource interface {
	rt.Lifecycle
	Batch(batchTime int64, parts int) ([][]string, error)
}

// windowPartial is countByWindow's kept partial: one batch's count.
type windowPartial struct {
	t     rt.Time
	count int64
}

type totalsJob struct {
	ctx   *rt.Context
	parts int
	out   string
	lines lineSource

	combine0 []*rt.OrderedMap[string, int64]
	ex0      *rt.Exchange[tuple2StringInt]
	count0   []int64
	// updateStateByKey: the new values merged per key, then the running state, per
	// partition after the exchange.
	merge1 []*rt.OrderedMap[string, int64]
	state1 []*rt.OrderedMap[string, int64]
	out1   [][]tuple2StringInt
	// countByWindow(300ms, 100ms): the counts of the batches still in a future window.
	window []windowPartial
	out2   [][]int64
}

func newTotalsJob(ctx *rt.Context, kind, out string) (*totalsJob, error) {
	n := ctx.Settings.Partitions
	j := &totalsJob{
		ctx: ctx, parts: n, out: out,
		combine0: make([]*rt.OrderedMap[string, int64], n),
		ex0:      rt.NewExchange[tuple2StringInt](n, n),
		count0:   make([]int64, n),
		merge1:   make([]*rt.OrderedMap[string, int64], n),
		state1:   make([]*rt.OrderedMap[string, int64], n),
		out1:     make([][]tuple2StringInt, n),
		out2:     make([][]int64, 1),
	}
	for p := range n {
		j.combine0[p] = rt.NewOrderedMap[string, int64](64)
		j.merge1[p] = rt.NewOrderedMap[string, int64](64)
		j.state1[p] = rt.NewOrderedMap[string, int64](64)
	}
	addr := ctx.SourceAddress("lines")
	switch kind {
	case "files":
		j.lines = source.NewFiles(addr, source.FilesOptions{Replay: ctx.Replay, Logger: ctx.Log})
	case "socket":
		j.lines = source.NewSocket(addr, source.SocketOptions{WALDir: ctx.WALDir("lines"), Logger: ctx.Log,
			MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond})
	default:
		return nil, fmt.Errorf("unknown source kind %q", kind)
	}
	ctx.RegisterSource("lines", j.lines)
	return j, nil
}

// DrainBatches lets the 300ms window slide past the end of the input.
func (j *totalsJob) DrainBatches() int { return 2 }

func (j *totalsJob) RunBatch(b *rt.Batch) error {
	in0, err := j.lines.Batch(b.Time.Millis(), j.parts)
	if err != nil {
		return rt.Wrap(opTotalsLines, err)
	}
	b.AddInput(rt.Len(in0))

	// Stage 0: map → reduceByKey map side; countByWindow's per-partition count.
	j.ex0.Reset()
	err = b.Parallel(j.parts, func(p int) (err error) {
		cur := 0
		defer rt.GuardFused(totalsStage0Ops, &cur, &err)
		m := j.combine0[p]
		m.Reset()
		for _, l := range in0[p] {
			cur = 0
			k, v := l, int64(1)
			cur = 1
			if acc, found := m.Ptr(k); found {
				*acc += v
			} else {
				*acc = v
			}
		}
		cur = 1
		out := j.ex0.Out(p)
		vals := m.Values()
		for i, k := range m.Keys() {
			d := rt.Bucket(rt.HashString(k), len(out))
			out[d] = append(out[d], tuple2StringInt{k, vals[i]})
		}
		cur = 2
		j.count0[p] = int64(len(in0[p]))
		return nil
	})
	if err != nil {
		return err
	}

	// Stage 1: reduceByKey reduce side, then updateStateByKey over every key with state
	// (keys without new values keep theirs: sum([]) + total).
	err = b.Parallel(j.parts, func(p int) (err error) {
		defer rt.Guard(opTotalsUpdate, &err)
		m := j.merge1[p]
		m.Reset()
		for s := range j.ex0.Sources() {
			for _, kv := range j.ex0.Buffer(s, p) {
				if acc, found := m.Ptr(kv.F0); found {
					*acc += kv.F1
				} else {
					*acc = kv.F1
				}
			}
		}
		st := j.state1[p]
		vals := m.Values()
		for i, k := range m.Keys() {
			total, _ := st.Ptr(k)
			*total += vals[i]
		}
		out := j.out1[p][:0]
		svals := st.Values()
		for i, k := range st.Keys() {
			out = append(out, tuple2StringInt{k, svals[i]})
		}
		j.out1[p] = out
		return nil
	})
	if err != nil {
		return err
	}

	// countByWindow: keep this batch's count, drop the batches no future window holds.
	var n int64
	for _, c := range j.count0 {
		n += c
	}
	j.window = append(j.window, windowPartial{b.Time, n})
	keepAfter := b.Time - rt.Time(300) // the window at t covers (t - 300ms, t]
	var sum int64
	kept := j.window[:0]
	for _, w := range j.window {
		if w.t > keepAfter {
			kept = append(kept, w)
			sum += w.count
		}
	}
	j.window = kept
	j.out2[0] = append(j.out2[0][:0], sum)

	// Outputs, in the order written, each under Output's retries.
	if err := b.Output(opTotalsSave8, func() error {
		return rt.SaveAsTextFiles(j.out+"/totals", "", b.Time, j.out1, renderTuple2StringInt)
	}); err != nil {
		return err
	}
	return b.Output(opTotalsSave9, func() error {
		return rt.SaveAsTextFiles(j.out+"/window", "", b.Time, j.out2, rt.AppendInt)
	})
}

// SaveState writes one section per Pipeline.State entry. Keyed state is written as a
// whole — partition by partition, each in its own order — so RestoreState can
// redistribute it over any partition count.
func (j *totalsJob) SaveState(w *checkpoint.Writer) error {
	if err := w.Section(sectionTotals, func(w *checkpoint.Writer) error {
		n := 0
		for _, st := range j.state1 {
			n += st.Len()
		}
		w.Len(n)
		for _, st := range j.state1 {
			for k, v := range st.All() {
				w.String(k)
				w.Varint(v)
			}
		}
		return nil
	}); err != nil {
		return err
	}
	return w.Section(sectionWindow, func(w *checkpoint.Writer) error {
		w.Len(len(j.window))
		for _, p := range j.window {
			w.Varint(int64(p.t))
			w.Varint(p.count)
		}
		return nil
	})
}

// RestoreState reads the sections back. A key goes to partition Bucket(hash(key), n) for
// this run's n; with the same n every partition gets its keys back in their order.
func (j *totalsJob) RestoreState(r *checkpoint.Reader) error {
	s, err := r.Section(sectionTotals)
	if err != nil {
		return err
	}
	for range s.Len() {
		k, v := s.String(), s.Varint()
		j.state1[rt.Bucket(rt.HashString(k), j.parts)].Put(k, v)
	}
	if err := s.Done(); err != nil {
		return fmt.Errorf("%s: %w", sectionTotals, err)
	}
	s, err = r.Section(sectionWindow)
	if err != nil {
		return err
	}
	j.window = j.window[:0]
	for range s.Len() {
		j.window = append(j.window, windowPartial{rt.Time(s.Varint()), s.Varint()})
	}
	if err := s.Done(); err != nil {
		return fmt.Errorf("%s: %w", sectionWindow, err)
	}
	return nil
}
