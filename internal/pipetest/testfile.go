package pipetest

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"streamc.dev/streamc/diag"
)

// Names of a test's parts, in a test file's sections and in a recording directory.
const (
	argsName = "args"
	inDir    = "in"
	outDir   = "out"
	jsonExt  = ".jsonl"
	// Suffix ends the name of every test file.
	Suffix = "_test.txtar"
)

// Case is one test: a test file (a txtar archive) or a recording directory, with the
// flags it runs the pipeline with, the batches it gives each source and those it
// expects of each output.
type Case struct {
	Path   string // the test file, or the recording directory
	IsDir  bool   // Path is a recording directory
	Stream string // the .stream file it tests

	Args    []string
	ArgsPos diag.Pos
	Inputs  []*Batch // in/SOURCE/TIME, in the order written
	Outputs []*Batch // out/OUTPUT/TIME, in the order written

	src      []byte     // a test file's text, for the excerpts of diagnostics
	comment  []byte     // a test file's text before its first section
	sections []*section // a test file's sections, for -update
}

// Batch is one batch of one source (an in/ section) or output (an out/ section).
type Batch struct {
	Key   string // the source's or output's name as written
	Time  int64  // the batch time, epoch milliseconds
	JSONL bool   // in/SOURCE/TIME.jsonl: Kafka records as JSON
	Data  []byte
	// Pos is where the batch is written: its section's header line, or its file.
	Pos diag.Pos
	// Line is the line of Data's first line in a test file (0 for a file of its own).
	Line int
}

// Lines returns the batch's lines (see recording.SplitLines).
func (b *Batch) Lines() []string { return splitLines(b.Data) }

