package observe

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"

	"streamc.dev/streamc/runtime/status"
)

// The JSON documents of the REST API. Field names and units are Spark's where Spark has
// the figure (StreamingStatistics, BatchInfo, OutputOperationInfo, ReceiverInfo of
// org.apache.spark.status.api.v1.streaming); what only streamc knows follows them.

// Application is an entry of /api/v1/applications.
type Application struct {
	ID       string       `json:"id"`
	Name     string       `json:"name"`
	Attempts []AppAttempt `json:"attempts"`
	// streamc's
	Version    string    `json:"streamcVersion"`
	SourceFile string    `json:"sourceFile"`
	Settings   []Setting `json:"settings"`
}

// AppAttempt is Spark's ApplicationAttemptInfo, for the one attempt: this run.
type AppAttempt struct {
	StartTime        string `json:"startTime"`
	EndTime          string `json:"endTime"`
	LastUpdated      string `json:"lastUpdated"`
	Duration         int64  `json:"duration"`
	SparkUser        string `json:"sparkUser"`
	Completed        bool   `json:"completed"`
	StartTimeEpoch   int64  `json:"startTimeEpoch"`
	EndTimeEpoch     int64  `json:"endTimeEpoch"`
	LastUpdatedEpoch int64  `json:"lastUpdatedEpoch"`
}

// Setting is a resolved setting of the run.
type Setting struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Statistics is /streaming/statistics.
type Statistics struct {
	StartTime                   string   `json:"startTime"`
	BatchDuration               int64    `json:"batchDuration"`
	NumReceivers                int      `json:"numReceivers"`
	NumActiveReceivers          int      `json:"numActiveReceivers"`
	NumInactiveReceivers        int      `json:"numInactiveReceivers"`
	NumTotalCompletedBatches    int64    `json:"numTotalCompletedBatches"`
	NumRetainedCompletedBatches int64    `json:"numRetainedCompletedBatches"`
	NumActiveBatches            int64    `json:"numActiveBatches"`
	NumProcessedRecords         int64    `json:"numProcessedRecords"`
	NumReceivedRecords          int64    `json:"numReceivedRecords"`
	AvgInputRate                *float64 `json:"avgInputRate"`
	AvgSchedulingDelay          *int64   `json:"avgSchedulingDelay"`
	AvgProcessingTime           *int64   `json:"avgProcessingTime"`
	AvgTotalDelay               *int64   `json:"avgTotalDelay"`
	// streamc's
	Pipeline            string   `json:"pipeline"`
	Replay              bool     `json:"replay"`
	Recovered           bool     `json:"recovered"`
	ResumedFromBatch    *int64   `json:"resumedFromBatch"`
	Uptime              int64    `json:"uptime"`
	NumFailedBatches    int64    `json:"numFailedBatches"`
	NumRecoveredBatches int64    `json:"numRecoveredBatches"`
	NumQueuedBatches    int64    `json:"numQueuedBatches"`
	NumBadRecords       int64    `json:"numBadRecords"`
	NumLateRecords      int64    `json:"numLateRecords"`
	RetainedBatches     int      `json:"retainedBatches"`
	Ready               bool     `json:"ready"`
	NotReady            []string `json:"notReadyReasons"`
}

// BatchInfo is an entry of /streaming/batches and the document of /batches/ID.
type BatchInfo struct {
	BatchID               int64   `json:"batchId"`
	BatchTime             string  `json:"batchTime"`
	Status                string  `json:"status"`
	BatchDuration         int64   `json:"batchDuration"`
	InputSize             int64   `json:"inputSize"`
	SchedulingDelay       *int64  `json:"schedulingDelay"`
	ProcessingTime        *int64  `json:"processingTime"`
	TotalDelay            *int64  `json:"totalDelay"`
	NumActiveOutputOps    int     `json:"numActiveOutputOps"`
	NumCompletedOutputOps int     `json:"numCompletedOutputOps"`
	NumFailedOutputOps    int     `json:"numFailedOutputOps"`
	NumTotalOutputOps     int     `json:"numTotalOutputOps"`
	FirstFailureReason    *string `json:"firstFailureReason"`
	// streamc's
	Index       int64            `json:"index"`
	Recovering  bool             `json:"rerunAfterRecovery"`
	BadRecords  int64            `json:"badRecords"`
	LateRecords int64            `json:"lateRecords"`
	SourceInput map[string]int64 `json:"sourceInput"`
	// Timings in fractional milliseconds: Spark's are whole, too coarse for batches
	// that take microseconds.
	ProcessingMs float64     `json:"processingTimeMs"`
	SchedulingMs float64     `json:"schedulingDelayMs"`
	TotalDelayMs float64     `json:"totalDelayMs"`
	Stages       []StageInfo `json:"stages,omitempty"`
}

