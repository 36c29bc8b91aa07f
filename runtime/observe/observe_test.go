package observe_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	rt "streamc.dev/streamc/runtime"
	"streamc.dev/streamc/runtime/observe"
	"streamc.dev/streamc/runtime/source"
)

// testJob is written the way generated code is: a stage method per stage (the page
// names stages after them), outputs under b.Output.
type testJob struct {
	src   *source.Queue[string]
	keep  [][]string
	fails int           // attempts of the second output of the third batch that fail before one succeeds
	held  chan struct{} // closed when the fifth batch starts
	hold  chan struct{} // the fifth batch waits for it
	// failAt is the index of a batch that fails (0: none).
	failAt int64
}

var (
	opQueue = rt.Op{Pos: "t.stream:3:5", Name: "queue"}
	opPrint = rt.Op{Pos: "t.stream:5:10", Name: "print"}
	opSave  = rt.Op{Pos: "t.stream:6:10", Name: "saveAsTextFiles"}
)

func (j *testJob) RunBatch(b *rt.Batch) error {
	if j.failAt > 0 && b.Index == j.failAt {
		return errors.New("the fourth batch fails")
	}
	if b.Index == 4 {
		close(j.held)
		<-j.hold
	}
	if err := j.stage0(b); err != nil {
		return err
	}
	if err := b.Output(opPrint, func() error {
		return rt.Print(b.Context().Stdout, b.Time, 10, j.keep, rt.AppendString)
	}); err != nil {
		return err
	}
	return b.Output(opSave, func() error {
		if b.Index == 2 && j.fails > 0 {
			j.fails--
			return errors.New("disk on fire")
		}
		return nil
	})
}

func (j *testJob) stage0(b *rt.Batch) error {
	in, err := j.src.Batch(int64(b.Time), 2)
	if err != nil {
		return rt.Wrap(opQueue, err)
	}
	b.AddInput(rt.Len(in))
	return b.Parallel(2, func(p int) error {
		j.keep[p] = append(j.keep[p][:0], in[p]...)
		return nil
	})
}

func testPipeline(j *testJob) *rt.Pipeline {
	return &rt.Pipeline{
		Name: "obs", SourceFile: "t.stream",
		Defaults: rt.Settings{Batch: time.Second, Partitions: 2},
		Sources:  []rt.SourceInfo{{Name: "lines", Kind: "queue", Address: "[...]", Pos: "t.stream:3:5"}},
		Outputs: []rt.OutputInfo{{Kind: "print", Desc: "print(10)", Pos: "t.stream:5:10"},
			{Kind: "saveAsTextFiles", Desc: `saveAsTextFiles("out")`, Pos: "t.stream:6:10"}},
		New: func(ctx *rt.Context) (rt.Job, error) {
			j.src = source.NewQueue("lines", [][]string{{"a", "b", "c"}, {"d"}, {"e", "f"}, {}, {"g", "h", "i", "j"}, {"k"}})
			j.keep = make([][]string, 2)
			ctx.RegisterSource("lines", j.src)
			return j, nil
		},
	}
}

// syncBuffer is a bytes.Buffer safe for the pipeline's logger and the test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// run starts the test pipeline in process with the operations server and returns its
// base URL; the pipeline holds its fifth batch until release is called.
func run(t *testing.T, extra ...string) (base string, release func()) {
	return runIn(t, t.TempDir(), extra...)
}

// runIn is run with the checkpoint directory ckpt.
func runIn(t *testing.T, ckpt string, extra ...string) (base string, release func()) {
	t.Helper()
	observe.Enable()
	j := &testJob{fails: 1, held: make(chan struct{}), hold: make(chan struct{})}
	var stderr syncBuffer
	done := make(chan int, 1)
	args := append([]string{"--replay", "--http", "127.0.0.1:0", "--output-backoff", "1ms", "--checkpoint", ckpt}, extra...)
	go func() { done <- rt.RunMain(testPipeline(j), args, io.Discard, &stderr) }()
	addrRE := regexp.MustCompile(`operations server listening"? pipeline=\S+ addr=(\S+)`)
	waitFor(t, "the operations server", func() bool { return addrRE.MatchString(stderr.String()) })
	base = "http://" + addrRE.FindStringSubmatch(stderr.String())[1]
	select {
	case <-j.held:
	case <-time.After(10 * time.Second):
		t.Fatalf("the fifth batch did not start:\n%s", stderr.String())
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			close(j.hold)
			if code := <-done; code != 0 {
				t.Errorf("exit %d:\n%s", code, stderr.String())
			}
		})
	}
	t.Cleanup(release)
	return base, release
}

func get(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if v != nil && resp.StatusCode == 200 {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("%s: %v\n%s", url, err, body)
		}
	}
	return resp.StatusCode
}

