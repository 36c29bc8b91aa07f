package postgres

import (
	"context"

	rt "streamc.dev/streamc/runtime"
	"streamc.dev/streamc/runtime/connector/sqlsink"
)

// txSink adapts a Sink to the engine's transactional output protocol.
type txSink[T any] struct {
	s      *Sink
	fields func(dst []any, v T) []any
}

// Tx returns s as the engine's rt.TxSink[T], for rt.WriteTx: fields appends one
// element's statement arguments (its tuple elements or record fields, in order). The
// progress row is keyed by the BatchKey's pipeline and output (the Config's when they
// are empty), batch time and partition, so the engine's key and the PostgreSQL progress
// table agree.
func Tx[T any](s *Sink, fields func(dst []any, v T) []any) rt.TxSink[T] {
	return txSink[T]{s: s, fields: fields}
}

func (t txSink[T]) WriteBatch(ctx context.Context, key rt.BatchKey, recs []T) (bool, error) {
	pipeline, output := key.Pipeline, key.Output
	if pipeline == "" {
		pipeline = t.s.cfg.Pipeline
	}
	if output == "" {
		output = t.s.cfg.Output
	}
	res, err := t.s.write(ctx, pipeline, output, int64(key.Time), key.Partition, sqlsink.Slice(recs, t.fields))
	return res.Skipped, err
}
