package main

import (
	"os"
	"slices"

	"streamc.dev/streamc/bench/baselines/internal/base"
)

func main() {
	campaignOf := base.LoadCampaigns(os.Getenv("CAMPAIGNS"))
	procs := base.Procs()
	local := make([]map[string]int64, procs)
	for i := range local {
		local[i] = map[string]int64{}
	}
	files := base.Files(base.Input())
	perBatch := make([]map[string]int64, len(files)+1) // views per campaign, by batch number
	for i, path := range files {
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
					if campaign, ok := campaignOf[string(e.AdID)]; ok {
						m[campaign]++
					}
				}
			})
		})
		counts := make(map[string]int64, len(local[0]))
		for _, m := range local[:len(chunks)] {
			for k, n := range m {
				counts[k] += n
			}
		}
		perBatch[i+1] = counts
	}
	w := base.Windows{Length: 10_000, Slide: 10_000}
	var buf []byte
	for _, t := range w.Times(len(files)) {
		from, to := w.Covers(t, len(files))
		window := map[string]int64{}
		for b := from; b <= to; b++ {
			for k, n := range perBatch[b] {
				window[k] += n
			}
		}
		keys := make([]string, 0, len(window))
		for k := range window {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		buf = base.Header(buf[:0], t)
		for _, k := range keys {
			buf = append(buf, '(')
			buf = append(buf, k...)
			buf = append(buf, ',')
			buf = base.AppendInt(buf, window[k])
			buf = append(buf, ")\n"...)
		}
		buf = append(buf, '\n')
		base.Out.Write(buf)
	}
	base.Flush()
}
