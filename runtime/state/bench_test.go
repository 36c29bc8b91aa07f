package state

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	rt "streamc.dev/streamc/runtime"
)

const benchKeys = 1_000_000

// heapAlloc returns the bytes of live heap after a full collection.
func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkUpdateStoreMemory reports the bytes of state per key of an UpdateStore with
// 1M int keys and int states, after one batch that brought every key, and the time of
// that batch (Add for every key, then Update).
func BenchmarkUpdateStoreMemory(b *testing.B) {
	var perKey float64
	for b.Loop() {
		before := heapAlloc()
		u := NewUpdateStore[int64, int64, int64](0)
		for k := range int64(benchKeys) {
			u.Add(k, 1)
		}
		u.Update(func(_ int64, news []int64, prev int64, _ bool) (int64, bool) {
			return prev + int64(len(news)), true
		})
		b.StopTimer()
		perKey = float64(heapAlloc()-before) / benchKeys
		runtime.KeepAlive(u)
		b.StartTimer()
	}
	b.ReportMetric(perKey, "B/key")
}

// BenchmarkMapStoreMemory reports the bytes of state per key of a MapStore with 1M int
// keys and int states, after one batch that updated every key.
func BenchmarkMapStoreMemory(b *testing.B) {
	var perKey float64
	for b.Loop() {
		before := heapAlloc()
		m := NewMapStore[int64, int64](0)
		m.Begin(rt.Time(1000))
		for k := range int64(benchKeys) {
			st := m.State(k)
			st.Update(st.GetOrElse(0) + 1)
		}
		m.Len()
		b.StopTimer()
		perKey = float64(heapAlloc()-before) / benchKeys
		runtime.KeepAlive(m)
		b.StartTimer()
	}
	b.ReportMetric(perKey, "B/key")
}

// BenchmarkRunningSum is word count's state stage at one partition: a batch of 65,536
// (id, count) pairs over 100,000 keys with state added to a StringUpdateStore, then the batch
// ended, with the running sum applied in place (SumID, EndSums) against the values
// grouped and the function called per key (AddID, Update: BenchmarkRunningSumUpdate),
// as generated code did before.
func BenchmarkRunningSum(b *testing.B)       { benchRunningSum(b, true) }
func BenchmarkRunningSumUpdate(b *testing.B) { benchRunningSum(b, false) }

func benchRunningSum(b *testing.B, inPlace bool) {
	const keys, perBatch = 100_000, 1 << 16
	u := NewStringUpdateStore[int64, int64](0)
	ids := make([]uint32, keys)
	for i := range ids { // every key has state, as after word count's first batches
		k := fmt.Sprintf("w%d", i)
		u.Put(k, 0)
		ids[i], _ = u.Dict().Find(k)
	}
	r := rand.New(rand.NewPCG(1, 2))
	batch := make([]uint32, perBatch)
	for i := range batch {
		batch[i] = ids[r.IntN(keys)]
	}
	sum := func(k string, news []int64, prev int64, had bool) (int64, bool) {
		return stdSum(news) + prev, true
	}
	for b.Loop() {
		if inPlace {
			for _, id := range batch {
				SumID(u, id, 1)
			}
			EndSums(u)
			continue
		}
		for _, id := range batch {
			u.AddID(id, 1)
		}
		u.Update(sum)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*perBatch), "ns/value")
}

// stdSum is stdlib.Sum, which this package cannot import.
func stdSum(xs []int64) int64 {
	var s int64
	for _, x := range xs {
		s += x
	}
	return s
}
