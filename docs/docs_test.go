package docs

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl"
	"streamc.dev/streamc/dsl/builtins"
	"streamc.dev/streamc/dsl/types"
)

var update = flag.Bool("update", false, "rewrite the generated parts of language.md (diagnostics blocks, builtin tables)")

const docFile = "language.md"

// Markers around the generated builtin tables in language.md.
const (
	beginBuiltins = "<!-- begin builtins: generated from dsl/builtins by `go test ./docs -update` -->\n"
	endBuiltins   = "<!-- end builtins -->\n"
)

// fence is one fenced code block of the document.
type fence struct {
	lang       string // first word of the info string: "stream", "stream-error", "text", ...
	name       string // second word of the info string, the example's file name; "" if absent
	line       int    // 1-based line of the opening fence
	body       string // the lines between the fences, each ending in "\n"
	start, end int    // byte offsets of body in the document
}

// fileName is the name an example is checked under, which diagnostics print.
func (f fence) fileName() string {
	if f.name != "" {
		return f.name
	}
	return "example.stream"
}

// fences returns the fenced code blocks of doc in order. Fences start at column 0 with
// three backquotes; an unclosed fence runs to the end of the document.
func fences(doc string) []fence {
	var out []fence
	var cur *fence
	off := 0
	for lineNo := 1; off < len(doc); lineNo++ {
		end := strings.IndexByte(doc[off:], '\n')
		next := len(doc)
		if end >= 0 {
			next = off + end + 1
		}
		line := strings.TrimRight(doc[off:next], "\r\n")
		switch {
		case cur == nil && strings.HasPrefix(line, "```"):
			words := strings.Fields(line[3:])
			cur = &fence{line: lineNo, start: next}
			if len(words) > 0 {
				cur.lang = words[0]
			}
			if len(words) > 1 {
				cur.name = words[1]
			}
		case cur != nil && strings.TrimSpace(line) == "```":
			cur.end = off
			cur.body = doc[cur.start:cur.end]
			out = append(out, *cur)
			cur = nil
		}
		off = next
	}
	if cur != nil {
		cur.end = len(doc)
		cur.body = doc[cur.start:]
		out = append(out, *cur)
	}
	return out
}

// edit replaces doc[start:end] with text.
type edit struct {
	start, end int
	text       string
}

// apply returns doc with the edits applied; edits must not overlap.
func apply(doc string, edits []edit) string {
	slices.SortFunc(edits, func(a, b edit) int { return a.start - b.start })
	var b strings.Builder
	prev := 0
	for _, e := range edits {
		b.WriteString(doc[prev:e.start])
		b.WriteString(e.text)
		prev = e.end
	}
	b.WriteString(doc[prev:])
	return b.String()
}

func readDoc(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile(docFile)
	if err != nil {
		t.Fatal(err)
	}
	return string(src)
}

