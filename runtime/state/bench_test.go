package state

import (
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
