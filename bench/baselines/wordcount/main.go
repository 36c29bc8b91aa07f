package main

import (
	"flag"
	"slices"

	"streamc.dev/streamc/bench/baselines/internal/base"
)

func main() {
	state := flag.Bool("state", false, "also print the running totals (updateStateByKey)")
	flag.Parse()
	procs := base.Procs()
	// One map per goroutine, reused from batch to batch: looking a word up by
	// string(bytes) does not allocate, only a new key does.
	local := make([]map[string]int64, procs)
	for i := range local {
		local[i] = make(map[string]int64, 1<<12)
	}
	totals := map[string]int64{}
	var keys []string // the keys of totals, sorted
	var buf []byte
	for i, path := range base.Files(base.Input()) {
		t := int64(i+1) * base.Interval
		chunks := base.Chunks(base.ReadBatch(path), procs)
		base.Parallel(len(chunks), func(c int) {
			m := local[c]
			clear(m)
			data := chunks[c]
			for j := 0; j < len(data); {
				for j < len(data) && isSpace(data[j]) {
					j++
				}
				k := j
				for k < len(data) && !isSpace(data[k]) {
					k++
				}
				if k > j {
					m[string(data[j:k])]++
				}
				j = k
			}
		})
		batch := local[0]
		for _, m := range local[1:len(chunks)] {
			for w, n := range m {
				batch[w] += n
			}
		}
		words := make([]string, 0, len(batch))
		for w := range batch {
			words = append(words, w)
		}
		slices.Sort(words)
		buf = base.Header(buf[:0], t)
		for _, w := range words {
			buf = appendPair(buf, w, batch[w])
		}
		buf = append(buf, '\n')
		if *state {
			var fresh []string
			for _, w := range words {
				if old, ok := totals[w]; ok {
					totals[w] = old + batch[w]
				} else {
					totals[w] = batch[w]
					fresh = append(fresh, w)
				}
			}
			if len(fresh) > 0 { // words is sorted, so fresh is too: merge them in
				keys = mergeSorted(keys, fresh)
			}
			buf = base.Header(buf, t)
			for _, w := range keys {
				buf = appendPair(buf, w, totals[w])
			}
			buf = append(buf, '\n')
		}
		_, err := base.Out.Write(buf)
		base.Check(err)
	}
	base.Flush()
}

// isSpace reports the ASCII white space words() splits on (the data is ASCII).
func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' || c == '\f'
}

func appendPair(dst []byte, w string, n int64) []byte {
	dst = append(dst, '(')
	dst = append(dst, w...)
	dst = append(dst, ',')
	dst = base.AppendInt(dst, n)
	return append(dst, ")\n"...)
}

// mergeSorted merges two sorted, disjoint slices.
func mergeSorted(a, b []string) []string {
	out := make([]string, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if a[i] < b[j] {
			out = append(out, a[i])
			i++
		} else {
			out = append(out, b[j])
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}
