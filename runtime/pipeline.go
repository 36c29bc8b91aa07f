package runtime

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// Pipeline describes one compiled pipeline. Generated code builds exactly one, as a
// package-level variable, and passes it to Main.
type Pipeline struct {
	Name       string // the pipeline's name, from `pipeline NAME`
	SourceFile string // the .stream file it was compiled from, for messages
	// Defaults are the settings written in the file; flags override them.
	Defaults Settings
	// Sources and Outputs describe the graph's ends for --help and for overrides.
	Sources []SourceInfo
	Outputs []OutputInfo
	// State lists the job's checkpointed state, one entry per section the job's
	// SaveState writes, in the order it writes them. The runtime derives the pipeline's
	// state fingerprint from it (StateFingerprint) and refuses to restore a checkpoint
	// whose list differs: a changed state type cannot be decoded, and a state added or
	// removed would silently start empty or be lost. Changes that leave it alone (a new
	// output, a changed filter, a moved line) keep checkpoints usable.
	State []StateInfo
	// Plan is the physical plan as `streamc explain` prints it: stages, fused operators,
	// exchanges and outputs. The operations page draws it; it is optional (without it the
	// page draws the sources, stages and outputs it sees run).
	Plan string
	// New builds the job for one run. It is called once, after flags are parsed and
	// before any source starts; it creates the sources (registering them with
	// ctx.Register) and allocates the job's reusable buffers.
	New func(ctx *Context) (Job, error)
}

// StateInfo describes one section of a job's checkpointed state.
type StateInfo struct {
	// Name is the section's name: the operator and an identity that survives edits
	// elsewhere in the file — "updateStateByKey(totals)" when the result is bound to a
	// name, else the operator and a hash of its definition (the operators and arguments
	// leading to it), "reduceByKeyAndWindow@526770bc". Never a line number or an ordinal,
	// so that moving or swapping operators never hands one operator's state to another.
	Name string
	// Type is the state's type as the checker prints it, e.g. "(string, int)", plus
	// whatever else decides the encoding (window length and slide, "inverse").
	Type string
	Pos  string // where the operator is written, for messages only (not fingerprinted)
}

