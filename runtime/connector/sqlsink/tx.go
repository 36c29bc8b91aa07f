package sqlsink

import (
	"context"

	rt "streamc.dev/streamc/runtime"
)

// KeyedWriter is what every SQL sink offers the engine's transactional protocol: write
// one partition of one batch in one transaction with the progress row keyed by
// (pipeline, output, batch time, partition), skipping a key committed before.
type KeyedWriter interface {
	WriteKeyed(ctx context.Context, pipeline, output string, batchTime int64, partition int, rows Rows) (Result, error)
}

// Tx adapts a SQL sink to the engine's rt.TxSink[T], for rt.WriteTx: fields appends one
// element's statement arguments (its tuple elements or record fields, in order). The
// progress row is keyed by the BatchKey's pipeline and output — pipeline and output here
// when those are empty — so the engine's key and the progress table agree.
func Tx[T any](w KeyedWriter, pipeline, output string, fields func(dst []any, v T) []any) rt.TxSink[T] {
	return txSink[T]{w: w, pipeline: pipeline, output: output, fields: fields}
}

type txSink[T any] struct {
	w                KeyedWriter
	pipeline, output string
	fields           func(dst []any, v T) []any
}

func (t txSink[T]) WriteBatch(ctx context.Context, key rt.BatchKey, recs []T) (bool, error) {
	pipeline, output := key.Pipeline, key.Output
	if pipeline == "" {
		pipeline = t.pipeline
	}
	if output == "" {
		output = t.output
	}
	res, err := t.w.WriteKeyed(ctx, pipeline, output, int64(key.Time), key.Partition, Slice(recs, t.fields))
	return res.Skipped, err
}
