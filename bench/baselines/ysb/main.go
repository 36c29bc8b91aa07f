package main

import (
	"os"

	"streamc.dev/streamc/bench/baselines/internal/base"
)

func main() {
	const length = 10_000
	camp := base.LoadCampaigns(os.Getenv("CAMPAIGNS"))
	procs := base.Procs()
	counts := make([][]int64, procs) // per share, by campaign rank
	for c := range counts {
		counts[c] = make([]int64, len(camp.Names))
	}
	window := make([]int64, len(camp.Names))
	var shares [][]byte
	files := base.Files(base.Input())
	w := base.Windows{Length: length, Slide: length}
	times := w.Times(len(files))
	last := times[len(times)-1] / base.Interval
	out := base.NewWriter()
	r := base.ReadAhead(files, 2)
	for n := int64(1); n <= last; n++ {
		if b, ok := r.Next(); ok {
			shares = base.Shares(shares, b.Data, procs)
			base.Parallel(len(shares), func(c int) {
				data, cnt := shares[c], counts[c]
				var e base.AdEvent
				for i := 0; i < len(data); {
					next, ok, bad := base.NextAdEvent(data, i, &e)
					if !ok {
						base.BadRecord(b.Path, bad)
					}
					if string(e.EventType) == "view" {
						h, pre := base.Hash(e.AdID)
						if ad, ok := camp.Ads.Find(h, pre, e.AdID); ok {
							cnt[camp.CampaignOf[ad]]++
						}
					}
					i = next
				}
			})
			b.Release()
			for c := range shares {
				for k, v := range counts[c] {
					window[k] += v
				}
				clear(counts[c])
			}
		}
		if n*base.Interval%length != 0 {
			continue
		}
		blk := out.Get(1)
		o := base.Header(blk.Parts[0], n*base.Interval)
		for k, v := range window {
			if v != 0 {
				o = base.AppendPair(o, camp.Names[k], v)
			}
		}
		blk.Parts[0] = append(o, '\n')
		out.Put(blk)
		clear(window)
	}
	out.Close()
}