// OutputOperationInfo is an entry of /batches/ID/operations.
type OutputOperationInfo struct {
	OutputOpID    int     `json:"outputOpId"`
	Name          string  `json:"name"`
	Description   string  `json:"description"`
	StartTime     string  `json:"startTime"`
	EndTime       *string `json:"endTime"`
	Duration      *int64  `json:"duration"`
	FailureReason *string `json:"failureReason"`
	JobIDs        []int   `json:"jobIds"`
	// streamc's
	Position   string  `json:"position"`
	Attempts   int     `json:"attempts"`
	Records    *int64  `json:"records"`
	Rejected   int64   `json:"rejectedRecords"`
	DurationMs float64 `json:"durationMs"`
}

// StageInfo is an entry of /batches/ID/stages: a stage of the physical plan in one
// batch.
type StageInfo struct {
	StageID    int     `json:"stageId"`
	Name       string  `json:"name"`
	Partitions int     `json:"numPartitions"`
	Input      int64   `json:"inputRecords"`
	StartTime  string  `json:"startTime"`
	DurationMs float64 `json:"durationMs"`
}

// ReceiverInfo is an entry of /streaming/receivers: every source, not only receivers,
// since every source feeds batches.
type ReceiverInfo struct {
	StreamID         int          `json:"streamId"`
	StreamName       string       `json:"streamName"`
	IsActive         *bool        `json:"isActive"`
	ExecutorID       *string      `json:"executorId"`
	ExecutorHost     *string      `json:"executorHost"`
	LastErrorTime    *string      `json:"lastErrorTime"`
	LastErrorMessage *string      `json:"lastErrorMessage"`
	LastError        *string      `json:"lastError"`
	AvgEventRate     *float64     `json:"avgEventRate"`
	EventRates       [][2]float64 `json:"eventRates"`
	// streamc's
	Kind          string          `json:"kind"`
	Address       string          `json:"address"`
	Position      string          `json:"position"`
	State         string          `json:"state"`
	Records       int64           `json:"records"`
	Buffered      int64           `json:"bufferedRecords"`
	BufferedBytes int64           `json:"bufferedBytes"`
	RateLimit     *float64        `json:"rateLimit"`
	ReadPosition  string          `json:"readPosition,omitempty"`
	Partitions    []PartitionInfo `json:"partitions,omitempty"`
}

// PartitionInfo is a partition of a Kafka source: where the pipeline reads and its lag.
type PartitionInfo struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Next      int64  `json:"nextOffset"`
	End       *int64 `json:"endOffset"`
	Committed *int64 `json:"committedOffset"`
	Lag       int64  `json:"lag"`
}

// OutputInfo is an entry of /streaming/outputs: an output operation's totals.
type OutputInfo struct {
	OutputOpID    int      `json:"outputOpId"`
	Kind          string   `json:"kind"`
	Description   string   `json:"description"`
	Position      string   `json:"position"`
	Runs          int64    `json:"runs"`
	Records       *int64   `json:"records"`
	Retries       int64    `json:"retries"`
	Failures      int64    `json:"failures"`
	Rejected      int64    `json:"rejectedRecords"`
	AvgDurationMs *float64 `json:"avgDurationMs"`
	LastDuration  float64  `json:"lastDurationMs"`
	Failing       bool     `json:"failing"`
	LastError     *string  `json:"lastError"`
	LastErrorTime *string  `json:"lastErrorTime"`
}

