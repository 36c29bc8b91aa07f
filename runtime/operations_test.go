package runtime

import (
	"io"
	"testing"
	"time"

	"streamc.dev/streamc/runtime/status"
)

// benchJob runs a batch the way generated code does: four stages, two outputs.
type benchJob struct{ keep [][]int }

func (j *benchJob) stage0(b *Batch) error {
	b.AddInput(1000)
	return b.Parallel(2, func(p int) error { j.keep[p] = j.keep[p][:0]; return nil })
}

func (j *benchJob) RunBatch(b *Batch) error {
	for range 4 {
		if err := j.stage0(b); err != nil {
			return err
		}
	}
	for _, op := range []Op{{Pos: "b.stream:5:3", Name: "print"}, {Pos: "b.stream:6:3", Name: "print"}} {
		if err := b.Output(op, func() error { noteOutputRecords(Len(j.keep)); return nil }); err != nil {
			return err
		}
	}
	return nil
}

// BenchmarkBatchObservation compares a batch of four stages and two outputs run as the
// engine runs it with the operations server (observed: each stage and output timed and
// recorded, the batch begun and ended in the recorder) and without: the difference is
// what the figures of the page cost every batch.
func BenchmarkBatchObservation(b *testing.B) {
	p := &Pipeline{Name: "bench", Outputs: []OutputInfo{{Kind: "print", Pos: "b.stream:5:3"}, {Kind: "print", Pos: "b.stream:6:3"}}}
	for _, observed := range []bool{false, true} {
		name := "plain"
		if observed {
			name = "observed"
		}
		b.Run(name, func(b *testing.B) {
			ctx := NewContext(p, Settings{Batch: time.Second, Partitions: 2}, io.Discard, nil)
			if observed {
				ctx.Status = status.NewRecorder(status.App{Name: "bench", Interval: time.Second,
					Outputs: []status.OutputInfo{{Pos: "b.stream:5:3"}, {Pos: "b.stream:6:3"}}}, 0)
			}
			j := &benchJob{keep: make([][]int, 2)}
			b.ReportAllocs()
			for i := range b.N {
				t := Time(i+1) * 1000
				batch := ctx.NewBatch(t, int64(i))
				start := time.Now()
				if observed {
					ctx.Status.BeginBatch(int64(t), int64(i), false, start, start)
					batch.obs = newBatchObs(ctx.Status, start)
				}
				if err := j.RunBatch(batch); err != nil {
					b.Fatal(err)
				}
				if observed {
					batch.obs.end()
					ctx.Status.EndBatch(time.Now(), batch.Input(), []int64{batch.Input()}, 0, 0, nil)
				}
			}
		})
	}
}
