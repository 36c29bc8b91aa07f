package kafka

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
)

// ProcessID names one running copy of a pipeline's Kafka client for the broker: its
// static group membership (SourceConfig.InstanceID) and its transactional ID. It must
// survive a restart and differ between copies sharing a group; a copy is identified by
// its host and checkpoint directory (every copy has its own), so the ID is
// "streamc-<pipeline>-<name>-<hash of host and absolute checkpoint directory>". Without
// a checkpoint directory it is "streamc-<pipeline>-<name>".
func ProcessID(pipeline, name, checkpointDir string) string {
	id := "streamc-" + pipeline + "-" + name
	if checkpointDir == "" {
		return id
	}
	host, _ := os.Hostname()
	abs, err := filepath.Abs(checkpointDir)
	if err != nil {
		abs = checkpointDir
	}
	sum := sha256.Sum256([]byte(host + "\x00" + abs))
	return id + "-" + hex.EncodeToString(sum[:6])
}
