package main

import (
	"slices"

	"streamc.dev/streamc/bench/baselines/internal/base"
)

func main() {
	procs := base.Procs()
	local := make([]map[string]int64, procs)
	for i := range local {
		local[i] = map[string]int64{}
	}
	var buf []byte
	for i, path := range base.Files(base.Input()) {
		chunks := base.Chunks(base.ReadBatch(path), procs)
		base.Parallel(len(chunks), func(c int) {
			m := local[c]
			clear(m)
			base.Lines(chunks[c], func(line []byte) {
				e, ok := base.ParseAdEvent(line)
				if !ok {
					base.BadRecord(path, line)
				}
				if string(e.EventType) == "view" {
					m[string(e.AdID)]++
				}
			})
		})
		counts := local[0]
		for _, m := range local[1:len(chunks)] {
			for k, n := range m {
				counts[k] += n
			}
		}
		ads := make([]string, 0, len(counts))
		for k := range counts {
			ads = append(ads, k)
		}
		slices.Sort(ads)
		buf = base.Header(buf[:0], int64(i+1)*base.Interval)
		for _, a := range ads {
			buf = append(buf, '(')
			buf = append(buf, a...)
			buf = append(buf, ',')
			buf = base.AppendInt(buf, counts[a])
			buf = append(buf, ")\n"...)
		}
		buf = append(buf, '\n')
		base.Out.Write(buf)
	}
	base.Flush()
}
