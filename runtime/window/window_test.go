package window

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	rt "streamc.dev/streamc/runtime"
)

// The tables below give, batch by batch, a windowed operator's input and its output,
// worked out by hand from the definitions in the Spark Streaming Programming Guide and
// Spark's DStream implementation. The batch interval is 1s; the zero time is 0 unless a
// case says otherwise, so batch i (from 1) has time i*1000 ms. Lengths and slides are in
// batches. An input batch is a space-separated list ("" is an empty batch). An expected
// output is one of:
//
//	none  ("-")  the batch time is not a slide boundary: the operator outputs nothing
//	""           a boundary with an empty result
//	"a b"        the result, rendered as the case says
const none = "-"

func spec(length, slide int, zero rt.Time) Spec {
	return Spec{
		Interval: time.Second,
		Length:   time.Duration(length) * time.Second,
		Slide:    time.Duration(slide) * time.Second,
		Zero:     zero,
	}
}

func batchTime(zero rt.Time, i int) rt.Time { return zero + rt.Time(i+1)*1000 }

// checkOutputs compares a run's outputs with the table's, batch by batch.
func checkOutputs(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d outputs, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("batch %d (time %d ms): got %q, want %q\nall: %q", i+1, (i+1)*1000, got[i], want[i], got)
		}
	}
}

// window(len, slide): the window's elements, oldest batch first.
var batchesCases = []struct {
	name          string
	length, slide int
	zero          rt.Time
	in            []string
	want          []string
	maxKept       int // the most batches kept at once
}{
	{
		name:   "slide 1: elements leave the window, windows go on after the input stops",
		length: 3, slide: 1,
		in:      []string{"a", "b", "", "c", "", "", ""},
		want:    []string{"a", "a b", "a b", "b c", "c", "c", ""},
		maxKept: 3,
	},
	{
		name:   "several elements per batch, in arrival order",
		length: 2, slide: 1,
		in:      []string{"a b", "c", ""},
		want:    []string{"a b", "a b c", "c"},
		maxKept: 2,
	},
	{
		name:   "slide 2: output at even batches only, first one partial",
		length: 3, slide: 2,
		in:      []string{"a", "b", "c", "d", "e", "", "", ""},
		want:    []string{none, "a b", none, "b c d", none, "d e", none, ""},
		maxKept: 3,
	},
	{
		name:   "tumbling: slide = length",
		length: 2, slide: 2,
		in:      []string{"a", "b", "c", "d", "e", ""},
		want:    []string{none, "a b", none, "c d", none, "e"},
		maxKept: 2,
	},
	{
		name:   "slide > length: batches between windows are not kept",
		length: 1, slide: 3,
		in:      []string{"a", "b", "c", "d", "e", "f", "g", "", ""},
		want:    []string{none, none, "c", none, none, "f", none, none, ""},
		maxKept: 1,
	},
	{
		name:   "slide > length, length 2",
		length: 2, slide: 3,
		in:      []string{"a", "b", "c", "d", "e", "f"},
		want:    []string{none, none, "b c", none, none, "e f"},
		maxKept: 2,
	},
	{
		name:   "boundaries count from the zero time (start at 1000 ms: first batch at 2000 ms)",
		length: 2, slide: 2, zero: 1000,
		in:      []string{"a", "b", "c", "d"},
		want:    []string{none, "a b", none, "c d"},
		maxKept: 2,
	},
}

func stepBatches(w *Batches[string], zero rt.Time, i int, in string) string {
	w.Begin(batchTime(zero, i))
	for _, x := range strings.Fields(in) {
		w.Add(x)
	}
	if !w.Fires() {
		if w.Window() != nil || len(w.AppendWindow(nil)) != 0 {
			panic("output at a batch that is not a boundary")
		}
		return none
	}
	return strings.Join(w.AppendWindow(nil), " ")
}

func TestBatches(t *testing.T) {
	for _, c := range batchesCases {
		t.Run(c.name, func(t *testing.T) {
			w := NewBatches[string](spec(c.length, c.slide, c.zero))
			var got []string
			kept := 0
			for i, in := range c.in {
				got = append(got, stepBatches(w, c.zero, i, in))
				kept = max(kept, len(w.live))
			}
			checkOutputs(t, got, c.want)
			if kept != c.maxKept {
				t.Errorf("kept up to %d batches, want %d", kept, c.maxKept)
			}
		})
	}
}

