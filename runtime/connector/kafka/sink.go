package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Messages is one partition's elements as a Kafka sink sees them.
type Messages interface {
	Len() int
	// Message returns element i's key (nil for none) and value.
	Message(i int) (key, value []byte)
}

type sliceMessages[T any] struct {
	rows []T
	msg  func(T) (key, value []byte)
}

func (s sliceMessages[T]) Len() int                          { return len(s.rows) }
func (s sliceMessages[T]) Message(i int) (key, value []byte) { return s.msg(s.rows[i]) }

// Slice returns the Messages of a typed partition; msg gives an element's key and value.
func Slice[T any](rows []T, msg func(T) (key, value []byte)) Messages {
	return sliceMessages[T]{rows: rows, msg: msg}
}

// Values returns Messages whose values are the strings and whose keys are empty:
// kafkaTopic on a stream of string.
func Values(vals []string) Messages {
	return Slice(vals, func(v string) ([]byte, []byte) { return nil, []byte(v) })
}

// KV is a (key, value) element: kafkaTopic on a stream of (string, string).
type KV struct{ Key, Value string }

// Pairs returns Messages of key/value pairs.
func Pairs(kvs []KV) Messages {
	return Slice(kvs, func(kv KV) ([]byte, []byte) { return []byte(kv.Key), []byte(kv.Value) })
}

// SinkConfig is a kafkaTopic(brokers, topic, transactional) sink.
type SinkConfig struct {
	Brokers []string
	Topic   string
	// Transactional makes each batch one Kafka transaction: read_committed consumers
	// see all of a batch's records or none. With Source set, the source's offsets for
	// the batch commit in the same transaction (consume–transform–produce), which makes
	// a Kafka → Kafka pipeline exactly-once.
	Transactional bool
	// TransactionalID identifies the producer across restarts (the broker fences an
	// older incarnation with the same ID). Used without Source; empty means
	// "streamc-" + Topic. With Source, the source's TransactionalID is used.
	TransactionalID string
	Source          *Source
	// Output is the output's stable name in the pipeline ("writeTo@3f2a9c01"), and ZeroTime the
	// pipeline's zero time (restored from the checkpoint, new for a fresh run): with the
	// transactional ID they identify a transactional sink's progress marker, so that a
	// batch re-run after a restart is not produced again, while a fresh run's batches
	// (a new lineage, even with the same batch times) are never taken for done ones.
	Output   string
	ZeroTime int64
	// NoCheckpoint says the pipeline runs without a checkpoint directory: no batch is
	// ever re-run, so the sink never skips one (markers are still written). Without it a
	// second replay run, whose batch times repeat the first's, would write nothing.
	NoCheckpoint bool
	// ProgressTopic is the compacted topic of the progress markers; empty means
	// DefaultProgressTopic.
	ProgressTopic string
	Log           *slog.Logger
	Opts          []kgo.Opt
}

// Sink produces a pipeline's elements to a topic. Without Transactional it is an
// idempotent producer (the broker drops the duplicates of a producer's retries): each
// WriteBatch returns once the broker acknowledged every record, at least once across
// restarts. With Transactional, WriteBatch produces into the batch's transaction and
// Commit ends it, together with a progress marker (see progress) and, with a Source,
// the source's offsets: exactly once across restarts whatever the source, because a
// batch whose marker committed is skipped when it is re-run. The client is created on
// first use; WriteBatch is safe for concurrent use by the partitions of a batch.
type Sink struct {
	cfg SinkConfig
	log *slog.Logger

	mu       sync.Mutex
	cl       *kgo.Client
	inTxn    bool
	txnTime  int64
	progress progress // loaded on the first write of a run (transactional only)
}

