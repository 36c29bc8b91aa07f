package join

// CoGroup collects a partition's records of the two sides of a join for one batch, after
// the exchange that hashed both sides by key, and produces the outputs of join,
// leftOuterJoin, rightOuterJoin, fullOuterJoin and cogroup with Spark's semantics: all
// of them are Spark's cogroup followed by a per-key expansion.
//
// Order is deterministic: keys that have left values in the order their first left
// value arrived, then keys with right values only in the order their first right value
// arrived; for a key, each side's values in arrival order, and the pairs of a join in
// left-major order (for each left value, every right value), as Spark's
// "for (v <- vs; w <- ws) yield (v, w)".
//
// Per batch the job calls Reset, AddLeft and AddRight for every record (sides in any
// interleaving), then one of the output methods, or Len and At to write its own loop.
// Values are kept in flat slices (no per-key allocation) and grouped once, on the first
// output call.
type CoGroup[K comparable, V, W any] struct {
	index  map[K]int32
	keys   []K     // per group: its key
	lcount []int32 // per group: left values, then (grouped) the end of its left values
	rcount []int32 // per group: right values, then the end of its right values
	lorder []int32 // groups in first-left-value order
	rorder []int32 // groups in first-right-value order
	lg     []int32 // per left record: its group
	lv     []V
	rg     []int32 // per right record: its group
	rw     []W

	grouped bool
	order   []int32 // groups in output order
	lbuf    []V     // left values grouped; lists handed out point into it
	rbuf    []W
	lstart  []int32 // per group: start of its left values in lbuf
	rstart  []int32
	escaped bool // lbuf and rbuf were handed out as lists: do not reuse them
}

// New returns an empty CoGroup with room for hint keys.
func New[K comparable, V, W any](hint int) *CoGroup[K, V, W] {
	return &CoGroup[K, V, W]{index: make(map[K]int32, hint)}
}

// Reset empties the CoGroup for the next batch, keeping its storage.
func (c *CoGroup[K, V, W]) Reset() {
	clear(c.index)
	clear(c.keys)
	clear(c.lv)
	clear(c.rw)
	c.keys, c.lcount, c.rcount = c.keys[:0], c.lcount[:0], c.rcount[:0]
	c.lorder, c.rorder = c.lorder[:0], c.rorder[:0]
	c.lg, c.lv, c.rg, c.rw = c.lg[:0], c.lv[:0], c.rg[:0], c.rw[:0]
	c.order = c.order[:0]
	if c.escaped {
		c.lbuf, c.rbuf, c.escaped = nil, nil, false
	} else {
		clear(c.lbuf)
		clear(c.rbuf)
	}
	c.grouped = false
}

func (c *CoGroup[K, V, W]) group(k K) int32 {
	g, ok := c.index[k]
	if !ok {
		g = int32(len(c.keys))
		c.index[k] = g
		c.keys = append(c.keys, k)
		c.lcount = append(c.lcount, 0)
		c.rcount = append(c.rcount, 0)
	}
	return g
}

// AddLeft adds a record of the left side (the stream join is called on).
func (c *CoGroup[K, V, W]) AddLeft(k K, v V) {
	g := c.group(k)
	if c.lcount[g] == 0 {
		c.lorder = append(c.lorder, g)
	}
	c.lcount[g]++
	c.lg = append(c.lg, g)
	c.lv = append(c.lv, v)
}

// AddRight adds a record of the right side (the other stream).
func (c *CoGroup[K, V, W]) AddRight(k K, w W) {
	g := c.group(k)
	if c.rcount[g] == 0 {
		c.rorder = append(c.rorder, g)
	}
	c.rcount[g]++
	c.rg = append(c.rg, g)
	c.rw = append(c.rw, w)
}

// groupValues sorts each side's values by group (stably) into lbuf and rbuf and fixes
// the output order.
func (c *CoGroup[K, V, W]) groupValues() {
	if c.grouped {
		return
	}
	c.grouped = true
	c.order = append(c.order, c.lorder...)
	for _, g := range c.rorder {
		if c.lcount[g] == 0 {
			c.order = append(c.order, g)
		}
	}
	c.lstart = starts(c.lstart, c.lcount)
	c.rstart = starts(c.rstart, c.rcount)
	c.lbuf = scatter(c.lbuf, c.lcount, c.lg, c.lv)
	c.rbuf = scatter(c.rbuf, c.rcount, c.rg, c.rw)
}

