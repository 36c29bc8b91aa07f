package codegen

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/dave/jennifer/jen"

	"streamc.dev/streamc/dsl/types"
	"streamc.dev/streamc/planner"
)

// Checkpointing: every structure that keeps data from batch to batch (the stores of
// updateStateByKey and mapWithState, the window structures) is one section of the job's
// checkpointed state. The job implements rt.Checkpointer with one save and one restore
// method per section, and the descriptor lists the sections in Pipeline.State, so that
// the runtime refuses a checkpoint whose state no longer fits:
//
//	func (j *job) SaveState(w *checkpoint.Writer) error {
//		if err := w.Section("updateStateByKey(totals)", j.saveState4); err != nil {
//			return err
//		}
//		return nil
//	}
//
//	func (j *job) RestoreState(r *checkpoint.Reader) error {
//		if err := r.ReadSection("updateStateByKey(totals)", j.restoreState4); err != nil {
//			return err
//		}
//		return nil
//	}
//
// Keyed state is written as a whole, not per partition: restoring puts each key into
// partition rt.Bucket(hash(key), n) with the hash of the exchange that feeds the
// operator, so --partitions may change across a restart. With the same partition count
// every partition gets its keys back in their order, so the output is the same bytes as
// an uninterrupted run's. Values are written with one typed encoder and decoder per type
// (checkpoint.go of the generated program); nothing is reflected. The code that does not
// depend on the pipeline is in the runtime, where it is tested: reading a section
// (checkpoint.Reader.ReadSection) and moving window contents between the partitions and
// a checkpoint (window.SaveKeyedPanes and the like, runtime/window/checkpoint.go).

// stateKind says which runtime structure a section holds.
type stateKind int

const (
	stateUpdate  stateKind = iota // []*state.UpdateStore[K, V, S], or StringUpdateStore[V, S] for string keys
	stateMap                      // []*state.MapStore[K, S]
	stateReduce                   // *window.Reduce[V] (global)
	stateKeyed                    // []*window.KeyedReduce[K, V]
	stateGroup                    // []*window.KeyedGroup[K, V]
	stateBatches                  // []*window.Batches[T], per partition of the window's input
	stateHeld                     // []*eventtime.Hold[T], per partition of eventTime's stage
	// stateDictTotals is updateStateByKey's running sum held by a dictSum, *rt.DictSums
	// (dictsum.go): saved as stateUpdate's section, so that a checkpoint fits either.
	stateDictTotals
)

// stateSection is one section of the job's checkpointed state.
type stateSection struct {
	node  *planner.Op
	kind  stateKind
	field string         // the job field holding the structure(s)
	stage *planner.Stage // whose partitions the structures belong to
	// key and val are the types stored: K and S (or V); val alone for Reduce and
	// Batches.
	key, val types.Type
	// create re-makes a store of updateStateByKey or mapWithState: restoring replaces
	// the `initial =` states that newJob put in.
	create jen.Code
	name   string // the section name, set by genCheckpointer
}

// addState records a section of the job's state; genCheckpointer writes its code.
func (g *gen) addState(s *stateSection) { g.stateSecs = append(g.stateSecs, s) }

// ckptPath is the import path of the checkpoint encoding.
func (g *gen) ckptPath() string { return g.rtPath + "/checkpoint" }

// stateTypeText is a section's Type in Pipeline.State: the checker's text of the stored
// type plus what decides the encoding and the meaning of the saved data.
func (g *gen) stateTypeText(s *stateSection) string {
	n := s.node
	var t string
	switch s.kind {
	case stateUpdate, stateDictTotals:
		t = types.Pair(s.key, s.val).String()
	case stateMap:
		t = types.Pair(s.key, s.val).String() + "; last access"
	case stateReduce, stateBatches:
		t = s.val.String()
	case stateHeld:
		// The lateness sets the clock of everything downstream, outputs included: a
		// checkpoint taken with another one does not fit.
		t = fmt.Sprintf("%s; eventTime lateness %v", s.val, eventTimeSpec(n).Lateness)
	default:
		t = types.Pair(s.key, s.val).String()
	}
	if n.Desc.Plan.Slides {
		t += fmt.Sprintf("; window %v, slide %v", winSpec(n).Len, g.slideDur(n.Slide))
		if winSpec(n).Inv != nil || n.Name == "countByWindow" || n.Name == "countByValueAndWindow" {
			t += ", inverse"
		}
	}
	return t
}

