//go:build unix

package connectortest

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/twmb/franz-go/pkg/kgo"

	"streamc.dev/streamc/internal/e2e"
	"streamc.dev/streamc/internal/testserver"
)

const (
	kills      = 20  // SIGKILLs per test
	perBurst   = 150 // records produced between restarts
	topicParts = 3   // partitions of the input topics
	settle     = 45 * time.Second
)

// TestCrashKafkaToKafka kills a transactional Kafka → Kafka pipeline at random moments
// while records keep arriving, restarts it from its checkpoint each time, and checks
// that the output topic, read committed, holds every input record once.
func TestCrashKafkaToKafka(t *testing.T) {
	t.Parallel()
	broker := testserver.Kafka(t, topicParts)
	bin := e2e.Build(t, "testdata/k2k.stream")
	dir := t.TempDir()
	var want []string
	produceBurst := func(burst int) {
		var recs []*kgo.Record
		for i := range perBurst {
			v := fmt.Sprintf("v%d-%d", burst, i)
			want = append(want, strings.ToUpper(v))
			recs = append(recs, &kgo.Record{Topic: "in", Key: []byte(fmt.Sprintf("k%d", i%7)), Value: []byte(v)})
		}
		produce(t, broker, recs)
	}
	env := []string{"KAFKA=" + broker}
	crashLoop(t, bin, dir, env, produceBurst)

	got := map[string]int{}
	deadline := time.Now().Add(settle)
	for time.Now().Before(deadline) {
		got = consumeAll(t, broker, "out")
		if len(got) >= len(want) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	stop(t, bin)
	report(t, "Kafka → Kafka (transactional)", want, got)
}

// TestCrashKafkaToPostgres does the same with a PostgreSQL sink: the table must hold
// every input record once.
func TestCrashKafkaToPostgres(t *testing.T) {
	t.Parallel()
	broker := testserver.Kafka(t, topicParts)
	url := testserver.Postgres(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "create table clicks (usr text not null, seq bigint not null)"); err != nil {
		t.Fatal(err)
	}
	bin := e2e.Build(t, "testdata/k2pg.stream")
	dir := t.TempDir()
	var want []string
	seq := 0
	produceBurst := func(int) {
		var recs []*kgo.Record
		for range perBurst {
			user := fmt.Sprintf("u%d", seq%11)
			want = append(want, fmt.Sprintf("%s/%d", user, seq))
			recs = append(recs, &kgo.Record{Topic: "clicks", Value: []byte(fmt.Sprintf(`{"user":%q,"seq":%d}`, user, seq))})
			seq++
		}
		produce(t, broker, recs)
	}
	env := []string{"KAFKA=" + broker, "DATABASE_URL=" + url}
	crashLoop(t, bin, dir, env, produceBurst)

	got := map[string]int{}
	deadline := time.Now().Add(settle)
	for time.Now().Before(deadline) {
		got = map[string]int{}
		rows, err := conn.Query(ctx, "select usr, seq from clicks")
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for rows.Next() {
			var u string
			var s int64
			if err := rows.Scan(&u, &s); err != nil {
				t.Fatal(err)
			}
			got[fmt.Sprintf("%s/%d", u, s)]++
			total++
		}
		rows.Close()
		if total >= len(want) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	stop(t, bin)
	report(t, "Kafka → PostgreSQL", want, got)
}

// running tracks the pipeline process of each test binary path, for stop.
var running sync.Map // bin → *exec.Cmd

// crashLoop starts the pipeline and kills it with SIGKILL after a random time, kills
// times, while produceBurst is called every 100ms (from one goroutine); then it produces
// a last burst and leaves a final run going, which stop ends.
func crashLoop(t *testing.T, bin, dir string, env []string, produceBurst func(burst int)) {
	t.Helper()
	ckpt := filepath.Join(dir, "ckpt")
	start := func(i int) *exec.Cmd {
		cmd := exec.Command(bin, "--checkpoint", ckpt)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		logf, err := os.Create(filepath.Join(dir, fmt.Sprintf("run-%02d.log", i)))
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdout, cmd.Stderr = logf, logf
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	// Records keep arriving while the pipeline runs, so that kills hit batches with
	// data at every stage: reading, writing, committing, checkpointing.
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for burst := 0; ; burst++ {
			select {
			case <-done:
				return
			case <-time.After(100 * time.Millisecond):
			}
			produceBurst(burst)
		}
	}()
	for i := range kills {
		cmd := start(i)
		time.Sleep(time.Duration(300+rand.IntN(1500)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
	}
	close(done)
	wg.Wait()
	// How many of the killed runs got as far as committing batches with data: kills
	// before the first batch test little.
	worked := 0
	for i := range kills {
		data, _ := os.ReadFile(filepath.Join(dir, fmt.Sprintf("run-%02d.log", i)))
		for _, l := range strings.Split(string(data), "\n") {
			if strings.Contains(l, "msg=batch ") && !strings.Contains(l, "input_records=0 ") {
				worked++
				break
			}
		}
	}
	t.Logf("%d of %d killed runs had completed batches with data", worked, kills)
	produceBurst(-1)
	cmd := start(kills)
	running.Store(bin, cmd)
	t.Cleanup(func() {
		if t.Failed() {
			for i := 0; i <= kills; i++ {
				if data, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("run-%02d.log", i))); err == nil && bytes.Contains(data, []byte("level=ERROR")) {
					t.Logf("run %d log:\n%s", i, tailLines(data, 20))
				}
			}
		}
	})
}

// stop ends the final run with SIGTERM (a graceful stop) and checks its exit status.
func stop(t *testing.T, bin string) {
	t.Helper()
	v, ok := running.LoadAndDelete(bin)
	if !ok {
		return
	}
	cmd := v.(*exec.Cmd)
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("final run: %v", err)
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Errorf("final run did not stop within 30s of SIGTERM")
	}
}

// report prints and checks the counts: every wanted record exactly once, nothing else.
func report(t *testing.T, what string, want []string, got map[string]int) {
	t.Helper()
	lost, dup, extra := 0, 0, 0
	wanted := map[string]bool{}
	for _, w := range want {
		wanted[w] = true
		switch n := got[w]; {
		case n == 0:
			lost++
		case n > 1:
			dup += n - 1
		}
	}
	for k := range got {
		if !wanted[k] {
			extra++
		}
	}
	msg := fmt.Sprintf("%s: %d SIGKILLs, %d records in, %d lost, %d duplicated, %d unexpected", what, kills, len(want), lost, dup, extra)
	fmt.Println(msg)
	t.Log(msg)
	if lost+dup+extra > 0 {
		t.Errorf("%s: want 0 lost, 0 duplicated", what)
	}
}

func produce(t *testing.T, broker string, recs []*kgo.Record) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(broker), kgo.AllowAutoTopicCreation())
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

// consumeAll reads every committed record of topic and counts the values.
func consumeAll(t *testing.T, broker, topic string) map[string]int {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(broker), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	got := map[string]int{}
	for idle := 0; idle < 3; {
		ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
		fs := cl.PollFetches(ctx)
		cancel()
		n := 0
		fs.EachRecord(func(r *kgo.Record) {
			got[string(r.Value)]++
			n++
		})
		if n == 0 {
			idle++
		}
	}
	return got
}

func tailLines(data []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
