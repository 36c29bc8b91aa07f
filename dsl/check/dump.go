package check

import (
	"fmt"
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
		var extra []string
		if n.Fn != nil {
			extra = append(extra, "fn")
		}
		if n.InvFn != nil {
			extra = append(extra, "inv")
		}
		if n.FilterFn != nil {
			extra = append(extra, "filter")
		}
		if n.Zero != nil {
			extra = append(extra, "zero")
		}
		if n.Initial != nil {
			extra = append(extra, "initial")
		}
		if n.Len != 0 {
			extra = append(extra, fmt.Sprintf("len=%v slide=%v", n.Len, n.Slide))
		}
		if n.Timeout != 0 {
			extra = append(extra, fmt.Sprintf("timeout=%v", n.Timeout))
		}
		if n.Lateness != 0 {
			extra = append(extra, fmt.Sprintf("lateness=%v", n.Lateness))
		}
		if n.N != 0 {
			extra = append(extra, fmt.Sprintf("n=%d", n.N))
		}
		if n.Partitions != 0 {
			extra = append(extra, fmt.Sprintf("partitions=%d", n.Partitions))
		}
		if n.Op == "sortBy" || n.Op == "sortByKey" {
			extra = append(extra, fmt.Sprintf("ascending=%t", n.Ascending))
		}
		if n.Decoded != nil {
			extra = append(extra, fmt.Sprintf("decoded=%s", n.Decoded))
		}
		if n.OnBadRecord != nil {
			extra = append(extra, fmt.Sprintf("onBadRecord=%d", n.OnBadRecord.Kind))
		}
		if n.Optional {
			extra = append(extra, "optional")
		}
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
