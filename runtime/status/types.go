package status

import "time"

// App describes the run: what the page's header and the REST API's application entry
// show.
type App struct {
	ID         string // the application id of the REST API: the pipeline's name
	Name       string // the pipeline's name
	SourceFile string
	Version    string // streamc's runtime version
	Started    time.Time
	Interval   time.Duration
	Partitions int
	Replay     bool
	Recovered  bool  // the run resumed from a checkpoint
	ResumedAt  int64 // the batch time of that checkpoint (ms)
	Settings   []Setting
	Sources    []SourceInfo
	Outputs    []OutputInfo
	State      []StateInfo
	Plan       string // the plan as `streamc explain` prints it, when the program carries it
}

// Setting is one resolved setting, as --help names it.
type Setting struct{ Name, Value string }

// SourceInfo, OutputInfo and StateInfo describe the pipeline's sources, output
// operations and state sections as the generated program declares them.
type SourceInfo struct{ Name, Kind, Address, Pos string }

// OutputInfo describes an output operation (see SourceInfo).
type OutputInfo struct{ Kind, Desc, Pos string }

// StateInfo describes a checkpointed state section (see SourceInfo).
type StateInfo struct{ Name, Type, Pos string }

// BatchStatus is where a batch is in its life.
type BatchStatus string

// The statuses of Spark's BatchStatus, plus Failed: a streamc batch that fails ends the
// run (after its outputs' retries), so it is shown as such rather than as completed.
const (
	Queued     BatchStatus = "QUEUED"
	Processing BatchStatus = "PROCESSING"
	Completed  BatchStatus = "COMPLETED"
	Failed     BatchStatus = "FAILED"
)

// Batch is one batch's record: Spark's BatchInfo with its output operations, plus the
// stages (the fused loops of `streamc explain`) and what only streamc knows.
type Batch struct {
	Time       int64 // the batch time, ms: Spark's batchId
	Index      int64 // 0 for the first batch of this run
	Status     BatchStatus
	Recovering bool // re-run after a restart from a checkpoint, with its logged input
	Submitted  time.Time
	Started    time.Time // processing start
	Ended      time.Time // zero while processing
	// The delays of Spark's Streaming tab. Under the replay clock a batch is submitted
	// when it starts, so scheduling delay is 0 and total delay is the processing time.
	SchedulingDelay time.Duration
	ProcessingTime  time.Duration
	TotalDelay      time.Duration
	Input           int64   // input records, over all sources
	SourceInput     []int64 // per source, in App.Sources order; -1 where unknown
	Bad             int64   // records that failed to decode (or rows a sink rejected)
	Late            int64   // records dropped by eventTime for coming too late
	Stages          []Stage
	Outputs         []Output
	Error           string // why the batch failed
}

// Stage is one stage of a batch: the source reads and the parallel loop of a stage of
// the physical plan. Its time runs from the end of the previous stage (or the batch's
// start) to the end of its loop, so that the stages and outputs of a batch add up to its
// processing time.
type Stage struct {
	ID         int    // the stage number of `streamc explain` when known, else the order
	Name       string // "stage 0"
	Partitions int
	Input      int64 // records read from sources for this stage
	Started    time.Time
	Duration   time.Duration
}

// Output is one output operation of a batch (Spark's OutputOperationInfo).
type Output struct {
	ID       int // index in App.Outputs; -1 when the output is not declared there
	Name     string
	Pos      string
	Started  time.Time
	Ended    time.Time // zero while running
	Duration time.Duration
	Attempts int   // 1 when it succeeded at once; retries are Attempts-1
	Records  int64 // records the output wrote; -1 when the runtime cannot tell
	Rejected int64 // rows its sink rejected (skipped or dead-lettered)
	Error    string
}

// Source is a source's state, as its SourceReporter describes it.
type Source struct {
	// State is one word: "receiving", "connecting", "reading", "idle", "exhausted",
	// "stopped" or "failed".
	State string
	// Active is Spark's receiver isActive: connected, or able to deliver. /ready waits
	// for every source to be active (or exhausted).
	Active bool
	// Records is the number of records delivered to batches by this run.
	Records int64
	// Buffered and BufferedBytes are what a receiver holds, received but in no batch yet.
	Buffered      int64
	BufferedBytes int64
	// RateLimit is the records a second the source is held to now (maxRate or
	// backpressure's rate); 0 for none.
	RateLimit float64
	// LastError and LastErrorTime are the latest error (a lost connection, a failed
	// read), kept after the source recovers from it.
	LastError     string
	LastErrorTime time.Time
	// Position says where the source reads, in its own terms: a receiver's
	// write-ahead-log position, the files a files source has read.
	Position string
	// Partitions are a partitioned log's positions (Kafka): one per owned partition.
	Partitions []Partition
}

// Partition is one partition of a partitioned source: where the pipeline reads and how
// far behind the log's end it is.
type Partition struct {
	Topic     string
	Partition int32
	Next      int64 // the offset the next batch starts at
	End       int64 // the last stable offset when last listed; -1 unknown
	Committed int64 // the group's committed offset; -1 none
	Lag       int64 // End - Next (0 when End is unknown)
}

// SourceReporter is implemented by sources that describe their state. The engine calls
// SourceStatus after every batch, on its own goroutine, and the page shows the latest;
// it must be cheap (a lock or two, no I/O).
type SourceReporter interface {
	SourceStatus() Source
}

// Checkpoint is one checkpoint written by the run.
type Checkpoint struct {
	BatchTime  int64
	Written    time.Time
	Duration   time.Duration // saving state and positions, writing and syncing the file
	SaveTime   time.Duration // of which serializing the job's state and positions
	Bytes      int64         // the checkpoint file's size
	StateBytes int64
	File       string
	Error      string
}

// SectionSize is the checkpointed size of one state section.
type SectionSize struct {
	Name  string
	Bytes int64
}
