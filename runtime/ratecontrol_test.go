package runtime

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// TestPIDRateEstimator follows Spark's PIDRateEstimator batch by batch: the first batch
// with data only sets the starting rate, empty or out-of-order batches give nothing, a
// batch processed slower than the current rate lowers it, a scheduling delay (records
// queued) lowers it further, and the rate never goes below the minimum.
func TestPIDRateEstimator(t *testing.T) {
	e := NewPIDRateEstimator(time.Second)
	if _, ok := e.Compute(1000, 0, time.Second, 0); ok {
		t.Error("an empty batch gave a rate")
	}
	// 10,000 records in 500 ms: processing rate 20,000/s becomes the starting rate.
	if _, ok := e.Compute(1000, 10000, 500*time.Millisecond, 0); ok {
		t.Error("the first batch with data gave a rate")
	}
	if _, ok := e.Compute(1000, 10000, 500*time.Millisecond, 0); ok {
		t.Error("a batch completing at the same time gave a rate")
	}
	// 10,000 records in 1 s: processing rate 10,000; error 20,000 - 10,000 = 10,000;
	// new rate 20,000 - 1 × 10,000 = 10,000.
	got, ok := e.Compute(2000, 10000, time.Second, 0)
	if !ok || math.Abs(got-10000) > 1e-6 {
		t.Fatalf("rate %v, %v; want 10000", got, ok)
	}
	// 10,000 in 1 s again with 500 ms of scheduling delay: error 0, historical error
	// 500 × 10,000 / 1000 = 5,000; new rate 10,000 - 0.2 × 5,000 = 9,000.
	got, ok = e.Compute(3000, 10000, time.Second, 500*time.Millisecond)
	if !ok || math.Abs(got-9000) > 1e-6 {
		t.Fatalf("rate %v, %v; want 9000", got, ok)
	}
	// A very slow batch: 10 records in 1 s drives the rate to the minimum, 100.
	got, ok = e.Compute(4000, 10, time.Second, 0)
	if !ok || got != 100 {
		t.Fatalf("rate %v, %v; want the minimum 100", got, ok)
	}
}

type fakeRateSource struct {
	lifecycleStub
	last  int64
	rates []float64
}

func (f *fakeRateSource) LastBatchRecords() int64   { return f.last }
func (f *fakeRateSource) SetRate(perSecond float64) { f.rates = append(f.rates, perSecond) }

// TestRateControllerCapsAtMaxRate checks that the controller only drives sources that
// accept a rate, only under backpressure and never in replay, and that maxRate caps the
// rates it sets.
func TestRateControllerCapsAtMaxRate(t *testing.T) {
	src := &fakeRateSource{last: 10000}
	ctx := NewContext(&Pipeline{Name: "p"}, Settings{Batch: time.Second, Backpressure: true, MaxRate: 5000}, nil, nil)
	ctx.RegisterSource("other", &lifecycleStub{})
	ctx.RegisterSource("lines", src)
	rc := newRateController(ctx)
	if rc == nil || len(rc.sources) != 1 {
		t.Fatalf("controller %+v: want one source", rc)
	}
	start := time.UnixMilli(1000)
	rc.batchCompleted(start, 500*time.Millisecond, 0)
	attrs := rc.batchCompleted(start.Add(time.Second), time.Second, 0)
	if len(src.rates) != 1 || src.rates[0] != 5000 {
		t.Errorf("rates set %v, want [5000] (10,000 capped by maxRate)", src.rates)
	}
	if len(attrs) != 2 || attrs[0] != "rate.lines" {
		t.Errorf("log attributes %v", attrs)
	}
	ctx.Settings.Backpressure = false
	if newRateController(ctx) != nil {
		t.Error("a controller without backpressure")
	}
	ctx.Settings.Backpressure, ctx.Replay = true, true
	if newRateController(ctx) != nil {
		t.Error("a controller in replay")
	}
}

// lifecycleStub is a source that does nothing.
type lifecycleStub struct{}

func (lifecycleStub) Start(context.Context) error { return nil }
func (lifecycleStub) Stop() error                 { return nil }
func (lifecycleStub) Exhausted() bool             { return false }

