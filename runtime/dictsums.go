package runtime

import (
	"iter"
	"math/bits"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"
)

// DictSums is a stateless word count's reduceByKey over one key dictionary that lives
// from batch to batch:
//
//	flatMap(l => words(e)).map(w => (w, v)).reduceByKey((a, b) => a + b).sortByKey()
//
// Generated code uses it in place of the map-side combine maps, the exchange by key,
// the reduce side's merge maps and the per-partition sorts of that chain (codegen's
// dictSum; bench/PERF_NOTES.md, issue #18). Each partition of the map side looks its
// words up in the dictionary, which nothing changes while the map side runs, and
// counts them in its own array by key id (see dictSumPart); the words the dictionary
// lacks go into the partition's small map of new words, which AddFresh adds to the
// dictionary once the map side is done. The reduce side then walks the dictionary's
// ids in byte order of their keys (kept sorted from batch to batch: only new keys are
// sorted), one range of that order per partition, and sums each key's values over the
// map side's partitions.
//
// What it saves against the general chain: a word's key is looked up once, in a table
// every core shares, instead of in a per-partition combine map that each batch rebuilds
// (at two cores each core's map sees most of the batch's distinct words, and inserts
// them); the keys are never sent, merged by hash, nor sorted per batch.
//
// The results are those of the general chain: the same (key, sum) pairs, sums wrapping
// as Go's int64 addition and multiplication do (a count n of a value v adds n*v, which
// wraps as n additions of v do; the order in which the partitions' values are added
// does not matter), each key of the batch once, in byte order. A key counts as present
// when it occurred, even if its values sum to zero: each partition marks the ids it
// saw in a bit set.
//
// The dictionary holds keys of earlier batches too; so that a stream of ever new keys
// does not make it grow without bound, EndBatch rebuilds it with the batch's own keys
// when it holds more than twice as many and more than dictSumsKeep.
//
// WithTotals makes it also hold updateStateByKey's running sum of the chain's result,
// Spark's StatefulNetworkWordCount:
//
//	....reduceByKey((a, b) => a + b).updateStateByKey((news, total) => some(sum(news) + total.getOrElse(0)))
//
// as one total per key id: the reduce side adds each key's sum of the batch to it as it
// reads the sum (AppendSums, FoldSums), and AppendTotals hands every key with state to
// the state's sortByKey, in byte order. A key keeps its state for good (the function
// always returns some), so every key of the dictionary has a total and the dictionary
// is never rebuilt: it is the state's key set, as the state store's dictionary would be.
type DictSums struct {
	dict  *KeyDict
	parts []*dictSumPart // apart, each written by its own core only
	order []uint32       // the dictionary's ids in byte order of their keys, for the reduce side
	seen  []uint64       // EndBatch's union of the partitions' marks
	ids   []uint32       // AddFresh's ids of a partition's new words
	// open says a batch began and has not ended: Begin then finds what a failed
	// attempt left behind.
	open bool
	// totals is the running sum of every key, by id, when the chain ends in
	// updateStateByKey's running sum (WithTotals); nil otherwise.
	totals []int64
	// pieces are the texts Share gave the map side, cut at line ends, and next the
	// first piece no partition has taken (CountShared).
	pieces []string
	next   atomic.Int64
}

// dictPieceBytes is about the size of the pieces Share cuts texts into: small enough
// that the partitions end within a fraction of a millisecond of each other, large
// enough that taking one costs nothing next to counting it. A variable so that tests
// can cut small texts.
var dictPieceBytes = 64 << 10

// dictSumPart is what one partition of the map side adds into.
//
// The words found in the dictionary are counted, not summed: counts is half the width
// of int64 sums, and the loop's one store per word misses the cache less (the map side
// took 14.7-16.9 ns a word against 16.6-21.9 with int64 sums, BenchmarkDictSumsCountWords,
// six alternating runs). A count is worth v, the value of the calls since the last
// settle; a call with another v, or text that could make a count wrap (room), first
// moves the counts into spill, as sums. New words' sums go to spill too (AddFresh).
type dictSumPart struct {
	// The dictionary's table, for the map side's loop (set by table when it changes).
	slots  []dictSlot
	shift  uint
	dict   *KeyDict
	counts []uint32 // by id: occurrences since the last settle; zero outside a batch
	v      int64    // what each occurrence in counts adds
	room   int      // bytes of text counts can still take: each word takes at least one
	seen   []uint64 // bit id: the key occurred in this partition in this batch
	// spill holds sums by id where spilled has the id's bit: counts settled at another
	// v, and new words' sums. Both are nil until first needed.
	spill   []int64
	spilled []uint64
	fresh   *OrderedMap[string, int64]
}

