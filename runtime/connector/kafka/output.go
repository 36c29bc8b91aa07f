package kafka

import (
	"context"
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kgo"

	rt "streamc.dev/streamc/runtime"
)

// Write runs a kafkaTopic output for one batch the way generated code calls it: every
// partition of parts is produced (in parallel) and the batch committed, under
// b.Output's retries. msg gives an element's key (nil for none) and value.
//
// For a transactional sink, a failed write aborts the batch's open transaction before
// the error is returned, so a retry never produces a record twice. When the sink
// commits a source's offsets and its transaction is aborted (by a rebalance, or by a
// failed write), the source has rewound to its committed offsets: the abort is logged
// and the output returns without error, because the next batch reads the same records
// again (ErrAborted).
func Write[T any](ctx *rt.Context, b *rt.Batch, op rt.Op, s *Sink, parts [][]T, msg func(T) (key, value []byte)) error {
	t := int64(b.Time)
	return b.Output(op, func() error {
		err := b.Parallel(len(parts), func(p int) error {
			return s.WriteBatch(ctx.Ctx, t, p, Slice(parts[p], msg))
		})
		if err != nil {
			err = errors.Join(err, s.abort(ctx.Ctx, t))
		} else {
			err = s.Commit(ctx.Ctx, t)
		}
		if errors.Is(err, ErrAborted) {
			ctx.Log.Warn("kafka transaction aborted; the batch's records will be read and written again",
				"topic", s.cfg.Topic, "batch_time", t, "err", err)
			return nil
		}
		return err
	})
}

// abort ends batch batchTime's open transaction without committing it. With a source,
// the source rewinds to its committed offsets and the result wraps ErrAborted.
func (s *Sink) abort(ctx context.Context, batchTime int64) error {
	if !s.cfg.Transactional {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.inTxn {
		return nil
	}
	s.inTxn = false
	ctx = context.WithoutCancel(ctx)
	if src := s.cfg.Source; src != nil {
		_, err := src.session.End(ctx, kgo.TryAbort)
		src.rewind()
		if err != nil {
			return fmt.Errorf("kafka sink: aborting batch %d: %w", batchTime, err)
		}
		return fmt.Errorf("kafka sink: batch %d aborted after a failed write: %w", batchTime, ErrAborted)
	}
	if err := s.cl.EndTransaction(ctx, kgo.TryAbort); err != nil {
		return fmt.Errorf("kafka sink: aborting batch %d: %w", batchTime, err)
	}
	return nil
}
