package runtime

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// TestPeriodicStops checks that Periodic calls its function until Stop, that Stop waits
// for a call in progress, and that a second Stop and a nil Periodic's are harmless.
func TestPeriodicStops(t *testing.T) {
	var calls atomic.Int64
	running := make(chan struct{}, 1)
	p := StartPeriodic(context.Background(), time.Millisecond, func(ctx context.Context) {
		calls.Add(1)
		select {
		case running <- struct{}{}:
		default:
		}
	})
	<-running
	p.Stop()
	n := calls.Load()
	time.Sleep(5 * time.Millisecond)
	if n == 0 || calls.Load() != n {
		t.Errorf("calls %d at Stop, %d after; want > 0 and no more", n, calls.Load())
	}
	p.Stop()
	var none *Periodic
	none.Stop()
}