// dictSumsKeep is the number of keys below which EndBatch never rebuilds the
// dictionary; a variable so that tests can send small runs through the rebuild.
var dictSumsKeep = 1 << 16

// dictCountRoom is the text a partition's counts take between settles: fewer bytes than
// a uint32 can count, so no count wraps. A variable so that tests can settle often.
var dictCountRoom = 1<<32 - 1

// NewDictSums returns a DictSums for a map side of parts partitions.
func NewDictSums(parts int) *DictSums {
	d := &DictSums{dict: NewKeyDict(0), parts: make([]*dictSumPart, parts)}
	for p := range d.parts {
		d.parts[p] = &dictSumPart{fresh: NewOrderedMap[string, int64](64)}
	}
	d.table()
	return d
}

// WithTotals makes d keep the running sum of every key (see DictSums) and returns d.
func (d *DictSums) WithTotals() *DictSums {
	d.totals = make([]int64, d.dict.Len())
	return d
}

// Begin starts a batch, on one goroutine, before the map side: when the last batch
// began and did not end (it failed between its map side and EndBatch, and is being
// computed again or given up), it clears the sums, marks and new words that attempt
// left, so that nothing is counted twice.
//
// With totals, an attempt that failed may have added part of its sums to them, which
// cannot be taken back: Begin then panics (the batch fails) rather than count a key's
// values twice. The engine never computes a failed batch again in the same process (the
// run ends, and a restart restores the state from the last checkpoint), so this is for
// other callers of Job.RunBatch.
func (d *DictSums) Begin() {
	if d.totals != nil {
		if d.open {
			panic("DictSums: a batch after a failed one, with running totals that the failed batch may have changed")
		}
		// After PutTotal (a checkpoint's state) the partitions' arrays and view of the
		// table are sized and set here.
		d.grow()
		d.table()
	}
	if d.open {
		for _, pt := range d.parts {
			clear(pt.counts)
			clear(pt.seen)
			clear(pt.spill)
			clear(pt.spilled)
			pt.fresh.Reset()
		}
	}
	d.open = true
	for _, pt := range d.parts {
		pt.room = dictCountRoom // the counts are all zero
	}
}

// CountWords splits line as words() does and adds v to each word's sum in partition p
// of the map side. Partitions may call it at once; the dictionary is only read.
//
// It is combineWords with the dictionary's lookup of a word of up to 8 bytes written
// into the loop, which is why the loop is written twice: through combineWords's sink,
// a call per word the compiler does not inline (a method of a type parameter), the map
// side took 22.0-25.2 ns a word in BenchmarkDictSumsCountWords against 17.5-21.0 with
// the loop written out; and sharing the rest of the loop (words longer than 8 bytes) as
// a function made combineWords's hot path about 5% slower. Words of 9 to 15 bytes are
// cut from two loads as there; other words take combineWords's exact path.
func (d *DictSums) CountWords(p int, line string, v int64) {
	pt := d.parts[p]
	if v != pt.v || len(line) > pt.room {
		pt.settle(v)
	}
	pt.room -= len(line)
	slots, shift := pt.slots, pt.shift
	mask := uint64(len(slots) - 1)
	s := line
	i := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if asciiSpace(c) {
				i++
				continue
			}
			if len(s) >= 8 {
				x := load8(s, i)
				mk := wordEndMask(x)
				if r := len(s) - i; r < 8 {
					mk |= 0x80 << (8 * r) // the line's end ends the word
				}
				if mk != 0 && (mk&-mk)&x == 0 { // a word of up to 8 bytes
					k := bits.TrailingZeros64(mk) >> 3
					lo := x & (1<<(8*k) - 1)
					n := uint64(k)
					h := packed{lo: lo}.hash(n)
					t := dictTag(h, n)
					for slot := h >> shift; ; slot = (slot + 1) & mask {
						sl := &slots[slot]
						if sl.key == lo && sl.meta>>32 == t { // the tag holds the length
							pt.count(uint32(sl.meta) - 1)
							break
						}
						if sl.meta == 0 {
							sumWords{pt.fresh}.combine(s[i:i+k], packed{lo: lo}, n, h, v)
							break
						}
					}
					i += k + 1
					continue
				}
				if mk == 0 && len(s)-i > 8 {
					x2 := load8(s, i+8)
					mk2 := wordEndMask(x2)
					if r := len(s) - i - 8; r < 8 {
						mk2 |= 0x80 << (8 * r)
					}
					if mk2 != 0 && (mk2&-mk2)&x2 == 0 { // a word of 9 to 15 bytes
						k := bits.TrailingZeros64(mk2) >> 3
						pk := packed{lo: x, hi: x2 & (1<<(8*k) - 1)}
						n := uint64(8 + k)
						pt.combine(s[i:i+8+k], pk, n, pk.hash(n), v)
						i += 8 + k + 1
						continue
					}
				}
			}
		} else if r, size := utf8.DecodeRuneInString(s[i:]); unicode.IsSpace(r) {
			i += size
			continue
		}
		j, next := wordEnd(s, i)
		w := s[i:j]
		pk, n := pack(w)
		pt.combine(w, pk, n, keyHash(w, pk, n), v)
		i = next
	}
}

