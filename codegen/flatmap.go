package codegen

import (
	"github.com/dave/jennifer/jen"
	"streamc.dev/streamc/planner"

	"streamc.dev/streamc/dsl/types"
)

// flatMap emits flatMap operator n (chain operator i) on element v of type t. The
// general form ranges over the list the lambda returns:
//
//	for _, v2 := range flatMap_9_14(v) { ... }
//
// Two common bodies skip building that list, one allocation per element. When the
// lambda's body is words(e), the loop walks the words of e in place:
//
//	for v2, rest := stdlib.NextWord(v); v2 != ""; v2, rest = stdlib.NextWord(rest) { ... }
//
// and when it is split(e, sep), the parts go into a buffer reused for every element of
// the partition:
//
//	parts3 = stdlib.SplitInto(parts3[:0], v, ",")
//	for _, v2 := range parts3 { ... }
//
// The loops see the same words, in the same order, as words and split return. e and sep
// are used as they are when they are the lambda's parameter or a string literal, and
// otherwise compiled into functions of the element (flatMap_9_14(v)).
func (sg *stageGen) flatMap(i int, n *planner.Op, v string, t types.Type) {
	g, f := sg.g, sg.f
	bt := jen.Id("b").Dot("Time")
	w := f.fresh("v")
	if fl := g.flatLoopFor(n, t); fl != nil {
		f.emit(sg.enter(n))
		switch fl.kind {
		case "words":
			if sg.combineWords(i, fl.arg(bt, v), false) {
				return
			}
			rest := f.fresh("rest")
			body := sg.chain(i+1, w, n.Elem)
			f.emit(jen.For(
				jen.List(jen.Id(w), jen.Id(rest)).Op(":=").Qual(g.stdPath, "NextWord").Call(fl.arg(bt, v)),
				jen.Id(w).Op("!=").Lit(""),
				jen.List(jen.Id(w), jen.Id(rest)).Op("=").Qual(g.stdPath, "NextWord").Call(jen.Id(rest)),
			).Block(body...))
		case "split":
			parts := "parts" + itoa(n.ID)
			sg.localOnce(parts, jen.Var().Id(parts).Index().String())
			f.emit(jen.Id(parts).Op("=").Qual(g.stdPath, "SplitInto").Call(jen.Id(parts).Index(jen.Empty(), jen.Lit(0)),
				fl.arg(bt, v), fl.sep(bt, v)))
			f.emit(rangeLoop(w, jen.Id(parts), sg.chain(i+1, w, n.Elem)))
		}
		return
	}
	li := g.lambdaFor(n, funcSpec(n).Fn, t)
	f.emit(sg.enter(n))
	f.emit(rangeLoop(w, li.call(bt, jen.Id(v)), sg.chain(i+1, w, n.Elem)))
}

// flatLoop is a flatMap whose lambda's body is words(arg) or split(arg, sep); arg and
// sep give the Go expressions of those arguments for the element named v.
type flatLoop struct {
	kind     string // "words" or "split"
	arg, sep func(bt jen.Code, v string) jen.Code
	self     bool // arg is the element itself (words(l) for l => words(l))
}

// flatLoopFor recognises a flatMap whose lambda returns words(e) or split(e, sep) and
// compiles e and sep as functions of the lambda's parameters, once per operator; nil
// for any other lambda.
func (g *gen) flatLoopFor(n *planner.Op, t types.Type) *flatLoop {
	if fl, ok := g.flatLoops[n]; ok {
		return fl
	}
	fl := g.flatLoop(n, t)
	if g.flatLoops == nil {
		g.flatLoops = map[*planner.Op]*flatLoop{}
	}
	g.flatLoops[n] = fl
	return fl
}

