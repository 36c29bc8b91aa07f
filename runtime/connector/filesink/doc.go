// Package filesink writes the jsonFiles(prefix) and csvFiles(prefix) sinks of writeTo:
// each batch becomes one file, prefix-<batch time in ms>.jsonl or .csv, holding the
// batch's elements partition by partition, one element a line. A file is written under
// a temporary name in the same directory, synced and renamed into place, so a reader
// never sees half a batch and a batch replayed after a crash replaces its file with the
// same content: exactly-once per batch, like saveAsTextFiles. It imports the standard
// library only; generated code supplies the per-type line encoders (AppendCSVField
// quotes text for CSV).
package filesink
