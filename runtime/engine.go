package runtime

import (
	"errors"
	"log/slog"
	"net"
	"time"
)

// engine runs the batches of one run: it starts the sources and the operations server,
// drives the clock, calls the job once per batch, logs each batch, and shuts down.
type engine struct {
	ctx *Context
	log *slog.Logger
	cfg *runConfig
	// rates sets the rates of the RateControlled sources under backpressure; nil
	// without it.
	rates *rateController
	// sources reports the sources' status to ctx.Status after each batch; nil without
	// a status recorder.
	sources *sourceReporters
}

// run executes the whole run and returns the exit code. Closing stop asks for a graceful
// stop: no new batch starts, the one in flight finishes with its outputs, and a final
// checkpoint is written.
func (e *engine) run(stop <-chan struct{}) (code int) {
	ctx, p := e.ctx, e.ctx.Pipeline
	var ck *checkpoints
	defer func() {
		ck.close()
		if err := e.shutdown(); err != nil && code == ExitOK {
			code = ExitFailure
		}
	}()

	// The clock's grid is fixed before the job is built: windowed operators count
	// their slide boundaries from the zero time (Spark's zeroTime), one interval
	// before the first batch. A run resuming from a checkpoint keeps the checkpoint's
	// grid and continues after its batch.
	interval := ctx.Settings.Batch
	start := TimeOf(time.Now())
	if e.cfg.replay {
		start = Time(e.cfg.startTime)
	}
	t := firstBatchTime(start, interval)
	ctx.ZeroTime = t - Time(interval.Milliseconds())
	if ctx.Settings.Checkpoint != "" {
		var err error
		if ck, err = openCheckpoints(ctx, e.log); err != nil {
			e.log.Error("cannot use the checkpoint directory", "err", err)
			return ExitFailure
		}
		if c := ck.restored; c != nil {
			ctx.ZeroTime = Time(c.ZeroTime)
			ctx.RecoveredFrom = Time(c.Time)
			ctx.Recovered = true
			if ctx.Status != nil {
				ctx.Status.SetRecovered(c.Time)
			}
			t = Time(c.Time).Add(interval)
		}
	}

	job, err := p.New(ctx)
	if err != nil {
		e.log.Error("pipeline setup failed", "err", err)
		ctx.lifecycles = nil // never started, so not stopped; closers still run
		return ExitFailure
	}
	// --record and --recording tap the sources, before any is restored or started.
	if err := e.useRecording(); err != nil {
		e.log.Error("cannot use the recording", "err", err)
		ctx.lifecycles = nil
		return ExitFailure
	}
	remaining := int64(-1) // batches still to run once every source is exhausted; -1: not yet
	if ck != nil {
		if c := ck.restored; c != nil {
			if err := ck.restore(job); err != nil {
				e.log.Error("recovery failed", "err", err)
				ctx.lifecycles = nil
				return ExitFailure
			}
			remaining = c.Remaining
			if remaining == 0 {
				e.log.Info("the run had already finished: nothing to do (use --fresh to run again)",
					"checkpoint", ck.restoredPath)
				ctx.lifecycles = nil
				return ExitOK
			}
		} else if err := ck.saveNow(job, ctx.ZeroTime, remaining); err != nil {
			// The initial checkpoint fixes the zero time and the initial state, so that a
			// crash before the first periodic checkpoint still recovers on the same grid.
			e.log.Error("checkpoint failed", "err", err)
			ctx.lifecycles = nil
			return ExitFailure
		}
		if err := ck.openBatchLog(); err != nil {
			e.log.Error("cannot use the checkpoint directory", "err", err)
			ctx.lifecycles = nil
			return ExitFailure
		}
		if c := ck.restored; c != nil {
			attrs := []any{"checkpoint", ck.restoredPath, "batch_time", c.Time}
			if ck.lastStarted > Time(c.Time) {
				attrs = append(attrs, "rerun_from", int64(t), "rerun_to", int64(ck.lastStarted))
			}
			e.log.Info("recovering from checkpoint", attrs...)
		}
	}
	if ctx.Status != nil {
		e.sources = newSourceReporters(ctx)
	}
	if addr := ctx.Settings.HTTP; addr != "" {
		if err := e.serveOperations(addr); err != nil {
			e.log.Error("operations server failed", "addr", addr, "err", err)
			return ExitFailure
		}
	}
	if err := ctx.startSources(); err != nil {
		e.log.Error("source failed to start", "err", err)
		return ExitFailure
	}
	if ctx.Status != nil {
		ctx.Status.SourcesStarted()
		e.sources.poll(ctx.Status)
	}
	e.rates = newRateController(ctx)
	e.rates.applyInitialRate(float64(ctx.Settings.InitialRate))
	drain := int64(0)
	if d, ok := job.(Drainer); ok {
		drain = int64(d.DrainBatches())
	}

	e.log.Info("pipeline started", "replay", e.cfg.replay,
		"batch", interval, "partitions", ctx.Settings.Partitions, "first_batch_time", int64(t))

	done := Time(-1 << 63) // the last batch whose outputs are all done
	for index := int64(0); e.cfg.batches == 0 || index < e.cfg.batches; index++ {
		recovering := ck != nil && t <= ck.lastStarted
		if !e.cfg.replay && !recovering {
			if !sleepUntil(t.Go(), stop) {
				break
			}
		} else if stopped(stop) {
			break
		}
		// The batch's input is fixed, and with a checkpoint directory logged, before it
		// runs: see BatchPlanner.
		var (
			logged *background
			err    error
		)
		if ck != nil {
			logged, err = ck.logBatch(t)
		} else {
			_, err = ctx.planBatch(t, nil)
		}
		if err != nil {
			e.log.Error("batch failed", "batch_time", int64(t), "err", err)
			return ExitFailure
		}
		if err := e.runBatch(job, t, index, recovering, logged); err != nil {
			return ExitFailure
		}
		if err := e.recordArgs(t); err != nil {
			e.log.Error("recording failed", "err", err)
			return ExitFailure
		}
		done = t
		if remaining < 0 && e.exhausted() {
			remaining = drain
		} else if remaining > 0 {
			remaining--
		}
		if ck != nil {
			// The checkpoint written while this batch ran is finished as soon as its
			// file is durable; the next one waits for it.
			err := ck.settle(false)
			if err == nil && ck.due(t) {
				err = ck.save(job, t, remaining)
			}
			if err != nil {
				e.log.Error("checkpoint failed", "err", err)
				return ExitFailure
			}
		}
		if remaining == 0 || stopped(stop) {
			break
		}
		t = t.Add(interval)
	}
	// The run ends (finished, --batches, or a graceful stop): checkpoint the last batch
	// so that a restart resumes exactly after it.
	if ck != nil {
		err := ck.settle(true)
		if err == nil && done > ck.newest {
			err = ck.saveNow(job, done, remaining)
		}
		if err != nil {
			e.log.Error("checkpoint failed", "err", err)
			return ExitFailure
		}
	}
	return ExitOK
}

