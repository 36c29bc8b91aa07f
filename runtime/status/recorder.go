package status

import (
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"
)

// DefaultRetainedBatches is how many completed batches a Recorder keeps by default:
// Spark's spark.streaming.ui.retainedBatches.
const DefaultRetainedBatches = 1000

// retainedCheckpoints is how many checkpoints the history keeps.
const retainedCheckpoints = 100

// Recorder collects the figures of one run. The engine records; any goroutine reads a
// Snapshot. All methods are safe for concurrent use.
type Recorder struct {
	mu  sync.Mutex
	app App
	// batches is a ring of the last len(batches) batches that ended (completed or
	// failed): next is where the next one goes, n how many it holds.
	batches []Batch
	next, n int
	active  *Batch // the batch in flight; nil between batches
	last    *Batch // the newest completed batch
	totals  Totals
	// retained sums up the completed batches the ring holds, kept as batches enter and
	// leave it, so that Spark's averages over them need no copy of the history.
	retained Retained
	hist     [3]Histogram // scheduling delay, processing time, total delay
	sources  []SourceEntry
	outputs  []OutputTotals
	// outputIndex maps an output's position in the .stream file to its index in outputs.
	outputIndex map[string]int
	ckpts       []Checkpoint // ring, as batches
	ckNext, ckN int
	ckTotals    CheckpointTotals
	ckHist      Histogram
	state       []SectionSize // from the newest checkpoint
	started     bool          // the sources have started
	stopped     bool          // the run is over
	maxDelay    time.Duration // readiness threshold on the scheduling delay
}

// Totals are the run's counters since it started.
type Totals struct {
	Completed       int64 // batches completed
	Failed          int64 // batches failed
	Recovered       int64 // batches re-run after a restart (counted in Completed too)
	Input           int64
	Bad             int64
	Late            int64
	SchedulingDelay time.Duration // sums over the completed batches
	ProcessingTime  time.Duration
	TotalDelay      time.Duration
}

// Retained sums up the completed batches of the history: Spark's statistics average
// over them.
type Retained struct {
	Completed       int64
	Input           int64
	SourceInput     []int64 // per source (App.Sources), over the batches it reported in
	SourceBatches   []int64 // how many of those batches that is
	SchedulingDelay time.Duration
	ProcessingTime  time.Duration
	TotalDelay      time.Duration
}

// add adds (sign 1) or removes (sign -1) batch b if it completed.
func (rt *Retained) add(b *Batch, sign int64) {
	if b.Status != Completed {
		return
	}
	rt.Completed += sign
	rt.Input += sign * b.Input
	for i, n := range b.SourceInput {
		if n >= 0 && i < len(rt.SourceInput) {
			rt.SourceInput[i] += sign * n
			rt.SourceBatches[i] += sign
		}
	}
	rt.SchedulingDelay += time.Duration(sign) * b.SchedulingDelay
	rt.ProcessingTime += time.Duration(sign) * b.ProcessingTime
	rt.TotalDelay += time.Duration(sign) * b.TotalDelay
}

// SourceEntry is a source's latest status with its description.
type SourceEntry struct {
	Info     SourceInfo
	Status   Source
	Reported bool // the source implements SourceReporter
}

// OutputTotals are an output operation's counters since the run started.
type OutputTotals struct {
	Info          OutputInfo
	Runs          int64 // batches in which it ran to completion
	Records       int64 // records written, where known
	RecordsKnown  bool
	Retries       int64 // failed attempts that were retried
	Failures      int64 // batches it failed (after its retries)
	Rejected      int64 // rows its sink rejected
	Duration      time.Duration
	LastDuration  time.Duration
	Failing       bool // its latest attempt failed (it may be retrying)
	LastError     string
	LastErrorTime time.Time
}

// CheckpointTotals count the checkpoints written.
type CheckpointTotals struct {
	Written  int64
	Failed   int64
	Duration time.Duration
	Bytes    int64 // of the newest
}