// Share gives the map side the batch's texts of whole lines (texts[p] partition p's, as
// a files source splits them), for its partitions to count together: CountShared. A
// partition that starts late, or that another goroutine slows down (the source reading
// the next file holds a processor for milliseconds), then counts fewer pieces instead of
// making the others wait for it (issue #18). The sums do not depend on which partition
// counts what. Call it after Begin, before the partitions.
func (d *DictSums) Share(texts [][]string) {
	d.pieces = d.pieces[:0]
	for _, part := range texts {
		for _, t := range part {
			for len(t) > dictPieceBytes {
				k := strings.IndexByte(t[dictPieceBytes:], '\n')
				if k < 0 {
					break
				}
				cut := dictPieceBytes + k + 1 // after the line end: no word is cut
				d.pieces = append(d.pieces, t[:cut])
				t = t[cut:]
			}
			if t != "" {
				d.pieces = append(d.pieces, t)
			}
		}
	}
	d.next.Store(0)
}

// CountShared is partition p's part of counting the texts given to Share: it takes the
// next piece no partition has taken and counts its words (CountWords), until none is
// left.
func (d *DictSums) CountShared(p int, v int64) {
	for {
		k := int(d.next.Add(1) - 1)
		if k >= len(d.pieces) {
			return
		}
		d.CountWords(p, d.pieces[k], v)
	}
}

// CountLines is CountWords for each of lines, lines that follow each other in memory
// counted as one text (lineRuns).
func (d *DictSums) CountLines(p int, lines []string, v int64) {
	for run := range lineRuns(lines) {
		d.CountWords(p, run, v)
	}
}

// combine counts a word by its id in the dictionary, or adds its value into the
// partition's map of new words when the dictionary lacks it.
func (pt *dictSumPart) combine(w string, p packed, n, h uint64, v int64) {
	if id, ok := pt.dict.find(w, p, n, h); ok {
		pt.count(id)
		return
	}
	sumWords{pt.fresh}.combine(w, p, n, h, v)
}

// count counts one occurrence of id, and marks it.
func (pt *dictSumPart) count(id uint32) {
	pt.counts[id]++
	pt.seen[id>>6] |= 1 << (id & 63)
}

// sizeSpill sizes spill and spilled as counts and seen.
func (pt *dictSumPart) sizeSpill() {
	if len(pt.spill) < len(pt.counts) {
		pt.spill = append(pt.spill, make([]int64, len(pt.counts)-len(pt.spill))...)
	}
	if len(pt.spilled) < len(pt.seen) {
		pt.spilled = append(pt.spilled, make([]uint64, len(pt.seen)-len(pt.spilled))...)
	}
}

// settle moves the counts into spill as sums at the current v, and makes v the value
// of the occurrences counted from now on. Only the ids marked seen can have counts.
func (pt *dictSumPart) settle(v int64) {
	for w, word := range pt.seen {
		for ; word != 0; word &= word - 1 {
			id := uint32(w<<6 | bits.TrailingZeros64(word))
			if c := pt.counts[id]; c != 0 {
				pt.spillAdd(id, int64(c)*pt.v)
				pt.counts[id] = 0
			}
		}
	}
	pt.v, pt.room = v, dictCountRoom
}

// spillAdd adds sum to id's spilled sum.
func (pt *dictSumPart) spillAdd(id uint32, sum int64) {
	pt.sizeSpill()
	pt.spill[id] += sum
	pt.spilled[id>>6] |= 1 << (id & 63)
}

