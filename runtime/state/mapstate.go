package state

import (
	"errors"
	"iter"
	"math"
	"time"

	rt "streamc.dev/streamc/runtime"
)

// The errors a mapping function's misuse of its State panics with; the job's Guard
// turns the panic into a run-time error at the mapWithState operator. They follow
// Spark's State: NoSuchElementException("State is not set") and its requirements.
var (
	ErrNoState       = errors.New("state.get(): the key has no state (check exists() or use getOrElse())")
	ErrUpdateTimeout = errors.New("state.update(): cannot update the state of a key that is timing out")
	ErrRemoveTimeout = errors.New("state.remove(): cannot remove the state of a key that is timing out")
	ErrUpdateRemoved = errors.New("state.update(): cannot update the state after it has been removed")
	ErrRemoveRemoved = errors.New("state.remove(): cannot remove the state that has already been removed")
)

// State is the handle a mapWithState mapping function receives for one call: Spark's
// State[S], bound to the call's key. Its methods are the .stream State methods get,
// getOrElse (and orElse), exists, update, remove and isTimingOut.
type State[S any] struct {
	v         S
	exists    bool
	updated   bool
	removed   bool
	timingOut bool
}

// Get returns the key's state; it panics with ErrNoState when the key has none.
func (s *State[S]) Get() S {
	if !s.exists {
		panic(ErrNoState)
	}
	return s.v
}

// GetOrElse returns the key's state, or d when it has none.
func (s *State[S]) GetOrElse(d S) S {
	if s.exists {
		return s.v
	}
	return d
}

// Exists reports whether the key has state.
func (s *State[S]) Exists() bool { return s.exists }

// Update sets the key's state. It panics when the key is timing out or its state was
// removed in this call.
func (s *State[S]) Update(v S) {
	if s.timingOut {
		panic(ErrUpdateTimeout)
	}
	if s.removed {
		panic(ErrUpdateRemoved)
	}
	s.v, s.exists, s.updated = v, true, true
}

// Remove deletes the key's state. It panics when the key is timing out or its state was
// already removed in this call.
func (s *State[S]) Remove() {
	if s.timingOut {
		panic(ErrRemoveTimeout)
	}
	if s.removed {
		panic(ErrRemoveRemoved)
	}
	var zero S
	s.v, s.exists, s.updated, s.removed = zero, false, false, true
}

// IsTimingOut reports whether this call is the key's last: it saw no record for longer
// than the timeout, and the store removes it after the call.
func (s *State[S]) IsTimingOut() bool { return s.timingOut }

// dead marks a removed slot until the store compacts.
const dead = rt.Time(math.MinInt64)

// pendingTime marks an initial state whose time is the first batch's.
const pendingTime = rt.Time(math.MinInt64 + 1)

// MapStore is a partition's state of mapWithState: one state S per key and the batch
// time of its last call, for timeouts. Spark's MapWithStateRDD calls the mapping
// function once per record, in order, with the key's State; what the function does to
// the State is applied before the next record. After the batch's records, every key
// that saw no call for longer than the timeout is called once more with no value and a
// State that is timing out, then removed.
//
// Per batch the job calls Begin, then for each record:
//
//	st := store.State(k)
//	e := mapping(k, stdlib.Some(v), st) // the user's function
//
// then, when a timeout is set, Timeouts with a function calling the user's with
// stdlib.None, and reads the state for snapshots() with All.
//
// Order is deterministic: keys in the order they first got state; a removed key that
// gets state again goes to the end. Timeouts calls keys in that order.
//
// Memory per key is the key, the state and the last call's time in three slices and an
// rt.Index entry from key to position.
type MapStore[K comparable, S any] struct {
	index  rt.Index[K]
	keys   []K
	vals   []S
	last   []rt.Time       // the batch time of the key's last call; dead when removed
	copies rt.KeyCopies[K] // new keys get memory of the store's own
	nDead  int
	init   bool // some keys have pendingTime

	now   rt.Time
	st    State[S]
	bound bool  // st belongs to a call not yet applied
	slot  int32 // the bound key's position, -1 when it had no state
	at    rt.At // where the bound key goes if it gets state (nothing changes the index before apply)
	key   K
}

// NewMapStore returns an empty store with room for hint keys.
func NewMapStore[K comparable, S any](hint int) *MapStore[K, S] {
	return &MapStore[K, S]{
		index:  rt.NewIndex[K](hint),
		keys:   make([]K, 0, hint),
		vals:   make([]S, 0, hint),
		last:   make([]rt.Time, 0, hint),
		copies: rt.NewKeyCopies[K](),
	}
}

// Put sets k's initial state, before the first batch; as in Spark, its idle time counts
// from the first batch.
func (m *MapStore[K, S]) Put(k K, s S) {
	m.Restore(k, s, pendingTime)
}

// Restore sets k's state and the batch time of its last call, as a checkpoint saved
// them.
func (m *MapStore[K, S]) Restore(k K, s S, last rt.Time) {
	m.apply()
	if last == pendingTime {
		m.init = true
	}
	i, at := m.index.Find(k, m.keys)
	if i >= 0 {
		m.vals[i], m.last[i] = s, last
		return
	}
	m.insert(k, at, s, last)
}

