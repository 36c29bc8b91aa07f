package state

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	rt "streamc.dev/streamc/runtime"
)

// The tables below give, batch by batch, a stateful operator's input and its output,
// worked out by hand from the Spark Streaming Programming Guide's definitions of
// updateStateByKey and mapWithState and from Spark's StateDStream and MapWithStateRDD.
// The batch interval is 1s and batch i (from 1) has time i*1000 ms. An input batch is a
// space-separated list of records "a1" = key "a", value 1 ("" is an empty batch).

func parseRecords(in string) (keys []string, vals []int64) {
	for _, r := range strings.Fields(in) {
		n, err := strconv.ParseInt(r[1:], 10, 64)
		if err != nil {
			panic(err)
		}
		keys = append(keys, r[:1])
		vals = append(vals, n)
	}
	return keys, vals
}

func batchTime(i int) rt.Time { return rt.Time(i+1) * 1000 }

// updateStateByKey(f) with the update functions below. calls logs every call of f as
// "key[new values]previous state" ("-" for none), in call order; state is the output
// (the whole state) after the batch.
var updateCases = []struct {
	name    string
	f       string // "sum": state + sum(news), always kept; "idle": none without new values; "max5": none above 5
	initial string
	in      []string
	calls   []string
	state   []string
}{
	{
		name: "f is called for every key, with or without new values; initial state first",
		f:    "sum", initial: "z10",
		in:    []string{"a1 b2 a3", "", "c1 b1"},
		calls: []string{"z[]10 a[1 3]- b[2]-", "z[]10 a[]4 b[]2", "z[]10 a[]4 b[1]2 c[1]-"},
		state: []string{"z:10 a:4 b:2", "z:10 a:4 b:2", "z:10 a:4 b:3 c:1"},
	},
	{
		name:  "returning none removes the key; a key that comes back goes to the end",
		f:     "idle",
		in:    []string{"a1", "b1", "a2", "", ""},
		calls: []string{"a[1]-", "a[]1 b[1]-", "b[]1 a[2]-", "a[]2", ""},
		state: []string{"a:1", "b:1", "a:2", "", ""},
	},
	{
		name:  "a new key whose first result is none never gets state",
		f:     "max5",
		in:    []string{"a1 b9", "a5", "b1"},
		calls: []string{"a[1]- b[9]-", "a[5]1", "b[1]-"},
		state: []string{"a:1", "", "b:1"},
	},
}

func updateFunc(kind string, log *[]string) func(k string, news []int64, prev int64, had bool) (int64, bool) {
	return func(k string, news []int64, prev int64, had bool) (int64, bool) {
		p := "-"
		if had {
			p = strconv.FormatInt(prev, 10)
		}
		*log = append(*log, fmt.Sprintf("%s%v%s", k, news, p))
		s := prev
		for _, v := range news {
			s += v
		}
		switch kind {
		case "idle":
			return s, len(news) > 0
		case "max5":
			return s, s <= 5
		}
		return s, true
	}
}

func render(keys []string, vals []int64) string {
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s:%d", k, vals[i])
	}
	return b.String()
}

func TestUpdateStore(t *testing.T) {
	for _, c := range updateCases {
		t.Run(c.name, func(t *testing.T) {
			u := NewUpdateStore[string, int64, int64](4)
			ik, iv := parseRecords(c.initial)
			for i, k := range ik {
				u.Put(k, iv[i])
			}
			for i, in := range c.in {
				var log []string
				ks, vs := parseRecords(in)
				for j, k := range ks {
					u.Add(k, vs[j])
				}
				u.Update(updateFunc(c.f, &log))
				if got := strings.Join(log, " "); got != c.calls[i] {
					t.Errorf("batch %d: calls %q, want %q", i+1, got, c.calls[i])
				}
				if got := render(u.Keys(), u.Values()); got != c.state[i] {
					t.Errorf("batch %d: state %q, want %q", i+1, got, c.state[i])
				}
				var all []string
				for k, s := range u.All() {
					all = append(all, fmt.Sprintf("%s:%d", k, s))
				}
				if got := strings.Join(all, " "); got != c.state[i] || u.Len() != len(all) {
					t.Errorf("batch %d: All %q (Len %d), want %q", i+1, got, u.Len(), c.state[i])
				}
			}
		})
	}
}

