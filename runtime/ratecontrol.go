package runtime

import "time"

// RateControlled is a source whose rate backpressure can set (Spark's
// spark.streaming.backpressure.enabled): receivers (socket, stdin) throttle reception
// and bound each batch to rate × interval, the Kafka source bounds the records a batch
// takes in the same way. Bounding the batch, not only the reading, is what makes the
// estimator settle: a batch that starts late must not take everything that arrived
// while the previous one ran. With the setting on, the engine
// asks every registered source that implements it, after each completed batch, how many
// records it gave the batch, and sets its next rate from a PID estimator.
type RateControlled interface {
	// LastBatchRecords returns the number of records the source gave its latest batch.
	LastBatchRecords() int64
	// SetRate sets the records per second the source may take from now on.
	SetRate(perSecond float64)
}

// PIDRateEstimator is Spark Streaming's PIDRateEstimator: it computes the input rate at
// which batches would take exactly the batch interval, from each completed batch's
// number of records, processing delay and scheduling delay. The error is the difference
// between the current rate and the rate the batch was processed at; the scheduling delay
// stands for the accumulated (integral) error: records queued up that the next batches
// must absorb. Spark's defaults: proportional 1, integral 0.2, derivative 0, at least 100
// records a second. The engine calls it from the goroutine that runs the batches only.
type PIDRateEstimator struct {
	Interval                           time.Duration
	Proportional, Integral, Derivative float64
	MinRate                            float64

	first       bool
	latestTime  int64 // ms
	latestRate  float64
	latestError float64
}

// NewPIDRateEstimator returns an estimator with Spark's default gains for batches of the
// given interval.
func NewPIDRateEstimator(interval time.Duration) *PIDRateEstimator {
	return &PIDRateEstimator{Interval: interval, Proportional: 1, Integral: 0.2, Derivative: 0, MinRate: 100, first: true, latestTime: -1}
}

// Compute takes a completed batch — the wall time in ms it completed at, its records, its
// processing and scheduling delays — and returns the new rate in records per second, or
// false when there is none: for the first batch with data (which only sets the starting
// rate to the observed processing rate), for an empty batch, or for one out of order.
func (e *PIDRateEstimator) Compute(doneAt, records int64, processing, scheduling time.Duration) (float64, bool) {
	procMs := float64(processing) / float64(time.Millisecond)
	if doneAt <= e.latestTime || records <= 0 || procMs <= 0 {
		return 0, false
	}
	sinceUpdate := float64(doneAt-e.latestTime) / 1000
	processingRate := float64(records) / procMs * 1000
	err := e.latestRate - processingRate
	// The scheduling delay, in batches, times the processing rate: how many records
	// behind the pipeline is.
	historicalErr := float64(scheduling) / float64(time.Millisecond) * processingRate / float64(e.Interval.Milliseconds())
	dErr := (err - e.latestError) / sinceUpdate
	rate := max(e.latestRate-e.Proportional*err-e.Integral*historicalErr-e.Derivative*dErr, e.MinRate)
	e.latestTime = doneAt
	if e.first {
		e.latestRate, e.latestError, e.first = processingRate, 0, false
		return 0, false
	}
	e.latestRate, e.latestError = rate, err
	return rate, true
}

// rateController drives the RateControlled sources of a run: one estimator each, as
// Spark has one RateController per input stream. maxRate (records a second, 0 for none)
// caps every rate, as spark.streaming.receiver.maxRate caps the receivers'.
type rateController struct {
	sources []RateControlled
	names   []string
	est     []*PIDRateEstimator
	maxRate float64
}

func newRateController(ctx *Context) *rateController {
	if !ctx.Settings.Backpressure || ctx.Replay {
		return nil
	}
	rc := &rateController{maxRate: float64(ctx.Settings.MaxRate)}
	for i, l := range ctx.lifecycles {
		if s, ok := l.(RateControlled); ok {
			rc.sources = append(rc.sources, s)
			rc.names = append(rc.names, ctx.sourceNames[i])
			rc.est = append(rc.est, NewPIDRateEstimator(ctx.Settings.Batch))
		}
	}
	if len(rc.sources) == 0 {
		return nil
	}
	return rc
}

// applyInitialRate sets every source's rate before the first batch: Spark's
// spark.streaming.backpressure.initialRate, capped by maxRate. Until the estimator has
// seen two batches with data it sets no rate, so without an initial rate the first
// batches take whatever the receivers buffered — under a flood, a whole buffer's worth,
// which a slow pipeline then needs many intervals to process (and the scheduling delay
// of those batches is what the estimator then has to work off). perSecond ≤ 0 leaves
// the sources as they are (unlimited, or at maxRate).
func (rc *rateController) applyInitialRate(perSecond float64) {
	if rc == nil || perSecond <= 0 {
		return
	}
	if rc.maxRate > 0 {
		perSecond = min(perSecond, rc.maxRate)
	}
	for _, s := range rc.sources {
		s.SetRate(perSecond)
	}
}

// batchCompleted feeds a completed batch to every source's estimator and sets the rates
// they compute; it returns the new rates by source name, for the log.
func (rc *rateController) batchCompleted(doneAt time.Time, processing, scheduling time.Duration) []any {
	if rc == nil {
		return nil
	}
	var attrs []any
	for i, s := range rc.sources {
		rate, ok := rc.est[i].Compute(doneAt.UnixMilli(), s.LastBatchRecords(), processing, scheduling)
		if !ok {
			continue
		}
		if rc.maxRate > 0 {
			rate = min(rate, rc.maxRate)
		}
		s.SetRate(rate)
		attrs = append(attrs, "rate."+rc.names[i], int64(rate))
	}
	return attrs
}