// TestRESTAPI checks the Spark-shaped endpoints against what the pipeline did: four
// batches completed (the fifth is held in flight), the second output of batch 3000
// retried once, 3+1+2+0 records read.
func TestRESTAPI(t *testing.T) {
	base, _ := run(t)
	api := base + "/api/v1/applications/obs/streaming"

	var apps []observe.Application
	get(t, base+"/api/v1/applications", &apps)
	if len(apps) != 1 || apps[0].ID != "obs" || len(apps[0].Attempts) != 1 {
		t.Errorf("applications = %+v", apps)
	}

	var st observe.Statistics
	get(t, api+"/statistics", &st)
	if st.BatchDuration != 1000 || st.NumTotalCompletedBatches != 4 || st.NumReceivedRecords != 6 ||
		st.NumReceivers != 1 || st.NumActiveBatches != 1 || !st.Replay || st.AvgProcessingTime == nil {
		t.Errorf("statistics = %+v", st)
	}

	var batches []observe.BatchInfo
	get(t, api+"/batches", &batches)
	if len(batches) != 5 {
		t.Fatalf("%d batches, want 4 completed and 1 processing: %+v", len(batches), batches)
	}
	// Newest first, the one in flight at the top.
	wantInput := map[int64]int64{4000: 0, 3000: 2, 2000: 1, 1000: 3}
	for i, b := range batches {
		if i == 0 {
			if b.BatchID != 5000 || b.Status != "PROCESSING" || b.ProcessingTime != nil {
				t.Errorf("batch in flight = %+v", b)
			}
			continue
		}
		if b.Status != "COMPLETED" || b.InputSize != wantInput[b.BatchID] || b.NumCompletedOutputOps != 2 ||
			b.NumTotalOutputOps != 2 || b.SourceInput["lines"] != b.InputSize || b.SchedulingDelay == nil || *b.SchedulingDelay != 0 {
			t.Errorf("batch %d = %+v", b.BatchID, b)
		}
	}
	var completed []observe.BatchInfo
	get(t, api+"/batches?status=COMPLETED&since=2000", &completed)
	if len(completed) != 2 || completed[0].BatchID != 4000 || completed[1].BatchID != 3000 {
		t.Errorf("completed since 2000 = %+v", completed)
	}

	var b1 observe.BatchInfo
	get(t, api+"/batches/1000", &b1)
	if len(b1.Stages) != 1 || b1.Stages[0].Name != "stage 0" || b1.Stages[0].StageID != 0 ||
		b1.Stages[0].Partitions != 2 || b1.Stages[0].Input != 3 {
		t.Errorf("batch 1000 stages = %+v", b1.Stages)
	}
	var ops []observe.OutputOperationInfo
	get(t, api+"/batches/3000/operations", &ops)
	if len(ops) != 2 || ops[0].Description != "print(10)" || ops[0].Records == nil || *ops[0].Records != 2 ||
		ops[1].Attempts != 2 || ops[1].FailureReason != nil || ops[1].EndTime == nil {
		t.Errorf("operations of batch 3000 = %+v", ops)
	}
	if code := get(t, api+"/batches/999", nil); code != 404 {
		t.Errorf("unknown batch: %d, want 404", code)
	}
	if code := get(t, base+"/api/v1/applications/other/streaming/statistics", nil); code != 404 {
		t.Errorf("unknown application: %d, want 404", code)
	}

	var recv []observe.ReceiverInfo
	get(t, api+"/receivers", &recv)
	if len(recv) != 1 || recv[0].StreamName != "lines" || recv[0].Records != 6 || recv[0].IsActive == nil ||
		!*recv[0].IsActive || len(recv[0].EventRates) != 4 || recv[0].AvgEventRate == nil || *recv[0].AvgEventRate != 1.5 {
		t.Errorf("receivers = %+v", recv)
	}

	var outs []observe.OutputInfo
	get(t, api+"/outputs", &outs)
	if len(outs) != 2 || outs[0].Runs != 4 || outs[0].Records == nil || *outs[0].Records != 6 ||
		outs[1].Retries != 1 || outs[1].Failures != 0 || outs[1].Failing || outs[1].LastError == nil {
		t.Errorf("outputs = %+v", outs)
	}

	var ck observe.Checkpoints
	get(t, api+"/checkpoints", &ck)
	if !ck.Enabled || ck.Written < 1 || len(ck.Checkpoints) != int(ck.Written) || ck.Checkpoints[0].Bytes == 0 {
		t.Errorf("checkpoints = %+v", ck)
	}

	var plan observe.Plan
	get(t, api+"/plan", &plan)
	if len(plan.Sources) != 1 || len(plan.Outputs) != 2 || len(plan.Stages) != 1 {
		t.Errorf("plan = %+v", plan)
	}
}