// TestUpdateStorePartitions runs the first case over two partitions, keys hashed as the
// exchange hashes them: each store is independent and holds its own keys, in the same
// relative order as a single store.
func TestUpdateStorePartitions(t *testing.T) {
	c := updateCases[0]
	stores := []*UpdateStore[string, int64, int64]{NewUpdateStore[string, int64, int64](4), NewUpdateStore[string, int64, int64](4)}
	part := func(k string) int { return rt.Bucket(rt.HashString(k), len(stores)) }
	ik, iv := parseRecords(c.initial)
	for i, k := range ik {
		stores[part(k)].Put(k, iv[i])
	}
	for i, in := range c.in {
		ks, vs := parseRecords(in)
		for j, k := range ks {
			stores[part(k)].Add(k, vs[j])
		}
		var log []string
		got := map[string]string{}
		for _, u := range stores {
			u.Update(updateFunc(c.f, &log))
			for k, s := range u.All() {
				got[k] = fmt.Sprintf("%s:%d", k, s)
				if part(k) != partOf(stores, u) {
					t.Errorf("batch %d: key %s in the wrong partition", i+1, k)
				}
			}
		}
		for _, kv := range strings.Fields(c.state[i]) {
			if got[kv[:1]] != kv {
				t.Errorf("batch %d: %s is %q, want %q", i+1, kv[:1], got[kv[:1]], kv)
			}
			delete(got, kv[:1])
		}
		if len(got) > 0 {
			t.Errorf("batch %d: unexpected keys %v", i+1, got)
		}
	}
}

func partOf(stores []*UpdateStore[string, int64, int64], u *UpdateStore[string, int64, int64]) int {
	for i, s := range stores {
		if s == u {
			return i
		}
	}
	return -1
}

// TestUpdateStoreNewsAreIndependent: the new values handed to f are exact-size slices
// that later batches do not overwrite, so f may keep them in the state.
func TestUpdateStoreNewsAreIndependent(t *testing.T) {
	u := NewUpdateStore[string, int, []int](4)
	keep := func(_ string, news []int, prev []int, _ bool) ([]int, bool) {
		if news == nil {
			return prev, true
		}
		return news, true
	}
	u.Add("a", 1)
	u.Add("b", 2)
	u.Add("a", 3)
	u.Update(keep)
	a, _ := u.Get("a")
	u.Add("a", 7)
	u.Add("b", 8)
	u.Update(keep)
	if fmt.Sprint(a) != "[1 3]" || len(a) != cap(a) {
		t.Errorf("kept news %v (cap %d), want [1 3] with no spare capacity", a, cap(a))
	}
}