// NewRecorder returns a recorder for app keeping the last retained batches (at least
// one; DefaultRetainedBatches when retained ≤ 0).
func NewRecorder(app App, retained int) *Recorder {
	if retained <= 0 {
		retained = DefaultRetainedBatches
	}
	r := &Recorder{app: app, batches: make([]Batch, retained), ckpts: make([]Checkpoint, retainedCheckpoints),
		outputIndex: map[string]int{}}
	for i := range r.hist {
		r.hist[i] = NewHistogram(LatencyBuckets)
	}
	r.ckHist = NewHistogram(LatencyBuckets)
	for _, s := range app.Sources {
		r.sources = append(r.sources, SourceEntry{Info: s})
	}
	r.retained.SourceInput = make([]int64, len(app.Sources))
	r.retained.SourceBatches = make([]int64, len(app.Sources))
	for i, o := range app.Outputs {
		r.outputs = append(r.outputs, OutputTotals{Info: o})
		r.outputIndex[o.Pos] = i
	}
	if r.maxDelay = 10 * app.Interval; r.maxDelay < 10*time.Second {
		r.maxDelay = 10 * time.Second
	}
	return r
}

// SetMaxDelay sets the scheduling delay beyond which the run is not ready (catching
// up); d ≤ 0 keeps the default, max(10 batch intervals, 10s).
func (r *Recorder) SetMaxDelay(d time.Duration) {
	if d <= 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.maxDelay = d
}

// OutputID returns the index in App.Outputs of the output written at pos, or -1.
func (r *Recorder) OutputID(pos string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if i, ok := r.outputIndex[pos]; ok {
		return i
	}
	return -1
}

// SetRecovered records that the run resumes from the checkpoint of batch t.
func (r *Recorder) SetRecovered(t int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.app.Recovered, r.app.ResumedAt = true, t
}

// SourcesStarted records that every source has started.
func (r *Recorder) SourcesStarted() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.started = true
}

// Stopped records that the run is over: it is no longer ready.
func (r *Recorder) Stopped() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stopped = true
}

// BeginBatch records that batch t (index) starts processing. submitted is when it was
// due (its batch time on the wall clock; the start under the replay clock).
func (r *Recorder) BeginBatch(t, index int64, recovering bool, submitted, started time.Time) {
	b := &Batch{Time: t, Index: index, Status: Processing, Recovering: recovering, Submitted: submitted,
		Started: started, SchedulingDelay: max(started.Sub(submitted), 0)}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.active = b
}

// AddStage appends a finished stage to the batch in flight.
func (r *Recorder) AddStage(s Stage) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.active != nil {
		r.active.Stages = append(r.active.Stages, s)
	}
}

// OutputAttemptFailed records that an attempt of output id failed with err and will be
// retried: the output is failing until an attempt succeeds.
func (r *Recorder) OutputAttemptFailed(id int, err string, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if id >= 0 && id < len(r.outputs) {
		o := &r.outputs[id]
		o.Retries++
		o.Failing, o.LastError, o.LastErrorTime = true, err, at
	}
}

// AddOutput appends a finished output operation (successful or not) to the batch in
// flight and adds it to the output's totals.
func (r *Recorder) AddOutput(o Output) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.active != nil {
		r.active.Outputs = append(r.active.Outputs, o)
	}
	if o.ID < 0 || o.ID >= len(r.outputs) {
		return
	}
	t := &r.outputs[o.ID]
	t.Duration += o.Duration
	t.LastDuration = o.Duration
	t.Rejected += o.Rejected
	if o.Records >= 0 {
		t.Records += o.Records
		t.RecordsKnown = true
	}
	if o.Error != "" {
		t.Failures++
		t.Failing, t.LastError, t.LastErrorTime = true, o.Error, o.Ended
		return
	}
	t.Runs++
	t.Failing = false
}

// AddRejected adds n rows a sink rejected to the newest output of the batch in flight
// (generated code counts a sink's rejected rows right after its output).
func (r *Recorder) AddRejected(n int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.active == nil || len(r.active.Outputs) == 0 {
		return
	}
	o := &r.active.Outputs[len(r.active.Outputs)-1]
	o.Rejected += n
	if o.ID >= 0 && o.ID < len(r.outputs) {
		r.outputs[o.ID].Rejected += n
	}
}

