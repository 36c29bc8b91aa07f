package runtime

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkOrderedMapInt is the map-side combine of q5 (bids counted per auction): a
// batch of 100,000 integer keys over 20,000 auctions, most of them already present.
func BenchmarkOrderedMapInt(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	keys := make([]int64, 100_000)
	for i := range keys {
		keys[i] = 1000 + int64(r.IntN(20_000))
	}
	m := NewOrderedMap[int64, int64](1024)
	b.ReportAllocs()
	for b.Loop() {
		m.Reset()
		for _, k := range keys {
			v, _ := m.Ptr(k)
			*v++
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(keys)), "ns/key")
}
