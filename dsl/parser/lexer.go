package parser

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"

	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl/ast"
)

// Token types of the hand-written lexer. The grammar refers to them by the names in
// symbols.
const (
	tokIdent lexer.TokenType = iota + 1
	tokKeyword
	tokInt
	tokFloat
	tokDuration
	tokString
	tokPunct
	tokLBrace  // "{" everywhere except ...
	tokIfBrace // ... the "{" that opens the then-branch of an if
	tokNL      // a significant newline or a ";" inside braces
	tokSep     // a newline or ";" at top level: ends a declaration; never reaches the grammar
	tokError   // a lexical error the parser stops at; Value indexes scanner.errs

	// Names that the scanner classifies by the token after them, so that the grammar
	// decides every choice on its first token (see classify).
	tokRecordName  // a name right before LBrace: a record literal's or a type's name
	tokBinder      // a name right before "=": a let's name or a named argument's
	tokSettingName // a name that starts a top-level line and is followed by a value
)

// symbols returns the token types by name. It is a function, not a variable, because
// the grammar is built during package initialisation, possibly before variables that it
// reaches only through the lexer.Definition interface.
func symbols() map[string]lexer.TokenType {
	return map[string]lexer.TokenType{
		"EOF":         lexer.EOF,
		"Ident":       tokIdent,
		"Keyword":     tokKeyword,
		"Int":         tokInt,
		"Float":       tokFloat,
		"Duration":    tokDuration,
		"String":      tokString,
		"Punct":       tokPunct,
		"LBrace":      tokLBrace,
		"IfBrace":     tokIfBrace,
		"NL":          tokNL,
		"Sep":         tokSep,
		"Error":       tokError,
		"RecordName":  tokRecordName,
		"Binder":      tokBinder,
		"SettingName": tokSettingName,
	}
}

var keywords = map[string]bool{
	"pipeline": true, "import": true, "type": true, "let": true, "if": true, "else": true,
	"true": true, "false": true, "none": true,
}

// maxNesting bounds how deeply constructs may nest. The parser is recursive; without a
// bound, 100k open parentheses would exhaust the stack, which Go cannot recover from.
const maxNesting = 200

// maxSoftErrors bounds the lexical errors reported for one file (binary garbage would
// otherwise report one per line).
const maxSoftErrors = 50

// scanner turns source bytes into tokens for the grammar.
//
// Newlines: the scanner decides which newlines matter, as Go's automatic semicolons do,
// so that the grammar never has to skip them. A newline is emitted only when
//   - the last token can end an expression (a name, a literal, ")", "]", "}", "?", or
//     a keyword other than if and else),
//   - the innermost open bracket is "{" or there is none (inside "(" and "[" newlines
//     never matter), and
//   - the next token is neither "." (a method chain continues on the next line) nor
//     "else" (so that "}\nelse {" is one if expression).
//
// At top level such a newline (or a ";") becomes a Sep token, which ends a declaration;
// inside braces it becomes an NL token, which separates statements or fields.
//
// If conditions: the first "{" at the nesting level of an "if" opens the then-branch and
// is emitted as IfBrace; every other "{" is LBrace. A record literal is `Name LBrace`, so
// `if x { ... }` never reads `x {` as a record literal; a record literal inside an if
// condition has to be parenthesised, as a composite literal in Go.
type scanner struct {
	file string
	src  []byte
	pos  lexer.Position // of src[off]
	off  int

	toks     []lexer.Token
	comments []*ast.Comment
	diags    diag.List // soft errors: the token is still emitted
	errs     []string  // messages of Error tokens
	soft     int

	stack    []byte // open brackets: '(', '[', '{'
	chain    []int  // per nesting level: open lambdas, ifs and prefix operators
	nesting  int    // len(stack) + sum(chain)
	ifs      []int  // nesting levels (len(stack)) of ifs waiting for their "{"
	last     lexer.Token
	haveLast bool
	lastLine int            // the line where the last token ended
	lastEnd  lexer.Position // where the last token ended

	nlPending bool
	nlPos     lexer.Position
	stopped   bool
}

