package parser

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl/ast"
)

// maxSyntaxErrors is how many declarations may fail to parse before the parser gives up
// on the rest of the file.
const maxSyntaxErrors = 10

// maxTokens bounds the size of a file the parser accepts. participle parses about a
// hundred thousand tokens a second, so a generated multi-megabyte file would take
// minutes; real pipelines have a few thousand tokens. Comments and the contents of
// strings do not count, so a large SQL text or comment block is fine.
const maxTokens = 250_000

// ParseFile parses the .stream source src; filename is used in positions. It returns
// the file's syntax tree and the syntax errors, sorted by position. The tree holds every
// declaration that parsed, also when there are errors, so that a caller may still
// inspect it; callers that compile must stop when the list has errors.
//
// An empty file parses to an empty File without errors (the checker reports the missing
// pipeline). ParseFile never panics: a bug that panics is reported as an internal error
// diagnostic.
func ParseFile(filename string, src []byte) (f *ast.File, diags diag.List) {
	f = &ast.File{Name: filename}
	defer func() {
		if r := recover(); r != nil {
			diags.Add(diag.Pos{File: filename}, "internal error: the parser failed (%v); please report this with the input file", r)
			diags.Sort()
		}
	}()
	p := &fileParser{file: filename, src: src, conv: converter{file: filename}}
	p.conv.diags = &p.diags
	p.parse(f)
	p.diags.Sort()
	return f, p.diags
}

type fileParser struct {
	file  string
	src   []byte
	diags diag.List
	conv  converter
	errs  []string // messages of the current scan's Error tokens
}

// parse splits the token stream into declarations at top-level separators and parses
// each on its own, so that an error in one declaration does not hide the next ones.
func (p *fileParser) parse(f *ast.File) {
	s := scan(p.file, p.src, lexer.Position{Filename: p.file, Line: 1, Column: 1})
	f.Comments = s.comments
	p.diags = append(p.diags, s.diags...)
	p.errs = s.errs
	toks := s.toks
	if len(toks) > maxTokens {
		p.diags.Add(p.conv.pos(toks[maxTokens].Pos), "file too large: more than %d tokens", maxTokens)
		return
	}
	failures := 0
	for i := 0; i < len(toks); {
		j := i
		for toks[j].Type != tokSep && toks[j].Type != lexer.EOF {
			j++
		}
		if j == i {
			if toks[j].Type == lexer.EOF {
				break
			}
			i++
			continue
		}
		// The declaration ends where its separator is; an EOF token there carries the
		// separator, so that an error at it can say "newline" or "end of file".
		end := lexer.Token{Type: lexer.EOF, Pos: toks[j].Pos}
		if toks[j].Type == tokSep {
			end.Value = toks[j].Value
		}
		chunk := append(toks[i:j:j], end)
		g, err := p.parseDecl(chunk)
		if err == nil {
			if d := p.conv.decl(g); d != nil {
				f.Decls = append(f.Decls, d)
			}
			i = j + 1
			continue
		}
		pos, msg := p.message(err)
		limit := len(p.src)
		if j+1 < len(toks) {
			limit = toks[j+1].Pos.Offset
		}
		if !p.lexErrorIn(toks[i].Pos.Offset, limit) {
			// A character the scanner skipped explains the parse error already.
			p.diags.Add(pos, "%s%s", msg, recordHint(chunk, pos.Offset))
		}
		if failures++; failures == maxSyntaxErrors {
			return
		}
		// Resynchronise at the next line of the declaration that starts in column 1 with
		// something that can start a declaration: when a bracket was left open, the rest of
		// the file is one "declaration" and the following ones would go unchecked. The
		// rest is scanned again from there with fresh bracket state.
		k := i
		for ; k < j; k++ {
			t := toks[k]
			if t.Pos.Line > pos.Line && t.Pos.Column == 1 && (t.Type == tokIdent ||
				t.Type == tokKeyword && (t.Value == "pipeline" || t.Value == "type" || t.Value == "let")) {
				break
			}
		}
		if k == j {
			i = j + 1
			continue
		}
		rest := scan(p.file, p.src, toks[k].Pos)
		p.diags = append(p.diags, rest.diags...)
		p.errs = rest.errs
		toks = rest.toks
		i = 0
	}
}

// lexErrorIn reports whether the scanner reported an error in [from, to).
func (p *fileParser) lexErrorIn(from, to int) bool {
	for _, d := range p.diags {
		if d.Pos.Offset >= from && d.Pos.Offset < to {
			return true
		}
	}
	return false
}

func (p *fileParser) parseDecl(chunk []lexer.Token) (*gDecl, error) {
	lex, err := lexer.Upgrade(&tokenLexer{toks: chunk})
	if err != nil {
		return nil, err
	}
	return declParser.ParseFromLexer(lex)
}