// runBatch runs and logs batch t, then calls the batch-done hooks. logged is the sync
// of the batch's entry in the batch log, which its outputs wait for; nil for none.
func (e *engine) runBatch(job Job, t Time, index int64, recovering bool, logged *background) error {
	b := e.ctx.NewBatch(t, index)
	b.Recovering = recovering
	b.logged = logged
	begin := time.Now()
	rec := e.ctx.Status
	if rec != nil {
		submitted := begin
		if !b.Replay {
			submitted = t.Go()
		}
		rec.BeginBatch(int64(t), index, recovering, submitted, begin)
		b.obs = newBatchObs(rec, begin)
	}
	err := e.ctx.runBatch(job, b)
	end := time.Now()
	proc := end.Sub(begin)
	sched, total := time.Duration(0), proc
	if !b.Replay {
		sched, total = begin.Sub(t.Go()), end.Sub(t.Go())
	}
	if rec != nil {
		b.obs.end()
		rec.EndBatch(end, b.Input(), e.sources.poll(rec), b.BadRecords(), b.LateRecords(), err)
	}
	if err != nil {
		attrs := []any{"batch_time", int64(t), "err", err}
		var pe *PanicError
		if errors.As(err, &pe) {
			attrs = append(attrs, "stack", string(pe.Stack))
		}
		e.log.Error("batch failed", attrs...)
		return err
	}
	e.ctx.Metrics.recordBatch(t, b.Input(), sched, proc, total)
	attrs := []any{"batch_time", int64(t), "input_records", b.Input(),
		"scheduling_delay", sched, "processing_time", proc, "total_delay", total}
	if bad := b.BadRecords(); bad > 0 {
		attrs = append(attrs, "bad_records", bad)
	}
	if late := b.LateRecords(); late > 0 {
		attrs = append(attrs, "late_records", late)
	}
	if recovering {
		attrs = append(attrs, "recovering", true)
	} else {
		// Rates come from batches run on time, not from the re-runs of a recovery.
		attrs = append(attrs, e.rates.batchCompleted(end, proc, sched)...)
	}
	e.log.Info("batch", attrs...)
	return nil
}

// callBatch runs the job on b, turning a panic outside any partition into an error.
func callBatch(job Job, b *Batch) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = newPanicError(v)
		}
	}()
	return job.RunBatch(b)
}

// exhausted reports whether every registered source is exhausted (Context.exhausted).
func (e *engine) exhausted() bool { return e.ctx.exhausted() }

// listenAddress returns addr with the loopback host when it names none (":4040"): a
// pipeline's operations server is served to other machines only when a host is written, such as
// "0.0.0.0:4040".
func listenAddress(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host != "" {
		return addr
	}
	return net.JoinHostPort("127.0.0.1", port)
}

// shutdown cancels the run's context, stops the sources and closes the closers, both in
// reverse order of registration, and returns the first error (all are logged).
func (e *engine) shutdown() error {
	ctx := e.ctx
	if ctx.Status != nil {
		ctx.Status.Stopped()
	}
	first := ctx.shutdown(func(what string, err error) { e.log.Error(what, "err", err) })
	e.log.Info("pipeline stopped", "batches", ctx.Metrics.Batches.Load(),
		"input_records", ctx.Metrics.RecordsIn.Load(), "bad_records", ctx.Metrics.BadRecords.Load(),
		"late_records", ctx.Metrics.LateRecords.Load())
	return first
}

// sleepUntil waits until the wall clock reaches t and reports true, or returns false as
// soon as stop is closed. A t in the past returns true at once: batches that fell behind
// run back to back (their scheduling delay shows it), never overlapping.
func sleepUntil(t time.Time, stop <-chan struct{}) bool {
	d := time.Until(t)
	if d <= 0 {
		return !stopped(stop)
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-stop:
		return false
	}
}

// stopped reports whether stop is closed.
func stopped(stop <-chan struct{}) bool {
	select {
	case <-stop:
		return true
	default:
	}
	return false
}
