// Package planner lowers a checked .stream program to the physical plan that code
// generation reads, and prints that plan for `streamc explain` and the golden tests,
// with code generation's notes on what it builds differently (Notes).
//
// The plan holds typed plan ops (Op), not the checker's nodes: each carries its
// operator's descriptor (builtins.Plan), its typed spec (package spec), its start-up
// arguments, and the facts worked out once here over the whole graph: the stream's
// slide (a window's, else its input's), the clock it runs on (arrival, or the event time
// of an eventTime upstream), and how long it goes on changing after the input ends (the
// drain). The printer shows the facts where an op introduces them, and all of them on
// the outputs. Code generation reads these facts instead of working them out again.
//
// The plan is a list of stages. A stage reads one input — a source, the shuffled output
// of an earlier stage (an exchange), or the kept result of an earlier stage — and runs
// its operators as one fused loop per partition, then either keeps its result (for
// outputs and for streams used more than once) or writes it into an exchange that
// hash-partitions it by key for the next stage.
//
// Fusion rules, applied in program order so the plan is deterministic. Which rule an
// operator follows is its descriptor's class (builtins.Plan.Class): the planner keeps no
// list of operators.
//
//  1. A source and its decoder start a stage.
//  2. A narrow operator (map, filter, flatMap, mapValues, flatMapValues, decoders,
//     joinTable) joins the stage of its input when that input has no other consumer.
//     Otherwise the input's result is kept and the operator starts a new stage over it,
//     without a shuffle. An operator that needs each partition whole or keeps elements
//     from batch to batch (glom, mapPartitions, lookup, snapshots, and eventTime, whose
//     batch includes elements held since earlier batches) always heads a new stage over
//     the kept input, without a shuffle.
//  3. A wide operator (reduceByKey, groupByKey, countByValue, countByKey, aggregateByKey,
//     distinct, repartition, joins, cogroup, keyed windows, state) cuts the stage: its map
//     side (hashing by key, and a combine for reduceByKey-like operators) ends the
//     input's stage, and its reduce side heads a new stage after the exchange.
//  4. A whole-batch operator (count, reduce, sortBy, sortByKey, top, takeOrdered,
//     countByWindow, reduceByWindow) gathers into one partition: partial results per
//     partition where the operator allows it (count, reduce, top, the windows), the
//     final step in a one-partition stage. window(len, slide) moves nothing: its stage
//     reads the kept input and has its partitions times the batches a window holds
//     (Spark's union of the window's batches, oldest first).
//  5. union starts a stage whose partitions are its inputs' partitions, concatenated
//     (Spark's UnionRDD).
//  6. An output keeps the result of the stage that produced its input; several outputs
//     of one stream share that result.
//
// Whether a program is valid never depends on these decisions. The checker reports every
// mistake before planning, as rules about the stream graph, not about stages: csv(header
// = true), for one, must read its source's lines directly, and whether it then fuses
// into the source's stage (the source has no other consumer) or heads a stage over the
// source's kept lines (it has), it reads the same lines. Build reports only internal
// errors, as a diag.List.
package planner
