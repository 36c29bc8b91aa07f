package runtime_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	rt "streamc.dev/streamc/runtime"
	"streamc.dev/streamc/stdlib"
)

// combineRef is the loop generated code writes for a word count's map-side combine.
func combineRef(m *rt.OrderedMap[string, int64], line string, v int64) {
	for w, rest := stdlib.NextWord(line); w != ""; w, rest = stdlib.NextWord(rest) {
		acc, found := m.Ptr(w)
		if found {
			*acc = *acc*3 + v // not commutative: the order of combining shows
		} else {
			*acc = v
		}
	}
}

func checkCombineWords(t *testing.T, lines []string) {
	t.Helper()
	got, want := rt.NewOrderedMap[string, int64](4), rt.NewOrderedMap[string, int64](4)
	for i, l := range lines {
		rt.CombineWords(got, l, int64(i+1), func(a, b int64) int64 { return a*3 + b })
		combineRef(want, l, int64(i+1))
	}
	if !slices.Equal(got.Keys(), want.Keys()) || !slices.Equal(got.Values(), want.Values()) {
		t.Fatalf("CombineWords over %q: %q %v; NextWord and Ptr: %q %v", lines, got.Keys(), got.Values(), want.Keys(), want.Values())
	}
	// CountWords: the sum, values as large as the wrap of int64 shows.
	got.Reset()
	want.Reset()
	for i, l := range lines {
		v := int64(i+1) << 60
		rt.CountWords(got, l, v)
		for w, rest := stdlib.NextWord(l); w != ""; w, rest = stdlib.NextWord(rest) {
			acc, found := want.Ptr(w)
			if found {
				*acc += v
			} else {
				*acc = v
			}
		}
	}
	if !slices.Equal(got.Keys(), want.Keys()) || !slices.Equal(got.Values(), want.Values()) {
		t.Fatalf("CountWords over %q: %q %v; NextWord and Ptr: %q %v", lines, got.Keys(), got.Values(), want.Keys(), want.Values())
	}
	// The Lines forms, over lines that may follow each other in memory (cut from one
	// text) and so be split as one text: the same keys, order and values as line by line.
	f := func(a, b int64) int64 { return a*3 + b }
	got.Reset()
	want.Reset()
	rt.CombineWordsLines(got, lines, 7, f)
	for _, l := range lines {
		rt.CombineWords(want, l, 7, f)
	}
	if !slices.Equal(got.Keys(), want.Keys()) || !slices.Equal(got.Values(), want.Values()) {
		t.Fatalf("CombineWordsLines over %q: %q %v; line by line: %q %v", lines, got.Keys(), got.Values(), want.Keys(), want.Values())
	}
	got.Reset()
	want.Reset()
	rt.CountWordsLines(got, lines, 7)
	for _, l := range lines {
		rt.CountWords(want, l, 7)
	}
	if !slices.Equal(got.Keys(), want.Keys()) || !slices.Equal(got.Values(), want.Values()) {
		t.Fatalf("CountWordsLines over %q: %q %v; line by line: %q %v", lines, got.Keys(), got.Values(), want.Keys(), want.Values())
	}
}

// FuzzCombineWords holds the fused loop to NextWord and Ptr: the same keys in the same
// order with the same combined values, on any text (words ending at every offset of a
// load, Unicode spaces, invalid UTF-8, long words).
func FuzzCombineWords(f *testing.F) {
	for _, s := range []string{"a b a", "abcdefg abcdefgh abcdefghi a", "\u00a0x\u3000y\tz\r\n", "\xff\xfe a\x85b", "  ", "longer than sixteen bytes word",
		"abcdefgh", "a abcdefgh", "ab abcdefghijklmno", "x abcdefghijklmn", "abcdefghijklmnop q", "abcdefghijklmnopq", "seven77 eight888 fifteen15151515"} {
		f.Add(s, "a a b")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		checkCombineWords(t, []string{a, b, a})
		checkCombineWords(t, cutLines(a+"\n"+b+"\r\n"+a+"\n\n"+b))
	})
}

// cutLines cuts text into lines as the files source does (at "\n", a "\r" before it
// dropped), so that the lines follow each other in memory.
func cutLines(text string) []string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

// TestCombineWordsRandom runs random lines over an alphabet of letters, every ASCII
// white space, Unicode spaces and non-spaces and invalid bytes, through enough
// distinct words to grow the index.
func TestCombineWordsRandom(t *testing.T) {
	alpha := []string{"a", "b", "c", "d", " ", " ", "\t", "\n", "\v", "\f", "\r", "\u00a0", "\u3000", "é", "\xff", "\x85", "\x08", "\x0e"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		lines := make([]string, 50)
		for i := range lines {
			var b strings.Builder
			for range r.IntN(80) {
				b.WriteString(alpha[r.IntN(len(alpha))])
			}
			lines[i] = b.String()
		}
		checkCombineWords(t, lines)
		checkCombineWords(t, cutLines(strings.Join(lines, "\n")))
	}
	checkCombineWords(t, benchLikeLines(r, 5000))
	checkCombineWords(t, cutLines(strings.Join(benchLikeLines(r, 5000), "\r\n")))
}

// benchLikeLines returns lines of ten words of 2 to 10 letters from a vocabulary of
// 20,000, as the benchmark's text.
func benchLikeLines(r *rand.Rand, n int) []string {
	vocab := make([]string, 20_000)
	for i := range vocab {
		w := make([]byte, 2+r.IntN(9))
		for j := range w {
			w[j] = byte('a' + r.IntN(26))
		}
		vocab[i] = string(w)
	}
	lines := make([]string, n)
	for i := range lines {
		ws := make([]string, 10)
		for j := range ws {
			ws[j] = vocab[int(float64(len(vocab))*r.Float64()*r.Float64())]
		}
		lines[i] = strings.Join(ws, " ")
	}
	return lines
}

// BenchmarkCombineWordsFused is BenchmarkCombineWords through CombineWords.
func BenchmarkCombineWordsFused(b *testing.B) {
	lines := benchLines(b, "wordcount")
	m := rt.NewOrderedMap[string, int64](64)
	sum := func(a, b int64) int64 { return a + b }
	words := 0
	for _, v := range lines {
		for w, rest := stdlib.NextWord(v); w != ""; w, rest = stdlib.NextWord(rest) {
			words++
		}
	}
	for b.Loop() {
		m.Reset()
		for _, v := range lines {
			rt.CombineWords(m, v, 1, sum)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*words), "ns/word")
}