// combineWords fuses a word count's map side, flatMap(l => words(e)) →
// map(w => (w, c)) → reduceByKey(f) with c not reading the word, into one call of the
// runtime per element (text is e): rt.CombineWords tokenizes e and combines each word
// into the partition's combine map as the loop of NextWord and Ptr would (the same keys,
// order and values), hashing most words from the 8 bytes it loads to find their end:
//
//	cur = 2 // reduceByKey: only its function can fail
//	rt.CombineWords(comb0, v, 1, reduceByKey_11_18)
//
// or, when the reduce function is (a, b) => a + b on int, rt.CountWords(comb0, v, 1),
// which adds in place (the same values: Go's + on int64 wraps as the function does);
// for a dictSum (dictsum.go), j.dict0.CountWords(p, v, 1). With lines, text is the
// partition's lines and the calls are their Lines forms, one per partition (wordLines).
//
// It reports false, emitting nothing, when the chain is not of that shape.
func (sg *stageGen) combineWords(i int, text jen.Code, lines bool) bool {
	s, g, f := sg.s, sg.g, sg.f
	wc, ok := g.wordCountTail(s)
	if !ok || i+2 != len(s.Chain) {
		return false
	}
	x, m, val := s.Out[0], wc.m, wc.val
	c, ok := sg.keyedCombine(x.Op, m.Elem)
	if !ok || c.kind != combineReduce || !types.Identical(c.key, types.StringType) || c.fn.batch || c.fn.spread > 0 {
		return false
	}
	suffix := ""
	if lines {
		suffix = "Lines"
	}
	if ds := g.dictSumFrom(x); ds != nil {
		sg.dictMapSide(ds, text, val(f), lines)
		return true
	}
	comb := sg.combineLocal(x, c)
	f.emit(sg.enter(x.Op))
	if types.Identical(c.val, types.IntType) && g.isSumLambda(reduceFn(x.Op)) {
		f.emit(jen.Qual(g.rtPath, "CountWords"+suffix).Call(jen.Id(comb), text, val(f)))
		return true
	}
	f.emit(jen.Qual(g.rtPath, "CombineWords"+suffix).Call(jen.Id(comb), text, val(f), jen.Id(c.fn.name)))
	return true
}

// wordLines emits, for a word count's map side that reads a source's lines and splits
// each line itself (flatMap(l => words(l)) → map → reduceByKey, see combineWords), one
// call for the partition's lines in place of the loop over them, and reports whether it
// did:
//
//	cur = 2
//	rt.CountWordsLines(comb0, in[p], int64(1))
//
// Lines that follow each other in the source's buffer are then split as one text.
func (sg *stageGen) wordLines() bool {
	s := sg.s
	if wc, ok := sg.g.wordCountTail(s); !ok || len(s.Chain) != 2 || !wc.words.self {
		return false
	}
	sg.opIndex(s.Chain[0]) // the stage's operators, as with the loop
	return sg.combineWords(0, jen.Id("in").Index(jen.Id("p")), true)
}

// wordCountTail is the end of a stage whose map side is a word count's:
// flatMap(l => words(e)) → map(w => (w, c)), with c not reading the word, into the
// combine of a reduceByKey, the stage's one output. combineWords fuses it; dictSum and
// wordLines choose their forms of it.
type wordCountTail struct {
	fm, m *planner.Op
	words *flatLoop
	val   func(f *fn) jen.Code // c
}

// wordCountTail returns stage s's word count tail, if it ends with one.
func (g *gen) wordCountTail(s *planner.Stage) (wordCountTail, bool) {
	if s.Keep || len(s.Out) != 1 || len(s.Chain) < 2 {
		return wordCountTail{}, false
	}
	x, fm, m := s.Out[0], s.Chain[len(s.Chain)-2], s.Chain[len(s.Chain)-1]
	if x.Op.Name != "reduceByKey" || !x.Combine || fm.Name != "flatMap" || m.Name != "map" || len(fm.Inputs) != 1 {
		return wordCountTail{}, false
	}
	fl := g.flatLoopFor(fm, fm.Inputs[0].Elem)
	if fl == nil || fl.kind != "words" {
		return wordCountTail{}, false
	}
	val, ok := g.wordPairValue(m)
	return wordCountTail{fm: fm, m: m, words: fl, val: val}, ok
}
