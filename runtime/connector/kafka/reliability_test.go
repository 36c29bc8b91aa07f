package kafka_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"streamc.dev/streamc/internal/testserver"
	"streamc.dev/streamc/runtime/checkpoint"
	"streamc.dev/streamc/runtime/connector/kafka"
)

// TestReliability covers issue #13's Kafka items: the batch log's plans (a re-run batch
// reads what it read before), the transactional sink's progress markers (no batch
// produced twice, whatever the source), and a transactional sink never making the
// source skip batches that state and other outputs need.
func TestReliability(t *testing.T) {
	broker := testserver.Kafka(t, partitions)
	t.Run("ReplanAfterMoreRecords", func(t *testing.T) { testReplan(t, broker, false) })
	t.Run("ReplanBeforeStart", func(t *testing.T) { testReplan(t, broker, true) })
	t.Run("TxSinkNonKafkaSource", func(t *testing.T) { testTxSinkNonKafkaSource(t, broker) })
	t.Run("TxSinkOtherOutputBatchLog", func(t *testing.T) { testTxSinkOtherOutput(t, broker, true) })
	t.Run("TxSinkOtherOutputNoBatchLog", func(t *testing.T) { testTxSinkOtherOutput(t, broker, false) })
}

// plan runs PlanBatch for bt as the engine does before the batch, and returns the
// batch-log entry.
func plan(t *testing.T, src *kafka.Source, bt int64) []byte {
	t.Helper()
	w := checkpoint.NewWriter()
	if err := src.PlanBatch(bt, w); err != nil {
		t.Fatal(err)
	}
	return w.Data()
}

func replan(t *testing.T, src *kafka.Source, bt int64, entry []byte) {
	t.Helper()
	r := checkpoint.NewReader(entry)
	if err := src.ReplanBatch(bt, r); err != nil {
		t.Fatal(err)
	}
	if err := r.Done(); err != nil {
		t.Fatal(err)
	}
}

// batch reads batch bt and returns its records as "value@partition/offset": the tests
// produce the same values again, so a re-run must be told apart by offsets.
func batch(t *testing.T, src *kafka.Source, bt int64) []string {
	t.Helper()
	b, err := src.Batch(bt, 2)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range b {
		for _, r := range p {
			out = append(out, fmt.Sprintf("%s@%d/%d", r.Value, r.Partition, r.Offset))
		}
	}
	return out
}

