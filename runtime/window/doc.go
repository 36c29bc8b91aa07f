// Package window holds the per-partition state of the windowed operators, with Spark
// Streaming's semantics: window, countByWindow, reduceByWindow (with and without an
// inverse), reduceByKeyAndWindow (with and without an inverse, with a filter),
// countByValueAndWindow and groupByKeyAndWindow. Generated code allocates one structure
// per partition per operator in New (reduceByWindow and countByWindow are global: one
// structure) and drives it once per batch:
//
//	w.Begin(b.Time)           // every batch, empty ones included
//	for ... { w.Add(k, v) }   // the partition's records of this batch
//	if w.Fires() {            // a slide boundary: the operator outputs now
//		keys, vals := w.Window()
//		...
//	}
//
// # Timing
//
// A Spec gives the parent's interval, the window length and slide (multiples of the
// interval; slide may exceed the length) and Spark's zeroTime, the first batch time
// minus the interval. The window at time t covers the parent's batches in (t - length,
// t]. Output happens only at the times t with (t - zero) a multiple of the slide,
// starting with the first such time and whatever partial window exists then, and goes on
// after the input stops (empty batches still flow: the job implements rt.Drainer so
// that the run lasts until the windows have slid past the input). At other times the
// operator has no output at all, not an empty one: print writes no header there.
//
// # Memory
//
// Each structure keeps, per batch still in some future window, only the partial that the
// operator needs: the elements for window and groupByKeyAndWindow (nothing smaller
// exists), the reduced value for reduceByWindow and countByWindow, the per-key reduced
// values for reduceByKeyAndWindow and countByValueAndWindow. A batch is dropped as soon
// as no future window contains it (for the inverse forms, once it has been subtracted),
// and batches between windows (slide > length) are never kept. Partials are recycled
// from batch to batch.
//
// # Order
//
// Results are deterministic: elements and values come in batch order, oldest first, and
// then arrival order; keys in first-seen order across the window's batches (without an
// inverse) or in the running state's insertion order (with one). See each type.
//
// # Checkpoints
//
// Every structure has Snapshot, returning its typed contents (kept batches with their
// times, and the running value of the inverse forms), and Restore(at, snapshot), which
// rebuilds it as it was after the batch at time at. SaveKeyedPanes, SaveEntries and
// SaveBatches write the snapshots of all partitions into a checkpoint with the generated
// encoders of their types; RestoreKeyedPanes, RestoreEntries and RestoreBatches read them
// back into the partitions of the restoring run, whose number may differ.
package window
