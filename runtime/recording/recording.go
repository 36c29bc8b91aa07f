package recording

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Names of the parts of a recording directory.
const (
	ArgsFile = "args"   // the flags of the recorded clock
	InDir    = "in"     // in/SOURCE/TIME: each source's batches
	JSONExt  = ".jsonl" // in/SOURCE/TIME.jsonl: a kafka source's records
)

// Recording is a recording directory, opened either to replay it (Open) or to record
// into it (Create).
type Recording struct {
	dir    string
	replay bool

	mu sync.Mutex
	// times holds, when replaying, the batch times each source has a file for,
	// ascending; jsonl marks the ones written as TIME.jsonl.
	times map[string][]int64
	jsonl map[string]map[int64]bool
	made  map[string]bool // when recording: the in/SOURCE directories created
}

// Open opens the recording in dir for replaying. It lists every source's batches; a
// file whose name is not a batch time (optionally with .jsonl) is an error, so that a
// misnamed batch is never silently left out.
func Open(dir string) (*Recording, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("recording %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("recording %s: not a directory", dir)
	}
	r := &Recording{dir: dir, replay: true, times: map[string][]int64{}, jsonl: map[string]map[int64]bool{}}
	sources, err := os.ReadDir(filepath.Join(dir, InDir))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("recording %s: %w", dir, err)
	}
	for _, s := range sources {
		if !s.IsDir() || hidden(s.Name()) {
			continue
		}
		files, err := os.ReadDir(filepath.Join(dir, InDir, s.Name()))
		if err != nil {
			return nil, fmt.Errorf("recording %s: %w", dir, err)
		}
		var times []int64
		for _, f := range files {
			if hidden(f.Name()) {
				continue
			}
			name, isJSON := strings.CutSuffix(f.Name(), JSONExt)
			t, err := strconv.ParseInt(name, 10, 64)
			if err != nil || f.IsDir() {
				return nil, fmt.Errorf("recording %s: %s/%s/%s is not a batch: want a batch time in epoch milliseconds, as in/%s/1000 (or 1000%s for Kafka records)",
					dir, InDir, s.Name(), f.Name(), s.Name(), JSONExt)
			}
			if slices.Contains(times, t) {
				return nil, fmt.Errorf("recording %s: batch %d of source %s is written twice (as %d and as %d%s)", dir, t, s.Name(), t, t, JSONExt)
			}
			times = append(times, t)
			if isJSON {
				if r.jsonl[s.Name()] == nil {
					r.jsonl[s.Name()] = map[int64]bool{}
				}
				r.jsonl[s.Name()][t] = true
			}
		}
		slices.Sort(times)
		r.times[s.Name()] = times
	}
	return r, nil
}

// Create opens dir for recording into, creating it. A run resumed from its checkpoint
// may record into the directory of its earlier run: the batches it re-runs are written
// again with the same content.
func Create(dir string) (*Recording, error) {
	if err := os.MkdirAll(filepath.Join(dir, InDir), 0o755); err != nil {
		return nil, fmt.Errorf("recording into %s: %w", dir, err)
	}
	return &Recording{dir: dir, made: map[string]bool{}}, nil
}

// Dir returns the recording's directory.
func (r *Recording) Dir() string { return r.dir }

// Replaying reports whether the recording was opened to be replayed.
func (r *Recording) Replaying() bool { return r.replay }

// Sources returns the names of the sources the recording has batches for, sorted.
func (r *Recording) Sources() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var names []string
	for name, times := range r.times {
		if len(times) > 0 {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// Times returns the batch times the recording holds for source, ascending.
func (r *Recording) Times(source string) []int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.times[source])
}

// ReadArgs returns the flags in dir's args file (none when it has none).
func ReadArgs(dir string) ([]string, error) {
	data, err := os.ReadFile(filepath.Join(dir, ArgsFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("recording %s: %w", dir, err)
	}
	return SplitArgs(data), nil
}

// SplitArgs splits the text of an args file into flags: words separated by blanks and
// newlines, anything from a # to the end of its line left out. There is no quoting: a
// value cannot hold a blank.
func SplitArgs(data []byte) []string {
	var args []string
	for _, line := range strings.Split(string(data), "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		args = append(args, strings.Fields(line)...)
	}
	return args
}

// WriteArgs replaces the args file with args, one flag and its value a line, after a
// comment line.
func (r *Recording) WriteArgs(comment string, args []string) error {
	var b strings.Builder
	if comment != "" {
		fmt.Fprintf(&b, "# %s\n", comment)
	}
	for i := 0; i < len(args); i++ {
		b.WriteString(args[i])
		if i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
			b.WriteString(" " + args[i+1])
			i++
		}
		b.WriteByte('\n')
	}
	return writeAtomic(filepath.Join(r.dir, ArgsFile), []byte(b.String()))
}