// mapWithState(f, timeout) with f: for a record with value v > 0, add v to the state
// (0 when none) and emit "k:state"; v == 0 removes the state and emits "k:removed";
// v < 0 only looks and emits "k:exists=…". A call for a timing-out key emits
// "k:timeout(state)". emits is what f returned in the batch, in order (records, then
// timeouts); snapshots is stateSnapshots() after the batch.
var mapCases = []struct {
	name      string
	timeout   int // batches; 0: none
	initial   string
	in        []string
	emits     []string
	snapshots []string
}{
	{
		name:      "running count, no timeout: the state survives empty batches",
		in:        []string{"a1 b1 a1", "b1", ""},
		emits:     []string{"a:1 b:1 a:2", "b:2", ""},
		snapshots: []string{"a:2 b:1", "a:2 b:2", "a:2 b:2"},
	},
	{
		name:    "timeout 2s: idle longer than the timeout, in batch time; initial state idles from the first batch",
		timeout: 2, initial: "z100",
		in:        []string{"a1 b1 a1", "b1", "", "", "a1", "", "", ""},
		emits:     []string{"a:1 b:1 a:2", "b:2", "", "z:timeout(100) a:timeout(2)", "a:1 b:timeout(2)", "", "", "a:timeout(1)"},
		snapshots: []string{"z:100 a:2 b:1", "z:100 a:2 b:2", "z:100 a:2 b:2", "b:2", "a:1", "a:1", "a:1", ""},
	},
	{
		name:      "a call that only reads keeps an existing key alive and creates no state",
		timeout:   2,
		in:        []string{"a1 r-1", "", "a-1", "", "", ""},
		emits:     []string{"a:1 r:exists=false", "", "a:exists=true", "", "", "a:timeout(1)"},
		snapshots: []string{"a:1", "a:1", "a:1", "a:1", "a:1", ""},
	},
	{
		name:      "remove, then state again in the same batch: the key goes to the end",
		in:        []string{"a1 b1 a0 a3", ""},
		emits:     []string{"a:1 b:1 a:removed a:3", ""},
		snapshots: []string{"b:1 a:3", "b:1 a:3"},
	},
	{
		name:      "a removed key is gone from the snapshots",
		in:        []string{"a1 b1", "a0", ""},
		emits:     []string{"a:1 b:1", "a:removed", ""},
		snapshots: []string{"a:1 b:1", "b:1", "b:1"},
	},
}

func mapping(k string, v int64, hasV bool, st *State[int64]) string {
	switch {
	case st.IsTimingOut():
		if hasV {
			panic("a timing-out call has a value")
		}
		return fmt.Sprintf("%s:timeout(%d)", k, st.Get())
	case v == 0:
		st.Remove()
		return k + ":removed"
	case v < 0:
		return fmt.Sprintf("%s:exists=%v", k, st.Exists())
	}
	n := st.GetOrElse(0) + v
	st.Update(n)
	return fmt.Sprintf("%s:%d", k, n)
}

func stepMap(m *MapStore[string, int64], timeout, i int, in string) (emits, snapshot string) {
	now := batchTime(i)
	m.Begin(now)
	var out []string
	ks, vs := parseRecords(in)
	for j, k := range ks {
		out = append(out, mapping(k, vs[j], true, m.State(k)))
	}
	if timeout > 0 {
		m.Timeouts(now, time.Duration(timeout)*time.Second, func(k string, st *State[int64]) {
			out = append(out, mapping(k, 0, false, st))
		})
	}
	var snap []string
	for k, s := range m.All() {
		snap = append(snap, fmt.Sprintf("%s:%d", k, s))
	}
	if m.Len() != len(snap) {
		panic("Len disagrees with All")
	}
	return strings.Join(out, " "), strings.Join(snap, " ")
}

func newMapStore(initial string) *MapStore[string, int64] {
	m := NewMapStore[string, int64](4)
	ik, iv := parseRecords(initial)
	for i, k := range ik {
		m.Put(k, iv[i])
	}
	return m
}

func TestMapStore(t *testing.T) {
	for _, c := range mapCases {
		t.Run(c.name, func(t *testing.T) {
			m := newMapStore(c.initial)
			for i, in := range c.in {
				emits, snap := stepMap(m, c.timeout, i, in)
				if emits != c.emits[i] {
					t.Errorf("batch %d: emits %q, want %q", i+1, emits, c.emits[i])
				}
				if snap != c.snapshots[i] {
					t.Errorf("batch %d: snapshots %q, want %q", i+1, snap, c.snapshots[i])
				}
			}
		})
	}
}