// Checkpoints is /streaming/checkpoints.
type Checkpoints struct {
	Enabled       bool             `json:"enabled"`
	Directory     string           `json:"directory,omitempty"`
	Written       int64            `json:"numWritten"`
	Failed        int64            `json:"numFailed"`
	AvgDurationMs *float64         `json:"avgDurationMs"`
	LastBytes     int64            `json:"lastBytes"`
	Checkpoints   []CheckpointInfo `json:"checkpoints"`
	State         []StateSize      `json:"state"`
}

// CheckpointInfo is one checkpoint written.
type CheckpointInfo struct {
	BatchTime  int64   `json:"batchTime"`
	Time       string  `json:"time"`
	DurationMs float64 `json:"durationMs"`
	SaveMs     float64 `json:"saveStateMs"`
	Bytes      int64   `json:"bytes"`
	StateBytes int64   `json:"stateBytes"`
	File       string  `json:"file,omitempty"`
	Error      *string `json:"error"`
}

// StateSize is the checkpointed size of a stateful operator's state.
type StateSize struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Position string `json:"position"`
	Bytes    *int64 `json:"bytes"`
}

// Plan is /streaming/plan: the pipeline's graph.
type Plan struct {
	Explain string       `json:"explain"`
	Sources []SourceDesc `json:"sources"`
	Outputs []OutputDesc `json:"outputs"`
	State   []StateSize  `json:"state"`
	// Stages are those seen in the newest batch, in the order they ran.
	Stages []StageInfo `json:"stages"`
}

// SourceDesc and OutputDesc describe a source and an output operation as declared.
type SourceDesc struct {
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	Address  string `json:"address"`
	Position string `json:"position"`
}

// OutputDesc describes an output operation as declared.
type OutputDesc struct {
	Kind        string `json:"kind"`
	Description string `json:"description"`
	Position    string `json:"position"`
}

// sparkTime renders t as Spark's API does.
func sparkTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000GMT") }

func ms(d time.Duration) int64    { return d.Milliseconds() }
func fms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
func ptr[T any](v T) *T           { return &v }
func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// api serves the REST API over rec.
type api struct {
	rec *status.Recorder
}

func (a *api) application(s *status.Snapshot) Application {
	at := AppAttempt{StartTime: sparkTime(s.App.Started), EndTime: sparkTime(time.Unix(0, 0)), LastUpdated: sparkTime(s.Taken),
		Duration: s.Taken.Sub(s.App.Started).Milliseconds(), SparkUser: "", StartTimeEpoch: s.App.Started.UnixMilli(),
		EndTimeEpoch: -1, LastUpdatedEpoch: s.Taken.UnixMilli()}
	app := Application{ID: s.App.ID, Name: s.App.Name, Attempts: []AppAttempt{at}, Version: s.App.Version, SourceFile: s.App.SourceFile}
	for _, st := range s.App.Settings {
		app.Settings = append(app.Settings, Setting{st.Name, st.Value})
	}
	return app
}

func (a *api) statistics(s *status.Snapshot) Statistics {
	st := Statistics{
		StartTime:                sparkTime(s.App.Started),
		BatchDuration:            ms(s.App.Interval),
		NumReceivers:             len(s.Sources),
		NumTotalCompletedBatches: s.Totals.Completed,
		NumProcessedRecords:      s.Totals.Input,
		NumReceivedRecords:       s.Totals.Input,
		Pipeline:                 s.App.Name,
		Replay:                   s.App.Replay,
		Recovered:                s.App.Recovered,
		Uptime:                   s.Taken.Sub(s.App.Started).Milliseconds(),
		NumFailedBatches:         s.Totals.Failed,
		NumRecoveredBatches:      s.Totals.Recovered,
		NumQueuedBatches:         s.Queued,
		NumBadRecords:            s.Totals.Bad,
		NumLateRecords:           s.Totals.Late,
		RetainedBatches:          s.Capacity,
		Ready:                    s.Ready,
		NotReady:                 s.NotReady,
	}
	if st.NotReady == nil {
		st.NotReady = []string{}
	}
	if s.App.Recovered {
		st.ResumedFromBatch = ptr(s.App.ResumedAt)
	}
	for _, src := range s.Sources {
		if !src.Reported || src.Status.Active {
			st.NumActiveReceivers++
		} else {
			st.NumInactiveReceivers++
		}
	}
	if s.Active != nil {
		st.NumActiveBatches = 1
	}
	st.NumActiveBatches += s.Queued
	// Spark's averages are over the retained completed batches.
	r := s.Retained
	st.NumRetainedCompletedBatches = r.Completed
	if n := r.Completed; n > 0 {
		st.AvgInputRate = ptr(float64(r.Input) / (float64(n) * s.App.Interval.Seconds()))
		st.AvgSchedulingDelay = ptr(ms(r.SchedulingDelay / time.Duration(n)))
		st.AvgProcessingTime = ptr(ms(r.ProcessingTime / time.Duration(n)))
		st.AvgTotalDelay = ptr(ms(r.TotalDelay / time.Duration(n)))
	}
	return st
}

