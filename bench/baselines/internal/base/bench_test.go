package base

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The benchmarks read one file of the generated data ($BENCH_INPUT: the data set's root,
// as bench/gen writes it); they are skipped without it.
func benchFile(b *testing.B, sub string) []byte {
	root := os.Getenv("BENCH_INPUT")
	if root == "" {
		b.Skip("set BENCH_INPUT to a generated data set (bench/gen)")
	}
	files := Files(filepath.Join(root, sub))
	data, _ := readFile(files[0], nil)
	b.SetBytes(int64(len(data)))
	return data
}

func BenchmarkNextBid(b *testing.B) {
	data := benchFile(b, "nexmark/bids")
	var bid Bid
	for b.Loop() {
		for i := 0; i < len(data); {
			next, ok, _ := NextBid(data, i, &bid)
			if !ok {
				b.Fatal("bad record")
			}
			i = next
		}
	}
}

func BenchmarkNextAdEvent(b *testing.B) {
	data := benchFile(b, "ysb/events")
	var e AdEvent
	for b.Loop() {
		for i := 0; i < len(data); {
			next, ok, _ := NextAdEvent(data, i, &e)
			if !ok {
				b.Fatal("bad record")
			}
			i = next
		}
	}
}

func BenchmarkCountWords(b *testing.B) {
	data := benchFile(b, "wordcount")
	d, local := NewDict(1<<16), NewDict(16)
	lcnt := CountWords(d, local, data, nil, nil)
	cnt := AddNew(d, local, lcnt, nil)
	for b.Loop() {
		CountWords(d, local, data, cnt, nil)
	}
}

// BenchmarkLinesOnly is the floor of the decoders: finding the line ends alone.
func BenchmarkLinesOnly(b *testing.B) {
	data := benchFile(b, "nexmark/bids")
	n := 0
	for b.Loop() {
		for i := 0; i < len(data); {
			i += bytes.IndexByte(data[i:], '\n') + 1
			n++
		}
	}
}