// scan lexes src from start (the position of src[start.Offset]) to the end.
func scan(file string, src []byte, start lexer.Position) *scanner {
	s := &scanner{file: file, src: src, pos: start, off: start.Offset, chain: []int{0}}
	s.run()
	return s
}

func (s *scanner) peekByte(k int) byte {
	if s.off+k < len(s.src) {
		return s.src[s.off+k]
	}
	return 0
}

// advance moves over n bytes, keeping line and column (1-based, in bytes) current.
func (s *scanner) advance(n int) {
	for i := 0; i < n && s.off < len(s.src); i++ {
		if s.src[s.off] == '\n' {
			s.pos.Line++
			s.pos.Column = 1
		} else {
			s.pos.Column++
		}
		s.off++
		s.pos.Offset = s.off
	}
}

func (s *scanner) dpos(p lexer.Position) diag.Pos {
	return diag.Pos{File: s.file, Offset: p.Offset, Line: p.Line, Col: p.Column}
}

func (s *scanner) softError(p lexer.Position, format string, args ...any) {
	s.soft++
	if s.soft <= maxSoftErrors {
		s.diags.Add(s.dpos(p), format, args...)
	}
}

// hardError emits an Error token: the parser stops at it and reports msg.
func (s *scanner) hardError(p lexer.Position, msg string) {
	s.flushNewline(lexer.Token{Type: tokError})
	s.errs = append(s.errs, msg)
	s.toks = append(s.toks, lexer.Token{Type: tokError, Value: strconv.Itoa(len(s.errs) - 1), Pos: p})
}

func (s *scanner) run() {
	for !s.stopped {
		s.skipSpace()
		if s.off >= len(s.src) {
			break
		}
		s.token()
	}
	// End of file is reported right after the last token, not on the empty line that
	// usually follows it, so that the excerpt shows what is unfinished.
	eof := s.pos
	if s.haveLast {
		eof = s.lastEnd
	}
	s.toks = append(s.toks, lexer.EOFToken(eof))
	classify(s.toks)
}

// classify retypes names by the token that follows them:
//   - `Name {` (an LBrace, never the IfBrace of an if condition) is a RecordName;
//   - `name =` is a Binder;
//   - a name that starts a top-level line and is followed by a literal, a name or "-"
//     is a SettingName: `batch 1s`, `onBadRecord skip`, `onBadRecord deadLetter("x")`.
//
// Doing this here keeps the grammar free of lookahead: participle decides between a
// record literal and a name, or a setting and an expression statement, on one token.
func classify(toks []lexer.Token) {
	for i := 0; i+1 < len(toks); i++ {
		if toks[i].Type != tokIdent {
			continue
		}
		next := toks[i+1]
		switch {
		case next.Type == tokLBrace:
			toks[i].Type = tokRecordName
		case next.Type == tokPunct && next.Value == "=":
			toks[i].Type = tokBinder
		case (i == 0 || toks[i-1].Type == tokSep) && startsSettingValue(next):
			toks[i].Type = tokSettingName
		}
	}
}

func startsSettingValue(t lexer.Token) bool {
	switch t.Type {
	case tokInt, tokFloat, tokDuration, tokString, tokIdent, tokRecordName, tokBinder, tokSettingName:
		return true
	case tokKeyword:
		return t.Value == "true" || t.Value == "false"
	case tokPunct:
		return t.Value == "-"
	}
	return false
}

// skipSpace skips blanks, newlines and comments, noting newlines and collecting comments.
func (s *scanner) skipSpace() {
	for s.off < len(s.src) {
		switch c := s.src[s.off]; {
		case c == '\n':
			if !s.nlPending {
				s.nlPending = true
				s.nlPos = s.pos
			}
			s.advance(1)
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			s.advance(1)
		case c == '/' && s.peekByte(1) == '/':
			start := s.pos
			end := s.off
			for end < len(s.src) && s.src[end] != '\n' {
				end++
			}
			text := strings.TrimRight(string(s.src[s.off:end]), "\r")
			s.comments = append(s.comments, &ast.Comment{
				At:       s.dpos(start),
				Text:     text,
				Trailing: s.haveLast && s.lastLine == start.Line,
			})
			s.advance(end - s.off)
		default:
			return
		}
	}
}

