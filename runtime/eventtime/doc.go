// Package eventtime holds the elements of an event-time stream until their batch is due:
// the runtime side of the language's eventTime(f, lateness = d) operator.
//
// A stream on arrival time has, at batch time T, the records that arrived in
// (T - interval, T]. eventTime re-assigns every element to the batch that contains its
// own timestamp e: the batch at time Zero + k·interval with e in (t - interval, t]. So
// that late elements can still join their batch, everything downstream of eventTime runs
// Lag behind the arrival clock, Lag being the lateness rounded up to a whole number of
// batch intervals: at arrival time T the downstream stream has its event-time batch
// T - Lag. An element is then
//
//   - due: its batch is T - Lag — it goes downstream now;
//   - early: its batch is after T - Lag — it is held (in the checkpoint too) until its
//     batch is due;
//   - late: its batch is before T - Lag, already computed — it is dropped and counted
//     (the batch's late_records), the way Structured Streaming drops rows behind the
//     watermark.
//
// Within a batch, held elements come before the ones that arrived now, each group in
// arrival order, so a run is deterministic and a recovered run repeats it.
package eventtime
