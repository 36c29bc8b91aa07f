package source

import (
	"context"
	"sync"
	"time"
)

// Limiter is a token bucket that caps a receiver at a number of records per second, as
// Spark's spark.streaming.receiver.maxRate does. Wait blocks the receiving goroutine until
// a token is free, so a fast sender is slowed down by TCP flow control instead of filling
// memory. A nil *Limiter, or one with a rate ≤ 0, never blocks.
//
// The bucket holds at most one second's worth of tokens (at least one), so a receiver
// idle for a while can catch up with a burst of that size but no more. It starts empty,
// as Guava's SmoothBursty limiter behind Spark's receivers does: a receiver started
// against a sender that is already flooding reads at the rate from the first second,
// instead of a second's worth at once into the first batch.
type Limiter struct {
	mu     sync.Mutex
	rate   float64 // tokens per second; ≤ 0 means unlimited
	tokens float64
	last   time.Time

	// now and sleep are replaced by tests to run without the wall clock.
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
}

// NewLimiter returns a limiter allowing perSecond records a second, or nil (unlimited)
// when perSecond ≤ 0. The bucket starts empty.
func NewLimiter(perSecond float64) *Limiter {
	if perSecond <= 0 {
		return nil
	}
	return NewAdjustableLimiter(perSecond)
}

// NewAdjustableLimiter is NewLimiter for a receiver whose rate backpressure sets later:
// it is never nil, and unlimited until SetRate when perSecond ≤ 0.
func NewAdjustableLimiter(perSecond float64) *Limiter {
	l := &Limiter{rate: perSecond, now: time.Now, sleep: sleepCtx}
	l.last = l.now()
	return l
}

func (l *Limiter) burst() float64 { return max(l.rate, 1) }

// Rate returns the current rate in records per second (0 for unlimited).
func (l *Limiter) Rate() float64 {
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return max(l.rate, 0)
}

// SetRate changes the rate, for example when a backpressure estimator decides a new one;
// perSecond ≤ 0 lifts the limit.
func (l *Limiter) SetRate(perSecond float64) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.refill()
	l.rate = perSecond
	if perSecond > 0 {
		l.tokens = min(l.tokens, l.burst())
	}
}

// refill adds the tokens earned since the last call; l.mu must be held.
func (l *Limiter) refill() {
	now := l.now()
	if l.rate > 0 {
		l.tokens = min(l.tokens+now.Sub(l.last).Seconds()*l.rate, l.burst())
	}
	l.last = now
}

// Wait takes one token, blocking until one is available or ctx is done.
func (l *Limiter) Wait(ctx context.Context) error { return l.WaitN(ctx, 1) }

// WaitN takes n tokens, blocking until they are available or ctx is done. Taking more
// than the burst is allowed: the bucket goes into debt and the caller waits for it.
func (l *Limiter) WaitN(ctx context.Context, n int) error {
	if l == nil {
		return ctx.Err()
	}
	l.mu.Lock()
	if l.rate <= 0 {
		l.mu.Unlock()
		return ctx.Err()
	}
	l.refill()
	l.tokens -= float64(n)
	var wait time.Duration
	if l.tokens < 0 {
		wait = time.Duration(-l.tokens / l.rate * float64(time.Second))
	}
	l.mu.Unlock()
	if wait <= 0 {
		return ctx.Err()
	}
	return l.sleep(ctx, wait)
}

// sleepCtx sleeps for d or until ctx is done, whichever comes first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
