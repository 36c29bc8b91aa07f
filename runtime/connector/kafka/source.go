package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"streamc.dev/streamc/runtime/recording"
)

// Record is one Kafka record as a pipeline sees it (the KafkaRecord of the language).
// Key and Value share the client's fetch buffers; they stay valid as long as the record
// is referenced.
type Record struct {
	Topic     string
	Partition int32
	Offset    int64
	Key       []byte
	Value     []byte
	Timestamp int64 // epoch milliseconds
	Headers   []Header
}

// Header is one record header.
type Header struct {
	Key   string
	Value []byte
}

// SourceConfig is a kafka(brokers, topic, group, maxRatePerPartition, startFrom) source.
type SourceConfig struct {
	Brokers []string
	Topic   string
	Group   string
	// MaxRatePerPartition bounds a batch to MaxRatePerPartition × Interval records per
	// topic partition (0: unbounded), Spark's spark.streaming.kafka.maxRatePerPartition.
	MaxRatePerPartition int64
	Interval            time.Duration // the batch interval, for the rate bound
	// StartFrom is where a partition starts when neither the checkpoint nor the group
	// has an offset for it: "earliest" or "latest" (the default).
	StartFrom string
	// TransactionalID makes the source's client a transactional group session, so that
	// a transactional Sink built on this source commits its records and these offsets
	// in one Kafka transaction. It must be stable across restarts (the broker fences the
	// previous incarnation by it) and unique per running copy.
	TransactionalID string
	// InstanceID makes the source a static member of its group (KIP-345): a process
	// restarted after a crash takes its partitions back at once instead of waiting for
	// the dead member's session to time out. It must be stable across restarts and
	// unique per running copy (see ProcessID). "" means dynamic membership.
	InstanceID string
	// ReadTimeout is how long Batch waits for the records of its offset ranges; 0
	// means 30s.
	ReadTimeout time.Duration
	Log         *slog.Logger
	Opts        []kgo.Opt // extra client options (TLS, SASL, ...)
}

// Range is the offsets [From, Until) of one topic partition in one batch.
type Range struct {
	Partition int32
	From      int64
	Until     int64
}

// BatchRanges is the offset ranges planned for one batch.
type BatchRanges struct {
	Time   int64
	Ranges []Range
}

// Positions is what a checkpoint stores for a Kafka source: the next offset to read
// per owned partition once every batch the checkpoint covers is accounted for, and the
// ranges of batches read but not yet committed to the group. A restored partition
// starts at Next whatever the group has committed since: the checkpoint's state and
// outputs end there, and the batches after it are re-run from the batch log (Spark's
// direct stream checkpoints its OffsetRanges the same way).
type Positions struct {
	Topic   string
	Next    map[int32]int64
	Pending []BatchRanges
}

// partState is one owned topic partition.
type partState struct {
	next      int64         // start of the next batch's range (planned or read)
	fetched   int64         // offset after the last record received from the client
	committed int64         // what the group has committed (-1: nothing yet)
	buf       []*kgo.Record // received, not yet handed out (offsets >= next)
	end       int64         // the last stable offset when last listed (0: not yet)
}

// Source reads a topic the way Spark's direct stream does: the pipeline, not the
// consumer group, decides the offsets. Each batch reads, per owned topic partition, from
// where the previous batch ended up to the partition's last stable offset, bounded by
// the rate, and remembers the ranges; CommitBatch commits a batch's end offsets to the
// group once the batch's outputs are committed, and Positions/Restore carry the offsets
// through a checkpoint. Group membership decides which topic partitions this process
// owns (several copies of a pipeline share a topic), and topic partition i goes to
// pipeline partition i mod n.
//
// Records are read with the read_committed isolation level, so records of aborted
// transactions never reach a pipeline. Source implements the engine's Lifecycle and is
// driven by one goroutine (the engine's), while the group's rebalance callbacks run on
// the client's.
type Source struct {
	cfg     SourceConfig
	log     *slog.Logger
	cl      *kgo.Client
	session *kgo.GroupTransactSession // when TransactionalID is set
	adm     *kadm.Client
	ctx     context.Context
	cancel  context.CancelFunc

	mu       sync.Mutex
	parts    map[int32]*partState
	pending  []BatchRanges // batches read and not committed yet, in time order
	restored *Positions    // from Restore, applied as partitions are assigned
	// planned holds the batches whose ranges are fixed before they are read: by
	// PlanBatch (the engine's batch log), ReplanBatch (a re-run after a crash) or a
	// restored checkpoint's pending batches. replanned marks those that are re-runs: they
	// are read with the replay client, wherever the group client stands.
	planned   map[int64]BatchRanges
	replanned map[int64]bool
	replay    *replayReader // reads re-run batches' ranges; nil when none is pending
	assigned  chan struct{} // closed at the first assignment
	// adminReady is closed once adm is set: the group joins in the background as soon
	// as the client exists, and its first assignment (adjustOffsets) may come before.
	adminReady chan struct{}
	once       sync.Once
	// rate is backpressure's records a second for the whole topic (0: none yet), and
	// lastBatch the records of the latest batch's ranges.
	rate      float64
	lastBatch int64
	// delivered counts the records handed to batches, and lastErr the latest failure,
	// for SourceStatus.
	delivered   int64
	lastErr     string
	lastErrTime time.Time

	// tap records each batch's records (--record) or delivers recorded ones instead of
	// reading the topic (--recording, the source is then never started); nil otherwise.
	tap *recording.Tap
	// reread is set on the replay clock (--replay, SetReplay): the topic is read again
	// from its start, as far as its last stable offsets when the partitions were
	// assigned (rereadEnd), and the group's offsets are neither used nor moved.
	reread    bool
	rereadEnd map[int32]int64
}