// TestPrometheus parses /metrics with the Prometheus text parser and checks the
// pipeline's counters, the batch histograms and the per-source and per-output series.
func TestPrometheus(t *testing.T) {
	base, _ := run(t)
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type %q", ct)
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	one := func(name string, labels ...string) *dto.Metric {
		t.Helper()
		f := fams[name]
		if f == nil {
			t.Fatalf("no %s", name)
		}
	next:
		for _, m := range f.Metric {
			have := map[string]string{}
			for _, l := range m.Label {
				have[l.GetName()] = l.GetValue()
			}
			if have["pipeline"] != "obs" {
				t.Errorf("%s without pipeline=obs: %v", name, have)
			}
			for i := 0; i+1 < len(labels); i += 2 {
				if have[labels[i]] != labels[i+1] {
					continue next
				}
			}
			return m
		}
		t.Fatalf("no %s%v", name, labels)
		return nil
	}
	check := func(name string, got, want float64) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	check("streamc_batches_completed_total", one("streamc_batches_completed_total").GetCounter().GetValue(), 4)
	check("streamc_input_records_total", one("streamc_input_records_total").GetCounter().GetValue(), 6)
	check("streamc_batches_active", one("streamc_batches_active").GetGauge().GetValue(), 1)
	check("streamc_ready", one("streamc_ready").GetGauge().GetValue(), 1)
	check("streamc_batch_interval_seconds", one("streamc_batch_interval_seconds").GetGauge().GetValue(), 1)
	h := one("streamc_batch_processing_seconds").GetHistogram()
	check("streamc_batch_processing_seconds count", float64(h.GetSampleCount()), 4)
	if len(h.Bucket) == 0 || h.Bucket[len(h.Bucket)-1].GetCumulativeCount() != 4 {
		t.Errorf("processing buckets %v", h.Bucket)
	}
	check("source records", one("streamc_source_records_total", "source", "lines", "kind", "queue").GetCounter().GetValue(), 6)
	check("print records", one("streamc_output_records_total", "output", "print(10)").GetCounter().GetValue(), 6)
	check("save retries", one("streamc_output_retries_total", "position", "t.stream:6:10").GetCounter().GetValue(), 1)
	if c := one("streamc_checkpoints_total").GetCounter().GetValue(); c < 1 {
		t.Errorf("streamc_checkpoints_total = %v", c)
	}
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes", "streamc_info", "streamc_batch_total_delay_seconds"} {
		if fams[name] == nil {
			t.Errorf("no %s", name)
		}
	}
}

// TestProbesAndPprof checks /healthz, /ready (and that it turns 503 when the run is
// over), the page and its assets, and that pprof is served only with --pprof.
func TestProbesAndPprof(t *testing.T) {
	base, release := run(t)
	for path, want := range map[string]int{"/healthz": 200, "/ready": 200, "/": 200, "/static/app.js": 200,
		"/static/uplot.iife.min.js": 200, "/debug/pprof/": 404, "/static/nothing.js": 404} {
		if code := get(t, base+path, nil); code != want {
			t.Errorf("GET %s: %d, want %d", path, code, want)
		}
	}
	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`<script src="static/uplot.iife.min.js">`, `id="completed-table"`} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("the page lacks %s", want)
		}
	}
	release()

	base, _ = run(t, "--pprof")
	if code := get(t, base+"/debug/pprof/", nil); code != 200 {
		t.Errorf("GET /debug/pprof/ with --pprof: %d", code)
	}
}

// TestRecoveryMarksReruns restarts the pipeline after its fourth batch failed: the
// batches logged since the checkpoint are re-run, and the API marks them so.
func TestRecoveryMarksReruns(t *testing.T) {
	ckpt := t.TempDir()
	j := &testJob{failAt: 3, held: make(chan struct{}), hold: make(chan struct{})}
	if code := rt.RunMain(testPipeline(j), []string{"--replay", "--checkpoint", ckpt}, io.Discard, io.Discard); code != rt.ExitFailure {
		t.Fatalf("the failing run exited %d, want %d", code, rt.ExitFailure)
	}
	base, _ := runIn(t, ckpt)
	api := base + "/api/v1/applications/obs/streaming"
	var st observe.Statistics
	get(t, api+"/statistics", &st)
	if !st.Recovered || st.ResumedFromBatch == nil || *st.ResumedFromBatch != 0 || st.NumRecoveredBatches != 4 {
		t.Errorf("statistics after recovery = %+v", st)
	}
	var batches []observe.BatchInfo
	get(t, api+"/batches?status=COMPLETED", &batches)
	for _, b := range batches {
		if b.Recovering != (b.BatchID <= 4000) {
			t.Errorf("batch %d: rerunAfterRecovery %v", b.BatchID, b.Recovering)
		}
	}
	if len(batches) != 4 {
		t.Errorf("%d completed batches, want the 4 re-run", len(batches))
	}
}