func (a *api) batchInfo(s *status.Snapshot, b *status.Batch, stages bool) BatchInfo {
	bi := BatchInfo{
		BatchID: b.Time, BatchTime: sparkTime(time.UnixMilli(b.Time)), Status: string(b.Status),
		BatchDuration: ms(s.App.Interval), InputSize: b.Input, NumTotalOutputOps: len(s.App.Outputs),
		Index: b.Index, Recovering: b.Recovering, BadRecords: b.Bad, LateRecords: b.Late,
		SourceInput: map[string]int64{},
	}
	bi.SchedulingDelay = ptr(ms(b.SchedulingDelay))
	bi.SchedulingMs = fms(b.SchedulingDelay)
	if b.Status == status.Processing {
		d := s.Taken.Sub(b.Started)
		bi.ProcessingMs = fms(d)
	} else {
		bi.ProcessingTime, bi.TotalDelay = ptr(ms(b.ProcessingTime)), ptr(ms(b.TotalDelay))
		bi.ProcessingMs, bi.TotalDelayMs = fms(b.ProcessingTime), fms(b.TotalDelay)
	}
	for i, n := range b.SourceInput {
		if n >= 0 && i < len(s.App.Sources) {
			bi.SourceInput[s.App.Sources[i].Name] = n
		}
	}
	for _, o := range b.Outputs {
		if o.Error != "" {
			bi.NumFailedOutputOps++
			if bi.FirstFailureReason == nil {
				bi.FirstFailureReason = ptr(o.Error)
			}
		} else {
			bi.NumCompletedOutputOps++
		}
	}
	if b.Status == status.Processing {
		bi.NumActiveOutputOps = max(len(s.App.Outputs)-bi.NumCompletedOutputOps-bi.NumFailedOutputOps, 0)
	}
	if b.Error != "" && bi.FirstFailureReason == nil {
		bi.FirstFailureReason = ptr(b.Error)
	}
	if stages {
		bi.Stages = stageInfos(b)
	}
	return bi
}

func stageInfos(b *status.Batch) []StageInfo {
	out := []StageInfo{}
	for _, st := range b.Stages {
		out = append(out, StageInfo{StageID: st.ID, Name: st.Name, Partitions: st.Partitions, Input: st.Input,
			StartTime: sparkTime(st.Started), DurationMs: fms(st.Duration)})
	}
	return out
}

func (a *api) operations(s *status.Snapshot, b *status.Batch) []OutputOperationInfo {
	out := []OutputOperationInfo{}
	for _, o := range b.Outputs {
		desc := o.Name
		if o.ID >= 0 && o.ID < len(s.App.Outputs) {
			desc = s.App.Outputs[o.ID].Desc
		}
		oi := OutputOperationInfo{OutputOpID: o.ID, Name: o.Name + " at " + o.Pos, Description: desc,
			StartTime: sparkTime(o.Started), FailureReason: strPtr(o.Error), JobIDs: []int{}, Position: o.Pos,
			Attempts: o.Attempts, Rejected: o.Rejected, DurationMs: fms(o.Duration)}
		if !o.Ended.IsZero() {
			oi.EndTime, oi.Duration = ptr(sparkTime(o.Ended)), ptr(ms(o.Duration))
		}
		if o.Records >= 0 {
			oi.Records = ptr(o.Records)
		}
		out = append(out, oi)
	}
	return out
}