// SetRate bounds the next batches to perSecond × the interval records, over all
// partitions (runtime.RateControlled): Spark's backpressure for the direct approach, which
// splits the rate between the partitions in proportion to their lag. maxRatePerPartition
// still caps each partition.
func (s *Source) SetRate(perSecond float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rate = perSecond
}

// LastBatchRecords returns the number of offsets the latest batch's ranges cover
// (runtime.RateControlled).
func (s *Source) LastBatchRecords() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastBatch
}

// rateLimits returns backpressure's bound per partition for a batch whose partitions
// lag behind by lags: the batch's budget (rate × interval) split in proportion to the
// lags, at least one record each; nil without a rate. s.mu must be held.
func (s *Source) rateLimits(lags map[int32]int64) map[int32]int64 {
	if s.rate <= 0 || s.cfg.Interval <= 0 {
		return nil
	}
	var total int64
	for _, l := range lags {
		total += l
	}
	if total == 0 {
		return nil
	}
	budget := s.rate * s.cfg.Interval.Seconds()
	limits := make(map[int32]int64, len(lags))
	for p, l := range lags {
		limits[p] = max(1, int64(budget*float64(l)/float64(total)))
	}
	return limits
}

// ErrAborted is returned (wrapped) by a transactional Sink's Commit when the transaction
// was aborted because the group rebalanced during the batch. It is a retry, not a
// failure: the source has rewound to the last committed offsets, so the next batch reads
// the aborted batch's records again.
var ErrAborted = errors.New("kafka: transaction aborted by a group rebalance; the records will be read again")