// TestApplyInitialRate: the initial rate reaches every rate-controlled source before the
// first batch, capped by maxRate; none leaves them unlimited.
func TestApplyInitialRate(t *testing.T) {
	src := &fakeRateSource{}
	ctx := NewContext(&Pipeline{Name: "p"}, Settings{Batch: time.Second, Backpressure: true, MaxRate: 5000}, nil, nil)
	ctx.RegisterSource("lines", src)
	rc := newRateController(ctx)
	rc.applyInitialRate(0)
	if len(src.rates) != 0 {
		t.Errorf("rates %v without an initial rate", src.rates)
	}
	rc.applyInitialRate(2000)
	rc.applyInitialRate(9000)
	if fmt.Sprint(src.rates) != "[2000 5000]" {
		t.Errorf("rates %v, want [2000 5000]", src.rates)
	}
}

// overloadModel simulates a receiver under a sender that never stops, feeding a
// pipeline that processes perSec records a second plus overhead per batch (times noise
// drawn from ±jitter), under the engine's clock: batch k is due at k × interval, starts
// when due or when the previous one ends, and takes at most rate × interval of the
// buffered records (what the receivers do), the buffer holding at most buffer records.
// It returns each batch's records and scheduling delay.
func overloadModel(interval time.Duration, perSec float64, overhead time.Duration, jitter float64,
	buffer, initial float64, batches int) (sizes []float64, delays []time.Duration) {
	est := NewPIDRateEstimator(interval)
	rng := rand.New(rand.NewPCG(1, 2))
	rate := initial // 0: unlimited
	level, now, lastFill := 0.0, time.Duration(0), time.Duration(0)
	fill := func(to time.Duration) { // reception at the current rate up to time to
		if rate <= 0 {
			level = buffer
		} else {
			level = min(buffer, level+rate*(to-lastFill).Seconds())
		}
		lastFill = to
	}
	for k := 1; k <= batches; k++ {
		due := time.Duration(k) * interval
		start := max(due, now)
		fill(start)
		n := level
		if rate > 0 && k > 1 {
			n = min(n, math.Ceil(rate*interval.Seconds()))
		}
		level -= n
		noise := 1 + jitter*(2*rng.Float64()-1)
		proc := time.Duration((n/perSec*float64(time.Second) + float64(overhead)) * noise)
		now = start + proc
		fill(now)
		sizes = append(sizes, n)
		delays = append(delays, start-due)
		if r, ok := est.Compute(now.Milliseconds()+1, int64(n), proc, start-due); ok {
			rate = r
		}
	}
	return sizes, delays
}

// TestBackpressureSettles: under a sustained overload the estimator with Spark's
// defaults, its rate bounding each batch, settles — from a cold start with no rate
// (the first batches take a whole buffer) as from an initial rate far above what the
// pipeline can do. The band, also what docs/running.md states: within 30 batches of
// the end of the cold start, every batch is within ±25% of the sustainable size
// (processing rate × interval) and the scheduling delay is below 2 intervals; with
// ±10% noise in processing times. The end-to-end version is crashtest's overload test.
func TestBackpressureSettles(t *testing.T) {
	const interval, perSec = 200 * time.Millisecond, 20_000.0
	sustainable := perSec * interval.Seconds()
	for _, c := range []struct {
		name    string
		initial float64
		settle  int
	}{
		{"no initial rate, buffer of 100,000 records", 0, 60},
		{"initial rate 5× too high", 5 * perSec, 30},
	} {
		t.Run(c.name, func(t *testing.T) {
			sizes, delays := overloadModel(interval, perSec, 2*time.Millisecond, 0.1, 100_000, c.initial, c.settle+200)
			for k := c.settle; k < len(sizes); k++ {
				if d := math.Abs(sizes[k]-sustainable) / sustainable; d > 0.25 || delays[k] >= 2*interval {
					t.Fatalf("batch %d: %.0f records (%.0f%% off %.0f), scheduling delay %v; batches %v",
						k+1, sizes[k], 100*d, sustainable, delays[k], sizes[:k+1])
				}
			}
		})
	}
}
