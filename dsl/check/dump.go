package check

import (
	"fmt"
	"streamc.dev/streamc/dsl/spec"
	"strings"
)

// Dump renders the checked stream graph compactly, one node a line, for tests and
// debugging:
//
//	n3 reduceByKey shuffle (string, int) <- n2 let=counts
//
// then the outputs in the order they run. The format is stable: golden files hold it.
func (p *Program) Dump() string {
	var b strings.Builder
	fmt.Fprintf(&b, "pipeline %s batch=%v", p.Name, p.Settings.Batch)
	if p.Settings.Checkpoint != "" {
		fmt.Fprintf(&b, " checkpoint=%q", p.Settings.Checkpoint)
	}
	b.WriteByte('\n')
	for _, r := range p.Records {
		fmt.Fprintf(&b, "type %s {", r.Name)
		for i, f := range r.Fields {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, " %s: %s", f.Name, f.Type)
		}
		b.WriteString(" }\n")
	}
	for _, r := range p.Resources {
		fmt.Fprintf(&b, "resource %s %s", r.Op, r.Type)
		if r.Let != "" {
			fmt.Fprintf(&b, " let=%s", r.Let)
		}
		b.WriteString(argNames(r.Args))
		b.WriteByte('\n')
	}
	for _, n := range p.Nodes {
		fmt.Fprintf(&b, "n%d %s %s", n.ID, n.Op, n.Class())
		if n.Elem != nil {
			fmt.Fprintf(&b, " %s", n.Elem)
		}
		if len(n.Inputs) > 0 {
			b.WriteString(" <-")
			for _, in := range n.Inputs {
				fmt.Fprintf(&b, " n%d", in.ID)
			}
		}
		if n.Let != "" {
			fmt.Fprintf(&b, " let=%s", n.Let)
		}
		extra := specFacts(n)
		if len(extra) > 0 {
			b.WriteString(" " + strings.Join(extra, " "))
		}
		b.WriteString(argNames(n.Args))
		b.WriteByte('\n')
	}
	b.WriteString("outputs:")
	for _, n := range p.Outputs {
		fmt.Fprintf(&b, " n%d", n.ID)
	}
	b.WriteByte('\n')
	return b.String()
}

func argNames(args []*NamedArg) string {
	if len(args) == 0 {
		return ""
	}
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = a.Name + "=" + exprString(a.Value)
		if a.Resource != nil {
			parts[i] += "@" + a.Resource.Op
		}
	}
	return " [" + strings.Join(parts, " ") + "]"
}

// specFacts lists what a node's spec holds, for the dump.
func specFacts(n *Node) []string {
	var extra []string
	add := func(cond bool, format string, args ...any) {
		if cond {
			extra = append(extra, fmt.Sprintf(format, args...))
		}
	}
	switch sp := n.Spec.(type) {
	case *spec.Decode:
		add(sp.Record != nil, "decoded=%s", sp.Record)
		if sp.OnBadRecord != nil {
			add(true, "onBadRecord=%d", sp.OnBadRecord.Kind)
		}
	case *spec.Func:
		add(sp.Fn != nil, "fn")
		add(sp.N != 0, "n=%d", sp.N)
		add(n.Op == "sortBy" || n.Op == "sortByKey", "ascending=%t", sp.Ascending)
	case *spec.EventTime:
		add(sp.Fn != nil, "fn")
		add(sp.Lateness != 0, "lateness=%v", sp.Lateness)
	case *spec.Keyed:
		add(sp.Fn != nil, "fn")
		add(sp.Comb != nil, "inv")
		add(sp.Zero != nil, "zero")
		add(sp.N != 0, "n=%d", sp.N)
		add(sp.Partitions != 0, "partitions=%d", sp.Partitions)
	case *spec.Window:
		add(sp.Fn != nil, "fn")
		add(sp.Inv != nil, "inv")
		add(sp.Filter != nil, "filter")
		add(true, "len=%v slide=%v", sp.Len, sp.Slide)
		add(sp.Partitions != 0, "partitions=%d", sp.Partitions)
	case *spec.State:
		add(sp.Fn != nil, "fn")
		add(sp.Initial != nil, "initial")
		add(sp.Timeout != 0, "timeout=%v", sp.Timeout)
		add(sp.Partitions != 0, "partitions=%d", sp.Partitions)
		add(sp.Optional, "optional")
	case *spec.Lookup:
		add(sp.Key != nil, "fn")
		add(sp.Row != nil, "decoded=%s", sp.Row)
	case *spec.Output:
		add(sp.N != 0, "n=%d", sp.N)
	}
	return extra
}