// NewSource returns a source for cfg; Start connects.
func NewSource(cfg SourceConfig) (*Source, error) {
	if len(cfg.Brokers) == 0 || cfg.Topic == "" || cfg.Group == "" {
		return nil, errors.New("kafka source: brokers, topic and group are required")
	}
	switch cfg.StartFrom {
	case "":
		cfg.StartFrom = "latest"
	case "earliest", "latest":
	default:
		return nil, fmt.Errorf("kafka source: startFrom must be \"earliest\" or \"latest\", got %q", cfg.StartFrom)
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = 30 * time.Second
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Source{cfg: cfg, log: log, parts: map[int32]*partState{}, planned: map[int64]BatchRanges{},
		replanned: map[int64]bool{}, assigned: make(chan struct{}), adminReady: make(chan struct{})}, nil
}

// Name returns the source's name for logs.
func (s *Source) Name() string { return "kafka " + s.cfg.Topic }

// Start creates the client and joins the group. It waits (up to ReadTimeout) for the
// first assignment, so that the first batch already reads.
func (s *Source) Start(ctx context.Context) error {
	if s.reread {
		return s.startReread(ctx)
	}
	reset := kgo.NewOffset().AtEnd()
	if s.cfg.StartFrom == "earliest" {
		reset = kgo.NewOffset().AtStart()
	}
	opts := []kgo.Opt{
		kgo.SeedBrokers(s.cfg.Brokers...),
		kgo.ConsumeTopics(s.cfg.Topic),
		kgo.ConsumerGroup(s.cfg.Group),
		kgo.DisableAutoCommit(),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		// Control records are kept so that the read position is known even when a range
		// ends in a transaction marker; they are never handed out.
		kgo.KeepControlRecords(),
		kgo.ConsumeResetOffset(reset),
		kgo.FetchMaxWait(200 * time.Millisecond),
		kgo.AdjustFetchOffsetsFn(s.adjustOffsets),
		kgo.OnPartitionsRevoked(s.dropPartitions),
		kgo.OnPartitionsLost(s.dropPartitions),
	}
	if s.cfg.InstanceID != "" {
		opts = append(opts, kgo.InstanceID(s.cfg.InstanceID))
	}
	opts = append(opts, s.cfg.Opts...)
	s.ctx, s.cancel = context.WithCancel(context.WithoutCancel(ctx))
	var err error
	if s.cfg.TransactionalID != "" {
		// The session also produces the transactional sink's records.
		opts = append(opts, kgo.TransactionalID(s.cfg.TransactionalID), kgo.RequireStableFetchOffsets(), kgo.AllowAutoTopicCreation())
		s.session, err = kgo.NewGroupTransactSession(opts...)
		if err == nil {
			s.cl = s.session.Client()
			// Initializing the producer ID now fences a crashed previous incarnation
			// and makes the broker abort the transaction it left open. Until then the
			// group's offsets stay unstable (KIP-447) and the first assignment would
			// wait for that transaction to time out.
			ictx, cancel := context.WithTimeout(s.ctx, s.cfg.ReadTimeout)
			_, _, err = s.cl.ProducerID(ictx)
			cancel()
			if err != nil {
				s.session.Close()
				s.session, s.cl = nil, nil
			}
		}
	} else {
		s.cl, err = kgo.NewClient(opts...)
	}
	if err != nil {
		return fmt.Errorf("kafka source: %w", err)
	}
	s.adm = kadm.NewClient(s.cl)
	close(s.adminReady)
	// The group is joined by polling; poll until the first assignment arrives.
	deadline := time.Now().Add(s.cfg.ReadTimeout)
	for {
		select {
		case <-s.assigned:
			return nil
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("kafka source: no partition of %s assigned to group %s within %v", s.cfg.Topic, s.cfg.Group, s.cfg.ReadTimeout)
		}
		if err := s.poll(200 * time.Millisecond); err != nil {
			return err
		}
	}
}

// startReread starts the source on the replay clock (SetReplay): it reads every
// partition of the topic directly, without joining the group, so that a replay neither
// waits for the group to hand it partitions (a live member's, or one that just left
// with a static membership, keeps them for its session timeout) nor takes them from a
// live pipeline. Where each partition starts and ends is adjustOffsets's, as for an
// assignment of every partition.
func (s *Source) startReread(ctx context.Context) error {
	if s.cfg.TransactionalID != "" {
		return errors.New("kafka source: --replay cannot read the topic again for a transactional Kafka sink that commits the source's offsets; replay a recording of the run instead (--recording)")
	}
	s.ctx, s.cancel = context.WithCancel(context.WithoutCancel(ctx))
	lister, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(s.cfg.Brokers...)}, s.cfg.Opts...)...)
	if err != nil {
		return fmt.Errorf("kafka source: %w", err)
	}
	defer lister.Close()
	lctx, cancel := context.WithTimeout(s.ctx, s.cfg.ReadTimeout)
	defer cancel()
	s.adm = kadm.NewClient(lister)
	close(s.adminReady)
	listed, err := s.adm.ListStartOffsets(lctx, s.cfg.Topic)
	if err != nil {
		return fmt.Errorf("kafka source: listing the partitions of %s: %w", s.cfg.Topic, err)
	}
	all := map[int32]kgo.Offset{}
	var lerr error
	listed.Each(func(o kadm.ListedOffset) {
		if o.Err != nil {
			lerr = fmt.Errorf("kafka source: listing partition %d of %s: %w", o.Partition, o.Topic, o.Err)
		}
		all[o.Partition] = kgo.NewOffset() // no group offset: adjustOffsets decides
	})
	if lerr != nil {
		return lerr
	}
	starts, err := s.adjustOffsets(lctx, map[string]map[int32]kgo.Offset{s.cfg.Topic: all})
	if err != nil {
		return err
	}
	s.cl, err = kgo.NewClient(append([]kgo.Opt{
		kgo.SeedBrokers(s.cfg.Brokers...),
		kgo.ConsumePartitions(starts),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.KeepControlRecords(),
		kgo.FetchMaxWait(200 * time.Millisecond),
	}, s.cfg.Opts...)...)
	if err != nil {
		return fmt.Errorf("kafka source: %w", err)
	}
	s.adm = kadm.NewClient(s.cl)
	return nil
}