// endsExpr reports whether a newline after t can end a statement.
func endsExpr(t lexer.Token) bool {
	switch t.Type {
	case tokIdent, tokInt, tokFloat, tokDuration, tokString, tokRecordName, tokBinder, tokSettingName:
		return true
	case tokKeyword:
		// pipeline, type and let count too, so that `pipeline` alone on a line is an
		// error there rather than swallowing the next line as its name.
		return t.Value != "if" && t.Value != "else"
	case tokPunct:
		return t.Value == ")" || t.Value == "]" || t.Value == "}" || t.Value == "?"
	}
	return false
}

// flushNewline emits the newline seen before next, if it is significant.
func (s *scanner) flushNewline(next lexer.Token) {
	if !s.nlPending {
		return
	}
	s.nlPending = false
	if !s.haveLast || !endsExpr(s.last) {
		return
	}
	if (next.Type == tokPunct && next.Value == ".") || (next.Type == tokKeyword && next.Value == "else") {
		return
	}
	s.separator("\n", s.nlPos)
}

// separator emits a newline or ";" as Sep (top level) or NL (inside braces); inside
// parentheses and brackets a ";" is emitted as punctuation, for the grammar to reject.
func (s *scanner) separator(v string, p lexer.Position) {
	switch {
	case len(s.stack) == 0:
		s.emitRaw(lexer.Token{Type: tokSep, Value: v, Pos: p})
	case s.stack[len(s.stack)-1] == '{':
		s.emitRaw(lexer.Token{Type: tokNL, Value: v, Pos: p})
	case v == ";":
		s.emitRaw(lexer.Token{Type: tokPunct, Value: v, Pos: p})
		return
	default:
		return
	}
	s.resetChain()
}

func (s *scanner) resetChain() {
	top := len(s.chain) - 1
	s.nesting -= s.chain[top]
	s.chain[top] = 0
}

func (s *scanner) emitRaw(t lexer.Token) {
	if t.Type == tokSep || t.Type == tokNL {
		// Collapse runs of separators so that blank lines cost nothing.
		if s.haveLast && (s.last.Type == tokSep || s.last.Type == tokNL) {
			return
		}
	}
	s.toks = append(s.toks, t)
	s.last = t
	s.haveLast = true
	s.lastLine = s.pos.Line
	s.lastEnd = s.pos
}

// emit adds a token that was just scanned (the scanner stands right after it).
func (s *scanner) emit(typ lexer.TokenType, start lexer.Position) {
	t := lexer.Token{Type: typ, Value: string(s.src[start.Offset:s.off]), Pos: start}
	if typ == tokIdent && keywords[t.Value] {
		t.Type = tokKeyword
	}
	s.flushNewline(t)
	if t.Type == tokPunct && t.Value == ";" {
		s.separator(";", start)
		return
	}
	switch {
	case t.Type == tokPunct && (t.Value == "(" || t.Value == "[" || t.Value == "{"):
		if t.Value == "{" {
			t.Type = tokLBrace
			if n := len(s.ifs); n > 0 && s.ifs[n-1] == len(s.stack) {
				t.Type = tokIfBrace
				s.ifs = s.ifs[:n-1]
			}
		}
		s.stack = append(s.stack, t.Value[0])
		s.chain = append(s.chain, 0)
		s.nest(start, 1)
	case t.Type == tokPunct && (t.Value == ")" || t.Value == "]" || t.Value == "}"):
		if len(s.stack) > 0 {
			s.nesting -= 1 + s.chain[len(s.chain)-1]
			s.chain = s.chain[:len(s.chain)-1]
			s.stack = s.stack[:len(s.stack)-1]
			for n := len(s.ifs); n > 0 && s.ifs[n-1] > len(s.stack); n-- {
				s.ifs = s.ifs[:n-1]
			}
		}
	case t.Type == tokPunct && t.Value == ",":
		s.resetChain()
	case t.Type == tokKeyword && t.Value == "if":
		s.ifs = append(s.ifs, len(s.stack))
		s.chainUp(start)
	case t.Type == tokPunct && t.Value == "=>",
		t.Type == tokPunct && t.Value == "!",
		t.Type == tokPunct && t.Value == "-" && !(s.haveLast && endsExpr(s.last)):
		s.chainUp(start)
	}
	if s.stopped {
		return
	}
	s.emitRaw(t)
}

