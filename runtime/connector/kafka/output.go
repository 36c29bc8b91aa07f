package kafka

import (
	"context"
	"errors"
	"fmt"

	rt "streamc.dev/streamc/runtime"
)

// Write runs a kafkaTopic output for one batch the way generated code calls it: every
// partition of parts is produced (in parallel) and the batch committed, under
// b.Output's retries. msg gives an element's key (nil for none) and value.
//
// For a transactional sink, a failed write aborts the batch's open transaction before
// the error is returned, so the retry produces the batch once, in a new transaction
// (with a Source, its offsets included). A batch whose progress marker committed in an
// earlier run is skipped. When the sink commits a source's offsets and a group
// rebalance aborts its transaction, the source has rewound: the abort is logged and the
// output returns without error, because the records are read again (ErrAborted).
func Write[T any](ctx *rt.Context, b *rt.Batch, op rt.Op, s *Sink, parts [][]T, msg func(T) (key, value []byte)) error {
	t := int64(b.Time)
	return b.Output(op, func() error {
		b.OutputRecords(rt.Len(parts))
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

// abort ends batch batchTime's open transaction without committing it.
func (s *Sink) abort(ctx context.Context, batchTime int64) error {
	if !s.cfg.Transactional {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.inTxn {
		return nil
	}
	if err := s.endAborted(ctx); err != nil {
		return fmt.Errorf("kafka sink: aborting batch %d: %w", batchTime, err)
	}
	return nil
}
