package pipetest

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl/ast"
)

// OutputEnv prefixes the environment variables that give a test binary the directory
// each of its outputs writes to: output i writes saveAsTextFiles(env(OutputEnv + i)).
const OutputEnv = "STREAMC_TEST_OUTPUT_"

// A test runs the pipeline under test rewritten, not edited: the text of each output
// call is replaced by `saveAsTextFiles(env("STREAMC_TEST_OUTPUT_<i>", ...))`, whose files
// hold each batch rendered as print renders it, and the text of a source call that
// cannot read a recording by one that can: a queue of the test's batches (`queue([...])`,
// type-checked like any queue, so a batch element that does not fit the source's type
// is an error at its line in the test file), or `stdin()` for a Go source of strings.
// Each replacement keeps the newlines of the text it replaces, so every line keeps its
// number, and positions in the rewritten text map back to the .stream file (or to the
// test file, inside a test's queue elements).

// edit replaces src[start:end] by text.
type edit struct {
	start, end int
	text       string
	elems      []elem // the test's queue elements inside text
}

// elem is one queue element a test wrote: text[off:end] of its edit came from pos.
type elem struct {
	off, end int
	pos      diag.Pos
}

// rewrite is the rewritten text of a .stream file and the way back from its positions.
type rewrite struct {
	path  string
	orig  []byte
	src   []byte
	edits []edit // sorted by start, not overlapping
	// at[i] is where edits[i]'s text starts in src.
	at []int
}

// newRewrite applies edits to orig.
func newRewrite(path string, orig []byte, edits []edit) (*rewrite, error) {
	sort.Slice(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
	r := &rewrite{path: path, orig: orig, edits: edits}
	var b bytes.Buffer
	prev := 0
	for _, e := range edits {
		if e.start < prev || e.end < e.start || e.end > len(orig) {
			return nil, fmt.Errorf("streamc test: overlapping rewrites of %s at byte %d (this is a streamc bug)", path, e.start)
		}
		b.Write(orig[prev:e.start])
		r.at = append(r.at, b.Len())
		b.WriteString(e.text)
		prev = e.end
	}
	b.Write(orig[prev:])
	r.src = b.Bytes()
	return r, nil
}

// keepLines returns text with the newlines of replaced inserted before its last
// character (a closing parenthesis), so that the lines after it keep their numbers.
func keepLines(text string, replaced []byte) string {
	n := bytes.Count(replaced, []byte("\n"))
	if n == 0 {
		return text
	}
	return text[:len(text)-1] + strings.Repeat("\n", n) + text[len(text)-1:]
}

// callSpan returns the byte range of a call: from its function (for a method, from its
// name: `print(10)` in `counts.print(10)`) to its closing parenthesis.
func callSpan(c *ast.Call, method bool) (int, int) {
	start := c.Fun.Pos().Offset
	if _, name, ok := c.MethodName(); ok && method {
		start = name.At.Offset
	}
	return start, c.Rparen.Offset + 1
}

// origPos maps a position in the rewritten text back: to the test file when it is in
// one of the test's queue elements, else to the .stream file.
func (r *rewrite) origPos(p diag.Pos) diag.Pos {
	if !p.IsValid() || p.File != r.path {
		return p
	}
	off := offsetOf(r.src, p.Line, p.Col)
	shift := 0
	for i, e := range r.edits {
		at := r.at[i]
		if off < at {
			break
		}
		if off >= at+len(e.text) {
			shift += len(e.text) - (e.end - e.start)
			continue
		}
		rel := off - at
		for _, el := range e.elems {
			if rel >= el.off && rel < el.end {
				q := el.pos
				q.Col += rel - el.off
				return q
			}
		}
		return posOf(r.path, r.orig, e.start)
	}
	return posOf(r.path, r.orig, off-shift)
}

// offsetOf returns the byte offset of line:col in src.
func offsetOf(src []byte, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(src[off:], '\n')
		if i < 0 {
			return len(src)
		}
		off += i + 1
	}
	return min(off+col-1, len(src))
}

