package runtime

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"streamc.dev/streamc/runtime/checkpoint"
	"streamc.dev/streamc/runtime/recording"
	"streamc.dev/streamc/runtime/status"
)

// Exit codes of a pipeline binary.
const (
	ExitOK      = 0   // the run finished, or was stopped by SIGINT/SIGTERM after finishing its batch
	ExitFailure = 1   // the pipeline failed at run time (a batch, a source or a sink failed)
	ExitUsage   = 2   // the command line was invalid
	ExitSignal  = 130 // a second SIGINT/SIGTERM arrived during a graceful stop
)

// Main runs the pipeline with the process's arguments and standard streams and returns
// the exit code. Generated code's main is `os.Exit(rt.Main(pipeline))`.
func Main(p *Pipeline) int { return RunMain(p, os.Args[1:], os.Stdout, os.Stderr) }

// RunMain is Main with explicit arguments (without the program name) and output
// streams, so that tests can run a pipeline in-process. It installs handlers for SIGINT
// and SIGTERM for the duration of the run: the first signal finishes the current batch
// (and its outputs), stops the sources, closes the sinks and returns ExitOK, unless that
// takes longer than the stopTimeout setting (ExitFailure); a second signal returns
// ExitSignal at once, abandoning the batch in flight.
func RunMain(p *Pipeline, args []string, stdout, stderr io.Writer) int {
	cfg, code, ok := parseArgs(p, args, stdout, stderr)
	if !ok {
		return code
	}
	log := newLogger(stderr, cfg.logFormat, cfg.logLevel).With("pipeline", p.Name)
	// --recording: a checkpoint directory of the replay's own (record.go).
	cleanup, err := recordingCheckpoint(cfg)
	if err != nil {
		log.Error("--recording failed", "err", err)
		return ExitFailure
	}
	defer cleanup()
	if err := createRecording(cfg); err != nil {
		log.Error("--record failed", "err", err)
		return ExitFailure
	}
	if cfg.fresh {
		moved, err := checkpoint.MoveAside(cfg.settings.Checkpoint, time.Now())
		if err != nil {
			log.Error("--fresh failed", "err", err)
			return ExitFailure
		}
		if moved != "" {
			log.Warn("--fresh: moved the old checkpoint directory aside; starting with empty state",
				"checkpoint", cfg.settings.Checkpoint, "moved_to", moved)
		}
	}
	// print's blocks are written while the next batch runs (printout.go); the engine
	// flushes them before each checkpoint, and the closer at the end of the run.
	out := asyncStdout(stdout)
	ctx := NewContext(p, cfg.settings, out, log)
	if o, ok := out.(*printOut); ok {
		ctx.OnClose(o)
	}
	ctx.Replay = cfg.replay
	ctx.overrides = cfg.overrides
	// The figures of the operations server cost a few locks per batch; they are kept
	// only when it runs.
	if ctx.Settings.HTTP != "" {
		ctx.Status = newRecorder(ctx, cfg)
	}

	sigc := make(chan os.Signal, 2)
	signal.Notify(sigc, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigc)

	stop := make(chan struct{})
	done := make(chan int, 1)
	e := &engine{ctx: ctx, log: log, cfg: cfg}
	go func() { done <- e.run(stop) }()

	var timeout <-chan time.Time
	for {
		select {
		case code := <-done:
			return code
		case sig := <-sigc:
			if timeout == nil {
				log.Info("stopping: finishing the current batch", "signal", sig.String())
				close(stop)
				timeout = time.After(ctx.Settings.StopTimeout)
				continue
			}
			log.Warn("second signal: exiting now", "signal", sig.String())
			return ExitSignal
		case <-timeout:
			log.Error("graceful stop timed out", "stop_timeout", ctx.Settings.StopTimeout)
			return ExitFailure
		}
	}
}

// runConfig is the parsed command line.
type runConfig struct {
	settings  Settings
	replay    bool
	startTime int64
	batches   int64
	overrides map[string]string
	logLevel  slog.Level
	logFormat string
	fresh     bool
	// The operations server's: how many batches its history keeps, whether it serves
	// pprof, and the scheduling delay beyond which /ready reports catching up.
	retainedBatches int
	pprof           bool
	readyMaxDelay   time.Duration
	// --record DIR and --recording DIR (record.go): the directory, and the recording
	// opened for the run; ownCheckpoint says --checkpoint was given with --recording.
	record, recording string
	rec               *recording.Recording
	ownCheckpoint     bool
}

// sourceOverrides is the repeatable --source NAME=ADDRESS flag.
type sourceOverrides map[string]string