// TestBatchesCheckpoint restores a snapshot taken after every batch of every case into a
// new Batches and checks that the rest of the run is unchanged.
func TestBatchesCheckpoint(t *testing.T) {
	for _, c := range batchesCases {
		for k := 1; k < len(c.in); k++ {
			w := NewBatches[string](spec(c.length, c.slide, c.zero))
			for i := range k {
				stepBatches(w, c.zero, i, c.in[i])
			}
			r := NewBatches[string](spec(c.length, c.slide, c.zero))
			r.Restore(batchTime(c.zero, k-1), w.Snapshot())
			var got []string
			for i := k; i < len(c.in); i++ {
				got = append(got, stepBatches(r, c.zero, i, c.in[i]))
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want[k:]) {
				t.Errorf("%s: restored after batch %d: got %q, want %q", c.name, k, got, c.want[k:])
			}
		}
	}
}

// TestBatchesPartitionsAlign: every partition's window has one slice per batch, so a job
// can emit batch by batch across partitions, Spark's order for the union of the batches.
func TestBatchesPartitionsAlign(t *testing.T) {
	parts := [][]string{{"a1", "", "a3"}, {"", "b2", "b3"}}
	ws := []*Batches[string]{NewBatches[string](spec(3, 3, 0)), NewBatches[string](spec(3, 3, 0))}
	for i := range 3 {
		for p, w := range ws {
			w.Begin(batchTime(0, i))
			w.AddAll(strings.Fields(parts[p][i]))
		}
	}
	var got []string
	for b := range 3 {
		for _, w := range ws {
			got = append(got, w.Window()[b]...)
		}
	}
	if want := "a1 b2 a3 b3"; strings.Join(got, " ") != want {
		t.Errorf("batch-major order: got %q, want %q", got, want)
	}
}

// reduceByWindow((a, b) => a + b[, (a, b) => a - b], len, slide) on ints; the output is
// the window's value or "" when it has none.
var reduceCases = []struct {
	name          string
	length, slide int
	inverse       bool
	in            []string
	want          []string
}{
	{
		name:   "no inverse: none before the first element and after the last leaves",
		length: 3, slide: 1,
		in:   []string{"", "1 2", "", "5", "", "", "", ""},
		want: []string{"", "3", "3", "8", "5", "5", "", ""},
	},
	{
		name:   "inverse: the running value stays (at 0) once elements have left",
		length: 3, slide: 1, inverse: true,
		in:   []string{"", "1 2", "", "5", "", "", "", ""},
		want: []string{"", "3", "3", "8", "5", "5", "0", "0"},
	},
	{
		name:   "no inverse, slide 2",
		length: 3, slide: 2,
		in:   []string{"1", "2", "4", "8", "16", "", "", ""},
		want: []string{none, "3", none, "14", none, "24", none, ""},
	},
	{
		name:   "inverse, slide 2: two batches leave and two enter per boundary",
		length: 3, slide: 2, inverse: true,
		in:   []string{"1", "2", "4", "8", "16", "", "", ""},
		want: []string{none, "3", none, "14", none, "24", none, "0"},
	},
	{
		name:   "no inverse, slide > length",
		length: 1, slide: 2,
		in:   []string{"1", "2", "3", "4", "", ""},
		want: []string{none, "2", none, "4", none, ""},
	},
	{
		name:   "inverse, slide > length: batches between windows never count",
		length: 1, slide: 2, inverse: true,
		in:   []string{"1", "2", "3", "4", "", ""},
		want: []string{none, "2", none, "4", none, "0"},
	},
}

func sum(a, b int64) int64  { return a + b }
func diff(a, b int64) int64 { return a - b }

func stepReduce(w *Reduce[int64], i int, in string) string {
	w.Begin(batchTime(0, i))
	for _, f := range strings.Fields(in) {
		n, _ := strconv.ParseInt(f, 10, 64)
		w.Add(n)
	}
	if !w.Fires() {
		return none
	}
	if v, ok := w.Window(); ok {
		return strconv.FormatInt(v, 10)
	}
	return ""
}

func newReduce(length, slide int, inverse bool) *Reduce[int64] {
	if inverse {
		return NewReduce(spec(length, slide, 0), sum, diff)
	}
	return NewReduce(spec(length, slide, 0), sum, nil)
}

