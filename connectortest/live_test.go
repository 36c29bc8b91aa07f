//go:build unix

package connectortest

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/twmb/franz-go/pkg/kgo"

	"streamc.dev/streamc/internal/crashkit"
	"streamc.dev/streamc/internal/e2e"
	"streamc.dev/streamc/internal/testserver"
)

// The live crash tests of the connectors: the pipelines of testdata/live_*.stream run
// live (100ms batches, a checkpoint every 500ms) under crashkit.Live, which SIGKILLs
// them at random and aimed moments while input arrives, restarts them, and stops the
// last life gracefully once all the input is in. Live batches depend on arrival times,
// so the reference is what any correct run produces from the input: every record's row
// exactly once in every output, in the same batch in all of them (every output of a
// batch ran on the same input), and final per-key totals equal to the input's.

// liveRun returns a crashkit.Live for bin in dir with the tests' timing.
func liveRun(bin, dir string, env []string, feed crashkit.Feed, caught func() bool) *crashkit.Live {
	kills, pastPrune := crashkit.LiveKills()
	return &crashkit.Live{
		Bin: bin, Dir: dir, Env: env,
		Interval: 100 * time.Millisecond, CheckpointEvery: 500 * time.Millisecond,
		Plans: crashkit.Schedule(kills, pastPrune),
		Feed:  feed, Caught: caught,
	}
}

// fileFeed returns a crashkit.FileFeed into dir/in (staged in dir/stage).
func fileFeed(in *crashkit.Input, dir string) *crashkit.FileFeed {
	return &crashkit.FileFeed{In: in, Stage: filepath.Join(dir, "stage"), Dir: filepath.Join(dir, "in"),
		PerFile: 12, Gap: 30 * time.Millisecond, SlowEvery: 6, SlowDelay: 300 * time.Millisecond, TouchEvery: 20}
}

// textCaught returns a Caught function: the saveAsTextFiles rows under dir/out hold
// every record delivered.
func textCaught(t *testing.T, in *crashkit.Input, dir string) func() bool {
	return func() bool {
		return in.Holds(crashkit.ReadRows(t, filepath.Join(dir, "out"), "rows"))
	}
}

// TestCrashLiveFilesPostgres: files renamed into a directory with random delays, rows
// written to PostgreSQL and saved with saveAsTextFiles; the table must hold every
// record once, in the batch saveAsTextFiles has it in.
func TestCrashLiveFilesPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test")
	}
	t.Parallel()
	url := testserver.Postgres(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "create table rows (bt bigint not null, k text not null, seq bigint not null)"); err != nil {
		t.Fatal(err)
	}
	bin := e2e.Build(t, "testdata/live_pg.stream")
	dir := t.TempDir()
	in := crashkit.NewInput(16, 0)
	res := liveRun(bin, dir, []string{"DATABASE_URL=" + url}, fileFeed(in, dir), textCaught(t, in, dir)).Run(t)

	text := crashkit.ReadRows(t, filepath.Join(dir, "out"), "rows")
	var pg []crashkit.Row
	rows, err := conn.Query(ctx, "select bt, k, seq from rows")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var r crashkit.Row
		if err := rows.Scan(&r.Batch, &r.Key, &r.Seq); err != nil {
			t.Fatal(err)
		}
		pg = append(pg, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	c := in.Count(text, nil)
	crashkit.Report(t, "files live, saveAsTextFiles beside postgres", in.Records(), res, c, c.OK())
	c = in.Count(pg, text)
	crashkit.Report(t, "files live, postgres", in.Records(), res, c, c.OK())
}

// TestCrashLiveFilesKafkaSink: the same input through a transactional Kafka sink (fed
// by a files source, not a Kafka one); the topic, read committed, must hold every
// record once, in the batch saveAsTextFiles has it in.
func TestCrashLiveFilesKafkaSink(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test")
	}
	t.Parallel()
	broker := testserver.Kafka(t, topicParts)
	bin := e2e.Build(t, "testdata/live_kafkasink.stream")
	dir := t.TempDir()
	in := crashkit.NewInput(16, 0)
	res := liveRun(bin, dir, []string{"KAFKA=" + broker}, fileFeed(in, dir), textCaught(t, in, dir)).Run(t)

	text := crashkit.ReadRows(t, filepath.Join(dir, "out"), "rows")
	c := in.Count(text, nil)
	crashkit.Report(t, "files live, saveAsTextFiles beside kafka", in.Records(), res, c, c.OK())
	c = in.Count(topicRows(t, broker, "rows"), text)
	crashkit.Report(t, "files live, kafka transactional", in.Records(), res, c, c.OK())
}

