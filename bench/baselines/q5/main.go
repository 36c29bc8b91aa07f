package main

import "streamc.dev/streamc/bench/baselines/internal/base"

type entry struct {
	id uint32
	n  int64
}

// share is what one core fills for a batch.
type share struct {
	cnt     []int64  // by auction id; zero outside a batch
	touched []uint32 // ids whose cnt is nonzero
	local   *base.IntDict
	lcnt    []int64 // by id in local: bids on auctions not in the run's dictionary yet
}

func main() {
	const length, slide = 10_000, 2_000
	procs := base.Procs()
	dict := base.NewIntDict(1 << 16)
	work := make([]share, procs)
	for c := range work {
		work[c].local = base.NewIntDict(1 << 10)
	}
	var shares [][]byte
	files := base.Files(base.Input())
	w := base.Windows{Length: length, Slide: slide}
	times := w.Times(len(files))
	last := times[len(times)-1] / base.Interval

	ring := make([][]entry, length/base.Interval) // the lists of the batches in the window
	var window []int64                            // by id: bids in the window
	var mark []uint32                             // by id: the last window that looked at it
	var top []entry
	out := base.NewWriter()
	r := base.ReadAhead(files, 2)
	for n := int64(1); n <= last; n++ {
		slot := int(n % int64(len(ring)))
		for _, e := range ring[slot] { // the batch that slides out
			window[e.id] -= e.n
		}
		list := ring[slot][:0]
		if b, ok := r.Next(); ok {
			shares = base.Shares(shares, b.Data, procs)
			for c := range shares {
				work[c].cnt = grow(work[c].cnt, dict.Len())
			}
			base.Parallel(len(shares), func(c int) {
				s := &work[c]
				data, cnt, touched, local, lcnt := shares[c], s.cnt, s.touched[:0], s.local, s.lcnt
				var bid base.Bid
				for i := 0; i < len(data); {
					next, ok, bad := base.NextBid(data, i, &bid)
					if !ok {
						base.BadRecord(b.Path, bad)
					}
					if id, ok := dict.Find(bid.Auction); ok {
						if cnt[id] == 0 {
							touched = append(touched, id)
						}
						cnt[id]++
					} else {
						lid := local.Add(bid.Auction)
						if int(lid) == len(lcnt) {
							lcnt = append(lcnt, 0)
						}
						lcnt[lid]++
					}
					i = next
				}
				s.touched, s.lcnt = touched, lcnt
			})
			b.Release()
			// The auctions new in this batch, each once per share: added on one goroutine,
			// counted in share 0's array.
			s0 := &work[0]
			for c := range shares {
				s := &work[c]
				for lid := range s.local.Len() {
					id := dict.Add(s.local.Key(uint32(lid)))
					s0.cnt = grow(s0.cnt, dict.Len())
					if s0.cnt[id] == 0 {
						s0.touched = append(s0.touched, id)
					}
					s0.cnt[id] += s.lcnt[lid]
					s.lcnt[lid] = 0
				}
				s.local.Reset()
			}
			window = grow(window, dict.Len())
			mark = grow32(mark, dict.Len())
			// The batch's list: share 0's ids, then the others' that share 0 lacks.
			for c := range shares {
				s := &work[c]
				for _, id := range s.touched {
					k := s.cnt[id]
					if k == 0 {
						continue // already taken by an earlier share
					}
					s.cnt[id] = 0
					for d := c + 1; d < len(shares); d++ {
						if int(id) < len(work[d].cnt) {
							k += work[d].cnt[id]
							work[d].cnt[id] = 0
						}
					}
					list = append(list, entry{id, k})
					window[id] += k
				}
			}
		}
		ring[slot] = list
		if n*base.Interval%slide != 0 {
			continue
		}
		// A window closes: the ten auctions with the most bids among the ids of its
		// batches, each looked at once.
		top = top[:0]
		for _, l := range ring {
			for _, e := range l {
				if mark[e.id] == uint32(n) {
					continue
				}
				mark[e.id] = uint32(n)
				if k := window[e.id]; k > 0 {
					top = insert(top, entry{e.id, k}, dict)
				}
			}
		}
		blk := out.Get(1)
		o := base.Header(blk.Parts[0], n*base.Interval)
		for _, e := range top {
			o = append(o, '(')
			o = base.AppendInt(o, dict.Key(e.id))
			o = append(o, ',')
			o = base.AppendInt(o, e.n)
			o = append(o, ")\n"...)
		}
		blk.Parts[0] = append(o, '\n')
		out.Put(blk)
	}
	out.Close()
}

// insert puts e into top (at most ten entries, most bids first, then smaller auction).
func insert(top []entry, e entry, dict *base.IntDict) []entry {
	before := func(a, b entry) bool {
		return a.n > b.n || a.n == b.n && dict.Key(a.id) < dict.Key(b.id)
	}
	if len(top) == 10 && !before(e, top[9]) {
		return top
	}
	if len(top) < 10 {
		top = append(top, e)
	}
	i := len(top) - 1
	for i > 0 && before(e, top[i-1]) {
		top[i] = top[i-1]
		i--
	}
	top[i] = e
	return top
}

func grow(s []int64, n int) []int64 {
	for len(s) < n {
		s = append(s, 0)
	}
	return s
}

func grow32(s []uint32, n int) []uint32 {
	for len(s) < n {
		s = append(s, 0)
	}
	return s
}