func TestReduce(t *testing.T) {
	for _, c := range reduceCases {
		t.Run(c.name, func(t *testing.T) {
			w := newReduce(c.length, c.slide, c.inverse)
			var got []string
			for i, in := range c.in {
				got = append(got, stepReduce(w, i, in))
			}
			checkOutputs(t, got, c.want)
		})
		for k := 1; k < len(c.in); k++ {
			w := newReduce(c.length, c.slide, c.inverse)
			for i := range k {
				stepReduce(w, i, c.in[i])
			}
			r := newReduce(c.length, c.slide, c.inverse)
			r.Restore(batchTime(0, k-1), w.Snapshot())
			var got []string
			for i := k; i < len(c.in); i++ {
				got = append(got, stepReduce(r, i, c.in[i]))
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want[k:]) {
				t.Errorf("%s: restored after batch %d: got %q, want %q", c.name, k, got, c.want[k:])
			}
		}
	}
}

// TestCountByWindow: Spark's countByWindow is the inverse form, so it outputs nothing
// before the first element and 0 after the elements have left.
func TestCountByWindow(t *testing.T) {
	in := []string{"", "x y", "", "z", "", "", "", ""}
	want := []string{"", "2", "2", "3", "1", "1", "0", "0"}
	w := NewCountByWindow(spec(3, 1, 0))
	var got []string
	for i, b := range in {
		w.Begin(batchTime(0, i))
		if n := len(strings.Fields(b)); n > 0 {
			w.Add(int64(n))
		}
		out := ""
		if v, ok := w.Window(); ok {
			out = strconv.FormatInt(v, 10)
		}
		got = append(got, out)
	}
	checkOutputs(t, got, want)
}

// TestReduceOrder: f is applied to the batches oldest first (string concatenation).
func TestReduceOrder(t *testing.T) {
	w := NewReduce(spec(2, 1, 0), func(a, b string) string { return a + b }, nil)
	var got []string
	for i, b := range []string{"a b", "c", "d"} {
		w.Begin(batchTime(0, i))
		for _, x := range strings.Fields(b) {
			w.Add(x)
		}
		v, _ := w.Window()
		got = append(got, v)
	}
	checkOutputs(t, got, []string{"ab", "abc", "cd"})
}

// TestReduceSettlesWithoutWindow: an inverse form whose Window is not called at a
// boundary still counts that boundary's batches when the next batch begins.
func TestReduceSettlesWithoutWindow(t *testing.T) {
	w := NewReduce(spec(2, 1, 0), sum, diff)
	w.Begin(1000)
	w.Add(1)
	w.Begin(2000)
	w.Add(2)
	if v, _ := w.Window(); v != 3 {
		t.Errorf("got %d, want 3", v)
	}
}

