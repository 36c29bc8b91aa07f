package window

import (
	"slices"
	"testing"
	"time"

	rt "streamc.dev/streamc/runtime"
)

// TestLaggedWindowLinesUp runs window(2s, 2s) over an event-time stream 3 s behind the
// arrival clock (Spec.Lag): its batches start at Zero - Lag + Interval, before Zero, and
// its slide boundaries stay at Zero + k·Slide, where an arrival-time window has them.
func TestLaggedWindowLinesUp(t *testing.T) {
	s := Spec{Interval: time.Second, Length: 2 * time.Second, Slide: 2 * time.Second, Zero: 0, Lag: 3 * time.Second}
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	w := NewBatches[rt.Time](s)
	var fired []rt.Time
	var windows [][]rt.Time
	for bt := rt.Time(-2000); bt <= 4000; bt += 1000 {
		w.Begin(bt)
		w.Add(bt)
		if w.Fires() != s.Fires(bt) {
			t.Fatalf("batch %d: Batches.Fires %v, Spec.Fires %v", bt, w.Fires(), s.Fires(bt))
		}
		if w.Fires() {
			fired = append(fired, bt)
			windows = append(windows, w.AppendWindow(nil))
		}
	}
	if want := []rt.Time{-2000, 0, 2000, 4000}; !slices.Equal(fired, want) {
		t.Errorf("fired at %v, want %v", fired, want)
	}
	want := [][]rt.Time{{-2000}, {-1000, 0}, {1000, 2000}, {3000, 4000}}
	if !slices.EqualFunc(windows, want, slices.Equal) {
		t.Errorf("windows %v, want %v", windows, want)
	}
	if err := (Spec{Interval: time.Second, Length: 2 * time.Second, Slide: time.Second, Lag: 1500 * time.Millisecond}).Check(); err == nil {
		t.Error("a lag that is not a whole number of intervals passed Check")
	}
}
