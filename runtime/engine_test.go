package runtime_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	rt "streamc.dev/streamc/runtime"
)

// syncBuffer is a bytes.Buffer safe for the engine's goroutines to write while a test
// reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// fnJob is a job whose batch is a function; drain > 0 makes it a Drainer.
type fnJob struct {
	run func(b *rt.Batch) error
}

func (j *fnJob) RunBatch(b *rt.Batch) error { return j.run(b) }

type drainJob struct {
	fnJob
	drain int
}

func (j *drainJob) DrainBatches() int { return j.drain }

// countSource is a lifecycle that is exhausted after `total` reads (never when total < 0).
type countSource struct {
	total          int
	reads          int
	started, stops atomic.Int32
}

func (s *countSource) Start(context.Context) error { s.started.Add(1); return nil }
func (s *countSource) Stop() error                 { s.stops.Add(1); return nil }
func (s *countSource) Exhausted() bool             { return s.total >= 0 && s.reads >= s.total }
func (s *countSource) read() int                   { s.reads++; return 1 }

// testPipeline returns a one-source pipeline named "test" whose job runs run per batch
// after reading src once.
func testPipeline(batch time.Duration, src *countSource, run func(b *rt.Batch) error) *rt.Pipeline {
	return &rt.Pipeline{
		Name:       "test",
		SourceFile: "test.stream",
		Defaults:   rt.Settings{Batch: batch, Partitions: 2},
		Sources:    []rt.SourceInfo{{Name: "in", Kind: "queue", Address: "[[1]]", Pos: "test.stream:3:10"}},
		New: func(ctx *rt.Context) (rt.Job, error) {
			ctx.Register(src)
			return &fnJob{run: func(b *rt.Batch) error {
				b.AddInput(src.read())
				return run(b)
			}}, nil
		},
	}
}

func run(t *testing.T, p *rt.Pipeline, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb syncBuffer
	code = rt.RunMain(p, args, &out, &errb)
	return code, out.String(), errb.String()
}

const wantWordcount = `-------------------------------------------
Time: 1000 ms
-------------------------------------------
(a,2)
(b,1)
(c,1)

-------------------------------------------
Time: 1000 ms
-------------------------------------------
2

-------------------------------------------
Time: 2000 ms
-------------------------------------------

-------------------------------------------
Time: 2000 ms
-------------------------------------------
0

-------------------------------------------
Time: 3000 ms
-------------------------------------------
(b,2)

-------------------------------------------
Time: 3000 ms
-------------------------------------------
1

`

func TestWordcountReplay(t *testing.T) {
	code, out, errs := run(t, wordcountPipeline, "--replay")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, errs)
	}
	if out != wantWordcount {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, wantWordcount)
	}
	// The same three batches are logged with their input sizes (Streaming UI figures).
	for _, want := range []string{
		`msg=batch pipeline=wordcount batch_time=1000 input_records=2 scheduling_delay=0ms`,
		`msg=batch pipeline=wordcount batch_time=2000 input_records=0`,
		`msg=batch pipeline=wordcount batch_time=3000 input_records=1`,
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	// Every run prints the same bytes, whatever the goroutine scheduling.
	for range 20 {
		if _, again, _ := run(t, wordcountPipeline, "--replay"); again != out {
			t.Fatalf("second run differs:\n%s", again)
		}
	}
}

