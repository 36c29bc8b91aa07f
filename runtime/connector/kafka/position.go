package kafka

import (
	"slices"

	"streamc.dev/streamc/runtime/checkpoint"
)

// SavePosition writes Positions() in the checkpoint encoding; with RestorePosition it
// makes Source the engine's Positioned, so a checkpoint carries the offsets:
//
//	topic, len(next), (partition, offset)..., len(pending), (time, len, (partition, from, until)...)...
func (s *Source) SavePosition(w *checkpoint.Writer) error {
	pos := s.Positions()
	w.String(pos.Topic)
	parts := make([]int32, 0, len(pos.Next))
	for p := range pos.Next {
		parts = append(parts, p)
	}
	slices.Sort(parts)
	w.Len(len(parts))
	for _, p := range parts {
		w.Varint(int64(p))
		w.Varint(pos.Next[p])
	}
	w.Len(len(pos.Pending))
	for _, br := range pos.Pending {
		w.Varint(br.Time)
		writeRanges(w, br.Ranges)
	}
	return nil
}

// writeRanges writes ranges as len(ranges), (partition, from, until)...: in checkpoints
// (SavePosition) and in the batch log (PlanBatch).
func writeRanges(w *checkpoint.Writer, ranges []Range) {
	w.Len(len(ranges))
	for _, r := range ranges {
		w.Varint(int64(r.Partition))
		w.Varint(r.From)
		w.Varint(r.Until)
	}
}

// readRanges reads what writeRanges wrote; r.Err reports a malformed encoding.
func readRanges(r *checkpoint.Reader) []Range {
	var ranges []Range
	for range r.Len() {
		ranges = append(ranges, Range{Partition: int32(r.Varint()), From: r.Varint(), Until: r.Varint()})
	}
	return ranges
}

// RestorePosition reads what SavePosition wrote and calls Restore; the engine calls it
// before Start.
func (s *Source) RestorePosition(r *checkpoint.Reader) error {
	pos := Positions{Topic: r.String(), Next: map[int32]int64{}}
	for range r.Len() {
		p := int32(r.Varint())
		pos.Next[p] = r.Varint()
	}
	for range r.Len() {
		t := r.Varint()
		pos.Pending = append(pos.Pending, BatchRanges{Time: t, Ranges: readRanges(r)})
	}
	if err := r.Err(); err != nil {
		return err
	}
	return s.Restore(pos)
}
