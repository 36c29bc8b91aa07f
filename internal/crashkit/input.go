package crashkit

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Input is the input of a live crash test, made up as it is delivered. Live batching
// depends on when records arrive, so a crashing run cannot be compared batch by batch
// with another run; what every correct run must produce, whatever its batches, is
// known from the input alone: each good record's row exactly once in every output,
// each key's final total, each malformed line exactly once in the dead-letter file.
// Records are JSON objects {"key":"k3","seq":123}; seq numbers them from 0.
type Input struct {
	Keys     int // records go to keys k0..k(Keys-1)
	BadEvery int // one line in BadEvery is malformed (0: none)

	mu   sync.Mutex
	want map[int64]string // seq → key of every good record delivered
	bad  map[string]bool  // the malformed lines delivered
	next int64
	rng  *rand.Rand
}

// NewInput returns an Input over keys keys with one malformed line in badEvery.
func NewInput(keys, badEvery int) *Input {
	return &Input{Keys: keys, BadEvery: badEvery, want: map[int64]string{}, bad: map[string]bool{},
		rng: rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 17))}
}

// Lines makes n more lines, as delivered from now on.
func (in *Input) Lines(n int) []string {
	in.mu.Lock()
	defer in.mu.Unlock()
	lines := make([]string, n)
	for i := range lines {
		seq := in.next
		in.next++
		if in.BadEvery > 0 && in.rng.IntN(in.BadEvery) == 0 {
			// Two kinds of bad record: a value of the wrong type and no JSON at all. The
			// sequence number makes each one unique.
			if seq%2 == 0 {
				lines[i] = fmt.Sprintf(`{"key":"k0","seq":"bad-%d"}`, seq)
			} else {
				lines[i] = fmt.Sprintf("malformed record %d", seq)
			}
			in.bad[lines[i]] = true
			continue
		}
		k := "k" + strconv.FormatInt(seq*7919%int64(in.Keys), 10)
		in.want[seq] = k
		lines[i] = fmt.Sprintf(`{"key":%q,"seq":%d}`, k, seq)
	}
	return lines
}

// Records returns how many good records were delivered.
func (in *Input) Records() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return len(in.want)
}

// BadLines returns how many malformed lines were delivered.
func (in *Input) BadLines() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return len(in.bad)
}

// Totals returns the count of good records per key: the final totals of a running count.
func (in *Input) Totals() map[string]int64 {
	in.mu.Lock()
	defer in.mu.Unlock()
	m := map[string]int64{}
	for _, k := range in.want {
		m[k]++
	}
	return m
}

// FileFeed delivers an Input as files the way the docs tell writers to: each file is
// written into a staging directory on the same file system and renamed into the watched
// one, with small random gaps between files. One file in SlowEvery waits up to
// SlowDelay between its write and its rename, so that its modification time lies in a
// batch that may already have listed the directory: the file belongs to a later batch,
// and a batch re-run after a crash, listing again, sees more files than the original
// run of that batch did. One file in TouchEvery has its modification time set to the
// present 1 to 3 seconds after its rename, content unchanged: a file is read once, so
// a touched file must not be read again (a source that forgets the files it has read
// after its remember window, 60s, reads it again in full; runs longer than that show
// it).
type FileFeed struct {
	In         *Input
	Stage, Dir string        // staging and watched directories
	PerFile    int           // lines per file, on average
	Gap        time.Duration // the longest gap between two files
	SlowEvery  int
	SlowDelay  time.Duration
	TouchEvery int

	mu    sync.Mutex
	last  time.Time
	files int
}

