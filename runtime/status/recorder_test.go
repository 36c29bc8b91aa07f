package status

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func testApp() App {
	return App{ID: "p", Name: "p", Interval: time.Second,
		Sources: []SourceInfo{{Name: "in", Kind: "socket"}},
		Outputs: []OutputInfo{{Kind: "print", Desc: "print(10)", Pos: "p.stream:4:3"}}}
}

// record runs one batch of t through r: a stage, the output, the source's status.
func record(r *Recorder, t int64, input int64, err error) {
	start := time.UnixMilli(t)
	r.BeginBatch(t, t/1000, false, start, start)
	r.AddStage(Stage{ID: 0, Name: "stage 0", Partitions: 2, Input: input, Started: start, Duration: time.Millisecond})
	r.AddOutput(Output{ID: 0, Name: "print", Pos: "p.stream:4:3", Started: start, Ended: start.Add(2 * time.Millisecond),
		Duration: 2 * time.Millisecond, Attempts: 1, Records: input})
	r.SetSource(0, Source{State: "receiving", Active: true, Records: t})
	r.EndBatch(start.Add(5*time.Millisecond), input, []int64{input}, 0, 0, err)
}

func TestHistoryIsBounded(t *testing.T) {
	r := NewRecorder(testApp(), 3)
	for i := int64(1); i <= 5; i++ {
		record(r, i*1000, i, nil)
	}
	s := r.Snapshot(Select{Batches: true, Checkpoints: true})
	if len(s.Batches) != 3 || s.Batches[0].Time != 3000 || s.Batches[2].Time != 5000 {
		t.Fatalf("retained %+v", s.Batches)
	}
	if since := r.Snapshot(Select{Batches: true, Since: 4000}).Batches; len(since) != 1 || since[0].Time != 5000 {
		t.Errorf("batches since 4000: %+v", since)
	}
	if rt := s.Retained; rt.Completed != 3 || rt.Input != 3+4+5 || rt.SourceInput[0] != 12 || rt.SourceBatches[0] != 3 ||
		rt.ProcessingTime != 15*time.Millisecond {
		t.Errorf("retained sums %+v", rt)
	}
	if s.Totals.Completed != 5 || s.Totals.Input != 15 || s.Histograms[1].Count != 5 || s.Last.Time != 5000 {
		t.Errorf("totals %+v, last %+v", s.Totals, s.Last)
	}
	if o := s.Outputs[0]; o.Runs != 5 || o.Records != 15 || !o.RecordsKnown {
		t.Errorf("output totals %+v", o)
	}
	if len(s.Batches[2].Stages) != 1 || len(s.Batches[2].Outputs) != 1 || s.Batches[2].ProcessingTime != 5*time.Millisecond {
		t.Errorf("newest batch %+v", s.Batches[2])
	}
}

func TestReadiness(t *testing.T) {
	r := NewRecorder(testApp(), 10)
	reasons := func() string {
		s := r.Snapshot(Select{})
		if s.Ready != (len(s.NotReady) == 0) {
			t.Errorf("Ready %v with reasons %q", s.Ready, s.NotReady)
		}
		return strings.Join(s.NotReady, "; ")
	}
	if why := reasons(); !strings.Contains(why, "sources not started") {
		t.Errorf("before start: %q", why)
	}
	r.SourcesStarted()
	r.SetSource(0, Source{State: "connecting"})
	if why := reasons(); !strings.Contains(why, "source in is connecting") {
		t.Errorf("connecting: %q", why)
	}
	r.SetSource(0, Source{State: "receiving", Active: true})
	if why := reasons(); why != "" {
		t.Errorf("running: %q", why)
	}
	r.OutputAttemptFailed(0, "connection refused", time.Now())
	if why := reasons(); !strings.Contains(why, "output print(10) at p.stream:4:3 is failing: connection refused") {
		t.Errorf("output retrying: %q", why)
	}
	record(r, 1000, 1, nil) // the retry succeeded
	if why := reasons(); why != "" {
		t.Errorf("after the retry succeeded: %q", why)
	}
	// A batch that started 30s after its time: catching up beyond max(10 batches, 10s).
	start := time.Now()
	r.BeginBatch(2000, 2, false, start.Add(-30*time.Second), start)
	r.EndBatch(start, 0, nil, 0, 0, nil)
	if why := reasons(); !strings.Contains(why, "catching up") {
		t.Errorf("behind: %q", why)
	}
	record(r, 3000, 1, errors.New("boom"))
	if why := reasons(); !strings.Contains(why, "batch 3000 failed") {
		t.Errorf("failed batch: %q", why)
	}
	r.Stopped()
	if why := reasons(); !strings.Contains(why, "the run is over") {
		t.Errorf("stopped: %q", why)
	}
}

func TestHistogram(t *testing.T) {
	h := NewHistogram([]float64{1, 2, 5})
	for _, v := range []float64{0.5, 1, 1.5, 4, 9} {
		h.Observe(v)
	}
	if got := h.Cumulative(); got[0] != 2 || got[1] != 3 || got[2] != 4 || h.Over != 1 || h.Count != 5 || h.Sum != 16 {
		t.Errorf("cumulative %v, over %d, count %d, sum %v", got, h.Over, h.Count, h.Sum)
	}
}

// BenchmarkRecordBatch is what the engine adds to every batch of a run with the
// operations server: begin, a stage, an output, the source's status and the end.
func BenchmarkRecordBatch(b *testing.B) {
	r := NewRecorder(testApp(), DefaultRetainedBatches)
	b.ReportAllocs()
	for i := range b.N {
		record(r, int64(i+1)*1000, 100, nil)
	}
}

// BenchmarkSnapshot is what one poll of the page costs the recorder's lock holder: a
// copy of a full history of 1000 batches.
func BenchmarkSnapshot(b *testing.B) {
	r := NewRecorder(testApp(), DefaultRetainedBatches)
	for i := range DefaultRetainedBatches {
		record(r, int64(i+1)*1000, 100, nil)
	}
	b.ReportAllocs()
	for range b.N {
		r.Snapshot(Select{Batches: true, Checkpoints: true})
	}
}
