package diag

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Pos is a position in a .stream file. Line and Col are 1-based; Col counts bytes, as
// the Go toolchain does, so that a caret lines up under ASCII source and tools that read
// the position agree with it. The zero Pos means "no position".
type Pos struct {
	File   string
	Offset int
	Line   int
	Col    int
}

// IsValid reports whether p names a place in a file.
func (p Pos) IsValid() bool { return p.Line > 0 }

// String renders p as file:line:col, leaving out what is unknown.
func (p Pos) String() string {
	switch {
	case !p.IsValid() && p.File == "":
		return "-"
	case !p.IsValid():
		return p.File
	case p.File == "":
		return fmt.Sprintf("%d:%d", p.Line, p.Col)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Before reports whether p comes before q in the same file (file names break ties
// between files so that sorting is total and deterministic).
func (p Pos) Before(q Pos) bool {
	if p.File != q.File {
		return p.File < q.File
	}
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Col < q.Col
}

// Severity says whether a diagnostic stops compilation.
type Severity int

const (
	// Error diagnostics make `streamc check` exit 1 and stop code generation.
	Error Severity = iota
	// Warning diagnostics are printed but do not stop compilation.
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Diagnostic is one message about one place in a file.
type Diagnostic struct {
	Pos      Pos
	Severity Severity
	Msg      string
}

// Error implements error with the one-line form "file:line:col: message".
func (d Diagnostic) Error() string {
	prefix := ""
	if d.Severity == Warning {
		prefix = "warning: "
	}
	return d.Pos.String() + ": " + prefix + d.Msg
}

// List collects diagnostics. The zero List is ready to use.
type List []Diagnostic

// Add appends an error at pos.
func (l *List) Add(pos Pos, format string, args ...any) {
	*l = append(*l, Diagnostic{Pos: pos, Severity: Error, Msg: fmt.Sprintf(format, args...)})
}

// Warn appends a warning at pos.
func (l *List) Warn(pos Pos, format string, args ...any) {
	*l = append(*l, Diagnostic{Pos: pos, Severity: Warning, Msg: fmt.Sprintf(format, args...)})
}

// HasErrors reports whether any diagnostic in l is an error (warnings do not count).
func (l List) HasErrors() bool {
	for _, d := range l {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Errors returns only the error diagnostics of l.
func (l List) Errors() List {
	var out List
	for _, d := range l {
		if d.Severity == Error {
			out = append(out, d)
		}
	}
	return out
}

// Sort orders l by position and removes exact duplicates (the same message at the same
// place), which a checker that revisits a shared node may otherwise report twice.
func (l *List) Sort() {
	s := *l
	sort.SliceStable(s, func(i, j int) bool {
		if s[i].Pos != s[j].Pos {
			return s[i].Pos.Before(s[j].Pos)
		}
		return s[i].Severity < s[j].Severity
	})
	out := s[:0]
	for i, d := range s {
		if i > 0 && d == s[i-1] {
			continue
		}
		out = append(out, d)
	}
	*l = out
}

// Err returns l as an error if it holds any error diagnostic, or nil.
func (l List) Err() error {
	if !l.HasErrors() {
		return nil
	}
	return l
}

// Error implements error: the first diagnostic, and how many more there are.
func (l List) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0].Error(), len(l)-1)
}

// DefaultMax is how many diagnostics Print shows before it summarises the rest.
const DefaultMax = 10

// Print writes the diagnostics of l, at most max of them (max <= 0 means all), each as
// "file:line:col: message" followed by the source line and a caret under the column.
// sources maps a file name to its contents; a file missing from it prints no excerpt.
// l should be sorted first.
func Print(w interface{ Write([]byte) (int, error) }, l List, sources map[string][]byte, max int) {
	var b strings.Builder
	for i, d := range l {
		if max > 0 && i == max {
			fmt.Fprintf(&b, "(and %d more errors)\n", len(l)-max)
			break
		}
		b.WriteString(d.Error())
		b.WriteByte('\n')
		if src, ok := sources[d.Pos.File]; ok && d.Pos.IsValid() {
			if line, ok := sourceLine(src, d.Pos.Line); ok {
				b.WriteString(excerpt(line, d.Pos.Col))
			}
		}
	}
	w.Write([]byte(b.String()))
}

// maxExcerpt bounds the printed source line so that a minified or binary file does not
// flood the terminal.
const maxExcerpt = 160

// sourceLine returns line n (1-based) of src without its newline.
func sourceLine(src []byte, n int) (string, bool) {
	line := 1
	start := 0
	for i := 0; i < len(src) && line < n; i++ {
		if src[i] == '\n' {
			line++
			start = i + 1
		}
	}
	if line != n {
		return "", false
	}
	end := start
	for end < len(src) && src[end] != '\n' {
		end++
	}
	return strings.TrimRight(string(src[start:end]), "\r"), true
}

// excerpt renders a source line and a caret under byte column col. Tabs are kept in the
// caret's indentation so the caret lines up in a terminal; non-printable bytes are shown
// as '?' so that binary input cannot emit control sequences.
func excerpt(line string, col int) string {
	if col < 1 {
		col = 1
	}
	start := 0
	if col > maxExcerpt {
		start = col - maxExcerpt/2
	}
	if start > len(line) {
		start = len(line)
	}
	end := len(line)
	if end-start > maxExcerpt {
		end = start + maxExcerpt
	}
	shown := clean(line[start:end])
	var caret strings.Builder
	caret.WriteString("    ")
	// The caret's indentation copies the prefix rune by rune (tabs stay tabs) so that
	// it lines up under multi-byte characters too; past the end of the line it pads.
	cut := min(col-1, len(line))
	for _, r := range line[start:max(start, cut)] {
		if r == '\t' {
			caret.WriteByte('\t')
		} else {
			caret.WriteByte(' ')
		}
	}
	for i := cut; i < col-1; i++ {
		caret.WriteByte(' ')
	}
	caret.WriteByte('^')
	return "    " + shown + "\n" + caret.String() + "\n"
}

// clean replaces bytes that would misbehave on a terminal.
func clean(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteByte('?')
		case r == '\t':
			b.WriteByte('\t')
		case r < 0x20 || r == 0x7f:
			b.WriteByte('?')
		default:
			b.WriteString(s[:size])
		}
		s = s[size:]
	}
	return b.String()
}