func (o sourceOverrides) String() string { return "" }

func (o sourceOverrides) Set(s string) error {
	name, addr, ok := strings.Cut(s, "=")
	if !ok || name == "" {
		return fmt.Errorf("want NAME=ADDRESS, got %q", s)
	}
	o[name] = addr
	return nil
}

// badRecordFlag is the --on-bad-record flag.
type badRecordFlag struct{ p *BadRecordPolicy }

func (f badRecordFlag) String() string {
	if f.p == nil {
		return ""
	}
	return f.p.String()
}

func (f badRecordFlag) Set(s string) error {
	p, err := ParseBadRecordPolicy(s)
	if err == nil {
		*f.p = p
	}
	return err
}

// Flag groups, in the order --help lists them.
var (
	settingFlags = []string{"batch", "partitions", "checkpoint", "checkpoint-every", "max-rate",
		"backpressure", "initial-rate", "http", "stop-timeout", "on-bad-record", "output-attempts", "output-backoff"}
	runFlags = []string{"batches", "replay", "start-time", "fresh", "source", "record", "recording", "log-level", "log-format",
		"ui-retained-batches", "ready-max-delay", "pprof"}
)

// newFlagSet declares the binary's flags over cfg, with the file's settings as defaults.
func newFlagSet(p *Pipeline, cfg *runConfig) *flag.FlagSet {
	fs := flag.NewFlagSet(p.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // parseArgs prints errors and help itself
	s := &cfg.settings
	*s = p.Defaults
	cfg.overrides = sourceOverrides{}
	fs.DurationVar(&s.Batch, "batch", s.Batch, "batch `interval`")
	fs.IntVar(&s.Partitions, "partitions", s.Partitions, "default number of `partitions` (0: one per CPU)")
	fs.StringVar(&s.Checkpoint, "checkpoint", s.Checkpoint, "checkpoint `directory`")
	fs.DurationVar(&s.CheckpointEvery, "checkpoint-every", s.CheckpointEvery,
		"checkpoint `interval`, a multiple of the batch interval (0: max(batch, 10s))")
	fs.Int64Var(&s.MaxRate, "max-rate", s.MaxRate, "maximum `records` per second per source (0: unlimited)")
	fs.BoolVar(&s.Backpressure, "backpressure", s.Backpressure, "adapt the input rate to the processing speed")
	fs.Int64Var(&s.InitialRate, "initial-rate", s.InitialRate, "backpressure's `records` per second per source until the first batch completes (0: max-rate)")
	fs.StringVar(&s.HTTP, "http", s.HTTP, "`address` of the operations server (web UI, /api/v1, /metrics, /healthz, /ready), e.g. :4040")
	fs.DurationVar(&s.StopTimeout, "stop-timeout", s.StopTimeout, "graceful stop `limit` (0: 30s)")
	fs.Var(badRecordFlag{&s.OnBadRecord}, "on-bad-record", "bad-record `policy`: fail, skip or deadLetter(path)")
	fs.IntVar(&s.OutputAttempts, "output-attempts", s.OutputAttempts, "tries of a failing output before the run fails (0: 4)")
	fs.DurationVar(&s.OutputBackoff, "output-backoff", s.OutputBackoff, "wait before retrying a failed output, doubled per retry (0: 500ms)")

	fs.Int64Var(&cfg.batches, "batches", 0, "stop after `n` batches (0: no limit)")
	fs.BoolVar(&cfg.replay, "replay", false,
		"deterministic clock: run batches back to back from --start-time, without waiting")
	fs.Var((*startTimeFlag)(&cfg.startTime), "start-time",
		"replay clock start: epoch milliseconds or an RFC 3339 `time` (2026-01-01T00:00:00Z); the first batch time is the next multiple of the interval")
	fs.BoolVar(&cfg.fresh, "fresh", false,
		"start with empty state: move the checkpoint directory aside (to DIR.old-TIME) first")
	fs.Var(sourceOverrides(cfg.overrides), "source", "override the address of a source: `name=address` (repeatable)")
	fs.StringVar(&cfg.record, "record", "",
		"write each batch's input, per source, into a recording in `dir` (docs/testing.md)")
	fs.StringVar(&cfg.recording, "recording", "",
		"replay the recording in `dir` instead of reading the sources, on its clock (implies --replay)")
	fs.TextVar(&cfg.logLevel, "log-level", slog.LevelInfo, "log `level`: debug, info, warn or error")
	fs.StringVar(&cfg.logFormat, "log-format", "text", "log `format`: text or json")
	fs.IntVar(&cfg.retainedBatches, "ui-retained-batches", status.DefaultRetainedBatches,
		"the operations server keeps and shows the last `n` batches (Spark's spark.streaming.ui.retainedBatches)")
	fs.DurationVar(&cfg.readyMaxDelay, "ready-max-delay", 0,
		"scheduling `delay` beyond which /ready reports the run catching up (0: max(10 batches, 10s))")
	fs.BoolVar(&cfg.pprof, "pprof", false, "serve net/http/pprof under /debug/pprof/ on the operations server")
	return fs
}

// parseArgs parses and validates the command line. When ok is false the run is over
// (help printed, or a usage error reported) and code is the exit code.
func parseArgs(p *Pipeline, args []string, stdout, stderr io.Writer) (cfg *runConfig, code int, ok bool) {
	cfg = &runConfig{}
	fs := newFlagSet(p, cfg)
	usageErr := func(format string, a ...any) (*runConfig, int, bool) {
		fmt.Fprintf(stderr, "%s: %s\n", p.Name, fmt.Sprintf(format, a...))
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", p.Name)
		return nil, ExitUsage, false
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			writeHelp(stdout, p, fs)
			return nil, ExitOK, false
		}
		return usageErr("%v", err)
	}
	if fs.NArg() > 0 {
		if st, err := os.Stat(filepath.Join(fs.Arg(0), recording.InDir)); err == nil && st.IsDir() {
			// `--replay rec/`: a recording is replayed with --recording (record.go).
			return usageErr("unexpected argument %q: to replay the recording in it, use --recording %s", fs.Arg(0), fs.Arg(0))
		}
		return usageErr("unexpected argument %q", fs.Arg(0))
	}
	if cfg.record != "" && cfg.recording != "" {
		return usageErr("--record and --recording cannot be used together")
	}
	if cfg.recording != "" {
		var err error
		if cfg, err = openRecording(p, args, cfg.recording); err != nil {
			return usageErr("--recording: %v", err)
		}
	}
	s := cfg.settings
	switch {
	case s.Batch < time.Millisecond || s.Batch%time.Millisecond != 0:
		return usageErr("--batch must be a positive whole number of milliseconds, got %v", s.Batch)
	case s.Partitions < 0:
		return usageErr("--partitions must be at least 1 (or 0 for one per CPU), got %d", s.Partitions)
	case s.CheckpointEvery < 0 || s.CheckpointEvery%s.Batch != 0:
		return usageErr("--checkpoint-every must be a multiple of the batch interval %v, got %v", s.Batch, s.CheckpointEvery)
	case s.MaxRate < 0:
		return usageErr("--max-rate must not be negative, got %d", s.MaxRate)
	case s.InitialRate < 0:
		return usageErr("--initial-rate must not be negative, got %d", s.InitialRate)
	case s.StopTimeout < 0:
		return usageErr("--stop-timeout must not be negative, got %v", s.StopTimeout)
	case s.OutputAttempts < 0:
		return usageErr("--output-attempts must not be negative, got %d", s.OutputAttempts)
	case s.OutputBackoff < 0:
		return usageErr("--output-backoff must not be negative, got %v", s.OutputBackoff)
	case cfg.fresh && s.Checkpoint == "":
		return usageErr("--fresh needs a checkpoint directory (the checkpoint setting or --checkpoint)")
	case cfg.batches < 0:
		return usageErr("--batches must not be negative, got %d", cfg.batches)
	case cfg.logFormat != "text" && cfg.logFormat != "json":
		return usageErr("--log-format must be text or json, got %q", cfg.logFormat)
	case cfg.retainedBatches < 1:
		return usageErr("--ui-retained-batches must be at least 1, got %d", cfg.retainedBatches)
	case cfg.readyMaxDelay < 0:
		return usageErr("--ready-max-delay must not be negative, got %v", cfg.readyMaxDelay)
	case cfg.pprof && s.HTTP == "":
		return usageErr("--pprof needs the operations server (the http setting or --http)")
	}
	if cfg.startTime != 0 && !cfg.replay {
		return usageErr("--start-time needs --replay (a live run starts at the wall clock)")
	}
	var names []string
	for _, src := range p.Sources {
		names = append(names, src.Name)
	}
	for _, name := range slices.Sorted(maps.Keys(cfg.overrides)) {
		if !slices.Contains(names, name) {
			return usageErr("--source %s: no source named %q (sources: %s)", name, name, strings.Join(names, ", "))
		}
	}
	return cfg, 0, true
}

