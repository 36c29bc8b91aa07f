package kafka_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"streamc.dev/streamc/internal/testserver"
	"streamc.dev/streamc/runtime/checkpoint"
	"streamc.dev/streamc/runtime/connector/kafka"
)

const partitions = 3

// produce writes n records to every partition of topic: key "p<partition>", value
// "<topic>-<partition>-<i>", one header.
func produce(t *testing.T, broker, topic string, n int) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(broker), kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.AllowAutoTopicCreation())
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var recs []*kgo.Record
	for p := range int32(partitions) {
		for i := range n {
			recs = append(recs, &kgo.Record{Topic: topic, Partition: p,
				Key:     []byte(fmt.Sprintf("p%d", p)),
				Value:   []byte(fmt.Sprintf("%s-%d-%d", topic, p, i)),
				Headers: []kgo.RecordHeader{{Key: "h", Value: []byte("v")}}})
		}
	}
	if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

func newSource(t *testing.T, cfg kafka.SourceConfig, restore *kafka.Positions) *kafka.Source {
	t.Helper()
	src, err := kafka.NewSource(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if restore != nil {
		if err := src.Restore(*restore); err != nil {
			t.Fatal(err)
		}
	}
	if err := src.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Stop() })
	return src
}

// values flattens a batch into its values, partition by partition.
func values(parts [][]kafka.Record) []string {
	var out []string
	for _, p := range parts {
		for _, r := range p {
			out = append(out, string(r.Value))
		}
	}
	return out
}

func groupOffsets(t *testing.T, broker, group, topic string) map[int32]int64 {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(broker))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	resp, err := kadm.NewClient(cl).FetchOffsets(context.Background(), group)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int32]int64{}
	for p, o := range resp[topic] {
		out[p] = o.At
	}
	return out
}

func TestKafka(t *testing.T) {
	broker := testserver.Kafka(t, partitions)
	t.Run("SourceOffsets", func(t *testing.T) { testSourceOffsets(t, broker) })
	t.Run("IdempotentSink", func(t *testing.T) { testIdempotentSink(t, broker) })
	t.Run("Transactional", func(t *testing.T) { testTransactional(t, broker) })
	t.Run("RebalanceAbort", func(t *testing.T) { testRebalanceAbort(t, broker) })
}