// StateFingerprint returns the hash of the pipeline's stateful structure: the names and
// types of State, in order. Checkpoints record it; a restarted binary whose fingerprint
// differs refuses the checkpoint and says what changed.
func (p *Pipeline) StateFingerprint() string {
	h := sha256.New()
	for _, s := range p.State {
		fmt.Fprintf(h, "%q %q\n", s.Name, s.Type)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// stateShape renders State for checkpoints and messages: "name: type" per section.
func (p *Pipeline) stateShape() []string {
	var out []string
	for _, s := range p.State {
		out = append(out, s.Name+": "+s.Type)
	}
	return out
}

// SourceInfo describes a source of the pipeline.
type SourceInfo struct {
	Name    string // the let binding it is assigned to (or "source1", ... when unnamed)
	Kind    string // socket, files, stdin, kafka, queue, rate
	Address string // the address, path or description written in the file
	Pos     string // where it is written, "file.stream:LINE:COL"
}

// OutputInfo describes an output operation of the pipeline.
type OutputInfo struct {
	Kind string // print, saveAsTextFiles, writeTo
	Desc string // a short rendering of the call, e.g. `print(10)` or `saveAsTextFiles("out/c", "txt")`
	Pos  string // where it is written, "file.stream:LINE:COL"
}

// Settings are the pipeline settings: the file's values (Pipeline.Defaults) overridden by
// the binary's flags. A zero field means "the runtime default" as documented per field;
// the Context always holds resolved values.
type Settings struct {
	Batch           time.Duration // batch interval; required (> 0)
	Partitions      int           // default partitions; 0 means the number of CPUs
	Checkpoint      string        // checkpoint directory; "" when not set
	CheckpointEvery time.Duration // 0 means max(Batch, 10s) rounded up to a multiple of Batch
	MaxRate         int64         // records per second per source; 0 means unlimited
	Backpressure    bool          // adapt the rate to processing speed
	// InitialRate is backpressure's rate for the first batches, before any batch has
	// completed (Spark's spark.streaming.backpressure.initialRate); 0 means MaxRate, or
	// unlimited. Capped by MaxRate.
	InitialRate int64
	HTTP        string          // address of the operations server, e.g. ":4040"; "" = off
	StopTimeout time.Duration   // graceful stop limit; 0 means 30s
	OnBadRecord BadRecordPolicy // the pipeline-wide default; decoders may override it
	// OutputAttempts is how many times an output (Batch.Output) is tried before the
	// batch fails; 0 means 4 (Spark's spark.task.maxFailures).
	OutputAttempts int
	// OutputBackoff is the wait before the first retry of a failed output; it doubles
	// for each further retry, up to 30s. 0 means 500ms.
	OutputBackoff time.Duration
}

// resolve fills the runtime defaults into s.
func (s Settings) resolve(numCPU int) Settings {
	if s.Partitions <= 0 {
		s.Partitions = numCPU
	}
	if s.StopTimeout <= 0 {
		s.StopTimeout = 30 * time.Second
	}
	if s.OutputAttempts <= 0 {
		s.OutputAttempts = 4
	}
	if s.OutputBackoff <= 0 {
		s.OutputBackoff = 500 * time.Millisecond
	}
	if s.CheckpointEvery <= 0 && s.Batch > 0 {
		every := max(s.Batch, 10*time.Second)
		s.CheckpointEvery = (every + s.Batch - 1) / s.Batch * s.Batch
	}
	return s
}

// BadRecordKind enumerates the bad-record policies (the same set as the checker's).
type BadRecordKind int

const (
	// BadRecordFail stops the pipeline with an error naming the record and the source.
	BadRecordFail BadRecordKind = iota
	// BadRecordSkip counts the record (in metrics and logs) and drops it.
	BadRecordSkip
	// BadRecordDeadLetter counts the record and appends it, with the error, to a file.
	BadRecordDeadLetter
)

// BadRecordPolicy says what happens to a record that fails to decode. The runtime core
// only carries it (settings, flag, --help); runtime/codec applies it.
type BadRecordPolicy struct {
	Kind BadRecordKind
	Path string // for BadRecordDeadLetter: the file that receives bad records
}

// String renders p as it is written in a .stream file and accepted by --on-bad-record.
func (p BadRecordPolicy) String() string {
	switch p.Kind {
	case BadRecordSkip:
		return "skip"
	case BadRecordDeadLetter:
		return fmt.Sprintf("deadLetter(%q)", p.Path)
	}
	return "fail"
}

// ParseBadRecordPolicy parses "fail", "skip", `deadLetter("path")` or deadLetter(path).
func ParseBadRecordPolicy(s string) (BadRecordPolicy, error) {
	switch s {
	case "fail":
		return BadRecordPolicy{Kind: BadRecordFail}, nil
	case "skip":
		return BadRecordPolicy{Kind: BadRecordSkip}, nil
	}
	if arg, ok := strings.CutPrefix(s, "deadLetter("); ok && strings.HasSuffix(arg, ")") {
		path := strings.Trim(strings.TrimSuffix(arg, ")"), `"`)
		if path != "" {
			return BadRecordPolicy{Kind: BadRecordDeadLetter, Path: path}, nil
		}
	}
	return BadRecordPolicy{}, fmt.Errorf(`invalid bad-record policy %q: want fail, skip or deadLetter("path")`, s)
}

// Job is the generated pipeline: RunBatch computes one micro-batch, running every stage
// and then every output in the order written. The engine never calls RunBatch
// concurrently with itself, so a job keeps its buffers, exchanges and state in its own
// fields and reuses them from batch to batch.
type Job interface {
	RunBatch(b *Batch) error
}

// Drainer is implemented by jobs whose windows need batches after the input ends: in a
// run whose sources are all exhausted, the engine runs DrainBatches more (empty) batches
// so that every window holding input slides past it, then stops.
type Drainer interface {
	DrainBatches() int
}

// Lifecycle is what the engine needs of a source (or of any component that runs in the
// background). Sources also have a typed per-batch read that generated code calls
// directly; the engine only starts, stops and polls them.
type Lifecycle interface {
	// Start begins receiving in the background. ctx is cancelled when the run stops.
	// An error stops the run before the first batch (exit code 1).
	Start(ctx context.Context) error
	// Stop stops receiving and releases the source's resources. It is called once for
	// every source whose Start succeeded, after the last batch, whether or not the run
	// failed.
	Stop() error
	// Exhausted reports that the source will deliver no more records: everything it will
	// ever produce has already been handed out by batch reads. Unbounded sources (socket,
	// kafka, files, rate) always report false. The engine calls it between batches, on the
	// goroutine that runs them, so it needs no more synchronization than the batch read.
	Exhausted() bool
}