// TestWordcountPartitions checks the counts against a plain map for several partition
// counts: the order may change with the partitioning, the multiset may not.
func TestWordcountPartitions(t *testing.T) {
	var data [][]string
	for i := range 5 {
		var batch []string
		for j := range 7 * i {
			batch = append(batch, fmt.Sprintf("w%d w%d x", j%5, (i+j)%3))
		}
		data = append(data, batch)
	}
	p := *wordcountPipeline
	p.New = newWordcount(data)
	for _, parts := range []string{"1", "3", "8"} {
		code, out, errs := run(t, &p, "--replay", "--partitions", parts)
		if code != 0 {
			t.Fatalf("partitions %s: exit %d:\n%s", parts, code, errs)
		}
		blocks := strings.Split(out, "-------------------------------------------\nTime: ")
		for i, batch := range data {
			want := map[string]int{}
			for _, l := range batch {
				for _, w := range strings.Fields(l) {
					want[w]++
				}
			}
			got := map[string]int{}
			lines := strings.Split(strings.TrimSpace(blocks[1+2*i]), "\n")[2:]
			for _, l := range lines {
				var w string
				var n int
				if _, err := fmt.Sscanf(strings.NewReplacer("(", "", ",", " ", ")", "").Replace(l), "%s %d", &w, &n); err != nil {
					t.Fatalf("bad line %q: %v", l, err)
				}
				got[w] = n
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("partitions %s batch %d: got %v, want %v", parts, i, got, want)
			}
			if c := strings.Split(blocks[2+2*i], "\n")[2]; c != fmt.Sprint(len(batch)) {
				t.Errorf("partitions %s batch %d: count %s, want %d", parts, i, c, len(batch))
			}
		}
	}
}

func TestHelp(t *testing.T) {
	code, out, errs := run(t, wordcountPipeline, "--help")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	for _, want := range []string{
		"Usage: wordcount [flags]\n",
		"compiled by streamc from wordcount.stream",
		"  lines queue [[\"a b a\", \"c\"], [], [\"b b\"]] wordcount.stream:4:13\n",
		"  print(10) wordcount.stream:5:76\n",
		"  --batch interval             batch interval (default 1s)\n",
		"  --partitions partitions      default number of partitions (0: one per CPU) (default 2)\n",
		"  --on-bad-record policy       bad-record policy: fail, skip or deadLetter(path) (default fail)\n",
		"  --replay                     deterministic clock",
		"  --source name=address        override the address of a source",
		"  --log-level level            log level: debug, info, warn or error (default INFO)\n",
		"  130  a second SIGINT/SIGTERM stopped it at once\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("help lacks %q:\n%s", want, out)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--batch", "0s"}, "--batch must be a positive whole number of milliseconds"},
		{[]string{"--batch", "1500us"}, "--batch must be a positive whole number of milliseconds"},
		{[]string{"--partitions", "-1"}, "--partitions must be at least 1"},
		{[]string{"--checkpoint-every", "1500ms"}, "must be a multiple of the batch interval 1s"},
		{[]string{"--log-format", "xml"}, "--log-format must be text or json"},
		{[]string{"--log-level", "loud"}, `invalid value "loud" for flag -log-level`},
		{[]string{"--on-bad-record", "ignore"}, `invalid bad-record policy "ignore"`},
		{[]string{"--source", "nosuch=x:1"}, `no source named "nosuch" (sources: lines)`},
		{[]string{"--source", "lines"}, "want NAME=ADDRESS"},
		{[]string{"--start-time", "5000"}, "--start-time needs --replay"},
		{[]string{"--replay", "--start-time", "yesterday"}, "want epoch milliseconds or an RFC 3339 time"},
		{[]string{"--nope"}, "flag provided but not defined: -nope"},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		code, out, errs := run(t, wordcountPipeline, tc.args...)
		if code != rt.ExitUsage || out != "" {
			t.Errorf("%v: exit %d, stdout %q", tc.args, code, out)
		}
		if !strings.HasPrefix(errs, "wordcount: ") || !strings.Contains(errs, tc.want) ||
			!strings.HasSuffix(errs, "Run 'wordcount --help' for usage.\n") {
			t.Errorf("%v: stderr %q, want it to mention %q", tc.args, errs, tc.want)
		}
	}
}