// nameStates names the sections by what they are, never by where they are written:
// "updateStateByKey(totals)" when the operator's result is bound by a let, else the
// operator and a hash of its definition — the operators and arguments that lead to it,
// from its sources on — "countByWindow@3f2a9c01". So moving lines, or swapping two
// unnamed operators of the same state type, keeps each state with its operator, and an
// edit upstream of an unnamed one changes its name: a restart refuses the checkpoint
// (saying so) rather than hand it another operator's state. The sections are sorted by
// name, so that declaration order is not part of the state fingerprint.
func (g *gen) nameStates() {
	slices.SortStableFunc(g.stateSecs, func(a, b *stateSection) int { return a.node.ID - b.node.ID })
	seen := map[string]int{}
	for _, s := range g.stateSecs {
		if s.node.Let != "" {
			s.name = fmt.Sprintf("%s(%s)", s.node.Name, s.node.Let)
		} else {
			s.name = s.node.Name + "@" + g.definitionHash(s.node)
		}
		// The same definition written twice (or one operator keeping two sections)
		// holds interchangeable state: numbered in declaration order.
		if seen[s.name]++; seen[s.name] > 1 {
			s.name += fmt.Sprintf("#%d", seen[s.name])
		}
	}
	slices.SortStableFunc(g.stateSecs, func(a, b *stateSection) int { return strings.Compare(a.name, b.name) })
}

// definitionHash returns 8 hex digits of a hash over n's definition: its operator and
// argument text (blanks collapsed) and, in order, its inputs' definitions.
func (g *gen) definitionHash(n *planner.Op) string {
	if h, ok := g.defHashes[n]; ok {
		return h
	}
	sum := sha256.New()
	for _, in := range n.Inputs {
		fmt.Fprintf(sum, "%s|", g.definitionHash(in))
	}
	sum.Write([]byte(n.Name))
	sum.Write([]byte(n.Definition))
	h := hex.EncodeToString(sum.Sum(nil))[:8]
	if g.defHashes == nil {
		g.defHashes = map[*planner.Op]string{}
	}
	g.defHashes[n] = h
	return h
}

// stateInfosField is the descriptor's State field, or nothing for a stateless job.
func (g *gen) stateInfosField() jen.Code {
	if len(g.stateSecs) == 0 {
		return jen.Null()
	}
	var infos []jen.Code
	for _, s := range g.stateSecs {
		infos = append(infos, jen.Line().Values(kv("Name", jen.Lit(s.name)), kv("Type", jen.Lit(g.stateTypeText(s))),
			kv("Pos", jen.Lit(g.posString(s.node.Pos)))))
	}
	return jen.Line().Add(kv("State", jen.Index().Qual(g.rtPath, "StateInfo").Values(append(infos, jen.Line())...)))
}

