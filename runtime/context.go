package runtime

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	goruntime "runtime"
	"strconv"

	"streamc.dev/streamc/runtime/checkpoint"
	"streamc.dev/streamc/runtime/status"
)

// Context is what Pipeline.New receives: the resolved settings and run mode, the
// logger, metrics and standard output, the source address overrides, and the
// registries through which the job hands its sources and sinks to the engine.
type Context struct {
	Pipeline *Pipeline
	Settings Settings // the file's settings overridden by flags, defaults resolved
	Replay   bool     // the deterministic clock is in use (--replay)
	// ZeroTime is the origin of the batch-time grid: the first batch's time minus the
	// interval (Spark's zeroTime). Windows fire at zero + k·slide. It is set before
	// Pipeline.New runs.
	ZeroTime Time
	Log      *slog.Logger
	Metrics  *Metrics
	// Status records the batches, stages, outputs, sources and checkpoints of a run for
	// its operations server (web UI, REST API, Prometheus metrics). Main sets it; it is
	// nil in contexts built with NewContext, and nothing is recorded then.
	Status *status.Recorder
	Stdout io.Writer // where print writes
	// Ctx is cancelled when the run is over: after the last batch, before sources stop
	// and closers run. Sinks use it for their I/O; a graceful stop does not cancel it
	// until the current batch's outputs are done.
	Ctx context.Context
	// RecoveredFrom is the batch time of the checkpoint the run resumes from, or 0 for
	// a fresh start. It is set before Pipeline.New runs.
	RecoveredFrom Time
	// Recovered reports that the run resumes from a checkpoint. Test it, not
	// RecoveredFrom != 0: a replay starting at time 0 resumes from its start-up
	// checkpoint at batch time 0.
	Recovered bool

	cancel      context.CancelFunc
	overrides   map[string]string
	lifecycles  []Lifecycle
	sourceNames []string // parallel to lifecycles: the names positions are saved under
	closers     []io.Closer
	batchDone   []func(t Time) error
	// checkpointDone are the OnCheckpoint hooks.
	checkpointDone []func(oldestKept Time) error
}

// NewContext returns a context for running a pipeline's job outside Main: in the tests
// of sources and sinks, and in benchmarks that call Job.RunBatch directly. Zero settings
// fields get the runtime defaults; log may be nil (logs are discarded).
func NewContext(p *Pipeline, s Settings, stdout io.Writer, log *slog.Logger) *Context {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Context{
		Pipeline: p,
		Settings: s.resolve(goruntime.NumCPU()),
		Log:      log,
		Metrics:  NewMetrics(),
		Stdout:   stdout,
		Ctx:      ctx,
		cancel:   cancel,
	}
}

// NewBatch returns the batch with time t, for driving Job.RunBatch outside the engine.
func (c *Context) NewBatch(t Time, index int64) *Batch {
	return &Batch{
		Time:       t,
		Interval:   c.Settings.Batch,
		Index:      index,
		Partitions: c.Settings.Partitions,
		Replay:     c.Replay,
		ctx:        c,
	}
}

// SourceAddress returns the address the named source should use: the --source override
// when one was given, else the address written in the file (Pipeline.Sources).
func (c *Context) SourceAddress(name string) string {
	if a, ok := c.overrides[name]; ok {
		return a
	}
	if c.Pipeline != nil {
		for _, s := range c.Pipeline.Sources {
			if s.Name == name {
				return s.Address
			}
		}
	}
	return ""
}

// Register hands a source (or any background component) to the engine, which starts
// it before the first batch, polls it for exhaustion, and stops it after the last batch,
// in reverse order of registration.
//
// Register names the source "source<i>" (its registration index) for checkpoints;
// generated code uses RegisterSource, whose names survive adding a source.
func (c *Context) Register(l Lifecycle) {
	c.RegisterSource("source"+strconv.Itoa(len(c.lifecycles)), l)
}

// RegisterSource is Register with the name under which a checkpoint saves the source's
// position (when it implements Positioned): the let binding of the source
// (SourceInfo.Name), so that positions find their source again after the pipeline is
// edited.
func (c *Context) RegisterSource(name string, l Lifecycle) {
	c.lifecycles = append(c.lifecycles, l)
	c.sourceNames = append(c.sourceNames, name)
}

