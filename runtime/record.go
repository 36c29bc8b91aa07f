package runtime

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"streamc.dev/streamc/runtime/recording"
)

// This file is --record DIR and --recording DIR (package recording has the format).
//
// With --record, every text and Kafka source writes the records it delivers to each
// batch into DIR (the source's Batch does it through its tap, right after reading), and
// DIR/args says how to run the same batch times again. With --recording, the same
// sources deliver the recorded batches instead of reading anything: the engine registers
// a stand-in for each of them (replayedSource) that is never started, plans nothing and
// is exhausted after the source's last recorded batch, and the run uses the recording's
// clock (DIR/args as default flags, the replay clock). Queue and rate sources compute
// the same batches again from the same batch times.

// tappable is a source that can record its batches and deliver recorded ones
// (source.Files, source.Socket, source.Lines and the receivers built on it, the Kafka
// source).
type tappable interface {
	SetTap(*recording.Tap)
}

// replaySetter is a source with a behaviour of its own on the replay clock: a Kafka
// source reads its topic from the start instead of from the group's offsets.
type replaySetter interface {
	SetReplay()
}

// replayedSource stands in for a tapped source while a recording is replayed: its
// batches come from the recording (through the source's own Batch), so nothing is
// started, planned or checkpointed. It is exhausted after its last recorded batch,
// unless the run has a number of batches to run (--batches, which a recording's args
// give): a replay then runs as many batches as the recorded run did, empty ones at the
// end included.
type replayedSource struct {
	tap     *recording.Tap
	counted bool
}

func (r *replayedSource) Start(context.Context) error { return nil }
func (r *replayedSource) Stop() error                 { return nil }
func (r *replayedSource) Exhausted() bool             { return !r.counted && r.tap.Exhausted() }

// useRecording tells the registered sources about the replay clock and the recording,
// once the job has registered them and before any is restored or started. It fails
// when the recording has input for a source the pipeline does not have, or for one
// that cannot take recorded input.
func (e *engine) useRecording() error {
	ctx := e.ctx
	if ctx.Replay {
		for _, l := range ctx.lifecycles {
			if r, ok := l.(replaySetter); ok {
				r.SetReplay()
			}
		}
	}
	rec := e.cfg.rec
	if rec == nil {
		return nil
	}
	known := map[string]bool{}
	var untapped []string
	for i, l := range ctx.lifecycles {
		name := ctx.sourceNames[i]
		known[name] = true
		t, ok := l.(tappable)
		if !ok {
			if rec.Replaying() && len(rec.Times(name)) > 0 {
				return fmt.Errorf("recording %s has input for source %s, which cannot take recorded input: queue, rate and Go sources with offsets of their own compute their batches again",
					rec.Dir(), name)
			}
			untapped = append(untapped, name)
			continue
		}
		tap := rec.Tap(name)
		t.SetTap(tap)
		if rec.Replaying() {
			ctx.lifecycles[i] = &replayedSource{tap: tap, counted: e.cfg.batches > 0}
		}
	}
	for _, name := range rec.Sources() {
		if !known[name] {
			return fmt.Errorf("recording %s has input for source %q, which this pipeline does not have (its sources: %s)",
				rec.Dir(), name, strings.Join(ctx.sourceNames, ", "))
		}
	}
	if rec.Replaying() {
		e.log.Info("replaying a recording", "recording", rec.Dir(), "sources", strings.Join(rec.Sources(), ","))
		return nil
	}
	attrs := []any{"recording", rec.Dir()}
	if len(untapped) > 0 {
		attrs = append(attrs, "not_recorded", strings.Join(untapped, ","))
	}
	e.log.Info("recording the input of every batch", attrs...)
	return e.recordArgs(-1)
}

// recordArgs writes the recording's args file: the flags that give a replay the run's
// batch times and partitions, and, once batch t has run (t >= 0), the number of batches
// up to it, so that the replay stops where the run did.
func (e *engine) recordArgs(t Time) error {
	rec := e.cfg.rec
	if rec == nil || rec.Replaying() {
		return nil
	}
	ctx := e.ctx
	args := []string{"--start-time", strconv.FormatInt(int64(ctx.ZeroTime), 10),
		"--batch", ctx.Settings.Batch.String(), "--partitions", strconv.Itoa(ctx.Settings.Partitions)}
	if t >= 0 {
		n := (int64(t) - int64(ctx.ZeroTime)) / ctx.Settings.Batch.Milliseconds()
		args = append(args, "--batches", strconv.FormatInt(n, 10))
	}
	comment := fmt.Sprintf("recorded by %s (%s); run it again with --recording %s", ctx.Pipeline.Name,
		ctx.Pipeline.SourceFile, rec.Dir())
	return rec.WriteArgs(comment, args)
}

// openRecording parses the command line of a run with --recording DIR again, after
// the recording's args file: its flags are defaults, those on the command line win. The
// run is on the replay clock.
func openRecording(p *Pipeline, args []string, dir string) (*runConfig, error) {
	extra, err := recording.ReadArgs(dir)
	if err != nil {
		return nil, err
	}
	cfg := &runConfig{}
	fs := newFlagSet(p, cfg)
	if err := fs.Parse(extra); err != nil {
		return nil, fmt.Errorf("%s: %v", filepath.Join(dir, recording.ArgsFile), err)
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("%s: unexpected argument %q", filepath.Join(dir, recording.ArgsFile), fs.Arg(0))
	}
	if cfg.recording != "" || cfg.record != "" {
		return nil, fmt.Errorf("%s: --record and --recording cannot be in a recording's args", filepath.Join(dir, recording.ArgsFile))
	}
	if err := fs.Parse(args); err != nil { // parsed once already: no error
		return nil, err
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "checkpoint" {
			cfg.ownCheckpoint = true
		}
	})
	cfg.replay = true
	if cfg.rec, err = recording.Open(cfg.recording); err != nil {
		return nil, err
	}
	return cfg, nil
}

// recordingCheckpoint gives a replay of a recording a checkpoint directory of its own
// when the pipeline has one and none was given on the command line: a replay starts at
// the recording's first batch and must not resume, or disturb, the live run's
// checkpoint. It returns a function that removes it.
func recordingCheckpoint(cfg *runConfig) (func(), error) {
	if cfg.recording == "" || cfg.ownCheckpoint || cfg.settings.Checkpoint == "" {
		return func() {}, nil
	}
	dir, err := os.MkdirTemp("", "streamc-recording-ckpt-")
	if err != nil {
		return nil, err
	}
	cfg.settings.Checkpoint = dir
	return func() { os.RemoveAll(dir) }, nil
}

// createRecording opens the --record directory.
func createRecording(cfg *runConfig) error {
	if cfg.record == "" {
		return nil
	}
	rec, err := recording.Create(cfg.record)
	if err != nil {
		return err
	}
	cfg.rec = rec
	return nil
}