// message turns a participle error into a position and a message in the language's
// terms: no grammar type names, no Go syntax.
func (p *fileParser) message(err error) (diag.Pos, string) {
	var ute *participle.UnexpectedTokenError
	if errors.As(err, &ute) {
		tok := ute.Unexpected
		pos := p.conv.pos(tok.Pos)
		if tok.Type == tokError {
			if i, err := strconv.Atoi(tok.Value); err == nil && i < len(p.errs) {
				return pos, p.errs[i]
			}
		}
		msg := "unexpected " + describe(tok)
		if exp := expected(ute.Message()); exp != "" && exp != describe(tok) {
			msg += "; expected " + exp
		}
		return pos, msg
	}
	var perr participle.Error
	if errors.As(err, &perr) {
		msg := perr.Message()
		if strings.HasPrefix(msg, "too many iterations") {
			msg = fmt.Sprintf("too many elements (more than %d)", participle.MaxIterations)
		} else {
			msg = "syntax error"
		}
		return p.conv.pos(perr.Position()), msg
	}
	return diag.Pos{File: p.file}, "syntax error"
}

// recordHint explains the likely cause of an error inside the then-branch of an if
// whose condition ends in a capitalised name: `if a == Point{x: 1} {` reads `Point` as
// the condition's last operand and `{x: 1}` as the then-branch.
func recordHint(chunk []lexer.Token, offset int) string {
	for k := 3; k < len(chunk); k++ {
		if chunk[k].Pos.Offset != offset {
			continue
		}
		name := chunk[k-3]
		if chunk[k].Value == ":" && chunk[k-2].Type == tokIfBrace && name.Type == tokIdent &&
			name.Value[0] >= 'A' && name.Value[0] <= 'Z' {
			return fmt.Sprintf(" (a record literal in an if condition must be in parentheses: (%s{...}))", name.Value)
		}
	}
	return ""
}

// describe names a token for an error message.
func describe(t lexer.Token) string {
	switch t.Type {
	case lexer.EOF:
		switch t.Value {
		case "\n":
			return "newline"
		case ";":
			return `";"`
		}
		return "end of file"
	case tokNL, tokSep:
		if t.Value == ";" {
			return `";"`
		}
		return "newline"
	case tokIdent, tokRecordName, tokBinder, tokSettingName:
		return "name " + t.Value
	case tokInt, tokFloat:
		return "number " + t.Value
	case tokDuration:
		return "duration " + t.Value
	case tokString:
		v := t.Value
		if len(v) > 24 || strings.ContainsAny(v, "\n\r") {
			v = strings.ReplaceAll(strings.ReplaceAll(v, "\r", ""), "\n", " ")
			if len(v) > 24 {
				v = v[:20] + "..."
			}
		}
		return "string " + v
	}
	return strconv.Quote(t.Value)
}

// productions names the grammar's productions for "expected ..." messages. participle
// writes them capitalised.
var productions = map[string]string{
	"GExpr": "an expression", "GUnary": "an expression", "GPostfix": "an expression",
	"GPrimary": "an expression", "GArg": "an argument", "GCoverElem": "an expression",
	"GIdent": "a name", "GName": "a name", "GType": "a type", "GBlock": `"{"`, "GArgs": `"("`,
	"GSettingValue": "a value", "GLit": "a value", "GField": "a field",
	"GFieldInit": "a field", "GIf": `"if"`, "GDecl": "a declaration",
	"GArrow": `"=>"`, "GIndex": `"["`,
}

// expected extracts what participle expected from its message, which ends in
// "(expected <EBNF>)", and names the first element of that EBNF.
func expected(msg string) string {
	i := strings.Index(msg, " (expected ")
	if i < 0 || !strings.HasSuffix(msg, ")") {
		return ""
	}
	return strings.Join(firstOf(msg[i+len(" (expected "):len(msg)-1]), " or ")
}

// firstOf names the alternatives that can start the EBNF expression e.
func firstOf(e string) []string {
	e = strings.TrimSpace(e)
	e = strings.TrimPrefix(e, "?=")
	e = strings.TrimSpace(e)
	switch {
	case e == "":
		return nil
	case strings.HasPrefix(e, "("):
		// A group: split its top-level alternatives.
		depth, inQuote, start := 0, false, 1
		var out []string
		for j := 0; j < len(e); j++ {
			switch c := e[j]; {
			case c == '"':
				inQuote = !inQuote
			case inQuote:
			case c == '(':
				depth++
			case c == ')':
				depth--
				if depth == 0 {
					out = appendNew(out, firstOf(e[start:j])...)
					return out
				}
			case c == '|' && depth == 1:
				out = appendNew(out, firstOf(e[start:j])...)
				start = j + 1
			}
		}
		return out
	case strings.HasPrefix(e, `"`):
		if j := strings.Index(e[1:], `"`); j >= 0 {
			return []string{e[:j+2]}
		}
		return nil
	}
	j := 0
	for j < len(e) && (e[j] >= 'A' && e[j] <= 'Z' || e[j] >= 'a' && e[j] <= 'z') {
		j++
	}
	switch name := e[:j]; name {
	case "LBrace", "IfBrace":
		return []string{`"{"`}
	case "Ident", "RecordName", "Binder", "SettingName":
		return []string{"a name"}
	case "NL":
		return []string{"a newline"}
	default:
		if p, ok := productions[name]; ok {
			return []string{p}
		}
	}
	return nil
}

func appendNew(list []string, xs ...string) []string {
	for _, x := range xs {
		dup := false
		for _, y := range list {
			dup = dup || x == y
		}
		if !dup {
			list = append(list, x)
		}
	}
	return list
}
