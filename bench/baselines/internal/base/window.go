package base

// Windows says, for a window of length and slide (milliseconds, multiples of Interval)
// over batches 1..last (batch b at time b*Interval), which batch times emit a window and
// which batches each covers, as streamc's windowed operators do (Spark's semantics): a
// window is emitted at every batch time that is a multiple of slide, covers the batches
// in (t-length, t]. After the last file the run goes on for length + slide - Interval
// more batches (streamc's drain, so that every window slides past the input), and every
// slide multiple up to there emits a window, empty or not.
type Windows struct {
	Length, Slide int64
}

// Times returns the batch times at which windows are emitted, for data in batches
// 1..last.
func (w Windows) Times(last int) []int64 {
	var out []int64
	end := int64(last)*Interval + w.Length + w.Slide - Interval
	for t := w.Slide; t <= end; t += w.Slide {
		out = append(out, t)
	}
	return out
}

// Covers returns the batch numbers (1-based, clipped to 1..last) in the window emitted
// at time t.
func (w Windows) Covers(t int64, last int) (from, to int) {
	from = int((t-w.Length)/Interval) + 1
	to = int(t / Interval)
	return max(from, 1), min(to, last)
}