// Run writes files until stop is closed, then waits for the slow renames.
func (f *FileFeed) Run(stop <-chan struct{}) {
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 19))
	os.MkdirAll(f.Stage, 0o755)
	os.MkdirAll(f.Dir, 0o755)
	var wg sync.WaitGroup
	for n := 0; ; n++ {
		select {
		case <-stop:
			wg.Wait()
			return
		case <-time.After(time.Duration(rng.Int64N(int64(f.Gap) + 1))):
		}
		lines := f.In.Lines(1 + rng.IntN(2*f.PerFile))
		name := fmt.Sprintf("part-%06d.json", n)
		staged := filepath.Join(f.Stage, name)
		if err := os.WriteFile(staged, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			panic(err) // the test's directory is gone: nothing to report to
		}
		if f.TouchEvery > 0 && rng.IntN(f.TouchEvery) == 0 {
			delay := time.Second + time.Duration(rng.Int64N(int64(2*time.Second)))
			wg.Add(1)
			go func() {
				defer wg.Done()
				time.Sleep(delay)
				now := time.Now()
				os.Chtimes(filepath.Join(f.Dir, name), now, now) // not yet renamed (slow): no matter
			}()
		}
		if f.SlowEvery > 0 && rng.IntN(f.SlowEvery) == 0 {
			delay := time.Duration(rng.Int64N(int64(f.SlowDelay) + 1))
			wg.Add(1)
			go func() {
				defer wg.Done()
				time.Sleep(delay)
				f.rename(staged, filepath.Join(f.Dir, name))
			}()
			continue
		}
		f.rename(staged, filepath.Join(f.Dir, name))
	}
}

func (f *FileFeed) rename(from, to string) {
	if err := os.Rename(from, to); err != nil {
		panic(err)
	}
	f.mu.Lock()
	f.last = time.Now()
	f.files++
	f.mu.Unlock()
}

// Last returns the time of the last rename.
func (f *FileFeed) Last() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last
}

// Files returns how many files were delivered.
func (f *FileFeed) Files() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.files
}

// Row is one output row of a live test's pipeline: the batch that wrote it and the
// record it came from.
type Row struct {
	Batch int64
	Key   string
	Seq   int64
}

// ParseRow reads a row rendered as a tuple, "(1700000000100,k3,123)".
func ParseRow(s string) (Row, bool) {
	parts := strings.Split(strings.Trim(s, "()"), ",")
	if len(parts) != 3 {
		return Row{}, false
	}
	bt, err1 := strconv.ParseInt(parts[0], 10, 64)
	seq, err2 := strconv.ParseInt(parts[2], 10, 64)
	return Row{Batch: bt, Key: parts[1], Seq: seq}, err1 == nil && err2 == nil
}

// ReadRows reads the rows of the saveAsTextFiles directories out/prefix-<t>: one
// "(batch time,key,seq)" line each. A line that does not parse, or whose batch time is
// not its directory's, is reported as an error.
func ReadRows(t testing.TB, out, prefix string) []Row {
	t.Helper()
	var rows []Row
	for name, content := range ReadOutputs(t, out, prefix) {
		dirTime, _ := strconv.ParseInt(strings.TrimPrefix(name, prefix+"-"), 10, 64)
		for _, l := range strings.Split(content, "\n") {
			if l == "" {
				continue
			}
			r, ok := ParseRow(l)
			if !ok || r.Batch != dirTime {
				t.Errorf("%s: bad row %q", name, l)
				continue
			}
			rows = append(rows, r)
		}
	}
	return rows
}

// Tally is how an output compares with the input.
type Tally struct {
	Rows       int // rows read
	Lost       int // good records with no row
	Dup        int // rows beyond the first of a record
	Unexpected int // rows of no record delivered, or with another key than the record's
	Moved      int // records whose row is in another batch than in the reference output
	// Which: the first few ranges of the lost and duplicated sequence numbers, for the
	// diagnosis ("lost 0-132, 4711").
	Which string
}

// OK reports whether the output holds every record exactly once.
func (c Tally) OK() bool { return c.Lost == 0 && c.Dup == 0 && c.Unexpected == 0 && c.Moved == 0 }