// genCheckpointer writes SaveState, RestoreState and the per-section methods, once every
// stage has been generated (the stages declare the sections).
func (g *gen) genCheckpointer() {
	if len(g.stateSecs) == 0 {
		return
	}
	g.nameStates()
	cp := g.ckptPath()
	wT := jen.Op("*").Qual(cp, "Writer")
	rT := jen.Op("*").Qual(cp, "Reader")
	var save, restore []jen.Code
	var methods []jen.Code
	for _, s := range g.stateSecs {
		saveM, restoreM := fmt.Sprintf("saveState%d", s.node.ID), fmt.Sprintf("restoreState%d", s.node.ID)
		save = append(save, jen.If(jen.Err().Op(":=").Id("w").Dot("Section").Call(jen.Lit(s.name), jf(saveM)), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())))
		restore = append(restore, jen.If(jen.Err().Op(":=").Id("r").Dot("ReadSection").Call(jen.Lit(s.name), jf(restoreM)), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())))
		sv, rs := g.sectionCode(s)
		methods = append(methods,
			docf("%s writes the state of %s at %s (section %q).", saveM, s.node.Name, g.posString(s.node.Pos), s.name).Line().
				Func().Params(jen.Id("j").Op("*").Id("job")).Id(saveM).Params(jen.Id("w").Add(wT)).Error().Block(append(sv, jen.Return(jen.Nil()))...),
			docf("%s reads back what %s wrote.", restoreM, saveM).Line().
				Func().Params(jen.Id("j").Op("*").Id("job")).Id(restoreM).Params(jen.Id("r").Add(rT)).Block(rs...))
	}
	g.ckptDecls = append([]jen.Code{
		doc("SaveState writes the job's state for a checkpoint: one section per entry of\nPipeline.State, in that order (rt.Checkpointer).").Line().
			Func().Params(jen.Id("j").Op("*").Id("job")).Id("SaveState").Params(jen.Id("w").Add(wT)).Error().Block(append(save, jen.Return(jen.Nil()))...),
		doc("RestoreState replaces the job's state with a checkpoint's, after newJob and before\nthe first batch (rt.Checkpointer).").Line().
			Func().Params(jen.Id("j").Op("*").Id("job")).Id("RestoreState").Params(jen.Id("r").Add(rT)).Error().Block(append(restore, jen.Return(jen.Nil()))...),
	}, append(methods, g.ckptDecls...)...)
}

