// Package state holds the per-partition keyed state of Spark Streaming's stateful
// operators: UpdateStore for updateStateByKey and MapStore (with its State handle) for
// mapWithState. The state of a partition lives after the exchange that hashed the
// records by key, so each partition's store sees only its keys; the job allocates one
// store per partition in New and drives it once per batch, empty batches included.
//
// Both stores are typed (no interface per record or per key) and keep their keys in a
// deterministic order: the order in which keys first got state, removed keys leaving
// it and coming back at the end. The order of every output is that order.
//
// The package imports only the runtime core, not stdlib, so that stdlib may wrap the
// State methods (the builtin table's StateGet, StateUpdate, ...) without an import
// cycle. Optional values cross the API as a value and a boolean; generated code builds
// stdlib.Opt from them.
package state
