package pipetest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"streamc.dev/streamc/internal/build"
	"streamc.dev/streamc/internal/crashkit"
	"streamc.dev/streamc/internal/e2e"
	"streamc.dev/streamc/internal/testserver"
)

// livePipeline counts keyed JSON records from a files source per batch, in a running
// total (state) and over a sliding window, each into saveAsTextFiles.
const livePipeline = `pipeline live
batch 100ms
partitions 2
checkpoint "ckpt/live"
checkpointEvery 500ms

type Rec { key: string, seq: int }

let recs = files(env("INPUT", "in")).json(Rec)
let pairs = recs.map(r => (r.key, 1))
recs.map(r => (r.key, r.seq)).saveAsTextFiles(env("ROWS", "out/rows"))
pairs.updateStateByKey((news, total) => some(total.orElse(0) + sum(news))).saveAsTextFiles(env("TOTALS", "out/totals"))
pairs.reduceByKeyAndWindow((a, b) => a + b, 500ms, 200ms).saveAsTextFiles(env("WINDOWS", "out/windows"))
`

// TestRecordLiveFilesReplay runs a pipeline live on files arriving while it runs (some
// renamed late, into a batch that already listed the directory), records its input
// with --record, replays the recording with --recording, and checks that the replay
// writes every output batch exactly as the live run did, byte for byte: the same batch
// times, rows, running totals and windows. Then `streamc test --recording` turns the
// recording into a test file, whose expected outputs are the live run's too, and the
// test passes.
func TestRecordLiveFilesReplay(t *testing.T) {
	dir := t.TempDir()
	stream := filepath.Join(dir, "live.stream")
	if err := os.WriteFile(stream, []byte(livePipeline), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := e2e.Build(t, stream)
	in := filepath.Join(dir, "in")
	rec := filepath.Join(dir, "rec")
	live := filepath.Join(dir, "live")
	env := func(out string) []string {
		return append(os.Environ(), "INPUT="+in, "ROWS="+out+"/rows", "TOTALS="+out+"/totals", "WINDOWS="+out+"/windows")
	}

	// Live: files arrive for 2 s while the pipeline runs; then it is stopped with
	// SIGTERM once the late renames have had time to land in a batch.
	cmd := exec.Command(bin, "--record", rec, "--checkpoint", filepath.Join(dir, "ckpt"))
	cmd.Env = env(live)
	var liveLog bytes.Buffer
	cmd.Stderr = &liveLog
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	input := crashkit.NewInput(7, 0)
	feed := &crashkit.FileFeed{In: input, Stage: filepath.Join(dir, "stage"), Dir: in, PerFile: 20,
		Gap: 30 * time.Millisecond, SlowEvery: 6, SlowDelay: 300 * time.Millisecond}
	time.Sleep(300 * time.Millisecond)
	stop := make(chan struct{})
	fed := make(chan struct{})
	go func() { feed.Run(stop); close(fed) }()
	time.Sleep(2 * time.Second)
	close(stop)
	<-fed
	time.Sleep(500 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("live run: %v\n%s", err, liveLog.String())
	}
	liveOut := crashkit.ReadOutputs(t, live, "rows", "totals", "windows")
	rows := 0
	for name, content := range liveOut {
		if strings.HasPrefix(name, "rows-") {
			rows += strings.Count(content, "\n")
		}
	}
	if rows != input.Records() {
		t.Fatalf("the live run wrote %d rows of %d records", rows, input.Records())
	}

	// The replay, with the same binary: no input directory, no wall clock.
	replay := filepath.Join(dir, "replay")
	cmd = exec.Command(bin, "--recording", rec)
	cmd.Env = env(replay)
	cmd.Env = append(cmd.Env, "INPUT="+filepath.Join(dir, "no-such-dir"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("replay: %v\n%s", err, out)
	}
	replayOut := crashkit.ReadOutputs(t, replay, "rows", "totals", "windows")
	if diffs := crashkit.Differ(liveOut, replayOut); len(diffs) > 0 || len(liveOut) != len(replayOut) {
		t.Fatalf("the replay of the recording differs from the live run (%d output batches live, %d replayed): %v",
			len(liveOut), len(replayOut), diffs)
	}
	t.Logf("live run: %d records in %d files, %d output batches; the replay of its recording wrote the same %d batches",
		input.Records(), feed.Files(), len(liveOut), len(replayOut))

	// streamc test: the recording as a test file of the live run's outputs.
	var stdout, stderr bytes.Buffer
	r := testRunner(t, &stdout, &stderr)
	test := filepath.Join(dir, "live_recorded_test.txtar")
	if res := r.RunDir(rec, stream, test); !res.OK {
		t.Fatalf("streamc test --recording -o: %s%s", stdout.String(), stderr.String())
	}
	c, err := ReadFile(test)
	if err != nil {
		t.Fatal(err)
	}
	nonEmpty := 0
	for _, content := range liveOut {
		if content != "" {
			nonEmpty++
		}
	}
	if len(c.Outputs) != nonEmpty {
		t.Errorf("the test file holds %d output batches, the live run wrote %d with elements", len(c.Outputs), nonEmpty)
	}
	for _, b := range c.Outputs {
		name := map[string]string{"1": "rows", "2": "totals", "3": "windows"}[b.Key[len(b.Key)-1:]]
		want := liveOut[fmt.Sprintf("%s-%d", name, b.Time)]
		if got, want := slices.Sorted(slices.Values(b.Lines())), slices.Sorted(slices.Values(splitLines([]byte(want)))); !slices.Equal(got, want) {
			t.Errorf("%s batch %d: the test file holds %q, the live run wrote %q", b.Key, b.Time, got, want)
		}
	}
	if res := r.RunFile(test); !res.OK {
		t.Fatalf("the recorded test fails: %s%s", stdout.String(), stderr.String())
	}
}

// kafkaPipeline counts the records of a topic per key, per batch and in total.
const kafkaPipeline = `pipeline kafka_live
batch 100ms
partitions 2
checkpoint "ckpt/kafka_live"

type Rec { key: string, seq: int }

let raw = kafka(env("BROKERS", "localhost:9092"), "records", "live", startFrom = "earliest")
let pairs = raw.json(Rec).map(r => (r.key, 1))
raw.json(Rec).map(r => (r.key, r.seq)).saveAsTextFiles(env("ROWS", "out/rows"))
pairs.updateStateByKey((news, total) => some(total.orElse(0) + sum(news))).saveAsTextFiles(env("TOTALS", "out/totals"))
`

// TestRecordKafka records a live run reading a Kafka topic, replays the recording
// without a broker to the same outputs, and then runs the pipeline with --replay and
// the group the live run committed its offsets to: the replay reads the topic from its
// start (before, it started at the group's offsets and read nothing), stops by itself
// once it has read what the topic held, and counts every record.
func TestRecordKafka(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the Kafka client library")
	}
	begin := time.Now()
	phase := func(what string) { t.Logf("%5.1fs %s", time.Since(begin).Seconds(), what) }
	broker := testserver.Kafka(t, 3)
	phase("broker started")
	dir := t.TempDir()
	stream := filepath.Join(dir, "kafka_live.stream")
	if err := os.WriteFile(stream, []byte(kafkaPipeline), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := e2e.Build(t, stream)
	phase("pipeline built")
	cl, err := kgo.NewClient(kgo.SeedBrokers(broker), kgo.AllowAutoTopicCreation())
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	input := crashkit.NewInput(5, 0)
	produce := func(n int) {
		var recs []*kgo.Record
		for _, l := range input.Lines(n) {
			recs = append(recs, &kgo.Record{Topic: "records", Value: []byte(l)})
		}
		if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	produce(50) // before the pipeline starts: startFrom = "earliest" reads them

	rec := filepath.Join(dir, "rec")
	env := func(out string) []string {
		return append(os.Environ(), "BROKERS="+broker, "ROWS="+out+"/rows", "TOTALS="+out+"/totals")
	}
	cmd := exec.Command(bin, "--record", rec, "--checkpoint", filepath.Join(dir, "ckpt"))
	cmd.Env = env(filepath.Join(dir, "live"))
	var liveLog bytes.Buffer
	cmd.Stderr = &liveLog
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for range 10 {
		time.Sleep(100 * time.Millisecond)
		produce(15)
	}
	total := func(out string) int {
		n := 0
		for name, content := range crashkit.ReadOutputs(t, out, "rows") {
			if strings.HasPrefix(name, "rows-") {
				n += strings.Count(content, "\n")
			}
		}
		return n
	}
	for deadline := time.Now().Add(30 * time.Second); total(filepath.Join(dir, "live")) < input.Records(); {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("the live run read %d of %d records within 30s\n%s", total(filepath.Join(dir, "live")), input.Records(), liveLog.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("live run: %v\n%s", err, liveLog.String())
	}
	liveOut := crashkit.ReadOutputs(t, filepath.Join(dir, "live"), "rows", "totals")
	phase("live run recorded")

	// The recording, replayed without the broker.
	cmd = exec.Command(bin, "--recording", rec)
	cmd.Env = append(env(filepath.Join(dir, "replay")), "BROKERS=127.0.0.1:1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("replaying the recording: %v\n%s", err, out)
	}
	replayOut := crashkit.ReadOutputs(t, filepath.Join(dir, "replay"), "rows", "totals")
	if diffs := crashkit.Differ(liveOut, replayOut); len(diffs) > 0 || len(liveOut) != len(replayOut) {
		t.Fatalf("the replay of the recording differs from the live run (%d output batches live, %d replayed): %v",
			len(liveOut), len(replayOut), diffs)
	}

	phase("recording replayed")

	// --replay with the live run's group, which has committed the topic's end.
	cmd = exec.Command(bin, "--replay", "--checkpoint", filepath.Join(dir, "ckpt-replay"))
	cmd.Env = env(filepath.Join(dir, "reread"))
	done := make(chan error, 1)
	var rereadLog bytes.Buffer
	cmd.Stderr = &rereadLog
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("--replay: %v\n%s", err, rereadLog.String())
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("--replay did not stop by itself within 60s\n%s", rereadLog.String())
	}
	phase("--replay read the topic")
	if got := total(filepath.Join(dir, "reread")); got != input.Records() {
		t.Fatalf("--replay with the live run's group read %d records, want all %d\n%s", got, input.Records(), rereadLog.String())
	}
	t.Logf("live run: %d records, %d output batches; its recording replayed to the same batches; --replay with its group read all %d records",
		input.Records(), len(liveOut), input.Records())
}

// testRunner is a Runner building into the tests' cache.
func testRunner(t *testing.T, stdout, stderr io.Writer) *Runner {
	cache := e2e.CacheDir(t)
	return &Runner{
		Stdout: stdout, Stderr: stderr,
		BuildOptions: func(key, name string) build.Options {
			return build.Options{Key: key, Name: name, CacheDir: cache, Stderr: stderr}
		},
		Runtime: func() (string, error) { return build.Runtime(build.Options{CacheDir: cache}) },
	}
}

// TestKafkaInput gives a kafka source test input both ways: values one a line, and
// records as JSON (.jsonl) with a key, a partition and headers; no broker is involved.
// A record that is not one is an error at its line of the test file.
func TestKafkaInput(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the Kafka client library")
	}
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("k.stream", `pipeline k
batch 1s
partitions 1

let raw = kafka("localhost:1", "clicks", "g")
raw.map(r => (r.topic, r.partition, r.offset, r.key, r.value, len(r.headers))).print()
raw.lines().map(v => upper(v)).print()
`)
	good := write("k_test.txtar", `-- in/raw/1000 --
a
b
-- in/raw/2000.jsonl --
{"key": "u1", "value": "c", "partition": 1, "headers": [["h", "v"]]}
{"value": "d"}
-- out/print1/1000 --
(clicks,0,0,,a,0)
(clicks,0,1,,b,0)
-- out/print1/2000 --
(clicks,1,0,u1,c,1)
(clicks,0,2,,d,0)
-- out/print2/1000 --
A
B
-- out/print2/2000 --
C
D
`)
	bad := write("k_bad_test.txtar", `-- in/raw/1000.jsonl --
{"value": "a"}
{"vaule": "b"}
-- in/raw/2000.jsonl --
{"value": 3}
`)
	var stdout, stderr bytes.Buffer
	r := testRunner(t, &stdout, &stderr)
	if res := r.RunFile(good); !res.OK {
		t.Fatalf("%s%s", stdout.String(), stderr.String())
	}
	stdout.Reset()
	stderr.Reset()
	if res := r.RunFile(bad); res.OK {
		t.Fatalf("a bad record passed:\n%s", stdout.String())
	}
	for _, want := range []string{
		"k_bad_test.txtar:3:1: not a Kafka record: json: unknown field \"vaule\"",
		"k_bad_test.txtar:5:1: not a Kafka record: json: cannot unmarshal number into Go struct field",
	} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("the errors do not say %q:\n%s", want, stderr.String())
		}
	}
}