// reduceByKeyAndWindow((a, b) => a + b[, (a, b) => a - b], len, slide[, filter]) on
// (word, 1) pairs; the output is "key:value" in the operator's order.
var keyedCases = []struct {
	name          string
	length, slide int
	inverse       bool
	filter        string // "", "nonzero" (countByValueAndWindow's), "atLeast2"
	in            []string
	want          []string
}{
	{
		name:   "no inverse: keys leave with their batches",
		length: 2, slide: 1,
		in:   []string{"a b a", "b c", "", "a", "", "", ""},
		want: []string{"a:2 b:1", "a:2 b:2 c:1", "b:1 c:1", "a:1", "a:1", "", ""},
	},
	{
		name:   "inverse: keys whose values left stay at 0, even after the input stops",
		length: 2, slide: 1, inverse: true,
		in:   []string{"a b a", "b c", "", "a", "", "", ""},
		want: []string{"a:2 b:1", "a:2 b:2 c:1", "a:0 b:1 c:1", "a:1 b:0 c:0", "a:1 b:0 c:0", "a:0 b:0 c:0", "a:0 b:0 c:0"},
	},
	{
		name:   "inverse with filter count != 0 (countByValueAndWindow): zero keys are dropped and forgotten",
		length: 2, slide: 1, inverse: true, filter: "nonzero",
		in:   []string{"a b a", "b c", "", "a", "", "", ""},
		want: []string{"a:2 b:1", "a:2 b:2 c:1", "b:1 c:1", "a:1", "a:1", "", ""},
	},
	{
		name:   "no inverse with a filter: applied to each window's result",
		length: 2, slide: 1, filter: "atLeast2",
		in:   []string{"a", "a", "a", "", ""},
		want: []string{"", "a:2", "a:2", "", ""},
	},
	{
		name:   "inverse with a filter that drops a key still in the window: it restarts from the entering batches (Spark)",
		length: 2, slide: 1, inverse: true, filter: "atLeast2",
		in:   []string{"a", "a", "a", "", ""},
		want: []string{"", "", "", "", ""},
	},
	{
		name:   "no inverse: keys in first-seen order across the window, oldest batch first",
		length: 2, slide: 1,
		in:   []string{"x", "y", "x"},
		want: []string{"x:1", "x:1 y:1", "y:1 x:1"},
	},
	{
		name:   "inverse: keys keep their place in the running state",
		length: 2, slide: 1, inverse: true,
		in:   []string{"x", "y", "x"},
		want: []string{"x:1", "x:1 y:1", "x:1 y:1"},
	},
	{
		name:   "no inverse, slide 2",
		length: 3, slide: 2,
		in:   []string{"a", "b", "a", "c", "", "", "", ""},
		want: []string{none, "a:1 b:1", none, "b:1 a:1 c:1", none, "c:1", none, ""},
	},
	{
		name:   "inverse, slide 2",
		length: 3, slide: 2, inverse: true,
		in:   []string{"a", "b", "a", "c", "", "", "", ""},
		want: []string{none, "a:1 b:1", none, "a:1 b:1 c:1", none, "a:0 b:0 c:1", none, "a:0 b:0 c:0"},
	},
	{
		name:   "no inverse, slide > length",
		length: 1, slide: 2,
		in:   []string{"a", "b", "a", "", "", ""},
		want: []string{none, "b:1", none, "", none, ""},
	},
	{
		name:   "inverse, slide > length: the key of a between-windows batch never appears",
		length: 1, slide: 2, inverse: true,
		in:   []string{"a", "b", "a", "", "", ""},
		want: []string{none, "b:1", none, "b:0", none, "b:0"},
	},
}

func newKeyed(length, slide int, inverse bool, filter string) *KeyedReduce[string, int64] {
	var inv func(a, b int64) int64
	if inverse {
		inv = diff
	}
	var keep func(string, int64) bool
	switch filter {
	case "nonzero":
		keep = func(_ string, n int64) bool { return n != 0 }
	case "atLeast2":
		keep = func(_ string, n int64) bool { return n >= 2 }
	}
	return NewKeyedReduce(spec(length, slide, 0), sum, inv, keep, 4)
}

func renderEntries[V any](keys []string, vals []V) string {
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s:%v", k, vals[i])
	}
	return b.String()
}

func stepKeyed(w *KeyedReduce[string, int64], i int, in string) string {
	w.Begin(batchTime(0, i))
	for _, k := range strings.Fields(in) {
		w.Add(k, 1)
	}
	if !w.Fires() {
		return none
	}
	return renderEntries(w.Window())
}

func TestKeyedReduce(t *testing.T) {
	for _, c := range keyedCases {
		t.Run(c.name, func(t *testing.T) {
			w := newKeyed(c.length, c.slide, c.inverse, c.filter)
			var got []string
			for i, in := range c.in {
				got = append(got, stepKeyed(w, i, in))
			}
			checkOutputs(t, got, c.want)
		})
		for k := 1; k < len(c.in); k++ {
			w := newKeyed(c.length, c.slide, c.inverse, c.filter)
			for i := range k {
				stepKeyed(w, i, c.in[i])
			}
			r := newKeyed(c.length, c.slide, c.inverse, c.filter)
			r.Restore(batchTime(0, k-1), w.Snapshot())
			var got []string
			for i := k; i < len(c.in); i++ {
				got = append(got, stepKeyed(r, i, c.in[i]))
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want[k:]) {
				t.Errorf("%s: restored after batch %d: got %q, want %q", c.name, k, got, c.want[k:])
			}
		}
	}
}

// TestCountByValue is countByValueAndWindow over two partitions, each its own instance
// fed with the keys hashed to it: partitions never see each other's keys.
func TestCountByValue(t *testing.T) {
	parts := [][]string{ // per partition, per batch
		{"a a", "", "a"},
		{"b", "b c", ""},
	}
	want := [][]string{
		{"a:2", "a:2", "a:1"},
		{"b:1", "b:2 c:1", "b:1 c:1"},
	}
	for p := range parts {
		w := NewCountByValue[string](spec(2, 1, 0), 4)
		var got []string
		for i, in := range parts[p] {
			got = append(got, stepKeyed(w, i, in))
		}
		checkOutputs(t, got, want[p])
	}
}