// Stop leaves the group and closes the client.
func (s *Source) Stop() error {
	if s.cancel != nil {
		s.cancel()
	}
	s.mu.Lock()
	s.closeReplay()
	s.mu.Unlock()
	if s.session != nil {
		s.session.Close()
	} else if s.cl != nil {
		s.cl.Close()
	}
	s.session, s.cl = nil, nil
	return nil
}

// Exhausted reports false on the live clock: a topic never ends. On the replay clock
// (SetReplay) it reports true once every assigned partition has been read up to the
// last stable offset it had when it was assigned.
func (s *Source) Exhausted() bool {
	if !s.reread {
		return false
	}
	select {
	case <-s.assigned:
	default:
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for p, st := range s.parts {
		if st.next < s.rereadEnd[p] {
			return false
		}
	}
	return true
}

// SetReplay puts the source on the replay clock (--replay): like a files source reading
// the files present at start, it reads the topic from its start (or from the
// checkpoint's offsets when resuming) up to the last stable offsets of its partitions
// when they were assigned, and is then exhausted, so that the run ends. The group's
// committed offsets are not used, and not committed to: a replay reprocesses the topic
// and leaves the group where the live pipeline put it. The replay still joins the group
// to be assigned partitions: use a group of its own while the live pipeline runs. Call
// it before Start.
func (s *Source) SetReplay() { s.reread = true }

// SetTap makes the source record its batches into tap's recording, or deliver the
// recorded ones instead of reading the topic. Call it before Start.
func (s *Source) SetTap(tap *recording.Tap) { s.tap = tap }

// adjustOffsets runs when partitions are assigned, before fetching starts, and decides
// where each partition starts, in this order:
//
//  1. the end of the last re-run batch known by then (ReplanBatch before Start, or a
//     pending batch of the restored checkpoint): re-run batches read their logged ranges
//     with a client of their own, and the batches after them continue where they end;
//  2. the restored checkpoint's offset: the state and outputs the checkpoint holds end
//     there, so the group's committed offset is not used even when it is ahead. It is
//     ahead only by batches that committed after the checkpoint was written, which the
//     engine re-runs (from the batch log) so that every output and all state see them
//     again; a transactional Sink skips the ones it had committed by its progress
//     markers, so no output repeats them either;
//  3. the group's committed offset: the partition is new to this process's checkpoint
//     lineage (the first run, a partition added to the topic or moved here from another
//     copy), so the group says what is done;
//  4. StartFrom, resolved to a concrete offset so that batch ranges are known.
//
// The start-up checkpoint, written before the source starts, holds no offsets; a crash
// before the first periodic checkpoint is still covered, because every batch that ran
// (and moved the group's offset) is in the batch log with its absolute ranges.
func (s *Source) adjustOffsets(ctx context.Context, offsets map[string]map[int32]kgo.Offset) (map[string]map[int32]kgo.Offset, error) {
	parts := offsets[s.cfg.Topic]
	s.mu.Lock()
	known := map[int32]int64{}
	for p := range parts {
		if n, ok := s.restored.next(p); ok {
			known[p] = n
		}
	}
	for t := range s.replanned {
		for _, r := range s.planned[t].Ranges {
			if _, assigned := parts[r.Partition]; !assigned {
				continue
			}
			if cur, ok := known[r.Partition]; !ok || r.Until > cur {
				known[r.Partition] = r.Until
			}
		}
	}
	s.mu.Unlock()
	var needStart, needEnd bool
	for p, o := range parts {
		if _, ok := known[p]; !ok && (o.EpochOffset().Offset < 0 || s.reread) {
			// On the replay clock a partition the checkpoint does not place starts at
			// the topic's start, whatever the group has committed and startFrom says.
			needStart = needStart || s.cfg.StartFrom == "earliest" || s.reread
			needEnd = needEnd || s.cfg.StartFrom == "latest" && !s.reread
		}
	}
	var ends kadm.ListedOffsets
	var err error
	if needStart || needEnd {
		select {
		case <-s.adminReady:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if needStart {
		ends, err = s.adm.ListStartOffsets(ctx, s.cfg.Topic)
	} else if needEnd {
		ends, err = s.adm.ListEndOffsets(ctx, s.cfg.Topic)
	}
	if err != nil {
		return nil, err
	}
	var stable kadm.ListedOffsets
	if s.reread {
		// Where the replay ends: the last stable offsets now, as a replayed files source
		// reads the files present at start.
		if stable, err = s.adm.ListCommittedOffsets(ctx, s.cfg.Topic); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reread && s.rereadEnd == nil {
		s.rereadEnd = map[int32]int64{}
	}
	for p, o := range parts {
		committed := o.EpochOffset().Offset
		start, ok := known[p]
		switch {
		case ok:
			if committed >= 0 && committed != start {
				s.log.Info("kafka partition starts at the checkpoint's offset, not the group's committed one",
					"topic", s.cfg.Topic, "partition", p, "offset", start, "group_offset", committed)
			}
		case committed >= 0 && !s.reread:
			start = committed
		default:
			lo, ok := ends.Lookup(s.cfg.Topic, p)
			if !ok || lo.Err != nil {
				return nil, fmt.Errorf("kafka source: resolving %s offset of %s/%d: %v", s.cfg.StartFrom, s.cfg.Topic, p, lo.Err)
			}
			start = lo.Offset
		}
		s.parts[p] = &partState{next: start, fetched: start, committed: committed}
		parts[p] = kgo.NewOffset().At(start).WithEpoch(-1)
		if s.reread {
			if lo, ok := stable.Lookup(s.cfg.Topic, p); ok && lo.Err == nil {
				s.rereadEnd[p] = lo.Offset
			}
		}
	}
	s.once.Do(func() { close(s.assigned) })
	return offsets, nil
}

// next returns the restored offset of partition p; a nil Positions has none.
func (pos *Positions) next(p int32) (int64, bool) {
	if pos == nil {
		return 0, false
	}
	n, ok := pos.Next[p]
	return n, ok
}

// dropPartitions forgets revoked or lost partitions; their records are another member's
// now. Ranges of pending batches for them are dropped too: only the new owner commits.
func (s *Source) dropPartitions(_ context.Context, _ *kgo.Client, lost map[string][]int32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range lost[s.cfg.Topic] {
		delete(s.parts, p)
	}
	for i := range s.pending {
		s.pending[i].Ranges = slices.DeleteFunc(s.pending[i].Ranges, func(r Range) bool {
			_, ok := s.parts[r.Partition]
			return !ok
		})
	}
}

// Batch returns the records of the batch with time batchTime, topic partition p going to
// pipeline partition p mod parts in offset order. A batch planned by PlanBatch reads
// its planned ranges; a re-run one (ReplanBatch, or a pending batch of the restored
// checkpoint) reads exactly its logged ranges, whatever has arrived since and wherever
// the group client stands; any other batch is planned here, from where the previous
// one ended.
func (s *Source) Batch(batchTime int64, parts int) ([][]Record, error) {
	if s.tap.Replaying() {
		return s.recorded(batchTime, parts)
	}
	out, err := s.batch(batchTime, parts)
	if err == nil && s.tap.Recording() {
		var recs []recording.Record
		for _, part := range out {
			for _, r := range part {
				rr := recording.Record{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset,
					Key: r.Key, Value: r.Value, Timestamp: r.Timestamp}
				for _, h := range r.Headers {
					rr.Headers = append(rr.Headers, [2]string{h.Key, string(h.Value)})
				}
				recs = append(recs, rr)
			}
		}
		err = s.tap.RecordRecords(batchTime, recs)
	}
	return out, err
}

// recorded returns the batch at batchTime from the tap's recording, topic partition p
// in pipeline partition p mod parts as Batch places them.
func (s *Source) recorded(batchTime int64, parts int) ([][]Record, error) {
	recs, err := s.tap.Records(batchTime, s.cfg.Topic)
	if err != nil {
		return nil, err
	}
	parts = max(parts, 1)
	out := make([][]Record, parts)
	for _, rr := range recs {
		r := Record{Topic: rr.Topic, Partition: rr.Partition, Offset: rr.Offset, Key: rr.Key, Value: rr.Value, Timestamp: rr.Timestamp}
		for _, h := range rr.Headers {
			r.Headers = append(r.Headers, Header{Key: h[0], Value: []byte(h[1])})
		}
		dst := int(max(r.Partition, 0)) % parts
		out[dst] = append(out[dst], r)
	}
	s.count(out)
	return out, nil
}

// batch reads the batch's planned ranges (Batch without the tap).
func (s *Source) batch(batchTime int64, parts int) ([][]Record, error) {
	if s.cl == nil {
		return nil, errors.New("kafka source: not started")
	}
	parts = max(parts, 1)
	s.mu.Lock()
	br, planned := s.planned[batchTime]
	rerun := s.replanned[batchTime]
	for t := range s.planned {
		if t <= batchTime {
			// Older entries are of batches the restored checkpoint already covers.
			delete(s.planned, t)
			delete(s.replanned, t)
		}
	}
	s.mu.Unlock()
	if !planned {
		var err error
		if br, err = s.plan(batchTime); err != nil {
			return nil, err
		}
	}
	if rerun {
		out, err := s.rerun(br, parts)
		s.count(out)
		return out, err
	}
	s.closeReplayIfDone()
	ranges := br.Ranges
	deadline := time.Now().Add(s.cfg.ReadTimeout)
	for !s.haveAll(ranges) {
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("kafka source: timed out after %v reading %s ranges %v", s.cfg.ReadTimeout, s.cfg.Topic, ranges)
		}
		if err := s.poll(time.Until(deadline)); err != nil {
			return nil, err
		}
	}
	out := make([][]Record, parts)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending = append(s.pending, br)
	for _, r := range ranges {
		st := s.parts[r.Partition]
		if st == nil {
			continue // revoked while reading
		}
		dst := int(r.Partition) % parts
		out[dst], st.buf = take(out[dst], st.buf, r)
	}
	for _, p := range out {
		s.delivered += int64(len(p))
	}
	return out, nil
}

// take appends to dst the records of buf (one partition's, in offset order) in range r,
// control records left out, and returns buf without those below r.Until.
func take(dst []Record, buf []*kgo.Record, r Range) ([]Record, []*kgo.Record) {
	i := 0
	for ; i < len(buf) && buf[i].Offset < r.Until; i++ {
		if kr := buf[i]; kr.Offset >= r.From && !kr.Attrs.IsControl() {
			dst = append(dst, convert(kr))
		}
	}
	return dst, slices.Delete(buf, 0, i)
}

// rerun reads a re-run batch's logged ranges with the replay client and moves the
// owned partitions' positions to their ends: the batches after it continue from there.
func (s *Source) rerun(br BatchRanges, parts int) ([][]Record, error) {
	out, err := s.replayRanges(br.Ranges, parts)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range br.Ranges {
		if st := s.parts[r.Partition]; st != nil {
			st.next = r.Until
			i := 0
			for i < len(st.buf) && st.buf[i].Offset < r.Until {
				i++
			}
			st.buf = slices.Delete(st.buf, 0, i)
		}
	}
	s.pending = append(s.pending, br)
	return out, nil
}

func convert(kr *kgo.Record) Record {
	r := Record{Topic: kr.Topic, Partition: kr.Partition, Offset: kr.Offset,
		Key: kr.Key, Value: kr.Value, Timestamp: kr.Timestamp.UnixMilli()}
	if len(kr.Headers) > 0 {
		r.Headers = make([]Header, len(kr.Headers))
		for i, h := range kr.Headers {
			r.Headers[i] = Header{Key: h.Key, Value: h.Value}
		}
	}
	return r
}

// plan decides the ranges of a new batch batchTime: from each owned partition's next
// offset to its last stable offset, bounded by the rate, and moves the partitions on.
//
// A partition that starts behind the group's committed offset (a restored checkpoint
// with batches committed after it) does not cross that offset in one plan: the group's
// offset is where a batch ended, and a transactional Sink committed that batch together
// with its progress marker. Without the batch log (the batches re-run after the
// checkpoint are then planned afresh), this keeps a re-run batch from reading records
// the original run read in a later batch, which the Sink, skipping the committed batch
// times, would never write. With the batch log, re-runs read their logged ranges
// instead.
func (s *Source) plan(batchTime int64) (BatchRanges, error) {
	s.mu.Lock()
	owned := make([]int32, 0, len(s.parts))
	for p := range s.parts {
		owned = append(owned, p)
	}
	s.mu.Unlock()
	slices.Sort(owned)

	ctx, cancel := context.WithTimeout(s.ctx, s.cfg.ReadTimeout)
	// The last stable offset: records past it belong to open transactions.
	ends, err := s.adm.ListCommittedOffsets(ctx, s.cfg.Topic)
	cancel()
	if err != nil {
		return BatchRanges{}, fmt.Errorf("kafka source: listing offsets of %s: %w", s.cfg.Topic, err)
	}
	limit := int64(-1)
	if s.cfg.MaxRatePerPartition > 0 && s.cfg.Interval > 0 {
		limit = max(1, s.cfg.MaxRatePerPartition*s.cfg.Interval.Milliseconds()/1000)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	var rateLimit map[int32]int64
	if s.rate > 0 {
		lags := map[int32]int64{}
		for _, p := range owned {
			if st := s.parts[p]; st != nil {
				if lo, ok := ends.Lookup(s.cfg.Topic, p); ok && lo.Err == nil && lo.Offset > st.next {
					lags[p] = lo.Offset - st.next
				}
			}
		}
		rateLimit = s.rateLimits(lags)
	}
	br := BatchRanges{Time: batchTime}
	var size int64
	for _, p := range owned {
		st := s.parts[p]
		if st == nil {
			continue
		}
		r := Range{Partition: p, From: st.next, Until: st.next}
		if lo, ok := ends.Lookup(s.cfg.Topic, p); ok && lo.Err == nil {
			st.end = lo.Offset
		}
		if lo, ok := ends.Lookup(s.cfg.Topic, p); ok && lo.Err == nil && lo.Offset > st.next {
			r.Until = lo.Offset
			if limit >= 0 {
				r.Until = min(r.Until, st.next+limit)
			}
			if l, ok := rateLimit[p]; ok {
				r.Until = min(r.Until, st.next+l)
			}
			if st.committed > st.next && !s.reread {
				r.Until = min(r.Until, st.committed)
			}
			if end, ok := s.rereadEnd[p]; ok && s.reread {
				r.Until = max(min(r.Until, end), st.next)
			}
		}
		st.next = r.Until
		size += r.Until - r.From
		br.Ranges = append(br.Ranges, r)
	}
	s.lastBatch = size
	return br, nil
}

// haveAll reports whether every range's records have been received.
func (s *Source) haveAll(ranges []Range) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range ranges {
		if st := s.parts[r.Partition]; st != nil && st.fetched < r.Until {
			return false
		}
	}
	return true
}

// poll receives one round of fetches into the partitions' buffers.
func (s *Source) poll(wait time.Duration) error {
	ctx, cancel := context.WithTimeout(s.ctx, min(wait, time.Second))
	defer cancel()
	var fs kgo.Fetches
	if s.session != nil {
		fs = s.session.PollFetches(ctx)
	} else {
		fs = s.cl.PollFetches(ctx)
	}
	if fs.IsClientClosed() {
		return errors.New("kafka source: client closed")
	}
	var errs []error
	fs.EachError(func(t string, p int32, err error) {
		if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
			errs = append(errs, fmt.Errorf("%s/%d: %w", t, p, err))
		}
	})
	s.mu.Lock()
	defer s.mu.Unlock()
	fs.EachRecord(func(r *kgo.Record) {
		st := s.parts[r.Partition]
		if r.Topic != s.cfg.Topic || st == nil || r.Offset < st.fetched {
			return // not ours, or seen before a rewind
		}
		st.fetched = r.Offset + 1
		st.buf = append(st.buf, r)
	})
	if len(errs) > 0 {
		err := fmt.Errorf("kafka source: %w", errors.Join(errs...))
		s.lastErr, s.lastErrTime = err.Error(), time.Now()
		return err
	}
	return nil
}

// offsetsThrough returns the end offsets of the pending batches with time <= t, per
// partition, and how many pending batches they cover.
func (s *Source) offsetsThrough(t int64) (map[int32]int64, int) {
	offs := map[int32]int64{}
	n := 0
	for _, br := range s.pending {
		if br.Time > t {
			break
		}
		n++
		for _, r := range br.Ranges {
			offs[r.Partition] = r.Until
		}
	}
	return offs, n
}

// CommitBatch commits the end offsets of batch batchTime (and of earlier batches not
// committed yet) to the group. The engine calls it once the batch's outputs are
// committed, so the group's offsets never run ahead of the outputs. A source used by a
// transactional Sink is committed by the Sink instead. An offset the group already has
// or is past (a batch re-run after a restore) is not committed again: the group's
// offset never moves back.
func (s *Source) CommitBatch(ctx context.Context, batchTime int64) error {
	s.mu.Lock()
	offs, n := s.offsetsThrough(batchTime)
	if s.reread || s.tap.Replaying() {
		// A replay leaves the group's offsets alone (SetReplay).
		s.mu.Unlock()
		s.markCommitted(batchTime, nil, n)
		return nil
	}
	for p, o := range offs {
		if st := s.parts[p]; st == nil || o <= st.committed {
			delete(offs, p)
		}
	}
	s.mu.Unlock()
	if len(offs) == 0 {
		s.markCommitted(batchTime, offs, n)
		return nil
	}
	commit := map[string]map[int32]kgo.EpochOffset{s.cfg.Topic: {}}
	for p, o := range offs {
		commit[s.cfg.Topic][p] = kgo.EpochOffset{Epoch: -1, Offset: o}
	}
	var cerr error
	s.cl.CommitOffsetsSync(ctx, commit, func(_ *kgo.Client, _ *kmsg.OffsetCommitRequest, resp *kmsg.OffsetCommitResponse, err error) {
		if err != nil {
			cerr = err
			return
		}
		for _, t := range resp.Topics {
			for _, p := range t.Partitions {
				if e := kerr.ErrorForCode(p.ErrorCode); e != nil {
					cerr = errors.Join(cerr, fmt.Errorf("%s/%d: %w", t.Topic, p.Partition, e))
				}
			}
		}
	})
	if cerr != nil {
		return fmt.Errorf("kafka source: committing offsets of batch %d: %w", batchTime, cerr)
	}
	s.markCommitted(batchTime, offs, n)
	return nil
}

// markCommitted drops the first n pending batches and records offs as committed.
func (s *Source) markCommitted(_ int64, offs map[int32]int64, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for p, o := range offs {
		if st := s.parts[p]; st != nil {
			st.committed = max(st.committed, o)
		}
	}
	s.pending = slices.Delete(s.pending, 0, min(n, len(s.pending)))
}

// rewind moves every partition back to the start of its first pending batch and
// forgets the pending batches and buffered records: after a transaction aborted by a
// rebalance their records are read again (by the next batch, or by the partition's new
// owner, which starts at the group's committed offset).
func (s *Source) rewind() {
	s.mu.Lock()
	defer s.mu.Unlock()
	set := map[string]map[int32]kgo.EpochOffset{s.cfg.Topic: {}}
	for p, st := range s.parts {
		to := s.startOf(p, st)
		st.next, st.fetched, st.buf = to, to, nil
		set[s.cfg.Topic][p] = kgo.EpochOffset{Epoch: -1, Offset: to}
	}
	s.pending = nil
	s.cl.SetOffsets(set)
}

// resync points the client back at the offsets after the records already received.
// Ending a transaction session with an abort moves the client to the group's committed
// offsets; when the batch is retried rather than read again, the source's buffers stay
// as they are and fetching must go on from where they end.
func (s *Source) resync() {
	s.mu.Lock()
	defer s.mu.Unlock()
	set := map[string]map[int32]kgo.EpochOffset{s.cfg.Topic: {}}
	for p, st := range s.parts {
		set[s.cfg.Topic][p] = kgo.EpochOffset{Epoch: -1, Offset: st.fetched}
	}
	s.cl.SetOffsets(set)
}

// startOf returns the first offset this process read of partition p.
func (s *Source) startOf(p int32, st *partState) int64 {
	for _, br := range s.pending {
		for _, r := range br.Ranges {
			if r.Partition == p {
				return r.From
			}
		}
	}
	return st.next
}

// Positions returns the source's checkpoint: the next offsets after the committed
// batches and the pending batches' ranges.
func (s *Source) Positions() Positions {
	s.mu.Lock()
	defer s.mu.Unlock()
	pos := Positions{Topic: s.cfg.Topic, Next: map[int32]int64{}}
	for p, st := range s.parts {
		pos.Next[p] = st.next
	}
	for _, br := range s.pending {
		for _, r := range br.Ranges {
			if cur, ok := pos.Next[r.Partition]; !ok || r.From < cur {
				pos.Next[r.Partition] = r.From
			}
		}
		pos.Pending = append(pos.Pending, BatchRanges{Time: br.Time, Ranges: slices.Clone(br.Ranges)})
	}
	return pos
}

// Restore sets the positions to resume from; call it before Start. Each partition
// starts at pos.Next (not at the group's committed offset, see adjustOffsets), and a
// batch time of pos.Pending reads the same ranges again if it is re-run.
func (s *Source) Restore(pos Positions) error {
	if pos.Topic != "" && pos.Topic != s.cfg.Topic {
		return fmt.Errorf("kafka source: checkpoint is for topic %s, not %s", pos.Topic, s.cfg.Topic)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.restored = &pos
	for _, br := range pos.Pending {
		s.planned[br.Time] = br
		s.replanned[br.Time] = true
	}
	return nil
}
