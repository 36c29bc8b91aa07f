package main

import (
	"cmp"
	"slices"

	"streamc.dev/streamc/bench/baselines/internal/base"
)

type entry struct{ auction, n int64 }

func main() {
	procs := base.Procs()
	local := make([]map[int64]int64, procs)
	for i := range local {
		local[i] = map[int64]int64{}
	}
	files := base.Files(base.Input())
	perBatch := make([]map[int64]int64, len(files)+1)
	for i, path := range files {
		chunks := base.Chunks(base.ReadBatch(path), procs)
		base.Parallel(len(chunks), func(c int) {
			m := local[c]
			clear(m)
			base.Lines(chunks[c], func(line []byte) {
				b, ok := base.ParseBid(line)
				if !ok {
					base.BadRecord(path, line)
				}
				m[b.Auction]++
			})
		})
		counts := make(map[int64]int64, len(local[0]))
		for _, m := range local[:len(chunks)] {
			for k, n := range m {
				counts[k] += n
			}
		}
		perBatch[i+1] = counts
	}
	w := base.Windows{Length: 10_000, Slide: 2_000}
	var buf []byte
	window := map[int64]int64{}
	var top []entry
	for _, t := range w.Times(len(files)) {
		from, to := w.Covers(t, len(files))
		clear(window)
		for b := from; b <= to; b++ {
			for k, n := range perBatch[b] {
				window[k] += n
			}
		}
		top = top[:0]
		for a, n := range window {
			top = append(top, entry{a, n})
		}
		slices.SortFunc(top, func(x, y entry) int {
			if c := cmp.Compare(y.n, x.n); c != 0 {
				return c
			}
			return cmp.Compare(x.auction, y.auction)
		})
		buf = base.Header(buf[:0], t)
		for _, e := range top[:min(10, len(top))] {
			buf = append(buf, '(')
			buf = base.AppendInt(buf, e.auction)
			buf = append(buf, ',')
			buf = base.AppendInt(buf, e.n)
			buf = append(buf, ")\n"...)
		}
		buf = append(buf, '\n')
		base.Out.Write(buf)
	}
	base.Flush()
}