// OnBatchDone registers a function the engine calls after all outputs of a batch are
// done, before the batch is checkpointed, with the batch time: a Kafka source commits
// its offsets there. An error fails the run (exit 1) and the batch is re-run after a
// restart, so the hook must tolerate being called again for the same batch.
func (c *Context) OnBatchDone(f func(t Time) error) { c.batchDone = append(c.batchDone, f) }

// OnClose registers a sink or other resource to close when the run ends, after the
// sources have stopped, in reverse order of registration. A Close error makes the run
// exit with code 1, since buffered output may be lost.
func (c *Context) OnClose(cl io.Closer) { c.closers = append(c.closers, cl) }

// startSources starts the registered sources in order. If one fails, the ones started
// before it stay registered (shutdown stops them) and the others are dropped.
func (c *Context) startSources() error {
	for i, l := range c.lifecycles {
		if err := l.Start(c.Ctx); err != nil {
			c.lifecycles = c.lifecycles[:i] // only started ones are stopped
			return err
		}
	}
	return nil
}

// planBatch has every BatchPlanner source fix its input for batch t: from logged when
// it holds the source's plan (a batch re-run after a crash), else afresh. It returns the
// batch-log entry of the batch.
func (c *Context) planBatch(t Time, logged *checkpoint.BatchEntry) (checkpoint.BatchEntry, error) {
	e := checkpoint.BatchEntry{Time: int64(t), Partitions: c.Settings.Partitions}
	for i, l := range c.lifecycles {
		p, ok := l.(BatchPlanner)
		if !ok {
			continue
		}
		name := c.sourceNames[i]
		if logged != nil {
			if data := logged.Source(name); data != nil {
				if err := p.ReplanBatch(int64(t), checkpoint.NewReader(data)); err != nil {
					return e, fmt.Errorf("source %s: re-running batch %d from the batch log: %w", name, t, err)
				}
				e.Sources = append(e.Sources, checkpoint.Section{Name: name, Data: data})
				continue
			}
		}
		w := checkpoint.NewWriter()
		if err := p.PlanBatch(int64(t), w); err != nil {
			return e, fmt.Errorf("source %s: planning batch %d: %w", name, t, err)
		}
		data := w.Data()
		if data == nil {
			data = []byte{} // an empty plan, told apart from a missing one
		}
		e.Sources = append(e.Sources, checkpoint.Section{Name: name, Data: data})
	}
	return e, nil
}

// runBatch runs batch b of job, then the batch-done hooks once its outputs are done.
func (c *Context) runBatch(job Job, b *Batch) error {
	if err := callBatch(job, b); err != nil {
		return err
	}
	if err := b.Logged(); err != nil {
		return err
	}
	for _, f := range c.batchDone {
		if err := f(b.Time); err != nil {
			return fmt.Errorf("after the outputs: %w", err)
		}
	}
	return nil
}

// exhausted reports whether every registered source is exhausted. A job with no
// sources is never exhausted: it runs until --batches or a signal.
func (c *Context) exhausted() bool {
	for _, l := range c.lifecycles {
		if !l.Exhausted() {
			return false
		}
	}
	return len(c.lifecycles) > 0
}

// shutdown cancels the run's context, stops the sources and closes the closers, both in
// reverse order of registration, passes each failure to note and returns the first.
func (c *Context) shutdown(note func(what string, err error)) error {
	c.cancel()
	var first error
	check := func(what string, err error) {
		if err == nil {
			return
		}
		note(what, err)
		if first == nil {
			first = fmt.Errorf("%s: %w", what, err)
		}
	}
	for i := len(c.lifecycles) - 1; i >= 0; i-- {
		check("source failed to stop", c.lifecycles[i].Stop())
	}
	for i := len(c.closers) - 1; i >= 0; i-- {
		check("close failed", c.closers[i].Close())
	}
	c.lifecycles, c.closers = nil, nil
	return first
}
