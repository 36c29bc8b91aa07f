package runtime

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// engine runs the batches of one run: it starts the sources and the metrics server,
// drives the clock, calls the job once per batch, logs each batch, and shuts down.
type engine struct {
	ctx *Context
	log *slog.Logger
	cfg *runConfig
}

// run executes the whole run and returns the exit code. Closing stop asks for a graceful
// stop: no new batch starts, the one in flight finishes with its outputs.
func (e *engine) run(stop <-chan struct{}) (code int) {
	ctx, p := e.ctx, e.ctx.Pipeline
	defer func() {
		if err := e.shutdown(); err != nil && code == ExitOK {
			code = ExitFailure
		}
	}()

	// The clock's grid is fixed before the job is built: windowed operators count
	// their slide boundaries from the zero time (Spark's zeroTime), one interval
	// before the first batch.
	interval := ctx.Settings.Batch
	start := TimeOf(time.Now())
	if e.cfg.replay {
		start = Time(e.cfg.startTime)
	}
	t := firstBatchTime(start, interval)
	ctx.ZeroTime = t - Time(interval.Milliseconds())

	job, err := p.New(ctx)
	if err != nil {
		e.log.Error("pipeline setup failed", "err", err)
		ctx.lifecycles = nil // never started, so not stopped; closers still run
		return ExitFailure
	}
	if addr := ctx.Settings.HTTP; addr != "" {
		if err := e.serveMetrics(addr); err != nil {
			e.log.Error("metrics server failed", "addr", addr, "err", err)
			return ExitFailure
		}
	}
	for i, l := range ctx.lifecycles {
		if err := l.Start(ctx.Ctx); err != nil {
			e.log.Error("source failed to start", "err", err)
			ctx.lifecycles = ctx.lifecycles[:i] // only started ones are stopped
			return ExitFailure
		}
	}
	drain := 0
	if d, ok := job.(Drainer); ok {
		drain = d.DrainBatches()
	}

	e.log.Info("pipeline started", "pipeline", p.Name, "replay", e.cfg.replay,
		"batch", interval, "partitions", ctx.Settings.Partitions, "first_batch_time", int64(t))

	remaining := -1 // batches still to run once every source is exhausted; -1: not yet
	for index := int64(0); e.cfg.batches == 0 || index < e.cfg.batches; index++ {
		if !e.cfg.replay {
			if !sleepUntil(t.Go(), stop) {
				break
			}
		} else if stopped(stop) {
			break
		}
		if err := e.runBatch(job, t, index); err != nil {
			return ExitFailure
		}
		if remaining < 0 && e.exhausted() {
			remaining = drain
		} else if remaining > 0 {
			remaining--
		}
		if remaining == 0 || stopped(stop) {
			break
		}
		t = t.Add(interval)
	}
	return ExitOK
}

// runBatch runs and logs batch t.
func (e *engine) runBatch(job Job, t Time, index int64) error {
	b := e.ctx.NewBatch(t, index)
	begin := time.Now()
	err := callBatch(job, b)
	end := time.Now()
	proc := end.Sub(begin)
	sched, total := time.Duration(0), proc
	if !b.Replay {
		sched, total = begin.Sub(t.Go()), end.Sub(t.Go())
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

// exhausted reports whether every registered source is exhausted. A job with no
// sources is never exhausted: it runs until --batches or a signal.
func (e *engine) exhausted() bool {
	ls := e.ctx.lifecycles
	for _, l := range ls {
		if !l.Exhausted() {
			return false
		}
	}
	return len(ls) > 0
}

// serveMetrics starts the metrics server on addr in the background.
func (e *engine) serveMetrics(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: e.ctx.Metrics.Handler(e.ctx.Pipeline.Name), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	e.ctx.OnClose(srv)
	e.log.Info("metrics server listening", "addr", ln.Addr().String())
	return nil
}

// shutdown cancels the run's context, stops the sources and closes the closers, both in
// reverse order of registration, and returns the first error (all are logged).
func (e *engine) shutdown() error {
	ctx := e.ctx
	ctx.cancel()
	var first error
	note := func(what string, err error) {
		if err == nil {
			return
		}
		e.log.Error(what, "err", err)
		if first == nil {
			first = fmt.Errorf("%s: %w", what, err)
		}
	}
	for i := len(ctx.lifecycles) - 1; i >= 0; i-- {
		note("source failed to stop", ctx.lifecycles[i].Stop())
	}
	for i := len(ctx.closers) - 1; i >= 0; i-- {
		note("close failed", ctx.closers[i].Close())
	}
	e.log.Info("pipeline stopped", "batches", ctx.Metrics.Batches.Load(),
		"input_records", ctx.Metrics.RecordsIn.Load(), "bad_records", ctx.Metrics.BadRecords.Load())
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