// posOf returns the position of byte offset off in src.
func posOf(file string, src []byte, off int) diag.Pos {
	off = min(max(off, 0), len(src))
	line := 1 + bytes.Count(src[:off], []byte("\n"))
	col := off - (bytes.LastIndexByte(src[:off], '\n') + 1) + 1
	return diag.Pos{File: file, Offset: off, Line: line, Col: col}
}

// mapDiags maps the positions of diagnostics about the rewritten text back.
func (r *rewrite) mapDiags(diags diag.List) diag.List {
	out := make(diag.List, len(diags))
	for i, d := range diags {
		d.Pos = r.origPos(d.Pos)
		out[i] = d
	}
	out.Sort()
	return out
}

// mapText maps the positions (FILE:LINE:COL) in a message of the test binary, such as
// the position of the operator a failed batch names, back to the .stream file.
func (r *rewrite) mapText(s string) string {
	re := regexp.MustCompile(regexp.QuoteMeta(r.path) + `:(\d+):(\d+)`)
	return re.ReplaceAllStringFunc(s, func(m string) string {
		sub := re.FindStringSubmatch(m)
		line, _ := strconv.Atoi(sub[1])
		col, _ := strconv.Atoi(sub[2])
		return r.origPos(diag.Pos{File: r.path, Line: line, Col: col}).String()
	})
}

// outputEdit replaces output o's call by a saveAsTextFiles whose directory the
// environment gives.
func outputEdit(src []byte, o *Output) edit {
	start, end := callSpan(o.Node.Call, true)
	text := fmt.Sprintf(`saveAsTextFiles(env("%s%d", "streamc-test-output-%d"))`, OutputEnv, o.Index, o.Index)
	return edit{start: start, end: end, text: keepLines(text, src[start:end])}
}

// queueEdit replaces source s's call by a queue of the test's batches: batch i of the
// queue is the one at first + i·interval. Text sources' lines become string literals;
// other sources' lines are .stream expressions, one a line (blank lines and // comments
// left out), kept as written so that the checker's errors point into them.
func queueEdit(src []byte, s *Source, batches []*Batch, first, interval int64) edit {
	start, end := callSpan(s.Node.Call, false)
	byIndex := map[int64]*Batch{}
	last := int64(-1)
	for _, b := range batches {
		i := (b.Time - first) / interval
		byIndex[i] = b
		last = max(last, i)
	}
	var text strings.Builder
	var elems []elem
	text.WriteString("queue([")
	for i := int64(0); i <= last; i++ {
		if i > 0 {
			text.WriteString(", ")
		}
		text.WriteString("[")
		if b := byIndex[i]; b != nil {
			n := 0
			for k, line := range b.Lines() {
				value, col := line, 1
				if s.Text() {
					value = strconv.Quote(line)
				} else {
					trimmed := strings.TrimSpace(line)
					if trimmed == "" || strings.HasPrefix(trimmed, "//") {
						continue
					}
					col += strings.Index(line, trimmed)
					value = trimmed
				}
				if n > 0 {
					text.WriteString(", ")
				}
				n++
				pos := b.Pos
				pos.Line, pos.Col = b.Line+k, col
				if b.Line == 0 { // a file of its own
					pos.Line = k + 1
				}
				elems = append(elems, elem{off: text.Len(), end: text.Len() + len(value), pos: pos})
				text.WriteString(value)
			}
		}
		text.WriteString("]")
	}
	text.WriteString("])")
	return edit{start: start, end: end, text: keepLines(text.String(), src[start:end]), elems: elems}
}

// stdinEdit replaces a Go source of strings by stdin(), a text source the runtime can
// feed from a recording.
func stdinEdit(src []byte, s *Source) edit {
	start, end := callSpan(s.Node.Call, false)
	return edit{start: start, end: end, text: keepLines("stdin()", src[start:end])}
}

// sortedTimes returns the batch times of batches, ascending and unique.
func sortedTimes(batches []*Batch) []int64 {
	var ts []int64
	for _, b := range batches {
		ts = append(ts, b.Time)
	}
	slices.Sort(ts)
	return slices.Compact(ts)
}