// starts returns the start of each group's values, given their counts, and turns counts
// into cursors (the same starts) for scatter.
func starts(dst []int32, counts []int32) []int32 {
	dst = dst[:0]
	var total int32
	for g, n := range counts {
		dst = append(dst, total)
		counts[g] = total
		total += n
	}
	return dst
}

// scatter places vals into buf grouped by grp, using cursors (left at each group's end).
func scatter[T any](buf []T, cursors, grp []int32, vals []T) []T {
	if cap(buf) < len(vals) {
		buf = make([]T, len(vals))
	}
	buf = buf[:len(vals)]
	for i, g := range grp {
		buf[cursors[g]] = vals[i]
		cursors[g]++
	}
	return buf
}

// Len returns the number of keys, grouping the values if not done yet.
func (c *CoGroup[K, V, W]) Len() int {
	c.groupValues()
	return len(c.order)
}

// At returns the i-th key in output order with its left and right values; either list
// may be empty. The lists are views of the CoGroup's storage, valid until the next Reset
// (Groups hands out lists that stay valid).
func (c *CoGroup[K, V, W]) At(i int) (K, []V, []W) {
	c.groupValues()
	g := c.order[i]
	ls, le := c.lstart[g], c.lcount[g]
	rs, re := c.rstart[g], c.rcount[g]
	return c.keys[g], c.lbuf[ls:le:le], c.rbuf[rs:re:re]
}

// Join emits (k, v, w) for every pair of a left and a right value of the same key: the
// inner join.
func (c *CoGroup[K, V, W]) Join(emit func(k K, v V, w W)) {
	for i := range c.Len() {
		k, vs, ws := c.At(i)
		for _, v := range vs {
			for _, w := range ws {
				emit(k, v, w)
			}
		}
	}
}

// LeftOuterJoin emits the inner join's pairs with wOk true and, for a key without right
// values, (k, v, zero, false) for each of its left values.
func (c *CoGroup[K, V, W]) LeftOuterJoin(emit func(k K, v V, w W, wOk bool)) {
	var noW W
	for i := range c.Len() {
		k, vs, ws := c.At(i)
		for _, v := range vs {
			if len(ws) == 0 {
				emit(k, v, noW, false)
			}
			for _, w := range ws {
				emit(k, v, w, true)
			}
		}
	}
}

// RightOuterJoin emits the inner join's pairs with vOk true and, for a key without left
// values, (k, zero, false, w) for each of its right values.
func (c *CoGroup[K, V, W]) RightOuterJoin(emit func(k K, v V, vOk bool, w W)) {
	var noV V
	for i := range c.Len() {
		k, vs, ws := c.At(i)
		if len(vs) == 0 {
			for _, w := range ws {
				emit(k, noV, false, w)
			}
		}
		for _, v := range vs {
			for _, w := range ws {
				emit(k, v, true, w)
			}
		}
	}
}

// FullOuterJoin emits the inner join's pairs, the left values of keys without right
// values (wOk false) and the right values of keys without left values (vOk false).
func (c *CoGroup[K, V, W]) FullOuterJoin(emit func(k K, v V, vOk bool, w W, wOk bool)) {
	var noV V
	var noW W
	for i := range c.Len() {
		k, vs, ws := c.At(i)
		switch {
		case len(vs) == 0:
			for _, w := range ws {
				emit(k, noV, false, w, true)
			}
		case len(ws) == 0:
			for _, v := range vs {
				emit(k, v, true, noW, false)
			}
		default:
			for _, v := range vs {
				for _, w := range ws {
					emit(k, v, true, w, true)
				}
			}
		}
	}
}

// Groups emits every key with its left and right values: cogroup. The lists are not
// reused by later batches, so downstream operators may keep them; empty lists are nil.
func (c *CoGroup[K, V, W]) Groups(emit func(k K, vs []V, ws []W)) {
	c.Escape()
	for i := range c.Len() {
		emit(c.Group(i))
	}
}

// Escape marks the value lists handed out by Group as kept downstream: later batches
// do not reuse their memory. Call it before the first Group of a batch.
func (c *CoGroup[K, V, W]) Escape() { c.escaped = true }

// Group returns key i with its left and right values as Groups hands them out (empty
// lists are nil). Generated code loops over Group rather than passing a closure to
// Groups, so that the operators fused after a cogroup can return an error (a decoder's
// bad record) from the partition's loop.
func (c *CoGroup[K, V, W]) Group(i int) (K, []V, []W) {
	k, vs, ws := c.At(i)
	if len(vs) == 0 {
		vs = nil
	}
	if len(ws) == 0 {
		ws = nil
	}
	return k, vs, ws
}
