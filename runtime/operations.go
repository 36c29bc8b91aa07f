package runtime

import (
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"reflect"
	goruntime "runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"streamc.dev/streamc/runtime/status"
)

// Operations is what an operations server serves: the run's figures and the switches
// of its command line. The engine builds one when the http setting (or --http) is set.
type Operations struct {
	Pipeline *Pipeline
	Status   *status.Recorder
	// Pprof serves net/http/pprof under /debug/pprof/ (--pprof).
	Pprof bool
	Log   *slog.Logger
}

// operationsHandler builds the operations server's handler; nil until a package such as
// runtime/observe installs one.
var operationsHandler atomic.Pointer[func(*Operations) http.Handler]

// SetOperationsHandler installs the function that builds the handler of the http
// setting's server: the web UI, the REST API and Prometheus metrics of runtime/observe,
// whose Enable generated programs call before Main. It lives outside the runtime core so
// that the core stays on the standard library. Without it the server answers /healthz
// and /ready only.
func SetOperationsHandler(f func(*Operations) http.Handler) { operationsHandler.Store(&f) }

// serveOperations starts the operations server on addr in the background.
func (e *engine) serveOperations(addr string) error {
	ln, err := net.Listen("tcp", listenAddress(addr))
	if err != nil {
		return err
	}
	ops := &Operations{Pipeline: e.ctx.Pipeline, Status: e.ctx.Status, Pprof: e.cfg.pprof, Log: e.log}
	var h http.Handler
	if f := operationsHandler.Load(); f != nil {
		h = (*f)(ops)
	} else {
		h = BasicHandler(ops)
		e.log.Warn("the web UI, REST API and Prometheus metrics are not linked into this program (its .stream file has no http setting): serving /healthz and /ready only")
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	e.ctx.OnClose(srv)
	e.log.Info("operations server listening", "addr", ln.Addr().String(), "pprof", e.cfg.pprof)
	return nil
}

// BasicHandler serves what needs no more than the standard library: GET /healthz
// ("ok" while the process serves) and GET /ready (200 when the run is ready, else 503,
// with the reasons as JSON). runtime/observe serves these too, beside the rest.
func BasicHandler(ops *Operations) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", Healthz)
	mux.HandleFunc("GET /ready", func(w http.ResponseWriter, r *http.Request) { Ready(w, ops.Status) })
	return mux
}