func testSourceOffsets(t *testing.T, broker string) {
	produce(t, broker, "in", 12)
	cfg := kafka.SourceConfig{Brokers: []string{broker}, Topic: "in", Group: "g1", StartFrom: "earliest",
		MaxRatePerPartition: 5, Interval: time.Second, ReadTimeout: 10 * time.Second}
	src := newSource(t, cfg, nil)

	b1, err := src.Batch(1000, 2)
	if err != nil {
		t.Fatal(err)
	}
	// 5 records per topic partition (the rate bound); topic partitions 0 and 2 go to
	// pipeline partition 0, partition 1 to pipeline partition 1.
	if len(b1[0]) != 10 || len(b1[1]) != 5 {
		t.Fatalf("batch 1000: partition sizes %d, %d; want 10, 5", len(b1[0]), len(b1[1]))
	}
	r := b1[1][2]
	if r.Topic != "in" || r.Partition != 1 || r.Offset != 2 || string(r.Key) != "p1" || string(r.Value) != "in-1-2" ||
		len(r.Headers) != 1 || r.Headers[0].Key != "h" || string(r.Headers[0].Value) != "v" ||
		time.Since(time.UnixMilli(r.Timestamp)) > time.Minute {
		t.Fatalf("record fields: %+v", r)
	}
	// Nothing is committed to the group before the batch's outputs are.
	if offs := groupOffsets(t, broker, "g1", "in"); len(offs) != 0 {
		t.Fatalf("offsets committed before CommitBatch: %v", offs)
	}
	if err := src.CommitBatch(context.Background(), 1000); err != nil {
		t.Fatal(err)
	}
	if offs := groupOffsets(t, broker, "g1", "in"); offs[0] != 5 || offs[1] != 5 || offs[2] != 5 {
		t.Fatalf("group offsets after batch 1000: %v", offs)
	}
	// Batch 2000 is read but its outputs never commit: the process "crashes".
	b2, err := src.Batch(2000, 2)
	if err != nil {
		t.Fatal(err)
	}
	pos := src.Positions()
	if len(pos.Pending) != 1 || pos.Pending[0].Time != 2000 || pos.Next[1] != 5 {
		t.Fatalf("positions: %+v", pos)
	}
	ckpt := checkpoint.NewWriter()
	if err := src.SavePosition(ckpt); err != nil {
		t.Fatal(err)
	}
	src.Stop()

	// Restored from the checkpoint, batch 2000 reads the same records again.
	src2, err := kafka.NewSource(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := src2.RestorePosition(checkpoint.NewReader(ckpt.Data())); err != nil {
		t.Fatal(err)
	}
	if got := src2.Positions(); len(got.Pending) != 0 {
		t.Fatalf("pending batches before Start: %+v", got)
	}
	if err := src2.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer src2.Stop()
	again, err := src2.Batch(2000, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(values(again), values(b2)) || len(values(b2)) != 15 {
		t.Fatalf("replayed batch 2000 = %v, want %v", values(again), values(b2))
	}
	b3, err := src2.Batch(3000, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got := values(b3); len(got) != 6 || !slices.Contains(got, "in-0-11") { // the last 2 per partition
		t.Fatalf("batch 3000 = %v", got)
	}
	if err := src2.CommitBatch(context.Background(), 3000); err != nil {
		t.Fatal(err)
	}
	if offs := groupOffsets(t, broker, "g1", "in"); offs[0] != 12 || offs[2] != 12 {
		t.Fatalf("group offsets after batch 3000: %v", offs)
	}
	src2.Stop()

	// Without a checkpoint, a new source of the group starts at the committed offsets:
	// only new records are read.
	produce(t, broker, "in", 1)
	src3 := newSource(t, cfg, nil)
	b4, err := src3.Batch(4000, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := values(b4); len(got) != 3 || !slices.Contains(got, "in-1-0") {
		t.Fatalf("new source of the group read %v", got)
	}
	if b4[0][0].Offset != 12 {
		t.Fatalf("first offset %d, want 12", b4[0][0].Offset)
	}
	// An empty batch when nothing new arrived.
	b5, err := src3.Batch(5000, 1)
	if err != nil || len(b5[0]) != 0 {
		t.Fatalf("batch with no new records: %v %v", values(b5), err)
	}
}

// readAll reads topic from the start with a fresh group until want records arrived (or
// 10 batches), read_committed.
func readAll(t *testing.T, broker, topic string, want int) []string {
	t.Helper()
	src := newSource(t, kafka.SourceConfig{Brokers: []string{broker}, Topic: topic,
		Group: "reader-" + topic + strconv.FormatInt(time.Now().UnixNano(), 36), StartFrom: "earliest", ReadTimeout: 10 * time.Second}, nil)
	defer src.Stop()
	var out []string
	for bt := int64(1); bt <= 10 && len(out) < want; bt++ {
		b, err := src.Batch(bt*1000, 1)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, values(b)...)
		if len(out) < want {
			time.Sleep(50 * time.Millisecond)
		}
	}
	return out
}

func testIdempotentSink(t *testing.T, broker string) {
	sink, err := kafka.NewSink(kafka.SinkConfig{Brokers: []string{broker}, Topic: "idem"})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	var vals []string
	for i := range 100 {
		vals = append(vals, "v"+strconv.Itoa(i))
	}
	for p := range 2 {
		if err := sink.WriteBatch(context.Background(), 1000, p, kafka.Values(vals[p*50:(p+1)*50])); err != nil {
			t.Fatal(err)
		}
	}
	if err := sink.Commit(context.Background(), 1000); err != nil {
		t.Fatal(err)
	}
	got := readAll(t, broker, "idem", 100)
	slices.Sort(got)
	want := slices.Clone(vals)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("read %d records, want the 100 written once", len(got))
	}
}

// transform is the pipeline of the consume–transform–produce test: upper-case marker.
func transform(recs [][]kafka.Record) [][]kafka.KV {
	out := make([][]kafka.KV, len(recs))
	for p, part := range recs {
		for _, r := range part {
			out[p] = append(out[p], kafka.KV{Key: string(r.Key), Value: "out:" + string(r.Value)})
		}
	}
	return out
}

func testTransactional(t *testing.T, broker string) {
	produce(t, broker, "txin", 10)
	srcCfg := kafka.SourceConfig{Brokers: []string{broker}, Topic: "txin", Group: "tx", StartFrom: "earliest",
		MaxRatePerPartition: 4, Interval: time.Second, TransactionalID: "tx-pipeline", ReadTimeout: 10 * time.Second}
	run := func(src *kafka.Source, sink *kafka.Sink, bt int64, commit bool) int {
		n := writeBatch(t, src, sink, bt)
		if commit {
			if err := sink.Commit(context.Background(), bt); err != nil {
				t.Fatal(err)
			}
		}
		return n
	}

	src := newSource(t, srcCfg, nil)
	sink, err := kafka.NewSink(kafka.SinkConfig{Topic: "txout", Transactional: true, Source: src})
	if err != nil {
		t.Fatal(err)
	}
	if n := run(src, sink, 1000, true); n != 12 {
		t.Fatalf("batch 1000 produced %d, want 12", n)
	}
	// The offsets went in the transaction.
	if offs := groupOffsets(t, broker, "tx", "txin"); offs[0] != 4 || offs[1] != 4 || offs[2] != 4 {
		t.Fatalf("group offsets after the committed transaction: %v", offs)
	}
	// Batch 2000 is produced but the process dies before committing.
	if n := run(src, sink, 2000, false); n != 12 {
		t.Fatalf("batch 2000 produced %d, want 12", n)
	}
	src.Stop() // closing the session aborts the open transaction

	// The restarted pipeline (same group, same transactional ID) resumes at the
	// committed offsets and redoes batch 2000, then finishes the topic.
	src2 := newSource(t, srcCfg, nil)
	sink2, err := kafka.NewSink(kafka.SinkConfig{Topic: "txout", Transactional: true, Source: src2})
	if err != nil {
		t.Fatal(err)
	}
	total := 12
	for bt := int64(2000); bt <= 4000; bt += 1000 {
		total += run(src2, sink2, bt, true)
	}
	if total != 30 {
		t.Fatalf("produced %d records in committed batches, want 30", total)
	}
	checkOnce(t, broker, "txin", "txout", 10)
}

// writeBatch reads batch bt from src and writes its records, transformed, to sink
// without committing; it returns how many it wrote.
func writeBatch(t *testing.T, src *kafka.Source, sink *kafka.Sink, bt int64) int {
	t.Helper()
	b, err := src.Batch(bt, 2)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for p, kvs := range transform(b) {
		n += len(kvs)
		if err := sink.WriteBatch(context.Background(), bt, p, kafka.Pairs(kvs)); err != nil {
			t.Fatal(err)
		}
	}
	return n
}

// checkOnce checks that a read_committed reader of topic out sees each of the n records
// per partition of topic in, transformed, exactly once.
func checkOnce(t *testing.T, broker, in, out string, n int) {
	t.Helper()
	got := readAll(t, broker, out, partitions*n)
	seen := map[string]int{}
	for _, v := range got {
		seen[v]++
	}
	for p := range partitions {
		for i := range n {
			if v := fmt.Sprintf("out:%s-%d-%d", in, p, i); seen[v] != 1 {
				t.Errorf("%s seen %d times by a read_committed reader, want 1", v, seen[v])
			}
		}
	}
	if len(got) != partitions*n {
		t.Fatalf("read_committed reader saw %d records, want %d", len(got), partitions*n)
	}
}

// testRebalanceAbort has a second pipeline instance join the group while the first has a
// transaction open: the rebalance takes partitions from the first, its commit reports
// ErrAborted and rewinds it, and the two instances then finish the topic between them.
// A read_committed reader sees every record exactly once.
func testRebalanceAbort(t *testing.T, broker string) {
	produce(t, broker, "rbin", 10)
	cfg := func(id string) kafka.SourceConfig {
		return kafka.SourceConfig{Brokers: []string{broker}, Topic: "rbin", Group: "rb", StartFrom: "earliest",
			MaxRatePerPartition: 4, Interval: time.Second, TransactionalID: id, ReadTimeout: 20 * time.Second}
	}
	write := func(src *kafka.Source, sink *kafka.Sink, bt int64) int { return writeBatch(t, src, sink, bt) }
	src1 := newSource(t, cfg("rb-1"), nil)
	sink1, err := kafka.NewSink(kafka.SinkConfig{Topic: "rbout", Transactional: true, Source: src1})
	if err != nil {
		t.Fatal(err)
	}
	if n := write(src1, sink1, 1000); n != 12 {
		t.Fatalf("batch 1000 wrote %d, want 12", n)
	}
	if err := sink1.Commit(context.Background(), 1000); err != nil {
		t.Fatal(err)
	}
	// Batch 2000 is written; before it commits, a second instance joins the group.
	if n := write(src1, sink1, 2000); n != 12 {
		t.Fatalf("batch 2000 wrote %d, want 12", n)
	}
	joined := make(chan *kafka.Source, 1)
	go func() {
		src2, err := kafka.NewSource(cfg("rb-2"))
		if err == nil {
			err = src2.Start(context.Background())
		}
		if err != nil {
			t.Error(err)
			joined <- nil
			return
		}
		joined <- src2
	}()
	// The first instance's client takes part in the rebalance in the background and
	// gives up partitions.
	deadline := time.Now().Add(30 * time.Second)
	for len(src1.Positions().Next) == partitions {
		if time.Now().After(deadline) {
			t.Fatal("no rebalance within 30s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	err = sink1.Commit(context.Background(), 2000)
	if !errors.Is(err, kafka.ErrAborted) {
		t.Fatalf("commit after the rebalance: %v, want ErrAborted", err)
	}
	src2 := <-joined
	if src2 == nil {
		t.FailNow()
	}
	t.Cleanup(func() { src2.Stop() })
	sink2, err := kafka.NewSink(kafka.SinkConfig{Topic: "rbout", Transactional: true, Source: src2})
	if err != nil {
		t.Fatal(err)
	}
	// Both instances run batches until every record is in a committed batch.
	total := 12
	for bt := int64(3000); total < 30 && bt < 60000; bt += 1000 {
		for _, in := range []struct {
			src  *kafka.Source
			sink *kafka.Sink
		}{{src1, sink1}, {src2, sink2}} {
			n := write(in.src, in.sink, bt)
			if err := in.sink.Commit(context.Background(), bt); err != nil {
				if errors.Is(err, kafka.ErrAborted) {
					continue
				}
				t.Fatal(err)
			}
			total += n
		}
	}
	if total != 30 {
		t.Fatalf("committed batches hold %d records, want 30", total)
	}
	checkOnce(t, broker, "rbin", "rbout", 10)
}