// TestMapStoreCheckpoint restores a snapshot taken after every batch into a new store and
// checks that the rest of the run is unchanged, timeouts included.
func TestMapStoreCheckpoint(t *testing.T) {
	for _, c := range mapCases {
		for k := 1; k < len(c.in); k++ {
			m := newMapStore(c.initial)
			for i := range k {
				stepMap(m, c.timeout, i, c.in[i])
			}
			r := NewMapStore[string, int64](4)
			m.Snapshot(r.Restore)
			for i := k; i < len(c.in); i++ {
				emits, snap := stepMap(r, c.timeout, i, c.in[i])
				if emits != c.emits[i] || snap != c.snapshots[i] {
					t.Errorf("%s: restored after batch %d: batch %d: %q / %q, want %q / %q", c.name, k, i+1, emits, snap, c.emits[i], c.snapshots[i])
				}
			}
		}
	}
}

// TestStateMisuse: the State methods refuse what Spark's State refuses, with errors that
// say what went wrong.
func TestStateMisuse(t *testing.T) {
	for _, c := range []struct {
		name    string
		timeout bool // call on a timing-out key
		f       func(st *State[int64])
		want    error
	}{
		{"get without state", false, func(st *State[int64]) { st.Get() }, ErrNoState},
		{"get after remove", false, func(st *State[int64]) { st.Update(1); st.Remove(); st.Get() }, ErrNoState},
		{"update while timing out", true, func(st *State[int64]) { st.Update(1) }, ErrUpdateTimeout},
		{"remove while timing out", true, func(st *State[int64]) { st.Remove() }, ErrRemoveTimeout},
		{"update after remove", false, func(st *State[int64]) { st.Update(1); st.Remove(); st.Update(2) }, ErrUpdateRemoved},
		{"remove twice", false, func(st *State[int64]) { st.Update(1); st.Remove(); st.Remove() }, ErrRemoveRemoved},
	} {
		got := func() (err error) {
			defer func() { err, _ = recover().(error) }()
			m := NewMapStore[string, int64](1)
			m.Begin(1000)
			if c.timeout {
				m.State("k").Update(5)
				m.Timeouts(5000, time.Second, func(_ string, st *State[int64]) { c.f(st) })
			} else {
				c.f(m.State("new"))
			}
			return nil
		}()
		if !errors.Is(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

// inside reports whether s starts inside buf's bytes.
func inside(s, buf string) bool {
	p, b := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(unsafe.StringData(buf)))
	return p >= b && p < b+uintptr(len(buf))
}

// TestStoresCopyStringKeys: the stores keep keys from batch to batch, so a key cut from
// an input line (a substring of a large piece of the source's file) is copied when it is
// first inserted, and the input can be collected; known keys cost no allocation.
func TestStoresCopyStringKeys(t *testing.T) {
	file := "apple pear apple"
	u := NewUpdateStore[string, int64, int64](4)
	u.Add(file[0:5], 1)
	u.Add(file[6:10], 1)
	u.Add(file[11:16], 1)
	u.Update(func(_ string, news []int64, prev int64, _ bool) (int64, bool) { return prev + int64(len(news)), true })
	if got := fmt.Sprint(u.Keys(), u.Values()); got != "[apple pear] [2 1]" {
		t.Fatalf("UpdateStore = %s", got)
	}
	for _, k := range u.Keys() {
		if inside(k, file) {
			t.Errorf("UpdateStore key %q shares the input", k)
		}
	}
	if allocs := testing.AllocsPerRun(100, func() { u.Add(file[11:16], 1) }); allocs != 0 {
		t.Errorf("adding to a known key allocates %.1f times", allocs)
	}

	m := NewMapStore[string, int64](4)
	m.Begin(1000)
	m.State(file[6:10]).Update(7)
	m.Begin(2000)
	for k, s := range m.All() {
		if k != "pear" || s != 7 || inside(k, file) {
			t.Errorf("MapStore entry %q=%d: want pear=7 in memory of its own", k, s)
		}
	}
}
