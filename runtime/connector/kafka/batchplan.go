package kafka

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"streamc.dev/streamc/runtime/checkpoint"
)

// PlanBatch fixes the offset ranges batch t reads and writes them to the engine's batch
// log (the engine's BatchPlanner; Structured Streaming's offsets log). It runs before
// the batch writes any output; Batch(t) then reads exactly these ranges. A plan is
// self-contained, the absolute [from, until) of every owned partition:
//
//	topic, len(ranges), (partition, from, until)...
//
// so that a re-run after a crash depends neither on the checkpoint's offsets (the
// start-up checkpoint, written before the group assigns partitions, has none) nor on
// the group's committed ones (which move as soon as a batch's outputs are done).
func (s *Source) PlanBatch(t int64, w *checkpoint.Writer) error {
	if s.cl == nil {
		return errors.New("kafka source: not started")
	}
	br, err := s.plan(t)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.planned[t] = br
	delete(s.replanned, t)
	s.mu.Unlock()
	w.String(s.cfg.Topic)
	writeRanges(w, br.Ranges)
	return nil
}

// ReplanBatch takes batch t's ranges from the batch log when t is re-run after a
// crash: Batch(t) then reads exactly those records, with a client of its own that is
// independent of the group's assignment and of where the group client stands, however
// many records have arrived since. It may be called before or after Start.
func (s *Source) ReplanBatch(t int64, r *checkpoint.Reader) error {
	topic := r.String()
	ranges := readRanges(r)
	if err := r.Err(); err != nil {
		return fmt.Errorf("kafka source: batch %d's logged ranges: %w", t, err)
	}
	if topic != s.cfg.Topic {
		return fmt.Errorf("kafka source: batch %d was logged for topic %s, not %s", t, topic, s.cfg.Topic)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.planned[t] = BatchRanges{Time: t, Ranges: ranges}
	s.replanned[t] = true
	return nil
}

// replayReader reads the logged ranges of re-run batches. It consumes partitions
// directly (no group), so a re-run reads its records even when the group client
// started elsewhere, e.g. at the group's committed offset after the start-up
// checkpoint, or when the partition is not (yet) assigned to this process.
type replayReader struct {
	cl      *kgo.Client
	avail   map[int32]int64 // the lowest offset still obtainable per consumed partition
	fetched map[int32]int64 // offset after the last record received
	buf     map[int32][]*kgo.Record
}

// replayRanges returns the records of ranges as Batch does: topic partition p's, in
// offset order, in pipeline partition p mod parts (control records left out).
// Consecutive re-run batches continue on the same client; a range it cannot serve (a
// partition it does not consume, or one it has read past) makes it start afresh at the
// ranges' offsets.
func (s *Source) replayRanges(ranges []Range, parts int) ([][]Record, error) {
	var want []Range
	for _, r := range ranges {
		if r.Until > r.From {
			want = append(want, r)
		}
	}
	out := make([][]Record, parts)
	if len(want) == 0 {
		return out, nil
	}
	rp := s.replay
	for _, r := range want {
		if a, ok := rp.availFrom(r.Partition); !ok || r.From < a {
			rp = nil
			break
		}
	}
	if rp == nil {
		s.mu.Lock()
		s.closeReplay()
		s.mu.Unlock()
		at := map[int32]kgo.Offset{}
		rp = &replayReader{avail: map[int32]int64{}, fetched: map[int32]int64{}, buf: map[int32][]*kgo.Record{}}
		for _, r := range want {
			at[r.Partition] = kgo.NewOffset().At(r.From)
			rp.avail[r.Partition], rp.fetched[r.Partition] = r.From, r.From
		}
		opts := append([]kgo.Opt{
			kgo.SeedBrokers(s.cfg.Brokers...),
			kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{s.cfg.Topic: at}),
			kgo.FetchIsolationLevel(kgo.ReadCommitted()),
			kgo.KeepControlRecords(),
			kgo.FetchMaxWait(200 * time.Millisecond),
		}, s.cfg.Opts...)
		cl, err := kgo.NewClient(opts...)
		if err != nil {
			return nil, fmt.Errorf("kafka source: re-reading logged ranges: %w", err)
		}
		rp.cl = cl
		s.mu.Lock()
		s.replay = rp
		s.mu.Unlock()
	}
	deadline := time.Now().Add(s.cfg.ReadTimeout)
	for {
		done := true
		for _, r := range want {
			done = done && rp.fetched[r.Partition] >= r.Until
		}
		if done {
			break
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("kafka source: timed out after %v re-reading %s ranges %v", s.cfg.ReadTimeout, s.cfg.Topic, want)
		}
		ctx, cancel := context.WithTimeout(s.ctx, min(time.Until(deadline), time.Second))
		fs := rp.cl.PollFetches(ctx)
		cancel()
		var errs []error
		fs.EachError(func(t string, p int32, err error) {
			if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
				errs = append(errs, fmt.Errorf("%s/%d: %w", t, p, err))
			}
		})
		if len(errs) > 0 {
			return nil, fmt.Errorf("kafka source: re-reading logged ranges: %w", errors.Join(errs...))
		}
		fs.EachRecord(func(kr *kgo.Record) {
			if f, ok := rp.fetched[kr.Partition]; ok && kr.Offset >= f {
				rp.fetched[kr.Partition] = kr.Offset + 1
				rp.buf[kr.Partition] = append(rp.buf[kr.Partition], kr)
			}
		})
	}
	for _, r := range want {
		dst := int(r.Partition) % parts
		out[dst], rp.buf[r.Partition] = take(out[dst], rp.buf[r.Partition], r)
		rp.avail[r.Partition] = r.Until
	}
	return out, nil
}

// availFrom returns the lowest offset of partition p the reader can still deliver.
func (rp *replayReader) availFrom(p int32) (int64, bool) {
	if rp == nil {
		return 0, false
	}
	a, ok := rp.avail[p]
	return a, ok
}

// closeReplay closes the replay client. s.mu must be held.
func (s *Source) closeReplay() {
	if s.replay != nil {
		s.replay.cl.Close()
		s.replay = nil
	}
}

// closeReplayIfDone closes the replay client once no re-run batch is left: the
// batches from now on are read by the group client.
func (s *Source) closeReplayIfDone() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.replanned) == 0 {
		s.closeReplay()
	}
}