// groupByKeyAndWindow(len, slide) on (key, value) pairs written "a1" = ("a", "1").
var groupCases = []struct {
	name          string
	length, slide int
	in            []string
	want          []string
}{
	{
		name:   "values in batch order, keys in first-seen order of the window",
		length: 2, slide: 1,
		in:   []string{"a1 b2 a3", "b4", "c5 a6", "", ""},
		want: []string{"a:[1 3] b:[2]", "a:[1 3] b:[2 4]", "b:[4] c:[5] a:[6]", "c:[5] a:[6]", ""},
	},
	{
		name:   "slide 2",
		length: 3, slide: 2,
		in:   []string{"a1 b2 a3", "b4", "c5 a6", "", "", ""},
		want: []string{none, "a:[1 3] b:[2 4]", none, "b:[4] c:[5] a:[6]", none, ""},
	},
	{
		name:   "slide > length",
		length: 1, slide: 2,
		in:   []string{"a1", "b2", "a3", "a4"},
		want: []string{none, "b:[2]", none, "a:[4]"},
	},
}

func stepGroup(w *KeyedGroup[string, string], i int, in string) string {
	w.Begin(batchTime(0, i))
	for _, kv := range strings.Fields(in) {
		w.Add(kv[:1], kv[1:])
	}
	if !w.Fires() {
		return none
	}
	return renderEntries(w.Window())
}

func TestKeyedGroup(t *testing.T) {
	for _, c := range groupCases {
		t.Run(c.name, func(t *testing.T) {
			w := NewKeyedGroup[string, string](spec(c.length, c.slide, 0), 4)
			var got []string
			for i, in := range c.in {
				got = append(got, stepGroup(w, i, in))
			}
			checkOutputs(t, got, c.want)
		})
		for k := 1; k < len(c.in); k++ {
			w := NewKeyedGroup[string, string](spec(c.length, c.slide, 0), 4)
			for i := range k {
				stepGroup(w, i, c.in[i])
			}
			r := NewKeyedGroup[string, string](spec(c.length, c.slide, 0), 4)
			r.Restore(batchTime(0, k-1), w.Snapshot())
			var got []string
			for i := k; i < len(c.in); i++ {
				got = append(got, stepGroup(r, i, c.in[i]))
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want[k:]) {
				t.Errorf("%s: restored after batch %d: got %q, want %q", c.name, k, got, c.want[k:])
			}
		}
	}
}

// TestKeyedGroupListsOutliveTheBatch: the lists of one boundary are not overwritten by
// the next, since downstream operators may keep them.
func TestKeyedGroupListsOutliveTheBatch(t *testing.T) {
	w := NewKeyedGroup[string, int](spec(1, 1, 0), 4)
	w.Begin(1000)
	w.Add("a", 1)
	w.Add("a", 2)
	_, first := w.Window()
	kept := first[0]
	w.Begin(2000)
	w.Add("a", 3)
	w.Add("a", 4)
	w.Window()
	if fmt.Sprint(kept) != "[1 2]" {
		t.Errorf("first window's list became %v", kept)
	}
	if len(kept) != cap(kept) {
		t.Errorf("list has spare capacity %d: an append would write into its neighbour", cap(kept)-len(kept))
	}
}

func TestSpecCheck(t *testing.T) {
	for _, c := range []struct {
		s    Spec
		want string
	}{
		{Spec{Interval: time.Second, Length: 3 * time.Second, Slide: time.Second}, ""},
		{Spec{Interval: 2 * time.Second, Length: 3 * time.Second, Slide: 2 * time.Second}, "The window duration of windowed DStream (3000 ms) must be a multiple of the slide duration of parent DStream (2000 ms)"},
		{Spec{Interval: 2 * time.Second, Length: 4 * time.Second, Slide: 3 * time.Second}, "The slide duration of windowed DStream (3000 ms) must be a multiple of the slide duration of parent DStream (2000 ms)"},
		{Spec{Interval: time.Second, Length: 0, Slide: time.Second}, "The window duration of windowed DStream (0 ms) must be a multiple of the slide duration of parent DStream (1000 ms)"},
		{Spec{Interval: 0, Length: time.Second, Slide: time.Second}, "the batch interval (0s) must be a positive whole number of milliseconds"},
	} {
		got := ""
		if err := c.s.Check(); err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("%+v: got %q, want %q", c.s, got, c.want)
		}
	}
}