func (a *api) receivers(s *status.Snapshot) []ReceiverInfo {
	out := []ReceiverInfo{}
	for i, src := range s.Sources {
		r := ReceiverInfo{StreamID: i, StreamName: src.Info.Name, ExecutorID: ptr("driver"), ExecutorHost: ptr("localhost"),
			EventRates: [][2]float64{}, Kind: src.Info.Kind, Address: src.Info.Address, Position: src.Info.Pos}
		if src.Reported {
			st := src.Status
			r.IsActive = ptr(st.Active)
			r.State, r.Records, r.Buffered, r.BufferedBytes, r.ReadPosition = st.State, st.Records, st.Buffered, st.BufferedBytes, st.Position
			if st.RateLimit > 0 {
				r.RateLimit = ptr(st.RateLimit)
			}
			if st.LastError != "" {
				r.LastError, r.LastErrorMessage = ptr(st.LastError), ptr(st.LastError)
				r.LastErrorTime = ptr(sparkTime(st.LastErrorTime))
			}
			for _, p := range st.Partitions {
				pi := PartitionInfo{Topic: p.Topic, Partition: p.Partition, Next: p.Next, Lag: p.Lag}
				if p.End >= 0 {
					pi.End = ptr(p.End)
				}
				if p.Committed >= 0 {
					pi.Committed = ptr(p.Committed)
				}
				r.Partitions = append(r.Partitions, pi)
			}
		} else {
			r.State = "unknown"
		}
		// Spark's eventRates: records a second per batch, over the retained batches;
		// their average is kept by the recorder.
		for _, b := range s.Batches {
			if i < len(b.SourceInput) && b.SourceInput[i] >= 0 && b.Status == status.Completed {
				r.EventRates = append(r.EventRates, [2]float64{float64(b.Time), float64(b.SourceInput[i]) / s.App.Interval.Seconds()})
			}
		}
		if n := s.Retained.SourceBatches[i]; n > 0 {
			r.AvgEventRate = ptr(float64(s.Retained.SourceInput[i]) / (float64(n) * s.App.Interval.Seconds()))
		}
		out = append(out, r)
	}
	return out
}

func (a *api) outputs(s *status.Snapshot) []OutputInfo {
	out := []OutputInfo{}
	for i, o := range s.Outputs {
		oi := OutputInfo{OutputOpID: i, Kind: o.Info.Kind, Description: o.Info.Desc, Position: o.Info.Pos, Runs: o.Runs,
			Retries: o.Retries, Failures: o.Failures, Rejected: o.Rejected, LastDuration: fms(o.LastDuration),
			Failing: o.Failing, LastError: strPtr(o.LastError)}
		if o.RecordsKnown {
			oi.Records = ptr(o.Records)
		}
		if n := o.Runs + o.Failures; n > 0 {
			oi.AvgDurationMs = ptr(fms(o.Duration) / float64(n))
		}
		if o.LastError != "" {
			oi.LastErrorTime = ptr(sparkTime(o.LastErrorTime))
		}
		out = append(out, oi)
	}
	return out
}

func (a *api) checkpoints(s *status.Snapshot) Checkpoints {
	c := Checkpoints{Written: s.CkTotals.Written, Failed: s.CkTotals.Failed, LastBytes: s.CkTotals.Bytes,
		Checkpoints: []CheckpointInfo{}, State: stateSizes(s)}
	for _, st := range s.App.Settings {
		if st.Name == "checkpoint" {
			c.Enabled, c.Directory = true, st.Value
		}
	}
	if s.CkTotals.Written > 0 {
		c.AvgDurationMs = ptr(fms(s.CkTotals.Duration) / float64(s.CkTotals.Written))
	}
	for _, ck := range s.Checkpoints {
		c.Checkpoints = append(c.Checkpoints, CheckpointInfo{BatchTime: ck.BatchTime, Time: sparkTime(ck.Written),
			DurationMs: fms(ck.Duration), SaveMs: fms(ck.SaveTime), Bytes: ck.Bytes, StateBytes: ck.StateBytes,
			File: ck.File, Error: strPtr(ck.Error)})
	}
	return c
}

