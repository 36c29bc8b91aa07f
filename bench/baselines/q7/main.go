package main

import "streamc.dev/streamc/bench/baselines/internal/base"

// higher reports whether a beats b, as the pipeline's reduce function orders bids (on a
// tie the later one, a, wins).
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

// owned is a bid whose strings are copied into its own reused buffer.
type owned struct {
	bid base.Bid
	buf []byte
	ok  bool
}

func (o *owned) set(b *base.Bid) {
	o.buf = append(append(append(o.buf[:0], b.Channel...), b.URL...), b.Extra...)
	o.bid = *b
	n1, n2 := len(b.Channel), len(b.Channel)+len(b.URL)
	o.bid.Channel, o.bid.URL, o.bid.Extra = o.buf[:n1:n1], o.buf[n1:n2:n2], o.buf[n2:]
	o.ok = true
}

func main() {
	const length = 10_000
	procs := base.Procs()
	best := make([]base.Bid, procs)
	found := make([]bool, procs)
	var shares [][]byte
	files := base.Files(base.Input())
	w := base.Windows{Length: length, Slide: length}
	times := w.Times(len(files))
	last := times[len(times)-1] / base.Interval
	var win, tmp owned
	var tf base.TimeFormat
	out := base.NewWriter()
	r := base.ReadAhead(files, 2)
	for n := int64(1); n <= last; n++ {
		if b, ok := r.Next(); ok {
			shares = base.Shares(shares, b.Data, procs)
			base.Parallel(len(shares), func(c int) {
				data := shares[c]
				var bid base.Bid
				top := &best[c]
				f := false
				for i := 0; i < len(data); {
					next, ok, bad := base.NextBid(data, i, &bid)
					if !ok {
						base.BadRecord(b.Path, bad)
					}
					if !f || higher(&bid, top) {
						*top, f = bid, true
					}
					i = next
				}
				found[c] = f
			})
			var top *base.Bid
			for c := range shares {
				if found[c] && (top == nil || higher(&best[c], top)) {
					top = &best[c]
				}
			}
			if top != nil && (!win.ok || higher(top, &win.bid)) {
				tmp.set(top) // copied before the input buffer goes back to the reader
				win, tmp = tmp, win
			}
			b.Release()
		}
		if n*base.Interval%length != 0 {
			continue
		}
		blk := out.Get(1)
		o := base.Header(blk.Parts[0], n*base.Interval)
		if win.ok {
			o = base.AppendBid(o, &win.bid, &tf)
			o = append(o, '\n')
		}
		blk.Parts[0] = append(o, '\n')
		out.Put(blk)
		win.ok = false
	}
	out.Close()
}
