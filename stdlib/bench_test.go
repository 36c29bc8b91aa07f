package stdlib_test

import (
	"testing"

	"streamc.dev/streamc/stdlib"
)

const benchLine = "the Quick brown fox jumps over the lazy dog and keeps on running far away"
const benchCSV = "2024-05-01T12:00:00Z,user42,/index.html,200,1532,,"

// sink keeps results alive so that the compiler cannot drop the calls.
var sink int

func BenchmarkWords(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sink += len(stdlib.Words(benchLine))
	}
}

func BenchmarkWordsInto(b *testing.B) {
	buf := make([]string, 0, 32)
	b.ReportAllocs()
	for b.Loop() {
		buf = stdlib.WordsInto(buf[:0], benchLine)
		sink += len(buf)
	}
}

func BenchmarkWordsSeq(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		for w := range stdlib.WordsSeq(benchLine) {
			sink += len(w)
		}
	}
}

func BenchmarkSplit(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sink += len(stdlib.Split(benchCSV, ","))
	}
}

func BenchmarkSplitInto(b *testing.B) {
	buf := make([]string, 0, 16)
	b.ReportAllocs()
	for b.Loop() {
		buf = stdlib.SplitInto(buf[:0], benchCSV, ",")
		sink += len(buf)
	}
}

func BenchmarkSplitSeq(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		for p := range stdlib.SplitSeq(benchCSV, ",") {
			sink += len(p)
		}
	}
}

func BenchmarkLower(b *testing.B) {
	b.Run("mixed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sink += len(stdlib.Lower(benchLine))
		}
	})
	b.Run("already-lower", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sink += len(stdlib.Lower("the quick brown fox"))
		}
	})
}

func BenchmarkMinInt(b *testing.B) {
	x := int64(0)
	b.ReportAllocs()
	for i := range int64(b.N) {
		x = stdlib.Min(x, i^0x55)
	}
	sink += int(x)
}

func BenchmarkToStringPair(b *testing.B) {
	p := stdlib.Tuple2[string, int64]{F1: "spark", F2: 42}
	b.ReportAllocs()
	for b.Loop() {
		sink += len(stdlib.ToString(p))
	}
}
