package main

import (
	"flag"

	"streamc.dev/streamc/bench/baselines/internal/base"
)

func main() {
	state := flag.Bool("state", false, "also print the running totals (updateStateByKey)")
	flag.Parse()
	procs := base.Procs()
	dict := base.NewDict(1 << 16)
	counts := make([][]uint32, procs)   // per share, by word id; zero between batches
	locals := make([]*base.Dict, procs) // per share: the batch's words not in dict yet
	lcnts := make([][]uint32, procs)    // per share: their counts, by local id
	for c := range locals {
		locals[c] = base.NewDict(1 << 10)
	}
	var totals []int64 // by word id
	var shares [][]byte
	out := base.NewWriter()
	r := base.ReadAhead(base.Files(base.Input()), 2)
	for {
		b, ok := r.Next()
		if !ok {
			break
		}
		t := int64(b.N) * base.Interval
		shares = base.Shares(shares, b.Data, procs)
		for c := range shares {
			counts[c] = grow(counts[c], dict.Len())
		}
		base.Parallel(len(shares), func(c int) {
			lcnts[c] = base.CountWords(dict, locals[c], shares[c], counts[c], lcnts[c])
		})
		// The words the dictionary did not hold, each once per share: added on one
		// goroutine, counted in share 0's array.
		for c := range shares {
			counts[0] = base.AddNew(dict, locals[c], lcnts[c], counts[0])
		}
		b.Release()
		n := dict.Len()
		for c := range shares {
			counts[c] = grow(counts[c], n)
		}
		totals = grow64(totals, n)
		order := dict.Sorted()

		// Output: per core one range of the sorted ids, formatted into part 1+c (the
		// batch's counts) and, with -state, part 2+parts+c (the totals).
		parts := len(shares)
		blk := out.Get(3 + 2*parts)
		p := blk.Parts
		p[0] = base.Header(p[0], t)
		base.Parallel(parts, func(c int) {
			lo, hi := len(order)*c/parts, len(order)*(c+1)/parts
			batch, tot := p[1+c], p[2+parts+c]
			for _, id := range order[lo:hi] {
				var k uint32
				for s := range parts {
					k += counts[s][id]
					counts[s][id] = 0
				}
				if k != 0 {
					batch = base.AppendPair(batch, dict.String(id), int64(k))
				}
				if *state {
					totals[id] += int64(k)
					tot = base.AppendPair(tot, dict.String(id), totals[id])
				}
			}
			p[1+c], p[2+parts+c] = batch, tot
		})
		p[1+parts] = append(p[1+parts], '\n')
		if *state {
			p[1+parts] = base.Header(p[1+parts], t)
			p[2+2*parts] = append(p[2+2*parts], '\n')
		}
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

func grow64(s []int64, n int) []int64 {
	for len(s) < n {
		s = append(s, 0)
	}
	return s
}
