package window

import (
	"fmt"
	"strconv"
	"time"

	rt "streamc.dev/streamc/runtime"
)

// Spec is the timing of one windowed operator, as Spark Streaming's WindowedDStream has
// it. Times are counted from Zero, Spark's zeroTime: the first batch time minus the
// interval, so that the first batch is at Zero + Interval and batch times are the
// multiples of Interval after Zero.
//
// The window at time t covers the parent's batches with times in (t - Length, t]. The
// operator produces output only at the times t > Zero with (t - Zero) a multiple of
// Slide (Spark's isTimeValid), starting at Zero + Slide with whatever partial data
// exists then; at every other batch time it produces nothing at all (Spark generates no
// RDD there, so print shows no header). Windows go on producing at every slide after the
// input stops, since empty batches still flow.
type Spec struct {
	// Interval is the parent stream's slide: the batch interval for a stream read from a
	// source, the parent's Slide when windowing a windowed stream. The parent produces
	// (and Begin is called) at the multiples of Interval after Zero.
	Interval time.Duration
	Length   time.Duration // the window length: a positive multiple of Interval
	Slide    time.Duration // the slide: a positive multiple of Interval; may exceed Length
	Zero     rt.Time       // Spark's zeroTime: the first batch time minus Interval
	// Lag is set for a window of an event-time stream (runtime/eventtime), whose batch
	// times run Lag behind the arrival clock: its first batch is at Zero - Lag + Interval,
	// while its slide boundaries stay at Zero + k·Slide, where a window of the arrival
	// clock has them, so that event-time windows line up with arrival-time ones. A
	// multiple of Interval.
	Lag time.Duration
}

// Check reports whether s is a valid window, with Spark's messages for lengths and
// slides that are not multiples of the parent's interval (a --batch flag can make a
// window that compiled invalid, so generated code checks once in New).
func (s Spec) Check() error {
	if s.Interval < time.Millisecond || s.Interval%time.Millisecond != 0 {
		return fmt.Errorf("the batch interval (%v) must be a positive whole number of milliseconds", s.Interval)
	}
	if s.Length <= 0 || s.Length%s.Interval != 0 {
		return fmt.Errorf("The window duration of windowed DStream (%s) must be a multiple of the slide duration of parent DStream (%s)", ms(s.Length), ms(s.Interval))
	}
	if s.Slide <= 0 || s.Slide%s.Interval != 0 {
		return fmt.Errorf("The slide duration of windowed DStream (%s) must be a multiple of the slide duration of parent DStream (%s)", ms(s.Slide), ms(s.Interval))
	}
	if s.Lag < 0 || s.Lag%s.Interval != 0 {
		return fmt.Errorf("the event-time lag (%s) must be a multiple of the slide duration of parent DStream (%s)", ms(s.Lag), ms(s.Interval))
	}
	return nil
}

// ms renders d as Spark renders a Duration: "3000 ms".
func ms(d time.Duration) string {
	return strconv.FormatInt(d.Milliseconds(), 10) + " ms"
}

// Fires reports whether the window operator produces output at batch time t: t is after
// Zero and a multiple of Slide counted from Zero.
func (s Spec) Fires(t rt.Time) bool {
	return t > s.Zero.Add(-s.Lag) && int64(t-s.Zero)%s.Slide.Milliseconds() == 0
}

// Drain returns how long the operator must go on after its parent's last batch with
// data for every window containing that batch to be output, and then one window without
// it (the worst case over where the batch falls between boundaries): Length + Slide -
// Interval. A job implementing rt.Drainer adds up the Drains along a chain of windows
// and divides by the batch interval.
func (s Spec) Drain() time.Duration { return s.Length + s.Slide - s.Interval }

// clock is a Spec in milliseconds plus the batch the operator is in. It checks that
// batch times arrive in order and on the grid, which generated code guarantees; a
// violation is a bug in the caller, so it panics.
type clock struct {
	interval, length, slide int64   // milliseconds
	zero                    rt.Time // the slide boundaries are at zero + k·slide
	first                   rt.Time // the first valid batch time minus the interval

	t       rt.Time // the current batch time
	started bool    // Begin has been called
	fires   bool    // t is a slide boundary
}

func newClock(s Spec) clock {
	if err := s.Check(); err != nil {
		panic("window: " + err.Error())
	}
	return clock{
		interval: s.Interval.Milliseconds(),
		length:   s.Length.Milliseconds(),
		slide:    s.Slide.Milliseconds(),
		zero:     s.Zero,
		first:    s.Zero.Add(-s.Lag),
	}
}

// sinceBoundary returns how far t is past the last slide boundary at or before it, in
// [0, slide) also for the times before zero that an event-time stream has.
func (c *clock) sinceBoundary(t rt.Time) int64 {
	r := int64(t-c.zero) % c.slide
	if r < 0 {
		r += c.slide
	}
	return r
}

// advance moves the clock to batch time t.
func (c *clock) advance(t rt.Time) {
	if t <= c.first || int64(t-c.first)%c.interval != 0 {
		panic(fmt.Sprintf("window: batch time %v is not a multiple of the interval (%d ms) after the zero time %v", t, c.interval, c.first))
	}
	if c.started && t <= c.t {
		panic(fmt.Sprintf("window: batch time %v does not follow %v", t, c.t))
	}
	c.t, c.started = t, true
	c.fires = c.sinceBoundary(t) == 0
}

// nextBoundary returns the first slide boundary at or after t.
func (c *clock) nextBoundary(t rt.Time) rt.Time {
	r := c.sinceBoundary(t)
	if r == 0 {
		return t
	}
	return t + rt.Time(c.slide-r)
}

// inSomeWindow reports whether the batch at t belongs to at least one window: the next
// boundary is less than a window length away. When Slide > Length the batches in between
// belong to none and are not kept.
func (c *clock) inSomeWindow(t rt.Time) bool {
	return int64(c.nextBoundary(t)-t) < c.length
}
