package crashkit

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// PruneBatches is how many batches with data a life of a pipeline must run before its
// SQL sinks prune their progress markers (runtime/connector/sqlsink.PruneEvery writes
// per partition; every batch of the live tests has data in every partition). A kill
// aimed past pruning comes with a multiple of it.
const PruneBatches = 64

// Long reports whether the long versions of the crash tests were asked for
// (STREAMC_CRASH_LONG=1, which `make crash` sets); CI runs the short ones.
func Long() bool { return os.Getenv("STREAMC_CRASH_LONG") != "" }

// LiveKills returns how many SIGKILLs a live crash test makes and how many of them are
// aimed past marker pruning: 10 and 2 in CI, 60 and 12 in the long version (which runs
// past the files source's remember window, 60s).
// STREAMC_CRASH_KILLS=N makes N (N/5 past pruning); N = 0 makes an uninterrupted live
// run, which checks the harness and the reference themselves: any runtime must pass it.
func LiveKills() (kills, pastPrune int) {
	if s := os.Getenv("STREAMC_CRASH_KILLS"); s != "" {
		n, err := strconv.Atoi(s)
		if err == nil && n >= 0 {
			return n, n / 5
		}
	}
	if Long() {
		return 60, 12
	}
	return 10, 2
}

// Plan is where a kill is aimed.
type Plan int

const (
	// KillRandom kills after a random delay from the start of the life, anywhere: in
	// start-up, recovery, a batch, an output, a checkpoint.
	KillRandom Plan = iota
	// KillAfterBatch kills the moment the log says a batch with data has completed (its
	// outputs and batch-done hooks are done, no checkpoint is due after it): the outputs
	// of the batches since the last checkpoint are committed, and a restart runs those
	// batches again.
	KillAfterBatch
	// KillInCheckpoint kills the moment the log says a batch after which a checkpoint is
	// due has completed: the checkpoint is being written.
	KillInCheckpoint
	// KillAfterCheckpoint kills the moment the log says a checkpoint was written.
	KillAfterCheckpoint
	// KillPastPrune lets the life run until the SQL sinks prune their markers (in every
	// PruneBatches-th batch with data) in a batch that no checkpoint follows, and kills
	// right after that batch: the markers of the batches a restart runs again must
	// still be there.
	KillPastPrune
	numPlans
)

var planNames = [numPlans]string{"random", "after a batch", "in a checkpoint write", "after a checkpoint", "past marker pruning"}

func (p Plan) String() string { return planNames[p] }

// Schedule returns the plans of kills kills: the first kill right after the first batch
// with data (before the first periodic checkpoint: the life that has only the start-up
// checkpoint), then the aimed plans and random ones in turn, with pastPrune kills aimed
// past marker pruning spread over the run.
func Schedule(kills, pastPrune int) []Plan {
	if kills <= 0 {
		return nil
	}
	cycle := []Plan{KillRandom, KillInCheckpoint, KillAfterBatch, KillAfterCheckpoint, KillRandom, KillAfterBatch}
	plans := make([]Plan, kills)
	for i := range plans {
		plans[i] = cycle[(i+len(cycle)-1)%len(cycle)]
	}
	plans[0] = KillAfterBatch
	p := min(pastPrune, kills-1)
	for i := range p {
		plans[1+(i*2+1)*(kills-1)/(2*p)] = KillPastPrune
	}
	return plans
}

// Feed delivers a live test's input while the pipeline runs and is killed.
type Feed interface {
	// Run delivers input until stop is closed, then returns. It is called once the
	// pipeline's first life has run a batch (a files source ignores files that were
	// there before it started), or with the first life (Live.FeedAtStart).
	Run(stop <-chan struct{})
	// Last returns when the last input was delivered: a batch at least an interval
	// after it has everything.
	Last() time.Time
}

