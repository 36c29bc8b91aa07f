package corpus

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/tools/txtar"
)

// Program is one program of the corpus.
type Program struct {
	// Origin says where it is: a path relative to the root, with "#section" for a txtar
	// section or ":line" for a Markdown block or a Go string.
	Origin string
	Src    []byte
}

// Programs returns the programs found under root, each text once, in a fixed order
// (the walk's, lexical). Hidden directories and node_modules are skipped.
func Programs(root string) ([]Program, error) {
	var progs []Program
	seen := map[string]bool{}
	add := func(origin string, src []byte) {
		if !seen[string(src)] {
			seen[string(src)] = true
			progs = append(progs, Program{origin, src})
		}
	}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		ext := filepath.Ext(path)
		if ext != ".stream" && ext != ".txtar" && ext != ".md" && !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		switch {
		case ext == ".stream":
			add(rel, data)
		case ext == ".txtar":
			for _, f := range txtar.Parse(data).Files {
				if strings.HasSuffix(f.Name, ".stream") {
					add(rel+"#"+f.Name, f.Data)
				}
			}
		case ext == ".md":
			for _, b := range Fences(string(data)) {
				add(fmt.Sprintf("%s:%d", rel, b.Line), []byte(b.Body))
			}
		default:
			for _, b := range StringPrograms(path, data) {
				add(fmt.Sprintf("%s:%d", rel, b.Line), []byte(b.Body))
			}
		}
		return nil
	})
	return progs, err
}

// Block is a program found inside another file, with the line it starts on.
type Block struct {
	Line int
	Body string
}

// Fences returns the ```stream blocks of a Markdown document, and the ```stream-error
// blocks (examples of what the checker rejects).
func Fences(doc string) []Block {
	var out []Block
	var cur *Block
	var body strings.Builder
	for i, line := range strings.Split(doc, "\n") {
		switch {
		case cur == nil && strings.HasPrefix(line, "```"):
			if f := strings.Fields(line[3:]); len(f) > 0 && (f[0] == "stream" || f[0] == "stream-error") {
				cur = &Block{Line: i + 1}
				body.Reset()
			}
		case cur != nil && strings.TrimSpace(line) == "```":
			cur.Body = body.String()
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			body.WriteString(line + "\n")
		}
	}
	return out
}

// StringPrograms returns the string literals of a Go file that hold a whole program
// (they start with `pipeline `).
func StringPrograms(path string, src []byte) []Block {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	var out []Block
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING || !strings.Contains(lit.Value, "pipeline ") {
			return true
		}
		s, err := strconv.Unquote(lit.Value)
		if err != nil || !strings.HasPrefix(strings.TrimLeft(s, " \t\n"), "pipeline ") {
			return true
		}
		out = append(out, Block{Line: fset.Position(lit.Pos()).Line, Body: s})
		return true
	})
	return out
}
