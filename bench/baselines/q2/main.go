package main

import "streamc.dev/streamc/bench/baselines/internal/base"

func main() {
	procs := base.Procs()
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
			data, o := shares[c], p[1+c]
			var bid base.Bid
			for i := 0; i < len(data); {
				next, ok, bad := base.NextBid(data, i, &bid)
				if !ok {
					base.BadRecord(b.Path, bad)
				}
				if bid.Auction%123 == 0 {
					o = append(o, '(')
					o = base.AppendInt(o, bid.Auction)
					o = append(o, ',')
					o = base.AppendInt(o, bid.Price)
					o = append(o, ")\n"...)
				}
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