func TestSettingsReachContext(t *testing.T) {
	var got *rt.Context
	p := &rt.Pipeline{
		Name:     "s",
		Defaults: rt.Settings{Batch: time.Second, Partitions: 3, HTTP: ""},
		Sources:  []rt.SourceInfo{{Name: "a", Kind: "socket", Address: "localhost:9999"}, {Name: "b", Kind: "files", Address: "in/"}},
		New: func(ctx *rt.Context) (rt.Job, error) {
			got = ctx
			return &fnJob{run: func(*rt.Batch) error { return nil }}, nil
		},
	}
	code, _, errs := run(t, p, "--replay", "--batches", "1", "--batch", "250ms", "--partitions", "5",
		"--on-bad-record", `deadLetter("bad.jsonl")`, "--source", "a=example:1", "--max-rate", "100")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	s := got.Settings
	if s.Batch != 250*time.Millisecond || s.Partitions != 5 || s.MaxRate != 100 || s.StopTimeout != 30*time.Second ||
		s.CheckpointEvery != 10*time.Second || s.OnBadRecord != (rt.BadRecordPolicy{Kind: rt.BadRecordDeadLetter, Path: "bad.jsonl"}) {
		t.Errorf("settings = %+v", s)
	}
	if !got.Replay {
		t.Error("Replay = false")
	}
	if a, b := got.SourceAddress("a"), got.SourceAddress("b"); a != "example:1" || b != "in/" {
		t.Errorf("addresses = %q, %q", a, b)
	}
}

func TestReplayStartTimeBatchesAndDrain(t *testing.T) {
	for _, tc := range []struct {
		args      []string
		exhaust   int // source exhausted after this many reads; -1 never
		drain     int
		wantTimes string
	}{
		{[]string{"--replay", "--batches", "3"}, -1, 0, "[1000 2000 3000]"},
		{[]string{"--replay", "--start-time", "1500", "--batches", "2"}, -1, 0, "[2000 3000]"},
		{[]string{"--replay", "--start-time", "2000", "--batches", "1"}, -1, 0, "[3000]"},
		// RFC 3339, as event times are written: 1970-01-01T00:00:01.5Z is 1500 ms.
		{[]string{"--replay", "--start-time", "1970-01-01T00:00:01.5Z", "--batches", "2"}, -1, 0, "[2000 3000]"},
		{[]string{"--replay", "--start-time", "1970-01-01T01:00:02+01:00", "--batches", "1"}, -1, 0, "[3000]"},
		{[]string{"--replay", "--batch", "500ms"}, 2, 3, "[500 1000 1500 2000 2500]"},
		{[]string{"--replay", "--batch", "500ms", "--batches", "3"}, 2, 3, "[500 1000 1500]"},
		{[]string{"--replay"}, 1, 0, "[1000]"},
	} {
		src := &countSource{total: tc.exhaust}
		var times []int64
		p := testPipeline(time.Second, src, nil)
		p.New = func(ctx *rt.Context) (rt.Job, error) {
			ctx.Register(src)
			return &drainJob{drain: tc.drain, fnJob: fnJob{run: func(b *rt.Batch) error {
				src.read()
				times = append(times, b.Time.Millis())
				if b.Index != int64(len(times)-1) || !b.Replay {
					return fmt.Errorf("index %d replay %v", b.Index, b.Replay)
				}
				return nil
			}}}, nil
		}
		code, _, errs := run(t, p, tc.args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, code, errs)
		}
		if fmt.Sprint(times) != tc.wantTimes {
			t.Errorf("%v: batch times %v, want %s", tc.args, times, tc.wantTimes)
		}
		if src.started.Load() != 1 || src.stops.Load() != 1 {
			t.Errorf("%v: started %d stopped %d times", tc.args, src.started.Load(), src.stops.Load())
		}
	}
}

func TestLiveClockAlignment(t *testing.T) {
	const interval = 50 * time.Millisecond
	before := time.Now()
	var times []rt.Time
	var late []time.Duration
	src := &countSource{total: -1}
	p := testPipeline(interval, src, func(b *rt.Batch) error {
		times = append(times, b.Time)
		late = append(late, time.Since(b.Time.Go()))
		return nil
	})
	code, _, errs := run(t, p, "--batches", "5")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if len(times) != 5 {
		t.Fatalf("ran %d batches, want 5", len(times))
	}
	if times[0].Go().Before(before) {
		t.Errorf("first batch time %v is before the run started (%v)", times[0].Go(), before)
	}
	for i, bt := range times {
		if bt.Millis()%interval.Milliseconds() != 0 {
			t.Errorf("batch time %v is not a multiple of %v", bt, interval)
		}
		if i > 0 && bt.Sub(times[i-1]) != interval {
			t.Errorf("batch %d at %v follows %v: want a step of %v", i, bt, times[i-1], interval)
		}
		if late[i] < 0 {
			t.Errorf("batch %v ran %v before its time", bt, -late[i])
		}
	}
	if !strings.Contains(errs, "scheduling_delay=") || !strings.Contains(errs, "total_delay=") {
		t.Errorf("no batch log line:\n%s", errs)
	}
}

