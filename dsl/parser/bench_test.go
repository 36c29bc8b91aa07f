package parser

import (
	"strings"
	"testing"
)

func BenchmarkParse(b *testing.B) {
	src := []byte(strings.Repeat("let x = a.map(v => (v, 1)).reduceByKey((a, b) => a + b) // c\n", 1000))
	b.SetBytes(int64(len(src)))
	for i := 0; i < b.N; i++ {
		ParseFile("t", src)
	}
}
