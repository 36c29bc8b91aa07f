package runtime

import (
	"context"
	"math"
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