// TestLiveBatchesQueue checks that batches slower than the interval never overlap and
// keep their times: the following batches queue up, as in Spark.
func TestLiveBatchesQueue(t *testing.T) {
	var inFlight, maxInFlight atomic.Int32
	var times []rt.Time
	p := testPipeline(10*time.Millisecond, &countSource{total: -1}, func(b *rt.Batch) error {
		maxInFlight.Store(max(maxInFlight.Load(), inFlight.Add(1)))
		times = append(times, b.Time)
		time.Sleep(35 * time.Millisecond)
		inFlight.Add(-1)
		return nil
	})
	code, _, errs := run(t, p, "--batches", "4")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if maxInFlight.Load() != 1 {
		t.Errorf("%d batches ran at once", maxInFlight.Load())
	}
	for i := 1; i < len(times); i++ {
		if times[i].Sub(times[i-1]) != 10*time.Millisecond {
			t.Errorf("batch times %v are not consecutive", times)
		}
	}
}

func TestPanicInPartitionNamesOperator(t *testing.T) {
	p := *wordcountPipeline
	p.New = func(ctx *rt.Context) (rt.Job, error) {
		return &fnJob{run: func(b *rt.Batch) error {
			idx := []int{5, 1, 7}
			return b.Parallel(3, func(p int) (err error) {
				defer rt.Guard(opMap, &err)
				xs := []int{1, 2, 3}
				_ = xs[idx[p]] // partitions 0 and 2 panic; 0's error is reported
				return nil
			})
		}}, nil
	}
	code, out, errs := run(t, &p, "--replay", "--batches", "3")
	if code != rt.ExitFailure {
		t.Fatalf("exit %d, want 1", code)
	}
	if out != "" {
		t.Errorf("stdout %q", out)
	}
	want := `err="wordcount.stream:5:30: map: panic: runtime error: index out of range [5] with length 3"`
	if !strings.Contains(errs, want) || !strings.Contains(errs, "batch_time=1000") {
		t.Errorf("stderr lacks %s:\n%s", want, errs)
	}
	if strings.Contains(errs, "batch_time=2000") {
		t.Errorf("a batch ran after the failure:\n%s", errs)
	}
}

func TestSetupAndSourceErrors(t *testing.T) {
	p := *wordcountPipeline
	p.New = func(ctx *rt.Context) (rt.Job, error) { return nil, errors.New("cannot open table") }
	if code, _, errs := run(t, &p, "--replay"); code != 1 || !strings.Contains(errs, "cannot open table") {
		t.Errorf("setup error: exit %d, stderr %s", code, errs)
	}

	closed := false
	p.New = func(ctx *rt.Context) (rt.Job, error) {
		ctx.Register(failingSource{})
		ctx.OnClose(closerFunc(func() error { closed = true; return nil }))
		return &fnJob{run: func(*rt.Batch) error { t.Error("batch ran"); return nil }}, nil
	}
	if code, _, errs := run(t, &p, "--replay"); code != 1 || !strings.Contains(errs, "connection refused") || !closed {
		t.Errorf("start error: exit %d, closed %v, stderr %s", code, closed, errs)
	}

	p.New = func(ctx *rt.Context) (rt.Job, error) {
		ctx.OnClose(closerFunc(func() error { return errors.New("flush failed") }))
		return &fnJob{run: func(*rt.Batch) error { return nil }}, nil
	}
	if code, _, errs := run(t, &p, "--replay", "--batches", "1"); code != 1 || !strings.Contains(errs, "flush failed") {
		t.Errorf("close error: exit %d, stderr %s", code, errs)
	}
}

