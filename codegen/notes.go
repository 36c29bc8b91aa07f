package codegen

import (
	"fmt"

	"streamc.dev/streamc/planner"
)

// Notes returns where the program Generate builds from p departs from the plan's
// general form, for `streamc explain` and the golden cases (planner.Notes). It asks the
// functions Generate asks, so that what is shown is what is built:
//
//   - a word count's exchanges and sortByKey stages that one key dictionary does
//     without (dictsum.go): the map side's exchange, the state's, and a gather whose
//     partitions render for print;
//   - a stateful chain's exchanges that carry key ids (idChain, state.go);
//   - a gathering sortByKey that keeps its sorted runs for print to merge (keepsRuns).
func Notes(p *planner.Plan) planner.Notes {
	g := newGen(p, Options{})
	n := planner.Notes{Exchanges: map[int]string{}, Stages: map[int]string{}}
	for _, x := range p.Exchanges {
		if note := g.exchangeNote(x); note != "" {
			n.Exchanges[x.ID] = note
		}
	}
	for _, s := range p.Stages {
		switch x := g.renderedBy(s); {
		case x != nil:
			n.Stages[s.ID] = fmt.Sprintf("not generated: stage %d's partitions render its result for print, each its range of the keys in order (rt.Rendered)", x.From.ID)
		case g.keepsRuns(s):
			n.Stages[s.ID] = "keeps the gathered runs, each sorted, and merges them as print renders them (rt.SortedRuns)"
		}
	}
	return n
}

// exchangeNote is the note of exchange x, or "".
func (g *gen) exchangeNote(x *planner.Exchange) string {
	if g.dictSumFrom(x) != nil {
		return "not built: the map side adds each key's values by key id into one key dictionary kept from batch to batch (rt.DictSums); the reduce side's partitions read the sums of their range of the keys, in byte order"
	}
	if g.dictRenders(x) {
		return fmt.Sprintf("not built: stage %d's partitions render what it would gather for print (see stage %d)", x.From.ID, x.To.ID)
	}
	if ds := g.dictStateFrom(x); ds != nil {
		return fmt.Sprintf("not built: the state is a running total per key id of the dictionary of x%d, added to as stage %d reads the sums", ds.in.ID, x.From.ID)
	}
	if g.idChainFrom(x) != nil {
		return "carries each key as its id in the state's dictionary, or the key when the dictionary lacks it (rt.KeyOrID)"
	}
	if c := g.idChainOf(x.To); c != nil && c.out == x {
		return "carries key ids of the state's dictionary with the values (rt.IDValue)"
	}
	return ""
}
