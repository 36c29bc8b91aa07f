package runtime

import (
	"context"
	"sync"
	"time"
)

// Periodic calls a function at a fixed period on its own goroutine: the reloads of
// reference tables. A nil *Periodic is stopped already.
type Periodic struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// StartPeriodic calls f every period, with a context that ends when ctx does or at
// Stop, until then.
func StartPeriodic(ctx context.Context, period time.Duration, f func(ctx context.Context)) *Periodic {
	p := &Periodic{}
	ctx, p.cancel = context.WithCancel(ctx)
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		tick := time.NewTicker(period)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				f(ctx)
			}
		}
	}()
	return p
}

// Stop ends the calls and waits for one in progress. It may be called more than once.
func (p *Periodic) Stop() {
	if p == nil {
		return
	}
	p.cancel()
	p.wg.Wait()
}
