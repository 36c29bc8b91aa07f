package source

import "streamc.dev/streamc/runtime/recording"

// replayLines is a text source's batch at batchTime taken from its tap's recording
// (--recording), split into parts partitions as the source splits what it reads.
func replayLines(tap *recording.Tap, batchTime int64, parts int) ([][]string, error) {
	recs, err := tap.Lines(batchTime)
	if err != nil {
		return nil, err
	}
	return Split(recs, parts), nil
}
