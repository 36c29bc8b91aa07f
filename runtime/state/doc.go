// Package state holds the per-partition keyed state of Spark Streaming's stateful
// operators: UpdateStore for updateStateByKey (StringUpdateStore when the keys are
// strings: the same store over an rt.KeyDict, which also gives the keys in byte order)
// and MapStore (with its State handle) for mapWithState. The state of a partition lives
// after the exchange that hashed the records by key, so each partition's store sees only
// its keys; the job allocates one store per partition in New and drives it once per
// batch, empty batches included.
//
// Both stores are typed (no interface per record or per key) and keep their keys in a
// deterministic order: the order in which keys first got state, removed keys leaving
// it and coming back at the end. The order of every output is that order.
//
// The .stream State methods (get, getOrElse, exists, update, remove, isTimingOut) are
// the methods of *State: the builtin table names them, and generated code calls them
// directly. The package imports only the runtime core, not stdlib; optional values
// cross the API as a value and a boolean, and generated code builds stdlib.Opt from
// them.
package state