// TestCrashLiveKafkaSource: records produced to a topic in bursts while the pipeline
// runs and is killed; rows saved with saveAsTextFiles and a running count per key with
// updateStateByKey, first alone and then with a transactional Kafka sink in the same
// pipeline (which the source must not let skip batches the other outputs and the state
// still need). Every record's row exactly once in every output, in the same batch in
// all; final totals equal to the input's, growing by each batch's rows.
func TestCrashLiveKafkaSource(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test")
	}
	t.Parallel()
	for _, withSink := range []bool{false, true} {
		name := "plain"
		if withSink {
			name = "with transactional sink"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			broker := testserver.Kafka(t, topicParts)
			dir := t.TempDir()
			src := "testdata/live_kafka.stream"
			if !withSink {
				data, err := os.ReadFile(src)
				if err != nil {
					t.Fatal(err)
				}
				s := string(data)
				cut := strings.Index(s, "recs.map(r => (r.key, toString(")
				if cut < 0 {
					t.Fatalf("%s has no Kafka sink to drop", src)
				}
				src = filepath.Join(dir, "live_kafka_plain.stream")
				if err := os.WriteFile(src, []byte(s[:cut]), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			bin := e2e.Build(t, src)
			in := crashkit.NewInput(16, 0)
			feed := &kafkaFeed{t: t, in: in, broker: broker, topic: "in"}
			lv := liveRun(bin, dir, []string{"KAFKA=" + broker}, feed, textCaught(t, in, dir))
			lv.FeedAtStart = true
			res := lv.Run(t)

			what := "kafka source"
			if withSink {
				what = "kafka source with a transactional sink"
			}
			out := filepath.Join(dir, "out")
			text := crashkit.ReadRows(t, out, "rows")
			c := in.Count(text, nil)
			crashkit.Report(t, what+", saveAsTextFiles", in.Records(), res, c, c.OK())
			s := in.CheckTotals(t, out, "totals", 100*time.Millisecond, text)
			crashkit.Report(t, what+", updateStateByKey", in.Records(), res, s, s.OK())
			if len(s.Examples) > 0 {
				t.Logf("state: %v", s.Examples)
			}
			if withSink {
				c = in.Count(topicRows(t, broker, "rows"), text)
				crashkit.Report(t, what+", kafka transactional", in.Records(), res, c, c.OK())
			}
		})
	}
}

// kafkaFeed produces an Input to a topic in bursts of 1 to 30 records with random gaps
// of up to 60ms, each burst acknowledged before the next.
type kafkaFeed struct {
	t      *testing.T
	in     *crashkit.Input
	broker string
	topic  string

	mu   sync.Mutex
	last time.Time
}

func (f *kafkaFeed) Run(stop <-chan struct{}) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(f.broker), kgo.AllowAutoTopicCreation())
	if err != nil {
		f.t.Error(err)
		return
	}
	defer cl.Close()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 23))
	for {
		select {
		case <-stop:
			return
		case <-time.After(time.Duration(rng.Int64N(int64(60 * time.Millisecond)))):
		}
		var recs []*kgo.Record
		for _, l := range f.in.Lines(1 + rng.IntN(30)) {
			recs = append(recs, &kgo.Record{Topic: f.topic, Value: []byte(l)})
		}
		if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
			f.t.Errorf("producing: %v", err)
			return
		}
		f.mu.Lock()
		f.last = time.Now()
		f.mu.Unlock()
	}
}

func (f *kafkaFeed) Last() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last
}

// topicRows reads every committed record of topic as a row: the key is the record's
// key, the value "batch time,seq".
func topicRows(t *testing.T, broker, topic string) []crashkit.Row {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(broker), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var rows []crashkit.Row
	for idle := 0; idle < 3; {
		ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
		fs := cl.PollFetches(ctx)
		cancel()
		n := 0
		fs.EachRecord(func(r *kgo.Record) {
			n++
			bt, seq, _ := strings.Cut(string(r.Value), ",")
			row := crashkit.Row{Key: string(r.Key)}
			row.Batch, _ = strconv.ParseInt(bt, 10, 64)
			row.Seq, _ = strconv.ParseInt(seq, 10, 64)
			rows = append(rows, row)
		})
		if n == 0 {
			idle++
		}
	}
	return rows
}