// Live runs a pipeline binary live (wall clock) while its Feed delivers input, SIGKILLs
// it once for each of its Plans, restarting it after each kill, then lets a last life
// run until it has caught up with all the input and stops it with SIGTERM. Its log
// (--log-format json on stderr) is how it knows when a batch completes and when a
// checkpoint is written, so that aimed kills land the moment those happen; each life's
// log is kept in Dir/logs/run-NN.log.
type Live struct {
	Bin  string   // the pipeline binary
	Dir  string   // its working directory
	Args []string // its arguments; --log-format json is added
	Env  []string // added to the environment

	CheckpointDir   string        // relative to Dir; default "ckpt"
	Interval        time.Duration // the batch interval
	CheckpointEvery time.Duration // the checkpointEvery setting (a multiple of Interval)
	Plans           []Plan        // one per kill; see Schedule

	Feed Feed
	// FeedAtStart starts the Feed with the first life instead of after its first
	// batch: for sources that keep their input until read (Kafka), whose first start
	// may even wait for it (no partition to assign before the topic exists).
	FeedAtStart bool
	// Caught reports whether the outputs account for all the input delivered; the last
	// life is stopped once it does (or Settle after it started, when records were lost
	// and it never will). Nil: stop as soon as a batch past the input has run.
	Caught func() bool
	Settle time.Duration // default 20s
	// MinFeed is how long the Feed runs at least when there are no kills (an
	// uninterrupted run, in the last life); default 15s.
	MinFeed time.Duration

	mu         sync.Mutex
	phase      int64 // a checkpoint's batch time: due batches are phase + k×CheckpointEvery
	phaseKnown bool
}

// LiveResult is what a Live run did.
type LiveResult struct {
	Kills  int
	Aimed  [numPlans]int // kills that hit their aim, by plan (KillRandom: all random kills)
	Missed int           // aimed kills whose moment did not come within the fallback delay
	// InWrite counts the kills in a checkpoint write by where they landed: before the
	// write began, with its temporary file left behind, after the file was renamed.
	InWrite struct{ Before, Temporary, After int }
	Starts  int
	Failed  int // lives that exited on their own (a run-time failure; the test fails)
	Batches int // batches completed over all lives, re-runs included
	MaxLife int // the most batches with data one life completed
	Elapsed time.Duration
}

// AimedKills returns how many kills hit an aimed moment.
func (r LiveResult) AimedKills() int {
	n := 0
	for p := KillAfterBatch; p < numPlans; p++ {
		n += r.Aimed[p]
	}
	return n
}

// String describes the kills for a summary line: "30 SIGKILLs (22 aimed: 8 after a
// batch, ...), 31 starts, 742 batches".
func (r LiveResult) String() string {
	var aimed []string
	for p := KillAfterBatch; p < numPlans; p++ {
		if r.Aimed[p] > 0 {
			aimed = append(aimed, fmt.Sprintf("%d %s", r.Aimed[p], p))
		}
	}
	kills := fmt.Sprintf("%d SIGKILLs", r.Kills)
	if len(aimed) > 0 {
		kills += fmt.Sprintf(" (%d aimed: %s)", r.AimedKills(), strings.Join(aimed, ", "))
	}
	return fmt.Sprintf("%s, %d starts, %d batches", kills, r.Starts, r.Batches)
}

// logEvent is one log line of a life, as far as the harness cares.
type logEvent struct {
	Msg       string `json:"msg"`
	BatchTime int64  `json:"batch_time"`
	Input     int64  `json:"input_records"`
}

// life is one run of the binary.
type life struct {
	n       int
	cmd     *exec.Cmd
	log     *os.File
	done    chan struct{} // closed once the process has exited and its log is read
	err     error
	onBatch func() // called by the log reader after every batch line

	mu      sync.Mutex
	killed  bool
	aimed   bool  // the kill hit its plan's moment
	at      int64 // the batch time of the log line the kill was aimed at
	data    int   // batches with data completed
	batches int
	last    int64 // batch time of the newest completed batch
	wait    func(ev logEvent, due bool) bool
}

// kill sends SIGKILL once; aimed says whether it hit the plan's moment.
func (l *life) killLocked(aimed bool) {
	if l.killed {
		return
	}
	l.killed, l.aimed = true, aimed
	l.cmd.Process.Signal(syscall.SIGKILL)
}