type failingSource struct{}

func (failingSource) Start(context.Context) error { return errors.New("dial tcp: connection refused") }
func (failingSource) Stop() error                 { panic("Stop called on a source that did not start") }
func (failingSource) Exhausted() bool             { return false }

type closerFunc func() error

func (f closerFunc) Close() error { return f() }

func TestJSONLogs(t *testing.T) {
	code, _, errs := run(t, wordcountPipeline, "--replay", "--log-format", "json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var batches int
	for _, line := range strings.Split(strings.TrimSpace(errs), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("not JSON: %q", line)
		}
		if rec["msg"] == "batch" {
			batches++
			for _, k := range []string{"pipeline", "batch_time", "input_records", "scheduling_delay_ms", "processing_time_ms", "total_delay_ms"} {
				if _, ok := rec[k]; !ok {
					t.Errorf("batch record lacks %s: %s", k, line)
				}
			}
		}
	}
	if batches != 3 {
		t.Errorf("%d batch records, want 3", batches)
	}
}

// TestOperationsServerBasic checks what the runtime core serves when no operations
// handler is installed (runtime/observe is not linked): liveness, and readiness once
// the sources have started and while no batch has failed.
func TestOperationsServerBasic(t *testing.T) {
	release := make(chan struct{})
	src := &countSource{total: -1}
	p := testPipeline(time.Second, src, func(b *rt.Batch) error {
		if b.Index == 2 {
			<-release
		}
		return nil
	})
	var stderr syncBuffer
	done := make(chan int)
	go func() {
		done <- rt.RunMain(p, []string{"--replay", "--batches", "3", "--http", "127.0.0.1:0"}, io.Discard, &stderr)
	}()

	addrRE := regexp.MustCompile(`operations server listening"? pipeline=\S+ addr=(\S+)`)
	waitFor(t, "the operations server", func() bool { return addrRE.MatchString(stderr.String()) })
	base := "http://" + addrRE.FindStringSubmatch(stderr.String())[1]
	waitFor(t, "two batches", func() bool { return strings.Contains(stderr.String(), "batch_time=2000") })

	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if code, body := get("/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("healthz: %d %q", code, body)
	}
	if code, body := get("/ready"); code != 200 || !strings.Contains(body, `"ready":true`) {
		t.Errorf("ready: %d %q", code, body)
	}
	// The JSON of earlier versions moved to the REST API of runtime/observe.
	if code, _ := get("/metrics"); code != http.StatusNotFound {
		t.Errorf("/metrics without runtime/observe: %d, want 404", code)
	}
	close(release)
	if code := <-done; code != 0 {
		t.Errorf("exit %d: %s", code, stderr.String())
	}
}

// TestMetricsServerLoopbackByDefault checks that the documented form ":PORT" listens on
// the loopback interface only: serving every interface must be asked for with a host.
func TestMetricsServerLoopbackByDefault(t *testing.T) {
	src := &countSource{total: -1}
	stop := make(chan struct{})
	p := testPipeline(time.Second, src, func(b *rt.Batch) error { <-stop; return nil })
	var stderr syncBuffer
	done := make(chan int)
	go func() {
		done <- rt.RunMain(p, []string{"--replay", "--batches", "1", "--http", ":0"}, io.Discard, &stderr)
	}()
	addrRE := regexp.MustCompile(`operations server listening"? pipeline=\S+ addr=(\S+)`)
	waitFor(t, "the operations server", func() bool { return addrRE.MatchString(stderr.String()) })
	addr := addrRE.FindStringSubmatch(stderr.String())[1]
	close(stop)
	if !strings.HasPrefix(addr, "127.0.0.1:") {
		t.Errorf("--http :0 listens on %s, want 127.0.0.1:PORT", addr)
	}
	if code := <-done; code != 0 {
		t.Errorf("exit %d: %s", code, stderr.String())
	}
}
