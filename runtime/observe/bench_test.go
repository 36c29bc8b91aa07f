package observe_test

import (
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	rt "streamc.dev/streamc/runtime"
	"streamc.dev/streamc/runtime/observe"
	"streamc.dev/streamc/runtime/status"
)

// BenchmarkPagePoll is what one refresh of the page costs the pipeline's process with a
// full history (1000 batches of two sources, four stages and two outputs): the six
// requests it sends, answered by the handler. The page sends them at most once a second.
func BenchmarkPagePoll(b *testing.B) {
	app := status.App{ID: "p", Name: "p", Interval: time.Second,
		Sources: []status.SourceInfo{{Name: "a", Kind: "socket"}, {Name: "b", Kind: "kafka"}},
		Outputs: []status.OutputInfo{{Kind: "print", Desc: "print(10)", Pos: "p.stream:4:3"}, {Kind: "writeTo", Desc: "writeTo(db)", Pos: "p.stream:5:3"}}}
	rec := status.NewRecorder(app, status.DefaultRetainedBatches)
	rec.SourcesStarted()
	for i := range status.DefaultRetainedBatches {
		t := int64(i+1) * 1000
		start := time.UnixMilli(t)
		rec.BeginBatch(t, int64(i), false, start, start)
		for s := range 4 {
			rec.AddStage(status.Stage{ID: s, Name: "stage " + strconv.Itoa(s), Partitions: 8, Input: 100, Started: start, Duration: time.Millisecond})
		}
		for o := range 2 {
			rec.AddOutput(status.Output{ID: o, Name: "print", Pos: app.Outputs[o].Pos, Started: start, Ended: start, Duration: time.Millisecond, Attempts: 1, Records: 50})
		}
		rec.SetSource(0, status.Source{State: "receiving", Active: true, Records: t})
		rec.SetSource(1, status.Source{State: "receiving", Active: true, Records: t,
			Partitions: []status.Partition{{Topic: "t", Partition: 0, Next: t, End: t + 5}, {Topic: "t", Partition: 1, Next: t, End: t}}})
		rec.EndBatch(start.Add(5*time.Millisecond), 200, []int64{100, 100}, 0, 0, nil)
	}
	h := observe.Handler(&rt.Operations{Pipeline: &rt.Pipeline{Name: "p"}, Status: rec})
	api := "/api/v1/applications/p/streaming"
	// The page's steady state: only batches newer than the newest it has.
	paths := []string{api + "/statistics", api + "/batches?since=" + strconv.Itoa(status.DefaultRetainedBatches*1000-1000),
		api + "/receivers?eventRates=false", api + "/outputs", api + "/checkpoints", api + "/plan"}
	b.ReportAllocs()
	for range b.N {
		for _, p := range paths {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("GET", p, nil))
			if w.Code != 200 {
				b.Fatalf("%s: %d", p, w.Code)
			}
		}
	}
}

// BenchmarkScrape is one Prometheus scrape of the same run.
func BenchmarkScrape(b *testing.B) {
	app := status.App{ID: "p", Name: "p", Interval: time.Second, Sources: []status.SourceInfo{{Name: "a", Kind: "socket"}}}
	rec := status.NewRecorder(app, 0)
	h := observe.Handler(&rt.Operations{Pipeline: &rt.Pipeline{Name: "p"}, Status: rec})
	b.ReportAllocs()
	for range b.N {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	}
}