func splitLines(data []byte) []string {
	if len(data) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

// section is one `-- NAME --` section of a txtar archive and its content.
type section struct {
	name string
	line int // the header's line, 1-based
	data []byte
}

// parseTxtar splits a txtar archive into its comment and sections, noting the line of
// each header. A line is a header when it starts with "-- " and ends with " --" (the
// format of golang.org/x/tools/txtar, which has no escape for such a line in a file).
func parseTxtar(data []byte) (comment []byte, secs []*section) {
	lines := bytes.SplitAfter(data, []byte("\n"))
	if n := len(lines); n > 0 && len(lines[n-1]) == 0 {
		lines = lines[:n-1]
	}
	var cur *section
	for i, l := range lines {
		text := bytes.TrimSuffix(bytes.TrimSuffix(l, []byte("\n")), []byte("\r"))
		if name, ok := header(text); ok {
			cur = &section{name: name, line: i + 1}
			secs = append(secs, cur)
			continue
		}
		if !bytes.HasSuffix(l, []byte("\n")) {
			l = append(slices.Clip(l), '\n')
		}
		if cur == nil {
			comment = append(comment, l...)
		} else {
			cur.data = append(cur.data, l...)
		}
	}
	return comment, secs
}

func header(line []byte) (string, bool) {
	if !bytes.HasPrefix(line, []byte("-- ")) || !bytes.HasSuffix(line, []byte(" --")) || len(line) < 7 {
		return "", false
	}
	name := strings.TrimSpace(string(line[3 : len(line)-3]))
	return name, name != ""
}

// formatTxtar writes a txtar archive.
func formatTxtar(comment []byte, secs []*section) []byte {
	var b bytes.Buffer
	b.Write(comment)
	for _, s := range secs {
		fmt.Fprintf(&b, "-- %s --\n", s.name)
		b.Write(s.data)
		if len(s.data) > 0 && s.data[len(s.data)-1] != '\n' {
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

// ReadFile reads the test file at path. The errors it returns are positioned in the
// file (a diag.List) unless the file cannot be read.
func ReadFile(path string) (*Case, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c := &Case{Path: path, src: data}
	c.comment, c.sections = parseTxtar(data)
	var errs diag.List
	for _, s := range c.sections {
		pos := diag.Pos{File: path, Line: s.line, Col: 4}
		switch kind, key, t, jsonl, problem := parseName(s.name); {
		case problem != "":
			errs.Add(pos, "%s", problem)
		case kind == argsName:
			if c.ArgsPos.IsValid() {
				errs.Add(pos, "a second args section (the first is at line %d)", c.ArgsPos.Line)
				continue
			}
			c.ArgsPos = pos
			c.Args = splitArgs(s.data)
		default:
			b := &Batch{Key: key, Time: t, JSONL: jsonl, Data: s.data, Pos: pos, Line: s.line + 1}
			if kind == inDir {
				c.Inputs = append(c.Inputs, b)
			} else {
				c.Outputs = append(c.Outputs, b)
			}
		}
	}
	errs = append(errs, duplicates(c.Inputs, "source")...)
	errs = append(errs, duplicates(c.Outputs, "output")...)
	if len(errs) > 0 {
		errs.Sort()
		return c, errs
	}
	return c, nil
}

// parseName classifies a section's (or a recording file's) name: args,
// in/SOURCE/TIME[.jsonl] or out/OUTPUT/TIME. problem says what is wrong with it.
func parseName(name string) (kind, key string, t int64, jsonl bool, problem string) {
	if name == argsName {
		return argsName, "", 0, false, ""
	}
	parts := strings.Split(name, "/")
	want := fmt.Sprintf("want args, in/SOURCE/TIME or out/OUTPUT/TIME (TIME a batch time in epoch milliseconds, as in in/lines/1000), not %q", name)
	if len(parts) != 3 || (parts[0] != inDir && parts[0] != outDir) || parts[1] == "" {
		return "", "", 0, false, "unknown section: " + want
	}
	kind, key = parts[0], parts[1]
	ts := parts[2]
	if kind == inDir {
		ts, jsonl = strings.CutSuffix(ts, jsonExt)
	}
	t, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return "", "", 0, false, fmt.Sprintf("%q is not a batch time: %s", parts[2], want)
	}
	return kind, key, t, jsonl, ""
}

// duplicates reports batches written twice.
func duplicates(batches []*Batch, what string) diag.List {
	var errs diag.List
	seen := map[string]*Batch{}
	for _, b := range batches {
		k := b.Key + "/" + strconv.FormatInt(b.Time, 10)
		if first, ok := seen[k]; ok {
			errs.Add(b.Pos, "batch %d of %s %s is written twice (first at %s)", b.Time, what, b.Key, posLine(first.Pos))
			continue
		}
		seen[k] = b
	}
	return errs
}

// posLine renders p as "line N" in its file, or the file of its own.
func posLine(p diag.Pos) string {
	if p.Line > 0 {
		return "line " + strconv.Itoa(p.Line)
	}
	return p.File
}

// splitArgs splits the text of an args section or file into flags: words separated by
// blanks and newlines, a # starting a comment to the end of its line (the runtime's
// recording.SplitArgs, which reads a recording's args file the same way).
func splitArgs(data []byte) []string {
	var args []string
	for _, line := range strings.Split(string(data), "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		args = append(args, strings.Fields(line)...)
	}
	return args
}

// ReadDir reads the recording directory dir as a test: its args file, its in/ batches
// (what --record wrote) and the out/ batches a test of it expects, if any.
func ReadDir(dir string) (*Case, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", dir)
	}
	c := &Case{Path: dir, IsDir: true}
	if data, err := os.ReadFile(filepath.Join(dir, argsName)); err == nil {
		c.Args = splitArgs(data)
		c.ArgsPos = diag.Pos{File: filepath.Join(dir, argsName)}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	var errs diag.List
	for _, kind := range []string{inDir, outDir} {
		keys, err := os.ReadDir(filepath.Join(dir, kind))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, k := range keys {
			if !k.IsDir() || strings.HasPrefix(k.Name(), ".") {
				continue
			}
			files, err := os.ReadDir(filepath.Join(dir, kind, k.Name()))
			if err != nil {
				return nil, err
			}
			for _, f := range files {
				if strings.HasPrefix(f.Name(), ".") {
					continue
				}
				path := filepath.Join(dir, kind, k.Name(), f.Name())
				_, key, t, jsonl, problem := parseName(kind + "/" + k.Name() + "/" + f.Name())
				if problem != "" || f.IsDir() {
					errs.Add(diag.Pos{File: path}, "not a batch: want a batch time in epoch milliseconds as its name (%s/%s/1000)", kind, k.Name())
					continue
				}
				data, err := os.ReadFile(path)
				if err != nil {
					return nil, err
				}
				b := &Batch{Key: key, Time: t, JSONL: jsonl, Data: data, Pos: diag.Pos{File: path}}
				if kind == inDir {
					c.Inputs = append(c.Inputs, b)
				} else {
					c.Outputs = append(c.Outputs, b)
				}
			}
		}
	}
	errs = append(errs, duplicates(c.Inputs, "source")...)
	if len(errs) > 0 {
		return c, errs
	}
	return c, nil
}