func TestBeginRejectsBadTimes(t *testing.T) {
	for _, c := range []struct {
		name  string
		times []rt.Time
	}{
		{"off the grid", []rt.Time{1500}},
		{"at the zero time", []rt.Time{0}},
		{"going back", []rt.Time{2000, 1000}},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", c.name)
				}
			}()
			w := NewBatches[int](spec(2, 1, 0))
			for _, tm := range c.times {
				w.Begin(tm)
			}
		}()
	}
}

// TestDrain puts data in one batch, at every position between two boundaries, and
// checks that after Drain more batches the last window output no longer holds it, and
// that one batch fewer is not always enough.
func TestDrain(t *testing.T) {
	lastWindow := func(s Spec, last, batches int) string {
		w := NewBatches[string](s)
		out := ""
		for i := range batches {
			w.Begin(batchTime(0, i))
			if i == last-1 {
				w.Add("x")
			}
			if w.Fires() {
				out = strings.Join(w.AppendWindow(nil), " ")
			}
		}
		return out
	}
	for _, ls := range [][2]int{{3, 1}, {3, 2}, {2, 2}, {1, 3}, {2, 3}, {4, 3}} {
		s := spec(ls[0], ls[1], 0)
		drain := int(s.Drain() / s.Interval)
		tight := false
		for last := 1; last <= ls[1]+1; last++ { // the batch (from 1) holding the data
			if out := lastWindow(s, last, last+drain); out != "" {
				t.Errorf("len %d slide %d, data at batch %d: after %d drain batches the last window is %q, want empty", ls[0], ls[1], last, drain, out)
			}
			if lastWindow(s, last, last+drain-1) != "" {
				tight = true
			}
		}
		if !tight {
			t.Errorf("len %d slide %d: %d drain batches is more than needed", ls[0], ls[1], drain)
		}
	}
}

// TestKeyedReduceCopiesStringKeys: partials and the running map outlive the batch, so
// their string keys do not share the input they were cut from.
func TestKeyedReduceCopiesStringKeys(t *testing.T) {
	line := "ab cd ab"
	sum := func(a, b int64) int64 { return a + b }
	sub := func(a, b int64) int64 { return a - b }
	for _, inv := range []func(a, b int64) int64{nil, sub} {
		w := NewKeyedReduce[string, int64](spec(2, 1, 0), sum, inv, nil, 4)
		w.Begin(1000)
		w.Add(line[0:2], 1)
		w.Add(line[3:5], 1)
		w.Add(line[6:8], 1)
		keys, vals := w.Window()
		if fmt.Sprint(keys, vals) != "[ab cd] [2 1]" {
			t.Fatalf("window = %v %v", keys, vals)
		}
		for _, k := range append(keys, w.Snapshot().Panes[0].Data.Keys...) {
			p, b := uintptr(unsafe.Pointer(unsafe.StringData(k))), uintptr(unsafe.Pointer(unsafe.StringData(line)))
			if p >= b && p < b+uintptr(len(line)) {
				t.Errorf("inverse %v: key %q shares the input line", inv != nil, k)
			}
		}
	}
}

// TestReduceOwnValues: with OwnValues the window keeps copies of its partials, so the
// memory a partial was read from can be reused (source.FilesOptions.Recycle) without
// changing the window's result.
func TestReduceOwnValues(t *testing.T) {
	longer := func(a, b string) string {
		if len(b) > len(a) {
			return b
		}
		return a
	}
	w := NewReduce(spec(3, 3, 0), longer, nil).OwnValues(strings.Clone)
	buf := []byte("first batch")
	for i := range 3 {
		w.Begin(batchTime(0, i))
		if i == 0 {
			w.Add(unsafe.String(&buf[0], len(buf)))
			copy(buf, "reused!!!!!") // the next batch is read into the same memory
		} else {
			w.Add("b")
		}
	}
	if v, ok := w.Window(); !ok || v != "first batch" {
		t.Errorf("window = %q, %v; want the first batch's copy", v, ok)
	}
}
