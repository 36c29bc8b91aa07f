package runtime

import "time"

// Fires reports whether a stream that slides every slide has data at batch time t
// (Spark's DStream.isTimeValid): t is after zero, the context's zero time, and a
// multiple of slide counted from it. A stream has the batch interval as its slide when
// it is read from a source, its window's slide after a windowed operator, its input's
// otherwise; generated code runs a stage or an output of a stream whose slide is not the
// batch interval only when it fires:
//
//	if rt.Fires(b.Time, j.ctx.ZeroTime, 4*time.Second) {
//		...
//	}
//
// slide is a positive whole number of milliseconds.
func Fires(t, zero Time, slide time.Duration) bool {
	return t > zero && int64(t-zero)%slide.Milliseconds() == 0
}

// FiresLagged is Fires for a stream on event time, whose batch times t run lag behind
// the arrival clock (runtime/eventtime): its batches start lag earlier, after
// zero - lag, while its slide boundaries stay the multiples of slide after zero, where
// the arrival clock has them.
func FiresLagged(t, zero Time, slide, lag time.Duration) bool {
	return t > zero.Add(-lag) && int64(t-zero)%slide.Milliseconds() == 0
}