func writeDoc(t *testing.T, doc string, edits []edit) {
	t.Helper()
	if len(edits) == 0 {
		return
	}
	if err := os.WriteFile(docFile, []byte(apply(doc, edits)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// printDiags renders diagnostics as `streamc check` prints them.
func printDiags(name, src string, l diag.List) string {
	var b bytes.Buffer
	diag.Print(&b, l, map[string][]byte{name: []byte(src)}, diag.DefaultMax)
	return b.String()
}

// TestExamplesCheck type-checks every ```stream block: each is a complete program that
// must check without errors or warnings.
func TestExamplesCheck(t *testing.T) {
	doc := readDoc(t)
	n := 0
	for _, f := range fences(doc) {
		if f.lang != "stream" {
			continue
		}
		n++
		_, diags := dsl.Check(f.fileName(), []byte(f.body))
		if len(diags) > 0 {
			// The block's line k is the document's line f.line+k.
			t.Errorf("%s:%d: example (from line %d) does not check cleanly:\n%s",
				docFile, f.line+diags[0].Pos.Line, f.line, printDiags(f.fileName(), f.body, diags))
		}
	}
	if n == 0 {
		t.Fatalf("%s has no ```stream blocks", docFile)
	}
}

// TestOtherDocsExamplesCheck type-checks the ```stream blocks of the other pages
// (connectors.md, ...) and of the README: each is a complete program that must check
// without errors or warnings.
func TestOtherDocsExamplesCheck(t *testing.T) {
	for _, file := range []string{"connectors.md", "reliability.md", "running.md", "../README.md"} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fences(string(src)) {
			if f.lang != "stream" {
				continue
			}
			if _, diags := dsl.Check(f.fileName(), []byte(f.body)); len(diags) > 0 {
				t.Errorf("%s:%d: example (from line %d) does not check cleanly:\n%s",
					file, f.line+diags[0].Pos.Line, f.line, printDiags(f.fileName(), f.body, diags))
			}
		}
	}
}

// TestErrorExamples checks every ```stream-error block: it must fail to check, and the
// ```text block that follows it must hold exactly what `streamc check` prints for it.
func TestErrorExamples(t *testing.T) {
	doc := readDoc(t)
	fs := fences(doc)
	var edits []edit
	n := 0
	for i, f := range fs {
		if f.lang != "stream-error" {
			continue
		}
		n++
		_, diags := dsl.Check(f.fileName(), []byte(f.body))
		got := printDiags(f.fileName(), f.body, diags)
		if !diags.HasErrors() {
			t.Errorf("%s:%d: error example checks without errors:\n%s", docFile, f.line, got)
			continue
		}
		if i+1 >= len(fs) || fs[i+1].lang != "text" {
			t.Errorf("%s:%d: error example is not followed by a ```text block with its diagnostics", docFile, f.line)
			continue
		}
		want := fs[i+1]
		if got == want.body {
			continue
		}
		if *update {
			edits = append(edits, edit{want.start, want.end, got})
			continue
		}
		t.Errorf("%s:%d: diagnostics differ (go test ./docs -update rewrites them)\n--- got:\n%s--- want (line %d):\n%s",
			docFile, f.line, got, want.line, want.body)
	}
	if n == 0 {
		t.Fatalf("%s has no ```stream-error blocks", docFile)
	}
	writeDoc(t, doc, edits)
}

// categoryTitles are the headings of the builtin tables, in order.
var categoryTitles = []struct{ category, title string }{
	{"strings", "Strings"},
	{"numbers", "Numbers"},
	{"lists", "Lists"},
	{"optionals", "Optionals"},
	{"time", "Time"},
	{"misc", "Other"},
}

// signature renders a builtin as the reference shows it: `split(s: string, sep: string)
// → [string]`, methods with their receiver named by its role (`x.get()`, `state.get()`).
func signature(f *builtins.Func) string {
	var b strings.Builder
	switch f.Recv.(type) {
	case *types.Optional:
		b.WriteString("x.")
	case *types.State:
		b.WriteString("state.")
	}
	b.WriteString(f.Name)
	b.WriteByte('(')
	for i, p := range f.Params {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s: %s", p.Name, p.Type)
		if f.Variadic && i == len(f.Params)-1 {
			b.WriteString("...")
		}
		if p.Default != "" {
			fmt.Fprintf(&b, " = %s", p.Default)
		}
	}
	fmt.Fprintf(&b, ") → %s", f.Result)
	return b.String()
}

// constraints notes the constraints of f's type parameters: "T ordered".
func constraints(f *builtins.Func) string {
	var parts []string
	for _, tp := range f.TypeParams {
		if tp.Constraint != builtins.Any {
			parts = append(parts, fmt.Sprintf("`%s` %s", tp.Name, tp.Constraint))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

func writeTable(b *strings.Builder, fs []*builtins.Func) {
	b.WriteString("| signature | meaning | example |\n|---|---|---|\n")
	for _, f := range fs {
		fmt.Fprintf(b, "| `%s` | %s%s | `%s` |\n", cell(signature(f)), cell(f.Doc), constraints(f), cell(f.Example))
	}
}

// builtinTables renders the generated part of the builtins section from the table.
func builtinTables(t *testing.T) string {
	var b strings.Builder
	b.WriteString(beginBuiltins)
	done := map[*builtins.Func]bool{}
	for _, c := range categoryTitles {
		var fs []*builtins.Func
		for _, f := range builtins.Funcs {
			if f.Category == c.category {
				fs = append(fs, f)
				done[f] = true
			}
		}
		if len(fs) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n#### %s\n\n", c.title)
		writeTable(&b, fs)
	}
	var opt, state []*builtins.Func
	for _, m := range builtins.Methods {
		switch m.Recv.(type) {
		case *types.Optional:
			opt = append(opt, m)
		case *types.State:
			state = append(state, m)
		default:
			t.Errorf("builtin method %s has a receiver the reference does not know: %v", m.Name, m.Recv)
		}
	}
	b.WriteString("\n#### Methods on optionals (`x: T?`)\n\n")
	writeTable(&b, opt)
	b.WriteString("\n#### Methods of the mapWithState state (`state: State[S]`)\n\n")
	writeTable(&b, state)
	for _, f := range builtins.Funcs {
		if !done[f] {
			t.Errorf("builtin %s has category %q, which has no table in the reference: add it to categoryTitles", f.Name, f.Category)
		}
	}
	b.WriteString("\n" + endBuiltins)
	return b.String()
}

// TestBuiltinsDocumented checks that the builtins section lists every builtin function
// and method of dsl/builtins with its current signature and documentation.
func TestBuiltinsDocumented(t *testing.T) {
	doc := readDoc(t)
	start := strings.Index(doc, beginBuiltins)
	end := strings.Index(doc, endBuiltins)
	if start < 0 || end < start {
		t.Fatalf("%s: missing the generated builtins section (%q ... %q)", docFile, beginBuiltins, endBuiltins)
	}
	section := doc[start : end+len(endBuiltins)]
	want := builtinTables(t)
	if section == want {
		return
	}
	if *update {
		writeDoc(t, doc, []edit{{start, end + len(endBuiltins), want}})
		return
	}
	for _, f := range append(slices.Clone(builtins.Funcs), builtins.Methods...) {
		if !strings.Contains(section, "`"+cell(signature(f))+"`") {
			t.Errorf("%s: builtin %s is missing or out of date: want `%s`", docFile, f.Name, signature(f))
		}
	}
	t.Errorf("%s: the builtins section differs from dsl/builtins; run go test ./docs -update", docFile)
}

// TestOperatorsDocumented checks that every source, decoder, operator, output, sink and
// setting of dsl/builtins appears in the reference.
func TestOperatorsDocumented(t *testing.T) {
	doc := readDoc(t)
	for _, op := range builtins.Ops {
		if op.Internal {
			continue // not a name a program writes
		}
		re := regexp.MustCompile("`[^`\n]*\\b" + regexp.QuoteMeta(op.Name) + "\\(")
		if !re.MatchString(doc) {
			t.Errorf("%s: %s %s is not documented (no code span calling %s(...))", docFile, op.Kind, op.Name, op.Name)
		}
	}
	for _, s := range builtins.Settings {
		if !strings.Contains(doc, "| `"+s.Name+"` |") {
			t.Errorf("%s: setting %s is not in the settings table", docFile, s.Name)
		}
	}
}