// sectionCode returns the bodies of a section's save method (writer w) and restore
// method (reader r).
func (g *gen) sectionCode(s *stateSection) (save, restore []jen.Code) {
	field := jf(s.field)
	var parts jen.Code
	if s.stage != nil {
		parts = g.partsOf(s.stage)
	}
	at := jf("ctx").Dot("RecoveredFrom")
	if ev := s.node.Clock; ev != nil {
		// The structure counts time on the event-time clock.
		at = at.Dot("Add").Call(jen.Op("-").Add(jf(lagField(ev))))
	}
	w, r := jen.Id("w"), jen.Id("r")
	put := func(t types.Type, v jen.Code) jen.Code { return jen.Add(g.encodeFunc(t)).Call(w, v) }
	get := func(t types.Type) jen.Code { return jen.Add(g.decodeFunc(t)).Call(r) }
	switch s.kind {
	case stateUpdate, stateMap:
		bucket := jen.Qual(g.rtPath, "Bucket").Call(jen.Add(g.hashFunc(s.key)).Call(jen.Id("k")), parts)
		//	n := 0
		//	for _, st := range j.state4 { n += st.Len() }
		//	w.Len(n)
		//	for _, st := range j.state4 { for k, v := range st.All() { putK(w, k); putS(w, v) } }
		each := jen.For(jen.List(jen.Id("k"), jen.Id("v")).Op(":=").Range().Id("st").Dot("All").Call()).Block(put(s.key, jen.Id("k")), put(s.val, jen.Id("v")))
		if s.kind == stateMap {
			// mapWithState also keeps each key's last call time, for its timeout.
			each = jen.Id("st").Dot("Snapshot").Call(jen.Func().Params(jen.Id("k").Add(g.goType(s.key)), jen.Id("v").Add(g.goType(s.val)), jen.Id("last").Qual(g.rtPath, "Time")).Block(
				put(s.key, jen.Id("k")), put(s.val, jen.Id("v")), w.Clone().Dot("Varint").Call(jen.Int64().Call(jen.Id("last")))))
		}
		save = []jen.Code{
			jen.Id("n").Op(":=").Lit(0),
			jen.For(jen.List(jen.Id("_"), jen.Id("st")).Op(":=").Range().Add(field)).Block(jen.Id("n").Op("+=").Id("st").Dot("Len").Call()),
			w.Clone().Dot("Len").Call(jen.Id("n")),
			jen.For(jen.List(jen.Id("_"), jen.Id("st")).Op(":=").Range().Add(field)).Block(each),
		}
		//	for p := range j.state4 { j.state4[p] = state.NewUpdateStore[...](64) }
		//	for range r.Len() { k := getK(r); v := getS(r); j.state4[rt.Bucket(hashK(k), j.n2)].Put(k, v) }
		putBack := jen.Index(bucket).Dot("Put").Call(jen.Id("k"), jen.Id("v"))
		if s.kind == stateMap {
			putBack = jen.Index(bucket).Dot("Restore").Call(jen.Id("k"), jen.Id("v"), jen.Qual(g.rtPath, "Time").Call(r.Clone().Dot("Varint").Call()))
		}
		restore = []jen.Code{
			jen.For(jen.Id("p").Op(":=").Range().Add(field)).Block(jf(s.field).Index(jen.Id("p")).Op("=").Add(s.create)),
			jen.For(jen.Range().Add(r.Clone().Dot("Len").Call())).Block(
				jen.Id("k").Op(":=").Add(get(s.key)),
				jen.Id("v").Op(":=").Add(get(s.val)),
				jf(s.field).Add(putBack)),
		}
	case stateDictTotals:
		//	w.Len(j.dict0.TotalsLen())
		//	for k, v := range j.dict0.Totals() { putString(w, k); putInt(w, v) }
		save = []jen.Code{
			w.Clone().Dot("Len").Call(field.Clone().Dot("TotalsLen").Call()),
			jen.For(jen.List(jen.Id("k"), jen.Id("v")).Op(":=").Range().Add(field).Dot("Totals").Call()).Block(put(s.key, jen.Id("k")), put(s.val, jen.Id("v"))),
		}
		//	for range r.Len() { k := getString(r); v := getInt(r); j.dict0.PutTotal(k, v) }
		restore = []jen.Code{
			jen.For(jen.Range().Add(r.Clone().Dot("Len").Call())).Block(
				jen.Id("k").Op(":=").Add(get(s.key)),
				jen.Id("v").Op(":=").Add(get(s.val)),
				jf(s.field).Dot("PutTotal").Call(jen.Id("k"), jen.Id("v"))),
		}
	case stateReduce:
		//	snap := j.win5.Snapshot()
		//	w.Len(len(snap.Panes))
		//	for _, pn := range snap.Panes { w.Varint(int64(pn.Time)); putV(w, pn.Data) }
		//	w.Bool(snap.HasRunning)
		//	if snap.HasRunning { putV(w, snap.Running) }
		save = []jen.Code{
			jen.Id("snap").Op(":=").Add(field).Dot("Snapshot").Call(),
			w.Clone().Dot("Len").Call(jen.Len(jen.Id("snap").Dot("Panes"))),
			jen.For(jen.List(jen.Id("_"), jen.Id("pn")).Op(":=").Range().Id("snap").Dot("Panes")).Block(
				w.Clone().Dot("Varint").Call(jen.Int64().Call(jen.Id("pn").Dot("Time"))), put(s.val, jen.Id("pn").Dot("Data"))),
			w.Clone().Dot("Bool").Call(jen.Id("snap").Dot("HasRunning")),
			jen.If(jen.Id("snap").Dot("HasRunning")).Block(put(s.val, jen.Id("snap").Dot("Running"))),
		}
		vt := g.goType(s.val)
		restore = []jen.Code{
			jen.Var().Id("snap").Qual(g.winPath, "ReduceSnapshot").Types(vt),
			jen.For(jen.Range().Add(r.Clone().Dot("Len").Call())).Block(
				jen.Id("t").Op(":=").Qual(g.rtPath, "Time").Call(r.Clone().Dot("Varint").Call()),
				jen.Id("snap").Dot("Panes").Op("=").Append(jen.Id("snap").Dot("Panes"), jen.Qual(g.winPath, "Pane").Types(vt).Values(kv("Time", jen.Id("t")), kv("Data", get(s.val))))),
			jen.If(jen.Id("snap").Dot("HasRunning").Op("=").Add(r.Clone().Dot("Bool").Call()), jen.Id("snap").Dot("HasRunning")).Block(
				jen.Id("snap").Dot("Running").Op("=").Add(get(s.val))),
			field.Clone().Dot("Restore").Call(at, jen.Id("snap")),
		}
	case stateKeyed, stateGroup:
		//	panes := make([][]window.Pane[window.Entries[K, V]], len(j.win5))
		//	running := make([]window.Entries[K, V], len(j.win5))
		//	for p, x := range j.win5 {
		//		snap := x.Snapshot()
		//		panes[p], running[p] = snap.Panes, snap.Running
		//	}
		//	window.SaveKeyedPanes(w, panes, putK, putV)
		//	window.SaveEntries(w, running, putK, putV)
		//
		// (groupByKeyAndWindow's Snapshot is its panes; it has no running value.)
		kt, vt := g.goType(s.key), g.goType(s.val)
		entries := jen.Qual(g.winPath, "Entries").Types(kt, vt)
		paneT := jen.Qual(g.winPath, "Pane").Types(entries)
		save = []jen.Code{
			jen.Id("panes").Op(":=").Make(jen.Index().Index().Add(paneT), jen.Len(field)),
			jen.For(jen.List(jen.Id("p"), jen.Id("x")).Op(":=").Range().Add(field)).Block(jen.Id("panes").Index(jen.Id("p")).Op("=").Id("x").Dot("Snapshot").Call()),
			jen.Qual(g.winPath, "SaveKeyedPanes").Call(w, jen.Id("panes"), g.encodeFunc(s.key), g.encodeFunc(s.val)),
		}
		restore = []jen.Code{
			jen.Id("panes").Op(":=").Add(jen.Qual(g.winPath, "RestoreKeyedPanes")).Call(r, parts, g.hashFunc(s.key), g.decodeFunc(s.key), g.decodeFunc(s.val)),
		}
		if s.kind == stateKeyed {
			// Running: the inverse form's running value per key (empty without one).
			save = []jen.Code{
				jen.Id("panes").Op(":=").Make(jen.Index().Index().Add(paneT), jen.Len(field)),
				jen.Id("running").Op(":=").Make(jen.Index().Add(entries), jen.Len(field)),
				jen.For(jen.List(jen.Id("p"), jen.Id("x")).Op(":=").Range().Add(field)).Block(
					jen.Id("snap").Op(":=").Id("x").Dot("Snapshot").Call(),
					jen.List(jen.Id("panes").Index(jen.Id("p")), jen.Id("running").Index(jen.Id("p"))).Op("=").List(jen.Id("snap").Dot("Panes"), jen.Id("snap").Dot("Running"))),
				jen.Qual(g.winPath, "SaveKeyedPanes").Call(w, jen.Id("panes"), g.encodeFunc(s.key), g.encodeFunc(s.val)),
				jen.Qual(g.winPath, "SaveEntries").Call(w, jen.Id("running"), g.encodeFunc(s.key), g.encodeFunc(s.val)),
			}
			restore = append(restore,
				jen.Id("running").Op(":=").Add(jen.Qual(g.winPath, "RestoreEntries")).Call(r, parts, g.hashFunc(s.key), g.decodeFunc(s.key), g.decodeFunc(s.val)),
				jen.For(jen.List(jen.Id("p"), jen.Id("x")).Op(":=").Range().Add(field)).Block(
					jen.Id("x").Dot("Restore").Call(at, jen.Qual(g.winPath, "KeyedSnapshot").Types(kt, vt).Values(kv("Panes", jen.Id("panes").Index(jen.Id("p"))), kv("Running", jen.Id("running").Index(jen.Id("p")))))))
		} else {
			restore = append(restore, jen.For(jen.List(jen.Id("p"), jen.Id("x")).Op(":=").Range().Add(field)).Block(
				jen.Id("x").Dot("Restore").Call(at, jen.Id("panes").Index(jen.Id("p")))))
		}
	case stateBatches, stateHeld:
		// window's Batches and eventTime's Holds keep batches of elements alike:
		//	panes := make([][]window.Pane[[]T], len(j.win4))
		//	for p, x := range j.win4 { panes[p] = x.Snapshot() }
		//	window.SaveBatches(w, panes, putT)
		paneT := jen.Qual(g.winPath, "Pane").Types(jen.Index().Add(g.goType(s.val)))
		save = []jen.Code{
			jen.Id("panes").Op(":=").Make(jen.Index().Index().Add(paneT), jen.Len(field)),
			jen.For(jen.List(jen.Id("p"), jen.Id("x")).Op(":=").Range().Add(field)).Block(jen.Id("panes").Index(jen.Id("p")).Op("=").Id("x").Dot("Snapshot").Call()),
			jen.Qual(g.winPath, "SaveBatches").Call(w, jen.Id("panes"), g.encodeFunc(s.val)),
		}
		restore = []jen.Code{
			jen.Id("panes").Op(":=").Add(jen.Qual(g.winPath, "RestoreBatches")).Call(r, parts, g.decodeFunc(s.val)),
			jen.For(jen.List(jen.Id("p"), jen.Id("x")).Op(":=").Range().Add(field)).Block(
				jen.Id("x").Dot("Restore").Call(at, jen.Id("panes").Index(jen.Id("p")))),
		}
	}
	return save, restore
}