// String is "0 lost, 0 duplicated" with what else is wrong.
func (c Tally) String() string {
	s := fmt.Sprintf("%d lost, %d duplicated", c.Lost, c.Dup)
	if c.Unexpected > 0 {
		s += fmt.Sprintf(", %d unexpected", c.Unexpected)
	}
	if c.Moved > 0 {
		s += fmt.Sprintf(", %d in another batch than in saveAsTextFiles", c.Moved)
	}
	return s
}

// Count compares rows with the input, and, when ref is not nil, each record's batch
// with its batch in ref (another output of the same pipeline: every output of a batch
// must hold the same records, since they all ran on the same input).
func (in *Input) Count(rows, ref []Row) Tally {
	in.mu.Lock()
	defer in.mu.Unlock()
	c := Tally{Rows: len(rows)}
	seen := map[int64]int{}
	for _, r := range rows {
		k, ok := in.want[r.Seq]
		if !ok || k != r.Key {
			c.Unexpected++
			continue
		}
		seen[r.Seq]++
	}
	var lost, dup []int64
	for seq := range in.want {
		switch n := seen[seq]; {
		case n == 0:
			c.Lost++
			lost = append(lost, seq)
		case n > 1:
			c.Dup += n - 1
			dup = append(dup, seq)
		}
	}
	if len(lost) > 0 {
		c.Which = "lost " + ranges(lost)
	}
	if len(dup) > 0 {
		c.Which = strings.TrimPrefix(c.Which+"; duplicated "+ranges(dup), "; ")
	}
	if ref != nil {
		batch := map[int64]int64{}
		for _, r := range ref {
			batch[r.Seq] = r.Batch
		}
		for _, r := range rows {
			if b, ok := batch[r.Seq]; ok && b != r.Batch {
				c.Moved++
			}
		}
	}
	return c
}