// Tap returns the tap of the named source: sources read their batches from it when the
// recording is replayed, and write them to it when recording.
func (r *Recording) Tap(source string) *Tap {
	return &Tap{rec: r, source: source, last: math.MinInt64}
}

// Tap is one source's view of a recording. A source holding a nil *Tap reads and
// records nothing: every method is safe on nil.
type Tap struct {
	rec    *Recording
	source string

	mu   sync.Mutex
	last int64 // replaying: the latest batch delivered
	// offsets numbers the records of a kafka source's batches written as values only,
	// per topic partition, from 0 on.
	offsets map[int32]int64
}

// Replaying reports whether the source's batches come from the recording.
func (t *Tap) Replaying() bool { return t != nil && t.rec.replay }

// Recording reports whether the source's batches are to be written to the recording.
func (t *Tap) Recording() bool { return t != nil && !t.rec.replay }

// Source returns the name of the tapped source.
func (t *Tap) Source() string { return t.source }

// Exhausted reports, when replaying, whether every recorded batch of the source has
// been delivered; a source with none is exhausted from the start.
func (t *Tap) Exhausted() bool {
	if !t.Replaying() {
		return false
	}
	times := t.rec.Times(t.source)
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(times) == 0 || t.last >= times[len(times)-1]
}

// read returns the content of batch's file, nil when there is none, and whether it is
// a .jsonl file; it notes the batch as delivered.
func (t *Tap) read(batch int64) ([]byte, bool, error) {
	t.mu.Lock()
	t.last = max(t.last, batch)
	t.mu.Unlock()
	t.rec.mu.Lock()
	has := slices.Contains(t.rec.times[t.source], batch)
	isJSON := t.rec.jsonl[t.source][batch]
	t.rec.mu.Unlock()
	if !has {
		return nil, false, nil
	}
	path := t.batchPath(batch, isJSON)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, false, fmt.Errorf("recording: %w", err)
	}
	return data, isJSON, nil
}

func (t *Tap) batchPath(batch int64, isJSON bool) string {
	name := strconv.FormatInt(batch, 10)
	if isJSON {
		name += JSONExt
	}
	return filepath.Join(t.rec.dir, InDir, t.source, name)
}

// Lines returns the recorded lines of the batch at time batch (none when the recording
// has no file for it). A text source delivers them in place of what it would read.
func (t *Tap) Lines(batch int64) ([]string, error) {
	data, isJSON, err := t.read(batch)
	if err != nil || data == nil {
		return nil, err
	}
	if isJSON {
		return nil, fmt.Errorf("recording %s: source %s is a text source: its batches are lines (in/%s/%d), not Kafka records (%d%s)",
			t.rec.dir, t.source, t.source, batch, batch, JSONExt)
	}
	return SplitLines(data), nil
}

// SplitLines cuts the content of a batch file into its lines: at every "\n", the one
// ending the file ending no extra empty line. Nothing else is stripped ("\r" stays).
func SplitLines(data []byte) []string {
	if len(data) == 0 {
		return nil
	}
	s := string(data) // one allocation; the lines share it
	s = strings.TrimSuffix(s, "\n")
	return strings.Split(s, "\n")
}

// RecordLines writes the lines a text source delivered for the batch at time batch
// (its partitions in order, which is the order it read them in). An empty batch writes
// nothing.
func (t *Tap) RecordLines(batch int64, parts [][]string) error {
	if !t.Recording() {
		return nil
	}
	n := 0
	for _, p := range parts {
		for _, l := range p {
			n += len(l) + 1
		}
	}
	if n == 0 {
		return nil
	}
	buf := make([]byte, 0, n)
	for _, p := range parts {
		for _, l := range p {
			buf = append(buf, l...)
			buf = append(buf, '\n')
		}
	}
	return t.write(batch, false, buf)
}

func (t *Tap) write(batch int64, isJSON bool, data []byte) error {
	dir := filepath.Join(t.rec.dir, InDir, t.source)
	t.rec.mu.Lock()
	made := t.rec.made[t.source]
	t.rec.mu.Unlock()
	if !made {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("recording source %s: %w", t.source, err)
		}
		t.rec.mu.Lock()
		t.rec.made[t.source] = true
		t.rec.mu.Unlock()
	}
	if err := writeAtomic(t.batchPath(batch, isJSON), data); err != nil {
		return fmt.Errorf("recording batch %d of source %s: %w", batch, t.source, err)
	}
	return nil
}