// Run does the whole run and returns what it did. It fails the test when the binary
// cannot start, when a life exits on its own (a run-time failure: its log's tail is
// shown) or when the last life does not stop cleanly.
func (lv *Live) Run(t testing.TB) LiveResult {
	t.Helper()
	begin := time.Now()
	rng := rand.New(rand.NewPCG(uint64(begin.UnixNano()), 13))
	if lv.Settle == 0 {
		lv.Settle = 20 * time.Second
	}
	os.MkdirAll(filepath.Join(lv.Dir, "logs"), 0o755)
	if keep := os.Getenv("STREAMC_CRASH_KEEP"); keep != "" {
		// The test's directory goes with the test; its logs (and the checkpoint
		// directory) are what a failure is diagnosed from.
		t.Cleanup(func() {
			dst := filepath.Join(keep, strings.ReplaceAll(t.Name(), "/", "_"))
			os.RemoveAll(dst)
			os.MkdirAll(dst, 0o755)
			for _, sub := range []string{"logs", "ckpt"} {
				exec.Command("cp", "-a", filepath.Join(lv.Dir, sub), dst).Run()
			}
			t.Logf("logs kept in %s", dst)
		})
	}
	var res LiveResult
	stop := make(chan struct{})
	fed := make(chan struct{})
	var feedOnce sync.Once
	startFeed := func() {
		feedOnce.Do(func() {
			go func() {
				defer close(fed)
				lv.Feed.Run(stop)
			}()
		})
	}
	defer func() {
		feedOnce.Do(func() { close(fed) })
		select {
		case <-stop:
		default:
			close(stop)
		}
		<-fed
	}()

	failedInARow := 0
	for res.Kills < len(lv.Plans) {
		plan := lv.Plans[res.Kills]
		l := lv.start(t, res.Starts, startFeed)
		res.Starts++
		if lv.FeedAtStart {
			startFeed()
		}
		lv.aim(l, plan, rng)
		var fallback <-chan time.Time
		switch plan {
		case KillRandom:
			d := 200*time.Millisecond + time.Duration(rng.Int64N(int64(1300*time.Millisecond)))
			if rng.IntN(10) < 3 {
				d = 10*time.Millisecond + time.Duration(rng.Int64N(int64(190*time.Millisecond)))
			}
			fallback = time.After(d)
		case KillPastPrune:
			fallback = time.After(90 * time.Second)
		default:
			fallback = time.After(15 * time.Second)
		}
		select {
		case <-l.done:
		case <-fallback:
			l.mu.Lock()
			l.killLocked(false)
			l.mu.Unlock()
			<-l.done
		}
		l.mu.Lock()
		killed, aimed, data, batches, at := l.killed, l.aimed, l.data, l.batches, l.at
		l.mu.Unlock()
		if killed && aimed && plan == KillInCheckpoint {
			lv.whereInWrite(&res, at)
		}
		res.Batches += batches
		res.MaxLife = max(res.MaxLife, data)
		if !killed {
			res.Failed++
			failedInARow++
			t.Errorf("life %d exited on its own (%v) before its kill (%s):\n%s", l.n, l.err, plan, tailFile(l.log.Name(), 30))
			if failedInARow >= 3 {
				t.Fatalf("three lives in a row failed; giving up")
			}
			continue
		}
		failedInARow = 0
		res.Kills++
		switch {
		case plan == KillRandom:
			res.Aimed[KillRandom]++
		case aimed:
			res.Aimed[plan]++
		default:
			res.Missed++
		}
	}
	// The last life: run until a batch past the input has completed and the outputs
	// account for it, then stop gracefully. Without kills it is the only life, and the
	// input arrives while it runs.
	var l *life
	if res.Kills == 0 {
		l = lv.start(t, res.Starts, startFeed)
		if lv.FeedAtStart {
			startFeed()
		}
		minFeed := cmp.Or(lv.MinFeed, 15*time.Second)
		select {
		case <-time.After(minFeed):
		case <-l.done:
			t.Fatalf("the only life exited on its own (%v):\n%s", l.err, tailFile(l.log.Name(), 30))
		}
		close(stop)
		<-fed
	} else {
		close(stop)
		<-fed
		l = lv.start(t, res.Starts, nil)
	}
	res.Starts++
	last := lv.Feed.Last()
	deadline := time.Now().Add(lv.Settle)
	past := last.Add(2 * lv.Interval).UnixMilli()
	for {
		select {
		case <-l.done:
			t.Fatalf("the last life exited on its own (%v):\n%s", l.err, tailFile(l.log.Name(), 30))
		case <-time.After(200 * time.Millisecond):
		}
		l.mu.Lock()
		newest := l.last
		l.mu.Unlock()
		if newest >= past && (lv.Caught == nil || lv.Caught()) {
			break
		}
		if time.Now().After(deadline) {
			t.Logf("the outputs did not account for all the input %v after the last start; stopping anyway", lv.Settle)
			break
		}
	}
	l.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-l.done:
		if l.err != nil {
			t.Errorf("the last life did not stop cleanly on SIGTERM: %v\n%s", l.err, tailFile(l.log.Name(), 30))
		}
	case <-time.After(30 * time.Second):
		l.cmd.Process.Signal(syscall.SIGKILL)
		<-l.done
		t.Errorf("the last life did not stop within 30s of SIGTERM:\n%s", tailFile(l.log.Name(), 30))
	}
	l.mu.Lock()
	res.Batches += l.batches
	l.mu.Unlock()
	res.Elapsed = time.Since(begin)
	if w := res.InWrite; w.Before+w.Temporary+w.After > 0 {
		t.Logf("kills in a checkpoint write: %d before it began, %d with its temporary file left, %d after the rename",
			w.Before, w.Temporary, w.After)
	}
	if res.Missed > 0 {
		t.Logf("%d aimed kills fell back to a random moment (their moment did not come)", res.Missed)
	}
	if slices.Contains(lv.Plans, KillPastPrune) && res.Aimed[KillPastPrune] == 0 {
		// The run would not test what pruning does to a restart: a harness problem
		// (input too thin for a life of PruneBatches batches with data), not a pass.
		t.Errorf("no kill landed past marker pruning: the most batches with data in one life was %d, pruning needs %d",
			res.MaxLife, PruneBatches)
	}
	return res
}

