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
	root := os.Getenv("BENCH_INPUT")
	if root == "" {
		b.Skip("set BENCH_INPUT to a generated data set (bench/gen)")
	}
	files, _ := filepath.Glob(filepath.Join(root, sub, "*"))
	slices.Sort(files)
	if len(files) == 0 {
		b.Skip("no input under " + filepath.Join(root, sub))
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		b.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
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