// testReplan is a kill before the first periodic checkpoint: the start-up checkpoint,
// saved before the source started, has no offsets; two batches ran and committed their
// offsets to the group; more records arrived. A new source restored from that
// checkpoint re-runs the two batches from their logged plans and reads exactly the
// records they read, then goes on with the new records. Without the plans it would
// start at the group's offset and re-run the batches over other records.
func testReplan(t *testing.T, broker string, beforeStart bool) {
	topic := fmt.Sprintf("replan%v", beforeStart)
	produce(t, broker, topic, 5)
	cfg := kafka.SourceConfig{Brokers: []string{broker}, Topic: topic, Group: topic, StartFrom: "earliest",
		MaxRatePerPartition: 4, Interval: time.Second, ReadTimeout: 10 * time.Second}

	src, err := kafka.NewSource(cfg)
	if err != nil {
		t.Fatal(err)
	}
	initial := checkpoint.NewWriter() // the engine's start-up checkpoint
	if err := src.SavePosition(initial); err != nil {
		t.Fatal(err)
	}
	if err := src.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	logged := map[int64][]byte{}
	orig := map[int64][]string{}
	for _, bt := range []int64{1000, 2000} {
		logged[bt] = plan(t, src, bt)
		orig[bt] = batch(t, src, bt)
		if err := src.CommitBatch(context.Background(), bt); err != nil {
			t.Fatal(err)
		}
	}
	if len(orig[1000]) != 12 || len(orig[2000]) != 3 {
		t.Fatalf("original batches read %d and %d records, want 12 and 3", len(orig[1000]), len(orig[2000]))
	}
	if offs := groupOffsets(t, broker, topic, topic); offs[0] != 5 {
		t.Fatalf("group offsets %v, want 5 each", offs)
	}
	src.Stop() // the crash
	produce(t, broker, topic, 5)

	src2, err := kafka.NewSource(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := src2.RestorePosition(checkpoint.NewReader(initial.Data())); err != nil {
		t.Fatal(err)
	}
	if beforeStart {
		for _, bt := range []int64{1000, 2000} {
			replan(t, src2, bt, logged[bt])
		}
	}
	if err := src2.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer src2.Stop()
	for _, bt := range []int64{1000, 2000} {
		if !beforeStart {
			replan(t, src2, bt, logged[bt])
		}
		if got := batch(t, src2, bt); !slices.Equal(got, orig[bt]) {
			t.Fatalf("re-run batch %d read %v, want the original %v", bt, got, orig[bt])
		}
		if err := src2.CommitBatch(context.Background(), bt); err != nil {
			t.Fatal(err)
		}
	}
	// The group's offset never moved back while the batches were re-run.
	if offs := groupOffsets(t, broker, topic, topic); offs[0] != 5 || offs[1] != 5 || offs[2] != 5 {
		t.Fatalf("group offsets after the re-runs %v, want 5 each", offs)
	}
	plan(t, src2, 3000)
	got := batch(t, src2, 3000)
	want := []string{}
	for _, p := range []int{0, 2, 1} { // topic partitions 0 and 2 go to pipeline partition 0
		for i := range 4 { // the second burst's first 4 records, at offsets 5-8
			want = append(want, fmt.Sprintf("%s-%d-%d@%d/%d", topic, p, i, p, 5+i))
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("batch 3000 read %v, want %v", got, want)
	}
}

// writeRows writes batch bt of a non-Kafka source through sink: two partitions of three
// rows each.
func writeRows(t *testing.T, sink *kafka.Sink, bt int64, commit bool) {
	t.Helper()
	for p := range 2 {
		var vals []string
		for i := range 3 {
			vals = append(vals, fmt.Sprintf("b%d-p%d-%d", bt, p, i))
		}
		if err := sink.WriteBatch(context.Background(), bt, p, kafka.Values(vals)); err != nil {
			t.Fatal(err)
		}
	}
	if commit {
		if err := sink.Commit(context.Background(), bt); err != nil {
			t.Fatal(err)
		}
	}
}

// testTxSinkNonKafkaSource has a transactional sink fed by a non-Kafka source commit
// batches 1000-5000, start batch 6000 and crash with its transaction open. The
// restarted pipeline resumes from its checkpoint of batch 2000 and re-runs batches
// 3000-7000: a read_committed reader sees every row of 1000-7000 exactly once. A fresh
// run (another zero time) with the same transactional ID writes its batches although
// their times were committed before.
func testTxSinkNonKafkaSource(t *testing.T, broker string) {
	cfg := kafka.SinkConfig{Brokers: []string{broker}, Topic: "nkout", Transactional: true,
		TransactionalID: "streamc-nk-writeTo#1-abc", Output: "writeTo#1", ZeroTime: 0}
	sink, err := kafka.NewSink(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for bt := int64(1000); bt <= 5000; bt += 1000 {
		writeRows(t, sink, bt, true)
	}
	writeRows(t, sink, 6000, false) // killed before the commit; never closed

	sink2, err := kafka.NewSink(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer sink2.Close()
	for bt := int64(3000); bt <= 7000; bt += 1000 {
		writeRows(t, sink2, bt, true)
	}
	checkRows(t, broker, "nkout", 7, 1)

	fresh := cfg
	fresh.ZeroTime = 60000
	sink3, err := kafka.NewSink(fresh)
	if err != nil {
		t.Fatal(err)
	}
	defer sink3.Close()
	writeRows(t, sink3, 1000, true)
	got := readAll(t, broker, "nkout", 48)
	if n := len(got); n != 48 {
		t.Fatalf("after a fresh run's batch 1000 the topic holds %d rows, want 48", n)
	}
}

// checkRows checks that topic holds the rows of batches 1000..batches×1000 each want
// times, read_committed.
func checkRows(t *testing.T, broker, topic string, batches, want int) {
	t.Helper()
	got := readAll(t, broker, topic, batches*6*want)
	seen := map[string]int{}
	for _, v := range got {
		seen[v]++
	}
	var bad []string
	for b := 1; b <= batches; b++ {
		for p := range 2 {
			for i := range 3 {
				if v := fmt.Sprintf("b%d-p%d-%d", b*1000, p, i); seen[v] != want {
					bad = append(bad, fmt.Sprintf("%s×%d", v, seen[v]))
				}
			}
		}
	}
	if len(bad) > 0 || len(got) != batches*6*want {
		t.Fatalf("read_committed reader saw %d rows, want %d; wrong counts: %s", len(got), batches*6*want, strings.Join(bad, " "))
	}
}

// testTxSinkOtherOutput is a Kafka → Kafka pipeline with a transactional sink and
// another output (a list standing for state and other sinks). Batches 1000-3000 commit
// (records and offsets in the sink's transactions, so the group's offsets are at the
// end of 3000); the checkpoint is of batch 1000; then the process dies. The restarted
// source starts at the checkpoint's offsets, not the group's: batches 2000 and 3000
// are re-run for the other output, the sink skips them by its markers, and batch 4000
// reads the rest. The other output holds every input record once, and so does the
// output topic.
func testTxSinkOtherOutput(t *testing.T, broker string, batchLog bool) {
	in, out := fmt.Sprintf("ctin%v", batchLog), fmt.Sprintf("ctout%v", batchLog)
	produce(t, broker, in, 8)
	cfg := kafka.SourceConfig{Brokers: []string{broker}, Topic: in, Group: in, StartFrom: "earliest",
		MaxRatePerPartition: 2, Interval: time.Second, TransactionalID: "tx-" + in, ReadTimeout: 10 * time.Second}
	sinkCfg := func(src *kafka.Source) kafka.SinkConfig {
		return kafka.SinkConfig{Topic: out, Transactional: true, Source: src, Output: "writeTo#1"}
	}
	var other []string // the other output
	run := func(src *kafka.Source, sink *kafka.Sink, bt int64) {
		b, err := src.Batch(bt, 2)
		if err != nil {
			t.Fatal(err)
		}
		for p, kvs := range transform(b) {
			if err := sink.WriteBatch(context.Background(), bt, p, kafka.Pairs(kvs)); err != nil {
				t.Fatal(err)
			}
		}
		if err := sink.Commit(context.Background(), bt); err != nil {
			t.Fatal(err)
		}
		other = append(other, values(b)...)
	}

	src := newSource(t, cfg, nil)
	sink, err := kafka.NewSink(sinkCfg(src))
	if err != nil {
		t.Fatal(err)
	}
	logged := map[int64][]byte{}
	var ckpt []byte
	for bt := int64(1000); bt <= 3000; bt += 1000 {
		if batchLog {
			logged[bt] = plan(t, src, bt)
		}
		run(src, sink, bt)
		if bt == 1000 {
			w := checkpoint.NewWriter()
			if err := src.SavePosition(w); err != nil {
				t.Fatal(err)
			}
			ckpt = w.Data()
		}
	}
	if offs := groupOffsets(t, broker, in, in); offs[0] != 6 || offs[1] != 6 || offs[2] != 6 {
		t.Fatalf("group offsets after batch 3000: %v, want 6 each", offs)
	}
	src.Stop() // the crash, after batch 3000 and before its checkpoint
	other = other[:6]

	src2, err := kafka.NewSource(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := src2.RestorePosition(checkpoint.NewReader(ckpt)); err != nil {
		t.Fatal(err)
	}
	if err := src2.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer src2.Stop()
	sink2, err := kafka.NewSink(sinkCfg(src2))
	if err != nil {
		t.Fatal(err)
	}
	for bt := int64(2000); bt <= 4000; bt += 1000 {
		if logged[bt] != nil {
			replan(t, src2, bt, logged[bt])
		} else if batchLog {
			plan(t, src2, bt)
		}
		run(src2, sink2, bt)
	}
	seen := map[string]int{}
	for _, v := range other {
		seen[v]++
	}
	for p := range partitions {
		for i := range 8 {
			if v := fmt.Sprintf("%s-%d-%d", in, p, i); seen[v] != 1 {
				t.Errorf("the other output saw %s %d times, want 1", v, seen[v])
			}
		}
	}
	if len(other) != partitions*8 {
		t.Fatalf("the other output saw %d records, want %d", len(other), partitions*8)
	}
	checkOnce(t, broker, in, out, 8)
	if offs := groupOffsets(t, broker, in, in); offs[0] != 8 || offs[1] != 8 || offs[2] != 8 {
		t.Fatalf("group offsets after batch 4000: %v, want 8 each", offs)
	}
}
