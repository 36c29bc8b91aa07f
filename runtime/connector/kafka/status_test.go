package kafka_test

import (
	"testing"
	"time"

	"streamc.dev/streamc/internal/testserver"
	"streamc.dev/streamc/runtime/connector/kafka"
)

// TestSourceStatus checks what the operations page shows of a Kafka source: its owned
// partitions with the offset the next batch starts at, the last stable offset listed when
// the latest batch was planned, and the lag between them.
func TestSourceStatus(t *testing.T) {
	broker := testserver.Kafka(t, partitions)
	produce(t, broker, "st", 12)
	cfg := kafka.SourceConfig{Brokers: []string{broker}, Topic: "st", Group: "gs", StartFrom: "earliest",
		MaxRatePerPartition: 5, Interval: time.Second, ReadTimeout: 10 * time.Second}
	src := newSource(t, cfg, nil)
	if _, err := src.Batch(1000, 2); err != nil {
		t.Fatal(err)
	}
	st := src.SourceStatus()
	if st.State != "receiving" || !st.Active || st.Records != 15 || len(st.Partitions) != partitions {
		t.Fatalf("status %+v", st)
	}
	for i, p := range st.Partitions {
		if p.Topic != "st" || p.Partition != int32(i) || p.Next != 5 || p.End != 12 || p.Lag != 7 {
			t.Errorf("partition %d: %+v", i, p)
		}
	}
}
