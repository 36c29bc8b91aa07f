package builtins

import (
	"fmt"
	"strings"
)

// Markdown renders the table as the Markdown of the language reference's builtin
// sections, so that docs/language.md can be generated from it (or a test can check that
// the docs contain it): one section per category of functions, the value methods, then
// the stream functions and operators by kind, then the settings.
func Markdown() string {
	var b strings.Builder
	b.WriteString("## Builtin functions\n")
	category := ""
	for _, f := range Funcs {
		if f.Category != category {
			category = f.Category
			fmt.Fprintf(&b, "\n### %s\n\n| function | result | description | example |\n|---|---|---|---|\n", category)
		}
		writeFunc(&b, f, "")
	}
	b.WriteString("\n## Methods on optionals and on State\n")
	category = ""
	for _, m := range Methods {
		if m.Category != category {
			category = m.Category
			fmt.Fprintf(&b, "\n### %s (on %s)\n\n| method | result | description | example |\n|---|---|---|---|\n", category, m.Recv)
		}
		writeFunc(&b, m, ".")
	}
	kind := OpKind(-1)
	for _, o := range Ops {
		if o.Kind != kind {
			kind = o.Kind
			fmt.Fprintf(&b, "\n## %s\n\n| call | result | description | example |\n|---|---|---|---|\n", opKindTitles[kind])
		}
		params := make([]string, len(o.Params))
		for i, p := range o.Params {
			params[i] = p.Name + ": " + p.Type
			if p.Default != "" {
				params[i] += " = " + p.Default
			} else if p.Optional {
				params[i] += " (optional)"
			}
		}
		if o.Variadic && len(params) > 0 {
			params[len(params)-1] += ", ..."
		}
		dot := ""
		if o.Method {
			dot = "."
		}
		fmt.Fprintf(&b, "| `%s%s(%s)` | `%s` | %s | `%s` |\n", dot, o.Name, escape(strings.Join(params, ", ")), escape(o.Result), escape(o.Doc), escape(o.Example))
	}
	b.WriteString("\n## Settings\n\n| setting | value | meaning |\n|---|---|---|\n")
	for _, s := range Settings {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", s.Name, escape(s.Value), escape(s.Doc))
	}
	return b.String()
}

var opKindTitles = map[OpKind]string{
	Source: "Sources", Decoder: "Decoders", Operator: "Operators", Window: "Windows",
	Stateful: "State", Reference: "Reference data", Connection: "Connections",
	Output: "Outputs", Sink: "Sinks",
}

func writeFunc(b *strings.Builder, f *Func, dot string) {
	params := make([]string, len(f.Params))
	for i, p := range f.Params {
		params[i] = p.Name + ": " + p.Type.String()
		if f.Variadic && i == len(f.Params)-1 {
			params[i] += "..."
		}
		if p.Default != "" {
			params[i] += " = " + p.Default
		}
	}
	fmt.Fprintf(b, "| `%s%s(%s)` | `%s` | %s | `%s` |\n", dot, f.Name, escape(strings.Join(params, ", ")), f.Result, escape(f.Doc), escape(f.Example))
}

// escape keeps table cells intact: a | inside a cell would split it.
func escape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