// stateSizes pairs the declared state sections with their size in the newest
// checkpoint.
func stateSizes(s *status.Snapshot) []StateSize {
	out := []StateSize{}
	for _, st := range s.App.State {
		sz := StateSize{Name: st.Name, Type: st.Type, Position: st.Pos}
		for _, sec := range s.State {
			if sec.Name == st.Name {
				sz.Bytes = ptr(sec.Bytes)
			}
		}
		out = append(out, sz)
	}
	return out
}

func (a *api) plan(s *status.Snapshot) Plan {
	p := Plan{Explain: s.App.Plan, Sources: []SourceDesc{}, Outputs: []OutputDesc{}, State: stateSizes(s), Stages: []StageInfo{}}
	for _, src := range s.App.Sources {
		p.Sources = append(p.Sources, SourceDesc{src.Name, src.Kind, src.Address, src.Pos})
	}
	for _, o := range s.App.Outputs {
		p.Outputs = append(p.Outputs, OutputDesc{o.Kind, o.Desc, o.Pos})
	}
	if s.Last != nil {
		p.Stages = stageInfos(s.Last)
	}
	return p
}

// findBatch returns the batch with time id among the retained ones and the one in
// flight.
func findBatch(s *status.Snapshot, id int64) (*status.Batch, bool) {
	if s.Active != nil && s.Active.Time == id {
		return s.Active, true
	}
	i, ok := slices.BinarySearchFunc(s.Batches, id, func(b status.Batch, t int64) int {
		switch {
		case b.Time < t:
			return -1
		case b.Time > t:
			return 1
		}
		return 0
	})
	if !ok {
		return nil, false
	}
	return &s.Batches[i], true
}