// chainUp counts a construct that nests without brackets: a lambda body, an if, a
// prefix operator. They stay open until the next "," or separator at their level.
func (s *scanner) chainUp(p lexer.Position) {
	s.chain[len(s.chain)-1]++
	s.nest(p, 1)
}

func (s *scanner) nest(p lexer.Position, n int) {
	s.nesting += n
	if s.nesting > maxNesting {
		s.hardError(p, fmt.Sprintf("expression nested too deeply (more than %d levels)", maxNesting))
		s.stopped = true
	}
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

var puncts2 = []string{"=>", "==", "!=", "<=", ">=", "&&", "||"}

const puncts1 = "+-*/%<>!=.,:;()[]{}?"

// token scans one token at s.off (not a blank or a comment).
func (s *scanner) token() {
	start := s.pos
	c := s.src[s.off]
	switch {
	case isLetter(c):
		n := 1
		for s.off+n < len(s.src) && (isLetter(s.src[s.off+n]) || isDigit(s.src[s.off+n])) {
			n++
		}
		s.advance(n)
		s.emit(tokIdent, start)
	case isDigit(c):
		s.number(start)
	case c == '"':
		s.quoted(start)
	case c == '`':
		s.raw(start)
	default:
		for _, p := range puncts2 {
			if strings.HasPrefix(string(s.src[s.off:min(s.off+2, len(s.src))]), p) {
				s.advance(2)
				s.emit(tokPunct, start)
				return
			}
		}
		if strings.IndexByte(puncts1, c) >= 0 {
			s.advance(1)
			s.emit(tokPunct, start)
			return
		}
		s.invalid(start)
	}
}

// invalid reports a run of characters that cannot start a token and skips it.
func (s *scanner) invalid(start lexer.Position) {
	r, size := utf8.DecodeRune(s.src[s.off:])
	switch {
	case r == '&' || r == '|':
		// Read it as the operator that was meant, so that one mistake is one error.
		s.softError(start, "unexpected %q; did you mean %q?", string(r), string(r)+string(r))
		s.advance(1)
		t := lexer.Token{Type: tokPunct, Value: string(r) + string(r), Pos: start}
		s.flushNewline(t)
		s.emitRaw(t)
		return
	case r == '\'':
		// A string in single quotes: skip it whole (to the closing quote on its line).
		n := 1
		for s.off+n < len(s.src) && s.src[s.off+n] != '\'' && s.src[s.off+n] != '\n' {
			n++
		}
		if s.off+n < len(s.src) && s.src[s.off+n] == '\'' {
			n++
		}
		s.softError(start, "strings are written in double quotes, not single quotes")
		s.advance(n)
		return
	case r == utf8.RuneError && size <= 1:
		s.softError(start, "invalid byte 0x%02x in source", s.src[s.off])
	default:
		s.softError(start, "unexpected character %q", r)
	}
	s.advance(size)
	// Skip the rest of a run of invalid characters so that garbage reports once.
	for s.off < len(s.src) {
		c := s.src[s.off]
		if c < utf8.RuneSelf && (c <= ' ' || isLetter(c) || isDigit(c) || c == '"' || c == '`' ||
			strings.IndexByte(puncts1, c) >= 0) {
			break
		}
		_, size := utf8.DecodeRune(s.src[s.off:])
		s.advance(size)
	}
}

// digits scans [0-9][0-9_]* and reports misplaced underscores.
func (s *scanner) digits() {
	start := s.pos
	n := 0
	for s.off+n < len(s.src) && (isDigit(s.src[s.off+n]) || s.src[s.off+n] == '_') {
		n++
	}
	text := string(s.src[s.off : s.off+n])
	s.advance(n)
	if strings.Contains(text, "__") || strings.HasSuffix(text, "_") {
		s.softError(start, "'_' must separate successive digits")
	}
}

// number scans an int, a float or a duration.
func (s *scanner) number(start lexer.Position) {
	s.digits()
	typ := tokInt
	if s.peekByte(0) == '.' && isDigit(s.peekByte(1)) {
		typ = tokFloat
		s.advance(1)
		s.digits()
	}
	if c := s.peekByte(0); c == 'e' || c == 'E' {
		k := 1
		if d := s.peekByte(1); d == '+' || d == '-' {
			k = 2
		}
		if isDigit(s.peekByte(k)) {
			typ = tokFloat
			s.advance(k)
			s.digits()
		}
	}
	if typ == tokInt && isLetter(s.peekByte(0)) {
		s.duration(start)
		return
	}
	if isLetter(s.peekByte(0)) || isDigit(s.peekByte(0)) {
		n := 0
		for s.off+n < len(s.src) && (isLetter(s.src[s.off+n]) || isDigit(s.src[s.off+n])) {
			n++
		}
		s.advance(n)
		text := string(s.src[start.Offset:s.off])
		if typ == tokFloat && isDurationText(text) {
			s.softError(start, "invalid duration %q: a duration is a whole number and a unit: use a smaller unit (1500ms, not 1.5s)", text)
		} else {
			s.softError(start, "invalid number %q", text)
		}
		// One error per literal: the value below is not checked again.
		s.emit(typ, start)
		return
	}
	text := string(s.src[start.Offset:s.off])
	if typ == tokInt {
		if _, err := parseInt(text); err != "" {
			s.softError(start, "%s", err)
		}
	} else if _, err := strconv.ParseFloat(strings.ReplaceAll(text, "_", ""), 64); err != nil {
		s.softError(start, "float literal %s is out of range", text)
	}
	s.emit(typ, start)
}

// isDurationText reports whether a malformed number such as 1.5ms looks like a
// fractional duration, so the error can say what to write instead.
func isDurationText(text string) bool {
	i := len(text)
	for i > 0 && isLetter(text[i-1]) {
		i--
	}
	switch text[i:] {
	case "ns", "us", "ms", "s", "m", "h", "d":
		return i > 0
	}
	return false
}

// duration scans the rest of a duration whose first digits were read.
func (s *scanner) duration(start lexer.Position) {
	for {
		n := 0
		for s.off+n < len(s.src) && isLetter(s.src[s.off+n]) {
			n++
		}
		s.advance(n)
		if isDigit(s.peekByte(0)) {
			s.digits()
			if isLetter(s.peekByte(0)) {
				continue
			}
		}
		break
	}
	for s.off < len(s.src) && (isLetter(s.src[s.off]) || isDigit(s.src[s.off])) {
		s.advance(1)
	}
	text := string(s.src[start.Offset:s.off])
	if _, err := parseDuration(text); err != "" {
		s.softError(start, "%s", err)
	}
	s.emit(tokDuration, start)
}

// quoted scans a "..." string, which may span lines and takes Go escapes.
func (s *scanner) quoted(start lexer.Position) {
	i := s.off + 1
	for ; i < len(s.src); i++ {
		if s.src[i] == '\\' {
			i++
			continue
		}
		if s.src[i] == '"' {
			break
		}
	}
	if i >= len(s.src) {
		s.hardError(start, "unterminated string")
		s.stopped = true
		return
	}
	s.advance(1)
	// Check the escapes now, where the position of each is known.
	base := s.off
	text := string(s.src[base:i]) // one copy; rest below slices it
	for s.off < i {
		if s.src[s.off] != '\\' {
			s.advance(1)
			continue
		}
		rest := text[s.off-base:]
		_, _, tail, err := strconv.UnquoteChar(rest, '"')
		if err != nil {
			r, size := utf8.DecodeRuneInString(rest[1:])
			seq := rest[:1+size]
			if !strconv.IsPrint(r) {
				seq = strconv.Quote(seq)
			}
			s.softError(s.pos, "invalid escape sequence %s in string", seq)
			s.advance(1 + size)
			continue
		}
		s.advance(len(rest) - len(tail))
	}
	s.advance(1)
	s.emit(tokString, start)
}

// raw scans a `...` string.
func (s *scanner) raw(start lexer.Position) {
	i := s.off + 1
	for i < len(s.src) && s.src[i] != '`' {
		i++
	}
	if i >= len(s.src) {
		s.hardError(start, "unterminated raw string")
		s.stopped = true
		return
	}
	s.advance(i + 1 - s.off)
	s.emit(tokString, start)
}

// parseInt returns the value of an int literal, or a message when it is out of range.
func parseInt(text string) (int64, string) {
	v, err := strconv.ParseInt(strings.ReplaceAll(text, "_", ""), 10, 64)
	if err != nil {
		return 0, fmt.Sprintf("integer literal %s is out of range", text)
	}
	return v, ""
}

var durationUnits = map[string]time.Duration{
	"ns": time.Nanosecond, "us": time.Microsecond, "ms": time.Millisecond,
	"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour,
}

// parseDuration returns the value of a duration literal such as 1h30m, or a message.
func parseDuration(text string) (time.Duration, string) {
	var total time.Duration
	rest := text
	for rest != "" {
		i := 0
		for i < len(rest) && (isDigit(rest[i]) || rest[i] == '_') {
			i++
		}
		j := i
		for j < len(rest) && isLetter(rest[j]) {
			j++
		}
		if i == 0 || j == i {
			return 0, fmt.Sprintf("invalid duration %s: a number must be followed by a unit (ns, us, ms, s, m, h, d)", text)
		}
		unit, ok := durationUnits[rest[i:j]]
		if !ok {
			return 0, fmt.Sprintf("invalid duration %s: unknown unit %q (use ns, us, ms, s, m, h or d)", text, rest[i:j])
		}
		n, err := strconv.ParseInt(strings.ReplaceAll(rest[:i], "_", ""), 10, 64)
		if err != nil || n > int64(math.MaxInt64/unit) || time.Duration(n)*unit > math.MaxInt64-total {
			return 0, fmt.Sprintf("duration %s is out of range", text)
		}
		total += time.Duration(n) * unit
		rest = rest[j:]
	}
	return total, ""
}

// unquote returns the value of a string token (quotes included in raw).
func unquote(raw string) string {
	if strings.HasPrefix(raw, "`") {
		return strings.ReplaceAll(raw[1:len(raw)-1], "\r", "")
	}
	var b strings.Builder
	s := raw[1 : len(raw)-1]
	for len(s) > 0 {
		r, multibyte, tail, err := strconv.UnquoteChar(s, '"')
		if err != nil {
			// Reported by the scanner; keep the bytes so that the value stays close.
			b.WriteByte(s[0])
			s = s[1:]
			continue
		}
		if multibyte || r >= utf8.RuneSelf {
			b.WriteRune(r)
		} else {
			b.WriteByte(byte(r))
		}
		s = tail
	}
	return b.String()
}

// tokenLexer hands a slice of tokens to participle.
type tokenLexer struct {
	toks []lexer.Token
	i    int
}

func (l *tokenLexer) Next() (lexer.Token, error) {
	if l.i >= len(l.toks) {
		return lexer.EOFToken(lexer.Position{}), nil
	}
	t := l.toks[l.i]
	l.i++
	return t, nil
}

// definition is the participle lexer.Definition. ParseFile never calls Lex (it hands
// over tokens scanned already, chunk by chunk), but the grammar needs the symbol table,
// and Lex lets the grammar be exercised on its own.
type definition struct{}

func (definition) Symbols() map[string]lexer.TokenType { return symbols() }

func (definition) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	s := scan(filename, src, lexer.Position{Filename: filename, Line: 1, Column: 1})
	var toks []lexer.Token
	for _, t := range s.toks {
		if t.Type != tokSep {
			toks = append(toks, t)
		}
	}
	return &tokenLexer{toks: toks}, nil
}