// NewSink returns a sink for cfg; nothing is connected yet.
func NewSink(cfg SinkConfig) (*Sink, error) {
	if cfg.Topic == "" || (len(cfg.Brokers) == 0 && cfg.Source == nil) {
		return nil, errors.New("kafka sink: brokers and topic are required")
	}
	if cfg.Source != nil {
		if !cfg.Transactional {
			return nil, errors.New("kafka sink: a Source is only used by a transactional sink")
		}
		if cfg.Source.cfg.TransactionalID == "" {
			return nil, errors.New("kafka sink: a transactional sink's Source needs a TransactionalID")
		}
	}
	if cfg.TransactionalID == "" {
		cfg.TransactionalID = "streamc-" + cfg.Topic
	}
	if cfg.ProgressTopic == "" {
		cfg.ProgressTopic = DefaultProgressTopic
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Sink{cfg: cfg, log: log}, nil
}

// client returns the producing client, creating it on first use.
func (s *Sink) client() (*kgo.Client, error) {
	if s.cfg.Source != nil {
		if s.cfg.Source.cl == nil {
			return nil, errors.New("kafka sink: the source is not started")
		}
		return s.cfg.Source.cl, nil
	}
	if s.cl != nil {
		return s.cl, nil
	}
	// The broker decides whether a missing topic is created (auto.create.topics.enable).
	opts := []kgo.Opt{kgo.SeedBrokers(s.cfg.Brokers...), kgo.DefaultProduceTopic(s.cfg.Topic), kgo.AllowAutoTopicCreation()}
	if s.cfg.Transactional {
		opts = append(opts, kgo.TransactionalID(s.cfg.TransactionalID))
	}
	cl, err := kgo.NewClient(append(opts, s.cfg.Opts...)...)
	if err != nil {
		return nil, fmt.Errorf("kafka sink: %w", err)
	}
	s.cl = cl
	return cl, nil
}

// begin starts batch batchTime's transaction when it has not started yet. skip reports
// that the batch's marker has committed (a re-run after a restart): nothing is written.
// s.mu must be held.
func (s *Sink) begin(ctx context.Context, batchTime int64) (cl *kgo.Client, skip bool, err error) {
	cl, err = s.client()
	if err != nil {
		return nil, false, err
	}
	if !s.cfg.Transactional || s.inTxn && s.txnTime == batchTime {
		return cl, false, nil
	}
	if !s.progress.loaded && s.cfg.NoCheckpoint {
		s.progress = progress{loaded: true}
	}
	if !s.progress.loaded {
		if err := s.loadProgress(ctx, cl); err != nil {
			return nil, false, err
		}
	}
	if s.progress.done(s.cfg.ZeroTime, batchTime) {
		return cl, true, nil
	}
	if s.inTxn {
		return nil, false, fmt.Errorf("kafka sink: batch %d written while batch %d's transaction is open", batchTime, s.txnTime)
	}
	if s.cfg.Source != nil {
		err = s.cfg.Source.session.Begin()
	} else {
		err = cl.BeginTransaction()
	}
	if err != nil {
		return nil, false, fmt.Errorf("kafka sink: beginning the transaction of batch %d: %w", batchTime, err)
	}
	s.inTxn, s.txnTime = true, batchTime
	return cl, false, nil
}

// WriteBatch produces one partition's messages of batch batchTime and waits for the
// broker's acknowledgements. A transactional sink writes nothing for a batch it has
// committed before (a re-run after a restart).
func (s *Sink) WriteBatch(ctx context.Context, batchTime int64, partition int, msgs Messages) error {
	n := msgs.Len()
	if n == 0 {
		return nil
	}
	s.mu.Lock()
	cl, skip, err := s.begin(ctx, batchTime)
	s.mu.Unlock()
	if err != nil || skip {
		return err
	}
	recs := make([]kgo.Record, n)
	ptrs := make([]*kgo.Record, n)
	for i := range n {
		k, v := msgs.Message(i)
		recs[i] = kgo.Record{Topic: s.cfg.Topic, Key: k, Value: v}
		ptrs[i] = &recs[i]
	}
	if err := cl.ProduceSync(ctx, ptrs...).FirstErr(); err != nil {
		return fmt.Errorf("kafka sink: batch %d partition %d: %w", batchTime, partition, err)
	}
	return nil
}

// Commit ends batch batchTime: for a transactional sink it produces the batch's progress
// marker and commits the transaction (with the source's offsets for the batch when the
// sink has a Source); it is a no-op otherwise, since WriteBatch waited for every
// acknowledgement. A batch committed before (a re-run) is not committed again; a
// Source's offsets for it are already in the group. A commit whose outcome is unknown
// makes the sink read its marker again before the next write, so that a retry neither
// repeats nor drops the batch. When the group rebalanced during the batch the
// transaction is aborted, the source rewinds, and Commit returns an error wrapping
// ErrAborted: the caller logs it and goes on, and the records are read again.
func (s *Sink) Commit(ctx context.Context, batchTime int64) error {
	if !s.cfg.Transactional {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	src := s.cfg.Source
	if src == nil && !s.inTxn {
		return nil // nothing produced; with a Source the offsets go in a transaction anyway
	}
	cl, skip, err := s.begin(ctx, batchTime) // leaves the transaction open unless skip
	if err != nil {
		return err
	}
	if skip {
		if src != nil {
			src.mu.Lock()
			offs, n := src.offsetsThrough(batchTime)
			src.mu.Unlock()
			src.markCommitted(batchTime, offs, n)
		}
		s.log.Info("batch already committed to kafka by an earlier run; not written again",
			"topic", s.cfg.Topic, "batch_time", batchTime)
		return nil
	}
	s.inTxn = false
	if err := cl.ProduceSync(ctx, s.marker(batchTime)).FirstErr(); err != nil {
		return errors.Join(fmt.Errorf("kafka sink: batch %d's progress marker: %w", batchTime, err), s.endAborted(ctx))
	}
	if src == nil {
		if err := cl.EndTransaction(ctx, kgo.TryCommit); err != nil {
			if aerr := cl.EndTransaction(context.WithoutCancel(ctx), kgo.TryAbort); aerr != nil {
				err = errors.Join(err, aerr)
			}
			s.progress.loaded = false
			return fmt.Errorf("kafka sink: committing batch %d: %w", batchTime, err)
		}
		s.committed(batchTime)
		return nil
	}

	src.mu.Lock()
	offs, n := src.offsetsThrough(batchTime)
	src.mu.Unlock()
	// The session would commit the offsets it has polled, which run ahead of the
	// batch (the source reads past a batch's end into its buffer); the batch's own end
	// offsets replace them in the request.
	hook := kgo.PreTxnCommitFnContext(ctx, func(req *kmsg.TxnOffsetCommitRequest) error {
		var topicID [16]byte
		for _, t := range req.Topics {
			if t.Topic == src.cfg.Topic {
				topicID = t.TopicID
			}
		}
		req.Topics = req.Topics[:0]
		if len(offs) == 0 {
			return nil
		}
		rt := kmsg.NewTxnOffsetCommitRequestTopic()
		rt.Topic, rt.TopicID = src.cfg.Topic, topicID
		for p, o := range offs {
			rp := kmsg.NewTxnOffsetCommitRequestTopicPartition()
			rp.Partition, rp.Offset, rp.LeaderEpoch = p, o, -1
			rp.Metadata = &req.MemberID
			rt.Partitions = append(rt.Partitions, rp)
		}
		req.Topics = append(req.Topics, rt)
		return nil
	})
	committed, err := src.session.End(hook, kgo.TryCommit)
	if err != nil {
		// The batch is retried as it is: the source keeps its records and positions.
		src.resync()
		s.progress.loaded = false
		return fmt.Errorf("kafka sink: committing batch %d: %w", batchTime, err)
	}
	if !committed {
		src.rewind()
		s.log.Warn("kafka transaction aborted by a rebalance; the batch's records will be read again", "batch_time", batchTime)
		return fmt.Errorf("kafka sink: batch %d: %w", batchTime, ErrAborted)
	}
	src.markCommitted(batchTime, offs, n)
	s.committed(batchTime)
	return nil
}

// committed records that batch batchTime's marker has committed.
func (s *Sink) committed(batchTime int64) {
	s.progress = progress{loaded: true, zero: s.cfg.ZeroTime, last: batchTime, found: true}
}

// endAborted aborts the open transaction after a failed write; with a Source, the
// source's client is pointed back at its buffers' ends (the batch is retried, not read
// again). s.mu must be held.
func (s *Sink) endAborted(ctx context.Context) error {
	s.inTxn = false
	ctx = context.WithoutCancel(ctx)
	if src := s.cfg.Source; src != nil {
		_, err := src.session.End(ctx, kgo.TryAbort)
		src.resync()
		return err
	}
	return s.cl.EndTransaction(ctx, kgo.TryAbort)
}

// Close closes the sink's own client (a sink on a Source leaves the client to it).
func (s *Sink) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cl != nil {
		if s.inTxn {
			s.cl.EndTransaction(context.Background(), kgo.TryAbort)
		}
		s.cl.Close()
		s.cl = nil
	}
	return nil
}