// writeHelp prints --help: what the binary is, its sources and outputs, its flags with
// the file's values as defaults, and the exit codes.
func writeHelp(w io.Writer, p *Pipeline, fs *flag.FlagSet) {
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: %s [flags]\n\n", p.Name)
	fmt.Fprintf(&b, "%s is a streaming pipeline compiled by streamc from %s.\n", p.Name, p.SourceFile)
	b.WriteString("It runs one batch per interval until its sources are exhausted, --batches is\n" +
		"reached, or it receives SIGINT or SIGTERM.\n")

	if len(p.Sources) > 0 {
		b.WriteString("\nSources (override an address with --source NAME=ADDRESS):\n")
		rows := make([][]string, 0, len(p.Sources))
		for _, s := range p.Sources {
			rows = append(rows, []string{s.Name, s.Kind, s.Address, s.Pos})
		}
		writeTable(&b, rows)
	}
	if len(p.Outputs) > 0 {
		b.WriteString("\nOutputs (run in this order every batch):\n")
		rows := make([][]string, 0, len(p.Outputs))
		for _, o := range p.Outputs {
			rows = append(rows, []string{o.Desc, o.Pos})
		}
		writeTable(&b, rows)
	}

	b.WriteString("\nSettings (defaults are the values in the file):\n")
	writeFlags(&b, fs, settingFlags)
	b.WriteString("\nRun:\n")
	writeFlags(&b, fs, runFlags)
	fmt.Fprintf(&b, "  %-28s %s\n", "--help", "print this help")

	fmt.Fprintf(&b, "\nExit codes:\n"+
		"  %-4d finished, or stopped by SIGINT/SIGTERM after finishing the current batch\n"+
		"  %-4d the pipeline failed at run time\n"+
		"  %-4d usage error\n"+
		"  %-4d a second SIGINT/SIGTERM stopped it at once\n",
		ExitOK, ExitFailure, ExitUsage, ExitSignal)
	io.WriteString(w, b.String())
}