// Healthz answers a liveness probe: the process is up and serving.
func Healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// Ready answers a readiness probe from rec: 200 {"ready":true} when the sources are
// connected, no output is failing and the run is not catching up, else 503 with the
// reasons.
func Ready(w http.ResponseWriter, rec *status.Recorder) {
	ready, why := true, []string(nil)
	if rec != nil {
		s := rec.Snapshot(status.Select{})
		ready, why = s.Ready, s.NotReady
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if !ready {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	if why == nil {
		why = []string{}
	}
	json.NewEncoder(w).Encode(struct {
		Ready   bool     `json:"ready"`
		Reasons []string `json:"reasons"`
	}{ready, why})
}

// newRecorder describes the run to a status recorder.
func newRecorder(ctx *Context, cfg *runConfig) *status.Recorder {
	p, s := ctx.Pipeline, ctx.Settings
	app := status.App{
		ID: p.Name, Name: p.Name, SourceFile: p.SourceFile, Version: Version, Started: time.Now(),
		Interval: s.Batch, Partitions: s.Partitions, Replay: cfg.replay, Plan: p.Plan,
	}
	for _, si := range p.Sources {
		app.Sources = append(app.Sources, status.SourceInfo{Name: si.Name, Kind: si.Kind, Address: ctx.SourceAddress(si.Name), Pos: si.Pos})
	}
	for _, o := range p.Outputs {
		app.Outputs = append(app.Outputs, status.OutputInfo{Kind: o.Kind, Desc: o.Desc, Pos: o.Pos})
	}
	for _, st := range p.State {
		app.State = append(app.State, status.StateInfo{Name: st.Name, Type: st.Type, Pos: st.Pos})
	}
	set := func(name, value string) {
		app.Settings = append(app.Settings, status.Setting{Name: name, Value: value})
	}
	set("batch", s.Batch.String())
	set("partitions", strconv.Itoa(s.Partitions))
	if s.Checkpoint != "" {
		set("checkpoint", s.Checkpoint)
		set("checkpoint-every", s.CheckpointEvery.String())
	}
	if s.MaxRate > 0 {
		set("max-rate", strconv.FormatInt(s.MaxRate, 10))
	}
	set("backpressure", strconv.FormatBool(s.Backpressure))
	if s.InitialRate > 0 {
		set("initial-rate", strconv.FormatInt(s.InitialRate, 10))
	}
	set("on-bad-record", s.OnBadRecord.String())
	set("output-attempts", strconv.Itoa(s.OutputAttempts))
	set("output-backoff", s.OutputBackoff.String())
	set("stop-timeout", s.StopTimeout.String())
	set("replay", strconv.FormatBool(cfg.replay))
	rec := status.NewRecorder(app, cfg.retainedBatches)
	rec.SetMaxDelay(cfg.readyMaxDelay)
	return rec
}

// batchObs is what the engine observes of the batch in flight, kept on its root Batch
// when the run has a status recorder: the stages timed by Batch.Parallel and the
// outputs by Batch.Output. Its phases follow one another: each runs from the end of the
// previous one (mark) to its own end, so that a batch's stages and outputs add up to
// its processing time.
type batchObs struct {
	rec *status.Recorder
	// outputs is the depth of Batch.Output calls running: a Parallel inside an output
	// (a sink writing its partitions) belongs to the output, not to a stage.
	outputs atomic.Int32

	mu         sync.Mutex
	mark       time.Time
	markInput  int64
	lastOutput bool         // the latest phase was an output: rejected rows are its
	current    *outputRun   // the output running, for Batch.OutputRecords
	stage      status.Stage // the stage being accumulated (a stage may call Parallel twice)
	haveStage  bool
}

func newBatchObs(rec *status.Recorder, start time.Time) *batchObs {
	return &batchObs{rec: rec, mark: start}
}

// stageDone records the Parallel call f of n partitions that just ended.
func (o *batchObs) stageDone(b *Batch, f func(int) error, n int) {
	now := time.Now()
	id, name := stageOf(f)
	input := b.Input()
	o.mu.Lock()
	defer o.mu.Unlock()
	d, in := now.Sub(o.mark), input-o.markInput
	if o.haveStage && o.stage.Name == name {
		o.stage.Duration += d
		o.stage.Input += in
		o.stage.Partitions = n
	} else {
		o.flushLocked()
		o.stage = status.Stage{ID: id, Name: name, Partitions: n, Input: in, Started: o.mark, Duration: d}
		o.haveStage = true
	}
	o.mark, o.markInput, o.lastOutput = now, input, false
}

// flushLocked hands the accumulated stage to the recorder; o.mu must be held.
func (o *batchObs) flushLocked() {
	if o.haveStage {
		o.rec.AddStage(o.stage)
		o.haveStage = false
	}
}

// end flushes the last stage at the end of the batch.
func (o *batchObs) end() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.flushLocked()
}

// outputRun is one Batch.Output call being observed.
type outputRun struct {
	records atomic.Int64 // -1 until the output reports a count
}

// activeOutput is the output operation running in this process, for Print and
// SaveAsTextFiles to report how many records they write: they are called inside
// Batch.Output but are not given the batch. A pipeline binary runs one engine whose
// outputs run one at a time, so one slot suffices; several engines in one process (tests)
// may attribute each other's counts, which only the operations page would show.
var activeOutput atomic.Pointer[outputRun]

// noteOutputRecords reports n records written by the output running (see activeOutput).
func noteOutputRecords(n int) {
	if r := activeOutput.Load(); r != nil {
		r.records.Store(int64(n))
	}
}

// OutputRecords reports that the output operation running (inside Batch.Output) writes
// n records, the figure the operations page and metrics show for it. Sinks given the
// batch (WriteTx, the Kafka sink) call it; a retried attempt reports again.
func (b *Batch) OutputRecords(n int) {
	if o := b.counters().obs; o != nil {
		o.mu.Lock()
		r := o.current
		o.mu.Unlock()
		if r != nil {
			r.records.Store(int64(n))
		}
	}
}

// beginOutput starts observing an output operation.
func (o *batchObs) beginOutput() (*outputRun, time.Time) {
	r := &outputRun{}
	r.records.Store(-1)
	o.outputs.Add(1)
	activeOutput.Store(r)
	o.mu.Lock()
	defer o.mu.Unlock()
	o.flushLocked()
	o.current = r
	return r, o.mark
}

// endOutput records the output operation op that ran from start, in attempts, ending
// with err.
func (o *batchObs) endOutput(r *outputRun, op Op, start time.Time, attempts int, err error) {
	now := time.Now()
	o.outputs.Add(-1)
	activeOutput.CompareAndSwap(r, nil)
	out := status.Output{ID: o.rec.OutputID(op.Pos), Name: op.Name, Pos: op.Pos, Started: start, Ended: now,
		Duration: now.Sub(start), Attempts: attempts, Records: r.records.Load()}
	if err != nil {
		out.Error = err.Error()
	}
	o.rec.AddOutput(out)
	o.mu.Lock()
	defer o.mu.Unlock()
	o.mark, o.lastOutput, o.current = now, true, nil
}

// attemptFailed records a failed attempt of op that will be retried.
func (o *batchObs) attemptFailed(op Op, err error) {
	o.rec.OutputAttemptFailed(o.rec.OutputID(op.Pos), err.Error(), time.Now())
}

// rejected counts n bad records added to the batch: after an output they are the rows
// its sink rejected (generated code counts them right after the output).
func (o *batchObs) rejected(n int64) {
	o.mu.Lock()
	last := o.lastOutput
	o.mu.Unlock()
	if last {
		o.rec.AddRejected(n)
	}
}

// stageNames caches stageOf by function entry point: a job's stage closures are few and
// called every batch.
var stageNames sync.Map // uintptr → stageName

type stageName struct {
	id   int
	name string
}

// stageOf names the stage a Parallel call belongs to from the function that runs its
// partitions: generated code runs stage N in the method stageN of its job, whose
// closures are named "main.(*job).stageN.funcK", so the name gives the stage number of
// `streamc explain`. Other callers are named by their function; id is then -1.
func stageOf(f func(int) error) (int, string) {
	pc := reflect.ValueOf(f).Pointer()
	if v, ok := stageNames.Load(pc); ok {
		s := v.(stageName)
		return s.id, s.name
	}
	s := stageName{id: -1}
	fn := ""
	if rf := goruntime.FuncForPC(pc); rf != nil {
		fn = rf.Name()
	}
	if i := strings.LastIndex(fn, ".stage"); i >= 0 {
		digits := fn[i+len(".stage"):]
		if j := strings.IndexByte(digits, '.'); j >= 0 {
			digits = digits[:j]
		}
		if n, err := strconv.Atoi(digits); err == nil {
			s = stageName{id: n, name: "stage " + digits}
		}
	}
	if s.name == "" {
		name := fn[strings.LastIndex(fn, "/")+1:]
		name = strings.TrimSuffix(name, ".func1")
		if name == "" {
			name = "parallel"
		}
		s.name = name
	}
	stageNames.Store(pc, s)
	return s.id, s.name
}

// sourceReporters pairs the registered sources that report their status with their
// index in the pipeline's description (Pipeline.Sources), and keeps what each had
// delivered after the previous batch, to count each batch's input per source.
type sourceReporters struct {
	reps  []status.SourceReporter
	index []int
	prev  []int64
	n     int // len(Pipeline.Sources)
}

func newSourceReporters(ctx *Context) *sourceReporters {
	sr := &sourceReporters{n: len(ctx.Pipeline.Sources)}
	for i, l := range ctx.lifecycles {
		rep, ok := l.(status.SourceReporter)
		if !ok {
			continue
		}
		idx := -1
		for j, s := range ctx.Pipeline.Sources {
			if s.Name == ctx.sourceNames[i] {
				idx = j
			}
		}
		if idx < 0 {
			continue
		}
		sr.reps = append(sr.reps, rep)
		sr.index = append(sr.index, idx)
		sr.prev = append(sr.prev, rep.SourceStatus().Records)
	}
	return sr
}

// poll records every source's status and returns each one's records since the previous
// poll (-1 for a source that does not report).
func (sr *sourceReporters) poll(rec *status.Recorder) []int64 {
	in := make([]int64, sr.n)
	for i := range in {
		in[i] = -1
	}
	for i, rep := range sr.reps {
		s := rep.SourceStatus()
		in[sr.index[i]] = max(s.Records-sr.prev[i], 0)
		sr.prev[i] = s.Records
		rec.SetSource(sr.index[i], s)
	}
	return in
}
