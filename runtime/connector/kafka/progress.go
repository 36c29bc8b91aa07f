package kafka

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// DefaultProgressTopic is the compacted topic in which transactional sinks record the
// last batch they committed (SinkConfig.ProgressTopic).
const DefaultProgressTopic = "streamc-progress"

// progress is what a transactional Sink knows of its own committed batches: the last
// batch time committed in the run lineage zero (the pipeline's zero time, which a
// restored run takes from its checkpoint and a fresh run sets anew).
//
// Why a marker record, and why this one. A batch re-run after a crash must not be
// produced again if its transaction had committed. Kafka Streams' exactly-once keeps its
// progress in the transaction itself, as the consumed offsets, which only works when the
// input is Kafka; Flink's TwoPhaseCommitSinkFunction keeps the open transaction in the
// checkpoint and commits it when the checkpoint completes, which holds every batch's
// output back until the next checkpoint and needs a producer that can resume another
// process's transaction. Here, as in Spark's advice for transactional outputs (commit
// the batch time with the data), each batch's transaction also produces one record to a
// compacted progress topic, key "<transactional ID>/<output>", value "<zero time>
// <batch time>". Batches commit in time order, never concurrently, so the key's latest
// committed value says which batch times are done: a re-run batch whose time is not
// after it writes nothing. The transactional ID is unique per running copy and stable
// across restarts (ProcessID), so each copy has its own key and, being fenced by it, is
// its only writer.
type progress struct {
	loaded bool
	zero   int64 // the lineage of last; markers of another lineage are ignored
	last   int64 // the last committed batch time; valid when found
	found  bool
}

// done reports whether batch t of lineage zero has committed.
func (p progress) done(zero, t int64) bool {
	return p.found && p.zero == zero && t <= p.last
}

// progressKey is the sink's marker key.
func (s *Sink) progressKey() string {
	id := s.cfg.TransactionalID
	if s.cfg.Source != nil {
		id = s.cfg.Source.cfg.TransactionalID
	}
	return id + "/" + s.cfg.Output
}

// marker returns the progress record of batch batchTime, produced in its transaction.
func (s *Sink) marker(batchTime int64) *kgo.Record {
	return &kgo.Record{Topic: s.cfg.ProgressTopic, Key: []byte(s.progressKey()),
		Value: fmt.Appendf(nil, "%d %d", s.cfg.ZeroTime, batchTime)}
}

// loadProgress reads the sink's marker: the key's latest value, read_committed, up to
// the progress topic's last stable offset. It runs before the first write of a run and
// after a commit whose outcome is unknown. The producer ID is initialized first, which
// fences a crashed previous incarnation and aborts the transaction it left open, so
// that the last stable offset is not held back by it (and its batch counts as not
// done). The topic is created, compacted, when it does not exist.
func (s *Sink) loadProgress(ctx context.Context, cl *kgo.Client) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, _, err := cl.ProducerID(ctx); err != nil {
		return fmt.Errorf("kafka sink: initializing the transactional producer: %w", err)
	}
	brokers, opts := s.cfg.Brokers, s.cfg.Opts
	if src := s.cfg.Source; src != nil {
		brokers, opts = src.cfg.Brokers, src.cfg.Opts
	}
	topic := s.cfg.ProgressTopic
	adm := kadm.NewClient(cl)
	compact := "compact"
	if _, err := adm.CreateTopic(ctx, 1, -1, map[string]*string{"cleanup.policy": &compact}, topic); err != nil &&
		!errors.Is(err, kerr.TopicAlreadyExists) {
		return fmt.Errorf("kafka sink: creating the progress topic %s: %w", topic, err)
	}
	starts, err := adm.ListStartOffsets(ctx, topic)
	if err == nil {
		err = starts.Error()
	}
	var ends kadm.ListedOffsets
	if err == nil {
		ends, err = adm.ListCommittedOffsets(ctx, topic) // the last stable offsets
	}
	if err == nil {
		err = ends.Error()
	}
	if err != nil {
		return fmt.Errorf("kafka sink: listing the offsets of the progress topic %s: %w", topic, err)
	}
	at := map[int32]kgo.Offset{}
	until := map[int32]int64{}
	starts.Each(func(lo kadm.ListedOffset) {
		if e, ok := ends.Lookup(topic, lo.Partition); ok && e.Offset > lo.Offset {
			at[lo.Partition] = kgo.NewOffset().At(lo.Offset)
			until[lo.Partition] = e.Offset
		}
	})
	p := progress{loaded: true}
	if len(at) > 0 {
		rd, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(brokers...),
			kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: at}),
			kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.KeepControlRecords(),
			kgo.FetchMaxWait(100 * time.Millisecond)}, opts...)...)
		if err != nil {
			return fmt.Errorf("kafka sink: reading the progress topic: %w", err)
		}
		defer rd.Close()
		key := s.progressKey()
		for len(until) > 0 {
			fs := rd.PollFetches(ctx)
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("kafka sink: reading the progress topic %s: %w", topic, err)
			}
			var errs []error
			fs.EachError(func(_ string, part int32, err error) { errs = append(errs, fmt.Errorf("partition %d: %w", part, err)) })
			if len(errs) > 0 {
				return fmt.Errorf("kafka sink: reading the progress topic %s: %w", topic, errors.Join(errs...))
			}
			fs.EachRecord(func(r *kgo.Record) {
				if r.Offset+1 >= until[r.Partition] {
					delete(until, r.Partition)
				}
				if r.Attrs.IsControl() || string(r.Key) != key {
					return
				}
				if z, t, ok := parseMarker(r.Value); ok {
					p.zero, p.last, p.found = z, t, true
				}
			})
		}
	}
	s.progress = p
	if p.found {
		s.log.Debug("kafka sink progress", "key", s.progressKey(), "zero_time", p.zero, "last_batch", p.last)
	}
	return nil
}

// parseMarker reads a marker value, "<zero time> <batch time>".
func parseMarker(v []byte) (zero, t int64, ok bool) {
	a, b, found := strings.Cut(string(v), " ")
	if !found {
		return 0, 0, false
	}
	zero, err1 := strconv.ParseInt(a, 10, 64)
	t, err2 := strconv.ParseInt(b, 10, 64)
	return zero, t, err1 == nil && err2 == nil
}