// writeFlags lists the named flags, one a line, with their defaults.
func writeFlags(b *strings.Builder, fs *flag.FlagSet, names []string) {
	for _, name := range names {
		f := fs.Lookup(name)
		arg, usage := flag.UnquoteUsage(f)
		left := "--" + name
		if arg != "" && name != "backpressure" && name != "replay" && name != "fresh" && name != "pprof" {
			left += " " + arg
		}
		line := fmt.Sprintf("  %-28s %s", left, usage)
		switch f.DefValue {
		case "", "0", "0s", "false":
		default:
			line += " (default " + f.DefValue + ")"
		}
		b.WriteString(line + "\n")
	}
}

// writeTable writes rows with aligned columns, indented by two spaces.
func writeTable(b *strings.Builder, rows [][]string) {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], len(c))
		}
	}
	for _, r := range rows {
		line := " "
		for i, c := range r {
			line += " " + c
			if i < len(r)-1 {
				line += strings.Repeat(" ", widths[i]-len(c))
			}
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
}

// newLogger returns the run's structured logger on w. Durations are written in
// milliseconds, with the unit in the key for JSON ("processing_time_ms": 0.07, which
// log processors sum and chart as numbers) and in the value for text
// (processing_time=0.07ms); Go's own rendering would give nanoseconds in JSON.
func newLogger(w io.Writer, format string, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		opts.ReplaceAttr = func(groups []string, a slog.Attr) slog.Attr {
			if a.Value.Kind() == slog.KindDuration {
				return slog.Float64(a.Key+"_ms", durationMs(a.Value.Duration()))
			}
			return a
		}
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	opts.ReplaceAttr = func(groups []string, a slog.Attr) slog.Attr {
		if a.Value.Kind() == slog.KindDuration {
			return slog.String(a.Key, strconv.FormatFloat(durationMs(a.Value.Duration()), 'f', -1, 64)+"ms")
		}
		return a
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// durationMs is d in milliseconds, to the microsecond.
func durationMs(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// startTimeFlag is --start-time: epoch milliseconds, or an RFC 3339 time (with or without
// fractional seconds), as event times in data are usually written.
type startTimeFlag int64

func (f *startTimeFlag) String() string { return strconv.FormatInt(int64(*f), 10) }

func (f *startTimeFlag) Set(s string) error {
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		*f = startTimeFlag(ms)
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("want epoch milliseconds or an RFC 3339 time such as 2026-01-01T00:00:00Z")
	}
	*f = startTimeFlag(t.UnixMilli())
	return nil
}