// whereInWrite looks, before the next start cleans up, at what a kill aimed at the
// checkpoint write of batch t left: the checkpoint file, only its temporary file, or
// neither (the write had not begun).
func (lv *Live) whereInWrite(res *LiveResult, t int64) {
	dir := filepath.Join(lv.Dir, cmp.Or(lv.CheckpointDir, "ckpt"))
	name := "checkpoint-" + strconv.FormatInt(t, 10)
	if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
		res.InWrite.After++
		return
	}
	if tmp, _ := filepath.Glob(filepath.Join(dir, "."+name+".tmp*")); len(tmp) > 0 {
		res.InWrite.Temporary++
		return
	}
	res.InWrite.Before++
}

// aim sets the moment of the life's kill for plan: a predicate that the log reader
// evaluates on every batch and checkpoint line and that kills at once when it holds.
func (lv *Live) aim(l *life, plan Plan, rng *rand.Rand) {
	l.mu.Lock()
	defer l.mu.Unlock()
	after := 1 + rng.IntN(8) // batches with data to let complete first
	if l.n == 0 {
		after = 1
	}
	switch plan {
	case KillAfterBatch:
		l.wait = func(ev logEvent, due bool) bool {
			return ev.Msg == "batch" && ev.Input > 0 && !due && l.data >= after
		}
	case KillInCheckpoint:
		l.wait = func(ev logEvent, due bool) bool {
			if ev.Msg == "batch" && due && l.data >= after {
				// Let the checkpoint write begin: it starts right after this line.
				time.Sleep(time.Duration(rng.IntN(400)) * time.Microsecond)
				return true
			}
			return false
		}
	case KillAfterCheckpoint:
		l.wait = func(ev logEvent, due bool) bool {
			return ev.Msg == "checkpoint written" && l.data >= after
		}
	case KillPastPrune:
		// The sinks prune in the batch of every PruneBatches-th write. A prune in a
		// batch followed by a checkpoint removes only markers that checkpoint covers,
		// so the kill waits for a prune in a batch that is not, and comes with it.
		l.wait = func(ev logEvent, due bool) bool {
			return ev.Msg == "batch" && ev.Input > 0 && !due && l.data%PruneBatches == 0
		}
	}
}

