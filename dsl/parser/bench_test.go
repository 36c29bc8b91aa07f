package parser

import (
	"strings"
	"testing"
)

// BenchmarkParse measures the parser on a file of typical statements.
func BenchmarkParse(b *testing.B) {
	src := []byte(strings.Repeat("let x = a.map(v => (v, 1)).reduceByKey((a, b) => a + b) // c\n", 1000))
	b.SetBytes(int64(len(src)))
	for i := 0; i < b.N; i++ {
		ParseFile("t", src)
	}
}
