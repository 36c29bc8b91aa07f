package window

import (
	"runtime"
	"testing"
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

// benchmarkKeyedReduceMemory fills a reduceByKeyAndWindow over 3 batches (slide 1) with
// 1M int keys in every batch and reports the bytes of state per key: three per-batch
// partial maps, plus the running map of the inverse form or the output map without it.
func benchmarkKeyedReduceMemory(b *testing.B, inverse bool) {
	var perKey float64
	for b.Loop() {
		before := heapAlloc()
		var inv func(a, b int64) int64
		if inverse {
			inv = diff
		}
		w := NewKeyedReduce[int64, int64](spec(3, 1, 0), sum, inv, nil, 0)
		for i := range 3 {
			w.Begin(batchTime(0, i))
			for k := range int64(benchKeys) {
				w.Add(k, 1)
			}
			w.Window()
		}
		b.StopTimer()
		perKey = float64(heapAlloc()-before) / benchKeys
		runtime.KeepAlive(w)
		b.StartTimer()
	}
	b.ReportMetric(perKey, "B/key")
}

func BenchmarkKeyedReduceMemory(b *testing.B)        { benchmarkKeyedReduceMemory(b, false) }
func BenchmarkKeyedReduceInverseMemory(b *testing.B) { benchmarkKeyedReduceMemory(b, true) }
