package postgres

import (
	rt "streamc.dev/streamc/runtime"
	"streamc.dev/streamc/runtime/connector/sqlsink"
)

// Tx returns s as the engine's rt.TxSink[T], for rt.WriteTx: fields appends one
// element's statement arguments (its tuple elements or record fields, in order). The
// progress row is keyed by the BatchKey's pipeline and output (the Config's when they
// are empty), batch time and partition, so the engine's key and the PostgreSQL progress
// table agree.
func Tx[T any](s *Sink, fields func(dst []any, v T) []any) rt.TxSink[T] {
	return sqlsink.Tx(s, s.cfg.Pipeline, s.cfg.Output, fields)
}