// EndBatch ends the batch in flight: with its counts, and err for a failed batch. It
// moves to the history, and its figures to the totals and histograms.
func (r *Recorder) EndBatch(ended time.Time, input int64, sourceInput []int64, bad, late int64, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	b := r.active
	if b == nil {
		return
	}
	r.active = nil
	b.Ended = ended
	b.ProcessingTime = ended.Sub(b.Started)
	b.TotalDelay = ended.Sub(b.Submitted)
	b.Input, b.SourceInput, b.Bad, b.Late = input, sourceInput, bad, late
	t := &r.totals
	t.Input += input
	t.Bad += bad
	t.Late += late
	if err != nil {
		b.Status, b.Error = Failed, err.Error()
		t.Failed++
	} else {
		b.Status = Completed
		t.Completed++
		if b.Recovering {
			t.Recovered++
		}
		t.SchedulingDelay += b.SchedulingDelay
		t.ProcessingTime += b.ProcessingTime
		t.TotalDelay += b.TotalDelay
		r.hist[0].Observe(b.SchedulingDelay.Seconds())
		r.hist[1].Observe(b.ProcessingTime.Seconds())
		r.hist[2].Observe(b.TotalDelay.Seconds())
		r.last = b
	}
	if r.n == len(r.batches) {
		r.retained.add(&r.batches[r.next], -1) // the oldest leaves the ring
	}
	r.retained.add(b, 1)
	r.batches[r.next] = *b
	r.next = (r.next + 1) % len(r.batches)
	r.n = min(r.n+1, len(r.batches))
}

// SetSource records the latest status of source i (in App.Sources order).
func (r *Recorder) SetSource(i int, s Source) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if i >= 0 && i < len(r.sources) {
		r.sources[i].Status, r.sources[i].Reported = s, true
	}
}

// AddCheckpoint records a checkpoint written (or failed: c.Error), with the sizes of
// the state sections it holds.
func (r *Recorder) AddCheckpoint(c Checkpoint, sections []SectionSize) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ckpts[r.ckNext] = c
	r.ckNext = (r.ckNext + 1) % len(r.ckpts)
	r.ckN = min(r.ckN+1, len(r.ckpts))
	if c.Error != "" {
		r.ckTotals.Failed++
		return
	}
	r.ckTotals.Written++
	r.ckTotals.Duration += c.Duration
	r.ckTotals.Bytes = c.Bytes
	r.ckHist.Observe(c.Duration.Seconds())
	r.state = sections
}

// Select says which histories a Snapshot copies besides the totals: each copy is taken
// under the recorder's lock, so a request copies only what it shows.
type Select struct {
	Batches     bool  // the retained batches...
	Since       int64 // ...only those whose batch time is after Since (0: all)
	Checkpoints bool  // the retained checkpoints
}

// Snapshot is a copy of everything a Recorder holds, taken at once.
type Snapshot struct {
	Taken       time.Time
	App         App
	Batches     []Batch // oldest first; nil unless selected
	Active      *Batch  // the batch in flight, if any
	Last        *Batch  // the newest completed batch, if any (not to be changed)
	Queued      int64   // batches due (live clock) that have not started
	Totals      Totals
	Retained    Retained     // sums over the completed batches of the history
	Histograms  [3]Histogram // scheduling delay, processing time, total delay (seconds)
	Sources     []SourceEntry
	Outputs     []OutputTotals
	Checkpoints []Checkpoint // oldest first; nil unless selected
	CkTotals    CheckpointTotals
	CkHistogram Histogram
	State       []SectionSize
	Ready       bool
	NotReady    []string // why not
	Capacity    int      // how many batches the history keeps
}