// routes adds the REST API to mux.
func (a *api) routes(mux *http.ServeMux) {
	app := "/api/v1/applications/{app}/streaming"
	mux.HandleFunc("GET /api/v1/applications", func(w http.ResponseWriter, r *http.Request) {
		s := a.rec.Snapshot(status.Select{})
		writeJSON(w, []Application{a.application(&s)})
	})
	mux.HandleFunc("GET /api/v1/applications/{app}", a.withApp(none, func(w http.ResponseWriter, r *http.Request, s *status.Snapshot) {
		writeJSON(w, a.application(s))
	}))
	mux.HandleFunc("GET "+app+"/statistics", a.withApp(none, func(w http.ResponseWriter, r *http.Request, s *status.Snapshot) {
		writeJSON(w, a.statistics(s))
	}))
	batchesSince := func(r *http.Request) status.Select {
		since, _ := strconv.ParseInt(r.URL.Query().Get("since"), 10, 64)
		return status.Select{Batches: true, Since: since}
	}
	mux.HandleFunc("GET "+app+"/batches", a.withApp(batchesSince, func(w http.ResponseWriter, r *http.Request, s *status.Snapshot) {
		want := r.URL.Query().Get("status")
		since, _ := strconv.ParseInt(r.URL.Query().Get("since"), 10, 64)
		out := []BatchInfo{}
		add := func(b *status.Batch) {
			if (want == "" || want == string(b.Status)) && b.Time > since {
				out = append(out, a.batchInfo(s, b, false))
			}
		}
		// Newest first, as Spark lists them; queued batches have no record yet.
		if s.Active != nil {
			add(s.Active)
		}
		for i := len(s.Batches) - 1; i >= 0; i-- {
			add(&s.Batches[i])
		}
		writeJSON(w, out)
	}))
	mux.HandleFunc("GET "+app+"/batches/{batch}", a.withBatch(func(w http.ResponseWriter, r *http.Request, s *status.Snapshot, b *status.Batch) {
		writeJSON(w, a.batchInfo(s, b, true))
	}))
	mux.HandleFunc("GET "+app+"/batches/{batch}/operations", a.withBatch(func(w http.ResponseWriter, r *http.Request, s *status.Snapshot, b *status.Batch) {
		writeJSON(w, a.operations(s, b))
	}))
	mux.HandleFunc("GET "+app+"/batches/{batch}/operations/{op}", a.withBatch(func(w http.ResponseWriter, r *http.Request, s *status.Snapshot, b *status.Batch) {
		id, err := strconv.Atoi(r.PathValue("op"))
		for _, o := range a.operations(s, b) {
			if err == nil && o.OutputOpID == id {
				writeJSON(w, o)
				return
			}
		}
		notFound(w, "unknown output operation "+r.PathValue("op"))
	}))
	mux.HandleFunc("GET "+app+"/batches/{batch}/stages", a.withBatch(func(w http.ResponseWriter, r *http.Request, s *status.Snapshot, b *status.Batch) {
		writeJSON(w, stageInfos(b))
	}))
	// Spark's eventRates need the history; ?eventRates=false (the page's) leaves them out.
	rates := func(r *http.Request) status.Select {
		return status.Select{Batches: r.URL.Query().Get("eventRates") != "false"}
	}
	mux.HandleFunc("GET "+app+"/receivers", a.withApp(rates, func(w http.ResponseWriter, r *http.Request, s *status.Snapshot) {
		writeJSON(w, a.receivers(s))
	}))
	mux.HandleFunc("GET "+app+"/receivers/{id}", a.withApp(rates, func(w http.ResponseWriter, r *http.Request, s *status.Snapshot) {
		id, err := strconv.Atoi(r.PathValue("id"))
		rs := a.receivers(s)
		if err != nil || id < 0 || id >= len(rs) {
			notFound(w, "unknown receiver "+r.PathValue("id"))
			return
		}
		writeJSON(w, rs[id])
	}))
	mux.HandleFunc("GET "+app+"/outputs", a.withApp(none, func(w http.ResponseWriter, r *http.Request, s *status.Snapshot) {
		writeJSON(w, a.outputs(s))
	}))
	mux.HandleFunc("GET "+app+"/checkpoints", a.withApp(func(*http.Request) status.Select { return status.Select{Checkpoints: true} }, func(w http.ResponseWriter, r *http.Request, s *status.Snapshot) {
		writeJSON(w, a.checkpoints(s))
	}))
	mux.HandleFunc("GET "+app+"/plan", a.withApp(none, func(w http.ResponseWriter, r *http.Request, s *status.Snapshot) {
		writeJSON(w, a.plan(s))
	}))
}

// none selects no history.
func none(*http.Request) status.Select { return status.Select{} }

// withApp takes a snapshot, with the histories sel selects for the request, for a
// request naming the application, or answers 404 for another name.
func (a *api) withApp(sel func(*http.Request) status.Select, h func(http.ResponseWriter, *http.Request, *status.Snapshot)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s := a.rec.Snapshot(sel(r))
		if r.PathValue("app") != s.App.ID {
			notFound(w, "unknown application "+r.PathValue("app")+"; this is "+s.App.ID)
			return
		}
		h(w, r, &s)
	}
}

// withBatch finds the batch a request names by its id (batch time in ms), copying only
// the history from it on.
func (a *api) withBatch(h func(http.ResponseWriter, *http.Request, *status.Snapshot, *status.Batch)) http.HandlerFunc {
	from := func(r *http.Request) status.Select {
		id, _ := strconv.ParseInt(r.PathValue("batch"), 10, 64)
		return status.Select{Batches: true, Since: id - 1}
	}
	return a.withApp(from, func(w http.ResponseWriter, r *http.Request, s *status.Snapshot) {
		id, err := strconv.ParseInt(r.PathValue("batch"), 10, 64)
		b, ok := findBatch(s, id)
		if err != nil || !ok {
			notFound(w, "unknown batch "+r.PathValue("batch")+" (not retained, or not run yet)")
			return
		}
		h(w, r, s, b)
	})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func notFound(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	w.Write([]byte(msg + "\n"))
}
