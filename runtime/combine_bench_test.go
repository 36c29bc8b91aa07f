package runtime_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	rt "streamc.dev/streamc/runtime"
	"streamc.dev/streamc/stdlib"
)

// benchLines returns the lines of the first file under $BENCH_INPUT/sub (a data set
// bench/gen wrote), as the files source cuts them; the benchmark is skipped without it.
func benchLines(b *testing.B, sub string) []string {
	return benchBatches(b, sub, 1)[0]
}

// benchBatches returns the lines of the first n files under $BENCH_INPUT/sub, one batch
// each: their words do not all fit in the caches, as in a run.
func benchBatches(b *testing.B, sub string, n int) [][]string {
	root := os.Getenv("BENCH_INPUT")
	if root == "" {
		b.Skip("set BENCH_INPUT to a generated data set (bench/gen)")
	}
	files, _ := filepath.Glob(filepath.Join(root, sub, "*"))
	slices.Sort(files)
	if len(files) < n {
		b.Skip("fewer than", n, "input files under", filepath.Join(root, sub))
	}
	var batches [][]string
	for _, f := range files[:n] {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		batches = append(batches, strings.Split(strings.TrimSuffix(string(data), "\n"), "\n"))
	}
	return batches
}

// BenchmarkCombineWords is the fused loop of word count's first stage, as generated
// code writes it (flatMap(words) → map((w, 1)) → map-side reduceByKey): NextWord, then
// OrderedMap.Ptr, over one batch file of the benchmark's text, the map reset per batch.
func BenchmarkCombineWords(b *testing.B) {
	lines := benchLines(b, "wordcount")
	m := rt.NewOrderedMap[string, int64](64)
	words := 0
	for b.Loop() {
		m.Reset()
		words = 0
		for _, v := range lines {
			for w, rest := stdlib.NextWord(v); w != ""; w, rest = stdlib.NextWord(rest) {
				acc, found := m.Ptr(w)
				if found {
					*acc++
				} else {
					*acc = 1
				}
				words++
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*words), "ns/word")
}

// BenchmarkTokenizeWords is NextWord alone over the same batch: the floor of
// BenchmarkCombineWords without the map.
func BenchmarkTokenizeWords(b *testing.B) {
	lines := benchLines(b, "wordcount")
	words, n := 0, 0
	for b.Loop() {
		words = 0
		for _, v := range lines {
			for w, rest := stdlib.NextWord(v); w != ""; w, rest = stdlib.NextWord(rest) {
				n += len(w)
				words++
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*words), "ns/word")
}

// BenchmarkCountWords is word count's map side as generated code runs it since
// (a, b) => a + b is applied in place (rt.CountWords), over four batch files, the map
// reset per batch; BenchmarkCountWordsFunc is the same through CombineWords with the
// function: the difference is the call per word.
func BenchmarkCountWords(b *testing.B)     { benchCountWords(b, false) }
func BenchmarkCountWordsFunc(b *testing.B) { benchCountWords(b, true) }

// BenchmarkCountWordsLines is BenchmarkCountWords through CountWordsLines, one call per
// batch: the batch's lines are cut from one text, as the files source cuts them, so
// they are split as one text.
func BenchmarkCountWordsLines(b *testing.B) {
	batches, words := benchWordBatches(b)
	m := rt.NewOrderedMap[string, int64](64)
	for b.Loop() {
		for _, ls := range batches {
			m.Reset()
			rt.CountWordsLines(m, ls, 1)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*words), "ns/word")
}

// benchWordBatches returns the lines of four batch files of the word count data set
// and the number of words they hold.
func benchWordBatches(b *testing.B) (batches [][]string, words int) {
	batches = benchBatches(b, "wordcount", 4)
	for _, ls := range batches {
		for _, l := range ls {
			words += len(strings.Fields(l))
		}
	}
	return batches, words
}

func benchCountWords(b *testing.B, withFunc bool) {
	batches, words := benchWordBatches(b)
	m := rt.NewOrderedMap[string, int64](64)
	sum := func(a, b int64) int64 { return a + b }
	for b.Loop() {
		for _, ls := range batches {
			m.Reset()
			for _, l := range ls {
				if withFunc {
					rt.CombineWords(m, l, 1, sum)
				} else {
					rt.CountWords(m, l, 1)
				}
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*words), "ns/word")
}

// BenchmarkSendByID is the end of stateful word count's map side (rt.SendByID) over the
// combine maps of eight batches, with one dictionary holding every word;
// BenchmarkSendByIDBytes is the loop it replaced, which hashed and looked up each key by
// its bytes in the input.
func BenchmarkSendByID(b *testing.B)      { benchSendByID(b, false) }
func BenchmarkSendByIDBytes(b *testing.B) { benchSendByID(b, true) }

func benchSendByID(b *testing.B, byBytes bool) {
	batches := benchBatches(b, "wordcount", 8)
	dict := rt.NewKeyDict(64)
	maps := make([]*rt.OrderedMap[string, int64], len(batches))
	keys := 0
	for i, ls := range batches {
		maps[i] = rt.NewOrderedMap[string, int64](64)
		for _, l := range ls {
			rt.CountWords(maps[i], l, 1)
		}
		for _, k := range maps[i].Keys() {
			dict.Add(k)
		}
		keys += maps[i].Len()
	}
	out := make([][]rt.KeyOrID[int64], 1)
	for b.Loop() {
		for _, m := range maps {
			out[0] = out[0][:0]
			if !byBytes {
				rt.SendByID(m, out, func(int) *rt.KeyDict { return dict })
				continue
			}
			vals := m.Values()
			for i, k := range m.Keys() {
				d := rt.Bucket(rt.HashString(k), len(out))
				e := rt.KeyOrID[int64]{ID: rt.NoID, V: vals[i]}
				if id, ok := dict.Find(k); ok {
					e.ID = id
				} else {
					e.Key = k
				}
				out[d] = append(out[d], e)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*keys), "ns/key")
}

// BenchmarkDictSumsCountWords is the map side of a stateless word count over a run-wide
// dictionary (rt.DictSums) over the same four batch files, with the dictionary holding
// their words already, as from the second batch of a run on: the counterpart of
// BenchmarkCountWords, whose map is rebuilt per batch.
func BenchmarkDictSumsCountWords(b *testing.B) {
	batches, words := benchWordBatches(b)
	d := rt.NewDictSums(1)
	batch := func(ls []string) {
		for _, l := range ls {
			d.CountWords(0, l, 1)
		}
		d.AddFresh()
		rt.AppendSums(d, nil, 0, 1, false, func(string, int64) struct{} { return struct{}{} })
		d.EndBatch()
	}
	for _, ls := range batches {
		batch(ls)
	}
	for b.Loop() {
		for _, ls := range batches {
			for _, l := range ls {
				d.CountWords(0, l, 1)
			}
			d.AddFresh()
		}
		b.StopTimer()
		rt.AppendSums(d, nil, 0, 1, false, func(string, int64) struct{} { return struct{}{} })
		d.EndBatch()
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*words), "ns/word")
}
