package runtime

import "streamc.dev/streamc/runtime/checkpoint"

// SetBatchLogSync replaces the batch log's sync for a test; restore puts it back.
func SetBatchLogSync(f func(*checkpoint.BatchLog) error) (restore func()) {
	old := syncBatchLog
	syncBatchLog = f
	return func() { syncBatchLog = old }
}

// SetCheckpointWrite replaces the checkpoint file's write for a test; restore puts it
// back.
func SetCheckpointWrite(f func(*checkpoint.Dir, *checkpoint.Checkpoint) (string, error)) (restore func()) {
	old := writeCheckpoint
	writeCheckpoint = f
	return func() { writeCheckpoint = old }
}