// encodeFunc returns a function `func(w *checkpoint.Writer, v T)` writing a value of
// type T, declaring it in checkpoint.go on first use. Scalars map to one Writer call;
// tuples and records write their fields in order, optionals a flag and the value,
// lists their length and items:
//
//	// putTuple2_String_Opt_Int writes a (string, int?).
//	func putTuple2_String_Opt_Int(w *checkpoint.Writer, v stdlib.Tuple2[string, stdlib.Opt[int64]]) {
//		putString(w, v.F1)
//		putOpt_Int(w, v.F2)
//	}
func (g *gen) encodeFunc(t types.Type) *jen.Statement {
	name := "put" + g.mangle(t)
	cp := g.ckptPath()
	return g.helper(name, &g.ckptDecls, func() jen.Code {
		w, v := jen.Id("w"), jen.Id("v")
		var body []jen.Code
		switch t := t.(type) {
		case *types.Basic:
			switch t.Kind {
			case types.String, types.Bytes:
				body = append(body, w.Clone().Dot("String").Call(v))
			case types.Int:
				body = append(body, w.Clone().Dot("Varint").Call(v))
			case types.Time, types.Duration:
				body = append(body, w.Clone().Dot("Varint").Call(jen.Int64().Call(v)))
			case types.Float:
				body = append(body, w.Clone().Dot("Float64").Call(v))
			case types.Bool:
				body = append(body, w.Clone().Dot("Bool").Call(v))
			case types.Unit:
				// One byte, so that a list of units still takes a byte per item.
				body = append(body, w.Clone().Dot("Bool").Call(jen.False()))
			default:
				g.errorf(g.anyPos(), "codegen: cannot checkpoint %s", t)
			}
		case *types.Tuple:
			for i, e := range t.Elems {
				body = append(body, jen.Add(g.encodeFunc(e)).Call(w, v.Clone().Dot(tupleField(i))))
			}
		case *types.Record:
			ri := g.record(t)
			for i, fl := range t.Fields {
				body = append(body, jen.Add(g.encodeFunc(fl.Type)).Call(w, v.Clone().Dot(ri.fields[i])))
			}
		case *types.Optional:
			body = append(body, w.Clone().Dot("Bool").Call(v.Clone().Dot("Ok")),
				jen.If(v.Clone().Dot("Ok")).Block(jen.Add(g.encodeFunc(t.Elem)).Call(w, v.Clone().Dot("V"))))
		case *types.List:
			body = append(body, w.Clone().Dot("Len").Call(jen.Len(v)),
				jen.For(jen.List(jen.Id("_"), jen.Id("x")).Op(":=").Range().Add(v)).Block(jen.Add(g.encodeFunc(t.Elem)).Call(w, jen.Id("x"))))
		default:
			g.errorf(g.anyPos(), "codegen: cannot checkpoint %s", t)
		}
		if len(body) == 0 {
			// A record without fields: still a byte.
			body = append(body, w.Clone().Dot("Bool").Call(jen.False()))
		}
		return docf("%s writes a value of type %s.", name, t).Line().
			Func().Id(name).Params(jen.Id("w").Op("*").Qual(cp, "Writer"), jen.Id("v").Add(g.goType(t))).Block(body...)
	})
}