// ranges returns sorted numbers as at most eight ranges, "0-132, 4711, ...".
func ranges(seqs []int64) string {
	slices.Sort(seqs)
	var parts []string
	for i := 0; i < len(seqs); {
		j := i
		for j+1 < len(seqs) && seqs[j+1] == seqs[j]+1 {
			j++
		}
		if len(parts) == 8 {
			parts = append(parts, "...")
			break
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d-%d", seqs[i], seqs[j]))
		} else {
			parts = append(parts, strconv.FormatInt(seqs[i], 10))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

// CountBad compares the records of a dead-letter file with the malformed lines
// delivered; torn counts lines of the file that are not whole JSON objects.
func (in *Input) CountBad(records []string, torn int) Tally {
	in.mu.Lock()
	defer in.mu.Unlock()
	c := Tally{Rows: len(records), Unexpected: torn}
	seen := map[string]int{}
	for _, r := range records {
		if !in.bad[r] {
			c.Unexpected++
			continue
		}
		seen[r]++
	}
	for r := range in.bad {
		switch n := seen[r]; {
		case n == 0:
			c.Lost++
		case n > 1:
			c.Dup += n - 1
		}
	}
	return c
}

// ReadDeadLetters returns the "record" of every line of a dead-letter file and how many
// lines are not whole JSON objects (a torn write). A missing file holds nothing.
func ReadDeadLetters(t testing.TB, path string) (records []string, torn int) {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, 0
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		var dl struct {
			Record *string `json:"record"`
		}
		if json.Unmarshal(sc.Bytes(), &dl) != nil || dl.Record == nil {
			torn++
			continue
		}
		records = append(records, *dl.Record)
	}
	return records, torn
}

// StateCheck is how a running total per key (updateStateByKey saved with
// saveAsTextFiles, one "(key,total)" line per key and batch) compares with the input and
// with the rows of another output of the same batches.
type StateCheck struct {
	Batches int // batches with a totals directory
	Lost    int // records missing from the final totals
	Dup     int // records counted more than once in them
	Gaps    int // batch times missing between the first and the last
	// Inconsistent counts batches whose totals did not grow by exactly the batch's rows
	// in the reference output: state and outputs saw different batches.
	Inconsistent int
	Examples     []string
}

// OK reports whether the state is exact and agrees with the outputs.
func (s StateCheck) OK() bool { return s.Lost == 0 && s.Dup == 0 && s.Gaps == 0 && s.Inconsistent == 0 }

// String is "0 lost, 0 duplicated" with what else is wrong.
func (s StateCheck) String() string {
	str := fmt.Sprintf("%d lost, %d duplicated", s.Lost, s.Dup)
	if s.Gaps > 0 {
		str += fmt.Sprintf(", %d batches missing", s.Gaps)
	}
	if s.Inconsistent > 0 {
		str += fmt.Sprintf(", %d batches whose totals did not grow by their rows", s.Inconsistent)
	}
	return str
}

// CheckTotals reads the totals directories out/prefix-<t> and checks them against the
// input and against ref, the rows of the same pipeline's other output.
func (in *Input) CheckTotals(t testing.TB, out, prefix string, interval time.Duration, ref []Row) StateCheck {
	t.Helper()
	dirs := ReadOutputs(t, out, prefix)
	totals := map[int64]map[string]int64{}
	var times []int64
	for name, content := range dirs {
		bt, err := strconv.ParseInt(strings.TrimPrefix(name, prefix+"-"), 10, 64)
		if err != nil {
			continue
		}
		m := map[string]int64{}
		for _, l := range strings.Split(strings.TrimSpace(content), "\n") {
			k, v, ok := strings.Cut(strings.Trim(l, "()"), ",")
			if !ok {
				continue
			}
			n, _ := strconv.ParseInt(v, 10, 64)
			m[k] = n
		}
		totals[bt] = m
		times = append(times, bt)
	}
	slices.Sort(times)
	var s StateCheck
	s.Batches = len(times)
	if len(times) == 0 {
		s.Lost = in.Records()
		return s
	}
	lost, dup, _ := LostAndDuplicated(totals[times[len(times)-1]], in.Totals())
	s.Lost, s.Dup = int(lost), int(dup)
	step := interval.Milliseconds()
	perBatch := map[int64]map[string]int64{}
	for _, r := range ref {
		if perBatch[r.Batch] == nil {
			perBatch[r.Batch] = map[string]int64{}
		}
		perBatch[r.Batch][r.Key]++
	}
	for i, bt := range times {
		if i > 0 && bt != times[i-1]+step {
			s.Gaps += int((bt-times[i-1])/step) - 1
			s.Examples = append(s.Examples, fmt.Sprintf("no totals between %d and %d", times[i-1], bt))
		}
		if ref == nil || i == 0 {
			continue
		}
		prev, cur := totals[bt-step], totals[bt]
		if prev == nil {
			continue
		}
		ok := true
		for k := range union(prev, cur) {
			if cur[k]-prev[k] != perBatch[bt][k] {
				ok = false
			}
		}
		for k, n := range perBatch[bt] {
			if cur[k]-prev[k] != n {
				ok = false
			}
		}
		if !ok {
			s.Inconsistent++
			if len(s.Examples) < 5 {
				s.Examples = append(s.Examples, fmt.Sprintf("totals-%d do not add the rows of batch %d to totals-%d", bt, bt, bt-step))
			}
		}
	}
	return s
}

func union(a, b map[string]int64) map[string]bool {
	m := map[string]bool{}
	for k := range a {
		m[k] = true
	}
	for k := range b {
		m[k] = true
	}
	return m
}

// Holds reports whether rows hold every good record delivered: Caught functions use
// it to see that a pipeline has processed all the input.
func (in *Input) Holds(rows []Row) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	seen := map[int64]bool{}
	for _, r := range rows {
		if _, ok := in.want[r.Seq]; ok {
			seen[r.Seq] = true
		}
	}
	return len(seen) == len(in.want)
}