// Snapshot copies the recorder's figures, with the histories sel selects (a Prometheus
// scrape needs none).
func (r *Recorder) Snapshot(sel Select) Snapshot {
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	s := Snapshot{Taken: now, App: r.app, Totals: r.totals, Retained: r.retained, CkTotals: r.ckTotals, Capacity: len(r.batches)}
	s.Retained.SourceInput = slices.Clone(r.retained.SourceInput)
	s.Retained.SourceBatches = slices.Clone(r.retained.SourceBatches)
	for i := range r.hist {
		s.Histograms[i] = r.hist[i].clone()
	}
	s.CkHistogram = r.ckHist.clone()
	// Finished batches and checkpoints are never changed again, so sharing their slices
	// (stages, outputs) is safe; the active batch is copied with its own.
	if sel.Batches {
		// Batch times increase along the ring: skip those up to Since.
		start := (r.next - r.n + len(r.batches)) % len(r.batches)
		skip := sort.Search(r.n, func(i int) bool { return r.batches[(start+i)%len(r.batches)].Time > sel.Since })
		s.Batches = ringCopy(r.batches, r.next, r.n-skip)
	}
	if sel.Checkpoints {
		s.Checkpoints = ringCopy(r.ckpts, r.ckNext, r.ckN)
	}
	if r.active != nil {
		a := *r.active
		a.Stages = append([]Stage(nil), a.Stages...)
		a.Outputs = append([]Output(nil), a.Outputs...)
		s.Active = &a
	}
	s.Last = r.last
	s.Queued = r.queued(now)
	s.Sources = append([]SourceEntry(nil), r.sources...)
	s.Outputs = append([]OutputTotals(nil), r.outputs...)
	s.State = r.state
	s.Ready, s.NotReady = r.readiness(now)
	return s
}

func ringCopy[T any](ring []T, next, n int) []T {
	out := make([]T, 0, n)
	start := (next - n + len(ring)) % len(ring)
	for i := range n {
		out = append(out, ring[(start+i)%len(ring)])
	}
	return out
}

// newest returns the newest batch that ended; r.mu must be held.
func (r *Recorder) newest() *Batch {
	if r.n == 0 {
		return nil
	}
	return &r.batches[(r.next-1+len(r.batches))%len(r.batches)]
}

// queued returns how many batches of a live run are due and not started: those whose
// time has come while the one in flight runs. r.mu must be held.
func (r *Recorder) queued(now time.Time) int64 {
	if r.app.Replay || r.app.Interval <= 0 || r.stopped {
		return 0
	}
	var last int64
	switch {
	case r.active != nil:
		last = r.active.Time
	case r.newest() != nil:
		last = r.newest().Time
	default:
		return 0
	}
	due := (now.UnixMilli() - last) / r.app.Interval.Milliseconds()
	if r.active == nil {
		due-- // the next batch is about to start: it is not late yet
	}
	return max(due, 0)
}

// readiness says whether the run is ready to serve (Benthos's /ready, Kubernetes's
// readiness probe): sources started and active, no output failing, no failed batch, and
// not catching up (re-running logged batches after a restart, or running behind by more
// than the maximum delay). r.mu must be held.
func (r *Recorder) readiness(now time.Time) (bool, []string) {
	var why []string
	switch {
	case r.stopped:
		why = append(why, "the run is over")
	case !r.started:
		why = append(why, "sources not started")
	}
	for _, s := range r.sources {
		if s.Reported && !s.Status.Active && s.Status.State != "exhausted" {
			why = append(why, "source "+s.Info.Name+" is "+s.Status.State)
		}
	}
	for _, o := range r.outputs {
		if o.Failing {
			why = append(why, "output "+o.Info.Desc+" at "+o.Info.Pos+" is failing: "+o.LastError)
		}
	}
	if b := r.newest(); b != nil && b.Status == Failed {
		why = append(why, "batch "+strconv.FormatInt(b.Time, 10)+" failed")
	}
	if a := r.active; a != nil && a.Recovering {
		why = append(why, "re-running the batches logged before the restart")
	}
	delay := time.Duration(0)
	if b := r.newest(); b != nil && b.Status == Completed {
		delay = b.SchedulingDelay
	}
	if a := r.active; a != nil && !r.app.Replay {
		delay = max(delay, now.Sub(a.Submitted))
	}
	if delay > r.maxDelay {
		why = append(why, "catching up: the scheduling delay "+delay.Round(time.Millisecond).String()+
			" exceeds "+r.maxDelay.String())
	}
	return len(why) == 0, why
}