// AddFresh ends the map side, on one goroutine: it adds each partition's new words to
// the dictionary (their sums into partition 0's spill) and brings the order of the keys
// up to date for the reduce side.
func (d *DictSums) AddFresh() {
	for p := range d.parts {
		fresh := d.parts[p].fresh
		if fresh.Len() == 0 {
			continue
		}
		ids := d.ids[:0]
		for _, k := range fresh.Keys() {
			id, _ := d.dict.Add(k)
			ids = append(ids, id)
		}
		d.grow()
		pt := d.parts[0]
		for i, v := range fresh.Values() {
			id := ids[i]
			pt.spillAdd(id, v)
			pt.seen[id>>6] |= 1 << (id & 63)
		}
		d.ids = ids
		fresh.Reset()
	}
	d.order = d.dict.Sorted()
	d.table()
}

// table hands the dictionary's table to the partitions, after it changed.
func (d *DictSums) table() {
	for _, pt := range d.parts {
		pt.slots, pt.shift, pt.dict = d.dict.slots, d.dict.shift, d.dict
	}
}

// grow sizes every partition's arrays, and the totals if kept, to the dictionary.
func (d *DictSums) grow() {
	n := d.dict.Len()
	if d.totals != nil && len(d.totals) < n {
		d.totals = append(d.totals, make([]int64, n-len(d.totals))...)
	}
	for p := range d.parts {
		pt := d.parts[p]
		if len(pt.counts) < n {
			pt.counts = append(pt.counts, make([]uint32, max(n, 2*len(pt.counts))-len(pt.counts))...)
		}
		if w := (n + 63) / 64; len(pt.seen) < w {
			pt.seen = append(pt.seen, make([]uint64, max(w, 2*len(pt.seen))-len(pt.seen))...)
		}
		if pt.spill != nil {
			pt.sizeSpill()
		}
	}
}

// AppendSums is the reduce side's partition r of n: it appends mk(key, sum) to dst for
// each key of the batch in the r-th of n equal ranges of the keys' byte order (reversed
// when desc), and clears the sums it read (adding them to the totals, if kept).
// Partitions may call it at once, after AddFresh.
func AppendSums[T any](d *DictSums, dst []T, r, n int, desc bool, mk func(string, int64) T) []T {
	d.eachSum(r, n, desc, func(id uint32, sum int64) {
		dst = append(dst, mk(d.dict.Key(id), sum))
	})
	return dst
}

// RenderSums is AppendSums for a sortByKey whose result only print reads: it renders
// the partition's elements, mk(key, sum), into r (see Rendered) instead of appending
// them.
func RenderSums[T any](d *DictSums, r *Rendered, p, n int, desc bool, mk func(string, int64) T, render func([]byte, T) []byte) {
	x := *r // the partitions' Rendered are next to each other: each writes its own copy
	d.eachSum(p, n, desc, func(id uint32, sum int64) {
		if x.full() {
			x.n++ // counted, not rendered: mk is not called
			return
		}
		renderNext(&x, mk(d.dict.Key(id), sum), render)
	})
	*r = x
}

// FoldSums is AppendSums for a chain whose batch result only updateStateByKey reads:
// the sums of partition r's range of the keys go to their totals alone.
func (d *DictSums) FoldSums(r, n int) { d.eachSum(r, n, false, nil) }

// eachSum sums the values of each key of the batch in the r-th of n ranges of the keys'
// byte order (reversed when desc) over the map side's partitions, clears them, adds
// the sum to the key's total when totals are kept, and calls emit (unless nil) with it.
func (d *DictSums) eachSum(r, n int, desc bool, emit func(id uint32, sum int64)) {
	order := d.order
	lo, hi := keyRange(len(order), r, n, desc)
	totals := d.totals
	one := func(id uint32) {
		var sum int64
		present := false
		for p := range d.parts {
			pt := d.parts[p]
			if pt.seen[id>>6]&(1<<(id&63)) != 0 {
				sum += int64(pt.counts[id]) * pt.v
				pt.counts[id] = 0
				present = true
				if pt.spilled != nil && pt.spilled[id>>6]&(1<<(id&63)) != 0 {
					sum += pt.spill[id]
					pt.spill[id] = 0
				}
			}
		}
		if !present {
			return
		}
		if totals != nil {
			totals[id] += sum
		}
		if emit != nil {
			emit(id, sum)
		}
	}
	keys := order[lo:hi]
	for i := range keys {
		one(keys[walk(i, len(keys), desc)])
	}
}