// decodeFunc returns the function `func(r *checkpoint.Reader) T` reading what
// encodeFunc(t) wrote. Errors stick in the Reader (its Done reports them), so decoders
// return zero values after one.
//
//	// getTuple2_String_Opt_Int reads a (string, int?).
//	func getTuple2_String_Opt_Int(r *checkpoint.Reader) stdlib.Tuple2[string, stdlib.Opt[int64]] {
//		var v stdlib.Tuple2[string, stdlib.Opt[int64]]
//		v.F1 = getString(r)
//		v.F2 = getOpt_Int(r)
//		return v
//	}
func (g *gen) decodeFunc(t types.Type) *jen.Statement {
	name := "get" + g.mangle(t)
	cp := g.ckptPath()
	return g.helper(name, &g.ckptDecls, func() jen.Code {
		r, v := jen.Id("r"), jen.Id("v")
		var body []jen.Code
		ret := func(e jen.Code) { body = append(body, jen.Return(e)) }
		// Fields are read in statements, one after the other: the order is the encoding.
		fields := func() { body = append([]jen.Code{jen.Var().Id("v").Add(g.goType(t))}, body...); ret(v) }
		switch t := t.(type) {
		case *types.Basic:
			switch t.Kind {
			case types.String, types.Bytes:
				ret(r.Clone().Dot("String").Call())
			case types.Int:
				ret(r.Clone().Dot("Varint").Call())
			case types.Time:
				ret(jen.Qual(g.rtPath, "Time").Call(r.Clone().Dot("Varint").Call()))
			case types.Duration:
				ret(jen.Qual("time", "Duration").Call(r.Clone().Dot("Varint").Call()))
			case types.Float:
				ret(r.Clone().Dot("Float64").Call())
			case types.Bool:
				ret(r.Clone().Dot("Bool").Call())
			case types.Unit:
				body = append(body, r.Clone().Dot("Bool").Call())
				ret(jen.Struct().Values())
			default:
				g.errorf(g.anyPos(), "codegen: cannot checkpoint %s", t)
				ret(jen.Id("v"))
			}
		case *types.Tuple:
			for i, e := range t.Elems {
				body = append(body, v.Clone().Dot(tupleField(i)).Op("=").Add(g.decodeFunc(e)).Call(r))
			}
			fields()
		case *types.Record:
			ri := g.record(t)
			for i, fl := range t.Fields {
				body = append(body, v.Clone().Dot(ri.fields[i]).Op("=").Add(g.decodeFunc(fl.Type)).Call(r))
			}
			if len(t.Fields) == 0 {
				body = append(body, r.Clone().Dot("Bool").Call())
			}
			fields()
		case *types.Optional:
			body = append(body, jen.If(v.Clone().Dot("Ok").Op("=").Add(r.Clone().Dot("Bool").Call()), v.Clone().Dot("Ok")).Block(
				v.Clone().Dot("V").Op("=").Add(g.decodeFunc(t.Elem)).Call(r)))
			fields()
		case *types.List:
			//	n := r.Len()
			//	if n == 0 { return nil }
			//	v := make([]T, n)
			//	for i := range v { v[i] = getT(r) }
			//	return v
			body = append(body,
				jen.Id("n").Op(":=").Add(r.Clone().Dot("Len").Call()),
				jen.If(jen.Id("n").Op("==").Lit(0)).Block(jen.Return(jen.Nil())),
				jen.Id("v").Op(":=").Make(g.goType(t), jen.Id("n")),
				jen.For(jen.Id("i").Op(":=").Range().Id("v")).Block(jen.Id("v").Index(jen.Id("i")).Op("=").Add(g.decodeFunc(t.Elem)).Call(r)))
			ret(v)
		default:
			g.errorf(g.anyPos(), "codegen: cannot checkpoint %s", t)
			fields()
		}
		return docf("%s reads a value of type %s written by %s.", name, t, "put"+g.mangle(t)).Line().
			Func().Id(name).Params(jen.Id("r").Op("*").Qual(cp, "Reader")).Add(g.goType(t)).Block(body...)
	})
}