// insert appends k, which Find missed at at.
func (m *MapStore[K, S]) insert(k K, at rt.At, s S, last rt.Time) {
	k = m.copies.Copy(k) // the store keeps it across batches: not the input's buffer
	m.keys = append(m.keys, k)
	m.index.Add(k, at, m.keys)
	m.vals = append(m.vals, s)
	m.last = append(m.last, last)
}

// Begin starts batch t: the time that calls record as the keys' last.
func (m *MapStore[K, S]) Begin(t rt.Time) {
	m.apply()
	m.compact()
	m.now = t
	if m.init {
		for i, l := range m.last {
			if l == pendingTime {
				m.last[i] = t
			}
		}
		m.init = false
	}
}

// State binds the store's State handle to k for one call of the mapping function and
// returns it. What the function does with it is applied at the next call on the store.
// The handle is the store's: only one is live at a time.
func (m *MapStore[K, S]) State(k K) *State[S] {
	m.apply()
	m.bound, m.key, m.slot = true, k, -1
	m.st = State[S]{}
	i, at := m.index.Find(k, m.keys)
	if i >= 0 {
		m.slot = int32(i)
		m.st.v, m.st.exists = m.vals[i], true
	}
	m.at = at
	return &m.st
}

// apply writes the bound call's effect into the store, as Spark does after each call:
// a removal deletes the key, an update sets the state and the time; a call that leaves
// an existing state alone still counts as activity for the timeout.
func (m *MapStore[K, S]) apply() {
	if !m.bound {
		return
	}
	m.bound = false
	st := &m.st
	switch {
	case st.removed:
		if m.slot >= 0 {
			m.kill(m.slot)
		}
	case st.updated:
		if m.slot >= 0 {
			m.vals[m.slot], m.last[m.slot] = st.v, m.now
		} else {
			m.insert(m.key, m.at, st.v, m.now)
		}
	case m.slot >= 0:
		m.last[m.slot] = m.now
	}
	var zero S
	st.v = zero
	var zk K
	m.key = zk
}

// kill removes slot i; compact reclaims it later.
func (m *MapStore[K, S]) kill(i int32) {
	m.index.Remove(m.keys[i], m.keys)
	m.copies.Drop(m.keys[i])
	var zero S
	m.vals[i], m.last[i] = zero, dead
	m.nDead++
}

// compact squeezes out removed slots, keeping the order.
func (m *MapStore[K, S]) compact() {
	if m.nDead == 0 {
		return
	}
	j := 0
	for i, k := range m.keys {
		if m.last[i] == dead {
			continue
		}
		if i != j {
			m.keys[j], m.vals[j], m.last[j] = k, m.vals[i], m.last[i]
		}
		j++
	}
	clear(m.keys[j:])
	clear(m.vals[j:])
	m.keys, m.vals, m.last = m.keys[:j], m.vals[:j], m.last[:j]
	m.copies.Compact(m.keys)
	m.index.Rebuild(m.keys)
	m.nDead = 0
}

// Timeouts ends the batch at time now for a store with a timeout: every key whose last
// call is more than timeout before now (Spark: last < now - timeout) is passed to f with
// a State that is timing out and still holds the key's state, in the store's order, and
// then removed. f runs the user's function with no value; the State refuses update and
// remove. Spark looks for timed-out keys only in the batches where it checkpoints the
// state (MapWithStateRDD's full scan); called every batch, Timeouts removes a key at the
// first batch past its timeout, which is what Spark's documentation promises.
func (m *MapStore[K, S]) Timeouts(now rt.Time, timeout time.Duration, f func(k K, st *State[S])) {
	m.apply()
	threshold := now.Add(-timeout)
	for i, l := range m.last {
		if l == dead || l >= threshold {
			continue
		}
		m.st = State[S]{v: m.vals[i], exists: true, timingOut: true}
		f(m.keys[i], &m.st)
		m.kill(int32(i))
	}
	m.st = State[S]{}
	m.compact()
}

// Len returns the number of keys with state.
func (m *MapStore[K, S]) Len() int {
	m.apply()
	return len(m.keys) - m.nDead
}

// All iterates over the keys with state and their states in order: the stream of
// snapshots() after a batch.
func (m *MapStore[K, S]) All() iter.Seq2[K, S] {
	return func(yield func(K, S) bool) {
		m.apply()
		for i, k := range m.keys {
			if m.last[i] != dead && !yield(k, m.vals[i]) {
				return
			}
		}
	}
}

// Snapshot calls f with every key's state and last call time, in order: the contents a
// checkpoint saves and Restore puts back.
func (m *MapStore[K, S]) Snapshot(f func(k K, s S, last rt.Time)) {
	m.apply()
	for i, k := range m.keys {
		if m.last[i] != dead {
			f(k, m.vals[i], m.last[i])
		}
	}
}