// writeAtomic writes data to path through a hidden temporary file renamed into place,
// so that a reader (or a run killed while recording) never sees half a batch.
func writeAtomic(path string, data []byte) error {
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func hidden(name string) bool { return strings.HasPrefix(name, ".") }

// Record is one Kafka record of a recording, a line of an in/SOURCE/TIME.jsonl file:
//
//	{"topic":"clicks","partition":0,"offset":41,"key":"u1","value":"{\"url\":\"/\"}","timestamp":1717171200123,"headers":[["h","v"]]}
//
// Every field may be left out when replaying: topic is then the source's topic,
// partition 0, offset the next one of the partition (from 0), key and value empty,
// timestamp the batch time. A key or value that is not UTF-8 is written as
// key_base64 or value_base64 instead.
type Record struct {
	Topic     string
	Partition int32
	Offset    int64
	Key       []byte
	Value     []byte
	Timestamp int64 // epoch milliseconds
	Headers   [][2]string
}

// jsonRecord is Record as JSON.
type jsonRecord struct {
	Topic       string      `json:"topic,omitempty"`
	Partition   int32       `json:"partition"`
	Offset      *int64      `json:"offset,omitempty"`
	Key         string      `json:"key,omitempty"`
	KeyBase64   []byte      `json:"key_base64,omitempty"`
	Value       string      `json:"value"`
	ValueBase64 []byte      `json:"value_base64,omitempty"`
	Timestamp   *int64      `json:"timestamp,omitempty"`
	Headers     [][2]string `json:"headers,omitempty"`
}

// Records returns the recorded records of the batch at time batch: from TIME.jsonl, or
// from a TIME file of values, one a line. topic fills in a missing topic.
func (t *Tap) Records(batch int64, topic string) ([]Record, error) {
	data, isJSON, err := t.read(batch)
	if err != nil || data == nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.offsets == nil {
		t.offsets = map[int32]int64{}
	}
	var recs []Record
	if !isJSON {
		for _, v := range SplitLines(data) {
			recs = append(recs, Record{Topic: topic, Offset: t.offsets[0], Value: []byte(v), Timestamp: batch})
			t.offsets[0]++
		}
		return recs, nil
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, math.MaxInt32)
	for line := 1; sc.Scan(); line++ {
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		var j jsonRecord
		dec := json.NewDecoder(bytes.NewReader(text))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&j); err != nil {
			return nil, fmt.Errorf("recording %s:%d: %w", t.batchPath(batch, true), line, err)
		}
		r := Record{Topic: j.Topic, Partition: j.Partition, Key: []byte(j.Key), Value: []byte(j.Value), Timestamp: batch, Headers: j.Headers}
		if r.Topic == "" {
			r.Topic = topic
		}
		if j.KeyBase64 != nil {
			r.Key = j.KeyBase64
		}
		if j.ValueBase64 != nil {
			r.Value = j.ValueBase64
		}
		if j.Timestamp != nil {
			r.Timestamp = *j.Timestamp
		}
		if j.Offset != nil {
			r.Offset = *j.Offset
		} else {
			r.Offset = t.offsets[r.Partition]
		}
		t.offsets[r.Partition] = r.Offset + 1
		recs = append(recs, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("recording %s: %w", t.batchPath(batch, true), err)
	}
	return recs, nil
}

// RecordRecords writes the records a kafka source delivered for the batch at time
// batch as TIME.jsonl. An empty batch writes nothing.
func (t *Tap) RecordRecords(batch int64, recs []Record) error {
	if !t.Recording() || len(recs) == 0 {
		return nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, r := range recs {
		off, ts := r.Offset, r.Timestamp
		j := jsonRecord{Topic: r.Topic, Partition: r.Partition, Offset: &off, Timestamp: &ts, Headers: r.Headers}
		if utf8.Valid(r.Key) {
			j.Key = string(r.Key)
		} else {
			j.KeyBase64 = r.Key
		}
		if utf8.Valid(r.Value) {
			j.Value = string(r.Value)
		} else {
			j.ValueBase64 = r.Value
		}
		if err := enc.Encode(j); err != nil {
			return err
		}
	}
	return t.write(batch, true, buf.Bytes())
}
