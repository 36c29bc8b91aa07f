package main

import "streamc.dev/streamc/bench/baselines/internal/base"

func main() {
	procs := base.Procs()
	dict := base.NewDict(1 << 12)
	counts := make([][]uint32, procs) // per share, by ad id; zero between batches
	misses := make([][][]byte, procs)
	var shares [][]byte
	out := base.NewWriter()
	r := base.ReadAhead(base.Files(base.Input()), 2)
	for {
		b, ok := r.Next()
		if !ok {
			break
		}
		shares = base.Shares(shares, b.Data, procs)
		for c := range shares {
			counts[c] = grow(counts[c], dict.Len())
		}
		base.Parallel(len(shares), func(c int) {
			data, cnt, miss := shares[c], counts[c], misses[c][:0]
			var e base.AdEvent
			for i := 0; i < len(data); {
				next, ok, bad := base.NextAdEvent(data, i, &e)
				if !ok {
					base.BadRecord(b.Path, bad)
				}
				if string(e.EventType) == "view" {
					h, pre := base.Hash(e.AdID)
					if id, ok := dict.Find(h, pre, e.AdID); ok {
						cnt[id]++
					} else {
						miss = append(miss, e.AdID)
					}
				}
				i = next
			}
			misses[c] = miss
		})
		for c := range shares {
			for _, ad := range misses[c] {
				h, pre := base.Hash(ad)
				id := dict.Add(h, pre, ad)
				counts[0] = grow(counts[0], dict.Len())
				counts[0][id]++
			}
		}
		b.Release()
		blk := out.Get(1)
		o := base.Header(blk.Parts[0], int64(b.N)*base.Interval)
		for _, id := range dict.Sorted() {
			var k uint32
			for c := range shares {
				if int(id) < len(counts[c]) {
					k += counts[c][id]
					counts[c][id] = 0
				}
			}
			if k != 0 {
				o = base.AppendPair(o, dict.String(id), int64(k))
			}
		}
		blk.Parts[0] = append(o, '\n')
		out.Put(blk)
	}
	out.Close()
}

func grow(s []uint32, n int) []uint32 {
	for len(s) < n {
		s = append(s, 0)
	}
	return s
}