// AppendTotals is the state's partition r of n: it appends mk(key, total) to dst for
// every key with state (every key of the dictionary) in the r-th of n equal ranges of
// the keys' byte order (reversed when desc). Partitions may call it at once, after the
// reduce side's partitions are done.
func AppendTotals[T any](d *DictSums, dst []T, r, n int, desc bool, mk func(string, int64) T) []T {
	lo, hi := keyRange(len(d.order), r, n, desc)
	keys := d.order[lo:hi]
	for i := range keys {
		id := keys[walk(i, len(keys), desc)]
		dst = append(dst, mk(d.dict.Key(id), d.totals[id]))
	}
	return dst
}

// RenderTotals is AppendTotals for a sortByKey whose result only print reads: it renders
// the partition's elements, mk(key, total), into r (see Rendered).
func RenderTotals[T any](d *DictSums, r *Rendered, p, n int, desc bool, mk func(string, int64) T, render func([]byte, T) []byte) {
	lo, hi := keyRange(len(d.order), p, n, desc)
	keys := d.order[lo:hi]
	x := *r // as in RenderSums
	// The first m are rendered, the rest only counted.
	m := min(len(keys), max(x.num-x.n, 0))
	for i := range m {
		id := keys[walk(i, len(keys), desc)]
		renderNext(&x, mk(d.dict.Key(id), d.totals[id]), render)
	}
	x.n += len(keys) - m
	*r = x
}

// keyRange returns the positions [lo, hi) in the keys' byte order, of n keys in all,
// of partition r of parts: the r-th of parts equal ranges, counted from the end when
// desc (the partition then walks it backwards).
func keyRange(n, r, parts int, desc bool) (lo, hi int) {
	lo, hi = n*r/parts, n*(r+1)/parts
	if desc {
		lo, hi = n-hi, n-lo
	}
	return lo, hi
}

// walk returns the position of the i-th key a partition walks in its range of n keys
// (keyRange): i, or counted from the end when desc.
func walk(i, n int, desc bool) int {
	if desc {
		return n - 1 - i
	}
	return i
}

// TotalsLen returns the number of keys with state (all the dictionary's keys).
func (d *DictSums) TotalsLen() int { return len(d.totals) }

// Totals iterates over the keys with state and their totals, in byte order of the keys:
// what a checkpoint saves. Called between batches.
func (d *DictSums) Totals() iter.Seq2[string, int64] {
	return func(yield func(string, int64) bool) {
		for _, id := range d.dict.Sorted() {
			if !yield(d.dict.Key(id), d.totals[id]) {
				return
			}
		}
	}
}

// PutTotal sets k's total to v: a checkpoint's state, restored before the first batch
// (Begin sizes the partitions' arrays, AddFresh brings the keys' order up to date).
func (d *DictSums) PutTotal(k string, v int64) {
	id, _ := d.dict.Add(k)
	if int(id) >= len(d.totals) {
		d.totals = append(d.totals, make([]int64, int(id)+1-len(d.totals))...)
	}
	d.totals[id] = v
}

// EndBatch ends the reduce side, on one goroutine: it clears the partitions' marks, and
// rebuilds the dictionary with the batch's keys alone when it holds more than twice as
// many and more than dictSumsKeep (the keys handed out stay valid: a dictionary's bytes
// are never overwritten).
func (d *DictSums) EndBatch() {
	d.open = false
	for _, pt := range d.parts {
		clear(pt.spilled) // the spill itself was cleared where read
	}
	n := d.dict.Len()
	if n <= dictSumsKeep || d.totals != nil { // with totals every key is live
		for p := range d.parts {
			clear(d.parts[p].seen)
		}
		return
	}
	seen := d.seen[:0]
	seen = append(seen, make([]uint64, (n+63)/64)...)
	live := 0
	for p := range d.parts {
		for i, w := range d.parts[p].seen[:len(seen)] {
			seen[i] |= w
		}
		clear(d.parts[p].seen)
	}
	for _, w := range seen {
		live += bits.OnesCount64(w)
	}
	d.seen = seen
	if n <= 2*live {
		return
	}
	// In byte order, so that the new dictionary's ids are already sorted.
	dict := NewKeyDict(live)
	for _, id := range d.order {
		if seen[id>>6]&(1<<(id&63)) != 0 {
			dict.Add(d.dict.Key(id))
		}
	}
	d.dict = dict
	for _, pt := range d.parts {
		pt.counts, pt.seen, pt.spill, pt.spilled = nil, nil, nil, nil
	}
	d.grow()
	d.order = nil
	d.table()
}

// Len returns the number of keys the dictionary holds.
func (d *DictSums) Len() int { return d.dict.Len() }
