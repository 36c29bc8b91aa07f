package kafka

import (
	"slices"

	"streamc.dev/streamc/runtime/status"
)

var _ status.SourceReporter = (*Source)(nil)

// SourceStatus reports the owned partitions with their lag behind the last stable
// offset (as listed when the latest batch was planned), the records delivered, the
// backpressure rate and the latest fetch error, for the operations page.
func (s *Source) SourceStatus() status.Source {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := status.Source{Records: s.delivered, RateLimit: s.rate, LastError: s.lastErr, LastErrorTime: s.lastErrTime}
	select {
	case <-s.assigned:
		st.State, st.Active = "receiving", true
	default:
		st.State = "joining"
	}
	if s.cl == nil {
		st.State, st.Active = "idle", false
	}
	for p, ps := range s.parts {
		part := status.Partition{Topic: s.cfg.Topic, Partition: p, Next: ps.next, End: -1, Committed: ps.committed}
		if ps.end > 0 {
			part.End, part.Lag = ps.end, max(ps.end-ps.next, 0)
		}
		st.Partitions = append(st.Partitions, part)
		st.Buffered += int64(len(ps.buf))
	}
	slices.SortFunc(st.Partitions, func(a, b status.Partition) int { return int(a.Partition - b.Partition) })
	return st
}

// count adds the records of a batch to those delivered.
func (s *Source) count(out [][]Record) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range out {
		s.delivered += int64(len(p))
	}
}
