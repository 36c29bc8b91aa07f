package main

import (
	"flag"

	"streamc.dev/streamc/bench/baselines/internal/base"
)

func main() {
	q1 := flag.Bool("q1", false, "convert prices to euros (NEXMark q1)")
	flag.Parse()
	procs := base.Procs()
	tfs := make([]base.TimeFormat, procs)
	var shares [][]byte
	out := base.NewWriter()
	r := base.ReadAhead(base.Files(base.Input()), 2)
	for {
		b, ok := r.Next()
		if !ok {
			break
		}
		shares = base.Shares(shares, b.Data, procs)
		blk := out.Get(len(shares) + 2)
		p := blk.Parts
		p[0] = base.Header(p[0], int64(b.N)*base.Interval)
		base.Parallel(len(shares), func(c int) {
			data, o, tf := shares[c], p[1+c], &tfs[c]
			var bid base.Bid
			for i := 0; i < len(data); {
				next, ok, bad := base.NextBid(data, i, &bid)
				if !ok {
					base.BadRecord(b.Path, bad)
				}
				if *q1 {
					bid.Price = bid.Price * 89 / 100
				}
				o = base.AppendBid(o, &bid, tf)
				o = append(o, '\n')
				i = next
			}
			p[1+c] = o
		})
		b.Release()
		p[1+len(shares)] = append(p[1+len(shares)], '\n')
		out.Put(blk)
	}
	out.Close()
}
