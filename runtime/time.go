package runtime

import (
	"strconv"
	"time"
)

// Time is a batch time: milliseconds since the Unix epoch, as Spark Streaming's Time.
// The batch with time t holds the records of the interval (t - interval, t].
type Time int64

// TimeOf converts a wall-clock time to a Time, truncating to the millisecond.
func TimeOf(t time.Time) Time { return Time(t.UnixMilli()) }

// Millis returns t as milliseconds since the epoch.
func (t Time) Millis() int64 { return int64(t) }

// Go returns t as a UTC time.Time, for formatting and for the standard library.
func (t Time) Go() time.Time { return time.UnixMilli(int64(t)).UTC() }

// Add returns t + d, truncating d to whole milliseconds.
func (t Time) Add(d time.Duration) Time { return t + Time(d.Milliseconds()) }

// Sub returns the duration t - u.
func (t Time) Sub(u Time) time.Duration { return time.Duration(t-u) * time.Millisecond }

// Floor returns the largest multiple of d that is not after t. d must be at least 1ms.
func (t Time) Floor(d time.Duration) Time {
	ms := Time(d.Milliseconds())
	r := t % ms
	if r < 0 {
		r += ms
	}
	return t - r
}

// String renders t as Spark does in print headers and logs: "1000 ms".
func (t Time) String() string { return strconv.FormatInt(int64(t), 10) + " ms" }

// firstBatchTime is where a clock that starts at start puts its first batch: the next
// multiple of interval strictly after start. It is Spark's RecurringTimer start time, so
// live and replay runs produce batch times on the same grid.
func firstBatchTime(start Time, interval time.Duration) Time {
	return start.Floor(interval).Add(interval)
}
