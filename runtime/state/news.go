package state

// newsGroups collects a batch's new values for updateStateByKey, one group per key, in
// arrival order, with no per-key allocation, and lays them out at the end of the batch
// in one buffer, a slice per group: the news each key's update function gets. Both
// update stores keep one (each key holds its group number, -1 for none).
type newsGroups[V any] struct {
	count []int32 // per group: its number of values; after layout, its end in the buffer
	pg    []int32 // per new value: its group
	pv    []V     // the batch's new values in arrival order
}

// add records new value v in group g, or in a new group when g < 0, and returns the
// group.
func (n *newsGroups[V]) add(g int32, v V) int32 {
	if g < 0 {
		g = int32(len(n.count))
		n.count = append(n.count, 0)
	}
	n.count[g]++
	n.pg = append(n.pg, g)
	n.pv = append(n.pv, v)
	return g
}

// layout returns the batch's new values grouped in one buffer, made for this batch
// (nil when there are none): update functions may keep their slices. Afterwards
// news(buf, g) is group g's slice, until reset.
func (n *newsGroups[V]) layout() []V {
	var total int32
	for g, c := range n.count {
		n.count[g] = total // the group's start, then, as values are placed, its end
		total += c
	}
	if total == 0 {
		return nil
	}
	buf := make([]V, total)
	for i, g := range n.pg {
		buf[n.count[g]] = n.pv[i]
		n.count[g]++
	}
	return buf
}

// news returns group g's values in buf (from layout), capped so that an append by the
// update function cannot reach the next group.
func (n *newsGroups[V]) news(buf []V, g int32) []V {
	start, end := int32(0), n.count[g]
	if g > 0 {
		start = n.count[g-1]
	}
	return buf[start:end:end]
}

// reset empties the groups for the next batch, keeping their storage and dropping the
// references the values held.
func (n *newsGroups[V]) reset() {
	clear(n.pv)
	n.count, n.pg, n.pv = n.count[:0], n.pg[:0], n.pv[:0]
}
