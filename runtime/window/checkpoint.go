package window

import (
	"slices"

	rt "streamc.dev/streamc/runtime"
	"streamc.dev/streamc/runtime/checkpoint"
)

// This file moves the snapshots of a windowed operator's partitions into a checkpoint
// and back. Keyed contents are written for all partitions as a whole and each key is
// put back into the partition its hash chooses among the partitions of the restoring
// run, so the number of partitions may change across a restart. The encoders of keys,
// values and elements (put, get) are the generated ones for their types.

// SaveKeyedPanes writes the kept batches of a keyed window (reduceByKeyAndWindow,
// countByValueAndWindow, groupByKeyAndWindow), all partitions as a whole: parts[p] is
// partition p's Snapshot panes. Per batch time, oldest first, it writes the time and
// the (key, value) entries of that batch in partition order.
func SaveKeyedPanes[K comparable, V any](w *checkpoint.Writer, parts [][]Pane[Entries[K, V]], putK func(*checkpoint.Writer, K), putV func(*checkpoint.Writer, V)) {
	times := paneTimes(parts)
	w.Len(len(times))
	for _, t := range times {
		w.Varint(int64(t))
		n := 0
		for _, ps := range parts {
			for _, pn := range ps {
				if pn.Time == t {
					n += len(pn.Data.Keys)
				}
			}
		}
		w.Len(n)
		for _, ps := range parts {
			for _, pn := range ps {
				if pn.Time == t {
					for i, k := range pn.Data.Keys {
						putK(w, k)
						putV(w, pn.Data.Vals[i])
					}
				}
			}
		}
	}
}

// RestoreKeyedPanes reads what SaveKeyedPanes wrote into parts partitions, putting each
// key into partition rt.Bucket(hash(key), parts). A partition's panes come out oldest
// first, one per batch time it has keys in, keys in the order they were written.
func RestoreKeyedPanes[K comparable, V any](r *checkpoint.Reader, parts int, hash func(K) uint64, getK func(*checkpoint.Reader) K, getV func(*checkpoint.Reader) V) [][]Pane[Entries[K, V]] {
	out := make([][]Pane[Entries[K, V]], parts)
	for range r.Len() {
		t := rt.Time(r.Varint())
		for range r.Len() {
			k := getK(r)
			v := getV(r)
			p := rt.Bucket(hash(k), parts)
			ps := out[p]
			if len(ps) == 0 || ps[len(ps)-1].Time != t {
				ps = append(ps, Pane[Entries[K, V]]{Time: t})
			}
			e := &ps[len(ps)-1].Data
			e.Keys = append(e.Keys, k)
			e.Vals = append(e.Vals, v)
			out[p] = ps
		}
	}
	return out
}

// SaveEntries writes keyed values held per partition (the running values of an
// inverse reduceByKeyAndWindow) as a whole, in partition order.
func SaveEntries[K comparable, V any](w *checkpoint.Writer, parts []Entries[K, V], putK func(*checkpoint.Writer, K), putV func(*checkpoint.Writer, V)) {
	n := 0
	for _, e := range parts {
		n += len(e.Keys)
	}
	w.Len(n)
	for _, e := range parts {
		for i, k := range e.Keys {
			putK(w, k)
			putV(w, e.Vals[i])
		}
	}
}

// RestoreEntries reads what SaveEntries wrote into parts partitions, putting each key
// into partition rt.Bucket(hash(key), parts), keys in the order they were written.
func RestoreEntries[K comparable, V any](r *checkpoint.Reader, parts int, hash func(K) uint64, getK func(*checkpoint.Reader) K, getV func(*checkpoint.Reader) V) []Entries[K, V] {
	out := make([]Entries[K, V], parts)
	for range r.Len() {
		k := getK(r)
		v := getV(r)
		e := &out[rt.Bucket(hash(k), parts)]
		e.Keys = append(e.Keys, k)
		e.Vals = append(e.Vals, v)
	}
	return out
}

// SaveBatches writes batches of elements kept per partition (window's Batches,
// eventtime's Holds): per partition, its batches with their times and elements. Elements
// have no key to redistribute them by, so the partitions are written as they are.
func SaveBatches[T any](w *checkpoint.Writer, parts [][]Pane[[]T], put func(*checkpoint.Writer, T)) {
	w.Len(len(parts))
	for _, ps := range parts {
		w.Len(len(ps))
		for _, pn := range ps {
			w.Varint(int64(pn.Time))
			w.Len(len(pn.Data))
			for _, x := range pn.Data {
				put(w, x)
			}
		}
	}
}

// RestoreBatches reads what SaveBatches wrote into parts partitions: each partition its
// own batches when the number of partitions is unchanged; else, per batch time, oldest
// first, all its elements in partition order, cut into parts runs of nearly equal
// length, run p for partition p.
func RestoreBatches[T any](r *checkpoint.Reader, parts int, get func(*checkpoint.Reader) T) [][]Pane[[]T] {
	saved := make([][]Pane[[]T], r.Len())
	for p := range saved {
		for range r.Len() {
			pn := Pane[[]T]{Time: rt.Time(r.Varint())}
			for range r.Len() {
				pn.Data = append(pn.Data, get(r))
			}
			saved[p] = append(saved[p], pn)
		}
	}
	if len(saved) == parts {
		return saved
	}
	out := make([][]Pane[[]T], parts)
	for _, t := range paneTimes(saved) {
		var all []T
		for _, ps := range saved {
			for _, pn := range ps {
				if pn.Time == t {
					all = append(all, pn.Data...)
				}
			}
		}
		for p := range out {
			lo, hi := len(all)*p/parts, len(all)*(p+1)/parts
			out[p] = append(out[p], Pane[[]T]{Time: t, Data: all[lo:hi]})
		}
	}
	return out
}

// paneTimes returns the distinct times of the panes of all partitions, in order.
func paneTimes[P any](parts [][]Pane[P]) []rt.Time {
	var times []rt.Time
	for _, ps := range parts {
		for _, pn := range ps {
			times = append(times, pn.Time)
		}
	}
	slices.Sort(times)
	return slices.Compact(times)
}
