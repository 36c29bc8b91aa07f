package main

import (
	"bytes"

	"streamc.dev/streamc/bench/baselines/internal/base"
)

// higher reports whether a beats b, as the pipeline's reduce function orders bids.
func higher(a, b *base.Bid) bool {
	if a.Price != b.Price {
		return a.Price > b.Price
	}
	if a.Auction != b.Auction {
		return a.Auction > b.Auction
	}
	if a.Bidder != b.Bidder {
		return a.Bidder > b.Bidder
	}
	return a.DateTime >= b.DateTime
}

func main() {
	procs := base.Procs()
	best := make([]base.Bid, procs)
	found := make([]bool, procs)
	files := base.Files(base.Input())
	perBatch := make([]*base.Bid, len(files)+1) // the highest bid of each batch, copied
	for i, path := range files {
		chunks := base.Chunks(base.ReadBatch(path), procs)
		base.Parallel(len(chunks), func(c int) {
			found[c] = false
			base.Lines(chunks[c], func(line []byte) {
				b, ok := base.ParseBid(line)
				if !ok {
					base.BadRecord(path, line)
				}
				if !found[c] || higher(&b, &best[c]) {
					best[c], found[c] = b, true
				}
			})
		})
		var top *base.Bid
		for c := range chunks {
			if found[c] && (top == nil || higher(&best[c], top)) {
				top = &best[c]
			}
		}
		if top != nil {
			b := *top
			b.Channel, b.URL, b.Extra = bytes.Clone(b.Channel), bytes.Clone(b.URL), bytes.Clone(b.Extra)
			perBatch[i+1] = &b
		}
	}
	w := base.Windows{Length: 10_000, Slide: 10_000}
	var buf []byte
	for _, t := range w.Times(len(files)) {
		from, to := w.Covers(t, len(files))
		var top *base.Bid
		for b := from; b <= to; b++ {
			if p := perBatch[b]; p != nil && (top == nil || higher(p, top)) {
				top = p
			}
		}
		buf = base.Header(buf[:0], t)
		if top != nil {
			buf = base.AppendBid(buf, top)
			buf = append(buf, '\n')
		}
		buf = append(buf, '\n')
		base.Out.Write(buf)
	}
	base.Flush()
}