// due reports whether a checkpoint is written after batch t: the batch times of
// checkpoints all lie on one grid (the zero time plus multiples of CheckpointEvery),
// learnt from the first "checkpoint written" line.
func (lv *Live) due(t int64) bool {
	lv.mu.Lock()
	defer lv.mu.Unlock()
	every := lv.CheckpointEvery.Milliseconds()
	if every <= 0 {
		return false
	}
	if !lv.phaseKnown {
		return false
	}
	return ((t-lv.phase)%every+every)%every == 0
}

// start starts life n with its log read by a goroutine that applies the life's kill
// predicate to every line and calls onBatch after every batch line.
func (lv *Live) start(t testing.TB, n int, onBatch func()) *life {
	t.Helper()
	logf, err := os.Create(filepath.Join(lv.Dir, "logs", fmt.Sprintf("run-%02d.log", n)))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(lv.Bin, append(append([]string{}, lv.Args...), "--log-format", "json")...)
	cmd.Dir = lv.Dir
	cmd.Env = append(os.Environ(), lv.Env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	l := &life{n: n, cmd: cmd, log: logf, done: make(chan struct{}), onBatch: onBatch}
	// A test that fails half-way leaves no pipeline running.
	t.Cleanup(func() {
		select {
		case <-l.done:
		default:
			cmd.Process.Signal(syscall.SIGKILL)
			<-l.done
		}
	})
	go func() {
		defer close(l.done)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		for sc.Scan() {
			line := sc.Bytes()
			logf.Write(line)
			logf.Write([]byte{'\n'})
			var ev logEvent
			if json.Unmarshal(line, &ev) != nil {
				continue
			}
			switch ev.Msg {
			case "checkpoint written":
				lv.mu.Lock()
				if !lv.phaseKnown {
					lv.phase, lv.phaseKnown = ev.BatchTime, true
				}
				lv.mu.Unlock()
			case "batch":
			default:
				continue
			}
			due := ev.Msg == "batch" && lv.due(ev.BatchTime)
			l.mu.Lock()
			if ev.Msg == "batch" {
				l.batches++
				l.last = max(l.last, ev.BatchTime)
				if ev.Input > 0 {
					l.data++
				}
			}
			if l.wait != nil && !l.killed && l.wait(ev, due) {
				l.killLocked(true)
				l.at = ev.BatchTime
			}
			l.mu.Unlock()
			if ev.Msg == "batch" && l.onBatch != nil {
				l.onBatch()
			}
		}
		l.err = cmd.Wait()
		logf.Close()
	}()
	return l
}

// tailFile returns the last n lines of a file.
func tailFile(path string, n int) string {
	data, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// Report prints a live test's summary line for one output, "crash test (files live,
// sqlite): 12034 records, 10 SIGKILLs (...), 11 starts, 402 batches: 0 lost, 0
// duplicated", on stdout (scripts/test shows these lines) and fails the test when ok is
// false.
func Report(t testing.TB, what string, records int, res LiveResult, result fmt.Stringer, ok bool) {
	t.Helper()
	msg := fmt.Sprintf("crash test (%s): %d records, %s: %s", what, records, res, result)
	fmt.Println(msg)
	t.Log(msg)
	if !ok {
		t.Errorf("%s: want 0 lost, 0 duplicated, identical rows", what)
		if w, ok := result.(Tally); ok && w.Which != "" {
			t.Logf("%s: %s", what, w.Which)
		}
	}
}
